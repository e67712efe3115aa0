/* SPDX-License-Identifier: ISC */
/*
 * inventory: raw rows as loaded from the DB (or the cache file) are validated
 * row by row into an immutable, refcounted snapshot indexed by MAC, IPv4 and
 * hostname, with each dom0's guests. Pure: no I/O, no logging, no clock.
 * Bad rows become rejects with a reason naming the row; good rows still serve.
 */
#ifndef BOOTD_INVENTORY_H
#define BOOTD_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "bootd/addr.h"

/* Column order of each raw table: db_load SELECTs in exactly this order. */
enum inv_table_id {
	INV_T_PROFILES,
	INV_T_HOSTS,
	INV_T_VARS,
	INV_T_MAX
};

enum inv_profile_col {
	INV_P_NAME, INV_P_KIND, INV_P_KERNEL, INV_P_INITRD, INV_P_APPEND,
	INV_P_KICKSTART, INV_P_MENU_LABEL, INV_P_SELECTABLE,
	INV_P_BOOTFILE_BIOS, INV_P_BOOTFILE_EFI64, INV_P_BOOTFILE_ARM64,
	INV_P_BOOTFILE_IPXE,	/* bootfile_<inv_boot_names[b]>, enum order */
	INV_P_STALL_TIMEOUT,
	INV_P_NCOLS
};

enum inv_host_col {
	INV_H_HOSTNAME, INV_H_MAC, INV_H_IP, INV_H_PROFILE, INV_H_ENABLED,
	INV_H_BUILD, INV_H_DOM0, INV_H_VDISK, INV_H_MEMORY_MB, INV_H_VCPUS,
	INV_H_UPDATED_AT,
	INV_H_NCOLS
};

enum inv_var_col {
	INV_V_HOSTNAME, INV_V_NAME, INV_V_VALUE,
	INV_V_NCOLS
};

/* Column names, by table and column, as in the SQL schema. */
extern const char *const *const inv_col_names[INV_T_MAX];
extern const int inv_ncols[INV_T_MAX];
extern const char *const inv_table_names[INV_T_MAX];

/* Limits on what a row may hold; longer values reject the row. */
#define INV_NAME_MAX		253	/* hostnames (RFC 1123), profile names */
#define INV_VALUE_MAX		65536	/* any other cell */
#define INV_VAR_NAME_MAX	64	/* host_vars.name */
#define INV_MEMORY_MB_MAX	16777216
#define INV_VCPUS_MAX		4096
#define INV_ROWS_MAX		(UINT32_MAX - 2)	/* rows per table */
/*
 * A profile's boot file override, as stored: it must fit the BOOTP file
 * field (128 bytes with its NUL, RFC 951), which BIOS PXE ROMs read, and
 * which every dhcpgen format writes it within. bootfile_ipxe may grow past
 * it by its {{placeholders}}: iPXE reads option 67, up to 254 bytes.
 */
#define INV_BOOTFILE_MAX	127
/* A profile's stall_timeout, seconds (a year). */
#define INV_STALL_MAX		31536000

/* Raw rows: opaque; cells are byte strings, NULL for SQL NULL. */
struct inv_rows;

/* Returns an empty set of rows, or NULL on ENOMEM. */
struct inv_rows *inv_rows_new(uint64_t generation);
/* Accepts NULL. */
void	 inv_rows_free(struct inv_rows *rows);
uint64_t inv_rows_generation(const struct inv_rows *rows);
void	 inv_rows_set_generation(struct inv_rows *rows, uint64_t generation);
size_t	 inv_rows_count(const struct inv_rows *rows, enum inv_table_id t);

/*
 * Appends one row to table t: inv_ncols[t] cells, cells[i] NULL for SQL
 * NULL, else lens[i] bytes (may hold NULs, which reject the row later).
 * lens == NULL means strlen() of each cell. Copies everything (the copy is
 * NUL-terminated). Returns 0, or -1 on ENOMEM (EOVERFLOW past
 * INV_ROWS_MAX rows or for a cell of 4 GiB or more).
 */
int	 inv_rows_add(struct inv_rows *rows, enum inv_table_id t,
	    const char *const *cells, const size_t *lens);

/* Makes room for n more rows in table t. Returns 0, or -1 as above. */
int	 inv_rows_reserve(struct inv_rows *rows, enum inv_table_id t,
	    size_t n);

/* Cell r, c of table t: NULL for SQL NULL; *len set when len != NULL. */
const char *inv_rows_cell(const struct inv_rows *rows, enum inv_table_id t,
	    size_t r, int c, size_t *len);

enum inv_kind {
	INV_KIND_DISKLESS,
	INV_KIND_INSTALL,
	INV_KIND_LOCAL,
	INV_KIND_MAX
};

extern const char *const inv_kind_names[INV_KIND_MAX];

/*
 * The boot file rules a profile may override (RFC 4578 §2.1 option 93; the
 * "iPXE" user class). UEFI HTTP boot (arch 16, 19) uses the efi64 and
 * arm64 ones as a URL.
 */
