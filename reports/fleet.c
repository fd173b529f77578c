// SPDX-License-Identifier: MIT
/*
 * `virtcap fleet FILE|DIR...`: many hosts' JSON reports merged into one matrix (hosts x guest
 * kinds) with counts per verdict and the hosts that share each blocker, as text, CSV, Markdown
 * or one self-contained HTML page.
 *
 * Reports come from other machines: each is read with a size cap, parsed as strict JSON (no
 * NaN, valid UTF-8) within json-c's depth limit, and checked for what the merge uses (schema,
 * host.hostname, matrix rows with a verdict), its strings cleaned and bounded. A file that
 * fails any of it is an error row naming the file and the problem, never dropped; so is a
 * duplicate (the same host and time as another file) and a newer schema than we know. A
 * report that lists input errors of its own is shown with a warning, never as healthy; an
 * older report of a host that has a newer one is shown but not counted. The work is linear
 * in reports (and n log n for the sort), and memory holds only bounded strings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reports/fleet.h"
#include "reports/report.h"
#include "reports/text.h"

#define FLEET_FILE_MAX (16u << 20)	/* a report is ~30 KiB */
#define FLEET_JSON_DEPTH 64		/* reports nest 5 deep */
#define HOSTNAME_MAX 255		/* as long as a DNS name can be */
#define BLOCKER_MAX 64			/* a capability id, or "proof" */
#define FIX_MAX 4096			/* virtcap's longest fix is under 1 KiB */

/* A cleaned copy (reports/text.h): other machines' strings never reach a terminal raw */
static char *xstrdup(const char *s)
{
	char *d = text_dup_clean(s ? s : "");

	if (!d)
		abort();	/* the merge holds strings only; no memory left is not recoverable */
	return d;
}

static struct fleet_host *host_add(struct fleet *f, const char *file)
{
	if (f->n == f->alloc) {
		size_t alloc = f->alloc ? f->alloc * 2 : 256;
		struct fleet_host *v = realloc(f->v, alloc * sizeof(*v));

		if (!v)
			abort();
		f->v = v;
		f->alloc = alloc;
	}

	struct fleet_host *h = &f->v[f->n++];

	memset(h, 0, sizeof(*h));
	h->file = xstrdup(file);
	return h;
}

static void host_error(struct fleet_host *h, const char *problem)
{
	h->error = xstrdup(problem);
}

static char *read_file(const char *path, size_t *len, const char **problem)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd < 0) {
		*problem = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*problem = "not a regular file";
		return NULL;
	}
	if ((unsigned long long)st.st_size > FLEET_FILE_MAX) {
		close(fd);
		*problem = "over 16 MiB: not a virtcap report";
		return NULL;
	}

	char *buf = malloc((size_t)st.st_size + 1);
	size_t used = 0;
	ssize_t n;

	if (!buf)
		abort();
	while (used < (size_t)st.st_size && (n = read(fd, buf + used, (size_t)st.st_size - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	*len = used;
	return buf;
}

static const char *str_member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
	       ? json_object_get_string(v) : NULL;
}

/* host.hostname: a string of at most HOSTNAME_MAX bytes, or null (the schema allows it) */
static bool hostname_ok(struct json_object *host)
{
	struct json_object *v;

	if (!json_object_object_get_ex(host, "hostname", &v))
		return false;
	return json_object_is_type(v, json_type_null) ||
	       (json_object_is_type(v, json_type_string) &&
		json_object_get_string_len(v) <= HOSTNAME_MAX);
}

/* A string member of at most max bytes, or NULL; *bad set when it is there but longer */
static const char *bounded(struct json_object *o, const char *key, size_t max, bool *bad)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	if ((size_t)json_object_get_string_len(v) > max) {
		*bad = true;
		return NULL;
	}
	return json_object_get_string(v);
}

/* The matrix rows this virtcap knows; an older report may lack a kind (unknown), but a matrix
 * with none of them is no matrix */
