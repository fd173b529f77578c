// SPDX-License-Identifier: MIT
/*
 * A real guest settles the os64 row: `prove --stack qemu` booted (or could not boot) a 64-bit
 * Linux under QEMU with KVM, which is the question the row asks. hv-mini's guests locate a
 * failing mechanism; a real kernel is the outside yardstick. Where the two disagree the row
 * says so, as a proof contradicting the probe does (reports/proofs.c). Its virtio-gpu display
 * settles the graphics row the same way.
 */
#include <stdio.h>

#include "reports/report.h"

int report_stack_decide_os(struct report *r, const struct report_stack *s)
{
	const typeof(s->accel[0]) *kvm = &s->accel[STACK_KVM];
	struct matrix_row *row = &r->matrix[GUEST_OS64];
	char reason[1600];

	if (s->installed != 1 || kvm->verdict == VERDICT_UNKNOWN)
		return 0;

	const char *said = kvm->reason ? kvm->reason : "";
	enum verdict before = row->verdict;

	if (kvm->verdict == before) {	/* confirmed: the row's own cause and fix stay */
		snprintf(reason, sizeof(reason), "%s; a real 64-bit Linux under QEMU with KVM (prove "
			 "--stack %s) confirms: %s", row->reason ? row->reason : "", s->name, said);
		return report_matrix_set(r, GUEST_OS64, before, row->blocked_by, reason, row->fix);
	}
	row->probe_verdict = before;
	row->disagreement = before != VERDICT_UNKNOWN;
	if (kvm->verdict == VERDICT_YES) {
		snprintf(reason, sizeof(reason), "%sa real 64-bit Linux boots under QEMU with KVM "
			 "(prove --stack %s): %s", row->disagreement ? "the test guests said no, but "
			 : "", s->name, said);
		return report_matrix_set(r, GUEST_OS64, VERDICT_YES, NULL, reason, NULL);
	}
	snprintf(reason, sizeof(reason), "%sa real 64-bit Linux does not boot under QEMU with KVM "
		 "(prove --stack %s): %s", row->disagreement ? "the test guests said yes, but " : "",
		 s->name, said);
	return report_matrix_set(r, GUEST_OS64, VERDICT_NO, "stack", reason, kvm->fix);
}

int report_stack_decide_graphics(struct report *r, const struct report_stack *s)
{
	const typeof(s->device[0]) *d = &s->device[STACK_DISPLAY];
	struct matrix_row *row = &r->matrix[GUEST_GRAPHICS];
	enum verdict before = row->verdict;
	char reason[1200];

	if (s->installed != 1 || !s->devices_ran || d->status == PROOF_NOT_RUN)
		return 0;
	if (d->status == PROOF_PROVEN && before == VERDICT_YES) {	/* confirmed */
		snprintf(reason, sizeof(reason), "%s; a real guest's display is proven (prove "
			 "--stack %s): %s", row->reason ? row->reason : "", s->name,
			 d->detail ? d->detail : "");
		return report_matrix_set(r, GUEST_GRAPHICS, before, NULL, reason, NULL);
	}
	row->probe_verdict = before;
	row->disagreement = before != VERDICT_UNKNOWN;
	if (d->status == PROOF_PROVEN) {
		snprintf(reason, sizeof(reason), "a real guest's display is proven (prove --stack "
			 "%s): %s", s->name, d->detail ? d->detail : "");
		return report_matrix_set(r, GUEST_GRAPHICS, VERDICT_YES, NULL, reason, NULL);
	}
	snprintf(reason, sizeof(reason), "%sa real guest shows no display (prove --stack %s): %s",
		 row->disagreement ? "the probe found one, but " : "", s->name,
		 d->detail ? d->detail : "");
	return report_matrix_set(r, GUEST_GRAPHICS, VERDICT_NO, "stack", reason, NULL);
}
