/* SPDX-License-Identifier: MIT */
/*
 * Model-specific registers through /dev/cpu/N/msr (needs root and the msr module). Reads happen
 * only on the live host; every outcome, value or error, is recorded as the fact
 * "msr.CPU.0xADDR" = value | "error:ERRNO_NAME", so a captured root answers the same way.
 */
#ifndef VIRTCAP_MSR_H
#define VIRTCAP_MSR_H

#include <stdint.h>

struct probe_ctx;

/*
 * Read MSR addr of logical CPU cpu. Returns 0 with *value set, or a negative errno:
 * -ENOENT (no msr driver / no such CPU), -EACCES/-EPERM (not root), -EIO (the CPU raised #GP:
 * the MSR does not exist), -ENODATA (captured root without this MSR recorded).
 */
int msr_read(struct probe_ctx *ctx, unsigned cpu, uint32_t addr, uint64_t *value);

/* A sentence for people on why an MSR could not be read, with what would reveal it. */
const char *msr_error_text(int err);

#endif
