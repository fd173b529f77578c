// SPDX-License-Identifier: MIT
/*
 * A proof decides its row, and a contradiction with the probe is flagged and printed first:
 * probe yes + proof failed, probe no + proof proven, and not-run leaving the probe's verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reports/report.h"
#include "tests/tap.h"

static __attribute__((noinline)) char *human(const struct report *r)
{
	struct report_human_opts o = { .colour = false, .width = 80 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_print_human(r, &o, f);
	fclose(f);
	return buf;
}

int main(void)
{
	struct report *r = report_new();

	tap_plan(14);
	report_matrix_derive(r);	/* nothing known: every row unknown */
	report_matrix_set(r, GUEST_LONG64, VERDICT_YES, NULL, "probe says yes", NULL);
	r->matrix[GUEST_LONG64].probe_verdict = VERDICT_YES;
	report_matrix_set(r, GUEST_REAL16, VERDICT_NO, "cpu.vmx", "probe says no", "fix it");
	r->matrix[GUEST_REAL16].probe_verdict = VERDICT_NO;

	report_matrix_prove(r, GUEST_LONG64, "failed", "triple fault at RIP=0x20000", 1500);
	is_int(r->matrix[GUEST_LONG64].verdict, VERDICT_NO, "a failed proof makes the row no");
	ok(r->matrix[GUEST_LONG64].disagreement, "probe yes + proof failed is a disagreement");
	is_string(r->matrix[GUEST_LONG64].blocked_by, "proof", "blocked by the proof");
	is_int(r->matrix[GUEST_LONG64].probe_verdict, VERDICT_YES, "the probe's verdict is kept");

	report_matrix_prove(r, GUEST_REAL16, "proven", "real mode seen", 900);
	is_int(r->matrix[GUEST_REAL16].verdict, VERDICT_YES, "a proven proof makes the row yes");
	ok(r->matrix[GUEST_REAL16].disagreement, "probe no + proof proven is a disagreement");

	report_matrix_set(r, GUEST_NESTED, VERDICT_NO, "kernel.nested", "nested=0", "modprobe");
	report_matrix_prove(r, GUEST_NESTED, "failed", "no SVM in the L1", 10);
	is_string(r->matrix[GUEST_NESTED].blocked_by, "kernel.nested",
		  "a failure confirming the probe keeps the probe's cause");
	is_string(r->matrix[GUEST_NESTED].fix, "modprobe", "and its fix");

	report_matrix_prove(r, GUEST_PIO, "not-run", "no /dev/kvm", 10);
	is_int(r->matrix[GUEST_PIO].verdict, VERDICT_UNKNOWN, "not-run keeps the probe's verdict");
	ok(!r->matrix[GUEST_PIO].disagreement, "and is no disagreement");

	struct json_object *j = report_to_json(r), *row, *v;

	json_object_object_get_ex(json_object_object_get(j, "matrix"), "long64", &row);
	ok(json_object_object_get_ex(row, "disagreement", &v) && json_object_get_boolean(v),
	   "the JSON row carries the disagreement");
	ok(json_object_object_get_ex(row, "probe_verdict", &v) &&
	   !strcmp(json_object_get_string(v), "yes"), "and the probe's verdict");
	json_object_put(j);

	char *text = human(r);
	char *dis = strstr(text, "The probe and the proofs disagree");
	char *matrix = strstr(text, "What guests can run here");

	ok(dis && matrix && dis < matrix, "the human output says so before the matrix");
	ok(strstr(text, "long64       probe said yes, proof says no") != NULL,
	   "naming the row and both verdicts");
	free(text);
	report_free(r);
	return tap_done();
}
