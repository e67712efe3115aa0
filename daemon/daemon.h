/* SPDX-License-Identifier: ISC */
/*
 * daemon: the top layer. server.c runs the daemon (starts the modules in
 * order, owns the root struct bootd, signals, reloads); cli.c holds the
 * subcommands that are not a module's own; main.c parses argv. Nothing
 * below this folder includes it.
 */
#ifndef BOOTD_DAEMON_H
#define BOOTD_DAEMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * Runs the daemon in the foreground until SIGTERM/SIGINT. Binds every
 * listener, then drops to process.user/group with no capabilities before
 * anything is served. Returns the process exit status: 0 after a clean
 * stop, 1 when it could not start (a port in use, a missing user) or the
 * database refuses bootd while there is no cache to serve.
 */
int	bootd_serve(const char *config_path);

/* Subcommands (cli.c). Each returns the exit status. */
int	cli_check(const char *config_path, int print);
int	cli_migrate(const char *config_path);
/* names[0..n-1]: hosts to install again (db_admin_reinstall()). */
int	cli_reinstall(const char *config_path, int n, char **names);

/*
 * The host commands (cli_host.c): `host add|set|rm` (argv[0] "host") and
 * `discovered promote` (argv[0] "discovered", argv[1] "promote"); and
 * `hosts [NAME...] [--state S] [--profile P] [--json]` (cli_hosts.c).
 * Each returns the exit status: 0, 1 (refused, or the database failed),
 * 2 (usage).
 */
int	cli_host(const char *config_path, int argc, char **argv);
int	cli_promote(const char *config_path, int argc, char **argv);
int	cli_hosts_list(const char *config_path, int argc, char **argv);

/*
 * What `bootd check` says of enabled hosts beyond their rows (IP in no
 * dhcp.subnets entry, an iPXE boot file too long for option 67): calls
 * emit(arg, line) for each, returns how many (cli.c). The host commands
 * refuse an edit that would add such a line.
 */
struct bootd_config;
struct inv_snapshot;
int	cli_host_problems(const struct bootd_config *cfg,
	    const struct inv_snapshot *snap,
	    void (*emit)(void *arg, const char *line), void *arg);

/*
 * What every inventory build of the daemon and its subcommands checks
 * besides the rows themselves (server.c): the reserved variable names.
 */
struct inv_build_opts;
extern const struct inv_build_opts bootd_inv_opts;

/*
 * The HTTP routes of the daemon itself (routes.c): /healthz and
 * /inventory, which read every module's state. Returns 0 or -1 with err.
 */
struct bootd;
int	daemon_routes_add(struct bootd *bd, char *err, size_t errlen);

/*
 * The status page (statuspage.c): GET / and its files under /ui/, admin
 * networks only, served from the binary. Returns 0 or -1 with err.
 */
int	daemon_statuspage_add(struct bootd *bd, char *err, size_t errlen);

/*
 * GET /metrics (metrics_route.c), for anyone: every module's counters in
 * the Prometheus text format. Returns 0 or -1 with err.
 */
int	daemon_metrics_add(struct bootd *bd, char *err, size_t errlen);

/*
 * The JSON API under /api/ (api.c; README "JSON API"), admin networks
 * only. Returns 0 or -1 with err.
 */
int	daemon_api_add(struct bootd *bd, char *err, size_t errlen);

/*
 * The watch on the loop (watch_io.c): host states from the boot events.
 * watch_io_start() makes bd->watch (status.* settings, the served
 * snapshot) and its stall timer; returns 0 or -1 (ENOMEM). Then
 * watch_io_attach() taps bd->db's events and asks for its seed (before
 * db_thread_start()). watch_io_snapshot() follows a swap of bd->snap;
 * watch_io_seed() takes a seed the DB thread posted; watch_io_stop()
 * frees it all (after the DB thread stopped).
 */
int	watch_io_start(struct bootd *bd);
void	watch_io_attach(struct bootd *bd);
void	watch_io_snapshot(struct bootd *bd);
void	watch_io_seed(struct bootd *bd);
void	watch_io_stop(struct bootd *bd);

/* status.stall_timeout in milliseconds (0: never stalled). */
int64_t	watch_io_stall_ms(const struct bootd *bd);

#endif
