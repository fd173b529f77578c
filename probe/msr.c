// SPDX-License-Identifier: MIT
// TEMPORARY
#include <errno.h>
#include "probe/msr.h"
int msr_read(struct probe_ctx *ctx, unsigned cpu, uint32_t addr, uint64_t *value) { return -ENODATA; }
const char *msr_error_text(int err) { return "?"; }
