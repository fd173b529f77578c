// SPDX-License-Identifier: MIT
// TEMPORARY: replaced by the real area before the first commit.
#include "probe/probe.h"

int probe_pci(struct probe_ctx *ctx, struct report *r)
{
	return 0;
}
