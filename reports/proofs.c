// SPDX-License-Identifier: MIT
/*
 * Proofs into the report: a proof decides its matrix row. "proven" makes the verdict yes,
 * "failed" makes it no, "not-run" leaves the probe's verdict. The probe's own verdict is kept
 * beside it, and where the two disagree the row says so: that is the most valuable thing
 * virtcap can print.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "reports/report.h"

int report_matrix_prove(struct report *r, enum guest_kind k, const char *status,
			const char *detail, unsigned long long duration_us)
{
	struct matrix_row *row = &r->matrix[k];
	struct json_object *proof = json_object_new_object();
	char reason[1200];

	if (!proof)
		return -ENOMEM;
	json_object_object_add(proof, "status", json_object_new_string(status));
	json_object_object_add(proof, "detail", detail ? json_object_new_string(detail) : NULL);
	json_object_object_add(proof, "duration_us", json_object_new_int64((int64_t)duration_us));
	json_object_put(row->proof);
	row->proof = proof;
	row->probe_verdict = row->verdict;

	if (!strcmp(status, "proven")) {
		row->disagreement = row->verdict == VERDICT_NO;
		snprintf(reason, sizeof(reason), "%s%s", row->disagreement ?
			 "the probe said no, but a test guest proved it works: " : "proven: ",
			 detail ? detail : "");
		return report_matrix_set(r, k, VERDICT_YES, NULL, reason, NULL);
	}
	if (!strcmp(status, "failed") && row->verdict == VERDICT_NO) {
		/* the guest confirms the probe: keep the probe's cause and fix, which say more */
		row->disagreement = false;
		snprintf(reason, sizeof(reason), "%s; the test guest confirms: %s",
			 row->reason ? row->reason : "", detail ? detail : "");
		return report_matrix_set(r, k, VERDICT_NO, row->blocked_by, reason, row->fix);
	}
	if (!strcmp(status, "failed")) {
		row->disagreement = row->verdict == VERDICT_YES;
		snprintf(reason, sizeof(reason), "%s%s", row->disagreement ?
			 "the probe said yes, but the test guest failed: " : "the test guest failed: ",
			 detail ? detail : "");
		return report_matrix_set(r, k, VERDICT_NO, "proof", reason, row->fix);
	}
	row->disagreement = false;
	return 0;
}
