/* SPDX-License-Identifier: ISC */
/*
 * config: the settings table, libconfig parsing into an immutable
 * struct bootd_config, validation, and printing (example config, --print).
 * Pure apart from reading the config file and password_file (through
 * safeopen: a FIFO there is an error, not a hang) and the realpath()s of
 * config_check_paths(); never logs.
 */
#ifndef BOOTD_CONFIG_H
#define BOOTD_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#define CONFIG_ERRLEN		512
#define CONFIG_MAX_DNS		8
#define CONFIG_MAX_LIST		64	/* string list entries, subnets */
#define CONFIG_DEFAULT_PATH	"/etc/bootd/bootd.conf"

/* Lists of strings: items[] are owned by the config. */
struct config_strlist {
	char	**items;
	int	  n;
};

struct config_subnet {
	char		*network;	/* as written, "10.0.0.0/24" */
	uint32_t	 net;		/* host byte order */
	int		 prefix;
	char		*router;	/* "" when none */
	uint32_t	 router_ip;	/* 0 when none */
	struct config_strlist dns;
	uint32_t	 dns_ip[CONFIG_MAX_DNS];
	char		*domain;
	int		 lease_time;	/* seconds */
};

struct config_cidr {
	uint32_t	 net;
	int		 prefix;
};

/*
 * Every string is non-NULL ("" when unset). Immutable after config_load();
 * a reload builds a new one and swaps it in.
 */
struct bootd_config {
	char	*path;			/* file it was read from */
	struct {
		char	*host;
		int	 port;
		char	*socket;
		char	*user;
		char	*password;	/* from password_file when that is set */
		char	*password_file;
		char	*name;
		double	 poll_interval;	/* seconds */
		double	 retry_max;	/* cap of reconnect backoff, seconds */
		int	 connect_timeout; /* seconds */
	} database;
	struct {
		int	 events_days;	/* 0 = keep */
		int	 events_rows;
		int	 discovered_days;
		int	 discovered_rows;
		double	 interval;	/* seconds between rounds */
	} retention;
	struct {
		char	*tftp_root;
		char	*templates;
		char	*cache;
	} paths;
	struct {
		int	 enabled;
		char	*listen;
		uint32_t listen_ip;	/* host order; 0 = any */
		int	 port;
		int	 max_transfers;
		int	 max_per_client;
		int	 max_blksize;
		int	 max_windowsize;
		int	 timeout_ms;
		int	 retries;
		int	 max_timeout;	/* s: RFC 2349 option cap */
		int	 first_ack_timeout; /* seconds */
		int	 stall_timeout;	/* seconds without progress */
		char	*io_uring;	/* "auto" or "off" */
		int	 menu_timeout;	/* tenths of a second */
		struct {
			int	 max_blksize;	/* 0 = no limit */
			int	 max_windowsize;
		} bios, efi;
		char	*default_menu;	/* "local" or "menu" */
		char	*autoexec_default;	/* URL, or "" = exit */
	} tftp;
	struct {
		int	 enabled;
		char	*listen;
		uint32_t listen_ip;	/* host order; 0 = any */
		int	 port;
		char	*public_url;	/* "" = http://<listen>:<port> */
		int	 max_connections;
		int	 max_per_client;
		int	 request_timeout;	/* seconds */
		struct config_strlist admin_networks;
		struct config_cidr admin_nets[CONFIG_MAX_LIST];
	} http;
	struct {
		int	 enabled;
		char	*listen;
		uint32_t listen_ip;	/* host order; 0 = any */
		int	 port;
		struct config_strlist interfaces;
		char	*next_server;	/* "" when none */
		uint32_t next_server_ip; /* host order; 0 when none */
		struct {
			char	*bios;
			char	*efi64;
			char	*efi64_http;	/* "" = efi64 */
			char	*arm64;
			char	*ipxe;
		} bootfile;
		struct config_subnet *subnets;
		int	 nsubnets;
	} dhcp;
	struct {
		char	*format;	/* "", "isc", "kea", "dnsmasq" */
		char	*output;
		char	*reload_command;
	} dhcpgen;
	struct {
		int	 events_kept;	/* boot events kept in memory */
		int	 discovered_kept;	/* discovered MACs in memory */
		int	 stall_timeout;	/* seconds; 0 = never stalled */
	} status;
	struct {
		int	 per_host;	/* per-host series in /metrics */
	} metrics;
	struct {
		char	*user;		/* run as; looked up at start */
		char	*group;		/* "" = the user's login group */
	} process;
	struct {
		int	 level;		/* enum log_level */
		int	 syslog;
	} log;
};

/*
 * Reads and validates the libconfig file at path. Returns a new config
 * (release with config_free()) or NULL with err filled as
 * "FILE:LINE: text" (or "FILE: text" when no line applies): missing file,
 * syntax error, unknown key, wrong type, value out of range, bad address,
 * unreadable password_file. Both files are opened with safeopen() (symlinks
 * followed): "FILE: not a regular file (fifo)", "too large (N bytes, limit
 * M)"; the config file is at most 4 MiB, password_file 64 KiB.
 */
struct bootd_config *config_load(const char *path, char *err, size_t errlen);

/* Same as config_load() on text in memory; name is used in messages. */
struct bootd_config *config_load_string(const char *text, const char *name,
	    char *err, size_t errlen);

/* All defaults. Never NULL except on ENOMEM. */
struct bootd_config *config_default(void);

/* Accepts NULL. */
void	config_free(struct bootd_config *cfg);

/*
 * Prints cfg in libconfig syntax, every setting with its value (the password
 * as "********" when set, and as "" when it came from password_file, so the
 * output reads back). With docs != 0, each setting is preceded by its doc
 * line and default: this is how bootd.conf.example is made.
 */
void	config_print(const struct bootd_config *cfg, FILE *fp, int docs);

/*
 * Prints the manual page bootd.conf(5) in roff: every row of the settings
 * table with its doc line, kind, range, default and example, in table
 * order. man/bootd.conf.5 is this output, kept identical by a unit test.
 */
void	config_print_man(FILE *fp);

/* The configured subnet holding ip (host order), or NULL. Borrowed. */
const struct config_subnet *config_subnet_for(const struct bootd_config *cfg,
	    uint32_t ip);

/* Non-zero when ip (host order) lies in one of http.admin_networks. */
int	config_is_admin(const struct bootd_config *cfg, uint32_t ip);

/*
 * Checks that nothing bootd keeps private lies where TFTP and HTTP /files/
 * serve anyone: paths.templates (raw templates may hold password hashes)
 * and the directory of paths.cache (the whole inventory) must be neither
 * paths.tftp_root nor below it. Compares realpath()s, so symlinks and ".."
 * hide nothing; a path that does not resolve (not made yet) is not checked.
 * Serve, SIGHUP reload and `bootd check` all call it. Returns the number
 * of problems (0, 1 or 2), with err (may be NULL when errlen is 0) set to
 * them joined by "; ", each naming both settings:
 * 'paths.templates "/srv/tftp/t" is inside paths.tftp_root "/srv/tftp":
 * raw templates would be served to anyone over TFTP and /files/'.
 */
int	config_check_paths(const struct bootd_config *cfg, char *err,
	    size_t errlen);

/*
 * Non-zero when path is root or lies below it. Both are canonical
 * absolute paths (as from realpath(): no "..", no trailing "/" but for
 * "/" itself). Pure.
 */
int	config_path_within(const char *path, const char *root);

#endif
