// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/capture.h"

static int capture_fill(struct capture_entry *e, enum capture_type type, const char *path,
			const char *data, size_t len, int weak);

int capture_add(struct capture *c, enum capture_type type, const char *path, const char *data,
		size_t len, int weak)
{
	struct capture_entry *e = NULL;

	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].path, path) != 0)
			continue;
		if (weak || !c->v[i].weak)
			return 0;
		e = &c->v[i];	/* a listing's placeholder: replace it in place */
		free(e->path);
		free(e->data);
		break;
	}
	if (e)
		return capture_fill(e, type, path, data, len, weak);
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

void capture_free(struct capture *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].data);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->alloc = 0;
}
