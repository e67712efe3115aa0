/* SPDX-License-Identifier: ISC */
/*
 * inv_edit: a host's add, set or rm applied to a copy of the raw rows, for
 * the validators to judge before anything is written (see inv_edit.h).
 * Pure: no I/O, no SQL, no clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootd/errbuf.h"
#include "db/inv_edit.h"
#include "db/inv_priv.h"

#define GUESTS_NAMED	5	/* in the refusal of rm, then a count */
#define CELLS_MAX	16	/* columns of the widest table */

_Static_assert(INV_P_NCOLS <= CELLS_MAX && INV_H_NCOLS <= CELLS_MAX &&
    INV_V_NCOLS <= CELLS_MAX, "CELLS_MAX too small");

static const struct {
	const char	*name;
	int		 col;
	int		 nullable;	/* "" means SQL NULL */
} fields[] = {
	{ "mac", INV_H_MAC, 0 },
	{ "ip", INV_H_IP, 0 },
	{ "profile", INV_H_PROFILE, 0 },
	{ "dom0", INV_H_DOM0, 1 },
	{ "vdisk", INV_H_VDISK, 1 },
	{ "memory", INV_H_MEMORY_MB, 1 },
	{ "vcpus", INV_H_VCPUS, 1 },
	{ "enabled", INV_H_ENABLED, 0 },
	{ "build", INV_H_BUILD, 0 },
};

const char inv_edit_field_list[] =
    "mac ip profile dom0 vdisk memory vcpus enabled build";

void
inv_edit_init(struct inv_edit *e, enum inv_edit_op op, const char *hostname)
{
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->hostname = hostname;
}

/* var.NAME=value, NAME of n bytes (no NUL needed). */
static int
var_set(struct inv_edit *e, const char *name, size_t n, const char *value,
    char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < e->nvars; i++)
		if (name_eq(e->vars[i].name, e->vars[i].namelen, name, n)) {
			errbuf_set(err, errlen, "var.%.*s given twice",
			    (int)(n > 64 ? 64 : n), name);
			return -1;
		}
	if (e->nvars == INV_EDIT_VARS_MAX) {
		errbuf_set(err, errlen, "more than %d variables",
		    INV_EDIT_VARS_MAX);
		return -1;
	}
	e->vars[e->nvars].name = name;
	e->vars[e->nvars].namelen = n;
	e->vars[e->nvars].value = value[0] != '\0' ? value : NULL;
	e->nvars++;
	return 0;
}

/* inv_edit_field() with the field's name of n bytes (no NUL needed). */
static int
field_set(struct inv_edit *e, const char *f, size_t n, const char *value,
    char *err, size_t errlen)
{
	uint8_t	 mac[ADDR_MAC_LEN];
	size_t	 i;

	if (n >= 4 && memcmp(f, "var.", 4) == 0)
		return var_set(e, f + 4, n - 4, value, err, errlen);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].name) == n &&
		    memcmp(fields[i].name, f, n) == 0)
			break;
	if (i == sizeof(fields) / sizeof(fields[0])) {
		errbuf_set(err, errlen, "unknown field \"%.*s\" (fields: %s, "
		    "var.NAME)", (int)(n > 64 ? 64 : n), f,
		    inv_edit_field_list);
		return -1;
	}
	if (e->given[fields[i].col]) {
		errbuf_set(err, errlen, "%s given twice", fields[i].name);
		return -1;
	}
	e->given[fields[i].col] = 1;
	e->cell[fields[i].col] = fields[i].nullable && value[0] == '\0' ?
	    NULL : value;
	if (fields[i].col == INV_H_MAC && addr_mac_parse(value, mac) == 0) {
		addr_mac_str(mac, e->mac);
		e->cell[INV_H_MAC] = e->mac;
	}
	return 0;
}

int
inv_edit_field(struct inv_edit *e, const char *field, const char *value,
    char *err, size_t errlen)
{
	return field_set(e, field, strlen(field), value, err, errlen);
}

int
inv_edit_assign(struct inv_edit *e, const char *arg, char *err,
    size_t errlen)
{
	const char	*eq;

	if ((eq = strchr(arg, '=')) == NULL) {
		errbuf_set(err, errlen, "\"%.64s\": want field=value", arg);
		return -1;
	}
	return field_set(e, arg, (size_t)(eq - arg), eq + 1, err, errlen);
}

