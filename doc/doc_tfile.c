/* SPDX-License-Identifier: ISC */
/*
 * doc_tfile: template files for the document service (paths.templates,
 * else the built-ins) and sets of them kept fresh by identity checks.
 * Blocking reads of bounded local files only; never logs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bootd/safeopen.h"
#include "doc/doc_tfile.h"

int
doc_tname_ok(const char *name)
{
	const char	*p, *c;
	size_t		 len = strlen(name);

	if (len == 0 || len > DOC_TNAME_MAX || name[0] == '/')
		return 0;
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	for (c = name; c != NULL; c = (p = strchr(c, '/')) ? p + 1 : NULL)
		if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
			return 0;
	return 1;
}

static const struct embedded *
builtin(const char *name)
{
	return embedded_find(doc_builtins, doc_builtins_n, name,
	    strlen(name));
}

static void
compile(struct doc_tfile *f, const char *src, size_t len)
{
	struct tmpl_error terr;

	if ((f->t = tmpl_compile(src, len, f->path, &terr)) == NULL)
		snprintf(f->err, sizeof(f->err), "%s:%d: %s", f->path,
		    terr.line, terr.msg);
}

/* Records what path is now (0 when it is not there), for changes. */
static void
identity(struct doc_tfile *f, const struct stat *st)
{
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->ctime = st->st_ctim;
}

int
doc_tfile_load(struct doc_tfile *f, const char *dir, const char *name)
{
	const struct embedded		*b;
	struct stat		 st;
	char			*buf, why[128];
	size_t			 len;
	int			 n;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	if (!doc_tname_ok(name)) {
		snprintf(f->err, sizeof(f->err), "template name \"%.64s\": "
		    "must be a relative name inside paths.templates", name);
		return -1;
	}
	n = snprintf(f->path, sizeof(f->path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(f->path)) {
		snprintf(f->err, sizeof(f->err), "%s/%.64s: path too long",
		    dir, name);
		return -1;
	}
	/*
	 * Whatever is there, good or bad, is recorded first, so that
	 * doc_tfile_changed() reports a change only when there is one.
	 */
	if (lstat(f->path, &st) == 0)
		identity(f, &st);
	/*
	 * A FIFO put there must not stall the event loop, and a symlink
	 * must not publish a file from elsewhere (safeopen.h).
	 */
	if ((buf = safeopen_read(f->path, TMPL_SRC_MAX, 0, &len, &st, why,
	    sizeof(why))) == NULL) {
		if (errno != ENOENT) {
			snprintf(f->err, sizeof(f->err), "%s: %s", f->path,
			    why);
			return -1;
		}
		if ((b = builtin(name)) == NULL) {
			snprintf(f->err, sizeof(f->err), "%s: not found (and "
			    "no built-in template of that name)", f->path);
			return -1;
		}
		snprintf(f->path, sizeof(f->path), "(built-in) %s", name);
		f->found = 1;
		compile(f, b->data, b->len);
		return f->t != NULL ? 0 : -1;
	}
	identity(f, &st);
	f->found = 1;
	compile(f, buf, len);
	free(buf);
	return f->t != NULL ? 0 : -1;
}

int
doc_tfile_changed(const struct doc_tfile *f, const char *dir)
{
	const char	*name = f->name;
	struct stat	st;
	char		path[1024];

	if (!doc_tname_ok(name))
		return 0;	/* refused by name: stays refused */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) == -1)
		return f->ino != 0;	/* a file went away: built-in now */
	return f->ino == 0 || st.st_dev != f->dev || st.st_ino != f->ino ||
	    st.st_size != f->size ||
	    st.st_mtim.tv_sec != f->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != f->mtime.tv_nsec ||
	    st.st_ctim.tv_sec != f->ctime.tv_sec ||
	    st.st_ctim.tv_nsec != f->ctime.tv_nsec;
}

void
doc_tfile_clear(struct doc_tfile *f)
{
	tmpl_free(f->t);
	memset(f, 0, sizeof(*f));
}

