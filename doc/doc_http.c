/* SPDX-License-Identifier: ISC */
/*
 * doc_http: the HTTP routes of the document service (doc/doc.h). The
 * documents come from doc_render(); this file keeps, on the event loop, a
 * template set (doc_tset, re-checked at most once a second from a timer)
 * and a cache of rendered documents, and answers with them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "bootd/addr.h"
#include "bootd/bootd.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "db/db_thread.h"
#include "doc/doc.h"
#include "doc/doc_tfile.h"
#include "doc/doc_http.h"
#include "kickstart/ks_status.h"

#define DOC_HTTP_SLOTS	1024			/* rendered documents kept */
#define DOC_HTTP_BYTES	(64 * 1024 * 1024)	/* and their bytes, at most */

/* ---- The cache and the routes (event loop) ---------------------------- */

/*
 * A rendered document, shared by the cache slot and the replies still
 * being written: refs counts both (the event loop is the only user).
 */
struct dh_body {
	unsigned	 refs;
	char		*data;		/* from doc_render() */
	size_t		 len;
};

/*
 * Rendered documents, direct-mapped by (host, kind): a hit costs one
 * probe and sends the shared bytes without rendering. Entries are valid
 * for one snapshot and config (the whole cache empties when either
 * changes) and one version of their template.
 */
struct dh_slot {
	struct dh_body		*body;		/* NULL: empty */
	const struct inv_host	*h;		/* of the current snapshot */
	enum doc_kind		 d;
	uint64_t		 ver;		/* template version */
};

struct dh_stats {
	uint64_t	 loads;		/* template files (re)loaded */
	uint64_t	 load_errors;
	uint64_t	 cache_full;	/* loaded for one request only */
	uint64_t	 documents;	/* rendered and sent */
	uint64_t	 doc_hits;	/* of those, sent from the cache */
	uint64_t	 render_errors;
	uint64_t	 events;	/* status events queued */
	uint64_t	 events_dropped;	/* DB queue full */
};

struct doc_http {
	struct bootd	*bd;
	struct event	*tick;
	struct doc_tset	*tset;		/* DOC_HTTP_CACHE_MAX templates */
	struct dh_slot	*slot;		/* DOC_HTTP_SLOTS of them */
	size_t		 bytes;		/* held by the slots' bodies */
	const struct inv_snapshot *dsnap; /* what the slots were made from */
	uint64_t	 dgen, dcfg;
	struct dh_stats	 st;
};

static void
dh_body_unref(struct dh_body *b)
{
	if (b != NULL && --b->refs == 0) {
		free(b->data);
		free(b);
	}
}

/* evbuffer cleanup: a reply that borrowed b is done with it. */
static void
dh_body_done(const void *data, size_t len, void *arg)
{
	dh_body_unref(arg);
}

static void
dh_docs_flush(struct doc_http *ks)
{
	size_t i;

	for (i = 0; i < DOC_HTTP_SLOTS; i++) {
		dh_body_unref(ks->slot[i].body);
		ks->slot[i].body = NULL;
	}
	ks->bytes = 0;
}

static struct dh_slot *
dh_docs_slot(struct doc_http *ks, const struct inv_host *h, enum doc_kind d)
{
	const struct bootd	*bd = ks->bd;
	uint64_t		 k;

	if (ks->dsnap != bd->snap || ks->dgen != bd->snap->generation ||
	    ks->dcfg != bd->st.config_reloads) {
		dh_docs_flush(ks);
		ks->dsnap = bd->snap;
		ks->dgen = bd->snap->generation;
		ks->dcfg = bd->st.config_reloads;
	}
	/* Hosts sit in one array: their index spreads them well. */
	k = (uint64_t)(h - bd->snap->hosts) * DOC_KIND_MAX + (uint64_t)d;
	return &ks->slot[(k * 0x9e3779b97f4a7c15ULL >> 32) % DOC_HTTP_SLOTS];
}

