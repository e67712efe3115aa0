/* SPDX-License-Identifier: ISC */
/*
 * http_sink: a download client for bench/http.sh (not part of bootd) that
 * costs next to nothing per byte, so that the server, not the client,
 * bounds the rate. curl copies every byte into its buffer and writes it
 * to /dev/null; on two cores that copy is what a loopback download of a
 * big file waits for, with any server. This client takes the body with
 * recv(MSG_TRUNC), which on a TCP socket drops the bytes in the kernel
 * without a copy, and only counts them.
 *
 *   http_sink ADDR PORT PATH
 *
 * Sends one GET (HTTP/1.1, Connection: close), reads the header, takes
 * exactly Content-Length bytes and prints "MBPS BYTES" (MB/s in 10^6
 * bytes a second, from connect to the last byte). Exits 1 on any error,
 * on a status other than 200, or on a short body. Loopback benchmarks
 * only: it trusts its peer (a header is at most 16 KiB).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define HDR_MAX		16384
#define TAKE		(4 * 1024 * 1024)	/* bytes asked of one recv */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "http_sink: %s: %s\n", what,
	    errno ? strerror(errno) : "failed");
	exit(1);
}

/* The Content-Length of header hdr (NUL-terminated), or -1. */
static int64_t
content_length(const char *hdr)
{
	const char *p = hdr;

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return strtoll(p + 15, NULL, 10);
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	char			 hdr[HDR_MAX + 1], req[1024];
	char			*end = NULL;
	size_t			 have = 0, extra;
	int64_t			 len, got;
	ssize_t			 n;
	double			 t0, t1;
	int			 fd;

	if (argc != 4) {
		fprintf(stderr, "usage: http_sink ADDR PORT PATH\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		errno = EINVAL;
		die(argv[1]);
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "Connection: close\r\n\r\n", argv[3], argv[1]);
	t0 = now_s();
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	if (send(fd, req, strlen(req), 0) != (ssize_t)strlen(req))
		die("send");
	/* The header, and whatever part of the body came with it. */
	while (end == NULL) {
		if (have == HDR_MAX) {
			errno = EMSGSIZE;
			die("header");
		}
		if ((n = recv(fd, hdr + have, HDR_MAX - have, 0)) <= 0)
			die("header");
		have += (size_t)n;
		hdr[have] = '\0';
		end = strstr(hdr, "\r\n\r\n");
	}
	extra = have - (size_t)(end + 4 - hdr);
	*end = '\0';
	errno = 0;
	if (strncmp(hdr, "HTTP/1.1 200 ", 13) != 0)
		die("status");
	if ((len = content_length(hdr)) < 0)
		die("no Content-Length");
	for (got = (int64_t)extra; got < len; got += n) {
		n = recv(fd, NULL, len - got < TAKE ? (size_t)(len - got) :
		    TAKE, MSG_TRUNC);
		if (n <= 0) {
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			die("body");
		}
	}
	t1 = now_s();
	close(fd);
	if (got != len) {
		errno = 0;
		die("body longer than its Content-Length");
	}
	printf("%.0f %" PRId64 "\n", (double)len / (t1 - t0) / 1e6, len);
	return 0;
}
