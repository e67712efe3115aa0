/* SPDX-License-Identifier: ISC */
/*
 * service: what bootd tells its service manager (systemd Type=notify,
 * through libsystemd's sd_notify): READY=1, RELOADING=1, STOPPING=1,
 * STATUS= lines and WATCHDOG=1 keep-alives from the event loop. Every
 * call is a no-op when NOTIFY_SOCKET is not set. Main thread only.
 */
#ifndef BOOTD_SERVICE_H
#define BOOTD_SERVICE_H

#include <stddef.h>

#include <event2/event.h>

/* "READY=1" and "STATUS=status". */
void	svc_ready(const char *status);

/* "RELOADING=1" with the monotonic time, before a reload (SIGHUP). */
void	svc_reloading(void);

/* "STOPPING=1", when a stop begins. */
void	svc_stopping(void);

/* "STATUS=status": one line, shown by systemctl status. */
void	svc_status(const char *status);

/*
 * When the service manager asks for keep-alives (WATCHDOG_USEC, and
 * WATCHDOG_PID unset or ours), adds a timer to base that sends WATCHDOG=1
 * at half the interval, so a loop stuck for longer gets the process
 * restarted. *evp gets the timer (event_free() it), or NULL when none was
 * asked for. Returns 0, or -1 when the timer cannot be made.
 */
int	svc_watchdog_start(struct event_base *base, struct event **evp);

#endif
