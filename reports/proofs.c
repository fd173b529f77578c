// SPDX-License-Identifier: MIT
/*
 * Proofs into the report: a proof decides its matrix row. "proven" makes the verdict yes,
 * "failed" makes it no, "not-run" leaves the probe's verdict. The probe's own verdict is kept
 * beside it, and where the two disagree the row says so: that is the most valuable thing
 * virtcap can print.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/advice.h"
#include "reports/report.h"
#include "reports/text.h"

const char *proof_status_name(enum proof_status s)
{
	return s == PROOF_PROVEN ? "proven" : s == PROOF_FAILED ? "failed" : "not-run";
}

/* The row's verdict from the proof that decides it */
static int decide_row(struct report *r, enum guest_kind k, const struct report_proof *p)
{
	struct matrix_row *row = &r->matrix[k];
	const char *detail = p->detail ? p->detail : "";
	char reason[1200];

	row->probe_verdict = row->verdict;
	switch (p->status) {
	case PROOF_PROVEN:
		row->disagreement = row->verdict == VERDICT_NO;
		snprintf(reason, sizeof(reason), "%s%s", row->disagreement ?
			 "the probe said no, but a test guest proved it works: " : "proven: ",
			 detail);
		return report_matrix_set(r, k, VERDICT_YES, NULL, reason, NULL);
	case PROOF_FAILED:
		if (row->verdict == VERDICT_NO) {
			/* the guest confirms the probe: keep the probe's cause and fix, which say more */
			row->disagreement = false;
			snprintf(reason, sizeof(reason), "%s; the test guest confirms: %s",
				 row->reason ? row->reason : "", detail);
			return report_matrix_set(r, k, VERDICT_NO, row->blocked_by, reason, row->fix);
		}
		row->disagreement = row->verdict == VERDICT_YES;
		snprintf(reason, sizeof(reason), "%s%s", row->disagreement ?
			 "the probe said yes, but the test guest failed: " : "the test guest failed: ",
			 detail);
		return report_matrix_set(r, k, VERDICT_NO, "proof", reason, row->fix);
	default:
		row->disagreement = false;
		return 0;
	}
}

int report_proof_record(struct report *r, const struct report_proof *p)
{
	if (r->nproofs == r->proofs_alloc) {
		size_t n = r->proofs_alloc ? 2 * r->proofs_alloc : 16;
		struct report_proof *grown = realloc(r->proofs, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->proofs = grown;
		r->proofs_alloc = n;
	}

	struct report_proof *q = &r->proofs[r->nproofs];

	*q = *p;
	q->id = text_dup_clean(p->id);
	q->detail = text_dup_clean(p->detail);
	if (!q->id || (p->detail && !q->detail)) {
		free(q->id);
		free(q->detail);
		return -ENOMEM;
	}
	if (q->nmetrics > PROOF_METRICS_MAX)
		q->nmetrics = PROOF_METRICS_MAX;
	r->nproofs++;
	if (q->row >= 0 && q->row < GUEST_KIND_COUNT && !q->part)
		return decide_row(r, (enum guest_kind)q->row, q) ?: advice_rows_derive(r);
	return 0;
}
