/* SPDX-License-Identifier: ISC */
/*
 * config: one settings table (cfg_rows[]) drives defaults, libconfig
 * parsing, unknown-key and type/range errors, and printing, so the example
 * config cannot drift from the code. Reads only the config file and
 * password_file; never logs: errors go back as "FILE:LINE: text".
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include <libconfig.h>

#include "bootd/addr.h"
#include "bootd/config.h"
#include "bootd/log.h"
#include "bootd/safeopen.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define CFG_PATHLEN	128	/* dotted setting paths in messages */
#define CFG_VALLEN	96	/* a quoted value in messages */
#define CFG_DOCLEN	1024
#define CFG_PASSMAX	1024	/* first line of password_file */
#define CFG_PASSFILE_MAX (64 * 1024)	/* larger: not a password file */
#define CFG_FILE_MAX	(4 * 1024 * 1024)	/* the config file */
#define CFG_INDENT	4
#define CFG_WIDTH	79	/* doc comments wrap here */

enum cfg_type {
	CFG_GROUP,	/* a group of the rows that follow; doc only */
	CFG_BOOL,	/* int */
	CFG_INT,	/* int, min..max */
	CFG_DOUBLE,	/* double, min..max; an integer literal is fine */
	CFG_STR,	/* char * */
	CFG_URL,	/* char *: "" or http(s)://... */
	CFG_IP4,	/* char *, dotted quad; uint32_t at bin */
	CFG_CIDR,	/* char *; uint32_t net at bin, int prefix at bin2 */
	CFG_LOGLEVEL,	/* int, enum log_level, written as its name */
	CFG_IFLIST,	/* config_strlist of interface names, max entries */
	CFG_IP4LIST,	/* config_strlist; uint32_t[max] at bin */
	CFG_CIDRLIST,	/* config_strlist; struct config_cidr[max] at bin */
	CFG_SUBNETS	/* struct config_subnet * at off, count at bin; the
			   rows below it describe one element */
};

enum cfg_flag {
	CFG_F_EMPTY = 0x01,	/* CFG_IP4: "" means none */
	CFG_F_REQUIRED = 0x02,	/* must appear in its group */
	CFG_F_SECRET = 0x04	/* printed masked, wiped on free */
};

/*
 * One setting. off, bin and bin2 are offsets into struct bootd_config, or
 * into struct config_subnet for the rows under "dhcp.subnets". Rows of a
 * group follow the group's row; printing keeps table order.
 */
struct cfg_row {
	const char	*path;
	enum cfg_type	 type;
	double		 def;		/* CFG_BOOL, CFG_INT, CFG_DOUBLE */
	const char	*sdef;		/* string kinds, CFG_LOGLEVEL */
	double		 min, max;	/* numbers; lists: max is max entries */
	size_t		 off;
	const char	*doc;
	size_t		 bin, bin2;	/* parsed forms, see enum cfg_type */
	int		 flags;
	const char	*example;	/* docs: sample, in libconfig syntax */
	const char	*choices;	/* CFG_STR: "a|b|c", the only values */
};

#define OFF(f)	offsetof(struct bootd_config, f)
#define SOFF(f)	offsetof(struct config_subnet, f)

