// SPDX-License-Identifier: MIT
/*
 * `virtcap check --require ID,... | --profile NAME`: CI hardware qualification. Exit 0 when
 * every requirement is "yes", 1 when one is not (each said with its reason and fix), 2 on a
 * usage or internal error. What the requirements and profiles are, and how each is judged:
 * reports/requirements.c; here, only how the result is told (text, TAP, JSON, JUnit).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/atomic_file.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "reports/report.h"
#include "reports/requirements.h"
#include "reports/text.h"

/* JUnit XML, written beside path and renamed: a failed run leaves no partial file. */
static int write_junit(const char *path, const struct requirement *j, size_t n, size_t failed,
		       char *err, size_t errlen)
{
	struct atomic_file a;
	int rc = atomic_file_open(&a, path, err, errlen);

	if (rc)
		return rc;

	FILE *f = fdopen(a.fd, "w");

	if (!f) {
		atomic_file_abort(&a);
		snprintf(err, errlen, "%s: cannot write", path);
		return -ENOMEM;
	}
	a.fd = -1;	/* the stream owns it now */
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuite name=\"virtcap\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", n,
		failed);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  <testcase classname=\"virtcap.check\" name=\"");
		text_escape_markup(f, j[i].id);
		fprintf(f, "\"");
		if (j[i].verdict == VERDICT_YES) {
			fprintf(f, "/>\n");
			continue;
		}
		fprintf(f, ">\n    <failure message=\"");
		text_escape_markup(f, j[i].reason);
		fprintf(f, "\" type=\"%s\">", verdict_name(j[i].verdict));
		text_escape_markup(f, j[i].reason);
		if (j[i].fix) {
			fprintf(f, "\nfix: ");
			text_escape_markup(f, j[i].fix);
		}
		fprintf(f, "</failure>\n  </testcase>\n");
	}
	fprintf(f, "</testsuite>\n");

	if (fclose(f) != 0) {
		atomic_file_abort(&a);
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		return -EIO;
	}
	return atomic_file_commit(&a, err, errlen);
}

static void print_tap(const struct requirement *j, size_t n, FILE *out)
{
	fprintf(out, "1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s %zu - %s: %s\n", j[i].verdict == VERDICT_YES ? "ok" : "not ok", i + 1,
			j[i].id, verdict_name(j[i].verdict));
		fprintf(out, "# %s\n", j[i].reason);
		if (j[i].verdict != VERDICT_YES && j[i].fix)
			fprintf(out, "# fix: %s\n", j[i].fix);
	}
}

