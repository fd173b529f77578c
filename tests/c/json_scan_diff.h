/* SPDX-License-Identifier: MIT */
/*
 * reports/json_scan.c against json-c, the parser fleet used before and still the one that
 * writes every report: for one text, both must agree whether it is JSON, and on every value
 * down to depth 3 (type; a string's bytes). Shared by unit-json-scan (a fixed corpus and
 * mutations of real reports) and the json_scan fuzz target.
 *
 * Where they may differ, on purpose, json_scan is the strict one (RFC 8259 and RFC 3629), and
 * each such refusal is checked to be one of json-c's known laxities, even in its strict mode:
 * NaN, Infinity and numbers that overflow a double (fleet refused those after the parse), UTF-8
 * outside RFC 3629's table, single quotes, "1.", leading zeros ("00", "-01"), a minus with no
 * integer part ("-.5"), control characters inside strings.
 */
#ifndef VIRTCAP_JSON_SCAN_DIFF_H
#define VIRTCAP_JSON_SCAN_DIFF_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reports/json_scan.h"

#define DIFF_DEPTH 64	/* fleet's FLEET_JSON_DEPTH */
#define DIFF_REPORT 3	/* fleet reads down to depth 3 */

struct diff_entry {
	char *path;	/* steps joined by '\x1f' ("#N" for an element) */
	int type;
	char *str;
	size_t len;
	size_t seq;	/* the order it was met in */
};

struct diff_map {
	struct diff_entry *v;
	size_t n, alloc;
};

static void diff_map_free(struct diff_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].str);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* path[0..depth) as one string */
static char *diff_path(const struct jscan_step *path, int depth)
{
	size_t cap = 64, len = 0;
	char *s = malloc(cap);

	if (!s)
		abort();
	s[0] = '\0';
	for (int i = 0; i < depth; i++) {
		char step[32];
		const char *k = path[i].key;

		if (!k) {
			snprintf(step, sizeof(step), "#%zu", path[i].index);
			k = step;
		}
		size_t kl = strlen(k);

		while (len + kl + 2 > cap)
			cap *= 2;
		s = realloc(s, cap);
		if (!s)
			abort();
		s[len++] = '\x1f';
		memcpy(s + len, k, kl + 1);
		len += kl;
	}
	return s;
}

/* Add an entry; diff_map_resolve() later keeps what the last of each replaced */
static void diff_map_put(struct diff_map *m, char *path, int type, const char *str, size_t len)
{
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 64;
		m->v = realloc(m->v, m->alloc * sizeof(*m->v));
		if (!m->v)
			abort();
	}
	struct diff_entry *e = &m->v[m->n];

	*e = (struct diff_entry){ .path = path, .type = type, .len = len, .seq = m->n };
	m->n++;
	if (str) {
		e->str = malloc(len + 1);
		if (!e->str)
			abort();
		memcpy(e->str, str, len + 1);
	}
}

static int diff_entry_cmp(const void *a, const void *b)
{
	const struct diff_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The seq of the last entry at path (sorted, one per path), or 0 when none */
static size_t diff_last_seq(const struct diff_map *m, const char *path, size_t plen)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(m->v[mid].path, path, plen);

		if (!c && m->v[mid].path[plen])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return m->v[mid].seq;
	}
	return 0;
}

/* What the text's value is in the end: per path its last entry, and none under a container
 * that was replaced after it (a repeated key replaces the whole member, as json-c does) */
static void diff_map_resolve(struct diff_map *m)
{
	size_t j = 0;

	qsort(m->v, m->n, sizeof(*m->v), diff_entry_cmp);
	for (size_t i = 0; i < m->n; i++) {
		if (i + 1 < m->n && !strcmp(m->v[i].path, m->v[i + 1].path)) {
			free(m->v[i].path);
			free(m->v[i].str);
			continue;
		}
		m->v[j++] = m->v[i];
	}
	m->n = j;

	bool *dead = calloc(m->n ? m->n : 1, sizeof(*dead));

	if (!dead)
		abort();
	for (size_t i = 0; i < m->n; i++)	/* each ancestor: each '\x1f' past the first byte */
		for (size_t k = 1; m->v[i].path[0] && m->v[i].path[k]; k++)
			if (m->v[i].path[k] == '\x1f' && diff_last_seq(m, m->v[i].path, k) > m->v[i].seq)
				dead[i] = true;
	j = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (dead[i]) {
			free(m->v[i].path);
			free(m->v[i].str);
			continue;
		}
		m->v[j++] = m->v[i];
	}
	m->n = j;
	free(dead);
}

