// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/capture.h"

static int capture_fill(struct capture_entry *e, enum capture_type type, const char *path,
			const char *data, size_t len, int weak);

static const char *path_of(const void *ctx, size_t i)
{
	return ((const struct capture *)ctx)->v[i].path;
}

int capture_add(struct capture *c, enum capture_type type, const char *path, const char *data,
		size_t len, int weak)
{
	long at = strindex_find(&c->by_path, path, path_of, c);

	if (at >= 0) {
		struct capture_entry *e = &c->v[at];
		struct capture_entry fresh;

		if (weak || !e->weak)
			return 0;
		/* a listing's placeholder: replace it in place, the path (and its index) kept */
		if (capture_fill(&fresh, type, path, data, len, weak))
			return -ENOMEM;
		free(e->path);
		free(e->data);
		*e = fresh;
		return 0;
	}
	if (c->n == c->alloc) {
		size_t alloc = c->alloc ? c->alloc * 2 : 64;
		struct capture_entry *v = realloc(c->v, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->alloc = alloc;
	}
	int err = capture_fill(&c->v[c->n], type, path, data, len, weak);

	if (err)
		return err;
	if (strindex_add(&c->by_path, c->n, path_of, c)) {
		free(c->v[c->n].path);
		free(c->v[c->n].data);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

static int capture_fill(struct capture_entry *e, enum capture_type type, const char *path,
			const char *data, size_t len, int weak)
{
	e->type = type;
	e->weak = weak;
	e->path = strdup(path);
	e->data = malloc(len + 1);
	if (!e->path || !e->data) {
		free(e->path);
		free(e->data);
		return -ENOMEM;
	}
	if (len)
		memcpy(e->data, data, len);
	e->data[len] = '\0';
	e->len = len;
	return 0;
}

bool capture_has(const struct capture *c, const char *path)
{
	return strindex_find(&c->by_path, path, path_of, c) >= 0;
}

void capture_free(struct capture *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].data);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->alloc = 0;
	strindex_free(&c->by_path);
}
