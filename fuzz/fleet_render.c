// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the fleet renderers, given hosts whose strings are the input (cut at NUL bytes
 * into host names, files, blockers, fixes and errors, cleaned as the fleet reader cleans them),
 * bypassing JSON so that every byte reaches them. Every format must hold its shape: a Markdown
 * table row has the header's cells, the HTML has one table row per host and no tag of the
 * input, and the text has no control character but newlines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fleet.h"
#include "reports/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HOSTS 6

static char *piece(const uint8_t **at, const uint8_t *end)
{
	const uint8_t *nul = memchr(*at, 0, (size_t)(end - *at));
	size_t len = nul ? (size_t)(nul - *at) : (size_t)(end - *at);
	char *s = strndup((const char *)*at, len);

	if (!s)
		abort();
	*at = nul ? nul + 1 : end;
	return text_clean(s);
}

/* s held by the fleet, as its reader holds every blocker and fix: fleet_free() frees it */
static const char *held(struct fleet *f, char *s)
{
	if (f->nstrings == f->strings_alloc) {
		f->strings_alloc = f->strings_alloc ? f->strings_alloc * 2 : 64;
		f->strings = realloc(f->strings, f->strings_alloc * sizeof(*f->strings));
		if (!f->strings)
			abort();
	}
	return f->strings[f->nstrings++] = s;
}

static char *render(const struct fleet *f, enum fleet_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	if (!m || fleet_render(f, fmt, m) || fclose(m))
		abort();
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p++)
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *at = data, *end = data + size;
	struct fleet f = { 0 };

	f.v = calloc(HOSTS, sizeof(*f.v));
	if (!f.v)
		abort();
	f.n = f.alloc = HOSTS;
	for (int i = 0; i < HOSTS; i++) {
		struct fleet_host *h = &f.v[i];

		h->file = piece(&at, end);
		if (i == HOSTS - 1) {
			h->error = piece(&at, end);	/* one error row */
			continue;
		}
		h->hostname = piece(&at, end);
		h->time = strdup("");
		if (i == 1)
			h->warning = piece(&at, end);
		for (int k = 0; k < GUEST_KIND_COUNT; k++) {
			h->verdict[k] = (enum verdict)((k + i) % 3);
			if (h->verdict[k] != VERDICT_YES) {
				h->blocked_by[k] = held(&f, piece(&at, end));
				h->fix[k] = (k & 1) ? held(&f, piece(&at, end)) : NULL;
			}
		}
	}

	size_t len;
	char *text = render(&f, FLEET_TEXT, &len);

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)text[i] < 0x20 && text[i] != '\n') || text[i] == 0x7F)
			abort();
	free(text);
	free(render(&f, FLEET_CSV, &len));

	char *md = render(&f, FLEET_MARKDOWN, &len);
	size_t cells = 0;

	for (char *line = strtok(md, "\n"); line; line = strtok(NULL, "\n")) {
		size_t bars = 0;

		if (line[0] != '|' || !strncmp(line, "| guest", 7))
			break;	/* the matrix is the first table */
		for (char *p = line; *p; p++)
			bars += *p == '|' && (p == line || p[-1] != '\\');
		if (!cells)
			cells = bars;
		if (bars != cells)
			abort();
	}
	free(md);

	char *html = render(&f, FLEET_HTML, &len);

	/* a row per host plus the header, then the counts' rows and header */
	if (count(html, "<tr") != HOSTS + 1 + GUEST_KIND_COUNT + 1 || count(html, "<script") != 1)
		abort();
	free(html);
	fleet_free(&f);
	return 0;
}