static bool diff_collect(void *ctx, const struct jscan_value *v)
{
	diff_map_put(ctx, diff_path(v->path, v->depth), (int)v->type, v->str, v->len);
	return true;
}

static int diff_json_c_type(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return JSCAN_NULL;
	case json_type_boolean: return JSCAN_BOOL;
	case json_type_double:
	case json_type_int: return JSCAN_NUMBER;
	case json_type_string: return JSCAN_STRING;
	case json_type_array: return JSCAN_ARRAY;
	case json_type_object: return JSCAN_OBJECT;
	}
	return -1;
}

static bool diff_finite(struct json_object *v)
{
	if (json_object_is_type(v, json_type_double))
		return isfinite(json_object_get_double(v));
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!diff_finite(json_object_array_get_idx(v, i)))
				return false;
	} else if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, member) {
			(void)key;
			if (!diff_finite(member))
				return false;
		}
	}
	return true;
}

/* json-c's tree down to DIFF_REPORT, in the same map form */
static void diff_walk(struct diff_map *m, struct json_object *o, struct jscan_step *path, int depth)
{
	struct jscan_value v = { .depth = depth, .path = path, .type = diff_json_c_type(o) };

	if (v.type == JSCAN_STRING) {
		v.str = json_object_get_string(o);
		v.len = (size_t)json_object_get_string_len(o);
	}
	diff_collect(m, &v);
	if (depth >= DIFF_REPORT)
		return;
	if (v.type == JSCAN_OBJECT) {
		json_object_object_foreach(o, key, member) {
			path[depth] = (struct jscan_step){ .key = key };
			diff_walk(m, member, path, depth + 1);
		}
	} else if (v.type == JSCAN_ARRAY) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			path[depth] = (struct jscan_step){ .index = i };
			diff_walk(m, json_object_array_get_idx(o, i), path, depth + 1);
		}
	}
}

/* Whether every byte sequence json-c took is UTF-8 as RFC 3629 has it */
static bool diff_utf8_valid(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
		    c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (!n || len - i < n)
			return false;
		lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k < n; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return false;
		i += n;
	}
	return true;
}

static int json_scan_diff(const char *text, size_t len, char *why, size_t whylen);

static bool diff_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Whether both readers read text alike once text[at..at+cut) is replaced by put (putlen
 * bytes): how a laxity of json-c's is shown to be the only difference.
 */
static bool diff_alike_spliced(const char *text, size_t len, size_t at, size_t cut,
			       const char *put, size_t putlen)
{
	char *copy = malloc(len - cut + putlen + 1);
	char why[8];
	bool alike;

	if (!copy)
		abort();
	memcpy(copy, text, at);
	memcpy(copy + at, put, putlen);
	memcpy(copy + at + putlen, text + at + cut, len - at - cut);
	alike = json_scan_diff(copy, len - cut + putlen, why, sizeof(why)) == 0;
	free(copy);
	return alike;
}

/*
 * Whether json_scan stopped at k on a digit after a number's leading zero, which json-c takes
 * in strict mode too ("000", "-00", "00.5"; not "01"). Checked: with that number's extra zeros
 * taken out, both read the text alike.
 */
static bool diff_leading_zero(const char *text, size_t len, size_t k)
{
	size_t start = k - 1, zeros_end = k;

	if (k < 1 || !diff_digit(text[k]) || text[start] != '0')
		return false;
	if (start > 0 && text[start - 1] == '-')
		start--;
	if (start > 0 && (diff_digit(text[start - 1]) || strchr(".eE+-", text[start - 1])))
		return false;	/* not where a number starts */
	while (zeros_end < len && text[zeros_end] == '0')
		zeros_end++;

	size_t cut = zeros_end - k;	/* keep one zero, unless a digit follows the zeros */

	if (zeros_end < len && diff_digit(text[zeros_end]))
		cut++;
	return diff_alike_spliced(text, len, zeros_end - cut, cut, "", 0);
}

/*
 * Whether json_scan stopped at k on the '.' of a minus with no integer part ("-.5e+3"), which
 * json-c takes in strict mode too (not ".5"). Checked: with a 0 put before the '.', both read
 * the text alike.
 */
static bool diff_missing_integer(const char *text, size_t len, size_t k)
{
	if (k < 1 || text[k] != '.' || text[k - 1] != '-' || k + 1 >= len || !diff_digit(text[k + 1]))
		return false;
	return diff_alike_spliced(text, len, k, 0, "0", 1);
}

