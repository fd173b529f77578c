// SPDX-License-Identifier: MIT
/*
 * The checks an x86 and an arm64 proof share, whatever instructions their guests use: a device
 * register reached through an exit, two vCPUs that can only finish if both run at once, and a
 * host file as a disk (its registers are ports on x86, MMIO on arm64: hv-mini/devices.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proofs/proofs.h"

#define DISK_SECTORS 8

void proof_check_device(struct proof_run *run, const char *where, uint32_t written, uint32_t seen,
			struct hv_proof_result *res)
{
	uint32_t want = hv_device_answer(written), got = (uint32_t)run->done[0].value;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (seen != written)	/* the device's own record: an answer alone can be worked out */
		why_not(&w, "the device never saw the guest's write of 0x%08x to %s (its register "
			"holds 0x%08x)", written, where, seen);
	if (got != want)
		why_not(&w, "the guest read 0x%08x, not the device's answer 0x%08x", got, want);
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "the guest wrote 0x%08x to %s and read back the "
			      "device's answer 0x%08x", written, where, want);
}

void check_mmio(struct proof_run *run, struct hv_proof_result *res)
{
	proof_check_device(run, "MMIO 0xc0000000", GUEST_MMIO_WRITTEN, run->dev.mmio.latch, res);
}

void proof_check_handshake(struct proof_run *run, struct why_not *w, struct hv_proof_result *res,
			   const char *how)
{
	uint64_t id0 = run->done[0].value, id1 = run->done[1].value;
	uint32_t flag0, flag1;

	PROOF_NEEDS_DONE(run, res);
	flag0 = hv_get32(&run->vm, GUEST_SMP_FLAGS);
	flag1 = hv_get32(&run->vm, GUEST_SMP_FLAGS + 4);
	for (int i = 0; i < 2; i++)	/* each vCPU's own, from the id the host gave it */
		if (run->done[i].value != (uint64_t)GUEST_SMP_ID + (unsigned)i)
			why_not(w, "vCPU %d reported 0x%llx, not its id 0x%x", i,
				(unsigned long long)run->done[i].value, GUEST_SMP_ID + i);
	if (flag0 != GUEST_SMP_FLAG0 || flag1 != GUEST_SMP_FLAG1)
		why_not(w, "the handshake in shared memory did not happen (flags 0x%x, 0x%x; want "
			"0x%x, 0x%x)", flag0, flag1, GUEST_SMP_FLAG0, GUEST_SMP_FLAG1);
	if (!failed_for(res, w))
		hv_result_set(res, HV_PROOF_PROVEN, "2 vCPUs ran at once%s: vCPU 0 raised a flag in "
			      "shared memory and waited, vCPU 1 saw it and answered, and each "
			      "reported its own id (0x%llx, 0x%llx)", how, (unsigned long long)id0,
			      (unsigned long long)id1);
}

/* --- disk: a real file; sector 0 holds a pattern the guest sums, new for each run --- */
static uint32_t disk_pattern(const struct proof_run *run, unsigned i)
{
	return 0x9E3779B9u * (i + 1) ^ run->nonce[2];
}

static uint32_t disk_pattern_sum(const struct proof_run *run)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < HV_SECTOR_SIZE / 4; i++)
		sum += disk_pattern(run, i);
	return sum;
}

int setup_disk(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t sector0[HV_SECTOR_SIZE / 4];
	int fd = hv_scratch_file(run->opts, DISK_SECTORS * HV_SECTOR_SIZE, res);

	if (fd < 0)
		return -1;
	for (unsigned i = 0; i < HV_SECTOR_SIZE / 4; i++)
		sector0[i] = disk_pattern(run, i);
	if (pwrite(fd, sector0, HV_SECTOR_SIZE, 0) != HV_SECTOR_SIZE) {
		hv_result_set(res, HV_PROOF_NOT_RUN, "cannot write the disk file: %s",
			      strerror(errno));
		close(fd);
		return -1;
	}
	return hv_devices_add_disk(&run->dev, fd, DISK_SECTORS * HV_SECTOR_SIZE);
}

void check_disk(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t sector1[HV_SECTOR_SIZE / 4], sum = disk_pattern_sum(run);
	uint32_t got = (uint32_t)run->done[0].value;
	unsigned bad = 0;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (pread(run->dev.disk.fd, sector1, HV_SECTOR_SIZE, HV_SECTOR_SIZE) != HV_SECTOR_SIZE) {
		hv_result_set(res, HV_PROOF_FAILED, "cannot read sector 1 back: %s", strerror(errno));
		return;
	}
	for (unsigned i = 0; i < HV_SECTOR_SIZE / 4; i++)
		bad += sector1[i] != (sum ^ i);
	if (got != sum)
		why_not(&w, "the guest's sum of sector 0 is 0x%08x, not 0x%08x", got, sum);
	if (bad)	/* the host's own read of the file: a sum alone says nothing was written */
		why_not(&w, "%u of %u dwords of sector 1 are not in the host's file as the guest "
			"should have written them", bad, HV_SECTOR_SIZE / 4);
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "the guest read sector 0 of a host file (sum "
			      "0x%08x) and wrote sector 1, which the host found in the file", sum);
}
