/* SPDX-License-Identifier: ISC */
/*
 * tftp_rto: RTT estimate, retransmit timeout, backoff and deadlines for
 * one transfer. Pure: times come in as arguments, nothing is read or sent.
 */
#include "tftp/tftp_rto.h"

static int64_t
rto_clamp(int64_t us, int64_t max_us)
{
	if (us < TFTP_RTO_MIN_US)
		us = TFTP_RTO_MIN_US;
	if (us > max_us)
		us = max_us;
	return us;
}

void
tftp_rto_init(struct tftp_rto *r, int64_t max_us)
{
	r->rto_us = max_us;
	r->max_us = max_us;
	r->srtt_us = 0;
	r->rttvar_us = 0;
	r->t_sent = 0;
	r->resent = 0;
}

void
tftp_rto_sent(struct tftp_rto *r, int64_t now)
{
	r->t_sent = now;
	r->resent = 0;
}

void
tftp_rto_ack(struct tftp_rto *r, int64_t now)
{
	int64_t sample, d;

	if (r->resent)
		return;
	sample = now - r->t_sent;
	if (r->srtt_us == 0) {
		r->srtt_us = sample;
		r->rttvar_us = sample / 2;
	} else {
		d = r->srtt_us - sample;
		r->rttvar_us = (3 * r->rttvar_us + (d < 0 ? -d : d)) / 4;
		r->srtt_us = (7 * r->srtt_us + sample) / 8;
	}
	r->rto_us = rto_clamp(r->srtt_us + 4 * r->rttvar_us, r->max_us);
}

void
tftp_rto_reset(struct tftp_rto *r)
{
	if (r->srtt_us == 0)
		return;
	r->rto_us = rto_clamp(r->srtt_us + 4 * r->rttvar_us, r->max_us);
}

void
tftp_rto_backoff(struct tftp_rto *r)
{
	r->resent = 1;
	r->rto_us *= 2;
	if (r->rto_us > r->max_us * TFTP_BACKOFF_FACTOR)
		r->rto_us = r->max_us * TFTP_BACKOFF_FACTOR;
}

int
tftp_rto_full(const struct tftp_rto *r)
{
	return r->rto_us >= r->max_us;
}

int64_t
tftp_rto_deadline(int64_t t_progress, int secs)
{
	return t_progress + (int64_t)secs * 1000000;
}

int
tftp_rto_expired(int64_t now, int64_t deadline)
{
	return now + TFTP_DEADLINE_SLACK_US >= deadline;
}

int64_t
tftp_rto_wait(const struct tftp_rto *r, int64_t now, int64_t deadline)
{
	int64_t left = deadline - now;

	if (left < r->rto_us)
		return left > 0 ? left : 0;
	return r->rto_us;
}
