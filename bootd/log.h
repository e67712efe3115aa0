/* SPDX-License-Identifier: ISC */
/*
 * log: the one logging API. Levels are tested before formatting; lines go to
 * stderr in the foreground or syslog. Each line starts with its subsystem
 * ("db: ", "tftp: "). Peer strings must go through log_sanitise() first.
 */
#ifndef BOOTD_LOG_H
#define BOOTD_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_MAX
};

extern int log_cur_level;	/* read-mostly; set by log_init/log_set_level */

/* Starts logging; to syslog when use_syslog, else stderr. */
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
 * Copies src (srclen bytes, may hold anything) into dst (dstlen >= 1) with
 * non-printable bytes, quotes and backslashes escaped as \xNN; truncates with
 * "..." and always NUL-terminates. Returns dst.
 */
char	*log_sanitise(char *dst, size_t dstlen, const char *src, size_t srclen);

#endif
