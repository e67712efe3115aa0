/* SPDX-License-Identifier: ISC */
/*
 * bootd: the one root object. Everything mutable at run time hangs off
 * struct bootd and reaches code through callback arguments.
 *
 * It lives in the base library so that every module can be handed it, yet
 * the base knows no module: each module's part is an opaque pointer here
 * (a forward declaration, never an #include of a module's header). The
 * daemon (daemon/server.c) fills it, starts and stops the modules, and
 * swaps cfg and snap; modules read what their callbacks need.
 */
#ifndef BOOTD_BOOTD_H
#define BOOTD_BOOTD_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "bootd/archmap.h"
#include "bootd/config.h"

struct db_status;
struct db_thread;
struct http_srv;
struct inv_snapshot;
struct doc_http;
struct tftp_srv;
struct dhcp_srv;
struct dhcpgen_srv;
struct watch;
struct watch_seeding;

enum bootd_source {
	BOOTD_SRC_NONE,		/* nothing to serve yet */
	BOOTD_SRC_CACHE,	/* the cache file, DB not read yet */
	BOOTD_SRC_DB,
	BOOTD_SRC_MAX
};

extern const char *const bootd_source_names[BOOTD_SRC_MAX];

struct bootd_stats {
	uint64_t	snapshots;	/* snapshots swapped in */
	uint64_t	config_reloads;
	uint64_t	config_errors;	/* reloads refused */
};

struct bootd {
	struct event_base	*base;
	char			*config_path;
	struct bootd_config	*cfg;		/* current; swapped on HUP */
	struct inv_snapshot	*snap;		/* current; may be NULL */
	uint64_t		 snap_at_ms;	/* clock_mono_ms() of its swap */
	enum bootd_source	 source;
	struct db_thread	*db;
	struct db_status	*dbst;		/* last status from the DB thread */
	struct event		*ev_hup, *ev_term, *ev_int;
	struct http_srv		*http;
	struct doc_http		*ks;		/* templates, /ks/ ... routes */
	struct tftp_srv		*tftp;
	struct dhcp_srv		*dhcp;
	struct dhcpgen_srv	*dhcpgen;	/* made at the first map */
	struct watch		*watch;		/* host states (daemon/) */
	struct event		*ev_stall;	/* the watch's stall timer */
	struct watch_seeding	*seeding;	/* a seed being folded */
	unsigned		 slice_jobs;	/* renders in slices running */
	uint64_t		 slice_busy;	/* refused over their cap */
	struct event		*ev_drain;	/* SIGTERM: wait for transfers */
	int			 drain_ticks;
	struct event		*ev_watchdog;	/* WATCHDOG=1, or NULL */
	int			 ready;		/* READY=1 sent */
	int			 failed;	/* stop with exit status 1 */
	char			 svc_status[256]; /* last STATUS= sent */
	struct bootd_stats	 st;
	struct archmap		 archmap;	/* DHCP option 93 by client IP */
	time_t			 started;
	/*
	 * paths.tftp_root as an open directory, for TFTP and HTTP /files/
	 * alike, or -1 when it could not be opened. Owned by server.c: it
	 * opens it at start and again at each SIGHUP, and swaps only when
	 * the new one opened, so both protocols always serve the same root.
	 * Readers borrow it within one callback. root is the path it is.
	 */
	int			 rootfd;
	char			*root;
};

#endif
