/* SPDX-License-Identifier: MIT */
/*
 * The cost of an exit: a guest repeats one kind of exit (port I/O, MMIO, hypercall, HLT) and the
 * round trip is timed twice, through hv-mini's run loop (deadline timer, ucall and device
 * dispatch) and through a bare KVM_RUN loop beside it, so the ratio is what hv-mini adds.
 * A hypercall is answered inside KVM and never reaches user space: both loops time the same.
 */
#ifndef VIRTCAP_EXIT_BENCH_H
#define VIRTCAP_EXIT_BENCH_H

#include <stdint.h>

#include "hv-mini/hv.h"

enum exit_kind { EXIT_PIO = 1, EXIT_MMIO, EXIT_HYPERCALL, EXIT_HLT, EXIT_KINDS };

struct exit_cost {
	const char *name;
	double hv_us;		/* per exit through hv-mini's loop; < 0 when it failed */
	double bare_us;		/* per exit through a bare KVM_RUN loop */
	char error[HV_ERR_MAX];
};

/* Time count exits of each kind. Returns 0 or -errno (no KVM: nothing measured). */
int exit_bench_run(unsigned count, uint64_t timeout_ms, struct exit_cost costs[EXIT_KINDS - 1]);

#endif
