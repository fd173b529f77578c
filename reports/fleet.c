// SPDX-License-Identifier: MIT
/*
 * `virtcap fleet FILE|DIR...`: many hosts' JSON reports merged into one matrix (hosts x guest
 * kinds) with counts per verdict and the hosts that share each blocker, as text, CSV, Markdown
 * or one self-contained HTML page.
 *
 * Reports come from other machines: each is read with a size cap, checked as strict JSON (RFC
 * 8259: no NaN, valid UTF-8, nesting bounded) by reports/json_scan.c, which keeps only what the
 * merge uses, and that is checked in turn (schema,
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/fleet.h"
#include "reports/json_scan.h"
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

static const char *string_of(const void *ctx, size_t i)
{
	return ((const struct fleet *)ctx)->strings[i];
}

/* A cleaned copy of s held once for the whole fleet: 100,000 hosts share a few dozen blockers
 * and fixes (a fix is up to 4 KiB), so memory grows with the distinct ones, not the hosts */
static const char *intern(struct fleet *f, const char *s)
{
	char *clean = xstrdup(s);
	const char *held;

	if (f->lock)
		pthread_mutex_lock(f->lock);

	long i = strindex_find(&f->by_string, clean, string_of, f);

	if (i >= 0) {
		free(clean);
		held = f->strings[i];
		if (f->lock)
			pthread_mutex_unlock(f->lock);
		return held;
	}
	if (f->nstrings == f->strings_alloc) {
		f->strings_alloc = f->strings_alloc ? f->strings_alloc * 2 : 64;
		f->strings = realloc(f->strings, f->strings_alloc * sizeof(*f->strings));
		if (!f->strings)
			abort();
	}
	f->strings[f->nstrings] = clean;
	if (strindex_add(&f->by_string, f->nstrings, string_of, f))
		abort();
	held = f->strings[f->nstrings++];
	if (f->lock)
		pthread_mutex_unlock(f->lock);
	return held;
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

/* A value the merge reads: its JSON type (FIELD_MISSING when the report has none) and, for a
 * string, a copy */
#define FIELD_MISSING (-1)

struct field {
	int type;
	char *str;
	size_t len;
};

/* What the merge reads of one report, filled in as the scanner passes it (later members of the
 * same name replace earlier ones, whole: a second "host" forgets the first one's hostname) */
struct report_fields {
	int top, host, matrix, generated_by, errors, first_error;
	size_t errors_n;
	struct field schema, hostname, time, first_input, first_problem;
	int row[GUEST_KIND_COUNT];
	struct field verdict[GUEST_KIND_COUNT], blocked_by[GUEST_KIND_COUNT], fix[GUEST_KIND_COUNT];
};

static void field_forget(struct field *f)
{
	free(f->str);
	*f = (struct field){ .type = FIELD_MISSING };
}

static void field_set(struct field *f, const struct jscan_value *v)
{
	field_forget(f);
	f->type = (int)v->type;
	if (v->type == JSCAN_STRING) {
		f->str = malloc(v->len + 1);
		if (!f->str)
			abort();
		memcpy(f->str, v->str, v->len + 1);
		f->len = v->len;
	}
}

/* The string's text (up to a NUL it holds, as json-c gave it), or NULL for any other type */
static const char *field_str(const struct field *f)
{
	return f->type == JSCAN_STRING ? f->str : NULL;
}

static void row_forget(struct report_fields *r, int k)
{
	r->row[k] = FIELD_MISSING;
	field_forget(&r->verdict[k]);
	field_forget(&r->blocked_by[k]);
	field_forget(&r->fix[k]);
}

/* Forget every field (freeing its copy); from zeroed memory, the empty record */
static void fields_forget(struct report_fields *r)
{
	r->top = r->host = r->matrix = r->generated_by = r->errors = r->first_error = FIELD_MISSING;
	r->errors_n = 0;
	field_forget(&r->schema);
	field_forget(&r->hostname);
	field_forget(&r->time);
	field_forget(&r->first_input);
	field_forget(&r->first_problem);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		row_forget(r, k);
}

/* The scanner's callback: each value down to depth 3 that the merge reads, with its path.
 * It enters only the objects it reads (and the errors array): every step under them has a key */
static bool on_value(void *ctx, const struct jscan_value *v)
{
	struct report_fields *r = ctx;
	const struct jscan_step *p = v->path;
	int t = (int)v->type, k;

	if (v->depth == 0) {
		r->top = t;
		return true;
	}
	if (!p[0].key)
		return false;	/* the top is an array: not a report, and nothing here is read */
	if (!strcmp(p[0].key, "schema")) {
		field_set(&r->schema, v);
	} else if (!strcmp(p[0].key, "host")) {
		if (v->depth == 1) {
			r->host = t;
			field_forget(&r->hostname);
			return t == JSCAN_OBJECT;
		}
		if (!strcmp(p[1].key, "hostname"))
			field_set(&r->hostname, v);
	} else if (!strcmp(p[0].key, "generated_by")) {
		if (v->depth == 1) {
			r->generated_by = t;
			field_forget(&r->time);
			return t == JSCAN_OBJECT;
		}
		if (!strcmp(p[1].key, "time"))
			field_set(&r->time, v);
	} else if (!strcmp(p[0].key, "matrix")) {
		if (v->depth == 1) {
			r->matrix = t;
			for (k = 0; k < GUEST_KIND_COUNT; k++)
				row_forget(r, k);
			return t == JSCAN_OBJECT;
		}
		if ((k = guest_kind_from_id(p[1].key)) < 0)
			return false;
		if (v->depth == 2) {
			row_forget(r, k);
			r->row[k] = t;
			return t == JSCAN_OBJECT;
		}
		if (!strcmp(p[2].key, "verdict"))
			field_set(&r->verdict[k], v);
		else if (!strcmp(p[2].key, "blocked_by"))
			field_set(&r->blocked_by[k], v);
		else if (!strcmp(p[2].key, "fix"))
			field_set(&r->fix[k], v);
	} else if (!strcmp(p[0].key, "errors")) {
		if (v->depth == 1) {
			r->errors = t;
			r->errors_n = 0;
			r->first_error = FIELD_MISSING;
			field_forget(&r->first_input);
			field_forget(&r->first_problem);
			return t == JSCAN_ARRAY;
		}
		if (v->depth == 2) {
			r->errors_n = p[1].index + 1;
			if (p[1].index)
				return false;
			r->first_error = t;
			return t == JSCAN_OBJECT;
		}
		if (!strcmp(p[2].key, "input"))
			field_set(&r->first_input, v);
		else if (!strcmp(p[2].key, "problem"))
			field_set(&r->first_problem, v);
	}
	return false;
}

/* A string field of at most max bytes, or NULL; *bad set when it is there but longer */
static const char *bounded(const struct field *f, size_t max, bool *bad)
{
	if (f->type != JSCAN_STRING)
		return NULL;
	if (f->len > max) {
		*bad = true;
		return NULL;
	}
	return f->str;
}

/* The matrix rows this virtcap knows; an older report may lack a kind (unknown), but a matrix
 * with none of them is no matrix */
static void matrix_parse(struct fleet *f, struct fleet_host *h, const struct report_fields *r)
{
	int rows = 0;

	for (int k = 0; k < GUEST_KIND_COUNT && !h->error; k++) {
		const char *id = guest_kind_id((enum guest_kind)k);
		char why[160];
		bool too_long = false;

		h->verdict[k] = VERDICT_UNKNOWN;
		if (r->row[k] == FIELD_MISSING)
			continue;
		rows++;

		const char *v = r->row[k] == JSCAN_OBJECT ? field_str(&r->verdict[k]) : NULL;

		if (!v || (strcmp(v, "yes") && strcmp(v, "no") && strcmp(v, "unknown") &&
			   strcmp(v, "emulation") && strcmp(v, "not-applicable"))) {
			snprintf(why, sizeof(why), "matrix row \"%s\" has no verdict "
				 "yes/no/unknown/emulation/not-applicable", id);
			host_error(h, why);
			break;
		}
		h->verdict[k] = !strcmp(v, "yes") ? VERDICT_YES : !strcmp(v, "no") ? VERDICT_NO
				: !strcmp(v, "emulation") ? VERDICT_EMULATION
				: !strcmp(v, "not-applicable") ? VERDICT_NA : VERDICT_UNKNOWN;
		if (h->verdict[k] == VERDICT_YES || h->verdict[k] == VERDICT_EMULATION ||
		    h->verdict[k] == VERDICT_NA)
			continue;

		const char *by = bounded(&r->blocked_by[k], BLOCKER_MAX, &too_long);
		const char *fix = bounded(&r->fix[k], FIX_MAX, &too_long);

		if (too_long) {
			snprintf(why, sizeof(why), "matrix row \"%s\": blocked_by or fix longer than "
				 "any virtcap writes", id);
			host_error(h, why);
			break;
		}
		h->blocked_by[k] = intern(f, by ? by : "");
		h->fix[k] = fix ? intern(f, fix) : NULL;
	}
	if (!h->error && !rows)
		host_error(h, "\"matrix\" has none of the guest kinds");
}

/* A report that lists input errors of its own was made from bad input: say so */
static void own_errors(struct fleet_host *h, const struct report_fields *r)
{
	const char *input = r->first_error == JSCAN_OBJECT ? field_str(&r->first_input) : NULL;
	const char *problem = r->first_error == JSCAN_OBJECT ? field_str(&r->first_problem) : NULL;
	char why[512];

	if (r->errors != JSCAN_ARRAY || !r->errors_n)
		return;
	snprintf(why, sizeof(why), "its report lists %zu input error%s, the first: %.200s: %.200s",
		 r->errors_n, r->errors_n > 1 ? "s" : "", input ? input : "?",
		 problem ? problem : "?");
	h->warning = xstrdup(why);
}

/* Parse one report into h; a problem becomes h->error. */
static void host_parse(struct fleet *f, struct fleet_host *h, const char *text, size_t len)
{
	struct report_fields r;
	struct jscan_error e;

	if (len == 0) {
		host_error(h, "empty file");
		return;
	}
	memset(&r, 0, sizeof(r));
	fields_forget(&r);
	if (jscan(text, len, FLEET_JSON_DEPTH, 3, on_value, &r, &e)) {
		char why[160];

		snprintf(why, sizeof(why), "not valid JSON (%s at byte %zu)%s", e.problem, e.at,
			 memchr(text, '\0', len) ? "; the file holds binary data" : "");
		host_error(h, why);
		fields_forget(&r);
		return;
	}

	const char *schema = r.top == JSCAN_OBJECT ? field_str(&r.schema) : NULL;
	const char *name = field_str(&r.hostname);

	if (!schema || strncmp(schema, "virtcap/report/v", 16)) {
		host_error(h, "not a virtcap report (no \"schema\": \"virtcap/report/v1\")");
	} else if (strcmp(schema, REPORT_SCHEMA)) {
		char why[160];

		snprintf(why, sizeof(why), "schema %.40s is newer than this virtcap reads (%s): "
			 "update virtcap", schema, REPORT_SCHEMA);
		host_error(h, why);
	} else if (r.host != JSCAN_OBJECT ||
		   !(r.hostname.type == JSCAN_NULL ||
		     (name && r.hostname.len <= HOSTNAME_MAX))) {
		host_error(h, "\"host\" is not an object with a \"hostname\" string (or null) of at "
			   "most 255 bytes");
	} else if (r.matrix != JSCAN_OBJECT) {
		host_error(h, "\"matrix\" is not an object");
	} else {
		h->hostname = xstrdup(name ? name : "(none)");
		h->time = xstrdup(r.generated_by == JSCAN_OBJECT ? field_str(&r.time) : "");
		matrix_parse(f, h, &r);
		if (!h->error)
			own_errors(h, &r);
	}
	fields_forget(&r);
}

/* Read and parse the report at path (its name as given: h->file is cleaned for display) */
static void parse_file(struct fleet *f, struct fleet_host *h, const char *path)
{
	const char *problem = NULL;
	size_t len = 0;
	char *text = read_file(path, &len, &problem);

	if (!text) {
		host_error(h, problem);
		return;
	}
	host_parse(f, h, text, len);
	free(text);
}

static void add_file(struct fleet *f, const char *path)
{
	parse_file(f, host_add(f, path), path);
}

/*
 * A directory's reports, parsed on every core: a report is read and checked on its own, so
 * the slots are made first (host_add may move them) and each worker takes the next one; only
 * the strings held for the whole fleet are shared (intern() takes f->lock).
 */
struct parse_job {
	struct fleet *f;
	char **paths;
	size_t first, n;
	size_t next;	/* the next path to take, atomically */
};

#define PARSE_WORKERS_MAX 8
#define PARSE_PER_WORKER 64	/* fewer reports than this a worker: not worth a thread */

static void *parse_worker(void *arg)
{
	struct parse_job *j = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->n)
		parse_file(j->f, &j->f->v[j->first + i], j->paths[i]);
	return NULL;
}

