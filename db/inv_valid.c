/* SPDX-License-Identifier: ISC */
/*
 * inv_valid: the checks of single cells (flags, numbers, hostnames,
 * profile and variable names, NUL bytes, sizes) and the quoting of values
 * in reject lines. Which variable names are reserved is the template
 * side's to say (struct inv_build_opts). Pure.
 */
#include <string.h>

#include "db/inv_priv.h"

/* "0" / "1"; NULL gives def. Returns 0 or -1. */
int
inv_parse01(const char *s, size_t len, int def, int *out)
{
	if (s == NULL) {
		*out = def;
		return 0;
	}
	if (len != 1 || (s[0] != '0' && s[0] != '1'))
		return -1;
	*out = s[0] - '0';
	return 0;
}

/* Decimal min..max (at most 10 digits); NULL gives 0. Returns 0 or -1. */
int
inv_parse_range(const char *s, size_t len, int min, int max, int *out)
{
	uint64_t v = 0;
	size_t	 i;

	if (s == NULL) {
		*out = 0;
		return 0;
	}
	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < (uint64_t)min || v > (uint64_t)max)
		return -1;
	*out = (int)v;
	return 0;
}

/* RFC 1123 §2.1 hostname; NULL when valid, else what is wrong. */
const char *
inv_hostname_why(const char *s, size_t len)
{
	size_t	 i, lab = 0;
	int	 c;

	if (len > INV_NAME_MAX)
		return "longer than 253 bytes";
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (lab == 0)
				return "empty label";
			if (s[i - 1] == '-')
				return "label ends with '-'";
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return "invalid character";
		if (lab == 0 && c == '-')
			return "label starts with '-'";
		if (++lab > 63)
			return "label longer than 63 bytes";
	}
	if (lab == 0)
		return "empty label";
	if (s[len - 1] == '-')
		return "label ends with '-'";
	return NULL;
}

int
inv_profile_name_ok(const char *s, size_t len)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

int
inv_var_name_ok(const char *s, size_t len)
{
	size_t	 i;
	int	 c;

	if (len == 0 || len > INV_VAR_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || (i > 0 && c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

int
inv_var_name_reserved(const char *name, const char *const *reserved)
{
	for (; reserved != NULL && *reserved != NULL; reserved++)
		if (name[0] == (*reserved)[0] && strcmp(name, *reserved) == 0)
			return 1;
	return 0;
}

int
inv_bad_cell(const struct inv_rows *rows, enum inv_table_id t, size_t r,
    int c0, int *toolong)
{
	const char	*s;
	size_t		 len;
	int		 c;

	for (c = c0; c < inv_ncols[t]; c++) {
		if ((s = inv_rows_cell(rows, t, r, c, &len)) == NULL)
			continue;
		if (len > INV_VALUE_MAX) {
			*toolong = 1;
			return c;
		}
		if (memchr(s, '\0', len) != NULL) {
			*toolong = 0;
			return c;
		}
	}
	return -1;
}

/*
 * Quotes a value for a reject line: `"` and `\` escaped, other bytes outside
 * printable ASCII as \xNN, at most ESC_MAX bytes and then "...".
 */
const char *
inv_esc(char buf[ESC_BUFSZ], const char *s, size_t len)
{
	escape_bytes(buf, ESC_BUFSZ, s, len, ESC_MAX, ESCAPE_QUOTES);
	return buf;
}