/* doc_tset_hook: every template (re)load, counted and logged once. */
static void
dh_loaded(void *arg, const struct doc_tfile *f, int reload)
{
	struct doc_http *ks = arg;

	ks->st.loads++;
	if (f->ver == 0 && ks->st.cache_full++ == 0)
		log_warnx("http: more than %d templates in use; the rest are "
		    "read per request", DOC_HTTP_CACHE_MAX);
	if (f->t == NULL) {
		ks->st.load_errors++;
		if (f->ver != 0)	/* per request: the request logs it */
			log_warnx("http: template %s", f->err);
	} else if (reload)
		log_info("http: template %s reloaded", f->path);
	if (reload && ks->slot != NULL)
		dh_docs_flush(ks);	/* not needed, but frees the old ones */
}

/*
 * Once a second: reload templates whose file changed, appeared or went
 * away, follow a new paths.templates, and preload new profiles'
 * kickstarts (doc_tset_sync()). A new paths.templates also empties the
 * document cache.
 */
static void
dh_tick(evutil_socket_t fd, short what, void *arg)
{
	struct doc_http	*ks = arg;
	const char	*dir = ks->bd->cfg->paths.templates;

	if (strcmp(doc_tset_dir(ks->tset), dir) != 0)
		dh_docs_flush(ks);
	doc_tset_sync(ks->tset, dir, ks->bd->snap);
}

