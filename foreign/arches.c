// SPDX-License-Identifier: MIT
/* The architectures virtcap knows by their ELF programs (foreign/arches.h) */
#include "foreign/arches.h"

const struct foreign_arch foreign_arches[] = {
	{ "aarch64", "arm64", ELF_CLASS64, ELF_LSB, 183, CAP_BINFMT_AARCH64,
	  CAP_BINFMT_AARCH64_RUNS, foreign_program_aarch64, foreign_program_aarch64_end,
	  { "qemu-system-aarch64", "qemu-system-arm", "arm64", { "-M", "virt", "-cpu", "max" },
	    "ttyAMA0", CAP_FOREIGN_ARM64_BOOT, CAP_FOREIGN_ARM64_BOOT_MS }, NULL },
	{ "arm", "arm32", ELF_CLASS32, ELF_LSB, 40, CAP_BINFMT_ARM, CAP_BINFMT_ARM_RUNS,
	  foreign_program_arm, foreign_program_arm_end,
	  { "qemu-system-arm", "qemu-system-arm", "armhf", { "-M", "virt", "-cpu", "cortex-a15" },
	    "ttyAMA0", CAP_FOREIGN_ARM32_BOOT, CAP_FOREIGN_ARM32_BOOT_MS }, NULL },
	{ "riscv64", "riscv64", ELF_CLASS64, ELF_LSB, 243, CAP_BINFMT_RISCV64,
	  CAP_BINFMT_RISCV64_RUNS, foreign_program_riscv64, foreign_program_riscv64_end,
	  { .boot = CAP_FOREIGN_RISCV64_BOOT }, "Debian 12, whose kernels the lab pins, has no "
	  "riscv64 kernel (an official architecture from Debian 13)" },
	/* POWER's pseries machine (its SLOF firmware comes with QEMU) and its hypervisor console */
	{ "ppc64le", "ppc64le", ELF_CLASS64, ELF_LSB, 21, CAP_BINFMT_PPC64LE,
	  CAP_BINFMT_PPC64LE_RUNS, foreign_program_ppc64le, foreign_program_ppc64le_end,
	  { "qemu-system-ppc64", "qemu-system-ppc", "ppc64el", { "-M", "pseries" }, "hvc0",
	    CAP_FOREIGN_PPC64LE_BOOT, CAP_FOREIGN_PPC64LE_BOOT_MS }, NULL },
	/* IBM Z's virtio machine; its first serial port is the SCLP line console */
	{ "s390x", "s390x", ELF_CLASS64, ELF_MSB, 22, CAP_BINFMT_S390X, CAP_BINFMT_S390X_RUNS,
	  foreign_program_s390x, foreign_program_s390x_end,
	  { "qemu-system-s390x", "qemu-system-misc", "s390x", { "-M", "s390-ccw-virtio" },
	    "ttysclp0", CAP_FOREIGN_S390X_BOOT, CAP_FOREIGN_S390X_BOOT_MS }, NULL },
};

const size_t foreign_arch_count = sizeof(foreign_arches) / sizeof(foreign_arches[0]);

const struct foreign_boot foreign_x86_boot = {
	"qemu-system-x86_64", "qemu-system-x86", "amd64", { "-M", "pc" }, "ttyS0", NULL, NULL,
};