/*
 * Whether json_scan refused, rightly, what json-c takes though RFC 8259 does not: a string in
 * single quotes, a number ending in '.', a number's leading zeros, a minus with no integer
 * part, or a control character inside a string (checked: with an 'x' in its place, both read
 * the text alike).
 */
static bool diff_json_c_lax(const char *text, size_t len, const struct jscan_error *err)
{
	size_t k = err->at;

	if (k >= len)
		return false;
	if (text[k] == '\'')
		return true;
	if (!strcmp(err->problem, "a bad number") && k >= 2 && text[k - 1] == '.' &&
	    diff_digit(text[k - 2]))
		return true;
	if (diff_leading_zero(text, len, k) || diff_missing_integer(text, len, k))
		return true;
	if ((unsigned char)text[k] >= 0x20 || !strstr(err->problem, "control character"))
		return false;
	return diff_alike_spliced(text, len, k, 1, "x", 1);
}

/*
 * Compare the two readers on text. Returns 0 when they agree (or differ only where json_scan
 * is the strict one, said above), else 1 with why filled in.
 */
static int json_scan_diff(const char *text, size_t len, char *why, size_t whylen)
{
	struct json_tokener *tok = json_tokener_new_ex(DIFF_DEPTH);
	struct diff_map a = { 0 }, b = { 0 };
	struct jscan_error err;
	struct jscan_step path[DIFF_REPORT + 1];
	int rc = 0;

	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

	struct json_object *d = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);

	json_tokener_free(tok);
	while (e == json_tokener_success && end < len && strchr(" \t\r\n", text[end]) && text[end])
		end++;

	/* (json-c's null is a NULL object) */
	bool c_ok = e == json_tokener_success && end == len;
	bool c_finite = c_ok && diff_finite(d);
	bool c_strict_ok = c_finite && diff_utf8_valid((const void *)text, len);
	bool s_ok = jscan(text, len, DIFF_DEPTH, DIFF_REPORT, diff_collect, &a, &err) == 0;

	if (s_ok != c_strict_ok) {
		/* json-c answers "continue" for a number or literal that ends the text, waiting for
		 * more: it does take the same text with a space after it */
		bool c_waits = false;

		if (e == json_tokener_continue) {
			char *spaced = malloc(len + 1);
			struct json_tokener *t2 = json_tokener_new_ex(DIFF_DEPTH);

			if (!spaced || !t2)
				abort();
			memcpy(spaced, text, len);
			spaced[len] = ' ';
			json_tokener_set_flags(t2, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

			struct json_object *d2 = json_tokener_parse_ex(t2, spaced, (int)len + 1);

			c_waits = json_tokener_get_error(t2) == json_tokener_success;
			json_object_put(d2);
			json_tokener_free(t2);
			free(spaced);
		}

		/* a number too big for a double is JSON all the same: json_scan reads no numbers */
		bool overflow = s_ok && c_ok && !c_finite;

		if (!(s_ok && c_waits) && !overflow && !(c_ok && !c_strict_ok && !s_ok) &&
		    !(c_ok && !s_ok && diff_json_c_lax(text, len, &err))) {
			snprintf(why, whylen, "json-c %s (%s at %zu), json_scan %s (%s at %zu)",
				 c_ok ? "accepts" : "refuses", json_tokener_error_desc(e), end,
				 s_ok ? "accepts" : "refuses", s_ok ? "-" : err.problem,
				 s_ok ? 0 : err.at);
			rc = 1;
		}
	} else if (s_ok) {
		diff_walk(&b, d, path, 0);
		diff_map_resolve(&a);
		diff_map_resolve(&b);
		for (size_t i = 0; i < a.n || i < b.n; i++) {
			const struct diff_entry *x = i < a.n ? &a.v[i] : NULL;
			const struct diff_entry *y = i < b.n ? &b.v[i] : NULL;

			if (!x || !y || strcmp(x->path, y->path) || x->type != y->type ||
			    (x->str && (x->len != y->len || memcmp(x->str, y->str, x->len)))) {
				snprintf(why, whylen, "the values differ at %s: json_scan %d, json-c %d",
					 x ? x->path : y->path, x ? x->type : -1, y ? y->type : -1);
				rc = 1;
				break;
			}
		}
	}
	json_object_put(d);
	diff_map_free(&a);
	diff_map_free(&b);
	return rc;
}

#endif
