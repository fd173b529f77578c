/* SPDX-License-Identifier: MIT */
/*
 * The steps of a proof, for proofs/ and nested/: boot a guest image in a CPU mode, run a vCPU to
 * its DONE under a deadline with the devices on a bus, read guest memory, and set the result.
 * What a result means ("proven" only when the guest reported what only the claimed mode or
 * device produces AND the vCPU state afterwards is the claimed one) is for the proofs to decide.
 */
#ifndef VIRTCAP_HV_KIT_H
#define VIRTCAP_HV_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv-mini/devices.h"
#include "hv-mini/hv.h"

enum hv_proof_status { HV_PROOF_NOT_RUN, HV_PROOF_PROVEN, HV_PROOF_FAILED };

/* A number a proof measured on the way (the nested proof's exit costs) */
struct hv_proof_metric {
	const char *name;	/* with its unit in the name: "l2_exit_us"; a string literal (a
				 * result crosses fork() in proofs/registry.c whole) */
	double value;
};

#define HV_PROOF_METRICS_MAX 4
#define HV_PROOF_DETAIL_MAX 1024

struct hv_proof_result {
	enum hv_proof_status status;
	char detail[HV_PROOF_DETAIL_MAX];
	uint64_t duration_us;
	struct hv_proof_metric metrics[HV_PROOF_METRICS_MAX];
	unsigned nmetrics;
};

struct hv_proof_opts {
	const char *kvm_path;		/* NULL: /dev/kvm */
	uint64_t timeout_ms;		/* per proof; 0: HV_PROOF_TIMEOUT_MS */
	uint64_t spin_cpu_ms;		/* 0, or: a single-vCPU guest that used this much CPU
					 * time without a result spins, and is stopped then */
	const char *scratch_dir;	/* where a disk file is made; NULL: $TMPDIR or /tmp */
};

#define HV_PROOF_TIMEOUT_MS 2000

void hv_result_set(struct hv_proof_result *res, enum hv_proof_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *hv_proof_status_name(enum hv_proof_status s);

/* Make a VM. One that cannot be made here (no /dev/kvm, no permission) is not-run, any other
 * failure failed. 0, or -1 with res set and nothing left to destroy. */
int hv_guest_create(struct hv_vm *vm, const struct hv_proof_opts *o, struct hv_proof_result *res);

/* Load the image at HV_GPA_CODE and make nvcpus vCPUs in mode. 0, or -1 with res set (failed);
 * the caller destroys the VM either way. */
int hv_guest_start(struct hv_vm *vm, const uint8_t *image, size_t len, enum hv_mode mode,
		   int nvcpus, struct hv_proof_result *res);

/* Run a vCPU until DONE (0, *done filled) or anything else (-1, why says what). Devices on bus
 * (may be NULL) answer their accesses; SYNC injects the VM's irq_vector. An ABORT also fills *done
 * (ucall HV_UCALL_ABORT, its code, line and file). */
int hv_run_until_done(struct hv_vcpu *v, uint64_t deadline_ns, const struct hv_bus *bus,
		      struct hv_exit *done, char *why, size_t len);

/* The deadline of a proof started now, CLOCK_MONOTONIC ns */
uint64_t hv_proof_deadline(const struct hv_proof_opts *o);

/* A dword of guest memory at gpa (which the caller knows is backed) */
void hv_put32(struct hv_vm *vm, uint64_t gpa, uint32_t v);
uint32_t hv_get32(struct hv_vm *vm, uint64_t gpa);

/* The source file an ABORT names (GUEST_FILE_*), "an unknown file" for a value out of range */
const char *hv_guest_file_name(uint32_t id);

/* Make an unlinked scratch file of size bytes in o->scratch_dir ($TMPDIR, /tmp): its fd, or -1
 * with res set to not-run. */
int hv_scratch_file(const struct hv_proof_opts *o, uint64_t size, struct hv_proof_result *res);

#endif
