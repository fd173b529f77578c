/* SPDX-License-Identifier: MIT */
/*
 * What a probe run read, recorded for `virtcap snapshot`: files with the content the probe saw,
 * directories it listed and symbolic links it followed, each by its path under the root.
 * Entries are kept in the order seen. A path recorded twice keeps its first record, except that
 * a weak record (an entry seen only in a directory listing, content not read) gives way to a
 * later full one.
 */
#ifndef VIRTCAP_CAPTURE_H
#define VIRTCAP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strindex.h"

enum capture_type { CAPTURE_FILE, CAPTURE_DIR, CAPTURE_LINK };

struct capture_entry {
	enum capture_type type;
	char *path;		/* absolute, as seen from the root */
	char *data;		/* file content, or link target */
	size_t len;
	int weak;
};

struct capture {
	struct capture_entry *v;
	size_t n, alloc;
	struct strindex by_path;
};

/* Record an entry; data is copied. Returns 0 or -ENOMEM. */
int capture_add(struct capture *c, enum capture_type type, const char *path, const char *data,
		size_t len, int weak);
/* Whether path is recorded */
bool capture_has(const struct capture *c, const char *path);
void capture_free(struct capture *c);

#endif
