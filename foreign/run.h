/* SPDX-License-Identifier: MIT */
/* prove --foreign: programs of other architectures run through binfmt_misc (foreign/run.c) */
#ifndef VIRTCAP_FOREIGN_RUN_H
#define VIRTCAP_FOREIGN_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct report;

/*
 * Whether names (comma-separated: aarch64, arm, riscv64, or what people call them: arm64,
 * armhf, arm32; "all" for every one) are known; -EINVAL with the unknown one named in err.
 */
int foreign_check_names(const char *names, char *err, size_t errlen);

/* Run each named architecture's program and record binfmt.ARCH_runs in r. 0 or -ENOMEM. */
int foreign_prove(struct report *r, const char *names);

struct foreign_arch;
/* Whether names (as foreign_check_names takes them) include a */
bool foreign_wanted(const char *names, const struct foreign_arch *a);

/*
 * Boot each named architecture's Debian kernel to its init under QEMU's emulation (foreign/
 * boot.c), fetched by lab_sh, and with compare this host's own under TCG and KVM beside them;
 * record foreign.ARCH_boot, _boot_ms (and foreign.x86_*_boot_ms) in r, and judge the arm64 and
 * arm32 rows again. 0 or -ENOMEM.
 */
int foreign_boot(struct report *r, const char *names, const char *lab_sh, bool compare);

#endif
