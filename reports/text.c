// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "reports/text.h"

void text_wrap(FILE *f, const char *text, int col, int indent, int width, bool after_text)
{
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;

		int w = (int)strcspn(p, " ");

		if (after_text && col + 1 + w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (after_text) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, (size_t)w, f);
		col += w;
		p += w;
		after_text = true;
	}
	fputc('\n', f);
}

void text_escape_markup(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			fputc((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' ? '?' : *s, f);
		}
	}
}

/* The length of the UTF-8 sequence at p and its code point, or 0 when it is not valid UTF-8 */
static size_t utf8_decode(const unsigned char *p, unsigned *cp)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
		   : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
	unsigned v = n == 1 ? p[0] : n == 2 ? p[0] & 0x1F : n == 3 ? p[0] & 0x0F : p[0] & 0x07;
	static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };

	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	if (!n || v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static bool shown_as_is(unsigned cp)
{
	return !(cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		 (cp >= 0x2066 && cp <= 0x2069));
}

char *text_clean(char *s)
{
	unsigned char *in = (unsigned char *)s, *out = in;

	while (s && *in) {
		unsigned cp = 0;
		size_t n = utf8_decode(in, &cp);

		if (n && shown_as_is(cp)) {
			memmove(out, in, n);
			out += n;
			in += n;
		} else {
			*out++ = n && cp == '\t' ? ' ' : '?';
			in += n ? n : 1;
		}
	}
	if (s)
		*out = '\0';
	return s;
}

char *text_dup_clean(const char *s)
{
	char *copy = s ? strdup(s) : NULL;

	return text_clean(copy);
}

void text_escape_markdown(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (strchr("|\\`*_[]<>()#!&~=+-.{}:'\"", *s))
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
}
