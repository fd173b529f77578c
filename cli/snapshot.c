// SPDX-License-Identifier: MIT
// TEMPORARY
#include <errno.h>
#include "cli/cli.h"
int snapshot_write(const char *path, struct probe_ctx *ctx, const struct capture *capture, char *err, size_t errlen) { return -ENOSYS; }