static void matrix_parse(struct fleet_host *h, struct json_object *matrix)
{
	int rows = 0;

	for (int k = 0; k < GUEST_KIND_COUNT && !h->error; k++) {
		struct json_object *row;
		const char *id = guest_kind_id((enum guest_kind)k);
		char why[160];
		bool too_long = false;

		h->verdict[k] = VERDICT_UNKNOWN;
		if (!json_object_object_get_ex(matrix, id, &row))
			continue;
		rows++;

		const char *v = json_object_is_type(row, json_type_object)
				? str_member(row, "verdict") : NULL;

		if (!v || (strcmp(v, "yes") && strcmp(v, "no") && strcmp(v, "unknown"))) {
			snprintf(why, sizeof(why), "matrix row \"%s\" has no verdict yes/no/unknown",
				 id);
			host_error(h, why);
			break;
		}
		h->verdict[k] = !strcmp(v, "yes") ? VERDICT_YES : !strcmp(v, "no") ? VERDICT_NO
										: VERDICT_UNKNOWN;
		if (h->verdict[k] == VERDICT_YES)
			continue;

		const char *by = bounded(row, "blocked_by", BLOCKER_MAX, &too_long);
		const char *fix = bounded(row, "fix", FIX_MAX, &too_long);

		if (too_long) {
			snprintf(why, sizeof(why), "matrix row \"%s\": blocked_by or fix longer than "
				 "any virtcap writes", id);
			host_error(h, why);
			break;
		}
		h->blocked_by[k] = xstrdup(by);
		h->fix[k] = fix ? xstrdup(fix) : NULL;
	}
	if (!h->error && !rows)
		host_error(h, "\"matrix\" has none of the guest kinds");
}

/* A report that lists input errors of its own was made from bad input: say so */
static void own_errors(struct fleet_host *h, struct json_object *d)
{
	struct json_object *errors, *first;
	char why[512];

	if (!json_object_object_get_ex(d, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_array) || !json_object_array_length(errors))
		return;
	first = json_object_array_get_idx(errors, 0);
	snprintf(why, sizeof(why), "its report lists %zu input error%s, the first: %.200s: %.200s",
		 json_object_array_length(errors), json_object_array_length(errors) > 1 ? "s" : "",
		 str_member(first, "input") ? str_member(first, "input") : "?",
		 str_member(first, "problem") ? str_member(first, "problem") : "?");
	h->warning = xstrdup(why);
}

/* Whether every number in the value is finite: json-c takes NaN and Infinity even in strict mode,
 * and JSON has neither (the tokener's depth limit bounds the recursion) */
static bool finite_numbers(struct json_object *v)
{
	if (json_object_is_type(v, json_type_double))
		return isfinite(json_object_get_double(v));
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!finite_numbers(json_object_array_get_idx(v, i)))
				return false;
	} else if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, member) {
			(void)key;
			if (!finite_numbers(member))
				return false;
		}
	}
	return true;
}

