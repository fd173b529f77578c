// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/facts.h"

#define FACT_KEY_MAX 128	/* longer keys are not ours: reject them in a captured file */
#define FACT_VALUE_MAX 4096

static const char *key_of(const void *ctx, size_t i)
{
	return ((const struct facts *)ctx)->v[i].key;
}

static struct fact *facts_find(const struct facts *f, const char *key)
{
	long i = strindex_find(&f->by_key, key, key_of, f);

	return i < 0 ? NULL : &f->v[i];
}

static int facts_put(struct facts *f, const char *key, char *value)
{
	struct fact *old = facts_find(f, key);

	if (old) {
		free(old->value);
		old->value = value;
		return 0;
	}
	if (f->n == f->alloc) {
		size_t alloc = f->alloc ? f->alloc * 2 : 32;
		struct fact *v = realloc(f->v, alloc * sizeof(*v));

		if (!v)
			goto nomem;
		f->v = v;
		f->alloc = alloc;
	}
	f->v[f->n].key = strdup(key);
	if (!f->v[f->n].key)
		goto nomem;
	f->v[f->n].value = value;
	if (strindex_add(&f->by_key, f->n, key_of, f)) {
		free(f->v[f->n].key);
		goto nomem;
	}
	f->n++;
	return 0;
nomem:
	free(value);
	return -ENOMEM;
}

int facts_set(struct facts *f, const char *key, const char *fmt, ...)
{
	char *value;
	va_list ap;

	va_start(ap, fmt);
	int n = vasprintf(&value, fmt, ap);

	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	/* one fact is one line of the facts file */
	for (char *c = value; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return facts_put(f, key, value);
}

const char *facts_get(const struct facts *f, const char *key)
{
	struct fact *fact = facts_find(f, key);

	return fact ? fact->value : NULL;
}

bool facts_get_ll(const struct facts *f, const char *key, long long *out)
{
	const char *v = facts_get(f, key);
	char *end;

	if (!v || !*v)
		return false;
	errno = 0;
	*out = strtoll(v, &end, 0);
	return errno == 0 && *end == '\0';
}

bool facts_get_u64(const struct facts *f, const char *key, unsigned long long *out)
{
	const char *v = facts_get(f, key);
	char *end;

	if (!v || !*v || *v == '-')
		return false;
	errno = 0;
	*out = strtoull(v, &end, 0);
	return errno == 0 && *end == '\0';
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ ENOENT, "ENOENT" }, { ENODEV, "ENODEV" }, { ENXIO, "ENXIO" }, { EACCES, "EACCES" },
	{ EPERM, "EPERM" }, { EBUSY, "EBUSY" }, { EINVAL, "EINVAL" }, { ENOMEM, "ENOMEM" },
	{ EIO, "EIO" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ENOSPC, "ENOSPC" }, { EUSERS, "EUSERS" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { EINTR, "EINTR" },
};

const char *facts_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "EIO";
}

int facts_errno_value(const char *name)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (!strcmp(errno_names[i].name, name))
			return errno_names[i].err;
	return EIO;
}

int facts_parse(struct facts *f, const char *text, size_t len, char *err, size_t errlen)
{
	size_t line = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);

		line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (memchr(p, '\0', n)) {
			snprintf(err, errlen, "line %zu: contains a NUL byte", line);
			return -EINVAL;
		}

		const char *eq = memchr(p, '=', n);

		if (!eq || eq == p) {
			snprintf(err, errlen, "line %zu: expected key=value", line);
			return -EINVAL;
		}

		size_t klen = (size_t)(eq - p), vlen = n - klen - 1;

		/* facts_set() never writes a CR or LF into a value: one inside is not ours, and
		 * would not read back the same after a snapshot writes it again */
		if (memchr(eq + 1, '\r', vlen)) {
			snprintf(err, errlen, "line %zu: a carriage return inside the value", line);
			return -EINVAL;
		}

		if (klen > FACT_KEY_MAX || vlen > FACT_VALUE_MAX) {
			snprintf(err, errlen, "line %zu: key or value too long", line);
			return -EINVAL;
		}
		for (size_t i = 0; i < klen; i++) {
			char c = p[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '.' || c == '_' || c == '-')) {
				snprintf(err, errlen, "line %zu: key has a character other than [A-Za-z0-9._-]",
					 line);
				return -EINVAL;
			}
		}

		char key[FACT_KEY_MAX + 1];

		memcpy(key, p, klen);
		key[klen] = '\0';

		char *value = strndup(eq + 1, vlen);

		if (!value || facts_put(f, key, value))
			return -ENOMEM;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int fact_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fact *)a)->key, ((const struct fact *)b)->key);
}

int facts_format(const struct facts *f, char **out, size_t *len)
{
	struct fact *sorted = malloc((f->n ? f->n : 1) * sizeof(*sorted));
	char *buf = NULL;
	size_t size = 0;
	FILE *mem;

	if (!sorted)
		return -ENOMEM;
	/* no facts: f->v is NULL, which memcpy and qsort may not be given even for 0 bytes */
	if (f->n) {
		memcpy(sorted, f->v, f->n * sizeof(*sorted));
		qsort(sorted, f->n, sizeof(*sorted), fact_cmp);
	}
	mem = open_memstream(&buf, &size);
	if (!mem) {
		free(sorted);
		return -ENOMEM;
	}
	for (size_t i = 0; i < f->n; i++)
		fprintf(mem, "%s=%s\n", sorted[i].key, sorted[i].value);
	free(sorted);
	if (fclose(mem) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	*len = size;
	return 0;
}

void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].key);
		free(f->v[i].value);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->alloc = 0;
	strindex_free(&f->by_key);
}
