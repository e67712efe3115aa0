/* SPDX-License-Identifier: ISC */
/* db_seed: a seed's memory (see db_seed.h). Pure. */
#include <stdlib.h>

#include "db/db_seed.h"

void
db_seed_free(struct db_seed *seed)
{
	if (seed == NULL)
		return;
	free(seed->events);
	free(seed->disc);
	free(seed->text);
	free(seed);
}
