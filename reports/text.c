// SPDX-License-Identifier: MIT
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
