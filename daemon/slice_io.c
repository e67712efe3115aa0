/* SPDX-License-Identifier: ISC */
/*
 * slice_io: renders in slices across loop turns (slice_io.h). A job owns
 * its render's state and a timer; the HTTP core tells it when the client
 * goes away (http_defer()'s gone). Main thread only; nothing here waits.
 */
#include <stdint.h>
#include <stdlib.h>

#include <event2/event.h>
#include <event2/http.h>

#include "bootd/bootd.h"
#include "bootd/clock.h"
#include "bootd/http.h"
#include "bootd/log.h"
#include "daemon/slice_io.h"

struct slice_job {
	struct bootd		*bd;
	struct http_ctx		*kc;	/* the deferred answer */
	struct event		*ev;	/* the next turn */
	const struct slice_ops	*ops;
	void			*arg;
	unsigned		 turns;
};

/* One turn: SLICE_CHUNK hosts at a time until the budget is spent. */
static int
slice_turn(const struct slice_ops *ops, void *arg)
{
	uint64_t t0 = clock_mono_us();

	do {
		if (ops->step(arg, SLICE_CHUNK))
			return 1;
	} while (clock_mono_us() - t0 < SLICE_BUDGET_US);
	return 0;
}

static void
slice_job_free(struct slice_job *j)
{
	if (j->ev != NULL)
		event_free(j->ev);
	j->ops->free(j->arg);
	j->bd->slice_jobs--;
	free(j);
}

/* http_defer()'s gone: the connection closed under the job. */
static void
slice_gone(void *arg)
{
	struct slice_job *j = arg;

	log_debug("http: %s: render in slices dropped after %u turns: the "
	    "connection closed", j->kc->peer, j->turns);
	slice_job_free(j);
}

static void
slice_next(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval	 zero = { 0, 0 };
	struct slice_job		*j = arg;

	(void)fd;
	(void)what;
	if (!http_defer_alive(j->kc)) {
		log_debug("http: %s: render in slices dropped after %u turns: "
		    "the client went away", j->kc->peer, j->turns);
		http_defer_free(j->kc);
		slice_job_free(j);
		return;
	}
	j->turns++;
	if (!slice_turn(j->ops, j->arg)) {
		/* A timer, not event_active(): the loop polls first. */
		evtimer_add(j->ev, &zero);
		return;
	}
	log_debug("http: %s: %s written in %u turns", j->kc->peer,
	    j->kc->path, j->turns);
	j->ops->finish(j->arg, j->kc);
	http_defer_free(j->kc);
	slice_job_free(j);
}

void
slice_run(struct bootd *bd, struct http_ctx *c, const struct slice_ops *ops,
    void *arg)
{
	static const struct timeval	 zero = { 0, 0 };
	struct slice_job		*j = NULL;

	if (slice_turn(ops, arg)) {
		ops->finish(arg, c);
		ops->free(arg);
		return;
	}
	if (bd->slice_jobs >= SLICE_JOBS_MAX) {
		bd->slice_busy++;
		evhttp_add_header(evhttp_request_get_output_headers(c->req),
		    "Retry-After", SLICE_RETRY_AFTER);
		http_refuse(c, HTTP_C_UNAVAIL, "busy: large answers being "
		    "written");
		ops->free(arg);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto fail;
	j->bd = bd;
	j->ops = ops;
	j->arg = arg;
	if ((j->ev = evtimer_new(bd->base, slice_next, j)) == NULL ||
	    (j->kc = http_defer(c, slice_gone, j)) == NULL)
		goto fail;
	bd->slice_jobs++;
	j->turns = 1;
	evtimer_add(j->ev, &zero);
	return;
fail:
	/* Out of memory: that one request goes. */
	if (j != NULL && j->ev != NULL)
		event_free(j->ev);
	free(j);
	ops->free(arg);
	http_error(c, HTTP_C_INTERNAL);
}