static void print_json(const struct requirement *j, size_t n, size_t failed,
		       const struct check_opts *o, FILE *out)
{
	struct json_object *obj = json_object_new_object(), *reqs = json_object_new_array();

	json_object_object_add(obj, "schema", json_object_new_string("virtcap/check/v1"));
	json_object_object_add(obj, "passed", json_object_new_boolean(failed == 0));
	json_object_object_add(obj, "profile", o->profile ? json_object_new_string(o->profile)
							 : NULL);
	for (size_t i = 0; i < n; i++) {
		struct json_object *q = json_object_new_object();

		json_object_object_add(q, "id", json_object_new_string(j[i].id));
		json_object_object_add(q, "verdict", json_object_new_string(verdict_name(j[i].verdict)));
		json_object_object_add(q, "passed", json_object_new_boolean(j[i].verdict == VERDICT_YES));
		json_object_object_add(q, "reason", json_object_new_string(j[i].reason));
		json_object_object_add(q, "fix", j[i].fix ? json_object_new_string(j[i].fix) : NULL);
		json_object_array_add(reqs, q);
	}
	json_object_object_add(obj, "requirements", reqs);
	fprintf(out, "%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

static void print_text(const struct requirement *j, size_t n, size_t failed,
		       const struct check_opts *o, FILE *out)
{
	for (size_t i = 0; i < n; i++) {
		char lead[64];

		snprintf(lead, sizeof(lead), "%s  %-12s ", j[i].verdict == VERDICT_YES ? "PASS" : "FAIL",
			 j[i].id);
		cli_print_wrapped(out, lead, j[i].reason, 19);
		if (j[i].verdict != VERDICT_YES && j[i].fix) {
			fputs("                   fix: ", out);
			text_wrap_fix(out, j[i].fix, 24, 24, 78, false);
		}
	}
	fprintf(out, "%s: %zu of %zu requirements hold%s%s\n", failed ? "FAILED" : "PASSED",
		n - failed, n, o->profile ? " for profile " : "", o->profile ? o->profile : "");
}

/*
 * s in a GitHub Actions workflow command (docs: "Workflow commands"): in a message, %, CR and
 * LF percent-encoded; in a property (title=...) also : and ,. So no report text can end the
 * command or start another.
 */
static void gha_escape(FILE *out, const char *s, bool property)
{
	for (; s && *s; s++) {
		if (*s == '%' || *s == '\r' || *s == '\n' || (property && (*s == ':' || *s == ',')))
			fprintf(out, "%%%02X", (unsigned char)*s);
		else
			fputc(*s, out);
	}
}

/* GitHub Actions: an error annotation per failing requirement, on stdout where the runner reads
 * workflow commands (not beside JSON or TAP, which they would break); the step summary as
 * Markdown, appended to $GITHUB_STEP_SUMMARY */
static int print_github(const struct requirement *j, size_t n, size_t failed,
			const struct check_opts *o, FILE *out)
{
	const char *summary = getenv("GITHUB_STEP_SUMMARY");

	for (size_t i = 0; i < n && !o->json && !o->tap; i++) {
		char title[96];

		if (j[i].verdict == VERDICT_YES)
			continue;
		snprintf(title, sizeof(title), "virtcap check: %s is %s", j[i].id,
			 verdict_name(j[i].verdict));
		fputs("::error title=", out);
		gha_escape(out, title, true);
		fputs("::", out);
		gha_escape(out, j[i].reason, false);
		if (j[i].fix) {
			fputs(". Fix: ", out);
			gha_escape(out, j[i].fix, false);
		}
		fputc('\n', out);
	}
	if (!summary || !*summary)
		return 0;

	FILE *f = fopen(summary, "a");

	if (!f) {
		cli_error("virtcap: GITHUB_STEP_SUMMARY %s: %s\n", summary, strerror(errno));
		return -errno;
	}
	fprintf(f, "### virtcap check: %s, %zu of %zu requirements hold%s", failed ? "FAILED" :
		"passed", n - failed, n, o->profile ? " for profile " : "");
	text_escape_markdown(f, o->profile);
	fputs("\n\n| requirement | verdict | why | fix |\n|---|---|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("| ", f);
		text_escape_markdown(f, j[i].id);
		fprintf(f, " | %s | ", j[i].verdict == VERDICT_YES ? "yes" :
			verdict_name(j[i].verdict));
		text_escape_markdown(f, j[i].reason);
		fputs(" | ", f);
		text_escape_markdown(f, j[i].verdict == VERDICT_YES ? NULL : j[i].fix);
		fputs(" |\n", f);
	}
	fputc('\n', f);
	if (fclose(f)) {
		cli_error("virtcap: GITHUB_STEP_SUMMARY %s: cannot write it\n", summary);
		return -EIO;
	}
	return 0;
}

int cli_check(const struct report *r, const char *requires, const struct check_opts *o,
	      FILE *out)
{
	struct requirement j[64];
	size_t n = 0, failed = 0;
	char list[1024];

	snprintf(list, sizeof(list), "%s", requires);
	for (char *save, *id = strtok_r(list, ",", &save); id && n < 64;
	     id = strtok_r(NULL, ",", &save)) {
		bool seen = false;

		for (size_t i = 0; i < n && !seen; i++)
			seen = !strcmp(j[i].id, id);
		if (seen)
			continue;
		requirement_judge(r, id, &j[n]);
		if (j[n].verdict != VERDICT_YES)
			failed++;
		n++;
	}
	if (o->junit) {
		char err[PATH_MAX + 128];

		if (write_junit(o->junit, j, n, failed, err, sizeof(err))) {
			cli_error("virtcap: %s\n", err);
			return 2;
		}
	}
	if (o->github && print_github(j, n, failed, o, out))
		return 2;
	if (o->tap)
		print_tap(j, n, out);
	else if (o->json)
		print_json(j, n, failed, o, out);
	else
		print_text(j, n, failed, o, out);
	return failed ? 1 : 0;
}