/* Parse one report into h; a problem becomes h->error. */
static void host_parse(struct fleet_host *h, const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(FLEET_JSON_DEPTH);
	struct json_object *d, *matrix, *host;

	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	if (len == 0) {
		json_tokener_free(tok);
		host_error(h, "empty file");
		return;
	}
	d = json_tokener_parse_ex(tok, text, (int)len);

	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);

	json_tokener_free(tok);
	/* a value followed by anything but white space is not a report ("7" then binary data) */
	while (d && e == json_tokener_success && end < len && strchr(" \t\r\n", text[end]) &&
	       text[end])
		end++;
	if (d && e == json_tokener_success && end < len) {
		char why[160];

		snprintf(why, sizeof(why), "not valid JSON (data after the end of the value at byte "
			 "%zu)%s", end, memchr(text, '\0', len) ? "; the file holds binary data" : "");
		json_object_put(d);
		host_error(h, why);
		return;
	}
	if (!d || e != json_tokener_success) {
		char why[160];

		snprintf(why, sizeof(why), "not valid JSON (%s at byte %zu)%s",
			 e == json_tokener_continue ? "truncated" : json_tokener_error_desc(e), end,
			 memchr(text, '\0', len) ? "; the file holds binary data" : "");
		json_object_put(d);
		host_error(h, why);
		return;
	}

	const char *schema = str_member(d, "schema");

	if (!finite_numbers(d)) {
		host_error(h, "not valid JSON (NaN or Infinity, which JSON has not)");
	} else if (!json_object_is_type(d, json_type_object) || !schema ||
	    strncmp(schema, "virtcap/report/v", 16)) {
		host_error(h, "not a virtcap report (no \"schema\": \"virtcap/report/v1\")");
	} else if (strcmp(schema, REPORT_SCHEMA)) {
		char why[160];

		snprintf(why, sizeof(why), "schema %.40s is newer than this virtcap reads (%s): "
			 "update virtcap", schema, REPORT_SCHEMA);
		host_error(h, why);
	} else if (!json_object_object_get_ex(d, "host", &host) ||
		   !json_object_is_type(host, json_type_object) || !hostname_ok(host)) {
		host_error(h, "\"host\" is not an object with a \"hostname\" string (or null) of at "
			   "most 255 bytes");
	} else if (!json_object_object_get_ex(d, "matrix", &matrix) ||
		   !json_object_is_type(matrix, json_type_object)) {
		host_error(h, "\"matrix\" is not an object");
	} else {
		struct json_object *gen;
		const char *name = str_member(host, "hostname");

		h->hostname = xstrdup(name ? name : "(none)");
		h->time = xstrdup(json_object_object_get_ex(d, "generated_by", &gen)
				  ? str_member(gen, "time") : "");
		matrix_parse(h, matrix);
		if (!h->error)
			own_errors(h, d);
	}
	json_object_put(d);
}

static void add_file(struct fleet *f, const char *path)
{
	struct fleet_host *h = host_add(f, path);
	const char *problem = NULL;
	size_t len = 0;
	char *text = read_file(path, &len, &problem);

	if (!text) {
		host_error(h, problem);
		return;
	}
	host_parse(h, text, len);
	free(text);
}

/* Read hosts by name, newest report first; then error rows by file */
static int host_order(const void *pa, const void *pb)
{
	const struct fleet_host *a = pa, *b = pb;
	int c = (a->error != NULL) - (b->error != NULL);

	if (c)
		return c;
	if (a->error)
		return strcmp(a->file, b->file);
	if ((c = strcmp(a->hostname, b->hostname)))
		return c;
	if ((c = strcmp(b->time, a->time)))
		return c;
	return strcmp(a->file, b->file);
}

void fleet_finish(struct fleet *f)
{
	const struct fleet_host *first = NULL;	/* the newest report of the host at hand */

	if (!f->n)
		return;	/* f->v is NULL, which qsort may not be given */
	qsort(f->v, f->n, sizeof(*f->v), host_order);
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_host *h = &f->v[i];

		if (h->error || !strcmp(h->hostname, "(none)"))
			continue;
		if (!first || strcmp(first->hostname, h->hostname)) {
			first = h;
			continue;
		}
		if (!strcmp(first->time, h->time)) {
			char why[PATH_MAX + 64];

			snprintf(why, sizeof(why), "duplicate of %s (same host and time)", first->file);
			host_error(h, why);	/* it stays after its group: error rows sort later */
		} else {
			h->newer = first->file;
		}
	}
	qsort(f->v, f->n, sizeof(*f->v), host_order);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void fleet_add_path(struct fleet *f, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		host_error(host_add(f, path), strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(f, path);
		return;
	}

	DIR *dir = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0;

	if (!dir) {
		host_error(host_add(f, path), strerror(errno));
		return;
	}
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			names = realloc(names, alloc * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	if (n)	/* the same order on every run */
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char full[PATH_MAX];

		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		add_file(f, full);
		free(names[i]);
	}
	free(names);
}

void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_host *h = &f->v[i];

		free(h->file);
		free(h->error);
		free(h->warning);
		free(h->hostname);
		free(h->time);
		for (int k = 0; k < GUEST_KIND_COUNT; k++) {
			free(h->blocked_by[k]);
			free(h->fix[k]);
		}
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

size_t fleet_errors(const struct fleet *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].error != NULL || f->v[i].warning != NULL;
	return n;
}

size_t fleet_hosts(const struct fleet *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !f->v[i].error && !f->v[i].newer;
	return n;
}
