/* SPDX-License-Identifier: ISC */
/*
 * ks_http: per-host documents from templates, and their HTTP routes.
 * Rendering (first section) is pure. Template files (second) are read by
 * `bootd render` and by the cache. The cache and the handlers (third) run
 * on the event loop: they render from compiled templates held in memory
 * and re-check the files at most once a second, from a timer.
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
#include "bootd/safeopen.h"
#include "db/db_thread.h"
#include "kickstart/ks_http.h"
#include "kickstart/ks_status.h"
#include "kickstart/ks_vars.h"

/* ---- Rendering (pure) ------------------------------------------------- */

const char *const ks_doc_names[KS_DOC_MAX] = {
	[KS_DOC_KS] = "ks",
	[KS_DOC_XEN] = "xen",
	[KS_DOC_XEN_INSTALL] = "xen-install",
	[KS_DOC_LIBVIRT] = "libvirt",
	[KS_DOC_LIBVIRT_INSTALL] = "libvirt-install",
	[KS_DOC_FIRSTBOOT] = "firstboot",
	[KS_DOC_IPXE] = "ipxe",
};

/* Built-in template names; a file of that name in paths.templates wins. */
static const char *const ks_doc_tnames[KS_DOC_MAX] = {
	[KS_DOC_KS] = "",
	[KS_DOC_XEN] = "xen.cfg",
	[KS_DOC_XEN_INSTALL] = "xen-install.cfg",
	[KS_DOC_LIBVIRT] = "libvirt.xml",
	[KS_DOC_LIBVIRT_INSTALL] = "libvirt.xml",
	[KS_DOC_FIRSTBOOT] = "firstboot.sh",
	[KS_DOC_IPXE] = "ipxe.ipxe",
};

/* Variables ks_doc_render() adds to those of ks_vars_build(). */
#define KS_EXTRA_MAX	4

#define KS_DOCS_SLOTS	1024			/* rendered documents kept */
#define KS_DOCS_BYTES	(64 * 1024 * 1024)	/* and their bytes, at most */

/* A scope over a host's ks_vars plus the extra variables. */
struct ks_scope {
	struct tmpl_scope	 scope;
	struct tmpl_var		*vars;
	struct tmpl_var		 nsv[CONFIG_MAX_DNS];
	struct tmpl_scope	 nss[CONFIG_MAX_DNS];
	struct tmpl_list	 nsl;
	char			**esc;		/* XML-escaped copies */
	size_t			 nesc;
};

int
ks_doc_parse(const char *s)
{
	int d;

	for (d = 0; d < KS_DOC_MAX; d++)
		if (strcmp(s, ks_doc_names[d]) == 0)
			return d;
	return -1;
}

const char *
ks_doc_template(enum ks_doc d, const struct inv_host *h)
{
	if (d == KS_DOC_KS)
		return h->profile->kickstart;
	return ks_doc_tnames[d];
}

static int
is_install(enum ks_doc d)
{
	return d == KS_DOC_XEN_INSTALL || d == KS_DOC_LIBVIRT_INSTALL;
}

/* Whether h boots its profile's kernel over the network now. */
static int
netboots(const struct inv_host *h)
{
	if (h->profile->kernel[0] == '\0')
		return 0;
	switch (h->profile->kind) {
	case INV_KIND_DISKLESS:
		return 1;
	case INV_KIND_INSTALL:
		return h->build;
	default:
		return 0;
	}
}

static int
has_var(const struct tmpl_var *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return 1;
	return 0;
}

