/* SPDX-License-Identifier: ISC */
/*
 * cli_hosts: `bootd hosts [NAME...] [--state S] [--profile P] [--json]`:
 * the inventory with each host's state, last stage and when, the state
 * folded from boot_events by the one rule (bootd/hoststate); one NAME
 * alone shows that host in full, with the boot file each firmware would
 * get from the DHCP server's own code. Blocking: a command, never the
 * daemon's loop.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootd/config.h"
#include "bootd/escape.h"
#include "bootd/hoststate.h"
#include "bootd/pxe_arch.h"
#include "daemon/daemon.h"
#include "db/db_cli.h"
#include "db/inventory.h"
#include "dhcp/dhcp_msg.h"
#include "dhcp/dhcp_policy.h"

/*
 * The state is folded from the newest HOSTS_FOLD_MAX rows of boot_events
 * (one query, streamed in id order): bounded work at any inventory size.
 * A host whose every row is older shows as unseen.
 */
#define HOSTS_FOLD_MAX		1000000
#define HOST_EVENTS		20	/* the last events of one host */
#define NAMES_MAX		1024	/* NAME arguments */
#define STAGE_MAX		64	/* boot_events.stage */
#define COLS			80
#define CUT_MARK		'~'	/* ends a value cut to fit */

/* A host's state as the one rule says, and its last stage. */
struct hstate {
	struct hs_track	 t;
	enum hs_state	 now;
	char		 stage[STAGE_MAX + 1];	/* "" when unseen */
};

struct hosts_opts {
	const char	*names[NAMES_MAX];
	int		 nnames;
	int		 state;		/* enum hs_state, -1 any */
	const char	*profile;	/* NULL any */
	int		 json;
};

struct hosts_ctx {
	const struct bootd_config *cfg;
	struct inv_snapshot	*snap;
	MYSQL			*my;		/* NULL: from the cache */
	struct hstate		*st;		/* per host, snap order */
	int64_t			 now_ms;	/* the database's clock */
	int			 have_state;
};

/* "12s", "3m", "5h", "2d": how long ago, in one unit. */
static void
ago(int64_t now_ms, int64_t then_ms, char *buf, size_t len)
{
	int64_t	 s = (now_ms - then_ms) / 1000;

	if (then_ms == 0)
		snprintf(buf, len, "-");
	else if (s < 0)
		snprintf(buf, len, "0s ago");
	else if (s < 120)
		snprintf(buf, len, "%" PRId64 "s ago", s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%" PRId64 "m ago", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, len, "%" PRId64 "h ago", s / 3600);
	else
		snprintf(buf, len, "%" PRId64 "d ago", s / 86400);
}

/*
 * s escaped for a terminal and cut to w bytes (1 <= w < len), ending in
 * CUT_MARK when cut. Returns buf.
 */
static const char *
fit(char *buf, size_t len, const char *s, size_t w)
{
	escape_bytes(buf, len, s, strlen(s), SIZE_MAX, ESCAPE_NOMARK);
	if (w < len && strlen(buf) > w) {
		buf[w - 1] = CUT_MARK;
		buf[w] = '\0';
	}
	return buf;
}

static int
hosts_parse(int argc, char **argv, struct hosts_opts *o)
{
	int	 i;

	memset(o, 0, sizeof(*o));
	o->state = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			o->json = 1;
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
			if ((o->state = hs_state_parse(argv[++i])) == -1) {
				fprintf(stderr, "bootd: hosts: --state %s: "
				    "want unseen, booting, installing, "
				    "installed, failed, stalled or disabled\n",
				    argv[i]);
				return -1;
			}
		} else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			o->profile = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "bootd: hosts: unknown option or "
			    "missing value: %s\n", argv[i]);
			return -1;
		} else if (o->nnames == NAMES_MAX) {
			fprintf(stderr, "bootd: hosts: more than %d names\n",
			    NAMES_MAX);
			return -1;
		} else
			o->names[o->nnames++] = argv[i];
	}
	return 0;
}

