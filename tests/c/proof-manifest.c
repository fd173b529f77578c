// SPDX-License-Identifier: MIT
/*
 * proofs/manifest.h keeps its rules: every proof that decides or is part of a row has at least
 * one liar, a liar runs that proof's own check and setup, decides no row, is named
 * liar-PROOF-LIE after it, and runs only when named. Which liars fail for which reason is
 * t070's (this host's KVM) and t060's (the lab's) to show. proofs/manifest_arm64.h, which an
 * x86 build does not compile, is held to the same rules by its names: its lines read here with
 * the setup, check and image as words (t069 runs its liars in the arm64 lab).
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

/* The arm64 manifest's lines, with its functions and images as their names */
struct named_proof {
	const char *id, *row;
	enum proof_group group;
	int vcpus;
	const char *image, *setup, *check;
};

#define ANY(g, m) #g
#define PROOF(id, row, group, vcpus, image, setup, check) \
	{ id, row, PROOF_##group, vcpus, image, #setup, #check },
static const struct named_proof arm64_proofs[] = {
#include "proofs/manifest_arm64.h"
};
#undef ANY
#undef PROOF

static void check_arm64_manifest(void)
{
	size_t n = sizeof(arm64_proofs) / sizeof(arm64_proofs[0]);

	for (size_t i = 0; i < n; i++) {
		const struct named_proof *p = &arm64_proofs[i], *truth = NULL;

		if (p->group != PROOF_LIAR) {
			int liars = 0;

			for (size_t j = 0; j < n; j++) {
				const struct named_proof *l = &arm64_proofs[j];
				size_t k = strlen(p->id);

				liars += l->group == PROOF_LIAR && !strncmp(l->id + 5, p->id, k) &&
					 l->id[5 + k] == '-';
			}
			ok(p->group != PROOF_CAPABILITY || liars > 0, "arm64 %s: has %d liar%s", p->id,
			   liars, liars == 1 ? "" : "s");
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			size_t k = strlen(arm64_proofs[j].id);

			if (arm64_proofs[j].group != PROOF_LIAR &&
			    !strncmp(p->id, "liar-", 5) && !strncmp(p->id + 5, arm64_proofs[j].id, k) &&
			    p->id[5 + k] == '-')
				truth = &arm64_proofs[j];
		}
		ok(truth && !strcmp(truth->check, p->check) && !strcmp(truth->setup, p->setup) &&
		   truth->vcpus == p->vcpus, "arm64 %s: runs %s's own setup and check", p->id,
		   truth ? truth->id : "(no proof of that name)");
		ok(!p->row && truth && strcmp(truth->image, p->image), "arm64 %s: decides no row and "
		   "runs an image of its own", p->id);
	}
}

int main(void)
{
	tap_plan_lazy();
	check_arm64_manifest();
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