/* s with & < > ' " escaped as XML entities; NULL when s needs none. */
static char *
xml_escape(const char *s, int *nomem)
{
	const char	*p;
	char		*out, *o;
	size_t		 extra = 0;

	for (p = s; *p != '\0'; p++)
		switch (*p) {
		case '&':
			extra += 4;
			break;
		case '<':
		case '>':
			extra += 3;
			break;
		case '\'':
		case '"':
			extra += 5;
			break;
		}
	if (extra == 0)
		return NULL;
	if ((out = malloc(strlen(s) + extra + 1)) == NULL) {
		*nomem = 1;
		return NULL;
	}
	for (p = s, o = out; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			memcpy(o, "&amp;", 5);
			o += 5;
			break;
		case '<':
			memcpy(o, "&lt;", 4);
			o += 4;
			break;
		case '>':
			memcpy(o, "&gt;", 4);
			o += 4;
			break;
		case '\'':
			memcpy(o, "&apos;", 6);
			o += 6;
			break;
		case '"':
			memcpy(o, "&quot;", 6);
			o += 6;
			break;
		default:
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void
ks_scope_clear(struct ks_scope *x)
{
	size_t i;

	for (i = 0; i < x->nesc; i++)
		free(x->esc[i]);
	free(x->esc);
	free(x->vars);
	memset(x, 0, sizeof(*x));
}

static void
extra(struct tmpl_var *v, size_t *n, const char *name, const char *str,
    const struct tmpl_list *list)
{
	if (has_var(v, *n, name))
		return;		/* a host_var of that name wins */
	v[*n].name = name;
	v[*n].str = str;
	v[*n].list = list;
	(*n)++;
}

/* Builds x over kv (both borrowed by x until ks_scope_clear()). */
static int
ks_scope_build(struct ks_scope *x, enum ks_doc d,
    const struct bootd_config *cfg, const struct inv_host *h,
    const struct ks_vars *kv)
{
	const struct config_subnet	*sn;
	const char			*bridge;
	char				*e;
	size_t				 n = kv->scope.nvars, i;
	int				 j, nomem = 0;

	memset(x, 0, sizeof(*x));
	if ((x->vars = calloc(n + KS_EXTRA_MAX, sizeof(*x->vars))) == NULL)
		return -1;
	memcpy(x->vars, kv->scope.vars, n * sizeof(*x->vars));
	if ((bridge = inv_var_get(h, "bridge")) == NULL && (h->dom0 == NULL ||
	    (bridge = inv_var_get(h->dom0, "bridge")) == NULL))
		bridge = KS_DEFAULT_BRIDGE;
	extra(x->vars, &n, "bridge", bridge, NULL);
	if ((sn = config_subnet_for(cfg, h->ip)) != NULL)
		for (j = 0; j < sn->dns.n && j < CONFIG_MAX_DNS; j++) {
			x->nsv[j].name = "nameserver";
			x->nsv[j].str = sn->dns.items[j];
			x->nss[j].vars = &x->nsv[j];
			x->nss[j].nvars = 1;
			x->nsl.nitems++;
		}
	x->nsl.items = x->nss;
	extra(x->vars, &n, "nameservers", NULL, &x->nsl);
	extra(x->vars, &n, "install", is_install(d) ? "1" : "0", NULL);
	extra(x->vars, &n, "netboot", netboots(h) ? "1" : "0", NULL);
	if (d == KS_DOC_LIBVIRT || d == KS_DOC_LIBVIRT_INSTALL) {
		if ((x->esc = calloc(n, sizeof(*x->esc))) == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if (x->vars[i].str == NULL)
				continue;
			if ((e = xml_escape(x->vars[i].str, &nomem)) != NULL) {
				x->esc[x->nesc++] = e;
				x->vars[i].str = e;
			}
			if (nomem)
				return -1;
		}
	}
	x->scope.vars = x->vars;
	x->scope.nvars = n;
	return 0;
}

int
ks_doc_render(enum ks_doc d, const struct bootd_config *cfg,
    const struct inv_host *h, const struct tmpl *t, const char *tpath,
    char **out, size_t *outlen, char *why, size_t whylen)
{
	struct ks_vars		kv;
	struct ks_scope		x;
	struct tmpl_error	terr;
	int			rc = -1;

	*out = NULL;
	*outlen = 0;
	if (ks_vars_build(&kv, cfg, h, &terr) == -1) {
		snprintf(why, whylen, "profile \"%s\" append:%d: %s",
		    h->profile->name, terr.line, terr.msg);
		return -1;
	}
	if (ks_scope_build(&x, d, cfg, h, &kv) == -1) {
		snprintf(why, whylen, "out of memory");
		goto done;
	}
	if (tmpl_render(t, &x.scope, KS_RENDER_MAX, out, outlen, &terr) == -1) {
		snprintf(why, whylen, "%s:%d: %s", tpath, terr.line, terr.msg);
		goto done;
	}
	rc = 0;
done:
	ks_scope_clear(&x);
	ks_vars_clear(&kv);
	return rc;
}

static const char *
dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

char *
ks_guest_list(const struct inv_host *h, size_t *len)
{
	const struct inv_host	*g;
	char			*out;
	size_t			 i, cap = 1, o = 0;

	for (i = 0; i < h->nguests; i++) {
		g = h->guests[i];
		cap += strlen(g->hostname) + strlen(g->profile->name) +
		    strlen(dash(g->profile->kernel)) +
		    strlen(dash(g->profile->initrd)) + 4;
	}
	if ((out = malloc(cap)) == NULL)
		return NULL;
	for (i = 0; i < h->nguests; i++) {
		g = h->guests[i];
		if (!g->enabled)
			continue;
		o += (size_t)snprintf(out + o, cap - o, "%s %s %s %s\n",
		    g->hostname, g->profile->name, dash(g->profile->kernel),
		    dash(g->profile->initrd));
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* ---- Template files --------------------------------------------------- */

int
ks_tname_ok(const char *name)
{
	const char	*p, *c;
	size_t		 len = strlen(name);

	if (len == 0 || len > KS_TNAME_MAX || name[0] == '/')
		return 0;
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	for (c = name; c != NULL; c = (p = strchr(c, '/')) ? p + 1 : NULL)
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
			return 0;
	return 1;
}

static const struct ks_builtin *
builtin(const char *name)
{
	size_t i;

	for (i = 0; i < ks_nbuiltins; i++)
		if (strcmp(ks_builtins[i].name, name) == 0)
			return &ks_builtins[i];
	return NULL;
}

static void
compile(struct ks_tfile *f, const char *src, size_t len)
{
	struct tmpl_error terr;

	if ((f->t = tmpl_compile(src, len, f->path, &terr)) == NULL)
		snprintf(f->err, sizeof(f->err), "%s:%d: %s", f->path,
		    terr.line, terr.msg);
}

/* Records what path is now (0 when it is not there), for changes. */
static void
identity(struct ks_tfile *f, const struct stat *st)
{
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->ctime = st->st_ctim;
}

int
ks_tfile_load(struct ks_tfile *f, const char *dir, const char *name)
{
	const struct ks_builtin	*b;
	struct stat		 st;
	char			*buf, why[128];
	size_t			 len;
	int			 n;

	memset(f, 0, sizeof(*f));
	if (!ks_tname_ok(name)) {
		snprintf(f->err, sizeof(f->err), "template name \"%.64s\": "
		    "must be a relative name inside paths.templates", name);
		return -1;
	}
	n = snprintf(f->path, sizeof(f->path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(f->path)) {
		snprintf(f->err, sizeof(f->err), "%s/%.64s: path too long",
		    dir, name);
		return -1;
	}
	/*
	 * Whatever is there, good or bad, is recorded first, so that
	 * ks_tfile_changed() reports a change only when there is one.
	 */
	if (lstat(f->path, &st) == 0)
		identity(f, &st);
	/*
	 * A FIFO put there must not stall the event loop, and a symlink
	 * must not publish a file from elsewhere (safeopen.h).
	 */
	if ((buf = safeopen_read(f->path, TMPL_SRC_MAX, 0, &len, &st, why,
	    sizeof(why))) == NULL) {
		if (errno != ENOENT) {
			snprintf(f->err, sizeof(f->err), "%s: %s", f->path,
			    why);
			return -1;
		}
		if ((b = builtin(name)) == NULL) {
			snprintf(f->err, sizeof(f->err), "%s: not found (and "
			    "no built-in template of that name)", f->path);
			return -1;
		}
		snprintf(f->path, sizeof(f->path), "(built-in) %s", name);
		f->found = 1;
		compile(f, b->text, b->len);
		return f->t != NULL ? 0 : -1;
	}
	identity(f, &st);
	f->found = 1;
	compile(f, buf, len);
	free(buf);
	return f->t != NULL ? 0 : -1;
}

int
ks_tfile_changed(const struct ks_tfile *f, const char *dir, const char *name)
{
	struct stat	st;
	char		path[1024];

	if (!ks_tname_ok(name))
		return 0;	/* refused by name: stays refused */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) == -1)
		return f->ino != 0;	/* a file went away: built-in now */
	return f->ino == 0 || st.st_dev != f->dev || st.st_ino != f->ino ||
	    st.st_size != f->size ||
	    st.st_mtim.tv_sec != f->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != f->mtime.tv_nsec ||
	    st.st_ctim.tv_sec != f->ctime.tv_sec ||
	    st.st_ctim.tv_nsec != f->ctime.tv_nsec;
}

void
ks_tfile_clear(struct ks_tfile *f)
{
	tmpl_free(f->t);
	memset(f, 0, sizeof(*f));
}

/* ---- The cache and the routes (event loop) ---------------------------- */

struct ks_entry {
	char		 name[KS_TNAME_MAX + 1];
	struct ks_tfile	 f;
	uint64_t	 ver;		/* changes with every (re)load */
};

/*
 * A rendered document, shared by the cache slot and the replies still
 * being written: refs counts both (the event loop is the only user).
 */
struct ks_body {
	unsigned	 refs;
	char		*data;		/* from tmpl_render() */
	size_t		 len;
};

/*
 * Rendered documents, direct-mapped by (host, doc): a hit costs one probe
 * and sends the shared bytes without rendering. Entries are valid for one
 * snapshot and config (the whole cache empties when either changes) and
 * one version of their template.
 */
struct ks_slot {
	struct ks_body		*body;		/* NULL: empty */
	const struct inv_host	*h;		/* of the current snapshot */
	enum ks_doc		 d;
	uint64_t		 ver;		/* template version */
};

struct ks_stats {
	uint64_t	 loads;		/* template files (re)loaded */
	uint64_t	 load_errors;
	uint64_t	 cache_full;	/* loaded for one request only */
	uint64_t	 documents;	/* rendered and sent */
	uint64_t	 doc_hits;	/* of those, sent from the cache */
	uint64_t	 render_errors;
	uint64_t	 events;	/* status events queued */
	uint64_t	 events_dropped;	/* DB queue full */
};

struct ks_http {
	struct bootd	*bd;
	struct event	*tick;
	char		 dir[PATH_MAX];	/* paths.templates of the entries */
	uint64_t	 gen;		/* generation whose kickstarts loaded */
	struct ks_entry	*ent;		/* KS_CACHE_MAX of them */
	size_t		 n;
	uint64_t	 ver;		/* last template version given out */
	struct ks_slot	*slot;		/* KS_DOCS_SLOTS of them */
	size_t		 bytes;		/* held by the slots' bodies */
	const struct inv_snapshot *dsnap; /* what the slots were made from */
	uint64_t	 dgen, dcfg;
	struct ks_stats	 st;
};

static void
ks_body_unref(struct ks_body *b)
{
	if (b != NULL && --b->refs == 0) {
		free(b->data);
		free(b);
	}
}

/* evbuffer cleanup: a reply that borrowed b is done with it. */
static void
ks_body_done(const void *data, size_t len, void *arg)
{
	ks_body_unref(arg);
}

static void
ks_docs_flush(struct ks_http *ks)
{
	size_t i;

	for (i = 0; i < KS_DOCS_SLOTS; i++) {
		ks_body_unref(ks->slot[i].body);
		ks->slot[i].body = NULL;
	}
	ks->bytes = 0;
}

static struct ks_slot *
ks_docs_slot(struct ks_http *ks, const struct inv_host *h, enum ks_doc d)
{
	const struct bootd	*bd = ks->bd;
	uint64_t		 k;

	if (ks->dsnap != bd->snap || ks->dgen != bd->snap->generation ||
	    ks->dcfg != bd->st.config_reloads) {
		ks_docs_flush(ks);
		ks->dsnap = bd->snap;
		ks->dgen = bd->snap->generation;
		ks->dcfg = bd->st.config_reloads;
	}
	/* Hosts sit in one array: their index spreads them well. */
	k = (uint64_t)(h - bd->snap->hosts) * KS_DOC_MAX + (uint64_t)d;
	return &ks->slot[(k * 0x9e3779b97f4a7c15ULL >> 32) % KS_DOCS_SLOTS];
}

static void
ks_load(struct ks_http *ks, struct ks_entry *e, int reload)
{
	ks_tfile_clear(&e->f);
	ks->st.loads++;
	e->ver = ++ks->ver;
	if (reload)
		ks_docs_flush(ks);	/* not needed, but frees the old ones */
	if (ks_tfile_load(&e->f, ks->dir, e->name) == -1) {
		ks->st.load_errors++;
		log_warnx("http: template %s", e->f.err);
	} else if (reload)
		log_info("http: template %s reloaded", e->f.path);
}

/* Empties the cache when paths.templates changed (a SIGHUP reload). */
static void
ks_sync_dir(struct ks_http *ks)
{
	const char	*dir = ks->bd->cfg->paths.templates;
	size_t		 i;

	if (strcmp(ks->dir, dir) == 0)
		return;
	for (i = 0; i < ks->n; i++)
		ks_tfile_clear(&ks->ent[i].f);
	ks->n = 0;
	ks->gen = 0;
	ks_docs_flush(ks);
	snprintf(ks->dir, sizeof(ks->dir), "%s", dir);
}

/*
 * The template called name: from the cache, else loaded now (a bounded
 * read of one local file, the first time a name is asked for). When the
 * cache is full it is loaded into tmp for this one use (the caller clears
 * tmp). The result is borrowed until the next callback.
 */
static const struct ks_tfile *
ks_get(struct ks_http *ks, const char *name, struct ks_tfile *tmp,
    uint64_t *ver)
{
	struct ks_entry	*e;
	size_t		 i;

	ks_sync_dir(ks);
	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->ent[i].name, name) == 0) {
			*ver = ks->ent[i].ver;
			return &ks->ent[i].f;
		}
	*ver = 0;	/* not cached: nor is what it renders */
	if (strlen(name) > KS_TNAME_MAX || ks->n == KS_CACHE_MAX) {
		if (ks->st.cache_full++ == 0)
			log_warnx("http: more than %d templates in use; the "
			    "rest are read per request", KS_CACHE_MAX);
		ks->st.loads++;
		if (ks_tfile_load(tmp, ks->dir, name) == -1)
			ks->st.load_errors++;
		return tmp;
	}
	e = &ks->ent[ks->n++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	ks_load(ks, e, 0);
	*ver = e->ver;
	return &e->f;
}

/* Loads the built-ins and every profile's kickstart not loaded yet. */
static void
ks_preload(struct ks_http *ks)
{
	const struct inv_snapshot	*snap = ks->bd->snap;
	struct ks_tfile			 tmp;
	uint64_t			 ver;
	size_t				 i;
	int				 d;

	memset(&tmp, 0, sizeof(tmp));
	for (d = 0; d < KS_DOC_MAX; d++)
		if (ks_doc_tnames[d][0] != '\0')
			(void)ks_get(ks, ks_doc_tnames[d], &tmp, &ver);
	if (snap != NULL && snap->generation != ks->gen) {
		for (i = 0; i < snap->nprofiles; i++)
			if (snap->profiles[i].kickstart[0] != '\0')
				(void)ks_get(ks, snap->profiles[i].kickstart,
				    &tmp, &ver);
		ks->gen = snap->generation;
	}
	ks_tfile_clear(&tmp);
}

/*
 * Once a second: reload templates whose file changed (identity: device,
 * inode, size, mtime, ctime), appeared or went away, follow a new
 * paths.templates, and preload new profiles' kickstarts. At most
 * KS_CACHE_MAX lstat(2) calls plus the reads of changed files.
 */
static void
ks_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ks_http	*ks = arg;
	size_t		 i;

	ks_sync_dir(ks);
	for (i = 0; i < ks->n; i++)
		if (ks_tfile_changed(&ks->ent[i].f, ks->dir, ks->ent[i].name))
			ks_load(ks, &ks->ent[i], 1);
	ks_preload(ks);
}

struct ks_http *
ks_http_new(struct bootd *bd, char *err, size_t errlen)
{
	struct ks_http	*ks;
	struct timeval	 tv = { 1, 0 };

	if ((ks = calloc(1, sizeof(*ks))) == NULL ||
	    (ks->ent = calloc(KS_CACHE_MAX, sizeof(*ks->ent))) == NULL ||
	    (ks->slot = calloc(KS_DOCS_SLOTS, sizeof(*ks->slot))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ks->bd = bd;
	if ((ks->tick = event_new(bd->base, -1, EV_PERSIST, ks_tick,
	    ks)) == NULL || event_add(ks->tick, &tv) == -1) {
		snprintf(err, errlen, "cannot add the template timer");
		goto fail;
	}
	ks_sync_dir(ks);
	ks_preload(ks);
	return ks;
fail:
	ks_http_free(ks);
	return NULL;
}

void
ks_http_free(struct ks_http *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	if (ks->tick != NULL)
		event_free(ks->tick);
	if (ks->ent != NULL)
		for (i = 0; i < ks->n; i++)
			ks_tfile_clear(&ks->ent[i].f);
	if (ks->slot != NULL)
		ks_docs_flush(ks);
	free(ks->slot);
	free(ks->ent);
	free(ks);
}

/* The current snapshot, or NULL after answering 503. */
static const struct inv_snapshot *
ks_snap(struct http_ctx *c)
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
ks_host(struct http_ctx *c, const struct inv_snapshot *snap, const char *key)
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
 * Sends doc d of host h from the document cache, else renders, caches and
 * sends it (returns 0); or 404/500 with one log line (returns -1).
 */
static int
ks_serve(struct http_ctx *c, enum ks_doc d, const struct inv_host *h)
{
	struct ks_http		*ks = c->arg;
	const struct ks_tfile	*f;
	struct ks_tfile		 tmp;
	struct ks_slot		*sl;
	struct ks_body		*b;
	const char		*name = ks_doc_template(d, h);
	const char		*ctype = NULL;
	char			*out, why[768], esc[160];
	uint64_t		 ver;
	size_t			 len;
	int			 rc = -1;

	if (d == KS_DOC_LIBVIRT || d == KS_DOC_LIBVIRT_INSTALL)
		ctype = "application/xml";
	memset(&tmp, 0, sizeof(tmp));
	if (name[0] == '\0') {
		log_peer_info("http: %s: %s: profile \"%s\" has no kickstart",
		    c->peer, esc_path(c, esc, sizeof(esc)), h->profile->name);
		http_error(c, HTTP_C_NOTFOUND);
		return -1;
	}
	f = ks_get(ks, name, &tmp, &ver);
	sl = ks_docs_slot(ks, h, d);
	if (ver != 0 && sl->body != NULL && sl->h == h && sl->d == d &&
	    sl->ver == ver) {
		ks->st.documents++;
		ks->st.doc_hits++;
		sl->body->refs++;
		http_reply_ref(c, HTTP_C_OK, ctype, sl->body->data,
		    sl->body->len, ks_body_done, sl->body);
		return 0;
	}
	if (f->t == NULL) {
		ks->st.render_errors++;
		log_peer_warnx("http: %s: %s: template %s (host \"%s\")",
		    c->peer, esc_path(c, esc, sizeof(esc)), f->err,
		    h->hostname);
		http_error(c, HTTP_C_INTERNAL);
		goto done;
	}
	if (ks_doc_render(d, c->bd->cfg, h, f->t, f->path, &out, &len,
	    why, sizeof(why)) == -1) {
		ks->st.render_errors++;
		log_peer_warnx("http: %s: %s: %s (host \"%s\")", c->peer,
		    esc_path(c, esc, sizeof(esc)), why, h->hostname);
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
		ks_body_unref(sl->body);
		sl->body = NULL;
	}
	if (ver != 0 && ks->bytes + len <= KS_DOCS_BYTES) {
		sl->body = b;
		sl->h = h;
		sl->d = d;
		sl->ver = ver;
		ks->bytes += len;
		b->refs++;
	}
	http_reply_ref(c, HTTP_C_OK, ctype, b->data, b->len, ks_body_done, b);
done:
	ks_tfile_clear(&tmp);
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
ks_event(struct http_ctx *c, const struct inv_host *h, struct db_event *ev)
{
	ev->arch = -1;
	ev->src = DB_SRC_HTTP;
	snprintf(ev->mac, sizeof(ev->mac), "%s", h->macstr);
	snprintf(ev->hostname, sizeof(ev->hostname), "%s", h->hostname);
	if (c->bd->db == NULL || db_thread_event(c->bd->db, ev) == -1) {
		((struct ks_http *)c->arg)->st.events_dropped++;
		return -1;
	}
	((struct ks_http *)c->arg)->st.events++;
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
ks_served(struct http_ctx *c, const struct inv_host *h, const char *stage)
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
	if (ks_event(c, h, &ev) == -1)
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
ks_http_kickstart(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = ks_snap(c)) == NULL || !one_segment(c) ||
	    (h = ks_host(c, snap, c->rest)) == NULL)
		return;
	if (!http_allow(c, h->ip, 0, "a kickstart goes only to its host's "
	    "own IP or to http.admin_networks"))
		return;
	if (!c->admin && !h->build) {
		http_forbid(c, "the host's build flag is clear");
		return;
	}
	if (ks_serve(c, KS_DOC_KS, h) == 0)
		ks_served(c, h, "ks-served");
}

/* dom0's enabled guest called name, or NULL. */
static const struct inv_host *
guest_of(const struct inv_host *dom0, const char *name, size_t len)
{
	const struct inv_host	*g;
	size_t			 i;

	for (i = 0; i < dom0->nguests; i++) {
		g = dom0->guests[i];
		if (g->enabled && strlen(g->hostname) == len &&
		    strncasecmp(g->hostname, name, len) == 0)
			return g;
	}
	return NULL;
}

/* "<guest>[-install].cfg|xml" -> doc and guest; 0 when not one. */
static int
guest_file(const struct inv_host *dom0, const char *file, enum ks_doc *d,
    const struct inv_host **g)
{
	size_t	len = strlen(file);
	int	xml;

	if (len > 4 && strcmp(file + len - 4, ".cfg") == 0)
		xml = 0;
	else if (len > 4 && strcmp(file + len - 4, ".xml") == 0)
		xml = 1;
	else
		return 0;
	len -= 4;
	/* "vm-install.cfg" is vm's install config unless "vm-install" is
	 * itself a guest with no guest "vm" beside it. */
	if (len > 8 && strncmp(file + len - 8, "-install", 8) == 0 &&
	    (*g = guest_of(dom0, file, len - 8)) != NULL) {
		*d = xml ? KS_DOC_LIBVIRT_INSTALL : KS_DOC_XEN_INSTALL;
		return 1;
	}
	if ((*g = guest_of(dom0, file, len)) != NULL) {
		*d = xml ? KS_DOC_LIBVIRT : KS_DOC_XEN;
		return 1;
	}
	return 0;
}

/*
 * GET /guests/<dom0>: the guest list (ks_guest_list());
 * /guests/<dom0>/<guest>.cfg, <guest>-install.cfg: Xen xl configs;
 * /guests/<dom0>/<guest>.xml, <guest>-install.xml: libvirt domains. Only
 * to the dom0's own IP and to http.admin_networks.
 */
void
ks_http_guests(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h, *g = NULL;
	const char			*slash, *file;
	char				 name[INV_NAME_MAX + 1], esc[160], *out;
	size_t				 n, len;
	enum ks_doc			 d;

	if ((snap = ks_snap(c)) == NULL)
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
	if ((h = ks_host(c, snap, name)) == NULL ||
	    !http_allow(c, h->ip, 0, "guest configs go only to the dom0's "
	    "own IP or to http.admin_networks"))
		return;
	if (file[0] == '\0') {
		if ((out = ks_guest_list(h, &len)) == NULL) {
			http_error(c, HTTP_C_INTERNAL);
			return;
		}
		http_reply_take(c, HTTP_C_OK, NULL, out, len);
		return;
	}
	if (!guest_file(h, file, &d, &g)) {
		log_peer_info("http: %s: %s: not a guest config of %s", c->peer,
		    esc_path(c, esc, sizeof(esc)), h->hostname);
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	ks_serve(c, d, g);
}

/*
 * GET /firstboot/<dom0>: the script that installs the dom0's guests. Only
 * to the dom0's own IP and to http.admin_networks.
 */
void
ks_http_firstboot(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = ks_snap(c)) == NULL || !one_segment(c) ||
	    (h = ks_host(c, snap, c->rest)) == NULL)
		return;
	if (!http_allow(c, h->ip, 0, "a first-boot script goes only to the "
	    "dom0's own IP or to http.admin_networks"))
		return;
	if (ks_serve(c, KS_DOC_FIRSTBOOT, h) == 0)
		ks_served(c, h, "firstboot-served");
}

/*
 * GET /ipxe/<MAC or hostname>: the iPXE script, to anyone (it holds what
 * the TFTP menus hold).
 */
void
ks_http_ipxe(struct http_ctx *c)
{
	const struct inv_snapshot	*snap;
	const struct inv_host		*h;

	if ((snap = ks_snap(c)) == NULL || !one_segment(c) ||
	    (h = ks_host(c, snap, c->rest)) == NULL)
		return;
	ks_serve(c, KS_DOC_IPXE, h);
}

/*
 * POST /status/<host>, body stage=<stage>&detail=<text>: a boot_events row;
 * stage install-done also clears the host's build flag. Only from the
 * host's own IP, its dom0's (a dom0 reports its guests), or
 * http.admin_networks.
 */
void
ks_http_status(struct http_ctx *c)
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

	if ((snap = ks_snap(c)) == NULL || !one_segment(c) ||
	    (h = ks_host(c, snap, c->rest)) == NULL)
		return;
	if (!http_allow(c, h->ip, h->dom0 != NULL ? h->dom0->ip : 0, "status reports come only from the "
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
	if (ks_event(c, h, &ev) == -1) {
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
ks_http_routes(struct ks_http *ks, struct http_srv *http, char *err,
    size_t errlen)
{
	static const struct {
		const char	*prefix;
		int		 methods;
		void		(*fn)(struct http_ctx *);
	} routes[] = {
		{ "/ks/", HTTP_M_GET, ks_http_kickstart },
		{ "/guests/", HTTP_M_GET, ks_http_guests },
		{ "/firstboot/", HTTP_M_GET, ks_http_firstboot },
		{ "/ipxe/", HTTP_M_GET, ks_http_ipxe },
		{ "/status/", HTTP_M_POST, ks_http_status },
	};
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (http_route_add(http, routes[i].prefix, 0,
		    routes[i].methods, HTTP_ACL_ANY, routes[i].fn, ks, err,
		    errlen) == -1)
			return -1;
	return 0;
}