struct doc_http *
doc_http_new(struct bootd *bd, char *err, size_t errlen)
{
	struct doc_http	*ks;
	struct timeval	 tv = { 1, 0 };

	if ((ks = calloc(1, sizeof(*ks))) == NULL ||
	    (ks->tset = doc_tset_new(DOC_HTTP_CACHE_MAX, dh_loaded,
	    ks)) == NULL ||
	    (ks->slot = calloc(DOC_HTTP_SLOTS, sizeof(*ks->slot))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ks->bd = bd;
	if ((ks->tick = event_new(bd->base, -1, EV_PERSIST, dh_tick,
	    ks)) == NULL || event_add(ks->tick, &tv) == -1) {
		snprintf(err, errlen, "cannot add the template timer");
		goto fail;
	}
	doc_tset_sync(ks->tset, bd->cfg->paths.templates, bd->snap);
	return ks;
fail:
	doc_http_free(ks);
	return NULL;
}

void
doc_http_free(struct doc_http *ks)
{
	if (ks == NULL)
		return;
	if (ks->tick != NULL)
		event_free(ks->tick);
	if (ks->slot != NULL)
		dh_docs_flush(ks);
	free(ks->slot);
	doc_tset_free(ks->tset);
	free(ks);
}

/* The current snapshot, or NULL after answering 503. */
static const struct inv_snapshot *
dh_snap(struct http_ctx *c)
{
	if (c->bd->snap == NULL)
		http_error(c, HTTP_C_UNAVAIL);
	return c->bd->snap;
}

static const char *
esc_path(const struct http_ctx *c, char *buf, size_t len)
{
	return log_sanitise(buf, len, c->path, strlen(c->path));
}

/* An enabled host by MAC or hostname, or NULL after answering 404. */
static const struct inv_host *
dh_host(struct http_ctx *c, const struct inv_snapshot *snap, const char *key)
{
	const struct inv_host	*h = NULL;
	uint8_t			 mac[ADDR_MAC_LEN];
	char			 esc[160];

	if (addr_mac_parse(key, mac) == 0)
		h = inv_by_mac(snap, mac);
	else if (strlen(key) <= INV_NAME_MAX)
		h = inv_by_name(snap, key);
	if (h == NULL || !h->enabled) {
		log_peer_info("http: %s: %s: no such enabled host", c->peer,
		    esc_path(c, esc, sizeof(esc)));
		http_error(c, HTTP_C_NOTFOUND);
		return NULL;
	}
	return h;
}

/*
 * Sends document d of host h (doc_render()) from the document cache, else
 * renders, caches and sends it (returns 0); or 404 when d is not one of
 * h's documents, 500 when it does not render, with one log line through
 * the peer limiter (returns -1).
 */
static int
dh_serve(struct http_ctx *c, enum doc_kind d, const struct inv_host *h)
{
	struct doc_http		*ks = c->arg;
	const struct doc_tfile	*f = NULL;
	struct doc_tfile	 tmp;
	struct doc_templates	 one = { NULL, 0 };
	struct doc_req		 req = { c->bd->cfg, c->bd->snap, h, d, &one };
	struct dh_slot		*sl;
	struct dh_body		*b;
	const char		*name, *na;
	const char		*ctype = doc_ctype(d);
	char			*out, why[768], esc[160];
	uint64_t		 ver = 0;
	size_t			 len;
	int			 rc = -1;

	if (!doc_applies(d, h, &na)) {
		http_refuse(c, HTTP_C_NOTFOUND, na);
		return -1;
	}
	memset(&tmp, 0, sizeof(tmp));
	/* A SIGHUP's new paths.templates counts from the next request. */
	if (strcmp(doc_tset_dir(ks->tset), c->bd->cfg->paths.templates) != 0)
		dh_tick(-1, 0, ks);
	if ((name = doc_template(d, h)) != NULL) {
		f = doc_tset_get(ks->tset, name, &tmp);
		ver = f->ver;
		one.ent = f;
		one.n = 1;
	}
	sl = dh_docs_slot(ks, h, d);
	if (ver != 0 && sl->body != NULL && sl->h == h && sl->d == d &&
	    sl->ver == ver) {
		ks->st.documents++;
		ks->st.doc_hits++;
		sl->body->refs++;
		http_reply_ref(c, HTTP_C_OK, ctype, sl->body->data,
		    sl->body->len, dh_body_done, sl->body);
		rc = 0;
		goto done;
	}
	if (doc_render(&req, &out, &len, why, sizeof(why)) != DOC_OK) {
		/* The path names the kind; a load error says "template". */
		ks->st.render_errors++;
		log_peer_warnx("http: %s: %s: %s%s (host \"%s\")", c->peer,
		    esc_path(c, esc, sizeof(esc)), f != NULL && f->t == NULL ?
		    "template " : "", why, h->hostname);
		http_error(c, HTTP_C_INTERNAL);
		goto done;
	}
	ks->st.documents++;
	rc = 0;
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		http_reply_take(c, HTTP_C_OK, ctype, out, len);
		goto done;
	}
	b->data = out;
	b->len = len;
	b->refs = 1;
	/* Keep it when its template is cached and the byte cap allows. */
	if (sl->body != NULL) {
		ks->bytes -= sl->body->len;
		dh_body_unref(sl->body);
		sl->body = NULL;
	}
	if (ver != 0 && ks->bytes + len <= DOC_HTTP_BYTES) {
		sl->body = b;
		sl->h = h;
		sl->d = d;
		sl->ver = ver;
		ks->bytes += len;
		b->refs++;
	}
	http_reply_ref(c, HTTP_C_OK, ctype, b->data, b->len, dh_body_done, b);
done:
	doc_tfile_clear(&tmp);
	return rc;
}

/* A single path segment: non-empty, no '/'. */
static int
one_segment(struct http_ctx *c)
{
	if (c->rest[0] == '\0' || strchr(c->rest, '/') != NULL) {
		http_error(c, HTTP_C_NOTFOUND);
		return 0;
	}
	return 1;
}

/*
 * Queues ev (kind, stage and detail filled in) as an event of host h.
 * Returns 0, or -1 when there is no DB thread or its queue is full
 * (counted; the caller logs it with its context).
 */
static int
dh_event(struct http_ctx *c, const struct inv_host *h, struct db_event *ev)
{
	ev->arch = -1;
	ev->src = DB_SRC_HTTP;
	snprintf(ev->mac, sizeof(ev->mac), "%s", h->macstr);
	snprintf(ev->hostname, sizeof(ev->hostname), "%s", h->hostname);
	if (c->bd->db == NULL || db_thread_event(c->bd->db, ev) == -1) {
		((struct doc_http *)c->arg)->st.events_dropped++;
		return -1;
	}
	((struct doc_http *)c->arg)->st.events++;
	return 0;
}

/*
 * A document of h was sent: the boot event stage (ks-served,
 * firstboot-served) with detail "<path> from <peer>", so that the host's
 * timeline shows when its installer read it. HEAD sends no document and
 * records nothing. A full DB queue costs the row (counted, logged), never
 * the reply, which is on its way already.
 */
static void
dh_served(struct http_ctx *c, const struct inv_host *h, const char *stage)
{
	struct db_event	ev;
	char		esc[160];

	if (c->cmd == EVHTTP_REQ_HEAD)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = DB_EV_BOOT;
	snprintf(ev.stage, sizeof(ev.stage), "%s", stage);
	/* The path named an enabled host: no bytes needing escapes. */
	snprintf(ev.detail, sizeof(ev.detail), "%s from %s", c->path, c->peer);
	if (dh_event(c, h, &ev) == -1)
		log_peer_warnx("http: %s: %s: DB event queue full; %s not "
		    "recorded",
		    c->peer, esc_path(c, esc, sizeof(esc)), stage);
}

/*
 * GET /ks/<hostname or MAC>: the profile's kickstart. It may hold password
 * hashes: only to the host's own IP while its build flag is set, and to
 * http.admin_networks always.
 */
void
doc_http_kickstart(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = dh_snap(c)) == NULL || !one_segment(c) ||
	    (h = dh_host(c, snap, c->rest)) == NULL)
		return;
	if (!http_allow(c, h->ip, 0, "a kickstart goes only to its host's "
	    "own IP or to http.admin_networks"))
		return;
	if (!c->admin && !h->build) {
		http_forbid(c, "the host's build flag is clear");
		return;
	}
	if (dh_serve(c, DOC_KS, h) == 0)
		dh_served(c, h, "ks-served");
}