/* Rows name the fields they use, the rest are zero: -Wextra would object. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct cfg_row cfg_rows[] = {
	{ "database", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "Inventory database (MySQL or MariaDB)" },
	{ "database.host", CFG_STR, 0, "localhost", 0, 0, OFF(database.host),
	    "Server host name or address" },
	{ "database.port", CFG_INT, 3306, NULL, 1, 65535, OFF(database.port),
	    "Server TCP port" },
	{ "database.socket", CFG_STR, 0, "", 0, 0, OFF(database.socket),
	    "Unix socket of a local server; \"\" = the client library's "
	    "default" },
	{ "database.user", CFG_STR, 0, "bootd", 0, 0, OFF(database.user),
	    "User name" },
	{ "database.password", CFG_STR, 0, "", 0, 0, OFF(database.password),
	    "Password, printed masked; leave it empty when password_file is "
	    "set", .flags = CFG_F_SECRET },
	{ "database.password_file", CFG_STR, 0, "", 0, 0,
	    OFF(database.password_file),
	    "File whose first line (at most 1024 bytes) is the password; "
	    "\"\" = use password" },
	{ "database.name", CFG_STR, 0, "bootd", 0, 0, OFF(database.name),
	    "Database name" },
	{ "database.poll_interval", CFG_DOUBLE, 1.0, NULL, 0.05, 3600,
	    OFF(database.poll_interval),
	    "Seconds between checks of the inventory generation counter" },
	{ "database.retry_max", CFG_DOUBLE, 30.0, NULL, 1, 3600,
	    OFF(database.retry_max),
	    "Longest wait in seconds between reconnect attempts while the "
	    "database is down" },
	{ "database.connect_timeout", CFG_INT, 5, NULL, 1, 300,
	    OFF(database.connect_timeout), "Connect timeout in seconds" },

	{ "retention", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "How long boot_events and discovered rows are kept; the DB "
	    "thread deletes older rows in batches of 1000 (0 = keep)" },
	{ "retention.events_days", CFG_INT, 180, NULL, 0, 36500,
	    OFF(retention.events_days),
	    "Delete boot_events rows older than this many days" },
	{ "retention.events_rows", CFG_INT, 1000000, NULL, 0, 2000000000,
	    OFF(retention.events_rows),
	    "Keep at most this many boot_events rows, the newest" },
	{ "retention.discovered_days", CFG_INT, 90, NULL, 0, 36500,
	    OFF(retention.discovered_days),
	    "Delete discovered MACs not seen for this many days" },
	{ "retention.discovered_rows", CFG_INT, 100000, NULL, 0, 2000000000,
	    OFF(retention.discovered_rows),
	    "Keep at most this many discovered MACs, the most recently seen" },
	{ "retention.interval", CFG_DOUBLE, 300.0, NULL, 1, 86400,
	    OFF(retention.interval),
	    "Seconds between two pruning rounds" },

	{ "paths", CFG_GROUP, 0, NULL, 0, 0, 0, "Files and directories" },
	{ "paths.tftp_root", CFG_STR, 0, "/srv/tftp", 0, 0,
	    OFF(paths.tftp_root),
	    "Directory that boot files are served from; nothing outside it "
	    "is served" },
	{ "paths.templates", CFG_STR, 0, "/etc/bootd/templates", 0, 0,
	    OFF(paths.templates),
	    "Directory of templates: kickstarts, boot menus, guest configs" },
	{ "paths.cache", CFG_STR, 0, "/var/lib/bootd/inventory.cache", 0, 0,
	    OFF(paths.cache),
	    "Copy of the last good inventory, served when bootd starts "
	    "without the database" },

	{ "tftp", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "TFTP server (RFC 1350; options blksize, tsize, timeout, "
	    "windowsize)" },
	{ "tftp.enabled", CFG_BOOL, 1, NULL, 0, 1, OFF(tftp.enabled),
	    "Serve TFTP" },
	{ "tftp.listen", CFG_IP4, 0, "0.0.0.0", 0, 0, OFF(tftp.listen),
	    "IPv4 address to listen on; 0.0.0.0 = all",
	    .bin = OFF(tftp.listen_ip) },
	{ "tftp.port", CFG_INT, 69, NULL, 1, 65535, OFF(tftp.port),
	    "UDP port" },
	{ "tftp.max_transfers", CFG_INT, 1024, NULL, 1, 65535,
	    OFF(tftp.max_transfers),
	    "Concurrent transfers at most; more get a TFTP error and retry" },
	{ "tftp.max_per_client", CFG_INT, 16, NULL, 1, 65535,
	    OFF(tftp.max_per_client),
	    "Concurrent transfers per client IP at most; more get \"server "
	    "busy\"" },
	{ "tftp.max_blksize", CFG_INT, 65464, NULL, 8, 65464,
	    OFF(tftp.max_blksize),
	    "Largest block size granted (RFC 2348); also capped by the "
	    "interface MTU" },
	{ "tftp.max_windowsize", CFG_INT, 64, NULL, 1, 65535,
	    OFF(tftp.max_windowsize),
	    "Largest window granted (RFC 7440)" },
	{ "tftp.timeout_ms", CFG_INT, 1000, NULL, 10, 60000,
	    OFF(tftp.timeout_ms),
	    "First retransmission timeout unless the client negotiates one; "
	    "doubles on each retry" },
	{ "tftp.retries", CFG_INT, 5, NULL, 1, 50, OFF(tftp.retries),
	    "Retransmissions at the full timeout before giving up (faster "
	    "adaptive resends come first)" },
	{ "tftp.max_timeout", CFG_INT, 5, NULL, 1, 255,
	    OFF(tftp.max_timeout),
	    "Largest timeout option (RFC 2349) granted, in seconds; a larger "
	    "one is left out of the OACK and the server's own timeout used" },
	{ "tftp.first_ack_timeout", CFG_INT, 5, NULL, 1, 60,
	    OFF(tftp.first_ack_timeout),
	    "Seconds a transfer may wait for the client's first ACK (of the "
	    "OACK or of the first DATA), resends included; then it is dropped "
	    "without a word" },
	{ "tftp.stall_timeout", CFG_INT, 30, NULL, 1, 600,
	    OFF(tftp.stall_timeout),
	    "Seconds a transfer may go without an ACK that advances it, "
	    "resends included; then it ends" },
	{ "tftp.io_uring", CFG_STR, 0, "auto", 0, 0, OFF(tftp.io_uring),
	    "auto: transfers receive and send through io_uring (Linux 6.0 or "
	    "later; fewer system calls per block), else epoll, and the log "
	    "says which at start; off: always epoll. Takes effect at the next "
	    "restart",
	    .choices = "auto|off" },
	{ "tftp.bios", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "Limits for BIOS PXE clients (DHCP option 93 = 0), applied when "
	    "bootd's own DHCP server has seen the client's architecture; "
	    "for firmware that mishandles large blocks or windows" },
	{ "tftp.bios.max_blksize", CFG_INT, 0, NULL, 0, 65464,
	    OFF(tftp.bios.max_blksize), "Largest block size; 0 = no limit" },
	{ "tftp.bios.max_windowsize", CFG_INT, 0, NULL, 0, 65535,
	    OFF(tftp.bios.max_windowsize), "Largest window; 0 = no limit" },
	{ "tftp.efi", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "Limits for UEFI clients (option 93 = 6, 7, 9, 10, 11, 16, 19)" },
	{ "tftp.efi.max_blksize", CFG_INT, 0, NULL, 0, 65464,
	    OFF(tftp.efi.max_blksize), "Largest block size; 0 = no limit" },
	{ "tftp.efi.max_windowsize", CFG_INT, 0, NULL, 0, 65535,
	    OFF(tftp.efi.max_windowsize), "Largest window; 0 = no limit" },
	{ "tftp.menu_timeout", CFG_INT, 50, NULL, 0, 36000,
	    OFF(tftp.menu_timeout),
	    "Boot menu timeout in tenths of a second (pxelinux TIMEOUT; GRUB "
	    "gets it in seconds)" },
	{ "tftp.default_menu", CFG_STR, 0, "local", 0, 0,
	    OFF(tftp.default_menu),
	    "pxelinux.cfg/default for unknown hosts: \"local\" boots the "
	    "local disk, \"menu\" offers the selectable profiles; a real "
	    "file of that name in tftp_root wins",
	    .choices = "local|menu" },
	{ "tftp.autoexec_default", CFG_URL, 0, "", 0, 0,
	    OFF(tftp.autoexec_default),
	    "autoexec.ipxe (signed iPXE fetches it at start) for an address "
	    "that is no enabled host's: iPXE prints that, then chains to "
	    "this URL (iPXE expands ${mac}, ${ip}); \"\" = exit iPXE, so the "
	    "firmware tries its next boot option. A known address gets a "
	    "chain to its host's iPXE script; a real file of that name in "
	    "tftp_root wins" },

	{ "http", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "HTTP server: kickstarts, iPXE scripts, guest configs, boot "
	    "files, status callbacks, /metrics" },
	{ "http.enabled", CFG_BOOL, 1, NULL, 0, 1, OFF(http.enabled),
	    "Serve HTTP" },
	{ "http.listen", CFG_IP4, 0, "0.0.0.0", 0, 0, OFF(http.listen),
	    "IPv4 address to listen on; 0.0.0.0 = all",
	    .bin = OFF(http.listen_ip) },
	{ "http.port", CFG_INT, 80, NULL, 1, 65535, OFF(http.port),
	    "TCP port" },
	{ "http.public_url", CFG_URL, 0, "", 0, 0, OFF(http.public_url),
	    "Base URL given to clients, starting with http:// or https://; "
	    "\"\" = http://<listen>:<port>" },
	{ "http.max_connections", CFG_INT, 512, NULL, 1, 65535,
	    OFF(http.max_connections),
	    "Open connections at most; at the cap new ones wait in the "
	    "listen queue until one closes" },
	{ "http.max_per_client", CFG_INT, 32, NULL, 1, 65535,
	    OFF(http.max_per_client),
	    "Open connections per client IP at most; more are answered 503 "
	    "and closed at once" },
	{ "http.request_timeout", CFG_INT, 10, NULL, 1, 3600,
	    OFF(http.request_timeout),
	    "Seconds a request may take to arrive (headers and body, from "
	    "the connection or the previous response on), however slowly its "
	    "bytes trickle; responses are not cut" },
	{ "http.admin_networks", CFG_CIDRLIST, 0, NULL, 0, CONFIG_MAX_LIST,
	    OFF(http.admin_networks),
	    "Networks in CIDR form (a bare address is a /32) that may fetch "
	    "every host's kickstart and other per-host secrets; a host may "
	    "always fetch its own",
	    .bin = OFF(http.admin_nets),
	    .example = "[ \"10.0.0.0/8\", \"192.168.1.10\" ]" },

	{ "dhcp", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "DHCP server for PXE clients (RFC 2131, 2132, 4578): fixed "
	    "addresses from the inventory only" },
	{ "dhcp.enabled", CFG_BOOL, 0, NULL, 0, 1, OFF(dhcp.enabled),
	    "Serve DHCP" },
	{ "dhcp.listen", CFG_IP4, 0, "0.0.0.0", 0, 0, OFF(dhcp.listen),
	    "IPv4 address to listen on; 0.0.0.0 = all",
	    .bin = OFF(dhcp.listen_ip) },
	{ "dhcp.port", CFG_INT, 67, NULL, 1, 65535, OFF(dhcp.port),
	    "UDP port" },
	{ "dhcp.interfaces", CFG_IFLIST, 0, NULL, 0, CONFIG_MAX_LIST,
	    OFF(dhcp.interfaces),
	    "Network interfaces to answer on; empty = all",
	    .example = "[ \"eth0\", \"eth1\" ]" },
	{ "dhcp.next_server", CFG_IP4, 0, "", 0, 0, OFF(dhcp.next_server),
	    "TFTP server address given to clients (siaddr); \"\" = the "
	    "address the request came in on",
	    .bin = OFF(dhcp.next_server_ip), .flags = CFG_F_EMPTY },
	{ "dhcp.bootfile", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "Boot file by client architecture (option 93, RFC 4578); a "
	    "profile's bootfile_<arch> column, when set, wins for its hosts" },
	{ "dhcp.bootfile.bios", CFG_STR, 0, "pxelinux.0", 0, 0,
	    OFF(dhcp.bootfile.bios), "For BIOS PXE clients" },
	{ "dhcp.bootfile.efi64", CFG_STR, 0, "grubx64.efi", 0, 0,
	    OFF(dhcp.bootfile.efi64), "For x86-64 UEFI clients" },
	{ "dhcp.bootfile.efi64_http", CFG_STR, 0, "", 0, 0,
	    OFF(dhcp.bootfile.efi64_http),
	    "For x86-64 UEFI HTTP boot clients (option 93 = 16, vendor class "
	    "HTTPClient), sent as <server_url>/files/<name> unless it is a "
	    "URL itself; \"\" = efi64's file. A profile's bootfile_efi64 "
	    "wins over both" },
	{ "dhcp.bootfile.arm64", CFG_STR, 0, "grubaa64.efi", 0, 0,
	    OFF(dhcp.bootfile.arm64), "For ARM64 UEFI clients" },
	{ "dhcp.bootfile.ipxe", CFG_STR, 0, "", 0, 0, OFF(dhcp.bootfile.ipxe),
	    "For iPXE clients (user class \"iPXE\"); {{mac}}, {{ip}} and "
	    "{{hostname}} become the host's; \"\" = bootd's iPXE script URL" },
	{ "dhcp.subnets", CFG_SUBNETS, 0, NULL, 0, CONFIG_MAX_LIST,
	    OFF(dhcp.subnets),
	    "Subnets served, directly or through relay agents (giaddr); "
	    "they must not overlap",
	    .bin = OFF(dhcp.nsubnets) },
	{ "dhcp.subnets.network", CFG_CIDR, 0, "", 0, 0, SOFF(network),
	    "Network in CIDR form, host bits zero",
	    .bin = SOFF(net), .bin2 = SOFF(prefix), .flags = CFG_F_REQUIRED,
	    .example = "\"10.0.0.0/24\"" },
	{ "dhcp.subnets.router", CFG_IP4, 0, "", 0, 0, SOFF(router),
	    "Default gateway (option 3), inside network; \"\" = none",
	    .bin = SOFF(router_ip), .flags = CFG_F_EMPTY,
	    .example = "\"10.0.0.1\"" },
	{ "dhcp.subnets.dns", CFG_IP4LIST, 0, NULL, 0, CONFIG_MAX_DNS,
	    SOFF(dns), "DNS servers (option 6)",
	    .bin = SOFF(dns_ip), .example = "[ \"10.0.0.1\" ]" },
	{ "dhcp.subnets.domain", CFG_STR, 0, "", 0, 0, SOFF(domain),
	    "Domain name (option 15); \"\" = none",
	    .example = "\"example.org\"" },
	{ "dhcp.subnets.lease_time", CFG_INT, 86400, NULL, 60, 31536000,
	    SOFF(lease_time), "Lease time in seconds (option 51)" },

	{ "dhcpgen", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "DHCP maps for an existing DHCP server, rewritten on every "
	    "inventory change while bootd serves" },
	{ "dhcpgen.format", CFG_STR, 0, "", 0, 0, OFF(dhcpgen.format),
	    "\"isc\" (dhcpd host blocks), \"kea\" (Kea reservations), "
	    "\"dnsmasq\" (dhcp-host lines); \"\" = off",
	    .choices = "|isc|kea|dnsmasq" },
	{ "dhcpgen.output", CFG_STR, 0, "", 0, 0, OFF(dhcpgen.output),
	    "File written (temp file + rename, only when the content "
	    "changes)" },
	{ "dhcpgen.reload_command", CFG_STR, 0, "", 0, 0,
	    OFF(dhcpgen.reload_command),
	    "Run by /bin/sh after each rewrite, e.g. \"systemctl reload "
	    "isc-dhcp-server\"; \"\" = none" },

	{ "status", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "Host states in memory, for /api/, the status page and /metrics: "
	    "each host's state from its boot events (unseen, booting, "
	    "installing, installed, failed, stalled, disabled), seeded from "
	    "the database at start" },
	{ "status.events_kept", CFG_INT, 100000, NULL, 1, 10000000,
	    OFF(status.events_kept),
	    "Recent boot events kept in memory, over all hosts (about 340 "
	    "bytes each); the newest this many rows of boot_events are read "
	    "back at start. Takes effect at the next start" },
	{ "status.discovered_kept", CFG_INT, 10000, NULL, 0, 1000000,
	    OFF(status.discovered_kept),
	    "Discovered MACs kept in memory, the most recently seen; takes "
	    "effect at the next start" },
	{ "status.stall_timeout", CFG_INT, 3600, NULL, 0, 31536000,
	    OFF(status.stall_timeout),
	    "Seconds a boot with build = 1 may take from its start (the DHCP "
	    "ACK) to install-done before the host is stalled, for profiles "
	    "whose stall_timeout is NULL; 0 = never stalled" },

	{ "metrics", CFG_GROUP, 0, NULL, 0, 0, 0, "GET /metrics" },
	{ "metrics.per_host", CFG_BOOL, 0, NULL, 0, 1, OFF(metrics.per_host),
	    "Add per-host series (bootd_host_state, "
	    "bootd_host_last_event_timestamp_seconds): two series a host, "
	    "about 200 bytes a host each scrape" },

	{ "process", CFG_GROUP, 0, NULL, 0, 0, 0,
	    "The daemon's own process: bootd binds its ports, then drops to "
	    "this user and group with no capabilities before it serves; "
	    "whatever it writes later (paths.cache and its .journal, "
	    "dhcpgen.output) must be writable by them, and reload_command "
	    "runs as them too" },
	{ "process.user", CFG_STR, 0, "bootd", 0, 0, OFF(process.user),
	    "User to run as; must exist (bootd check says so). Started as "
	    "this user already (systemd User= with CAP_NET_BIND_SERVICE), "
	    "there is nothing to switch" },
	{ "process.group", CFG_STR, 0, "", 0, 0, OFF(process.group),
	    "Group to run as, the only group kept; \"\" = the user's login "
	    "group" },

	{ "log", CFG_GROUP, 0, NULL, 0, 0, 0, "Logging" },
	{ "log.level", CFG_LOGLEVEL, 0, "info", 0, 0, OFF(log.level),
	    "Most verbose level logged" },
	{ "log.syslog", CFG_BOOL, 0, NULL, 0, 1, OFF(log.syslog),
	    "Log to syslog (facility daemon) instead of standard error; errors "
	    "go to standard error too" },
};
#pragma GCC diagnostic pop

#define CFG_ROWS_END	(cfg_rows + NITEMS(cfg_rows))

/* Where errors go: name stands in when libconfig knows no file name. */
struct cfg_ctx {
	const char	*name;
	char		*err;
	size_t		 errlen;
};

