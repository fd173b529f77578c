// SPDX-License-Identifier: MIT
/*
 * A strict JSON reader without a tree (reports/json_scan.h). The grammar is RFC 8259's, byte by
 * byte: UTF-8 as RFC 3629 has it (no overlong forms, no surrogates, nothing past U+10FFFF), a
 * control character in a string only escaped, numbers without leading zeros, NaN and Infinity
 * refused by name. A \u escape of a lone surrogate decodes to U+FFFD, as json-c does. Recursion
 * is bounded by max_depth; nothing is allocated but the buffers of the strings handed to the
 * caller.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/json_scan.h"

#define JSCAN_PATH_MAX 8	/* the deepest path a caller can be told */

struct growbuf {
	char *data;
	size_t len, cap;
};

struct scan {
	const unsigned char *p, *start, *end;
	int max_depth, report_depth;
	jscan_fn *fn;
	void *ctx;
	struct jscan_error *err;
	struct jscan_step path[JSCAN_PATH_MAX];
	struct growbuf keys[JSCAN_PATH_MAX];	/* the key of each step of the path */
	struct growbuf str;			/* the string value handed to fn */
};

/* What a byte is inside a string: 0 stands for itself (printable ASCII but '"' and '\\') */
enum { PLAIN, QUOTE, BACKSLASH, CONTROL, HIGH };
static const unsigned char in_string[256] = {
	[0 ... 0x1F] = CONTROL, ['"'] = QUOTE, ['\\'] = BACKSLASH, [0x80 ... 0xFF] = HIGH,
};
static const bool space_byte[256] = { [' '] = true, ['\t'] = true, ['\n'] = true, ['\r'] = true };

static bool space(unsigned char c)
{
	return space_byte[c];
}

static bool digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int fail(struct scan *s, const char *problem, const unsigned char *at)
{
	s->err->problem = problem;
	s->err->at = (size_t)(at - s->start);
	return -1;
}

static void skip_space(struct scan *s)
{
	while (s->p < s->end && space(*s->p))
		s->p++;
}

