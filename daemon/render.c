/* SPDX-License-Identifier: ISC */
/*
 * render: /api/hosts and the per-host families of /metrics in slices
 * (render.h). Pure: no I/O, no clock, no logging.
 */
#include <inttypes.h>
#include <string.h>

#include "bootd/escape.h"
#include "daemon/render.h"

enum {
	RENDER_HEAD,		/* nothing written yet */
	RENDER_HOSTS,		/* /api/hosts: host rows */
	RENDER_STATE,		/* /metrics: bootd_host_state samples */
	RENDER_LAST_HEAD,	/* /metrics: the second family's header */
	RENDER_LAST,		/* /metrics: its samples */
	RENDER_DONE
};

void
render_json_str(struct strbuf *sb, const char *s)
{
	size_t	 n = strlen(s);
	char	*p;

	strbuf_add(sb, "\"", 1);
	if ((p = strbuf_room(sb, ESCAPE_JSON_BUFSZ(n))) != NULL)
		strbuf_commit(sb, escape_json(p, ESCAPE_JSON_BUFSZ(n), s, n));
	strbuf_add(sb, "\"", 1);
}

void
render_json_kstr(struct strbuf *sb, const char *key, const char *s, int first)
{
	strbuf_printf(sb, "%s\"%s\":", first ? "" : ",", key);
	render_json_str(sb, s);
}

void
render_json_kstr_null(struct strbuf *sb, const char *key, const char *s)
{
	if (s == NULL || s[0] == '\0')
		strbuf_printf(sb, ",\"%s\":null", key);
	else
		render_json_kstr(sb, key, s, 0);
}

void
render_json_kms_null(struct strbuf *sb, const char *key, int64_t n)
{
	if (n == 0)
		strbuf_printf(sb, ",\"%s\":null", key);
	else
		strbuf_printf(sb, ",\"%s\":%" PRId64, key, n);
}

void
render_host_fields(struct strbuf *sb, const struct inv_host *h,
    const struct watch_host *wh, enum hs_state s)
{
	const char	*group = inv_var_get(h, "group");

	render_json_kstr(sb, "name", h->hostname, 1);
	render_json_kstr(sb, "mac", h->macstr, 0);
	render_json_kstr(sb, "ip", h->ipstr, 0);
	render_json_kstr(sb, "profile", h->profile->name, 0);
	render_json_kstr(sb, "kind", inv_kind_names[h->profile->kind], 0);
	render_json_kstr(sb, "group", group != NULL ? group : "", 0);
	render_json_kstr(sb, "dom0", h->dom0_name, 0);
	strbuf_printf(sb, ",\"build\":%d,\"enabled\":%d", h->build ? 1 : 0,
	    h->enabled ? 1 : 0);
	render_json_kstr(sb, "state", hs_state_name(s), 0);
	render_json_kstr_null(sb, "last_stage", wh != NULL ? wh->last_stage :
	    NULL);
	render_json_kms_null(sb, "last_ms", wh != NULL ? wh->t.last_ms : 0);
	render_json_kms_null(sb, "began_ms", wh != NULL ? wh->t.began_ms : 0);
}

