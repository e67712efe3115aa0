/* SPDX-License-Identifier: ISC */
/*
 * migrate: the versioned schema (db/schema/NNN-*.sql, embedded at build
 * time) and `bootd db migrate`. Blocking: CLI and DB thread only.
 */
#ifndef BOOTD_MIGRATE_H
#define BOOTD_MIGRATE_H

#include <stdio.h>
#include <stddef.h>

#include <mysql.h>

struct migrate_step {
	int		 version;
	const char	*name;
	const char	*sql;	/* statements, each ending ';' at end of line */
};

/* Generated from db/schema: steps in ascending version order. */
extern const struct migrate_step migrate_steps[];
extern const int migrate_nsteps;

/* The schema version this binary expects (the highest step). */
int	migrate_binary_version(void);

/*
 * Reads the DB's schema version into *ver (0 when schema_version is absent,
 * i.e. an empty database). Returns 0 or -1 with err.
 */
int	migrate_db_version(MYSQL *my, int *ver, char *err, size_t errlen);

/*
 * Applies every step newer than the DB's version, recording each in
 * schema_version. Idempotent. *from and *to receive the versions before and
 * after. Refuses a DB newer than the binary. Returns 0 or -1 with err naming
 * the step and statement line. With progress non-NULL, a line there as
 * each statement starts ("FILE:LINE: its first words ...") and as each
 * step ends ("FILE: applied in N.N s"): converting a table of millions
 * of rows takes minutes, and the admin sees which one runs.
 */
int	migrate_run(MYSQL *my, int *from, int *to, FILE *progress, char *err,
	    size_t errlen);

/*
 * Checks that the DB's schema is exactly this binary's. Returns 0, or -1 with
 * err ("schema version 0 is older than this bootd's 1: run bootd db migrate").
 */
int	migrate_check(MYSQL *my, char *err, size_t errlen);

#endif
