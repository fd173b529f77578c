/* SPDX-License-Identifier: MIT */
/*
 * The CPU architectures other than this host's that virtcap knows by their ELF programs: how
 * binfmt_misc recognises them (the ELF header's class, byte order and e_machine, as the magic
 * of a qemu-user registration matches them), the findings that say whether they run here, and
 * the program of foreign/ that proves it (foreign/README.md). The table is foreign/arches.c.
 */
#ifndef VIRTCAP_FOREIGN_ARCHES_H
#define VIRTCAP_FOREIGN_ARCHES_H

#include <stddef.h>

#include "reports/caps.h"

/* foreign/programs.S: each embedded program, from its first byte to one past its last */
extern const unsigned char foreign_program_aarch64[], foreign_program_aarch64_end[];
extern const unsigned char foreign_program_arm[], foreign_program_arm_end[];
extern const unsigned char foreign_program_riscv64[], foreign_program_riscv64_end[];
extern const unsigned char foreign_program_ppc64le[], foreign_program_ppc64le_end[];
extern const unsigned char foreign_program_s390x[], foreign_program_s390x_end[];

#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ELF_LSB 1
#define ELF_MSB 2

/* How prove --foreign boots a real kernel of the architecture (foreign/boot.c) */
struct foreign_boot {
	const char *qemu;		/* the emulator: qemu-system-aarch64 */
	const char *deb_package;	/* the Debian package that has it */
	const char *lab_kernel;		/* the lab's pinned kernel: lab.sh --kernel arm64 */
	const char *machine[5];		/* QEMU's machine and CPU */
	const char *console;		/* the kernel's console= on that machine */
	const char *boot, *boot_ms;	/* findings: it reached its init, in how long */
};

struct foreign_arch {
	const char *name;		/* as QEMU and binfmt_misc name it: qemu-aarch64 */
	const char *advice;		/* the guest it is asked about: advise arm64 */
	unsigned char elf_class, elf_data;
	unsigned short machine;		/* e_machine (ELF for the architecture's ABI) */
	const char *registered;		/* finding: the binfmt_misc entry */
	const char *runs;		/* finding: its program ran through it (NULL: no program) */
	const unsigned char *program, *program_end;
	struct foreign_boot boot;	/* qemu NULL: no kernel booted (no_boot says why, as the
					 * finding boot where there is one) */
	const char *no_boot;
};

/* foreign/arches.c */
extern const struct foreign_arch foreign_arches[];
extern const size_t foreign_arch_count;

/* This host's own architecture, booted the same way under TCG and KVM for comparison (its
 * findings are CAP_FOREIGN_X86_TCG_BOOT_MS and _KVM_) */
extern const unsigned char foreign_program_x86_64[], foreign_program_x86_64_end[];
extern const struct foreign_boot foreign_x86_boot;


#define FOREIGN_ARCH_COUNT foreign_arch_count

#endif
