/* SPDX-License-Identifier: MIT */
/*
 * What the proof files share (proofs.c, nested.c): the embedded guest images, hv-mini's
 * virtual devices, and the steps of a proof: boot a guest, run it to DONE under a deadline,
 * read what it left in memory, set the result.
 */
#ifndef VIRTCAP_PROOF_KIT_H
#define VIRTCAP_PROOF_KIT_H

#include <stdbool.h>
#include <stdint.h>

#include "hv-mini/hv.h"
#include "hv-mini/proofs.h"

#define DECLARE_GUEST(name) extern const uint8_t hv_guest_##name[], hv_guest_##name##_end[]
#define GUEST_IMAGE(name) hv_guest_##name, (size_t)(hv_guest_##name##_end - hv_guest_##name)

#define SECTOR_SIZE 512
#define HV_MARK_PORT 0x00E4	/* a guest timestamps a point of its run: OUT k, k < HV_MARKS */
#define HV_NOP_PORT 0x00E8	/* an exit that hv-mini answers and does nothing with */
#define HV_MARKS 4

/* Device state for the guests that use hv-mini's virtual devices. */
struct devices {
	uint32_t pio_latch, mmio_latch;
	int disk_fd;
	uint64_t disk_size;
	uint32_t disk_sector, disk_status, disk_pos;
	uint64_t disk_off;	/* the checked byte offset, latched by the command: the guest may
				 * change disk_sector before the data arrives */
	uint32_t disk_buf[SECTOR_SIZE / 4];
	bool disk_writing;
	uint64_t marks[HV_MARKS];	/* when the guest wrote k to HV_MARK_PORT (ns) */
};

void result_set(struct proof_result *res, enum proof_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Make a VM with the image at HV_GPA_CODE and nvcpus vCPUs in mode (failure to open or create:
 * not-run, later failures: failed). 0 or -1 with res set. */
int guest_boot(struct hv_vm *vm, const struct proof_opts *o, const uint8_t *image, size_t len,
	       enum hv_mode mode, int nvcpus, struct proof_result *res);

/* Run a vCPU until DONE (0, *done filled) or anything else (-1, why says what; an ABORT also
 * fills *done, ucall HV_UCALL_ABORT with its value and line). */
int run_until_done(struct hv_vcpu *v, uint64_t deadline, struct devices *dev,
		   struct hv_exit *done, char *why, size_t len);

uint64_t deadline_of(const struct proof_opts *o);
bool get_sregs(struct hv_vcpu *v, struct kvm_sregs *s);

/* A one-vCPU proof: boot, setup (may be NULL), run to DONE, check */
void single(const struct proof_opts *o, struct proof_result *res, const uint8_t *image,
	    size_t len, enum hv_mode mode, int (*setup)(struct hv_vm *vm, struct devices *dev),
	    void (*check)(struct hv_vm *vm, const struct hv_exit *done, const struct kvm_sregs *s,
			  struct devices *dev, struct proof_result *res),
	    struct devices *dev);

void put32(struct hv_vm *vm, uint64_t gpa, uint32_t v);
uint32_t get32(struct hv_vm *vm, uint64_t gpa);

/* nested.c */
void proof_nested(const struct proof_opts *o, struct proof_result *res);
void proof_nested_tdp(const struct proof_opts *o, struct proof_result *res);

#endif
