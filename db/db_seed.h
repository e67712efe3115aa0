/* SPDX-License-Identifier: ISC */
/*
 * db_seed: what the DB thread reads back at start so that the daemon's
 * in-memory host states do not begin empty: the newest boot_events rows
 * and the most recently seen discovered MACs, handed to the main thread
 * like a snapshot (db_thread_take_seed()). Plain data: no I/O here.
 */
#ifndef BOOTD_DB_SEED_H
#define BOOTD_DB_SEED_H

#include <stddef.h>
#include <stdint.h>

/* One boot_events row. Strings point into the seed's text. */
struct db_seed_event {
	int64_t		 at_us;		/* ts, microseconds since the epoch */
	const char	*mac;		/* "" for NULL */
	const char	*hostname;
	const char	*stage;
	const char	*detail;
};

/* One discovered row. */
struct db_seed_disc {
	int64_t		 first_us;
	int64_t		 last_us;
	int		 arch;		/* -1 for NULL */
	const char	*mac;
	const char	*vendor_class;
	const char	*relay;
};

struct db_seed {
	struct db_seed_event	*events;	/* oldest first */
	size_t			 nevents;
	struct db_seed_disc	*disc;		/* most recently seen first */
	size_t			 ndisc;
	/*
	 * Every event queued before this time (CLOCK_REALTIME, us) is in
	 * events or was refused by the DB; none queued at or after it is.
	 */
	int64_t			 since_us;
	char			*text;		/* the strings, owned */
};

/* Frees a seed and everything it owns. Accepts NULL. */
void	db_seed_free(struct db_seed *seed);

#endif