int
inv_edit_assign_var(struct inv_edit *e, const char *arg, char *err,
    size_t errlen)
{
	const char	*eq;

	if ((eq = strchr(arg, '=')) == NULL) {
		errbuf_set(err, errlen, "\"%.64s\": want NAME=value", arg);
		return -1;
	}
	return var_set(e, arg, (size_t)(eq - arg), eq + 1, err, errlen);
}

/* Appends a copy of row r of table t, with over[c] for each set[c]. */
static int
copy_row(struct inv_rows *out, const struct inv_rows *in, enum inv_table_id t,
    size_t r, const int *set, const char *const *over)
{
	const char	*cells[CELLS_MAX];
	size_t		 lens[CELLS_MAX];
	int		 c;

	for (c = 0; c < inv_ncols[t]; c++) {
		if (set != NULL && set[c]) {
			cells[c] = over[c];
			lens[c] = over[c] != NULL ? strlen(over[c]) : 0;
		} else
			cells[c] = inv_rows_cell(in, t, r, c, &lens[c]);
	}
	return inv_rows_add(out, t, cells, lens);
}

/* Is cell c of row r of table t the name s (ASCII case-insensitively)? */
static int
cell_is(const struct inv_rows *in, enum inv_table_id t, size_t r, int c,
    const char *s, size_t slen)
{
	const char	*v;
	size_t		 len;

	if ((v = inv_rows_cell(in, t, r, c, &len)) == NULL)
		return 0;
	return name_eq(v, len, s, slen);
}

/* Refuses rm of a dom0 that has guests, naming a few. */
static int
guests_refuse(const struct inv_rows *in, const char *name, char *err,
    size_t errlen)
{
	char		 list[512];
	const char	*g;
	size_t		 r, n = 0, o = 0, len, nlen = strlen(name);

	list[0] = '\0';
	for (r = 0; r < inv_rows_count(in, INV_T_HOSTS); r++) {
		if (!cell_is(in, INV_T_HOSTS, r, INV_H_DOM0, name, nlen) ||
		    cell_is(in, INV_T_HOSTS, r, INV_H_HOSTNAME, name, nlen))
			continue;
		if (n++ < GUESTS_NAMED && o < sizeof(list)) {
			g = inv_rows_cell(in, INV_T_HOSTS, r, INV_H_HOSTNAME,
			    &len);
			o += (size_t)snprintf(list + o, sizeof(list) - o,
			    "%s%.*s", o ? ", " : "", (int)(len > 64 ? 64 : len),
			    g != NULL ? g : "");
		}
	}
	if (n == 0)
		return 0;
	if (n > GUESTS_NAMED && o < sizeof(list))
		snprintf(list + o, sizeof(list) - o, " and %zu more",
		    n - GUESTS_NAMED);
	errbuf_set(err, errlen, "host \"%s\" has guests %s: remove them "
	    "first, or --force removes them too", name, list);
	return -1;
}

static int
removed_add(struct inv_edit_result *res, const char *name)
{
	const char	**n;

	if ((n = realloc(res->removed, (res->nremoved + 1) *
	    sizeof(*n))) == NULL)
		return -1;
	res->removed = n;
	n[res->nremoved++] = name;
	return 0;
}

/* The hosts rows after e; res->removed filled for rm. */
static int
apply_hosts(const struct inv_rows *in, const struct inv_edit *e,
    struct inv_edit_result *res, size_t *found)
{
	const char	*name, *cells[INV_H_NCOLS];
	size_t		 r, len, nlen = strlen(e->hostname);
	int		 c, hit, guest;

	*found = 0;
	for (r = 0; r < inv_rows_count(in, INV_T_HOSTS); r++) {
		name = inv_rows_cell(in, INV_T_HOSTS, r, INV_H_HOSTNAME, &len);
		hit = e->op != INV_EDIT_ADD && name != NULL &&
		    name_eq(name, len, e->hostname, nlen);
		guest = e->op == INV_EDIT_RM && e->force && cell_is(in,
		    INV_T_HOSTS, r, INV_H_DOM0, e->hostname, nlen);
		if (hit)
			(*found)++;
		if ((hit || guest) && e->op == INV_EDIT_RM) {
			if (name != NULL && removed_add(res, name) == -1)
				return -1;
			continue;
		}
		if (copy_row(res->rows, in, INV_T_HOSTS, r, hit ? e->given :
		    NULL, e->cell) == -1)
			return -1;
	}
	if (e->op != INV_EDIT_ADD)
		return 0;
	for (c = 0; c < INV_H_NCOLS; c++)
		cells[c] = e->given[c] ? e->cell[c] : NULL;
	cells[INV_H_HOSTNAME] = e->hostname;
	if (!e->given[INV_H_ENABLED])
		cells[INV_H_ENABLED] = "1";
	if (!e->given[INV_H_BUILD])
		cells[INV_H_BUILD] = "1";
	return inv_rows_add(res->rows, INV_T_HOSTS, cells, NULL);
}

