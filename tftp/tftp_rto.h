/* SPDX-License-Identifier: ISC */
/*
 * tftp_rto: a transfer's retransmit timer arithmetic: the RTT estimate
 * and timeout (RFC 6298's smoothing, Karn's rule), the backoff after a
 * timeout, and the deadline nothing a peer starts outlives. Pure: every
 * time (microseconds on a monotonic clock) is an argument; no clock, no
 * I/O, no libevent.
 */
#ifndef BOOTD_TFTP_RTO_H
#define BOOTD_TFTP_RTO_H

#include <stdint.h>

#define TFTP_RTO_MIN_US		20000	/* adaptive retransmit floor */
/*
 * Consecutive timeouts back off up to 8x the timeout. A client whose own
 * timer restarts on every duplicate DATA (atftp ignores duplicates without
 * re-ACKing) only re-ACKs once our resends are further apart than its
 * timeout, so the backoff must grow past it.
 */
#define TFTP_BACKOFF_FACTOR	8
/*
 * libevent times a timer from the time it cached at the top of the loop,
 * so a timer armed for the deadline can fire a little before it by our
 * clock: within this much, the deadline counts as reached.
 */
#define TFTP_DEADLINE_SLACK_US	10000

/* One transfer's estimator. Plain data: embed it, no _free. */
struct tftp_rto {
	int64_t		 rto_us;	/* the timeout now, backoff included */
	int64_t		 max_us;	/* the negotiated or configured one */
	int64_t		 srtt_us;	/* 0: no sample yet */
	int64_t		 rttvar_us;
	int64_t		 t_sent;	/* when the timed packet left */
	int		 resent;	/* it was resent: no sample (Karn) */
};

/*
 * Starts with no estimate: the timeout is max_us (> 0; the client's
 * RFC 2349 timeout option, or tftp.timeout_ms) until the first sample.
 */
void	tftp_rto_init(struct tftp_rto *r, int64_t max_us);

/*
 * A fresh window (or the OACK) leaves at now: its ACK will be timed,
 * unless tftp_rto_backoff() resends it first.
 */
void	tftp_rto_sent(struct tftp_rto *r, int64_t now);

/*
 * The ACK of what tftp_rto_sent() timed came at now: one RTT sample
 * (srtt += (s - srtt) / 8, rttvar += (|srtt - s| - rttvar) / 4; the
 * first sets srtt = s, rttvar = s / 2) and the timeout srtt + 4 rttvar,
 * kept within [TFTP_RTO_MIN_US, max_us]. Karn's rule: nothing when it
 * was resent, since the ACK may answer either copy.
 */
void	tftp_rto_ack(struct tftp_rto *r, int64_t now);

/*
 * Progress (an ACK that advances) ends a backoff, as TCP does after new
 * data: the timeout is the estimate's again (unchanged with no sample).
 */
void	tftp_rto_reset(struct tftp_rto *r);

/*
 * A timeout: what was sent goes again (and is not timed), after twice the
 * timeout, at most TFTP_BACKOFF_FACTOR x max_us.
 */
void	tftp_rto_backoff(struct tftp_rto *r);

/*
 * Whether the timeout has reached max_us: only timeouts at the full
 * timeout count as retries, so the adaptive timer's fast first resends
 * do not use up a slow client's retries (atftp re-ACKs after 5 s).
 */
int	tftp_rto_full(const struct tftp_rto *r);

/*
 * When a transfer whose last progress was at t_progress ends unless an
 * ACK advances it: secs seconds later.
 */
int64_t	tftp_rto_deadline(int64_t t_progress, int secs);

/* Whether deadline is reached at now, within TFTP_DEADLINE_SLACK_US. */
int	tftp_rto_expired(int64_t now, int64_t deadline);

/*
 * Microseconds to arm the retransmit timer for at now: the timeout, or
 * what is left until deadline if that is sooner (0 once it passed).
 */
int64_t	tftp_rto_wait(const struct tftp_rto *r, int64_t now, int64_t deadline);

#endif