/* Non-zero when hay holds needle, ASCII case-insensitively. */
static int
ci_contains(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static int
host_matches(const struct inv_host *h, const struct api_query *q,
    enum hs_state s)
{
	const char *group;

	if (q->state != -1 && (enum hs_state)q->state != s)
		return 0;
	if (q->profile[0] != '\0' && strcmp(q->profile, h->profile->name) != 0)
		return 0;
	if (q->q[0] == '\0')
		return 1;
	group = inv_var_get(h, "group");
	return ci_contains(h->hostname, q->q) || ci_contains(h->macstr, q->q) ||
	    ci_contains(h->ipstr, q->q) || (group != NULL &&
	    ci_contains(group, q->q));
}

int
render_api_hosts(struct strbuf *sb, const struct watch *w,
    const struct inv_snapshot *snap, const struct api_query *q,
    int64_t now_ms, int64_t def_stall_ms, struct render_cur *cur, size_t max)
{
	const struct inv_host	*h;
	const struct watch_host	*wh;
	enum hs_state		 s;
	size_t			 nh = snap != NULL ? snap->nhosts : 0, end;

	if (cur->phase == RENDER_HEAD) {
		/* About 250 bytes a host: one allocation, not a series. */
		if (nh > 0)
			(void)strbuf_reserve(sb, 256 * nh + 128);
		strbuf_printf(sb, "{\"now\":%" PRId64 ",\"generation\":%"
		    PRIu64 ",\"hosts\":[", now_ms, snap != NULL ?
		    snap->generation : 0);
		cur->phase = RENDER_HOSTS;
	}
	if (cur->phase != RENDER_HOSTS)
		return 1;
	end = cur->i + (max > 0 ? max : 1);
	for (; cur->i < nh && cur->i < end; cur->i++) {
		h = &snap->hosts[cur->i];
		wh = watch_host_of(w, snap, cur->i);
		s = watch_state_of(h, wh, now_ms, def_stall_ms);
		if (!host_matches(h, q, s))
			continue;
		strbuf_puts(sb, cur->n++ ? ",\n{" : "\n{");
		render_host_fields(sb, h, wh, s);
		strbuf_puts(sb, "}");
	}
	if (cur->i < nh)
		return 0;
	strbuf_puts(sb, "]}\n");
	cur->phase = RENDER_DONE;
	return 1;
}

int
render_metrics_hosts(struct metrics *m, const struct watch *w,
    const struct inv_snapshot *snap, int64_t now_ms, int64_t def_stall_ms,
    struct render_cur *cur, size_t max)
{
	const struct inv_host	*h;
	const struct watch_host	*wh;
	const char		*l[5] = { "host", NULL, "state", NULL, NULL };
	size_t			 nh = snap != NULL ? snap->nhosts : 0, end;

	if (snap == NULL)
		return 1;
	end = cur->i + (max > 0 ? max : 1);
	if (cur->phase == RENDER_HEAD) {
		/* A family that fails leaves its samples out, as before. */
		cur->phase = metrics_family(m, "bootd_host_state",
		    METRICS_GAUGE, "1 for each host's current state "
		    "(metrics.per_host).") == 0 ? RENDER_STATE :
		    RENDER_LAST_HEAD;
		cur->i = 0;
	}
	if (cur->phase == RENDER_STATE) {
		for (; cur->i < nh && cur->i < end; cur->i++) {
			h = &snap->hosts[cur->i];
			l[1] = h->hostname;
			l[3] = hs_state_name(watch_state_of(h,
			    watch_host_of(w, snap, cur->i), now_ms,
			    def_stall_ms));
			(void)metrics_u64(m, l, 1);
		}
		if (cur->i < nh)
			return 0;
		cur->phase = RENDER_LAST_HEAD;
		cur->i = 0;
		/* The second family starts in the next call. */
		return 0;
	}
	if (cur->phase == RENDER_LAST_HEAD) {
		cur->phase = metrics_family(m,
		    "bootd_host_last_event_timestamp_seconds", METRICS_GAUGE,
		    "Time of each host's last boot event, seconds since the "
		    "Epoch, labelled with its stage; hosts with none are "
		    "absent (metrics.per_host).") == 0 ? RENDER_LAST :
		    RENDER_DONE;
		cur->i = 0;
	}
	if (cur->phase == RENDER_LAST) {
		l[2] = "stage";
		for (; cur->i < nh && cur->i < end; cur->i++) {
			h = &snap->hosts[cur->i];
			wh = watch_host_of(w, snap, cur->i);
			if (wh == NULL || wh->t.last_ms == 0)
				continue;
			l[1] = h->hostname;
			l[3] = wh->last_stage;
			(void)metrics_double(m, l,
			    (double)wh->t.last_ms / 1000.0);
		}
		if (cur->i < nh)
			return 0;
		cur->phase = RENDER_DONE;
	}
	return 1;
}