/* Appends " AND hostname IN (...)" for the hosts named, or nothing. */
static int
names_filter(MYSQL *my, const struct inv_host *const *hosts, size_t n,
    char **out)
{
	size_t	 i, len = 32, o;
	char	*s;

	*out = NULL;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		len += 2 * strlen(hosts[i]->hostname) + 4;
	if ((s = malloc(len)) == NULL)
		return -1;
	o = (size_t)snprintf(s, len, " AND hostname IN (");
	for (i = 0; i < n; i++) {
		s[o++] = i ? ',' : '\'';
		if (i)
			s[o++] = '\'';
		o += mysql_real_escape_string(my, s + o, hosts[i]->hostname,
		    strlen(hosts[i]->hostname));
		s[o++] = '\'';
	}
	s[o++] = ')';
	s[o] = '\0';
	*out = s;
	return 0;
}

/*
 * Folds the newest HOSTS_FOLD_MAX rows of boot_events (only those of the
 * hosts in only[0..nonly-1] when nonly > 0) into c->st, in id order, with
 * hs_track_event(); then each host's state now. Returns 0 or -1 after
 * saying why.
 */
static int
hosts_fold(struct hosts_ctx *c, const struct inv_host *const *only,
    size_t nonly)
{
	const struct inv_host	*h;
	struct hstate		*s;
	MYSQL_RES		*res = NULL;
	MYSQL_ROW		 row;
	char			*filter = NULL, *sql = NULL, head[200];
	uint64_t		 floor_id = 0;
	size_t			 i, len;
	int			 rc = -1;

	/* The oldest id folded (none: all), and the database's clock. */
	snprintf(head, sizeof(head), "SELECT (SELECT id FROM boot_events "
	    "ORDER BY id DESC LIMIT 1 OFFSET %d), "
	    "FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000)", HOSTS_FOLD_MAX - 1);
	if (mysql_query(c->my, head) != 0 ||
	    (res = mysql_store_result(c->my)) == NULL ||
	    (row = mysql_fetch_row(res)) == NULL || row[1] == NULL)
		goto dberr;
	if (row[0] != NULL)
		floor_id = strtoull(row[0], NULL, 10);
	c->now_ms = strtoll(row[1], NULL, 10);
	mysql_free_result(res);
	res = NULL;
	if (names_filter(c->my, only, nonly, &filter) == -1)
		goto nomem;
	len = 256 + (filter != NULL ? strlen(filter) : 0);
	if ((sql = malloc(len)) == NULL)
		goto nomem;
	snprintf(sql, len, "SELECT hostname, stage, "
	    "FLOOR(UNIX_TIMESTAMP(ts) * 1000) FROM boot_events WHERE id >= "
	    "%" PRIu64 " AND hostname IS NOT NULL%s ORDER BY id", floor_id,
	    filter != NULL ? filter : "");
	/* Streamed: a row at a time, whatever the table holds. */
	if (mysql_query(c->my, sql) != 0 ||
	    (res = mysql_use_result(c->my)) == NULL)
		goto dberr;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] == NULL || row[1] == NULL || row[2] == NULL ||
		    (h = inv_by_name(c->snap, row[0])) == NULL)
			continue;
		s = &c->st[h - c->snap->hosts];
		hs_track_event(&s->t, row[1], strtoll(row[2], NULL, 10),
		    h->build);
		snprintf(s->stage, sizeof(s->stage), "%s", row[1]);
	}
	if (mysql_errno(c->my) != 0)
		goto dberr;
	for (i = 0; i < c->snap->nhosts; i++) {
		h = &c->snap->hosts[i];
		c->st[i].now = hs_state_now(&c->st[i].t, h->enabled, h->build,
		    inv_stall_ms(h, c->cfg->status.stall_timeout), c->now_ms);
	}
	c->have_state = 1;
	rc = 0;
	goto done;
nomem:
	fprintf(stderr, "bootd: hosts: out of memory\n");
	goto done;
dberr:
	fprintf(stderr, "bootd: database: reading boot_events: %s\n",
	    mysql_error(c->my));
done:
	if (res != NULL)
		mysql_free_result(res);
	free(filter);
	free(sql);
	return rc;
}

static const char *
state_name(const struct hosts_ctx *c, const struct inv_host *h)
{
	return c->have_state ? hs_state_name(c->st[h - c->snap->hosts].now) :
	    "?";
}

