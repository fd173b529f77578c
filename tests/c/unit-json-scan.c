// SPDX-License-Identifier: MIT
/*
 * reports/json_scan.c, the reader `virtcap fleet` uses, against json-c (tests/c/json_scan_diff.h):
 * a fixed corpus of the grammar's corners, then each real report named on the command line and
 * thousands of mutations of it (bytes flipped, cut, deleted, and the tokens parsers get wrong
 * put in), each read by both. Usage: unit-json-scan [REPORT.json...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/c/json_scan_diff.h"
#include "tests/tap.h"

#define MUTATIONS 3000	/* per report */

static const struct {
	const char *text;
	bool json;	/* what RFC 8259 says */
} corpus[] = {
	{ "{}", true }, { "[]", true }, { " \t\r\n{ } \n", true }, { "", false }, { " ", false },
	{ "{", false }, { "}", false }, { "{\"a\"}", false }, { "{\"a\":}", false },
	{ "{\"a\":1,}", false }, { "[1,]", false }, { "[,1]", false }, { "{a:1}", false },
	{ "{'a':1}", false }, { "[1 2]", false }, { "{\"a\":1 \"b\":2}", false },
	{ "[0]", true }, { "[-0]", true }, { "[01]", false }, { "000\n", false }, { "[-00]", false },
	{ "[00.5]", false }, { "[0, 007, 1e007]", false }, { "[1e007]", true }, { "[-]", false }, { "[1.]", false },
	{ "[.5]", false }, { "[-.5]", false }, { "[-.5e+3]", false }, { "[-.0]", false },
	{ "[1.e5]", false }, { "[0.e1]", false }, { "[-0.]", false }, { "[01.5]", false },
	{ "[1e5]", true }, { "[1E+5]", true }, { "[1e-5]", true },
	{ "[1e]", false }, { "[+1]", false }, { "[0x10]", false }, { "[1.5e3]", true },
	{ "[NaN]", false }, { "[Infinity]", false }, { "[-Infinity]", false }, { "[nan]", false },
	{ "[true,false,null]", true }, { "[True]", false }, { "[nul]", false }, { "[truex]", false },
	{ "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]", true }, { "[\"\\x41\"]", false },
	{ "[\"\\u00e9\\u20AC\"]", true }, { "[\"\\u00g9\"]", false }, { "[\"\\u12\"]", false },
	{ "[\"\\ud83d\\ude00\"]", true }, { "[\"a\tb\"]", false }, { "[\"a\nb\"]", false },
	{ "[\"\x01\"]", false }, { "[\"\x7f\"]", true }, { "[\"\\u0000\"]", true },
	{ "[\"\xc3\xa9\"]", true }, { "[\"\xe2\x82\xac\"]", true }, { "[\"\xf0\x9f\x98\x80\"]", true },
	{ "[\"\xc0\xaf\"]", false }, { "[\"\xe0\x80\xaf\"]", false }, { "[\"\xed\xa0\x80\"]", false },
	{ "[\"\xf4\x90\x80\x80\"]", false }, { "[\"\xff\"]", false }, { "[\"\xc3\"]", false },
	{ "[\"\x80\"]", false }, { "{\"a\":1}x", false }, { "{\"a\":1}{}", false }, { "7", true },
	{ "\"s\"", true }, { "null", true }, { "{\"a\":{\"a\":{\"a\":[1,{\"b\":\"c\"}]}}}", true },
	{ "{\"a\":1,\"a\":{\"x\":2},\"a\":{\"y\":3}}", true }, { "{\"\\u0061\":\"b\"}", true },
	{ "[\"unterminated]", false }, { "\xef\xbb\xbf{}", false },
};

static void check(const char *name, const char *text, size_t len, int *failures)
{
	char why[300];

	if (json_scan_diff(text, len, why, sizeof(why))) {
		if (++*failures <= 5)
			diag("%s: %s", name, why);
	}
}

static bool scan_ok(const char *text, size_t len)
{
	struct jscan_error err;
	struct diff_map m = { 0 };
	int rc = jscan(text, len, DIFF_DEPTH, DIFF_REPORT, diff_collect, &m, &err);

	diff_map_free(&m);
	return rc == 0;
}

