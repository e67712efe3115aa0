/* SPDX-License-Identifier: ISC */
/*
 * bootd: the one root object. Everything mutable at run time hangs off
 * struct bootd and reaches code through callback arguments.
 */
#ifndef BOOTD_BOOTD_H
#define BOOTD_BOOTD_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "bootd/archmap.h"
#include "bootd/config.h"
#include "db/db_thread.h"
#include "db/inventory.h"

struct http_srv;
struct tftp_srv;
struct dhcp_srv;
struct dhcpgen_srv;

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
	enum bootd_source	 source;
	struct db_thread	*db;
	struct db_status	 dbst;		/* last status from the DB thread */
	struct event		*ev_hup, *ev_term, *ev_int;
	struct http_srv		*http;
	struct tftp_srv		*tftp;
	struct dhcp_srv		*dhcp;
	struct dhcpgen_srv	*dhcpgen;	/* made at the first map */
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

/*
 * Runs the daemon in the foreground until SIGTERM/SIGINT. Binds every
 * listener, then drops to process.user/group with no capabilities before
 * anything is served. Returns the process exit status: 0 after a clean
 * stop, 1 when it could not start (a port in use, a missing user) or the
 * database refuses bootd while there is no cache to serve.
 */
int	bootd_serve(const char *config_path);

/* Command-line subcommands (cli.c). Each returns the exit status. */
int	cli_check(const char *config_path, int print);
int	cli_hosts(const char *config_path);
int	cli_migrate(const char *config_path);
/* dhcp/dhcp_cli.c: the discovered table. */
int	cli_discovered(const char *config_path);
/* kickstart/ks_cli.c: what a host would get. */
int	cli_render(const char *config_path, const char *kind,
	    const char *host);
/* dhcpgen/dhcpgen_cli.c: argv[0] is "dhcpgen". */
int	cli_dhcpgen(const char *config_path, int argc, char **argv);

#endif
