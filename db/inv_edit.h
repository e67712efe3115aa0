/* SPDX-License-Identifier: ISC */
/*
 * inv_edit: one change of a host (add, set fields, remove) applied to a copy
 * of the raw inventory rows, so the change can go through inv_build_with(),
 * the daemon's own validators, before anything is written. Pure: no I/O,
 * no SQL; db_admin_edit() writes an edit that passed.
 */
#ifndef BOOTD_INV_EDIT_H
#define BOOTD_INV_EDIT_H

#include <stddef.h>

#include "bootd/addr.h"
#include "db/inventory.h"

enum inv_edit_op {
	INV_EDIT_ADD,
	INV_EDIT_SET,
	INV_EDIT_RM
};

#define INV_EDIT_VARS_MAX	256	/* var.K=V one command may give */

struct inv_edit_var {
	const char	*name;		/* borrowed, namelen bytes, no NUL */
	size_t		 namelen;	/* 0 allowed: the validators judge */
	const char	*value;		/* borrowed; NULL: remove it */
};

/*
 * The change. Strings are borrowed (from argv, typically) for the life of
 * the edit, except the canonical MAC, kept here.
 */
struct inv_edit {
	enum inv_edit_op op;
	const char	*hostname;
	int		 given[INV_H_NCOLS];	/* column set by the edit */
	const char	*cell[INV_H_NCOLS];	/* its value; NULL: SQL NULL */
	char		 mac[ADDR_MAC_STRLEN];	/* a canonical cell[INV_H_MAC] */
	struct inv_edit_var vars[INV_EDIT_VARS_MAX];
	size_t		 nvars;
	int		 force;		/* rm: a dom0 goes with its guests */
};

/*
 * The fields a command line may name, in the order of the usage text:
 * "mac ip profile dom0 vdisk memory vcpus enabled build" (plus var.NAME).
 */
extern const char inv_edit_field_list[];

/* An edit of hostname (borrowed) with nothing set yet. */
void	inv_edit_init(struct inv_edit *e, enum inv_edit_op op,
	    const char *hostname);

/*
 * Sets field (a name of inv_edit_field_list, or "var.NAME") to value (both
 * borrowed). A MAC that parses is kept in canonical form (as the schema's
 * trigger stores it); any other value is kept as given, for
 * inv_build_with() to judge with check's own words. dom0, vdisk, memory
 * and vcpus given as "" become SQL NULL (not a guest, no size); "var.NAME"
 * with "" removes the variable. Returns 0, or -1 with err: an unknown
 * field, a field given twice, more than INV_EDIT_VARS_MAX variables.
 */
int	inv_edit_field(struct inv_edit *e, const char *field,
	    const char *value, char *err, size_t errlen);

/*
 * inv_edit_field() of one "field=value" argument (split at the first '=').
 * Returns 0, or -1 with err (no '=' at all, or as inv_edit_field()).
 */
int	inv_edit_assign(struct inv_edit *e, const char *arg, char *err,
	    size_t errlen);

/* "NAME=value": as inv_edit_assign() of "var.NAME=value". */
int	inv_edit_assign_var(struct inv_edit *e, const char *arg, char *err,
	    size_t errlen);

/* What inv_edit_apply() makes. */
struct inv_edit_result {
	struct inv_rows	 *rows;		/* the rows after the edit */
	const char	**removed;	/* rm: hostnames gone, as stored */
	size_t		  nremoved;
};

/*
 * Applies e to a copy of in (borrowed; the names in res->removed point
 * into it, so keep in while res is used). Host names match ASCII
 * case-insensitively, and so do variable names, as the tables' collation
 * compares them: setting var.K replaces any variable K of that host.
 * add appends the host with enabled and build 1 unless given (the
 * schema's defaults, written explicitly). rm also removes the host's
 * variables and, with force, its guests and theirs.
 * Returns 0 with *res filled (inv_edit_result_clear() it), or -1 with err:
 * "no host \"x\"" (set, rm), "host \"x\" has guests a, b (...)" (rm of a
 * dom0 without force), or out of memory.
 */
int	inv_edit_apply(const struct inv_rows *in, const struct inv_edit *e,
	    struct inv_edit_result *res, char *err, size_t errlen);

/* Frees what inv_edit_apply() made; accepts a zeroed result. */
void	inv_edit_result_clear(struct inv_edit_result *res);

/*
 * The lines of after[0..nafter-1] that are not in before[0..nbefore-1]
 * (both borrowed): what an edit would add to `bootd check`'s complaints.
 * Returns how many there are, with their indexes into after, in order, in
 * *news (malloc'd, free() it; NULL when none), or -1 on ENOMEM.
 */
long	inv_edit_news(const char *const *before, size_t nbefore,
	    const char *const *after, size_t nafter, size_t **news);

#endif