/*
 * GET /guests/<dom0>: the guest list (doc_render(), kind guests);
 * /guests/<dom0>/<guest>.cfg, <guest>-install.cfg: Xen xl configs;
 * /guests/<dom0>/<guest>.xml, <guest>-install.xml: libvirt domains. Only
 * to the dom0's own IP and to http.admin_networks.
 */
void
doc_http_guests(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h, *g = NULL;
	const char			*slash, *file;
	char				 name[INV_NAME_MAX + 1], esc[160];
	size_t				 n;
	enum doc_kind			 d;

	if ((snap = dh_snap(c)) == NULL)
		return;
	slash = strchr(c->rest, '/');
	n = slash != NULL ? (size_t)(slash - c->rest) : strlen(c->rest);
	file = slash != NULL ? slash + 1 : "";
	if (n == 0 || n > INV_NAME_MAX || strchr(file, '/') != NULL) {
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	memcpy(name, c->rest, n);
	name[n] = '\0';
	if ((h = dh_host(c, snap, name)) == NULL ||
	    !http_allow(c, h->ip, 0, "guest configs go only to the dom0's "
	    "own IP or to http.admin_networks"))
		return;
	if (file[0] == '\0') {
		dh_serve(c, DOC_GUESTS, h);
		return;
	}
	if (!doc_guest_file(h, file, &d, &g)) {
		log_peer_info("http: %s: %s: not a guest config of %s", c->peer,
		    esc_path(c, esc, sizeof(esc)), h->hostname);
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	dh_serve(c, d, g);
}

/*
 * GET /firstboot/<dom0>: the script that installs the dom0's guests. Only
 * to the dom0's own IP and to http.admin_networks.
 */
void
doc_http_firstboot(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = dh_snap(c)) == NULL || !one_segment(c) ||
	    (h = dh_host(c, snap, c->rest)) == NULL)
		return;
	if (!http_allow(c, h->ip, 0, "a first-boot script goes only to the "
	    "dom0's own IP or to http.admin_networks"))
		return;
	if (dh_serve(c, DOC_FIRSTBOOT, h) == 0)
		dh_served(c, h, "firstboot-served");
}

/*
 * GET /ipxe/<MAC or hostname>: the iPXE script, to anyone (it holds what
 * the TFTP menus hold).
 */
void
doc_http_ipxe(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = dh_snap(c)) == NULL || !one_segment(c) ||
	    (h = dh_host(c, snap, c->rest)) == NULL)
		return;
	dh_serve(c, DOC_IPXE, h);
}

/*
 * GET /grub/<MAC or hostname>: the GRUB menu for GRUB booted by UEFI
 * HTTP boot (kind grub-http: kernel and initrd under /files/), to anyone
 * (it holds what the TFTP menus hold); boot event grub-served. The GRUB
 * image's early config (contrib/grub-http.cfg) asks for it.
 */
