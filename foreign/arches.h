/* SPDX-License-Identifier: MIT */
/*
 * The CPU architectures other than this host's that virtcap knows by their ELF programs: how
 * binfmt_misc recognises them (the ELF header's class, byte order and e_machine, as the magic
 * of a qemu-user registration matches them), the findings that say whether they run here, and
 * the program of foreign/ that proves it (foreign/README.md). Data only.
 */
#ifndef VIRTCAP_FOREIGN_ARCHES_H
#define VIRTCAP_FOREIGN_ARCHES_H

#include <stddef.h>

#include "reports/caps.h"

/* foreign/programs.S: each embedded program, from its first byte to one past its last */
extern const unsigned char foreign_program_aarch64[], foreign_program_aarch64_end[];
extern const unsigned char foreign_program_arm[], foreign_program_arm_end[];
extern const unsigned char foreign_program_riscv64[], foreign_program_riscv64_end[];

#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ELF_LSB 1
#define ELF_MSB 2

static const struct foreign_arch {
	const char *name;		/* as QEMU and binfmt_misc name it: qemu-aarch64 */
	const char *advice;		/* the guest it is asked about: advise arm64 */
	unsigned char elf_class, elf_data;
	unsigned short machine;		/* e_machine (ELF for the architecture's ABI) */
	const char *registered;		/* finding: the binfmt_misc entry */
	const char *runs;		/* finding: its program ran through it (NULL: no program) */
	const unsigned char *program, *program_end;
} foreign_arches[] = {
	{ "aarch64", "arm64", ELF_CLASS64, ELF_LSB, 183, CAP_BINFMT_AARCH64,
	  CAP_BINFMT_AARCH64_RUNS, foreign_program_aarch64, foreign_program_aarch64_end },
	{ "arm", "arm32", ELF_CLASS32, ELF_LSB, 40, CAP_BINFMT_ARM, CAP_BINFMT_ARM_RUNS,
	  foreign_program_arm, foreign_program_arm_end },
	{ "riscv64", "riscv64", ELF_CLASS64, ELF_LSB, 243, CAP_BINFMT_RISCV64,
	  CAP_BINFMT_RISCV64_RUNS, foreign_program_riscv64, foreign_program_riscv64_end },
	{ "ppc64le", NULL, ELF_CLASS64, ELF_LSB, 21, CAP_BINFMT_PPC64LE, NULL, NULL, NULL },
	{ "s390x", NULL, ELF_CLASS64, ELF_MSB, 22, CAP_BINFMT_S390X, NULL, NULL, NULL },
};

#define FOREIGN_ARCH_COUNT (sizeof(foreign_arches) / sizeof(foreign_arches[0]))

#endif
