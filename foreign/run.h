/* SPDX-License-Identifier: MIT */
/* prove --foreign: programs of other architectures run through binfmt_misc (foreign/run.c) */
#ifndef VIRTCAP_FOREIGN_RUN_H
#define VIRTCAP_FOREIGN_RUN_H

#include <stddef.h>

struct report;

/*
 * Whether names (comma-separated: aarch64, arm, riscv64, or what people call them: arm64,
 * armhf, arm32; "all" for every one) are known; -EINVAL with the unknown one named in err.
 */
int foreign_check_names(const char *names, char *err, size_t errlen);

/* Run each named architecture's program and record binfmt.ARCH_runs in r. 0 or -ENOMEM. */
int foreign_prove(struct report *r, const char *names);

#endif
