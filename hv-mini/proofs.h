/* SPDX-License-Identifier: MIT */
/*
 * The proofs: one test guest per matrix row, each of which shows from the inside that the
 * capability works. A proof is "proven" only when the guest reported the value that only the
 * claimed mode or device can produce AND the vCPU state afterwards is the claimed one (CR0,
 * CR4, EFER, CS); "failed" with the exit, registers and RIP otherwise; "not-run" when no VM can
 * be made here (no /dev/kvm, no permission), saying why.
 *
 * How to add a proof: write hv-mini/guests/NAME.S, add NAME to GUESTS in the Makefile and to
 * hv-mini/guest_images.S, then a proof_NAME() below that boots it with guest_boot(), runs it
 * with run_until_done() and checks what it reported; list it in proof_defs[].
 */
#ifndef VIRTCAP_PROOFS_H
#define VIRTCAP_PROOFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum proof_status { PROOF_NOT_RUN, PROOF_PROVEN, PROOF_FAILED };

/* A number a proof measured on the way (the nested proof's exit costs), for JSON readers */
struct proof_metric {
	const char *name;	/* JSON key, with its unit in the name: "l2_exit_us" */
	double value;
};

#define PROOF_METRICS_MAX 4

struct proof_result {
	enum proof_status status;
	char detail[1024];
	uint64_t duration_us;
	struct proof_metric metrics[PROOF_METRICS_MAX];
	unsigned nmetrics;
};

struct proof_opts {
	const char *kvm_path;	/* NULL: /dev/kvm */
	uint64_t timeout_ms;	/* per proof */
	const char *scratch_dir;	/* where the disk proof makes its file; NULL: $TMPDIR or /tmp */
};

struct proof_def {
	const char *id;
	int row;		/* enum guest_kind this proof decides, or -1 (hostile guests) */
	void (*run)(const struct proof_opts *o, struct proof_result *res);
};

extern const struct proof_def proof_defs[];
extern const size_t proof_count;

const struct proof_def *proof_find(const char *id);
const char *proof_status_name(enum proof_status s);

#endif