static void
json_state(const struct hosts_ctx *c, const struct inv_host *h)
{
	const struct hstate	*s = &c->st[h - c->snap->hosts];

	printf(",\"state\":");
	db_cli_json_str(stdout, c->have_state ? state_name(c, h) : NULL);
	printf(",\"last_stage\":");
	db_cli_json_str(stdout, s->stage[0] != '\0' ? s->stage : NULL);
	if (s->t.last_ms != 0)
		printf(",\"last_ms\":%" PRId64 ",\"ago_s\":%" PRId64,
		    s->t.last_ms, (c->now_ms - s->t.last_ms) / 1000);
	else
		printf(",\"last_ms\":null,\"ago_s\":null");
}

/*
 * The list: one line per host, 80 columns; --json: one document. The
 * full MAC, kind, build flag and dom0 are in --json and in `hosts NAME`.
 */
static void
hosts_print_list(const struct hosts_ctx *c, const struct inv_host *const *l,
    size_t n, int json)
{
	const struct inv_host	*h;
	const struct hstate	*s;
	char			 a[32], b1[64], b2[64], b3[64];
	size_t			 i;

	if (json) {
		printf("{\"generation\":%llu,\"stall_timeout\":%d,"
		    "\"states\":%s,\"hosts\":[",
		    (unsigned long long)c->snap->generation,
		    c->cfg->status.stall_timeout,
		    c->have_state ? "true" : "false");
		for (i = 0; i < n; i++) {
			h = l[i];
			s = &c->st[h - c->snap->hosts];
			printf("%s\n{\"hostname\":", i ? "," : "");
			db_cli_json_str(stdout, h->hostname);
			printf(",\"mac\":\"%s\",\"ip\":\"%s\",\"profile\":",
			    h->macstr, h->ipstr);
			db_cli_json_str(stdout, h->profile->name);
			printf(",\"kind\":\"%s\",\"enabled\":%s,\"build\":%s,"
			    "\"dom0\":", inv_kind_names[h->profile->kind],
			    h->enabled ? "true" : "false",
			    h->build ? "true" : "false");
			db_cli_json_str(stdout, h->dom0 != NULL ?
			    h->dom0->hostname : NULL);
			json_state(c, h);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	/* 16 + 15 + 12 + 10 + 14 + 7 (e.g. "59m ago") + 5 spaces = 79 */
	printf("%-16s %-15s %-12s %-10s %-14s %s\n", "HOSTNAME", "IP",
	    "PROFILE", "STATE", "LAST STAGE", "WHEN");
	for (i = 0; i < n; i++) {
		h = l[i];
		s = &c->st[h - c->snap->hosts];
		ago(c->now_ms, s->t.last_ms, a, sizeof(a));
		if (strcmp(a, "-") != 0)
			a[strlen(a) - 4] = '\0';	/* the column says */
		printf("%-16s %-15s %-12s %-10s %-14s %s\n",
		    fit(b1, sizeof(b1), h->hostname, 16), h->ipstr,
		    fit(b2, sizeof(b2), h->profile->name, 12),
		    state_name(c, h),
		    fit(b3, sizeof(b3), s->stage[0] != '\0' ? s->stage : "-",
		    14), a);
	}
}

/*
 * The address the DHCP server would answer h from, as the routes here
 * see it (a UDP connect sends nothing): only used in an HTTP boot URL
 * when http.public_url and http.listen leave it open.
 */
static uint32_t
server_ip_for(const struct inv_host *h)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	uint32_t		 ip = 0;
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(67);
	sin.sin_addr.s_addr = htonl(h->ip);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		ip = ntohl(sin.sin_addr.s_addr);
	close(fd);
	return ip;
}

/* The firmwares `hosts NAME` shows, as option 93 (RFC 4578) says. */
static const struct {
	const char	*label;		/* text */
	const char	*key;		/* JSON */
	int		 arch;		/* -1: no option 93 */
	int		 ipxe;
} firmwares[] = {
	{ "BIOS", "bios", PXE_ARCH_X86_BIOS, 0 },
	{ "UEFI x64", "efi64", PXE_ARCH_X64_UEFI, 0 },
	{ "UEFI arm64", "arm64", PXE_ARCH_ARM64_UEFI, 0 },
	{ "iPXE", "ipxe", PXE_ARCH_X64_UEFI, 1 },
	{ "HTTP x64", "http_efi64", PXE_ARCH_X64_UEFI_HTTP, 0 },
	{ "HTTP arm64", "http_arm64", PXE_ARCH_ARM64_UEFI_HTTP, 0 },
};

/* The last HOST_EVENTS rows of h, oldest first; NULL after saying why. */
static MYSQL_RES *
host_events(MYSQL *my, const struct inv_host *h)
{
	char		 esc[2 * INV_NAME_MAX + 1], sql[2 * INV_NAME_MAX + 400];
	MYSQL_RES	*res;

	mysql_real_escape_string(my, esc, h->hostname, strlen(h->hostname));
	snprintf(sql, sizeof(sql), "SELECT * FROM (SELECT id, "
	    "DATE_FORMAT(ts, '%%Y-%%m-%%d %%H:%%i:%%s.%%f'), stage, "
	    "IFNULL(detail, ''), FLOOR(UNIX_TIMESTAMP(ts) * 1000) FROM "
	    "boot_events WHERE hostname = '%s' ORDER BY id DESC LIMIT %d) t "
	    "ORDER BY 1", esc, HOST_EVENTS);
	if (mysql_query(my, sql) != 0 ||
	    (res = mysql_store_result(my)) == NULL) {
		fprintf(stderr, "bootd: database: reading boot_events: %s\n",
		    mysql_error(my));
		return NULL;
	}
	return res;
}

/* One "label  value" line of the full view, cut to 80 columns. */
static void
kv(const char *k, const char *v)
{
	char	 b[COLS * ESCAPE_PER_BYTE + 8];

	printf("%-12s %s\n", k, fit(b, sizeof(b), v, COLS - 13));
}

static void
host_print_text(const struct hosts_ctx *c, const struct inv_host *h,
    MYSQL_RES *ev)
{
	const struct hstate	*s = &c->st[h - c->snap->hosts];
	const struct inv_host	*g;
	MYSQL_ROW		 row;
	const char		*note;
	char			 v[512], a[32], b1[64];
	char			 bf[DHCP_BOOTFILE_MAX + 1];
	char			 b2[COLS * ESCAPE_PER_BYTE + 8];
	uint32_t		 sip = server_ip_for(h);
	size_t			 i;

	kv("hostname", h->hostname);
	kv("mac", h->macstr);
	kv("ip", h->ipstr);
	snprintf(v, sizeof(v), "%s (%s)", h->profile->name,
	    inv_kind_names[h->profile->kind]);
	kv("profile", v);
	kv("enabled", h->enabled ? "yes" : "no");
	kv("build", h->build ? "yes: installs at its next network boot" :
	    "no");
	ago(c->now_ms, s->t.last_ms, a, sizeof(a));
	if (s->stage[0] != '\0')
		snprintf(v, sizeof(v), "%s (last: %s, %s)", state_name(c, h),
		    s->stage, a);
	else
		snprintf(v, sizeof(v), "%s", state_name(c, h));
	kv("state", v);
	if (h->dom0 != NULL)
		kv("dom0", h->dom0->hostname);
	if (h->vdisk[0] != '\0')
		kv("vdisk", h->vdisk);
	if (h->memory_mb > 0) {
		snprintf(v, sizeof(v), "%d MB", h->memory_mb);
		kv("memory", v);
	}
	if (h->vcpus > 0) {
		snprintf(v, sizeof(v), "%d", h->vcpus);
		kv("vcpus", v);
	}
	if (h->updated_at[0] != '\0')
		kv("updated", h->updated_at);
	if (h->nvars > 0)
		printf("\nvariables:\n");
	for (i = 0; i < h->nvars; i++) {
		snprintf(v, sizeof(v), "var.%s", h->vars[i].name);
		printf("  %-22s %s\n", fit(b1, sizeof(b1), v, 22),
		    fit(b2, sizeof(b2), h->vars[i].value, COLS - 26));
	}
	if (h->nguests > 0)
		printf("\nguests:\n");
	for (i = 0; i < h->nguests; i++) {
		g = h->guests[i];
		ago(c->now_ms, c->st[g - c->snap->hosts].t.last_ms, a,
		    sizeof(a));
		printf("  %-16s %-15s %-10s %s\n", fit(b1, sizeof(b1),
		    g->hostname, 16), g->ipstr, state_name(c, g), a);
	}
	printf("\nboot file (DHCP, by firmware):\n");
	for (i = 0; i < sizeof(firmwares) / sizeof(firmwares[0]); i++) {
		if (dhcp_policy_bootfile(h, c->cfg, firmwares[i].arch,
		    firmwares[i].ipxe, sip, bf, sizeof(bf), &note) == -1)
			snprintf(bf, sizeof(bf), "(none: longer than option "
			    "67 holds)");
		printf("  %-12s %s\n", firmwares[i].label,
		    fit(v, sizeof(v), bf, COLS - 15));
	}
	if (ev == NULL)
		return;
	printf("\nlast events:\n");
	if (mysql_num_rows(ev) == 0)
		printf("  (none)\n");
	while ((row = mysql_fetch_row(ev)) != NULL) {
		if (row[3][0] != '\0')
			snprintf(v, sizeof(v), "%.23s %-16s %s", row[1],
			    row[2], row[3]);
		else
			snprintf(v, sizeof(v), "%.23s %s", row[1], row[2]);
		printf("  %s\n", fit(b2, sizeof(b2), v, COLS - 3));
	}
}

static void
host_print_json(const struct hosts_ctx *c, const struct inv_host *h,
    MYSQL_RES *ev)
{
	const struct inv_host	*g;
	MYSQL_ROW		 row;
	const char		*note;
	char			 bf[DHCP_BOOTFILE_MAX + 1];
	uint32_t		 sip = server_ip_for(h);
	size_t			 i;

	printf("{\"generation\":%llu,\"stall_timeout\":%d,\"hostname\":",
	    (unsigned long long)c->snap->generation,
	    (int)(inv_stall_ms(h, c->cfg->status.stall_timeout) / 1000));
	db_cli_json_str(stdout, h->hostname);
	printf(",\"mac\":\"%s\",\"ip\":\"%s\",\"profile\":", h->macstr,
	    h->ipstr);
	db_cli_json_str(stdout, h->profile->name);
	printf(",\"kind\":\"%s\",\"enabled\":%s,\"build\":%s,\"dom0\":",
	    inv_kind_names[h->profile->kind], h->enabled ? "true" : "false",
	    h->build ? "true" : "false");
	db_cli_json_str(stdout, h->dom0 != NULL ? h->dom0->hostname : NULL);
	printf(",\"vdisk\":");
	db_cli_json_str(stdout, h->vdisk[0] != '\0' ? h->vdisk : NULL);
	if (h->memory_mb > 0)
		printf(",\"memory_mb\":%d", h->memory_mb);
	else
		printf(",\"memory_mb\":null");
	if (h->vcpus > 0)
		printf(",\"vcpus\":%d", h->vcpus);
	else
		printf(",\"vcpus\":null");
	printf(",\"updated_at\":");
	db_cli_json_str(stdout, h->updated_at);
	json_state(c, h);
	printf(",\n\"vars\":{");
	for (i = 0; i < h->nvars; i++) {
		printf("%s", i ? "," : "");
		db_cli_json_str(stdout, h->vars[i].name);
		printf(":");
		db_cli_json_str(stdout, h->vars[i].value);
	}
	printf("},\n\"guests\":[");
	for (i = 0; i < h->nguests; i++) {
		g = h->guests[i];
		printf("%s{\"hostname\":", i ? "," : "");
		db_cli_json_str(stdout, g->hostname);
		printf(",\"ip\":\"%s\"", g->ipstr);
		json_state(c, g);
		printf("}");
	}
	printf("],\n\"bootfiles\":{");
	for (i = 0; i < sizeof(firmwares) / sizeof(firmwares[0]); i++) {
		printf("%s\"%s\":", i ? "," : "", firmwares[i].key);
		db_cli_json_str(stdout, dhcp_policy_bootfile(h, c->cfg,
		    firmwares[i].arch, firmwares[i].ipxe, sip, bf, sizeof(bf),
		    &note) == 0 ? bf : NULL);
	}
	printf("},\n\"events\":");
	if (ev == NULL) {
		printf("null}\n");
		return;
	}
	printf("[");
	for (i = 0; (row = mysql_fetch_row(ev)) != NULL; i++) {
		printf("%s\n{\"id\":%s,\"ts\":\"%s\",\"ms\":%s,\"stage\":",
		    i ? "," : "", row[0], row[1], row[4]);
		db_cli_json_str(stdout, row[2]);
		printf(",\"detail\":");
		db_cli_json_str(stdout, row[3]);
		printf("}");
	}
	printf("]}\n");
}

/* Does h pass --state and --profile? */
static int
hosts_match(const struct hosts_ctx *c, const struct hosts_opts *o,
    const struct inv_host *h)
{
	if (o->profile != NULL && strcmp(h->profile->name, o->profile) != 0)
		return 0;
	if (o->state != -1 && (!c->have_state ||
	    (int)c->st[h - c->snap->hosts].now != o->state))
		return 0;
	return 1;
}

int
cli_hosts_list(const char *config_path, int argc, char **argv)
{
	struct hosts_opts	 o;
	struct hosts_ctx	 c;
	struct bootd_config	*cfg = NULL;
	const struct inv_host	*h, **named = NULL, **l = NULL;
	MYSQL_RES		*ev = NULL;
	char			 err[CONFIG_ERRLEN];
	size_t			 i, n = 0;
	int			 rc = 1, k, full;

	memset(&c, 0, sizeof(c));
	if (hosts_parse(argc, argv, &o) == -1)
		return 2;
	full = o.nnames == 1 && o.state == -1 && o.profile == NULL;
	if ((cfg = config_load(config_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bootd: %s\n", err);
		return 1;
	}
	c.cfg = cfg;
	if ((c.snap = db_cli_snapshot_conn(cfg, &bootd_inv_opts,
	    &c.my)) == NULL)
		goto done;
	if ((c.st = calloc(c.snap->nhosts + 1, sizeof(*c.st))) == NULL ||
	    (named = calloc((size_t)o.nnames + 1, sizeof(*named))) == NULL ||
	    (l = calloc(c.snap->nhosts + 1, sizeof(*l))) == NULL) {
		fprintf(stderr, "bootd: hosts: out of memory\n");
		goto done;
	}
	for (i = 0; i < c.snap->nhosts; i++)
		hs_track_init(&c.st[i].t);
	for (k = 0; k < o.nnames; k++)
		if ((named[k] = inv_by_name(c.snap, o.names[k])) == NULL) {
			fprintf(stderr, "bootd: hosts: no host \"%s\"%s\n",
			    o.names[k], c.snap->nrejects > 0 ? " (or its row "
			    "is rejected: see bootd check)" : "");
			goto done;
		}
	if (c.my == NULL)
		fprintf(stderr, "bootd: hosts: states unknown without the "
		    "database\n");
	else if (full) {
		/* The host and its guests: their rows only. */
		h = named[0];
		l[n++] = h;
		for (i = 0; i < h->nguests; i++)
			l[n++] = h->guests[i];
		if (hosts_fold(&c, l, n) == -1 ||
		    (ev = host_events(c.my, h)) == NULL)
			goto done;
	} else if (hosts_fold(&c, named, (size_t)o.nnames) == -1)
		goto done;
	if (full) {
		if (o.json)
			host_print_json(&c, named[0], ev);
		else
			host_print_text(&c, named[0], ev);
	} else {
		n = 0;
		if (o.nnames > 0) {
			for (k = 0; k < o.nnames; k++)
				if (hosts_match(&c, &o, named[k]))
					l[n++] = named[k];
		} else
			for (i = 0; i < c.snap->nhosts; i++)
				if (hosts_match(&c, &o, &c.snap->hosts[i]))
					l[n++] = &c.snap->hosts[i];
		hosts_print_list(&c, l, n, o.json);
	}
	if (c.snap->nrejects > 0)
		fprintf(stderr, "bootd: %zu rejected rows: run bootd check\n",
		    c.snap->nrejects);
	rc = fflush(stdout) == 0 ? 0 : 1;
done:
	if (ev != NULL)
		mysql_free_result(ev);
	if (c.my != NULL)
		mysql_close(c.my);
	free(l);
	free(named);
	free(c.st);
	inv_unref(c.snap);
	config_free(cfg);
	return rc;
}
