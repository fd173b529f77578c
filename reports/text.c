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

/* Words that begin a shell command inside a fix's prose */
static bool command_word(const char *w, size_t n)
{
	static const char *const starters[] = {
		"sudo", "modprobe", "echo", "usermod", "newgrp", "sg", "udevadm", "systemctl",
		"apt", "apt-get", "dnf", "prlimit", "grub-install", "virsh", "powercfg",
		"manage-bde", "reg", "mkfs.vfat", "setfacl", "qemu-system-x86_64",
	};

	for (size_t i = 0; i < sizeof(starters) / sizeof(starters[0]); i++)
		if (strlen(starters[i]) == n && !strncmp(w, starters[i], n))
			return true;
	return false;
}

/* Prose words that end a command that runs on into the sentence */
static bool prose_word(const char *w, size_t n)
{
	static const char *const words[] = { "then", "or", "and", "to", "where", "when", "after",
					     "before", "if", "as", "on", "in", "for" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncmp(w, words[i], n))
			return true;
	return w[0] == '(';
}

/* The length of the word at p: to the next space outside quotes (a quoted argument with spaces
 * is one word); in_command: quotes count only in a command */
static size_t word_len(const char *p, bool in_command)
{
	char quote = 0;
	size_t n = 0;

	for (; p[n] && (quote || p[n] != ' '); n++)
		if (in_command && (p[n] == '\'' || p[n] == '"'))
			quote = quote == p[n] ? 0 : quote ? quote : p[n];
	return n;
}

void text_wrap_fix(FILE *f, const char *text, int col, int indent, int width, bool after_text)
{
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;

		size_t w = word_len(p, false);

		if (!command_word(p, w)) {	/* prose: as text_wrap */
			if (after_text && col + 1 + (int)w > width) {
				fprintf(f, "\n%*s", indent, "");
				col = indent;
			} else if (after_text) {
				fputc(' ', f);
				col++;
			}
			fwrite(p, 1, w, f);
			col += (int)w;
			p += w;
			after_text = true;
			continue;
		}
		/* a command: to a word that ends in , ; ) or . or before prose that follows it */
		const char *end = p;
		size_t words = 0;

		for (;;) {
			size_t n = word_len(end, true);
			char last = n ? end[n - 1] : 0;

			if (words && (prose_word(end, n) || !n))
				break;
			end += n;
			words++;
			if (last == ',' || last == ';' || last == ')' || last == '.')
				break;
			while (*end == ' ')
				end++;
			if (!*end)
				break;
		}
		while (end > p && end[-1] == ' ')
			end--;

		int len = (int)(end - p);
		bool own_line = !after_text || col + 1 + len > width;

		if (after_text && !own_line) {		/* it fits where it is */
			fputc(' ', f);
			col++;
		} else if (after_text) {			/* on a line of its own */
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		}
		if (col + len <= width) {
			fwrite(p, 1, (size_t)len, f);
			col += len;
		} else {	/* longer than a line: shell continuations, after a && where it can */
			bool first = true, at_and = false;

			for (const char *q = p; q < end;) {
				while (*q == ' ')
					q++;

				size_t n = word_len(q, true), seg = n;

				/* after "&&": the part up to the next one must fit, or break now */
				for (const char *r = q + n; at_and && r < end;) {
					while (*r == ' ')
						r++;

					size_t m = word_len(r, true);

					if (m == 2 && !strncmp(r, "&&", 2))
						break;
					seg += 1 + m;
					r += m;
				}
				if (!first && (col + 1 + (int)n + 2 > width ||
					       (at_and && col + 1 + (int)seg + 2 > width))) {
					fprintf(f, " \\\n%*s", indent + 2, "");
					col = indent + 2;
				} else if (!first) {
					fputc(' ', f);
					col++;
				}
				fwrite(q, 1, n, f);
				col += (int)n;
				at_and = (n == 2 && !strncmp(q, "&&", 2)) || (n == 2 && !strncmp(q, "||", 2));
				q += n;
				first = false;
			}
		}
		/* what follows a command on a line of its own starts a line too: pasting the
		 * command's last line must not take prose with it */
		if (own_line && *end)
			col = width;
		p = end;
		after_text = true;
	}
	fputc('\n', f);
}

void text_first_lines(char *text, char *out, size_t len)
{
	size_t n = 0;
	int lines = 0;

	out[0] = '\0';
	for (char *line = text ? strtok(text, "\n") : NULL; line && lines < 3 && n < len;
	     line = strtok(NULL, "\n")) {
		if (!line[strspn(line, " \t\r")])
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%s", lines++ ? " " : "", line);
	}
	text_clean(out);
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
