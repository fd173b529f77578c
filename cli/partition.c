// SPDX-License-Identifier: MIT
/*
 * `virtcap advise partition DEVICE [--prove]`: can the OS on this partition (or disk) of this
 * machine run as a VM here, and how to try it without risk. The facts are probe/partition.c's,
 * the blockers and notes reports/partition.c's, the boot through a snapshot
 * qemu/partition_boot.c's; this says them (cli/partition_out.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "reports/partition.h"
#include "reports/text.h"

/* --prove's default wait: a real OS's boot loader shows within seconds under KVM; emulated,
 * OVMF alone needs tens of seconds on a slow host */
#define PROVE_KVM_S 60
#define PROVE_TCG_S 180

int cli_advise_partition(const struct report *r, const char *device, bool json, bool prove,
			 unsigned limit_s, FILE *out)
{
	struct partition_advice *a = calloc(1, sizeof(*a));
	struct part_disk_use use;
	char problem[300];
	int rc = -ENOMEM;

	if (a && (a->shown = text_dup_clean(device)) &&
	    (rc = probe_partition(device, a, &use, problem, sizeof(problem))) == -EINVAL)
		cli_error("virtcap: %s: %s\n", a->shown, problem);
	if (a && a->shown && !rc) {
		partition_decide(r, a, &use);
		if (prove)
			rc = partition_prove(a, &a->proof, limit_s ? limit_s :
					     a->kvm ? PROVE_KVM_S : PROVE_TCG_S);
		partition_decide_proof(a);
	}
	if (!rc)
		rc = json ? partition_print_json(a, out) : partition_print_text(a, out);
	if (a)
		free(a->shown);
	free(a);
	return rc;
}