/* Nesting: as deep as fleet allows is read, one more is refused */
static void depth_limit(void)
{
	char text[2 * (DIFF_DEPTH + 1) + 1];
	int failures = 0;

	for (int n = DIFF_DEPTH - 1; n <= DIFF_DEPTH + 1; n++) {
		memset(text, '[', (size_t)n);
		memset(text + n, ']', (size_t)n);
		check("nesting", text, 2 * (size_t)n, &failures);
	}
	memset(text, '[', DIFF_DEPTH);
	memset(text + DIFF_DEPTH, ']', DIFF_DEPTH);
	ok(scan_ok(text, 2 * DIFF_DEPTH) && !scan_ok("[[", 2), "nesting %d deep is read", DIFF_DEPTH);
	memset(text, '[', DIFF_DEPTH + 1);
	memset(text + DIFF_DEPTH + 1, ']', DIFF_DEPTH + 1);
	ok(!scan_ok(text, 2 * (DIFF_DEPTH + 1)), "nesting %d deep is refused", DIFF_DEPTH + 1);
	is_int(failures, 0, "at the depth limit json_scan and json-c agree");
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const tokens[] = {
	"NaN", "-Infinity", "1e999", "01", "-", "\\ud800", "\\udc00x", "\\ud800\\udc00", "\\u0000",
	"\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\x80", "\x01", "\"", "\\", "{", "}", "[", "]",
	",", ":", "true", "nul", "\"a\":1,", "\"a\":{},", "[[[[[[[[", "]]]]]]]]", " ", "0.5e-3",
};

/* Mutations of one real report: each read by both */
static void mutate(const char *name, const char *text, size_t len)
{
	char *buf = malloc(len + 64);
	int failures = 0, accepted = 0;

	if (!buf)
		abort();
	check(name, text, len, &failures);
	ok(scan_ok(text, len), "%s: the report itself is read", name);
	for (int i = 0; i < MUTATIONS; i++) {
		size_t at = (size_t)(next() % len), n = len;
		const char *tok = tokens[next() % (sizeof(tokens) / sizeof(tokens[0]))];
		size_t tl = strlen(tok);

		memcpy(buf, text, len);
		switch (next() % 4) {
		case 0:	/* cut */
			n = at;
			break;
		case 1:	/* one byte changed */
			buf[at] = (char)next();
			break;
		case 2:	/* a token in place of as many bytes */
			memcpy(buf + at, tok, tl < len - at ? tl : len - at);
			break;
		default:	/* a token put in */
			memmove(buf + at + tl, buf + at, len - at);
			memcpy(buf + at, tok, tl);
			n = len + tl;
			break;
		}
		check(name, buf, n, &failures);
		accepted += scan_ok(buf, n);
	}
	is_int(failures, 0, "%s: %d mutations, %d of them still JSON: json_scan and json-c agree",
	       name, MUTATIONS, accepted);
	free(buf);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		tap_bail("%s: cannot open", path);
	do {
		if (n + 4096 > cap && !(buf = realloc(buf, cap = cap * 2 + 8192)))
			abort();
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	int failures = 0, wrong = 0;

	tap_plan_lazy();
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		size_t len = strlen(corpus[i].text);

		check(corpus[i].text, corpus[i].text, len, &failures);
		if (scan_ok(corpus[i].text, len) != corpus[i].json && ++wrong <= 5)
			diag("json_scan %s %s", corpus[i].json ? "refuses" : "accepts",
			     corpus[i].text);
	}
	is_int(wrong, 0, "%zu texts: json_scan takes what RFC 8259 takes, nothing else",
	       sizeof(corpus) / sizeof(corpus[0]));
	is_int(failures, 0, "the same texts: json-c agrees (but where json_scan is the strict one)");
	ok(!scan_ok("{\"a\":1}\0", 8), "a NUL after the value is data after it");
	depth_limit();
	for (int i = 1; i < argc; i++) {
		size_t len;
		char *text = slurp(argv[i], &len);

		mutate(argv[i], text, len);
		free(text);
	}
	return tap_done();
}
