/* SPDX-License-Identifier: ISC */
/*
 * db_events: `bootd events`, a host's boot timeline from boot_events in
 * the terminal, without SQL. Blocking: a command, never the daemon's loop.
 * Peer-supplied text (details) is escaped before it reaches the terminal.
 */
#include <sys/ioctl.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bootd/addr.h"
#include "bootd/config.h"
#include "bootd/escape.h"
#include "db/db_cli.h"
#include "db/db_events.h"
#include "db/inventory.h"

#define EV_COLS		"id, DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f'), " \
			"IFNULL(hostname, '-'), IFNULL(mac, '-'), stage, " \
			"IFNULL(detail, '')"
#define EV_FOLLOW_MAX	1000	/* rows printed per poll */

static volatile sig_atomic_t ev_stop;

static void
ev_on_signal(int sig)
{
	(void)sig;
	ev_stop = 1;
}

/*
 * The options; the filter is ready to go after "WHERE": escaped values
 * only. Returns 0, or -1 after printing the usage error.
 */
struct ev_opts {
	char		 where[1200];
	unsigned long	 limit;
	int		 follow;
	int		 json;
};

/* "N" followed by s, m, h or d: a time that long ago. */
static int
since_relative(const char *s, char *out, size_t outlen)
{
	static const struct {
		char		 c;
		const char	*unit;
	} units[] = {
		{ 's', "SECOND" }, { 'm', "MINUTE" }, { 'h', "HOUR" },
		{ 'd', "DAY" },
	};
	char		*end;
	unsigned long	 n;
	size_t		 i;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (end == s || errno != 0 || n > 100000 || end[0] == '\0' ||
	    end[1] != '\0')
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (units[i].c == end[0]) {
			snprintf(out, outlen, "ts >= NOW(3) - INTERVAL %lu %s",
			    n, units[i].unit);
			return 0;
		}
	return -1;
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" (or a T between): digits where they belong. */
static int
since_absolute(const char *s, char *out, size_t outlen)
{
	static const char	 shape[] = "dddd-dd-dd dd:dd:dd";
	char			 t[sizeof(shape)];
	size_t			 i, n = strlen(s);

	if (n != 10 && n != 16 && n != 19)
		return -1;
	for (i = 0; i < n; i++) {
		t[i] = s[i] == 'T' && i == 10 ? ' ' : s[i];
		if (shape[i] == 'd' ? !isdigit((unsigned char)t[i]) :
		    t[i] != shape[i])
			return -1;
	}
	t[n] = '\0';
	snprintf(out, outlen, "ts >= '%s'", t);
	return 0;
}

static int
ev_parse(MYSQL *my, int argc, char **argv, struct ev_opts *o)
{
	uint8_t	 mac[ADDR_MAC_LEN];
	char	 ms[ADDR_MAC_STRLEN], esc[2 * INV_NAME_MAX + 1], cond[600];
	char	*end;
	int	 i;

	snprintf(o->where, sizeof(o->where), "1");
	o->limit = 50;
	o->follow = 0;
	o->json = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			o->json = 1;
			continue;
		}
		if (strcmp(argv[i], "--follow") == 0 ||
		    strcmp(argv[i], "-f") == 0) {
			o->follow = 1;
			continue;
		}
		if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			i++;
			if (since_relative(argv[i], cond, sizeof(cond)) == -1 &&
			    since_absolute(argv[i], cond, sizeof(cond)) == -1) {
				fprintf(stderr, "bootd: events: --since %s: "
				    "want N[smhd] or YYYY-MM-DD[ HH:MM[:SS]]\n",
				    argv[i]);
				return -1;
			}
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			i++;
			errno = 0;
			o->limit = strtoul(argv[i], &end, 10);
			if (*end != '\0' || errno != 0 || o->limit == 0 ||
			    o->limit > 1000000) {
				fprintf(stderr, "bootd: events: --limit %s: "
				    "want 1 to 1000000\n", argv[i]);
				return -1;
			}
			continue;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "bootd: events: unknown option %s\n",
			    argv[i]);
			return -1;
		} else if (addr_mac_parse(argv[i], mac) == 0) {
			addr_mac_str(mac, ms);
			snprintf(cond, sizeof(cond), "mac = '%s'", ms);
		} else if (strlen(argv[i]) <= INV_NAME_MAX) {
			mysql_real_escape_string(my, esc, argv[i],
			    strlen(argv[i]));
			snprintf(cond, sizeof(cond), "hostname = '%s'", esc);
		} else {
			fprintf(stderr, "bootd: events: %.40s...: not a host "
			    "name or MAC\n", argv[i]);
			return -1;
		}
		if (strlen(o->where) + strlen(cond) + 6 >= sizeof(o->where)) {
			fprintf(stderr, "bootd: events: too many filters\n");
			return -1;
		}
		strcat(o->where, " AND ");
		strcat(o->where, cond);
	}
	return 0;
}

