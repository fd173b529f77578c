// SPDX-License-Identifier: MIT
/*
 * The checks an x86 and an arm64 proof share, whatever instructions their guests use: a device
 * register reached through an exit, and two vCPUs that can only finish if both run at once.
 */
#include <stdio.h>

#include "proofs/proofs.h"

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
