/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON reader that builds no tree: it checks a whole text against RFC 8259 (valid UTF-8,
 * no NaN, nothing after the value, nesting bounded) and hands the caller each value near the top
 * with its path. `virtcap fleet` reads thousands of other hosts' reports and wants a few strings
 * of each; building json-c's tree of every member cost 90% of its time (reports/fleet.c).
 */
#ifndef VIRTCAP_JSON_SCAN_H
#define VIRTCAP_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

enum jscan_type { JSCAN_NULL, JSCAN_BOOL, JSCAN_NUMBER, JSCAN_STRING, JSCAN_ARRAY, JSCAN_OBJECT };

/* One step of a path: an object member's key (decoded, NUL-terminated; compare it as a C string,
 * as json-c does) or an array element's index */
struct jscan_step {
	const char *key;	/* NULL for an array element */
	size_t index;
};

struct jscan_value {
	enum jscan_type type;
	const char *str;	/* JSCAN_STRING: the decoded UTF-8, NUL-terminated (it may hold NULs) */
	size_t len;		/* its length in bytes */
	int depth;		/* 0 for the whole text's value */
	const struct jscan_step *path;	/* path[0..depth-1] */
};

/* Called for each value at depth <= report_depth, containers before their members; a member
 * that repeats a key comes again later (the later one wins, as in json-c). For a container,
 * false skips its members (they are still checked): the caller is told only what it reads. */
typedef bool jscan_fn(void *ctx, const struct jscan_value *v);

struct jscan_error {
	const char *problem;	/* e.g. "truncated", "invalid UTF-8 in a string" */
	size_t at;		/* the byte where it was found */
};

/* Read text[0..len) as one JSON value nested at most max_depth deep. 0, or -1 with *err. */
int jscan(const char *text, size_t len, int max_depth, int report_depth, jscan_fn *fn, void *ctx,
	  struct jscan_error *err);

#endif
