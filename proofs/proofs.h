/* SPDX-License-Identifier: MIT */
/*
 * The proofs: test guests that show from the inside that a capability works (proofs/manifest.h
 * lists them and says how to add one). The runner here boots a proof's guest, lets its setup
 * plant what the guest looks for, runs every vCPU to DONE under the deadline with hv-mini's
 * devices, and hands the run to its check, which sets the result.
 *
 * A proof is "proven" only when the guest reported what only the claimed mode or device
 * produces AND the vCPU state afterwards is the claimed one; "failed" with the exit, the
 * registers and RIP otherwise; "not-run" when no VM can be made here, saying why.
 */
#ifndef VIRTCAP_PROOFS_H
#define VIRTCAP_PROOFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv-mini/kit.h"

/* The manifest of the architecture built for: its proofs, guests and checks */
#if defined(__aarch64__)
#define PROOFS_MANIFEST "proofs/manifest_arm64.h"
#else
#define PROOFS_MANIFEST "proofs/manifest.h"
#endif

enum proof_group { PROOF_CAPABILITY, PROOF_PART, PROOF_HOSTILE, PROOF_LIAR };

struct proof_image {
	const uint8_t *start, *end;
	enum hv_mode mode;
};

struct proof_def;

/* One run of a proof, from its setup to its check */
struct proof_run {
	const struct proof_def *def;
	const struct hv_proof_opts *opts;
	struct hv_vm vm;
	struct hv_devices dev;
	struct hv_exit done[HV_MAX_VCPUS];	/* each vCPU's DONE, or an ABORT */
	struct kvm_sregs sregs;		/* x86: vCPU 0 after a finished run */
	bool finished;			/* every vCPU reported DONE */
	uint32_t nonce[4];		/* random for each run: what the host plants, so that no
					 * guest can know an answer it did not work out */
	char why[768];			/* if not, what happened instead */
};

/* 0, or -1 with res set (not-run: the host could not prepare; failed otherwise) */
typedef int proof_setup_fn(struct proof_run *run, struct hv_proof_result *res);
/* Set res from the run; called for finished runs and for those that did not finish */
typedef void proof_check_fn(struct proof_run *run, struct hv_proof_result *res);

struct proof_def {
	const char *id;
	const char *row;	/* the matrix row it decides, or NULL */
	enum proof_group group;
	int vcpus;
	struct proof_image svm, vmx;	/* the same for a proof of any vendor */
	proof_setup_fn *setup;
	proof_check_fn *check;
};

extern const struct proof_def proof_defs[];
extern const size_t proof_count;

/* Whether p runs when no proof is named: not the hostile guests nor the liars */
bool proof_runs_by_default(const struct proof_def *p);

/* The proof named id, or NULL */
const struct proof_def *proof_find(const char *id);

/* Every proof's id in manifest order but the liars', then "liars" (the word --only takes for
 * them all), separated by sep, into buf; returns buf */
const char *proof_ids(char *buf, size_t len, const char *sep);

/* Run one proof in this process; res is set whatever happens, duration_us included */
void proof_run(const struct proof_def *p, const struct hv_proof_opts *o,
	       struct hv_proof_result *res);

/*
 * Run one proof in a child process that is killed when it has not answered PROOF_GRACE_MS
 * after its deadline, so that no guest, no KVM_RUN that does not return and no crash of ours
 * can keep the run from ending: such a proof is failed, saying it did not finish. res is set
 * whatever happens.
 */
void proof_run_bounded(const struct proof_def *p, const struct hv_proof_opts *o,
		       struct hv_proof_result *res);

#define PROOF_GRACE_MS 3000	/* after the deadline: tearing a VM down under an emulator */
#define PROOF_REAP_MS 2000	/* after SIGKILL: then the process is left to init */

/* Every setup and check of the manifest, declared from it */
proof_setup_fn proof_no_setup;
#define ANY(g, m)
#define BY_VENDOR(g1, m1, g2, m2)
#define PROOF(id, row, group, vcpus, image, setup, check) \
	proof_setup_fn setup; proof_check_fn check;
#include PROOFS_MANIFEST
#undef ANY
#undef BY_VENDOR
#undef PROOF

/* Why a run is not its proof: each condition that does not hold, "; " between them */
struct why_not {
	char text[640];
	size_t used;
};

void why_not(struct why_not *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The guest's answer is got, not the want only the claimed mode gives */
void why_not_answer(struct why_not *w, uint64_t got, uint64_t want);
/* Failed with the reasons, when there are any: true then */
bool failed_for(struct hv_proof_result *res, const struct why_not *w);

/*
 * KVM's count of the event name on vCPU 0 (hv_vcpu_stat: hypercalls, irq_injections,
 * nested_run), which no guest can write: a reason into w when it is below least. Where the
 * kernel keeps no counts (before Linux 5.14) *note says so and the guest's word stands alone;
 * else *note says what KVM counted. note starts with "; ".
 */
void proof_kvm_counted(struct proof_run *run, const char *name, uint64_t least, const char *what,
		       struct why_not *w, char *note, size_t len);

/* The checks both architectures' proofs share (proofs/shared.c): a device register the guest
 * wrote (written, as the device latched it: seen) and read back its answer from, at where; and
 * two vCPUs' handshake through shared memory, each reporting its own id (GUEST_SMP_*), failed
 * for the reasons already in w too, proven with how (", started by ...") in its detail */
void proof_check_device(struct proof_run *run, const char *where, uint32_t written, uint32_t seen,
			struct hv_proof_result *res);
void proof_check_handshake(struct proof_run *run, struct why_not *w, struct hv_proof_result *res,
			   const char *how);

/* For a check that judges only finished runs: fail with what happened instead, and return */
#define PROOF_NEEDS_DONE(run, res)						\
	do {									\
		if (!(run)->finished) {						\
			hv_result_set(res, HV_PROOF_FAILED, "%s", (run)->why);	\
			return;							\
		}								\
	} while (0)

#endif
