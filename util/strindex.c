// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strindex.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a, 64 bits */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

long strindex_find(const struct strindex *x, const char *key, strindex_key_fn *key_of,
		   const void *ctx)
{
	if (!x->nslots)
		return -1;
	for (size_t s = hash(key) & (x->nslots - 1); x->slots[s]; s = (s + 1) & (x->nslots - 1))
		if (!strcmp(key_of(ctx, x->slots[s] - 1), key))
			return (long)(x->slots[s] - 1);
	return -1;
}

static void place(size_t *slots, size_t nslots, size_t i, const char *key)
{
	size_t s = hash(key) & (nslots - 1);

	while (slots[s])
		s = (s + 1) & (nslots - 1);
	slots[s] = i + 1;
}

int strindex_add(struct strindex *x, size_t i, strindex_key_fn *key_of, const void *ctx)
{
	if (2 * (x->n + 1) > x->nslots) {
		size_t nslots = x->nslots ? 2 * x->nslots : 64;
		size_t *slots = calloc(nslots, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		for (size_t s = 0; s < x->nslots; s++)
			if (x->slots[s])
				place(slots, nslots, x->slots[s] - 1, key_of(ctx, x->slots[s] - 1));
		free(x->slots);
		x->slots = slots;
		x->nslots = nslots;
	}
	place(x->slots, x->nslots, i, key_of(ctx, i));
	x->n++;
	return 0;
}

void strindex_free(struct strindex *x)
{
	free(x->slots);
	memset(x, 0, sizeof(*x));
}