enum inv_boot {
	INV_BOOT_BIOS,
	INV_BOOT_EFI64,
	INV_BOOT_ARM64,
	INV_BOOT_IPXE,
	INV_BOOT_MAX
};

/* "bios", "efi64", "arm64", "ipxe": as in bootfile_<name>, dhcp.bootfile. */
extern const char *const inv_boot_names[INV_BOOT_MAX];

struct inv_var {
	const char	*name;
	const char	*value;
};

struct inv_profile {
	const char	*name;
	enum inv_kind	 kind;
	const char	*kernel;	/* "" when NULL in the DB */
	const char	*initrd;
	const char	*append;	/* a template */
	const char	*kickstart;	/* template file under paths.templates */
	const char	*menu_label;	/* defaults to name */
	int		 selectable;
	/* Overrides of dhcp.bootfile.<inv_boot_names[b]>; "" = none. */
	const char	*bootfile[INV_BOOT_MAX];
	/* Seconds from a boot's start to install-done before the host is
	 * stalled; 0 = never; -1 = NULL, the setting status.stall_timeout. */
	int		 stall_timeout;
};

struct inv_host {
	const char	*hostname;
	uint8_t		 mac[ADDR_MAC_LEN];
	char		 macstr[ADDR_MAC_STRLEN];	/* canonical */
	uint32_t	 ip;				/* host order */
	char		 ipstr[ADDR_IP4_STRLEN];
	const struct inv_profile *profile;
	int		 enabled;
	int		 build;
	const char	*dom0_name;	/* "" when not a guest */
	const struct inv_host *dom0;	/* NULL when not a guest */
	const char	*vdisk;		/* "" when NULL */
	int		 memory_mb;	/* 0 when NULL */
	int		 vcpus;		/* 0 when NULL */
	const char	*updated_at;	/* as the DB printed it; "" when NULL */
	const struct inv_var *vars;	/* host_vars, sorted by name */
	size_t		 nvars;
	const struct inv_host *const *guests;	/* sorted by hostname */
	size_t		 nguests;
};

struct inv_snapshot {
	uint64_t	 generation;
	const struct inv_profile *profiles;	/* sorted by name */
	size_t		 nprofiles;
	const struct inv_host *hosts;		/* sorted by hostname */
	size_t		 nhosts;
	const char *const *rejects;	/* one line per rejected row */
	size_t		 nrejects;
	/* private below: refcount, indexes, arena */
	struct inv_priv	*priv;
};

/* What the caller adds to the checks of inv_build_with(). */
struct inv_build_opts {
	/*
	 * Names a host_var may not take, because the template side defines
	 * them for every host (kickstart's ks_vars_reserved; the inventory
	 * does not know them): NULL-terminated, borrowed for the call. A
	 * host_var of such a name is rejected ("shadows a built-in
	 * variable"). NULL: none.
	 */
	const char *const *reserved_vars;
};

/*
 * Validates rows into a new snapshot with refcount 1 (release with
 * inv_unref()). Never fails on bad data: each bad row becomes a reject line
 * such as `hosts "web7": malformed MAC "zz:00:..."`. Returns NULL only on
 * ENOMEM. rows stays owned by the caller and may be freed afterwards; opts
 * (NULL for none) is borrowed for the call.
 *
 * A reject names its row by key (`profiles "x"`, `hosts "x"`,
 * `host_vars "host"."name"`, values escaped and cut at 64 bytes), or as
 * `hosts row 3` (1-based) when the key is NULL or empty. Rejects come in
 * table order (profiles, hosts, host_vars), then row order. A MAC, IP or
 * hostname (case-insensitive) claimed by several rows rejects every one of
 * them, even when another claimant is bad for some other reason.
 */
struct inv_snapshot *inv_build_with(const struct inv_rows *rows,
	    const struct inv_build_opts *opts);

/* inv_build_with(rows, NULL): no variable name reserved. */
struct inv_snapshot *inv_build(const struct inv_rows *rows);

/* Refcounting; safe across threads. inv_unref() accepts NULL. */
struct inv_snapshot *inv_ref(struct inv_snapshot *snap);
void	inv_unref(struct inv_snapshot *snap);

/*
 * Lookups: NULL when absent. Results borrowed while the snapshot is held.
 * Hostnames match ASCII case-insensitively (RFC 4343), as hosts and guests
 * are sorted; profile and variable names match exactly.
 */
const struct inv_host *inv_by_mac(const struct inv_snapshot *snap,
	    const uint8_t mac[ADDR_MAC_LEN]);
const struct inv_host *inv_by_ip(const struct inv_snapshot *snap, uint32_t ip);
const struct inv_host *inv_by_name(const struct inv_snapshot *snap,
	    const char *hostname);
const struct inv_profile *inv_profile_by_name(const struct inv_snapshot *snap,
	    const char *name);
/* The value of host_var name, or NULL. */
const char *inv_var_get(const struct inv_host *host, const char *name);

#endif
