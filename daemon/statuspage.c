/* SPDX-License-Identifier: ISC */
/*
 * statuspage: GET / (admin networks only), the status page: index.html,
 * and its app.js and style.css under /ui/, all compiled into the binary
 * (web_assets.h). Each reply carries a strong ETag so a browser
 * revalidates (Cache-Control: no-cache) and gets a bodiless 304 until the
 * binary changes; the page itself polls the JSON API (/api/, api.c) and
 * loads nothing from anywhere else, which its Content-Security-Policy
 * also enforces. Serves memory only: no file access, nothing blocks.
 */
#include <stdio.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bootd/bootd.h"
#include "bootd/http.h"
#include "daemon/daemon.h"
#include "daemon/web_assets.h"

/*
 * What the page may load: its own files and the API, nothing inline but
 * the empty icon (data:, so no /favicon.ico request fails), no frames.
 * Host names and event details are hostile input; the page puts them in
 * the DOM as text only, and this policy refuses any script they might
 * smuggle in should that ever break.
 */
#define STATUSPAGE_CSP							\
	"default-src 'none'; script-src 'self'; style-src 'self'; "	\
	"connect-src 'self'; img-src 'self' data:; base-uri 'none'; "	\
	"form-action 'none'; frame-ancestors 'none'"

/* The asset named name (its length n), or NULL. */
static const struct embedded *
statuspage_find(const char *name, size_t n)
{
	return embedded_find(web_assets, web_assets_n, name, n);
}

/* The Content-Type of a file of daemon/web/, by its name's extension. */
static const char *
statuspage_ctype(const char *name)
{
	static const struct {
		const char	*ext;
		const char	*ctype;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
	};
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(*types); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].ctype;
	return "application/octet-stream";
}

/*
 * True when an If-None-Match header value (NULL: none) names etag: "*" or
 * a list of entity tags, weak ones (W/) compared weakly (RFC 9110
 * §13.1.2). Pure.
 */
static int
statuspage_etag_match(const char *inm, const char *etag)
{
	const char	*p = inm, *q;
	size_t		 elen = strlen(etag), n;

	if (inm == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		for (q = p; *q != '\0' && *q != ',' && *q != ' ' &&
		    *q != '\t'; q++)
			;
		n = (size_t)(q - p);
		if (n == elen && memcmp(p, etag, n) == 0)
			return 1;
		p = q;
	}
	return 0;
}

/* Sends asset a, or 304 when the client holds it already. */
static void
statuspage_send(struct http_ctx *c, const struct embedded *a)
{
	struct evkeyvalq	*ih = evhttp_request_get_input_headers(c->req);
	struct evkeyvalq	*oh = evhttp_request_get_output_headers(c->req);
	const char		*ctype = statuspage_ctype(a->name);
	char			 etag[24];

	/* A strong ETag: the first 16 hex digits of the bytes' SHA-256. */
	snprintf(etag, sizeof(etag), "\"%s\"", a->sha);
	evhttp_add_header(oh, "ETag", etag);
	/* Kept, but asked again each time: a new binary may bring new ones. */
	evhttp_add_header(oh, "Cache-Control", "no-cache");
	evhttp_add_header(oh, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(oh, "Referrer-Policy", "no-referrer");
	if (strncmp(ctype, "text/html", 9) == 0) {
		evhttp_add_header(oh, "Content-Security-Policy",
		    STATUSPAGE_CSP);
		evhttp_add_header(oh, "X-Frame-Options", "DENY");
	}
	if (statuspage_etag_match(evhttp_find_header(ih, "If-None-Match"),
	    etag)) {
		http_reply(c, HTTP_C_NOTMODIFIED, ctype, NULL, 0);
		return;
	}
	http_reply(c, HTTP_C_OK, ctype, a->data, a->len);
}

/* GET /: the page. */
static void
route_index(struct http_ctx *c)
{
	const struct embedded	*a = statuspage_find("index.html", 10);

	if (a == NULL) {
		http_error(c, HTTP_C_NOTFOUND);
		return;
	}
	statuspage_send(c, a);
}

/* GET /ui/<name>: the page's script and style sheet. */
static void
route_ui(struct http_ctx *c)
{
	const struct embedded	*a;

	if ((a = statuspage_find(c->rest, strlen(c->rest))) == NULL) {
		http_refuse(c, HTTP_C_NOTFOUND, "no such file of the page");
		return;
	}
	statuspage_send(c, a);
}

int
daemon_statuspage_add(struct bootd *bd, char *err, size_t errlen)
{
	if (http_route_add(bd->http, "/", 1, HTTP_M_GET, HTTP_ACL_ADMIN,
	    route_index, bd, err, errlen) == -1 ||
	    http_route_add(bd->http, "/ui/", 0, HTTP_M_GET, HTTP_ACL_ADMIN,
	    route_ui, bd, err, errlen) == -1)
		return -1;
	return 0;
}
