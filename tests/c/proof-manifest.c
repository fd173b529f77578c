// SPDX-License-Identifier: MIT
/*
 * proofs/manifest.h keeps its rules: every proof that decides or is part of a row has at least
 * one liar, a liar runs that proof's own check and setup, decides no row, is named
 * liar-PROOF-LIE after it, and runs only when named. Which liars fail for which reason is
 * t070's (this host's KVM) and t060's (the lab's) to show.
 */
#include <string.h>

#include "proofs/proofs.h"
#include "tests/tap.h"

/* The proof a liar lies to: the capability or part proof its id names, liar-ID-... */
static const struct proof_def *lied_to(const struct proof_def *liar)
{
	for (size_t i = 0; i < proof_count; i++) {
		const struct proof_def *p = &proof_defs[i];
		size_t n = strlen(p->id);

		if (proof_runs_by_default(p) && !strncmp(liar->id, "liar-", 5) &&
		    !strncmp(liar->id + 5, p->id, n) && liar->id[5 + n] == '-')
			return p;
	}
	return NULL;
}

int main(void)
{
	tap_plan_lazy();
	for (size_t i = 0; i < proof_count; i++) {
		const struct proof_def *p = &proof_defs[i];

		if (p->group == PROOF_LIAR) {
			const struct proof_def *truth = lied_to(p);

			ok(truth && truth->check == p->check && truth->setup == p->setup &&
			   truth->vcpus == p->vcpus, "%s: runs %s's own setup and check", p->id,
			   truth ? truth->id : "(no proof of that name)");
			ok(!p->row && !proof_runs_by_default(p), "%s: decides no row and runs only "
			   "when named", p->id);
			ok(p->svm.end > p->svm.start && p->vmx.end > p->vmx.start,
			   "%s: its guest images are built", p->id);
			continue;
		}
		if (!proof_runs_by_default(p))
			continue;

		int liars = 0;

		for (size_t j = 0; j < proof_count; j++)
			liars += proof_defs[j].group == PROOF_LIAR && lied_to(&proof_defs[j]) == p;
		ok(liars > 0, "%s: has %d liar%s for its check to fail", p->id, liars,
		   liars == 1 ? "" : "s");
	}
	return tap_done();
}