void
doc_http_grub(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = dh_snap(c)) == NULL || !one_segment(c) ||
	    (h = dh_host(c, snap, c->rest)) == NULL)
		return;
	if (dh_serve(c, DOC_GRUB_HTTP, h) == 0)
		dh_served(c, h, "grub-served");
}

/*
 * POST /status/<host>, body stage=<stage>&detail=<text>: a boot_events row;
 * stage install-done also clears the host's build flag. Only from the
 * host's own IP, its dom0's (a dom0 reports its guests), or
 * http.admin_networks.
 */
void
doc_http_status(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;
	struct db_event			 ev;
	struct ks_status		 st;
	struct evbuffer			*in;
	const char			*why;
	char				 esc[160], body[KS_STATUS_MAX];
	size_t				 len;
	enum ks_status_rc		 rc;

	if ((snap = dh_snap(c)) == NULL || !one_segment(c) ||
	    (h = dh_host(c, snap, c->rest)) == NULL)
		return;
	if (!http_allow(c, h->ip, h->dom0 != NULL ? h->dom0->ip : 0,
	    "status reports come only from the "
	    "host's own IP, its dom0's or http.admin_networks"))
		return;
	in = evhttp_request_get_input_buffer(c->req);
	len = evbuffer_get_length(in);
	if (len <= sizeof(body) &&
	    evbuffer_copyout(in, body, len) != (ev_ssize_t)len) {
		http_error(c, HTTP_C_INTERNAL);
		return;
	}
	if ((rc = ks_status_parse(body, len, &st, &why)) != KS_STATUS_OK) {
		log_peer_info("http: %s: %s: %s", c->peer,
		    esc_path(c, esc, sizeof(esc)), why);
		http_error(c, rc == KS_STATUS_ETOOLARGE ? HTTP_C_TOOLARGE :
		    HTTP_C_BADREQ);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.stage, sizeof(ev.stage), "%s", st.stage);
	snprintf(ev.detail, sizeof(ev.detail), "%s", st.detail);
	/*
	 * install-done: the build flag first, through its own set and
	 * journal, so a queue full of ordinary events never costs it; then
	 * the row in boot_events like any other status.
	 */
	if (strcmp(ev.stage, "install-done") == 0) {
		if (c->bd->db == NULL ||
		    db_thread_clear_build(c->bd->db, h->hostname) == -1) {
			log_peer_warnx("http: %s: build flag of %s not "
			    "cleared: too many clears pending", c->peer,
			    h->hostname);
			http_error(c, HTTP_C_UNAVAIL);
			return;
		}
		log_peer_info("http: %s: %s reports install-done; clearing its "
		    "build flag", c->peer, h->hostname);
	}
	ev.kind = DB_EV_BOOT;
	if (dh_event(c, h, &ev) == -1) {
		if (strcmp(ev.stage, "install-done") == 0) {
			/* The clear is kept: the row alone is lost. */
			log_peer_warnx("http: %s: %s: DB event queue full; "
			    "install-done row not recorded", c->peer,
			    esc_path(c, esc, sizeof(esc)));
		} else {
			log_peer_warnx("http: %s: %s: DB event queue full; "
			    "status dropped", c->peer,
			    esc_path(c, esc, sizeof(esc)));
			http_error(c, HTTP_C_UNAVAIL);
			return;
		}
	}
	http_reply(c, HTTP_C_OK, NULL, "ok\n", 3);
}

int
doc_http_routes(struct doc_http *ks, struct http_srv *http, char *err,
    size_t errlen)
{
	static const struct {
		const char	*prefix;
		int		 methods;
		void		(*fn)(struct http_ctx *);
	} routes[] = {
		{ "/ks/", HTTP_M_GET, doc_http_kickstart },
		{ "/guests/", HTTP_M_GET, doc_http_guests },
		{ "/firstboot/", HTTP_M_GET, doc_http_firstboot },
		{ "/ipxe/", HTTP_M_GET, doc_http_ipxe },
		{ "/grub/", HTTP_M_GET, doc_http_grub },
		{ "/status/", HTTP_M_POST, doc_http_status },
	};
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (http_route_add(http, routes[i].prefix, 0,
		    routes[i].methods, HTTP_ACL_ANY, routes[i].fn, ks, err,
		    errlen) == -1)
			return -1;
	return 0;
}
