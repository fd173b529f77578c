/* SPDX-License-Identifier: MIT */
/* The foreign programs (foreign/ARCH.elf, built from foreign/ARCH.S by scripts/foreign.sh), embedded
 * so that no file is needed at run time */
	.section .rodata
	.global	foreign_program_aarch64, foreign_program_aarch64_end
	.global	foreign_program_arm, foreign_program_arm_end
	.global	foreign_program_riscv64, foreign_program_riscv64_end
	.global	foreign_program_ppc64le, foreign_program_ppc64le_end
	.global	foreign_program_s390x, foreign_program_s390x_end
	.global	foreign_program_x86_64, foreign_program_x86_64_end
foreign_program_aarch64:
	.incbin	"foreign/aarch64.elf"
foreign_program_aarch64_end:
foreign_program_arm:
	.incbin	"foreign/arm.elf"
foreign_program_arm_end:
foreign_program_riscv64:
	.incbin	"foreign/riscv64.elf"
foreign_program_riscv64_end:
foreign_program_ppc64le:
	.incbin	"foreign/ppc64le.elf"
foreign_program_ppc64le_end:
foreign_program_s390x:
	.incbin	"foreign/s390x.elf"
foreign_program_s390x_end:
foreign_program_x86_64:
	.incbin	"foreign/x86_64.elf"
foreign_program_x86_64_end:
	.section .note.GNU-stack, "", @progbits