struct doc_tset {
	char		 dir[PATH_MAX];	/* of the entries */
	struct doc_tfile *ent;		/* cap of them */
	size_t		 n, cap;
	uint64_t	 gen;		/* generation whose kickstarts loaded */
	int		 gen_set;
	uint64_t	 ver;		/* last version given out */
	doc_tset_hook	*hook;
	void		*arg;
};

struct doc_tset *
doc_tset_new(size_t cap, doc_tset_hook *hook, void *arg)
{
	struct doc_tset *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->ent = calloc(cap > 0 ? cap : 1, sizeof(*s->ent))) == NULL) {
		free(s);
		return NULL;
	}
	s->cap = cap;
	s->hook = hook;
	s->arg = arg;
	return s;
}

static void
tset_empty(struct doc_tset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		doc_tfile_clear(&s->ent[i]);
	s->n = 0;
	s->gen_set = 0;
}

void
doc_tset_free(struct doc_tset *s)
{
	if (s == NULL)
		return;
	tset_empty(s);
	free(s->ent);
	free(s);
}

static void
tset_load(struct doc_tset *s, struct doc_tfile *f, const char *name,
    int reload)
{
	char n[DOC_TNAME_MAX + 1];

	snprintf(n, sizeof(n), "%s", name);	/* name may be f->name */
	doc_tfile_clear(f);
	(void)doc_tfile_load(f, s->dir, n);
	f->ver = ++s->ver;
	if (s->hook != NULL)
		s->hook(s->arg, f, reload);
}

const struct doc_tfile *
doc_tset_get(struct doc_tset *s, const char *name, struct doc_tfile *tmp)
{
	struct doc_tfile	*f;
	size_t			 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->ent[i].name, name) == 0)
			return &s->ent[i];
	if (strlen(name) > DOC_TNAME_MAX || s->n == s->cap) {
		(void)doc_tfile_load(tmp, s->dir, name);
		if (s->hook != NULL)
			s->hook(s->arg, tmp, 0);
		return tmp;	/* ver 0: not kept */
	}
	f = &s->ent[s->n++];
	tset_load(s, f, name, 0);
	return f;
}

void
doc_tset_sync(struct doc_tset *s, const char *dir,
    const struct inv_snapshot *snap)
{
	struct doc_tfile	 tmp;
	size_t			 i;

	if (strcmp(s->dir, dir) != 0) {
		tset_empty(s);
		snprintf(s->dir, sizeof(s->dir), "%s", dir);
	}
	for (i = 0; i < s->n; i++)
		if (doc_tfile_changed(&s->ent[i], s->dir))
			tset_load(s, &s->ent[i], s->ent[i].name, 1);
	memset(&tmp, 0, sizeof(tmp));
	for (i = 0; doc_builtin_names[i] != NULL; i++) {
		(void)doc_tset_get(s, doc_builtin_names[i], &tmp);
		doc_tfile_clear(&tmp);
	}
	if (snap != NULL && (!s->gen_set || snap->generation != s->gen)) {
		for (i = 0; i < snap->nprofiles; i++)
			if (snap->profiles[i].kickstart[0] != '\0') {
				(void)doc_tset_get(s,
				    snap->profiles[i].kickstart, &tmp);
				doc_tfile_clear(&tmp);
			}
		s->gen = snap->generation;
		s->gen_set = 1;
	}
}

struct doc_tset *
doc_tset_load(const char *dir, const struct inv_snapshot *snap)
{
	struct doc_tset	*s;
	size_t		 n = 0;

	while (doc_builtin_names[n] != NULL)
		n++;
	if ((s = doc_tset_new(n + (snap ? snap->nprofiles : 0), NULL,
	    NULL)) != NULL)
		doc_tset_sync(s, dir, snap);
	return s;
}

struct doc_templates
doc_tset_view(const struct doc_tset *s)
{
	struct doc_templates ts = { s->ent, s->n };

	return ts;
}

const char *
doc_tset_dir(const struct doc_tset *s)
{
	return s->dir;
}
