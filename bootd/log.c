/* SPDX-License-Identifier: ISC */
/*
 * log: level-filtered logging to stderr or syslog, and escaping of peer data.
 * Errors go to stderr even with syslog on, so a fatal one is never lost
 * with the syslog socket. When stderr is the systemd journal
 * (JOURNAL_STREAM), lines carry a <N> priority prefix and no timestamp.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bootd/clock.h"
#include "bootd/escape.h"
#include "bootd/log.h"
#include "bootd/ratelimit.h"

int		 log_cur_level = LOG_LVL_INFO;
static int	 log_to_syslog;
static int	 log_journal = -1;	/* stderr is the journal; -1 unknown */

/* The peer-line limiter; the DB thread logs too, hence the lock. */
static pthread_mutex_t	 log_peer_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rl_log	 log_peer_rl;
static int		 log_peer_ready;
static struct rl_log	 log_note_rl;
static int		 log_note_ready;

static const char *const log_names[LOG_LVL_MAX] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

static const int log_prio[LOG_LVL_MAX] = {
	[LOG_LVL_ERROR] = LOG_ERR,
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_DEBUG] = LOG_DEBUG,
};

/*
 * systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected
 * to stderr; a match means our stderr is still that stream (not a file a
 * wrapper redirected it to).
 */
static int
log_stderr_is_journal(void)
{
	const char		*env = getenv("JOURNAL_STREAM");
	struct stat		 st;
	unsigned long long	 dev, ino;
	char			 tail;

	if (env == NULL || sscanf(env, "%llu:%llu%c", &dev, &ino,
	    &tail) != 2 || fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(int level, int use_syslog, const char *ident)
{
	log_journal = log_stderr_is_journal();
	log_cur_level = level;
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(int level)
{
	log_cur_level = level;
}

int
log_level_parse(const char *name)
{
	int i;

	for (i = 0; i < LOG_LVL_MAX; i++)
		if (strcmp(name, log_names[i]) == 0)
			return i;
	return -1;
}

const char *
log_level_name(int level)
{
	if (level < 0 || level >= LOG_LVL_MAX)
		return "?";
	return log_names[level];
}

static void log_vemit(int, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

/* One line on stderr: "<3>text" for the journal, else timestamped. */
static void
log_stderr(int level, const char *msg)
{
	char		 ts[32];
	struct timespec	 now;
	struct tm	 tm;

	/* Before log_init (a config error): decided here, main thread. */
	if (log_journal == -1)
		log_journal = log_stderr_is_journal();
	if (log_journal) {
		fprintf(stderr, "<%d>%s\n", log_prio[level], msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s %s\n", ts, now.tv_nsec / 1000000,
	    log_names[level], msg);
}

static void
log_vemit(int level, int with_errno, const char *fmt, va_list ap)
{
	char	msg[1024];
	int	saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	if (log_to_syslog)
		syslog(log_prio[level], "%s", msg);
	/* An error (often the last words) must survive a missing /dev/log. */
	if (!log_to_syslog || level == LOG_LVL_ERROR)
		log_stderr(level, msg);
	errno = saved;
}

void
log_emit(int level, int with_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(level, with_errno, fmt, ap);
	va_end(ap);
}

/* Takes a line of key from rl (made on first use); 1 with *held, or 0. */
static int
log_limited(struct rl_log *rl, int *ready, int64_t interval, int64_t rate,
    int64_t burst, const void *key, uint64_t *held)
{
	int64_t	now = (int64_t)clock_mono_ms();
	int	ok;

	pthread_mutex_lock(&log_peer_mu);
	if (!*ready) {
		rl_log_init(rl, interval, rate, burst, now);
		*ready = 1;
	}
	ok = rl_log_ok(rl, key, now, held);
	pthread_mutex_unlock(&log_peer_mu);
	return ok;
}

static void log_vheld(int, uint64_t, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
log_vheld(int level, uint64_t held, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (held > 0)
		log_emit(level, 0, "%s (%" PRIu64 " more like it suppressed)",
		    msg, held);
	else
		log_emit(level, 0, "%s", msg);
}

void
log_peer_emit(int level, const void *key, const char *fmt, ...)
{
	va_list		 ap;
	uint64_t	 held = 0;

	if (!log_limited(&log_peer_rl, &log_peer_ready, LOG_PEER_INTERVAL_MS,
	    LOG_PEER_RATE, LOG_PEER_BURST, key, &held))
		return;
	va_start(ap, fmt);
	log_vheld(level, held, fmt, ap);
	va_end(ap);
}

void
log_note_emit(int level, const void *key, const char *fmt, ...)
{
	va_list		 ap;
	uint64_t	 held = 0;

	if (!log_limited(&log_note_rl, &log_note_ready, 0, LOG_NOTE_RATE,
	    LOG_NOTE_BURST, key, &held))
		return;
	va_start(ap, fmt);
	log_vheld(level, held, fmt, ap);
	va_end(ap);
}

uint64_t
log_peer_suppressed(void)
{
	uint64_t n;

	pthread_mutex_lock(&log_peer_mu);
	n = log_peer_rl.suppressed + log_note_rl.suppressed;
	pthread_mutex_unlock(&log_peer_mu);
	return n;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

char *
log_sanitise(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	escape_bytes(dst, dstlen, src, srclen, srclen, ESCAPE_QUOTES_HEX);
	return dst;
}
