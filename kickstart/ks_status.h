/* SPDX-License-Identifier: ISC */
/*
 * ks_status: the form body of POST /status/<host>, the boot progress an
 * installer reports (application/x-www-form-urlencoded, "stage=...&
 * detail=..."). Pure: no I/O, no libevent, no logging; a refusal returns a
 * code and a static reason string, which the HTTP handler logs and maps.
 */
#ifndef BOOTD_KS_STATUS_H
#define BOOTD_KS_STATUS_H

#include <stddef.h>

#define KS_STATUS_MAX		2048	/* bytes of a POST /status body */
#define KS_STATUS_STAGE_MAX	31	/* boot_events.stage, without NUL */
#define KS_STATUS_DETAIL_MAX	255	/* boot_events.detail, without NUL */

enum ks_status_rc {
	KS_STATUS_OK = 0,
	KS_STATUS_ETOOLARGE,	/* body over KS_STATUS_MAX bytes (413) */
	KS_STATUS_EINVAL	/* malformed or refused (400) */
};

/* A parsed status report: both strings NUL-terminated, decoded. */
struct ks_status {
	char	stage[KS_STATUS_STAGE_MAX + 1];	/* [a-z0-9-]{1,31} */
	char	detail[KS_STATUS_DETAIL_MAX + 1]; /* "" when not sent */
};

/*
 * Parses the len bytes at body (borrowed; need not be NUL-terminated; read
 * only when len <= KS_STATUS_MAX, so NULL is fine when len is 0 or too
 * large) as a form: fields split on '&' (empty ones skipped, as in a
 * trailing '&'), each name=value with a non-empty name, '+' a space and
 * %XX a byte (WHATWG URL standard, application/x-www-form-urlencoded).
 * Fields: stage (required) is 1 to 31 of a-z 0-9 -; detail (optional) at
 * most 255 bytes once decoded, no control byte but tab; others are ignored
 * but must be well-formed too. Refused: a NUL byte, raw or as %00; a '%'
 * without two hex digits; a field without '='; stage or detail twice (which
 * one would count is a guess). Names match exactly (case matters).
 *
 * Returns KS_STATUS_OK with *out filled and *why NULL, or another
 * ks_status_rc with *why a static reason (*out then holds no meaning).
 */
enum ks_status_rc ks_status_parse(const char *body, size_t len,
	    struct ks_status *out, const char **why);

#endif