/* The host_vars rows after e. */
static int
apply_vars(const struct inv_rows *in, const struct inv_edit *e,
    const struct inv_edit_result *res)
{
	const char	*cells[INV_V_NCOLS];
	size_t		 lens[INV_V_NCOLS];
	size_t		 r, i, nlen = strlen(e->hostname);
	int		 drop;

	for (r = 0; r < inv_rows_count(in, INV_T_VARS); r++) {
		drop = 0;
		for (i = 0; i < res->nremoved && !drop; i++)
			drop = cell_is(in, INV_T_VARS, r, INV_V_HOSTNAME,
			    res->removed[i], strlen(res->removed[i]));
		if (e->op != INV_EDIT_RM && cell_is(in, INV_T_VARS, r,
		    INV_V_HOSTNAME, e->hostname, nlen))
			for (i = 0; i < e->nvars && !drop; i++)
				drop = cell_is(in, INV_T_VARS, r, INV_V_NAME,
				    e->vars[i].name, e->vars[i].namelen);
		if (!drop && copy_row(res->rows, in, INV_T_VARS, r, NULL,
		    NULL) == -1)
			return -1;
	}
	if (e->op == INV_EDIT_RM)
		return 0;
	for (i = 0; i < e->nvars; i++) {
		if (e->vars[i].value == NULL)
			continue;
		cells[INV_V_HOSTNAME] = e->hostname;
		lens[INV_V_HOSTNAME] = nlen;
		cells[INV_V_NAME] = e->vars[i].name;
		lens[INV_V_NAME] = e->vars[i].namelen;
		cells[INV_V_VALUE] = e->vars[i].value;
		lens[INV_V_VALUE] = strlen(e->vars[i].value);
		if (inv_rows_add(res->rows, INV_T_VARS, cells, lens) == -1)
			return -1;
	}
	return 0;
}

int
inv_edit_apply(const struct inv_rows *in, const struct inv_edit *e,
    struct inv_edit_result *res, char *err, size_t errlen)
{
	size_t	 r, found;

	memset(res, 0, sizeof(*res));
	if (e->op == INV_EDIT_RM && !e->force &&
	    guests_refuse(in, e->hostname, err, errlen) == -1)
		return -1;
	if ((res->rows = inv_rows_new(inv_rows_generation(in))) == NULL)
		goto nomem;
	for (r = 0; r < inv_rows_count(in, INV_T_PROFILES); r++)
		if (copy_row(res->rows, in, INV_T_PROFILES, r, NULL,
		    NULL) == -1)
			goto nomem;
	if (apply_hosts(in, e, res, &found) == -1)
		goto nomem;
	if (e->op != INV_EDIT_ADD && found == 0) {
		errbuf_set(err, errlen, "no host \"%.*s\"", INV_NAME_MAX,
		    e->hostname);
		inv_edit_result_clear(res);
		return -1;
	}
	if (apply_vars(in, e, res) == -1)
		goto nomem;
	return 0;
nomem:
	errbuf_set(err, errlen, "out of memory");
	inv_edit_result_clear(res);
	return -1;
}

void
inv_edit_result_clear(struct inv_edit_result *res)
{
	inv_rows_free(res->rows);
	free(res->removed);
	memset(res, 0, sizeof(*res));
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

long
inv_edit_news(const char *const *before, size_t nbefore,
    const char *const *after, size_t nafter, size_t **news)
{
	const char	**sorted;
	size_t		 *out, i;
	long		  n = 0;

	*news = NULL;
	if ((sorted = inv_xcalloc(nbefore, sizeof(*sorted))) == NULL)
		return -1;
	if ((out = inv_xcalloc(nafter, sizeof(*out))) == NULL) {
		free(sorted);
		return -1;
	}
	if (nbefore > 0)
		memcpy(sorted, before, nbefore * sizeof(*sorted));
	qsort(sorted, nbefore, sizeof(*sorted), str_cmp);
	for (i = 0; i < nafter; i++)
		if (bsearch(&after[i], sorted, nbefore, sizeof(*sorted),
		    str_cmp) == NULL)
			out[n++] = i;
	free(sorted);
	if (n == 0)
		free(out);
	else
		*news = out;
	return n;
}
