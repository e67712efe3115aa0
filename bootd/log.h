/* SPDX-License-Identifier: ISC */
/*
 * log: the one logging API. Levels are tested before formatting; lines go to
 * stderr in the foreground or syslog. Each line starts with its subsystem
 * ("db: ", "tftp: "). Peer strings must go through log_sanitise() first.
 */
#ifndef BOOTD_LOG_H
#define BOOTD_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_MAX
};

extern int log_cur_level;	/* read-mostly; set by log_init/log_set_level */

/*
 * Starts logging; to syslog when use_syslog, else stderr. Errors go to
 * stderr in both cases. Lines on a stderr that is the systemd journal
 * (JOURNAL_STREAM matches it) start with "<N>" (syslog priority), no time.
 */
void	log_init(int level, int use_syslog, const char *ident);
void	log_set_level(int level);
/* "error", "warn", "info", "debug" -> level, or -1. */
int	log_level_parse(const char *name);
const char *log_level_name(int level);

void	log_emit(int level, int with_errno, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#define log_warn(...)	do { if (log_cur_level >= LOG_LVL_WARN) \
	log_emit(LOG_LVL_WARN, 1, __VA_ARGS__); } while (0)
#define log_warnx(...)	do { if (log_cur_level >= LOG_LVL_WARN) \
	log_emit(LOG_LVL_WARN, 0, __VA_ARGS__); } while (0)
#define log_info(...)	do { if (log_cur_level >= LOG_LVL_INFO) \
	log_emit(LOG_LVL_INFO, 0, __VA_ARGS__); } while (0)
#define log_debug(...)	do { if (log_cur_level >= LOG_LVL_DEBUG) \
	log_emit(LOG_LVL_DEBUG, 0, __VA_ARGS__); } while (0)

/*
 * Lines a peer can trigger (a refused request, a malformed packet, a
 * failed accept): through one limiter, at most one line per key per
 * LOG_PEER_INTERVAL_MS and LOG_PEER_RATE lines a second over all keys
 * (bursts of LOG_PEER_BURST), so no flood writes more than a few hundred
 * kilobytes of log a minute. A line written after suppressed ones of its
 * key ends with "(N more like it suppressed)". key is a static string
 * compared by address: the log_peer_* macros use the call site, the
 * _keyed forms a reason string, so each reason has its own slot.
 * Thread-safe. Nothing is formatted for a suppressed line.
 */
#define LOG_PEER_INTERVAL_MS	1000
#define LOG_PEER_RATE		10
#define LOG_PEER_BURST		40

void	log_peer_emit(int level, const void *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The record of an exchange a peer starts (a DHCP ACK, a TFTP transfer
 * done): every one is worth a line while they come at a site's pace, so no
 * per-key interval, but a flood is bounded by its own budget of
 * LOG_NOTE_RATE lines a second (bursts of LOG_NOTE_BURST). A line after
 * suppressed ones of its call site says how many.
 */
#define LOG_NOTE_RATE		50
#define LOG_NOTE_BURST		200

void	log_note_emit(int level, const void *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Lines held back by the limiter since start. */
uint64_t log_peer_suppressed(void);

#define LOG_STR_(x)	#x
#define LOG_STR(x)	LOG_STR_(x)
#define LOG_SITE	(__FILE__ ":" LOG_STR(__LINE__))

#define log_peer_warnx(...)	do { if (log_cur_level >= LOG_LVL_WARN) \
	log_peer_emit(LOG_LVL_WARN, LOG_SITE, __VA_ARGS__); } while (0)
#define log_peer_info(...)	do { if (log_cur_level >= LOG_LVL_INFO) \
	log_peer_emit(LOG_LVL_INFO, LOG_SITE, __VA_ARGS__); } while (0)
#define log_note_info(...)	do { if (log_cur_level >= LOG_LVL_INFO) \
	log_note_emit(LOG_LVL_INFO, LOG_SITE, __VA_ARGS__); } while (0)
/* A peer's packet traced at debug level: the same budget as the notes. */
#define log_note_debug(...)	do { if (log_cur_level >= LOG_LVL_DEBUG) \
	log_note_emit(LOG_LVL_DEBUG, LOG_SITE, __VA_ARGS__); } while (0)
#define log_peer_keyed_warnx(key, ...)	do { \
	if (log_cur_level >= LOG_LVL_WARN) \
		log_peer_emit(LOG_LVL_WARN, (key), __VA_ARGS__); } while (0)
#define log_peer_keyed_info(key, ...)	do { \
	if (log_cur_level >= LOG_LVL_INFO) \
		log_peer_emit(LOG_LVL_INFO, (key), __VA_ARGS__); } while (0)

/*
 * Copies src (srclen bytes, may hold anything) into dst (dstlen >= 1) with
 * non-printable bytes, quotes and backslashes escaped as \xNN; truncates with
 * "..." and always NUL-terminates. Returns dst.
 */
char	*log_sanitise(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