static void append(struct growbuf *b, const void *bytes, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			abort();	/* bounded by the text's size; out of memory is not recoverable */
		b->cap = cap;
	}
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* The length of the valid UTF-8 sequence at p (RFC 3629's table), or 0 */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;	/* overlong */
	else if (c == 0xED)
		hi = 0x9F;	/* UTF-16 surrogates */
	else if (c == 0xF0)
		lo = 0x90;	/* overlong */
	else if (c == 0xF4)
		hi = 0x8F;	/* past U+10FFFF */
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

static int hex4(const unsigned char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (digit(c))
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void append_code_point(struct growbuf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	append(b, u, n);
}

/* The escape after a backslash at *pp; its character goes to out when out is not NULL */
static int escape(struct scan *s, const unsigned char **pp, struct growbuf *out)
{
	const unsigned char *p = *pp + 1, *end = s->end;
	const char *simple = "\"\\/bfnrt", *meaning = "\"\\/\b\f\n\r\t", *k;
	long cp;

	if (p >= end)
		return fail(s, "truncated", end);
	if (*p && (k = strchr(simple, *p))) {
		if (out)
			append(out, meaning + (k - simple), 1);
		*pp = p + 1;
		return 0;
	}
	if (*p != 'u')
		return fail(s, "an unknown escape in a string", p - 1);
	if (end - p < 5)
		return fail(s, "truncated", end);
	if ((cp = hex4(p + 1)) < 0)
		return fail(s, "a \\u escape without four hex digits", p - 1);
	p += 5;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		long low = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;

		if (low >= 0xDC00 && low <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
			p += 6;
		} else {
			cp = 0xFFFD;	/* a lone high surrogate */
		}
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		cp = 0xFFFD;		/* a lone low surrogate */
	}
	if (out)
		append_code_point(out, (unsigned long)cp);
	*pp = p;
	return 0;
}

/* The string whose opening quote is at s->p; decoded into out unless out is NULL */
static int string(struct scan *s, struct growbuf *out)
{
	const unsigned char *p = s->p + 1, *end = s->end;

	if (out) {
		out->len = 0;
		append(out, "", 0);
	}
	for (;;) {
		const unsigned char *run = p;
		size_t n;

		while (p < end) {
			if (in_string[*p] == PLAIN)
				p++;
			else if (*p >= 0x80 && (n = utf8_length(p, end)))
				p += n;
			else
				break;
		}
		if (out && p > run)
			append(out, run, (size_t)(p - run));
		if (p >= end)
			return fail(s, "truncated", end);
		if (*p == '"') {
			s->p = p + 1;
			return 0;
		}
		if (*p == '\\') {
			if (escape(s, &p, out))
				return -1;
			continue;
		}
		return fail(s, *p < 0x20 ? "a control character in a string (JSON needs it escaped)"
					 : "invalid UTF-8 in a string", p);
	}
}

/* A literal (true, false, null) whose first byte is at s->p */
static int literal(struct scan *s, const char *word)
{
	size_t n = strlen(word), have = (size_t)(s->end - s->p);

	if (memcmp(s->p, word, have < n ? have : n))
		return fail(s, "an unexpected character", s->p);
	if (have < n)
		return fail(s, "truncated", s->end);
	s->p += n;
	return 0;
}

static int number(struct scan *s)
{
	const unsigned char *p = s->p, *end = s->end;

	if (*p == '-')
		p++;
	if (p >= end)
		return fail(s, "truncated", end);
	if (*p == '0')
		p++;
	else if (digit(*p))
		while (p < end && digit(*p))
			p++;
	else
		return fail(s, "a bad number", p);
	if (p < end && *p == '.') {
		if (++p >= end)
			return fail(s, "truncated", end);
		if (!digit(*p))
			return fail(s, "a bad number", p);
		while (p < end && digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end)
			return fail(s, "truncated", end);
		if (!digit(*p))
			return fail(s, "a bad number", p);
		while (p < end && digit(*p))
			p++;
	}
	s->p = p;
	return 0;
}

static int value(struct scan *s, int depth, bool report);

/* The members of the object at s->p, itself at depth; keep: its members go to fn */
static int object(struct scan *s, int depth, bool keep)
{

	s->p++;
	skip_space(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (s->p >= s->end)
			return fail(s, "truncated", s->end);
		if (*s->p != '"')
			return fail(s, "a member name not in quotes", s->p);
		if (string(s, keep ? &s->keys[depth] : NULL))
			return -1;
		if (keep)
			s->path[depth] = (struct jscan_step){ .key = s->keys[depth].data };
		skip_space(s);
		if (s->p >= s->end)
			return fail(s, "truncated", s->end);
		if (*s->p != ':')
			return fail(s, "no ':' after a member name", s->p);
		s->p++;
		skip_space(s);
		if (value(s, depth + 1, keep))
			return -1;
		skip_space(s);
		if (s->p >= s->end)
			return fail(s, "truncated", s->end);
		if (*s->p == '}') {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return fail(s, "neither ',' nor '}' after an object member", s->p);
		s->p++;
		skip_space(s);
	}
}

/* The elements of the array at s->p, itself at depth; keep: its elements go to fn */
static int array(struct scan *s, int depth, bool keep)
{

	s->p++;
	skip_space(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (size_t i = 0;; i++) {
		if (keep)
			s->path[depth] = (struct jscan_step){ .key = NULL, .index = i };
		if (value(s, depth + 1, keep))
			return -1;
		skip_space(s);
		if (s->p >= s->end)
			return fail(s, "truncated", s->end);
		if (*s->p == ']') {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return fail(s, "neither ',' nor ']' after an array element", s->p);
		s->p++;
		skip_space(s);
	}
}

/* The value at s->p, at depth; report: it goes to fn */
static int value(struct scan *s, int depth, bool report)
{
	struct jscan_value v = { .depth = depth, .path = s->path };
	bool inside;	/* what the container holds goes to fn */
	int rc;

	if (s->p >= s->end)
		return fail(s, "truncated", s->end);
	switch (*s->p) {
	case '{':
	case '[':
		if (depth + 1 > s->max_depth)
			return fail(s, "nested deeper than a report can be", s->p);
		v.type = *s->p == '{' ? JSCAN_OBJECT : JSCAN_ARRAY;
		inside = report && s->fn(s->ctx, &v) && depth < s->report_depth;
		return v.type == JSCAN_OBJECT ? object(s, depth, inside) : array(s, depth, inside);
	case '"':
		if (string(s, report ? &s->str : NULL))
			return -1;
		v.type = JSCAN_STRING;
		v.str = report ? s->str.data : NULL;
		v.len = report ? s->str.len : 0;
		break;
	case 't':
	case 'f':
		if ((rc = literal(s, *s->p == 't' ? "true" : "false")))
			return rc;
		v.type = JSCAN_BOOL;
		break;
	case 'n':
		if ((rc = literal(s, "null")))
			return rc;
		v.type = JSCAN_NULL;
		break;
	case 'N':
	case 'I':
		return fail(s, "NaN or Infinity, which JSON has not", s->p);
	case '-':
		if (s->end - s->p > 1 && s->p[1] == 'I')
			return fail(s, "NaN or Infinity, which JSON has not", s->p);
		/* fall through */
	default:
		if (*s->p != '-' && !digit(*s->p))
			return fail(s, "an unexpected character", s->p);
		if ((rc = number(s)))
			return rc;
		v.type = JSCAN_NUMBER;
		break;
	}
	if (report)
		(void)s->fn(s->ctx, &v);
	return 0;
}

int jscan(const char *text, size_t len, int max_depth, int report_depth, jscan_fn *fn, void *ctx,
	  struct jscan_error *err)
{
	struct scan s = {
		.p = (const unsigned char *)text, .start = (const unsigned char *)text,
		.end = (const unsigned char *)text + len, .max_depth = max_depth,
		.report_depth = report_depth < JSCAN_PATH_MAX ? report_depth : JSCAN_PATH_MAX - 1,
		.fn = fn, .ctx = ctx, .err = err,
	};
	int rc;

	skip_space(&s);
	rc = value(&s, 0, true);
	if (!rc) {
		skip_space(&s);
		if (s.p < s.end)
			rc = fail(&s, "data after the end of the value", s.p);
	}
	for (int i = 0; i < JSCAN_PATH_MAX; i++)
		free(s.keys[i].data);
	free(s.str.data);
	return rc;
}
