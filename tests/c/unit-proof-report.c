// SPDX-License-Identifier: MIT
/*
 * A proof decides its row, and a contradiction with the probe is flagged and printed first:
 * probe yes + proof failed, probe no + proof proven, and not-run leaving the probe's verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reports/json.h"
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

/* Record a proof of status for row k as cli/prove.c does */
static int prove(struct report *r, enum guest_kind k, enum proof_status status, const char *detail)
{
	struct report_proof p = { .id = (char *)guest_kind_id(k), .status = status,
				  .detail = (char *)detail, .duration_us = 10, .row = (int)k };

	return report_proof_record(r, &p);
}

int main(void)
{
	struct report *r = report_new();

	tap_plan(18);
	report_matrix_derive(r);	/* nothing known: every row unknown */
	report_matrix_set(r, GUEST_LONG64, VERDICT_YES, NULL, "probe says yes", NULL);
	report_matrix_set(r, GUEST_REAL16, VERDICT_NO, "cpu.vmx", "probe says no", "fix it");
	report_matrix_set(r, GUEST_PIO, VERDICT_YES, NULL, "probe says yes", NULL);

	prove(r, GUEST_LONG64, PROOF_FAILED, "triple fault at RIP=0x20000");
	is_int(r->matrix[GUEST_LONG64].verdict, VERDICT_NO, "a failed proof makes the row no");
	ok(r->matrix[GUEST_LONG64].disagreement, "probe yes + proof failed is a disagreement");
	is_string(r->matrix[GUEST_LONG64].blocked_by, "proof", "blocked by the proof");
	is_int(r->matrix[GUEST_LONG64].probe_verdict, VERDICT_YES,
	       "the probe's verdict is kept beside it");

	prove(r, GUEST_REAL16, PROOF_PROVEN, "real mode seen");
	is_int(r->matrix[GUEST_REAL16].verdict, VERDICT_YES, "a proven proof makes the row yes");
	ok(r->matrix[GUEST_REAL16].disagreement, "probe no + proof proven is a disagreement");
	is_int(r->matrix[GUEST_REAL16].probe_verdict, VERDICT_NO, "and the probe's no is kept");

	report_matrix_set(r, GUEST_NESTED, VERDICT_NO, "kernel.nested", "nested=0", "modprobe");
	prove(r, GUEST_NESTED, PROOF_FAILED, "no SVM in the L1");
	is_string(r->matrix[GUEST_NESTED].blocked_by, "kernel.nested",
		  "a failure confirming the probe keeps the probe's cause");
	is_string(r->matrix[GUEST_NESTED].fix, "modprobe", "and its fix");
	ok(!r->matrix[GUEST_NESTED].disagreement, "and is no disagreement");

	/* a part of the nested proof decides nothing */
	struct report_proof part = { .id = "nested_tdp", .status = PROOF_PROVEN, .detail = "EPT",
				     .row = GUEST_NESTED, .part = true };

	report_proof_record(r, &part);
	is_int(r->matrix[GUEST_NESTED].verdict, VERDICT_NO, "a proven part does not decide its row");

	prove(r, GUEST_PIO, PROOF_NOT_RUN, "no /dev/kvm");
	is_int(r->matrix[GUEST_PIO].verdict, VERDICT_YES, "not-run keeps the probe's yes");
	ok(!r->matrix[GUEST_PIO].disagreement, "and is no disagreement");

	struct json_object *j = report_to_json(r), *row, *v;

	json_object_object_get_ex(json_object_object_get(j, "matrix"), "long64", &row);
	ok(json_object_object_get_ex(row, "disagreement", &v) && json_object_get_boolean(v),
	   "the JSON row carries the disagreement");
	ok(json_object_object_get_ex(row, "probe_verdict", &v) &&
	   !strcmp(json_object_get_string(v), "yes"), "and the probe's verdict");

	struct json_object *proof = NULL, *tdp = NULL;

	json_object_object_get_ex(json_object_object_get(j, "matrix"), "nested", &row);
	ok(json_object_object_get_ex(row, "proof", &proof) &&
	   json_object_object_get_ex(proof, "nested_tdp", &tdp) &&
	   !strcmp(json_object_get_string(json_object_object_get(tdp, "status")), "proven"),
	   "the part is shown inside its row's proof, under its id");
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
