// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/cpuinfo.h"
#include "probe/probe.h"
#include "probe/root.h"

bool word_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; n && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\t' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* The value of the first line "field<tabs>: value" of the first CPU, or NULL. */
static const char *cpuinfo_field(const char *text, const char *field, size_t *len)
{
	size_t flen = strlen(field);

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (*line == '\n')
			return NULL;	/* the blank line after the first CPU */
		if (strncmp(line, field, flen) || (line[flen] != '\t' && line[flen] != ' ' &&
						   line[flen] != ':'))
			continue;

		const char *colon = strchr(line, ':');
		const char *eol = strchr(line, '\n');

		if (!colon || (eol && colon > eol))
			return NULL;
		*len = (size_t)((eol ? eol : colon + strlen(colon)) - (colon + 1));
		return colon + 1;
	}
	return NULL;
}

/* The first CPU's field; NULL when there is none */
static const char *cpuinfo_value(struct probe_ctx *ctx, const char *field, size_t *len)
{
	const char *text;
	size_t n;

	return root_read_kept(ctx, "/proc/cpuinfo", &text, &n) ? NULL
							       : cpuinfo_field(text, field, len);
}

int cpuinfo_get(struct probe_ctx *ctx, const char *field, char *out, size_t outlen)
{
	size_t len;
	const char *value = cpuinfo_value(ctx, field, &len);

	if (!value || !outlen)
		return -1;
	while (len && (*value == ' ' || *value == '\t')) {
		value++;
		len--;
	}
	while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	snprintf(out, outlen, "%.*s", (int)len, value);
	return 0;
}

int cpuinfo_has(struct probe_ctx *ctx, const char *field, const char *word)
{
	size_t len;
	const char *value = cpuinfo_value(ctx, field, &len);

	if (!value)
		return -1;

	char *copy = strndup(value, len);

	if (!copy)
		return -1;

	int found = word_in_list(copy, word);

	free(copy);
	return found;
}
