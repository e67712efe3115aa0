/* SPDX-License-Identifier: ISC */
/*
 * buf: a length-checked read cursor and a bounded writer for wire formats.
 * Pure, header-only. Every read checks the remaining length first; a failed
 * read or write leaves the cursor unchanged and returns -1.
 */
#ifndef BOOTD_BUF_H
#define BOOTD_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf_rd {
	const uint8_t	*p;	/* next byte */
	size_t		 rem;	/* bytes left */
};

struct buf_wr {
	uint8_t		*p;	/* start of the buffer */
	size_t		 len;	/* bytes written */
	size_t		 cap;	/* buffer size */
};

static inline void
buf_rd_init(struct buf_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->rem = len;
}

static inline int
buf_get_u8(struct buf_rd *r, uint8_t *v)
{
	if (r->rem < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->rem--;
	return 0;
}

static inline int
buf_get_u16(struct buf_rd *r, uint16_t *v)
{
	if (r->rem < 2)
		return -1;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->rem -= 2;
	return 0;
}

static inline int
buf_get_u32(struct buf_rd *r, uint32_t *v)
{
	if (r->rem < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->rem -= 4;
	return 0;
}

/* Points *out at the next n bytes (borrowed from the packet). */
static inline int
buf_get_bytes(struct buf_rd *r, size_t n, const uint8_t **out)
{
	if (r->rem < n)
		return -1;
	*out = r->p;
	r->p += n;
	r->rem -= n;
	return 0;
}

static inline int
buf_skip(struct buf_rd *r, size_t n)
{
	const uint8_t *dummy;

	return buf_get_bytes(r, n, &dummy);
}

static inline void
buf_wr_init(struct buf_wr *w, void *p, size_t cap)
{
	w->p = p;
	w->len = 0;
	w->cap = cap;
}

static inline int
buf_put_bytes(struct buf_wr *w, const void *src, size_t n)
{
	if (w->cap - w->len < n)
		return -1;
	memcpy(w->p + w->len, src, n);
	w->len += n;
	return 0;
}

static inline int
buf_put_u8(struct buf_wr *w, uint8_t v)
{
	return buf_put_bytes(w, &v, 1);
}

static inline int
buf_put_u16(struct buf_wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(w, b, 2);
}

static inline int
buf_put_u32(struct buf_wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(w, b, 4);
}

/* A string and its terminating NUL. */
static inline int
buf_put_str(struct buf_wr *w, const char *s)
{
	return buf_put_bytes(w, s, strlen(s) + 1);
}

#endif
