/* SPDX-License-Identifier: ISC */
/*
 * db_load: the only code that reads inventory rows through libmysqlclient.
 * Blocking: DB thread and CLI only.
 */
#ifndef BOOTD_DB_LOAD_H
#define BOOTD_DB_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "db/db_seed.h"
#include "db/inventory.h"

/* Reads the generation counter. Returns 0 or -1 with err. */
int	db_load_generation(MYSQL *my, uint64_t *gen, char *err, size_t errlen);

/*
 * Loads every profile, host and host_var row, and the generation they belong
 * to, in one consistent read snapshot. Returns new rows (inv_rows_free()) or
 * NULL with err.
 */
struct inv_rows *db_load_rows(MYSQL *my, char *err, size_t errlen);

/*
 * The newest nevents boot_events rows (by id; handed over oldest first)
 * and the ndisc most recently seen discovered rows, in one consistent
 * read. since_us is stored in the seed as it is. Returns a new seed
 * (db_seed_free()) or NULL with err.
 */
struct db_seed *db_load_seed(MYSQL *my, size_t nevents, size_t ndisc,
	    int64_t since_us, char *err, size_t errlen);

#endif