static void parse_all(struct fleet *f, char **paths, size_t n)
{
	struct parse_job job = { .f = f, .paths = paths, .first = f->n, .n = n };
	pthread_t workers[PARSE_WORKERS_MAX];
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cores > 1 ? (size_t)cores : 1, started = 0;

	for (size_t i = 0; i < n; i++)
		host_add(f, paths[i]);
	if (want > PARSE_WORKERS_MAX)
		want = PARSE_WORKERS_MAX;
	if (want > n / PARSE_PER_WORKER)
		want = n / PARSE_PER_WORKER;
	f->lock = &lock;
	while (started + 1 < want && !pthread_create(&workers[started], NULL, parse_worker, &job))
		started++;
	parse_worker(&job);	/* this thread is a worker too, and the only one if none started */
	for (size_t i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	f->lock = NULL;
	pthread_mutex_destroy(&lock);
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
		if (!(names[n++] = strdup(e->d_name)))	/* as it is: it is opened by it */
			abort();
	}
	closedir(dir);
	if (n)	/* the same order on every run */
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {	/* each name becomes its path, in place */
		char *full;

		if (asprintf(&full, "%s/%s", path, names[i]) < 0)
			abort();
		free(names[i]);
		names[i] = full;
	}
	parse_all(f, names, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
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
	}
	free(f->v);
	for (size_t i = 0; i < f->nstrings; i++)
		free(f->strings[i]);
	free(f->strings);
	strindex_free(&f->by_string);
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