/* Terminal width when stdout is one, else 0 (no cut: scripts get all). */
static size_t
ev_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* One row as a JSON object: NULL columns (read as "-") as null. */
static void
ev_json(MYSQL_ROW row)
{
	printf("{\"id\":%s,\"ts\":\"%s\",\"hostname\":", row[0], row[1]);
	db_cli_json_str(stdout, strcmp(row[2], "-") != 0 ? row[2] : NULL);
	printf(",\"mac\":");
	db_cli_json_str(stdout, strcmp(row[3], "-") != 0 ? row[3] : NULL);
	printf(",\"stage\":");
	db_cli_json_str(stdout, row[4]);
	printf(",\"detail\":");
	db_cli_json_str(stdout, row[5]);
	printf("}");
}

/*
 * Prints every row of res; *last gets the highest id. json: 1 for the
 * objects of one document ("," before all but the first: *n counts
 * them), 2 for one object a line (--follow).
 */
static void
ev_print(MYSQL_RES *res, uint64_t *last, size_t width, int json,
    unsigned long *n)
{
	MYSQL_ROW	 row;
	char		 line[2048], det[1100];
	const char	*who;
	uint64_t	 id;

	while ((row = mysql_fetch_row(res)) != NULL) {
		id = strtoull(row[0], NULL, 10);
		if (id > *last)
			*last = id;
		if (json) {
			if (json == 1 && (*n)++ > 0)
				printf(",");
			ev_json(row);
			printf("\n");
			continue;
		}
		escape_bytes(det, sizeof(det), row[5], strlen(row[5]),
		    SIZE_MAX, ESCAPE_NOMARK);
		who = strcmp(row[2], "-") != 0 ? row[2] : row[3];
		/* The time to the millisecond: %f gives microseconds. */
		snprintf(line, sizeof(line), "%.23s  %-12s  %-16s  %s", row[1],
		    who, row[4], det);
		if (width > 0 && strlen(line) > width)
			line[width] = '\0';
		puts(line);
	}
	fflush(stdout);
}

int
db_events_cli(const char *config_path, int argc, char **argv)
{
	struct bootd_config	*cfg = NULL;
	struct ev_opts		 o;
	MYSQL			*my;
	MYSQL_RES		*res = NULL;
	uint64_t		 last = 0;
	unsigned long		 n = 0;
	size_t			 width = ev_width();
	int			 json;
	char			 sql[1600];
	int			 rc = 1;

	if ((my = db_cli_open(config_path, &cfg)) == NULL)
		goto done;
	if (ev_parse(my, argc, argv, &o) == -1) {
		rc = 2;
		goto done;
	}
	/* The last o.limit rows, oldest first. */
	snprintf(sql, sizeof(sql), "SELECT * FROM (SELECT %s FROM boot_events "
	    "WHERE %s ORDER BY id DESC LIMIT %lu) t ORDER BY 1", EV_COLS,
	    o.where, o.limit);
	if (mysql_query(my, sql) != 0 ||
	    (res = mysql_store_result(my)) == NULL)
		goto dberr;
	/* One document; --follow: one object a line, for as long as it runs. */
	json = !o.json ? 0 : o.follow ? 2 : 1;
	if (json == 1)
		printf("{\"events\":[\n");
	ev_print(res, &last, width, json, &n);
	if (json == 1)
		printf("]}\n");
	mysql_free_result(res);
	res = NULL;
	if (o.follow) {
		signal(SIGINT, ev_on_signal);
		signal(SIGTERM, ev_on_signal);
	}
	/* --follow: new rows once a second until a signal. */
	while (o.follow && !ev_stop) {
		sleep(1);
		snprintf(sql, sizeof(sql), "SELECT %s FROM boot_events WHERE "
		    "%s AND id > %" PRIu64 " ORDER BY id LIMIT %d", EV_COLS,
		    o.where, last, EV_FOLLOW_MAX);
		if (mysql_query(my, sql) != 0 ||
		    (res = mysql_store_result(my)) == NULL) {
			if (ev_stop)
				break;
			goto dberr;
		}
		ev_print(res, &last, width, json, &n);
		mysql_free_result(res);
		res = NULL;
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
	goto done;
dberr:
	fprintf(stderr, "bootd: database: reading boot_events: %s\n",
	    mysql_error(my));
done:
	if (res != NULL)
		mysql_free_result(res);
	if (my != NULL)
		mysql_close(my);
	config_free(cfg);
	return rc;
}
