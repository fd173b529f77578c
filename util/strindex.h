/* SPDX-License-Identifier: MIT */
/*
 * An index from strings to the entries of an array that holds them: open addressing on FNV-1a,
 * grown at half full, so that finding or adding one of n entries costs O(1) and a hostile
 * input of many entries (400,000 facts, 60,000 IOMMU groups, 150,000 blockers) stays linear.
 * The array keeps the entries; the index only their positions, and asks key_of(ctx, i) for the
 * key of entry i.
 */
#ifndef VIRTCAP_STRINDEX_H
#define VIRTCAP_STRINDEX_H

#include <stddef.h>

typedef const char *strindex_key_fn(const void *ctx, size_t i);

struct strindex {
	size_t *slots;		/* entry position + 1; 0: empty */
	size_t nslots;		/* a power of two, or 0 before the first add */
	size_t n;		/* entries indexed */
};

/* The position of the entry whose key is key, or -1 */
long strindex_find(const struct strindex *x, const char *key, strindex_key_fn *key_of,
		   const void *ctx);

/* Index entry i (its key not indexed yet). 0 or -ENOMEM. */
int strindex_add(struct strindex *x, size_t i, strindex_key_fn *key_of, const void *ctx);

void strindex_free(struct strindex *x);

#endif
