/* SPDX-License-Identifier: ISC */
/* embed: lookups in the tables cmake/embed_files.cmake writes. */
#include <string.h>

#include "bootd/embed.h"

const struct embedded *
embedded_find(const struct embedded *t, size_t n, const char *name,
    size_t namelen)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == namelen &&
		    memcmp(t[i].name, name, namelen) == 0)
			return &t[i];
	return NULL;
}
