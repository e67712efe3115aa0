/* SPDX-License-Identifier: ISC */
/*
 * service: sd_notify() messages to the service manager and the watchdog
 * timer. sd_notify() sends one datagram without waiting; it does nothing
 * when NOTIFY_SOCKET is unset, so bootd run by hand is unaffected.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "bootd/clock.h"
#include "bootd/log.h"
#include "bootd/service.h"

void
svc_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
svc_reloading(void)
{
	/* systemd 253+ wants the time, to order it with the READY=1 after. */
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)clock_mono_us());
}

void
svc_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
svc_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

static void
svc_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	sd_notify(0, "WATCHDOG=1");
}

int
svc_watchdog_start(struct event_base *base, struct event **evp)
{
	struct timeval	tv;
	uint64_t	usec = 0;

	*evp = NULL;
	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	if ((*evp = event_new(base, -1, EV_PERSIST, svc_watchdog_cb,
	    NULL)) == NULL || event_add(*evp, &tv) == -1)
		return -1;
	sd_notify(0, "WATCHDOG=1");
	log_info("bootd: watchdog keep-alive every %llu ms",
	    (unsigned long long)(usec / 1000));
	return 0;
}
