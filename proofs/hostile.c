// SPDX-License-Identifier: MIT
/*
 * The hostile guests' checks: each guest tries to break hv-mini (spin forever, triple fault,
 * touch unmapped memory, flood exits, write past its disk) and must end as failed, within its
 * deadline, with the cause named. DONE from one of them is itself a failure of hv-mini.
 */
#include <string.h>
#include <sys/stat.h>

#include "proofs/proofs.h"

#define DISK_SECTORS 8

void check_hostile(struct proof_run *run, struct hv_proof_result *res)
{
	if (run->finished)
		hv_result_set(res, HV_PROOF_PROVEN, "a hostile guest reported DONE: this should not "
			      "happen");
	else
		hv_result_set(res, HV_PROOF_FAILED, "%s", run->why);
}

int setup_hostile_disk(struct proof_run *run, struct hv_proof_result *res)
{
	int fd = hv_scratch_file(run->opts, DISK_SECTORS * HV_SECTOR_SIZE, res);

	return fd < 0 ? -1 : hv_devices_add_disk(&run->dev, fd, DISK_SECTORS * HV_SECTOR_SIZE);
}

/* Sectors past the end: each is refused, and the file keeps its size; a write that got through
 * is reported as the guest winning */
void check_hostile_disk(struct proof_run *run, struct hv_proof_result *res)
{
	const struct hv_disk *d = &run->dev.disk;
	struct stat st;

	if (fstat(d->fd, &st) == 0 && st.st_size != (off_t)d->size)
		hv_result_set(res, HV_PROOF_PROVEN, "the disk file grew to %lld bytes: a sector past "
			      "the end was written", (long long)st.st_size);
	else if (!run->finished)
		hv_result_set(res, HV_PROOF_FAILED, "%s; every sector past the end was refused "
			      "(status %u) and the disk file kept its %llu bytes", run->why,
			      d->status, (unsigned long long)d->size);
	else
		check_hostile(run, res);
}