/* Printing state. */
struct cfg_out {
	FILE				*fp;
	int				 docs;
	int				 hash;	/* lines commented out from this
						   depth on, or -1 */
	const struct bootd_config	*cfg;
};

static int	cfg_walk(const struct cfg_row *, const struct cfg_row *, void *,
		    const config_setting_t *, const char *, const char *,
		    struct cfg_ctx *);
static void	cfg_print_rows(struct cfg_out *, const struct cfg_row *,
		    const struct cfg_row *, const void *, int, int);

/* Errors */

static int
cfg_err(struct cfg_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * "FILE:LINE: text" for setting s ("FILE: text" when s is NULL). Returns -1
 * for the caller to pass on.
 */
static int
cfg_err(struct cfg_ctx *ctx, const config_setting_t *s, const char *fmt, ...)
{
	va_list		 ap;
	const char	*file = NULL;
	int		 n;

	if (s != NULL)
		file = config_setting_source_file(s);
	if (file == NULL)
		file = ctx->name;
	if (s != NULL)
		n = snprintf(ctx->err, ctx->errlen, "%s:%u: ", file,
		    config_setting_source_line(s));
	else
		n = snprintf(ctx->err, ctx->errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= ctx->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ctx->err + n, ctx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* "error, warn, info, debug" into buf. Returns buf. */
static char *
cfg_levels(char *buf, size_t len)
{
	size_t	n = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < LOG_LVL_MAX && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i > 0 ? ", " : "", log_level_name(i));
	return buf;
}

/* Escaped copy of a config value for a message. Returns buf. */
static char *
cfg_esc(char *buf, size_t len, const char *s)
{
	return log_sanitise(buf, len, s, strlen(s));
}

/* Rows */

static const char *
cfg_row_name(const struct cfg_row *r)
{
	const char *dot = strrchr(r->path, '.');

	return dot != NULL ? dot + 1 : r->path;
}

/* First row after r that is not below r's path (its group or element). */
static const struct cfg_row *
cfg_row_end(const struct cfg_row *r, const struct cfg_row *last)
{
	const struct cfg_row	*e;
	size_t			 len = strlen(r->path);

	for (e = r + 1; e < last; e++)
		if (strncmp(e->path, r->path, len) != 0 || e->path[len] != '.')
			break;
	return e;
}

static const struct cfg_row *
cfg_row_find(const struct cfg_row *first, const struct cfg_row *last,
    const char *path)
{
	const struct cfg_row *r;

	for (r = first; r < last; r++)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}

/* The field at off in base (a config or a subnet). */
static void *
cfg_field(void *base, size_t off)
{
	return (char *)base + off;
}

static const void *
cfg_cfield(const void *base, size_t off)
{
	return (const char *)base + off;
}

static int
cfg_is_list(const struct cfg_row *r)
{
	return r->type == CFG_IFLIST || r->type == CFG_IP4LIST ||
	    r->type == CFG_CIDRLIST;
}

static int
cfg_is_string(const struct cfg_row *r)
{
	return r->type == CFG_STR || r->type == CFG_URL ||
	    r->type == CFG_IP4 || r->type == CFG_CIDR;
}

static void
cfg_list_free(struct config_strlist *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Frees what the rows first..last own in base; base itself stays. */
static void
cfg_release(const struct cfg_row *first, const struct cfg_row *last,
    void *base)
{
	const struct cfg_row	*r, *end;
	struct config_subnet	**subsp;
	char			**sp;
	int			 i, *np;

	for (r = first; r < last; r++) {
		if (cfg_is_string(r)) {
			sp = cfg_field(base, r->off);
			if (*sp != NULL && (r->flags & CFG_F_SECRET))
				explicit_bzero(*sp, strlen(*sp));
			free(*sp);
			*sp = NULL;
		} else if (cfg_is_list(r)) {
			cfg_list_free(cfg_field(base, r->off));
		} else if (r->type == CFG_SUBNETS) {
			subsp = cfg_field(base, r->off);
			np = cfg_field(base, r->bin);
			end = cfg_row_end(r, last);
			for (i = 0; i < *np; i++)
				cfg_release(r + 1, end, &(*subsp)[i]);
			free(*subsp);
			*subsp = NULL;
			*np = 0;
			r = end - 1;
		}
	}
}

/*
 * Sets the defaults of rows first..last in base, which is zeroed. Returns 0,
 * or -1 on ENOMEM (what was set is freed by cfg_release()).
 */
static int
cfg_defaults(const struct cfg_row *first, const struct cfg_row *last,
    void *base)
{
	const struct cfg_row	*r;
	char			**sp;

	for (r = first; r < last; r++) {
		switch (r->type) {
		case CFG_BOOL:
		case CFG_INT:
			*(int *)cfg_field(base, r->off) = (int)r->def;
			break;
		case CFG_DOUBLE:
			*(double *)cfg_field(base, r->off) = r->def;
			break;
		case CFG_LOGLEVEL:
			*(int *)cfg_field(base, r->off) =
			    log_level_parse(r->sdef);
			break;
		case CFG_STR:
		case CFG_URL:
		case CFG_IP4:
		case CFG_CIDR:
			sp = cfg_field(base, r->off);
			if ((*sp = strdup(r->sdef)) == NULL)
				return -1;
			if (r->type == CFG_IP4 && r->sdef[0] != '\0')
				(void)addr_ip4_parse(r->sdef,
				    cfg_field(base, r->bin));
			break;
		case CFG_SUBNETS:
			/* Elements get their defaults when they are read. */
			r = cfg_row_end(r, last) - 1;
			break;
		case CFG_GROUP:
		case CFG_IFLIST:
		case CFG_IP4LIST:
		case CFG_CIDRLIST:
			break;
		}
	}
	return 0;
}

/* Parsing */

static void
cfg_join(char *dst, size_t len, const char *prefix, const char *name)
{
	if (prefix[0] == '\0')
		snprintf(dst, len, "%s", name);
	else
		snprintf(dst, len, "%s.%s", prefix, name);
}

/*
 * Checks string s for the kind of row r (a list row checks its entries).
 * Fills *ip (and *prefix for networks) when r has a parsed form. Returns
 * NULL, or what is wrong with s.
 */
/* Non-zero when s is one of the '|'-separated words in choices. */
static int
cfg_choice_ok(const char *choices, const char *s)
{
	size_t		 n = strlen(s);
	const char	*p = choices, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if ((bar ? (size_t)(bar - p) : strlen(p)) == n &&
		    strncmp(p, s, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

static const char *
cfg_str_check(const struct cfg_row *r, const char *s, uint32_t *ip,
    int *prefix)
{
	size_t n;

	*ip = 0;
	*prefix = 0;
	switch (r->type) {
	case CFG_STR:
		if (r->choices != NULL && !cfg_choice_ok(r->choices, s))
			return "is not one of the allowed values (see the "
			    "example config)";
		return NULL;
	case CFG_URL:
		if (s[0] == '\0')
			return NULL;
		/* Clients get it as one word (iPXE scripts, DHCP). */
		if (strpbrk(s, " \t\r\n\"") != NULL)
			return "is not a URL: holds a blank or a quote";
		if ((strncmp(s, "http://", 7) == 0 && s[7] != '\0') ||
		    (strncmp(s, "https://", 8) == 0 && s[8] != '\0'))
			return NULL;
		return "is not an http:// or https:// URL";
	case CFG_IP4:
	case CFG_IP4LIST:
		if (s[0] == '\0' && (r->flags & CFG_F_EMPTY))
			return NULL;
		if (addr_ip4_parse(s, ip) == -1)
			return "is not an IPv4 address";
		return NULL;
	case CFG_CIDR:
	case CFG_CIDRLIST:
		if (addr_cidr_parse(s, ip, prefix) == -1)
			return "is not a network in CIDR form "
			    "(a.b.c.d/n, host bits zero)";
		return NULL;
	case CFG_IFLIST:
		n = strlen(s);
		if (n == 0 || n >= IF_NAMESIZE || strpbrk(s, "/: \t") != NULL)
			return "is not an interface name";
		return NULL;
	default:
		return NULL;
	}
}

/*
 * Reads a list of strings (array or list) into r's config_strlist. Errors in
 * an entry give the line of the list: libconfig 1.5 dates a scalar in a list
 * after its lookahead, so the last entry would get the line of the "]".
 */
static int
cfg_parse_list(const struct cfg_row *r, void *base, const config_setting_t *s,
    const char *mp, struct cfg_ctx *ctx)
{
	struct config_strlist	*l = cfg_field(base, r->off);
	const config_setting_t	*e;
	const char		*v, *why;
	char			 esc[CFG_VALLEN];
	uint32_t		 ip;
	int			 i, n, prefix;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return cfg_err(ctx, s, "%s: expected a list of strings", mp);
	n = config_setting_length(s);
	if (n > (int)r->max)
		return cfg_err(ctx, s, "%s: more than %d entries", mp,
		    (int)r->max);
	cfg_list_free(l);
	if ((l->items = calloc(n > 0 ? (size_t)n : 1, sizeof(char *))) == NULL)
		return cfg_err(ctx, s, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_err(ctx, s, "%s[%d]: expected a string",
			    mp, i);
		v = config_setting_get_string(e);
		if ((why = cfg_str_check(r, v, &ip, &prefix)) != NULL)
			return cfg_err(ctx, s, "%s[%d]: \"%s\" %s", mp, i,
			    cfg_esc(esc, sizeof(esc), v), why);
		if ((l->items[i] = strdup(v)) == NULL)
			return cfg_err(ctx, s, "%s", strerror(ENOMEM));
		l->n++;
		if (r->type == CFG_IP4LIST)
			((uint32_t *)cfg_field(base, r->bin))[i] = ip;
		else if (r->type == CFG_CIDRLIST) {
			struct config_cidr *c = cfg_field(base, r->bin);

			c[i].net = ip;
			c[i].prefix = prefix;
		}
	}
	return 0;
}

/* Checks what one subnet's rows cannot: router placement, overlaps. */
static int
cfg_subnet_check(const struct config_subnet *subs, int i,
    const config_setting_t *grp, const char *lp, const char *mp,
    struct cfg_ctx *ctx)
{
	const struct config_subnet	*sn = &subs[i], *o;
	char				 a[ADDR_IP4_STRLEN];
	int				 j;

	if (sn->router[0] != '\0' &&
	    !addr_in_net(sn->router_ip, sn->net, sn->prefix))
		return cfg_err(ctx, config_setting_get_member(grp, "router"),
		    "%s.router: %s is outside %s", mp, sn->router,
		    sn->network);
	for (j = 0; j < i; j++) {
		o = &subs[j];
		if (addr_in_net(sn->net, o->net,
		    sn->prefix < o->prefix ? sn->prefix : o->prefix)) {
			addr_ip4_str(o->net, a);
			return cfg_err(ctx,
			    config_setting_get_member(grp, "network"),
			    "%s.network: %s overlaps %s[%d] (%s/%d)", mp,
			    sn->network, lp, j, a, o->prefix);
		}
	}
	return 0;
}

/* Reads dhcp.subnets: a list of groups described by the rows below r. */
static int
cfg_parse_subnets(const struct cfg_row *r, void *base,
    const config_setting_t *s, const char *mp, struct cfg_ctx *ctx)
{
	struct config_subnet	**subsp = cfg_field(base, r->off);
	int			 *np = cfg_field(base, r->bin);
	const struct cfg_row	*e, *end = cfg_row_end(r, CFG_ROWS_END);
	const config_setting_t	*g;
	char			 ep[CFG_PATHLEN + 16];	/* mp + "[n]" */
	int			 i, n;

	if (!config_setting_is_list(s) &&
	    !(config_setting_is_array(s) && config_setting_length(s) == 0))
		return cfg_err(ctx, s, "%s: expected a list of groups", mp);
	n = config_setting_length(s);
	if (n > (int)r->max)
		return cfg_err(ctx, s, "%s: more than %d entries", mp,
		    (int)r->max);
	cfg_release(r, end, base);
	if ((*subsp = calloc(n > 0 ? (size_t)n : 1, sizeof(**subsp))) == NULL)
		return cfg_err(ctx, s, "%s", strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		g = config_setting_get_elem(s, (unsigned int)i);
		snprintf(ep, sizeof(ep), "%s[%d]", mp, i);
		/* The list's line: see cfg_parse_list(). */
		if (!config_setting_is_group(g))
			return cfg_err(ctx, s, "%s: expected a group", ep);
		(*np)++;
		if (cfg_defaults(r + 1, end, &(*subsp)[i]) == -1)
			return cfg_err(ctx, g, "%s", strerror(ENOMEM));
		if (cfg_walk(r + 1, end, &(*subsp)[i], g, r->path, ep,
		    ctx) == -1)
			return -1;
		for (e = r + 1; e < end; e++)
			if ((e->flags & CFG_F_REQUIRED) &&
			    config_setting_get_member(g, cfg_row_name(e)) ==
			    NULL)
				return cfg_err(ctx, g, "%s: missing \"%s\"",
				    ep, cfg_row_name(e));
		if (cfg_subnet_check(*subsp, i, g, mp, ep, ctx) == -1)
			return -1;
	}
	return 0;
}

/* Reads setting s into row r of base; mp is its path for messages. */
static int
cfg_parse_row(const struct cfg_row *r, void *base, const config_setting_t *s,
    const char *mp, struct cfg_ctx *ctx)
{
	const char	*v, *why;
	char		 esc[CFG_VALLEN], levels[64], *dup, **sp;
	long long	 ll;
	double		 d;
	uint32_t	 ip;
	int		 type = config_setting_type(s), i, prefix;

	switch (r->type) {
	case CFG_BOOL:
		if (type != CONFIG_TYPE_BOOL)
			return cfg_err(ctx, s, "%s: expected true or false",
			    mp);
		*(int *)cfg_field(base, r->off) = config_setting_get_bool(s);
		return 0;
	case CFG_INT:
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
			return cfg_err(ctx, s, "%s: expected an integer", mp);
		ll = config_setting_get_int64(s);
		if (ll < (long long)r->min || ll > (long long)r->max)
			return cfg_err(ctx, s, "%s: %lld is out of range "
			    "%lld..%lld", mp, ll, (long long)r->min,
			    (long long)r->max);
		*(int *)cfg_field(base, r->off) = (int)ll;
		return 0;
	case CFG_DOUBLE:
		/* libconfig will not convert an integer without asking. */
		if (type == CONFIG_TYPE_FLOAT)
			d = config_setting_get_float(s);
		else if (type == CONFIG_TYPE_INT ||
		    type == CONFIG_TYPE_INT64) {
			ll = config_setting_get_int64(s);
			d = (double)ll;
		} else
			return cfg_err(ctx, s, "%s: expected a number", mp);
		if (!(d >= r->min && d <= r->max))
			return cfg_err(ctx, s, "%s: %g is out of range %g..%g",
			    mp, d, r->min, r->max);
		*(double *)cfg_field(base, r->off) = d;
		return 0;
	case CFG_LOGLEVEL:
		if (type != CONFIG_TYPE_STRING)
			return cfg_err(ctx, s, "%s: expected a string", mp);
		v = config_setting_get_string(s);
		if ((i = log_level_parse(v)) == -1)
			return cfg_err(ctx, s, "%s: \"%s\" is not one of %s",
			    mp, cfg_esc(esc, sizeof(esc), v),
			    cfg_levels(levels, sizeof(levels)));
		*(int *)cfg_field(base, r->off) = i;
		return 0;
	case CFG_STR:
	case CFG_URL:
	case CFG_IP4:
	case CFG_CIDR:
		if (type != CONFIG_TYPE_STRING)
			return cfg_err(ctx, s, "%s: expected a string", mp);
		v = config_setting_get_string(s);
		if ((why = cfg_str_check(r, v, &ip, &prefix)) != NULL)
			return cfg_err(ctx, s, "%s: \"%s\" %s", mp,
			    cfg_esc(esc, sizeof(esc), v), why);
		if ((dup = strdup(v)) == NULL)
			return cfg_err(ctx, s, "%s", strerror(ENOMEM));
		sp = cfg_field(base, r->off);
		free(*sp);
		*sp = dup;
		if (r->type == CFG_IP4 || r->type == CFG_CIDR)
			*(uint32_t *)cfg_field(base, r->bin) = ip;
		if (r->type == CFG_CIDR)
			*(int *)cfg_field(base, r->bin2) = prefix;
		return 0;
	case CFG_IFLIST:
	case CFG_IP4LIST:
	case CFG_CIDRLIST:
		return cfg_parse_list(r, base, s, mp, ctx);
	case CFG_SUBNETS:
		return cfg_parse_subnets(r, base, s, mp, ctx);
	case CFG_GROUP:
		break;
	}
	return cfg_err(ctx, s, "%s: no parser for this setting", mp);
}

/*
 * Walks every member of group grp: each must be a row in first..last, found
 * by its dotted path below tp (table path); mp is the same path as messages
 * show it, with list indexes. Groups recurse, other rows are read.
 */
static int
cfg_walk(const struct cfg_row *first, const struct cfg_row *last, void *base,
    const config_setting_t *grp, const char *tp, const char *mp,
    struct cfg_ctx *ctx)
{
	const config_setting_t	*s;
	const struct cfg_row	*r;
	char			 ctp[CFG_PATHLEN], cmp[CFG_PATHLEN];
	int			 i, n;

	n = config_setting_length(grp);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(grp, (unsigned int)i);
		cfg_join(ctp, sizeof(ctp), tp, config_setting_name(s));
		cfg_join(cmp, sizeof(cmp), mp, config_setting_name(s));
		if ((r = cfg_row_find(first, last, ctp)) == NULL)
			return cfg_err(ctx, s, "unknown setting \"%s\"", cmp);
		if (r->type != CFG_GROUP) {
			if (cfg_parse_row(r, base, s, cmp, ctx) == -1)
				return -1;
			continue;
		}
		if (!config_setting_is_group(s))
			return cfg_err(ctx, s, "%s: expected a group", cmp);
		if (cfg_walk(r + 1, cfg_row_end(r, last), base, s, ctp, cmp,
		    ctx) == -1)
			return -1;
	}
	return 0;
}

/*
 * database.password_file: its first line, without the line end, becomes
 * database.password. Setting both is an error: which one would win is not
 * obvious to whoever reads the file.
 */
static int
cfg_password_file(struct bootd_config *cfg, const config_t *lc,
    struct cfg_ctx *ctx)
{
	const config_setting_t	*s;
	char			 buf[CFG_PASSMAX + 2], esc[CFG_VALLEN];
	char			 why[128], *nl, *pw;
	size_t			 n = 0, len;
	ssize_t			 r;
	int			 fd = -1, rc = -1;

	if (cfg->database.password_file[0] == '\0')
		return 0;
	s = config_lookup(lc, "database.password_file");
	cfg_esc(esc, sizeof(esc), cfg->database.password_file);
	if (cfg->database.password[0] != '\0') {
		cfg_err(ctx, s, "database.password_file: cannot be used "
		    "together with database.password");
		goto done;
	}
	/* A FIFO here must not hang a start or a reload: see safeopen.h. */
	if ((fd = safeopen(cfg->database.password_file, CFG_PASSFILE_MAX,
	    SAFEOPEN_FOLLOW, NULL, why, sizeof(why))) == -1) {
		cfg_err(ctx, s, "database.password_file: \"%s\": %s", esc,
		    why);
		goto done;
	}
	while (n < sizeof(buf)) {
		if ((r = read(fd, buf + n, sizeof(buf) - n)) == -1) {
			if (errno == EINTR)
				continue;
			cfg_err(ctx, s, "database.password_file: \"%s\": "
			    "read: %s", esc, strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	len = (nl = memchr(buf, '\n', n)) != NULL ? (size_t)(nl - buf) : n;
	if (len > CFG_PASSMAX) {
		cfg_err(ctx, s, "database.password_file: \"%s\": first line "
		    "is longer than %d bytes", esc, CFG_PASSMAX);
		goto done;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		cfg_err(ctx, s, "database.password_file: \"%s\": first line "
		    "is %s", esc, len == 0 ? "empty" : "not text");
		goto done;
	}
	if ((pw = strndup(buf, len)) == NULL) {
		cfg_err(ctx, s, "%s", strerror(ENOMEM));
		goto done;
	}
	free(cfg->database.password);
	cfg->database.password = pw;
	rc = 0;
done:
	explicit_bzero(buf, sizeof(buf));
	if (fd != -1)
		close(fd);
	return rc;
}

/* Builds a config from a parsed libconfig tree. NULL with ctx->err set. */
static struct bootd_config *
cfg_build(const config_t *lc, const char *name, struct cfg_ctx *ctx)
{
	struct bootd_config *cfg;

	if ((cfg = config_default()) == NULL)
		goto nomem;
	free(cfg->path);
	if ((cfg->path = strdup(name)) == NULL)
		goto nomem;
	if (cfg_walk(cfg_rows, CFG_ROWS_END, cfg, config_root_setting(lc),
	    "", "", ctx) == -1)
		goto fail;
	if (cfg_password_file(cfg, lc, ctx) == -1)
		goto fail;
	return cfg;
nomem:
	snprintf(ctx->err, ctx->errlen, "%s: %s", name, strerror(ENOMEM));
fail:
	config_free(cfg);
	return NULL;
}

/* A libconfig read error as "FILE:LINE: text", or "FILE: text". */
static void
cfg_read_err(const config_t *lc, struct cfg_ctx *ctx)
{
	const char *file = config_error_file(lc);

	if (file == NULL)
		file = ctx->name;
	if (config_error_line(lc) > 0)
		snprintf(ctx->err, ctx->errlen, "%s:%d: %s", file,
		    config_error_line(lc), config_error_text(lc));
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s", file,
		    config_error_text(lc));
}

struct bootd_config *
config_load(const char *path, char *err, size_t errlen)
{
	struct cfg_ctx		 ctx = { path, err, errlen };
	struct bootd_config	*cfg = NULL;
	config_t		 lc;
	char			 why[128], *text;
	size_t			 len;

	/*
	 * Read here, then parsed from memory: libconfig's own fopen() would
	 * block on a FIFO, and says only "file I/O error" when it fails.
	 */
	if ((text = safeopen_read(path, CFG_FILE_MAX, SAFEOPEN_FOLLOW, &len,
	    NULL, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: not a text file (NUL byte)", path);
		free(text);
		return NULL;
	}
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE)
		cfg_read_err(&lc, &ctx);
	else
		cfg = cfg_build(&lc, path, &ctx);
	config_destroy(&lc);
	free(text);
	return cfg;
}

struct bootd_config *
config_load_string(const char *text, const char *name, char *err,
    size_t errlen)
{
	struct cfg_ctx		 ctx = { name, err, errlen };
	struct bootd_config	*cfg = NULL;
	config_t		 lc;

	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE)
		cfg_read_err(&lc, &ctx);
	else
		cfg = cfg_build(&lc, name, &ctx);
	config_destroy(&lc);
	return cfg;
}

struct bootd_config *
config_default(void)
{
	struct bootd_config *cfg;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL)
		return NULL;
	if ((cfg->path = strdup("")) == NULL ||
	    cfg_defaults(cfg_rows, CFG_ROWS_END, cfg) == -1) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct bootd_config *cfg)
{
	if (cfg == NULL)
		return;
	cfg_release(cfg_rows, CFG_ROWS_END, cfg);
	free(cfg->path);
	free(cfg);
}

const struct config_subnet *
config_subnet_for(const struct bootd_config *cfg, uint32_t ip)
{
	int i;

	for (i = 0; i < cfg->dhcp.nsubnets; i++)
		if (addr_in_net(ip, cfg->dhcp.subnets[i].net,
		    cfg->dhcp.subnets[i].prefix))
			return &cfg->dhcp.subnets[i];
	return NULL;
}

int
config_is_admin(const struct bootd_config *cfg, uint32_t ip)
{
	int i;

	for (i = 0; i < cfg->http.admin_networks.n; i++)
		if (addr_in_net(ip, cfg->http.admin_nets[i].net,
		    cfg->http.admin_nets[i].prefix))
			return 1;
	return 0;
}

/* Private files and the TFTP root */

int
config_path_within(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return path[0] == '/';
	return strncmp(path, root, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

/* realpath() of the directory part of path ("." when it has none). */
static char *
cfg_realdir(const char *path, char *out)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return realpath(dir, out);
}

/* Appends "; " and one problem to err (bounded; cut when full). */
static void cfg_problem(char *, size_t, int, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static void
cfg_problem(char *err, size_t errlen, int nth, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 used;

	if (err == NULL || errlen == 0)
		return;
	if (nth == 0)
		err[0] = '\0';
	used = strlen(err);
	if (nth > 0 && used + 2 < errlen) {
		memcpy(err + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
}

/* ' (REAL)' when the setting's value is not already its real path. */
static const char *
cfg_real_note(char *buf, size_t len, const char *set, const char *real)
{
	if (strcmp(set, real) == 0)
		return "";
	snprintf(buf, len, " (%s)", real);
	return buf;
}

int
config_check_paths(const struct bootd_config *cfg, char *err, size_t errlen)
{
	const char	*rnote;
	char		 root[PATH_MAX], real[PATH_MAX], n1[PATH_MAX + 4];
	char		 n2[PATH_MAX + 4];
	int		 problems = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (cfg->paths.tftp_root[0] == '\0' ||
	    realpath(cfg->paths.tftp_root, root) == NULL)
		return 0;	/* nothing is served from it */
	rnote = cfg_real_note(n2, sizeof(n2), cfg->paths.tftp_root, root);
	if (cfg->paths.templates[0] != '\0' &&
	    realpath(cfg->paths.templates, real) != NULL &&
	    config_path_within(real, root))
		cfg_problem(err, errlen, problems++, "paths.templates \"%s\"%s "
		    "is inside paths.tftp_root \"%s\"%s: raw templates would "
		    "be served to anyone over TFTP and /files/",
		    cfg->paths.templates, cfg_real_note(n1, sizeof(n1),
		    cfg->paths.templates, real), cfg->paths.tftp_root, rnote);
	if (cfg->paths.cache[0] != '\0' &&
	    cfg_realdir(cfg->paths.cache, real) != NULL &&
	    config_path_within(real, root))
		cfg_problem(err, errlen, problems++, "paths.cache \"%s\" "
		    "(directory %s) is inside paths.tftp_root \"%s\"%s: the "
		    "inventory cache would be served to anyone over TFTP and "
		    "/files/", cfg->paths.cache, real, cfg->paths.tftp_root,
		    rnote);
	return problems;
}

/* Printing */

/* A libconfig string literal: quotes, backslashes and controls escaped. */
static void
cfg_put_str(FILE *fp, const char *s)
{
	unsigned char c;

	fputc('"', fp);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/*
 * The shortest text that reads back as exactly d, without an exponent for
 * everyday values, and with a decimal point so libconfig reads a float.
 */
static void
cfg_put_double(FILE *fp, double d)
{
	char	buf[64];
	double	v;
	int	prec;

	/* %g turns to an exponent when precision < integer digits. */
	for (prec = 1, v = d < 0 ? -d : d; v >= 10 && prec < 17; v /= 10)
		prec++;
	for (; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*g", prec, d);
	fputs(buf, fp);
	if (strpbrk(buf, ".eEin") == NULL)
		fputs(".0", fp);
}

static void
cfg_put_list(FILE *fp, const struct config_strlist *l)
{
	int i;

	fputs("[ ", fp);
	for (i = 0; i < l->n; i++) {
		cfg_put_str(fp, l->items[i]);
		fputs(i + 1 < l->n ? ", " : " ", fp);
	}
	fputc(']', fp);
}

static void
cfg_put_default(FILE *fp, const struct cfg_row *r)
{
	switch (r->type) {
	case CFG_BOOL:
		fputs(r->def != 0 ? "true" : "false", fp);
		break;
	case CFG_INT:
		fprintf(fp, "%d", (int)r->def);
		break;
	case CFG_DOUBLE:
		cfg_put_double(fp, r->def);
		break;
	case CFG_STR:
	case CFG_URL:
	case CFG_IP4:
	case CFG_CIDR:
	case CFG_LOGLEVEL:
		cfg_put_str(fp, r->sdef);
		break;
	case CFG_IFLIST:
	case CFG_IP4LIST:
	case CFG_CIDRLIST:
		fputs("[ ]", fp);
		break;
	case CFG_SUBNETS:
		fputs("( )", fp);
		break;
	case CFG_GROUP:
		break;
	}
}

/* Scalars and string lists; groups and subnets are cfg_print_rows' job. */
static void
cfg_put_value(const struct cfg_out *o, const struct cfg_row *r,
    const void *base)
{
	const void	*f = cfg_cfield(base, r->off);
	const char	*s;

	switch (r->type) {
	case CFG_BOOL:
		fputs(*(const int *)f ? "true" : "false", o->fp);
		break;
	case CFG_INT:
		fprintf(o->fp, "%d", *(const int *)f);
		break;
	case CFG_DOUBLE:
		cfg_put_double(o->fp, *(const double *)f);
		break;
	case CFG_LOGLEVEL:
		cfg_put_str(o->fp, log_level_name(*(const int *)f));
		break;
	case CFG_STR:
	case CFG_URL:
	case CFG_IP4:
	case CFG_CIDR:
		s = *(char *const *)f;
		/*
		 * A password read from password_file prints as "": the file
		 * is what was configured, and both set would not read back.
		 */
		if ((r->flags & CFG_F_SECRET) && base == o->cfg &&
		    o->cfg->database.password_file[0] != '\0')
			s = "";
		if ((r->flags & CFG_F_SECRET) && s[0] != '\0')
			s = "********";
		cfg_put_str(o->fp, s);
		break;
	case CFG_IFLIST:
	case CFG_IP4LIST:
	case CFG_CIDRLIST:
		cfg_put_list(o->fp, f);
		break;
	case CFG_SUBNETS:
	case CFG_GROUP:
		break;
	}
}

/* Starts a line at depth: indentation, and "# " when commented out. */
static void
cfg_lead(const struct cfg_out *o, int depth)
{
	if (o->hash < 0) {
		fprintf(o->fp, "%*s", depth * CFG_INDENT, "");
		return;
	}
	fprintf(o->fp, "%*s# %*s", o->hash * CFG_INDENT, "",
	    (depth - o->hash) * CFG_INDENT, "");
}

static void
cfg_blank(const struct cfg_out *o)
{
	if (o->hash < 0)
		fputc('\n', o->fp);
	else
		fprintf(o->fp, "%*s#\n", o->hash * CFG_INDENT, "");
}

/*
 * text as "# " comment lines at depth, wrapped at CFG_WIDTH columns; tail,
 * when not NULL, ends the text and is never broken.
 */
static void
cfg_put_comment(const struct cfg_out *o, int depth, const char *text,
    const char *tail)
{
	const char	*p = text, *sp;
	int		 width, col, wlen;

	width = CFG_WIDTH - depth * CFG_INDENT - 2 - (o->hash < 0 ? 0 : 2);
	col = -1;
	for (;;) {
		if (*p == '\0' && tail != NULL) {
			p = tail;
			tail = NULL;
			wlen = (int)strlen(p);
		} else if (*p == '\0')
			break;
		else {
			sp = strchr(p, ' ');
			wlen = sp != NULL ? (int)(sp - p) : (int)strlen(p);
		}
		if (col > 0 && col + 1 + wlen > width) {
			fputc('\n', o->fp);
			col = -1;
		}
		if (col < 0) {
			cfg_lead(o, depth);
			fputc('#', o->fp);
			col = 0;
		}
		fprintf(o->fp, " %.*s", wlen, p);
		col += (col > 0) + wlen;
		for (p += wlen; *p == ' '; p++)
			;
	}
	if (col >= 0)
		fputc('\n', o->fp);
}

/* r's doc comment: doc, range, and default (or "required"). */
static void
cfg_put_doc(const struct cfg_out *o, const struct cfg_row *r, int depth)
{
	char	 doc[CFG_DOCLEN], def[CFG_DOCLEN], levels[64];
	FILE	*m;

	if ((m = fmemopen(doc, sizeof(doc), "w")) == NULL) {
		cfg_put_comment(o, depth, r->doc, NULL);
		return;
	}
	fputs(r->doc, m);
	if (r->type == CFG_INT)
		fprintf(m, ", %d..%d", (int)r->min, (int)r->max);
	else if (r->type == CFG_DOUBLE)
		fprintf(m, ", %g..%g", r->min, r->max);
	else if (r->type == CFG_LOGLEVEL)
		fprintf(m, ": %s", cfg_levels(levels, sizeof(levels)));
	else if (cfg_is_list(r) || r->type == CFG_SUBNETS)
		fprintf(m, "; at most %d", (int)r->max);
	fclose(m);
	doc[sizeof(doc) - 1] = '\0';	/* fmemopen leaves a full one open */
	if (r->type == CFG_GROUP) {
		cfg_put_comment(o, depth, doc, NULL);
		return;
	}
	if ((m = fmemopen(def, sizeof(def), "w")) == NULL) {
		cfg_put_comment(o, depth, doc, NULL);
		return;
	}
	if (r->flags & CFG_F_REQUIRED)
		fputs("(required)", m);
	else {
		fputs("(default: ", m);
		cfg_put_default(m, r);
		fputc(')', m);
	}
	fclose(m);
	def[sizeof(def) - 1] = '\0';
	cfg_put_comment(o, depth, doc, def);
}

/* One element of dhcp.subnets, or the sample of one when base is NULL. */
static void
cfg_print_subnet(struct cfg_out *o, const struct cfg_row *r,
    const void *base, int depth, int last)
{
	cfg_lead(o, depth);
	fputs("{\n", o->fp);
	cfg_print_rows(o, r + 1, cfg_row_end(r, CFG_ROWS_END), base,
	    depth + 1, base == NULL);
	cfg_lead(o, depth);
	fputs(last ? "}\n" : "},\n", o->fp);
}

static void
cfg_print_subnets(struct cfg_out *o, const struct cfg_row *r,
    const void *base, int depth)
{
	struct config_subnet *const	*subsp = cfg_cfield(base, r->off);
	const int			*np = cfg_cfield(base, r->bin);
	int				 i, n = *np;
	const struct config_subnet	*subs = *subsp;

	if (n == 0 && o->docs && o->hash < 0) {
		/* Show the shape of a subnet, commented out. */
		o->hash = depth;
		cfg_lead(o, depth);
		fprintf(o->fp, "%s = (\n", cfg_row_name(r));
		cfg_print_subnet(o, r, NULL, depth + 1, 1);
		cfg_lead(o, depth);
		fputs(");\n", o->fp);
		o->hash = -1;
	}
	cfg_lead(o, depth);
	if (n == 0) {
		fprintf(o->fp, "%s = ( );\n", cfg_row_name(r));
		return;
	}
	fprintf(o->fp, "%s = (\n", cfg_row_name(r));
	for (i = 0; i < n; i++)
		cfg_print_subnet(o, r, &subs[i], depth + 1, i + 1 == n);
	cfg_lead(o, depth);
	fputs(");\n", o->fp);
}

/*
 * Prints rows first..last of base at depth. With sample set, base is NULL
 * and each row shows its example (or default) instead of a value.
 */
static void
cfg_print_rows(struct cfg_out *o, const struct cfg_row *first,
    const struct cfg_row *last, const void *base, int depth, int sample)
{
	const struct cfg_row	*r, *end;
	const char		*name;

	for (r = first; r < last; r = end) {
		end = r->type == CFG_GROUP || r->type == CFG_SUBNETS ?
		    cfg_row_end(r, last) : r + 1;
		name = cfg_row_name(r);
		if (r != first && (o->docs || depth == 0))
			cfg_blank(o);
		if (o->docs)
			cfg_put_doc(o, r, depth);
		if (r->type == CFG_GROUP) {
			cfg_lead(o, depth);
			fprintf(o->fp, "%s = {\n", name);
			cfg_print_rows(o, r + 1, end, base, depth + 1, sample);
			cfg_lead(o, depth);
			fputs("};\n", o->fp);
			continue;
		}
		if (r->type == CFG_SUBNETS) {
			cfg_print_subnets(o, r, base, depth);
			continue;
		}
		if (sample) {
			cfg_lead(o, depth);
			fprintf(o->fp, "%s = ", name);
			if (r->example != NULL)
				fputs(r->example, o->fp);
			else
				cfg_put_default(o->fp, r);
			fputs(";\n", o->fp);
			continue;
		}
		/* An empty list shows an example of its entries. */
		if (o->docs && r->example != NULL && cfg_is_list(r) &&
		    ((const struct config_strlist *)cfg_cfield(base,
		    r->off))->n == 0) {
			cfg_lead(o, depth);
			fprintf(o->fp, "# %s = %s;\n", name, r->example);
		}
		cfg_lead(o, depth);
		fprintf(o->fp, "%s = ", name);
		cfg_put_value(o, r, base);
		fputs(";\n", o->fp);
	}
}

void
config_print(const struct bootd_config *cfg, FILE *fp, int docs)
{
	struct cfg_out o = { fp, docs, -1, cfg };

	if (docs)
		fputs("# bootd configuration, in libconfig syntax.\n"
		    "#\n"
		    "# Every setting is optional; the comment above each one "
		    "gives its default.\n"
		    "# This text comes from the settings table in "
		    "bootd/config.c, so it lists\n"
		    "# exactly the settings that bootd knows.\n\n", fp);
	cfg_print_rows(&o, cfg_rows, CFG_ROWS_END, cfg, 0, 0);
}

/* Manual page */

/* len bytes of s as roff text: backslashes and hyphens escaped. */
static void
cfg_man_span(FILE *fp, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\')
			fputs("\\e", fp);
		else if (s[i] == '-')	/* a minus in paths and values */
			fputs("\\-", fp);
		else
			fputc(s[i], fp);
	}
}

/*
 * s as a roff text line, a leading "." or "'" guarded so that the line is
 * never read as a request.
 */
static void
cfg_man_text(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	cfg_man_span(fp, s, strlen(s));
}

/* What a value of r looks like, for "Type, range; default" lines. */
static void
cfg_man_kind(FILE *fp, const struct cfg_row *r)
{
	const char	*p, *bar;
	char		 levels[64];

	switch (r->type) {
	case CFG_BOOL:
		fputs("Boolean, true or false", fp);
		break;
	case CFG_INT:
		fprintf(fp, "Integer, %d to %d", (int)r->min, (int)r->max);
		break;
	case CFG_DOUBLE:
		fprintf(fp, "Number, %g to %g", r->min, r->max);
		break;
	case CFG_STR:
		if (r->choices == NULL) {
			fputs("String", fp);
			break;
		}
		fputs("One of ", fp);
		for (p = r->choices;; p = bar + 1) {
			bar = strchr(p, '|');
			fprintf(fp, "\"%.*s\"%s", bar != NULL ?
			    (int)(bar - p) : (int)strlen(p), p,
			    bar != NULL ? ", " : "");
			if (bar == NULL)
				break;
		}
		break;
	case CFG_URL:
		fputs("URL, or \"\"", fp);
		break;
	case CFG_IP4:
		fputs((r->flags & CFG_F_EMPTY) ? "IPv4 address, or \"\"" :
		    "IPv4 address", fp);
		break;
	case CFG_CIDR:
		fputs("Network in CIDR form", fp);
		break;
	case CFG_LOGLEVEL:
		fprintf(fp, "One of %s", cfg_levels(levels, sizeof(levels)));
		break;
	case CFG_IFLIST:
		fprintf(fp, "List of interface names, at most %d",
		    (int)r->max);
		break;
	case CFG_IP4LIST:
		fprintf(fp, "List of IPv4 addresses, at most %d", (int)r->max);
		break;
	case CFG_CIDRLIST:
		fprintf(fp, "List of networks, at most %d", (int)r->max);
		break;
	case CFG_SUBNETS:
		fprintf(fp, "List of groups, at most %d; each group holds the "
		    "settings below", (int)r->max);
		break;
	case CFG_GROUP:
		break;
	}
}

/*
 * A row's path as the manual names it: "dhcp.subnets.network" is
 * "dhcp.subnets[n].network", an element of the list.
 */
static void
cfg_man_path(FILE *fp, const struct cfg_row *r)
{
	const struct cfg_row	*g;
	size_t			 len;

	for (g = cfg_rows; g < r; g++) {
		len = strlen(g->path);
		if (g->type == CFG_SUBNETS &&
		    strncmp(r->path, g->path, len) == 0 &&
		    r->path[len] == '.') {
			fprintf(fp, "\\fB%.*s[\\fIn\\fB]", (int)len, r->path);
			cfg_man_span(fp, r->path + len, strlen(r->path + len));
			fputs("\\fR", fp);
			return;
		}
	}
	fputs("\\fB", fp);
	cfg_man_text(fp, r->path);
	fputs("\\fR", fp);
}

/*
 * A default or example value: escaped as text, its spaces unbreakable so
 * that "[ \"eth0\", \"eth1\" ]" stays on one line.
 */
static void
cfg_man_value(FILE *fp, const char *v)
{
	const char *sp;

	for (; (sp = strchr(v, ' ')) != NULL; v = sp + 1) {
		cfg_man_span(fp, v, (size_t)(sp - v));
		fputs("\\ ", fp);
	}
	cfg_man_span(fp, v, strlen(v));
}

/* One setting: .TP, its path, doc, kind, default and example. */
static void
cfg_man_row(FILE *fp, const struct cfg_row *r)
{
	char	*def = NULL;
	size_t	 len = 0;
	FILE	*m;

	fputs(".TP\n", fp);
	cfg_man_path(fp, r);
	fputc('\n', fp);
	cfg_man_text(fp, r->doc);
	fputs(".\n.br\n", fp);
	cfg_man_kind(fp, r);
	if (r->flags & CFG_F_REQUIRED)
		fputs("; required.", fp);
	else if (r->type == CFG_SUBNETS)
		fputc('.', fp);
	else if ((m = open_memstream(&def, &len)) != NULL) {
		cfg_put_default(m, r);
		if (fclose(m) == 0) {
			fputs("; default ", fp);
			cfg_man_value(fp, def);
			fputc('.', fp);
		}
		free(def);
	}
	if (r->example != NULL) {
		fputs(" Example: ", fp);
		cfg_man_value(fp, r->example);
		fputc('.', fp);
	}
	fputc('\n', fp);
}

void
config_print_man(FILE *fp)
{
	const struct cfg_row *r;

	fputs(".\\\" Generated by `bootd --man-config' from the settings "
	    "table in bootd/config.c;\n"
	    ".\\\" do not edit: a unit test keeps this file identical to "
	    "what the table prints.\n"
	    ".TH BOOTD.CONF 5 \"\" bootd \"File Formats Manual\"\n"
	    ".SH NAME\n"
	    "bootd.conf \\- configuration file of the bootd network\\-boot "
	    "server\n"
	    ".SH SYNOPSIS\n"
	    ".I " CONFIG_DEFAULT_PATH "\n"
	    ".SH DESCRIPTION\n"
	    ".BR bootd (8)\n"
	    "reads one file in libconfig syntax: groups in braces, "
	    "settings as\n"
	    "\\fIname\\fR = \\fIvalue\\fR;\n"
	    "strings in double quotes, lists in brackets, lists of groups in "
	    "parentheses.\n"
	    "Every setting is optional and has the default given below.\n"
	    "A missing file, a syntax error, an unknown setting, a value of "
	    "the wrong type\n"
	    "or out of range is an error that names the file, line and "
	    "setting;\n"
	    ".B bootd check\n"
	    "reports it, and a reload (SIGHUP) that meets it keeps the old "
	    "configuration.\n"
	    ".PP\n"
	    "Below, a dotted name stands for a setting inside its groups:\n"
	    ".B tftp.port\n"
	    "is written\n"
	    ".BR \"tftp = { port = 69; };\" .\n"
	    "The settings are those of the table that bootd itself reads, "
	    "and\n"
	    ".B bootd \\-\\-example\\-config\n"
	    "prints the same list as a configuration file.\n"
	    ".SH SETTINGS\n", fp);
	for (r = cfg_rows; r < CFG_ROWS_END; r++) {
		if (r->type != CFG_GROUP) {
			cfg_man_row(fp, r);
			continue;
		}
		fputs(".SS ", fp);
		cfg_man_text(fp, r->path);
		fputc('\n', fp);
		cfg_man_text(fp, r->doc);
		fputs(".\n", fp);
	}
	fputs(".SH EXAMPLE\n"
	    "A site that serves DHCP itself on one subnet, with the "
	    "database password in\n"
	    "a file that only root and the bootd group can read:\n"
	    ".PP\n"
	    ".nf\n"
	    ".RS\n"
	    "database = { socket = \"/run/mysqld/mysqld.sock\";\n"
	    "             password_file = \"/etc/bootd/db\\-password\"; };\n"
	    "http = { admin_networks = [ \"10.0.0.0/24\" ]; };\n"
	    "dhcp = { enabled = true;\n"
	    "         subnets = ( { network = \"10.0.0.0/24\"; "
	    "router = \"10.0.0.1\";\n"
	    "                       dns = [ \"10.0.0.1\" ]; } ); };\n"
	    ".RE\n"
	    ".fi\n"
	    ".SH FILES\n"
	    ".TP\n"
	    ".I " CONFIG_DEFAULT_PATH "\n"
	    "The configuration file;\n"
	    ".B \\-\\-config\n"
	    "names another.\n"
	    ".SH SEE ALSO\n"
	    ".BR bootd (8)\n", fp);
}
