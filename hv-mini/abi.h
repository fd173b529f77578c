/* SPDX-License-Identifier: MIT */
/*
 * The guest <-> host ABI of hv-mini, in one place: the host's C code, every test guest, the
 * nested L1s (nested/l1/) and tools/vmx-bare include this file; the guests' linker script is
 * made from it too. Plain #defines, read by C and by the assembler through the C preprocessor;
 * the guest-side macros are under __ASSEMBLER__.
 *
 * ucall: the guest writes EAX = command to port HV_UCALL_PORT with EBX = value, ECX = aux and,
 * for ABORT, ESI = the id of its source file (GUEST_FILE_*) and ECX = its line. The host reads
 * the registers once, at the exit, and never again. On arm64, which has no ports, the guest
 * stores the command (32 bits) to HV_UCALL_MMIO with x1 = value, x2 = aux, x3 = file (r1-r3
 * in AArch32).
 */
#ifndef VIRTCAP_HV_ABI_H
#define VIRTCAP_HV_ABI_H

/* --- ucall --- */
#define HV_UCALL_PORT 0x00F0	/* any port our guests use for nothing else */
#define HV_UCALL_MMIO 0xC0002000	/* arm64's: an address no memory or device is at */
#define HV_UCALL_SYNC 1		/* the host acts (injects the test interrupt), then resumes */
#define HV_UCALL_DONE 2		/* the result: EBX value, ECX aux */
#define HV_UCALL_ABORT 3	/* a failure: EBX code, ECX line, ESI file */

/* Source files an ABORT can name (ESI); hv-mini/kit.c has their paths */
#define GUEST_FILE_UNKNOWN 0
#define GUEST_FILE_NESTED_SVM 1
#define GUEST_FILE_NESTED_SVM_TDP 2
#define GUEST_FILE_NESTED_VMX 3
#define GUEST_FILE_NESTED_VMX_TDP 4
#define GUEST_FILE_SVM_H 5
#define GUEST_FILE_VMX_LIB 6
#define GUEST_FILE_DISK 7
#define GUEST_FILE_ARM64_DISK 8
#define GUEST_FILE_COUNT 9

/* --- guest-physical layout (low memory, HV_MEM_SIZE) --- */
#define HV_GPA_GDT 0x1000	/* GDT: null, code32, data32, code64 (hv-mini/vcpu_x86.c) */
#define HV_GPA_IDT 0x2000	/* IDT, 256 gates, written by the guest itself */
#define HV_GPA_PT 0x10000	/* page tables made by the host: 0x10000..0x1ffff */
#define HV_PT_SIZE 0x10000
#define HV_GPA_CODE 0x20000	/* the guest image (the linker script puts .text here) */
#define HV_CODE_MAX 0x10000	/* the most an image may take: up to the nested L1s' pages */
#define HV_GPA_STACK 0x80000	/* top of vCPU 0's stack; vCPU n's is 0x1000 * n lower */
#define HV_GPA_DATA 0x90000	/* host <-> guest data page */
#define HV_MEM_SIZE 0x400000	/* 4 MiB */
#define HV_SEL_CODE32 0x08
#define HV_SEL_DATA32 0x10
#define HV_SEL_CODE64 0x18
/* The GDT's flat descriptors (SDM vol. 3A 3.4.5): base 0, limit 4 GiB, 4 KiB granularity */
#define HV_DESC_CODE32 0x00CF9A000000FFFF	/* HV_SEL_CODE32: code, 32-bit (D=1) */
#define HV_DESC_DATA32 0x00CF92000000FFFF	/* HV_SEL_DATA32: data, 32-bit */
#define HV_DESC_CODE64 0x00AF9A000000FFFF	/* HV_SEL_CODE64: code, 64-bit (L=1, D=0) */
#define HV_GDT_ENTRIES 4

/* Where the host's page tables map what (hv-mini/vcpu_x86.c): the guests read through these */
#define HV_PROT32_HIGH_VA 0x40000000	/* 32-bit paging: a 4 MiB page -> 0 */
#define HV_PAE_VA 0xC0000000		/* PAE: a 2 MiB page -> HV_PAE_HIGH_GPA */
#define HV_PAE_HIGH_GPA 0x100000000	/* above 4 GiB */
#define HV_LONG_HIGH_VA 0xFFFFFF8000000000	/* long mode: PML4 entry 511 -> 0 */

/* --- devices (hv-mini/devices.c) --- */
#define HV_PIO_PORT 0x00E0	/* the PIO test device: one 32-bit register */
#define HV_BENCH_PORT 0x00E2	/* the exit benchmark's port: answered, nothing else */
#define HV_MARK_PORT 0x00E4	/* OUT k: the host timestamps mark k (k < HV_MARKS) */
#define HV_MARKS 4
#define HV_NOP_PORT 0x00E8	/* an exit the host answers and does nothing with */
#define HV_DISK_SECTOR 0x00D0	/* disk: the sector number (write) */
#define HV_DISK_CMD 0x00D4	/* disk: HV_DISK_READ or HV_DISK_WRITE; checks and latches */
#define HV_DISK_DATA 0x00D8	/* disk: 128 dwords of the sector */
#define HV_DISK_STATUS 0x00DC	/* disk: HV_DISK_OK, else why not */
#define HV_DISK_READ 1
#define HV_DISK_WRITE 2
#define HV_DISK_OK 0
#define HV_DISK_PAST_END 1	/* the sector is past the end, or no such command */
#define HV_DISK_IO_ERROR 2	/* the host file could not be read or written */
#define HV_DISK_NOT_WRITING 3	/* data written with no write command open */
#define HV_SECTOR_SIZE 512
#define HV_DISK_MMIO 0xC0003000	/* arm64, which has no ports: the same four registers from here */
#define HV_MMIO_GPA 0xC0000000	/* the MMIO test device: one 32-bit register, no memory */
#define HV_BENCH_MMIO 0xC0001000	/* the exit benchmark's MMIO address */
#define HV_DEVICE_KEY 0xA5A5A5A5	/* a device's answer: its register byte-swapped, xor this */
#define HV_IRQ_VECTOR 0x30

/* --- what the capability guests and their checks agree on --- */
#define GUEST_REAL16_XOR 0x5A5A5A5A	/* real16 reports DS:0 xor this */
#define GUEST_LONG64_ROL 13		/* long64 reports its 64-bit value rotated left by this */
#define GUEST_IRQ_ACK_BASE 0xC0DE0000	/* the irq guest's handler of vector v reports this + v */
#define GUEST_IRQ_FIRST 0x40		/* the vectors the irq proof injects, one chosen at random */
#define GUEST_IRQ_COUNT 0xB0		/* 0x40..0xEF: no exception's, none the host reserves */
#define GUEST_SMP_ID 0xA0		/* vCPU n reports GUEST_SMP_ID + n */
#define GUEST_SMP_FLAGS (HV_GPA_DATA + 0x100)	/* vCPU 0's flag, then vCPU 1's answer */
#define GUEST_SMP_FLAG0 0x1111
#define GUEST_SMP_FLAG1 0x2222
#define GUEST_PIO_WRITTEN 0x11223344
#define GUEST_MMIO_WRITTEN 0x55667788

/* The boot guest (hv-mini/guests/boot.S): its own GDT, page tables and IDT, the stages it
 * records on its way (a dword at GUEST_BOOT_STAGE) and what its handlers saw (GUEST_BOOT_SEEN) */
#define GUEST_BOOT_TABLES 0x40000	/* 4 pages: PDPT (PAE), PD, PML4, PDPT (long mode); the
					   nested L1s use these pages too, never in the same VM */
#define GUEST_BOOT_STAGE (HV_GPA_DATA + 0x100)
#define GUEST_BOOT_SEEN (HV_GPA_DATA + 0x104)
#define GUEST_BOOT_CR2 (HV_GPA_DATA + 0x108)
#define GUEST_BOOT_REAL 1		/* running in real mode from the reset-like state */
#define GUEST_BOOT_PROTECTED 2		/* CR0.PE set and a far jump into 32-bit code */
#define GUEST_BOOT_PAE 3		/* PAE paging on, through its own tables */
#define GUEST_BOOT_LONG 4		/* EFER.LME, paging, a far jump into 64-bit code */
#define GUEST_BOOT_EXCEPTIONS 5		/* #BP, #UD and #PF handled by its IDT and returned */
#define GUEST_BOOT_INTERRUPT 6		/* the host's interrupt reached its IDT: the end */
#define GUEST_BOOT_SEEN_BP 0x1
#define GUEST_BOOT_SEEN_UD 0x2
#define GUEST_BOOT_SEEN_PF 0x4		/* with CR2 = GUEST_BOOT_UNMAPPED */
#define GUEST_BOOT_SEEN_IRQ 0x8
#define GUEST_BOOT_SEEN_ALL 0xF
#define GUEST_BOOT_UNMAPPED 0x40000000	/* past the 4 MiB its tables map: a #PF */
#define GUEST_BOOT_HIGH 0xB0070000	/* the upper half of its 64-bit result (RBX) */

/* --- nested: the L1s' pages, their result area, abort codes, the cost benchmark --- */
#define NESTED_HSAVE 0x30000		/* SVM host save area */
#define NESTED_VMCB 0x31000
#define NESTED_VMXON 0x32000
#define NESTED_VMCS 0x33000
#define NESTED_TDP_TABLES 0x40000	/* the L1's NPT or EPT tables: 0x40000..0x44fff */
#define NESTED_L2_PML4 0x50000		/* the 64-bit L2's page tables: 4 MiB one to one */
#define NESTED_L2_LONG_STACK 0x60000
#define NESTED_L2_REAL_STACK 0x7000
#define NESTED_TDP_L2_PAGE 0x80000	/* the L2 reads here; the host puts the decoy there */
#define NESTED_TDP_L1_PAGE 0x95000	/* the L1's nested tables map the L2 page here: magic */
#define NESTED_TDP_DECOY 0xDEC0DEC0
#define NESTED_TDP_MAGIC 0x7D9A7D9A
#define NESTED_L2_LONG_SEED 0x0123456789ABCDEF	/* the 64-bit L2 rotates it left by 20 */
#define NESTED_L2_LONG_ROL 20
#define NESTED_L2_REAL_RESULT 0x2345BEEF	/* (0x1234 + 0x1111) << 16 | 0xBEEF */
#define NESTED_BENCH_EXITS 200	/* L1 exits to the host, then as many L2 exits to the L1 */

/* What an L1 found out, read by the host after DONE (dwords at NESTED_OUT + offset) */
#define NESTED_OUT 0x96000
#define NESTED_OUT_REAL_RESULT 0	/* the real-mode L2's value */
#define NESTED_OUT_REAL_EXITS 4		/* its exit codes, one per byte: CPUID, hypercall, HLT */
#define NESTED_OUT_LONG_LO 8		/* the 64-bit L2's RAX, low half */
#define NESTED_OUT_LONG_HI 12		/* and high half */
#define NESTED_OUT_LONG_LMA 16		/* the L2's EFER.LMA after its exit (1/0) */
#define NESTED_OUT_LONG_CS 20		/* the L2's CS attributes after its exit */
#define NESTED_OUT_FLAGS 24		/* NESTED_NO_REAL_L2 */
#define NESTED_OUT_CAPS 28		/* VMX: secondary controls allowed-1 */
#define NESTED_OUT_SIZE 32
#define NESTED_NO_REAL_L2 1

/* What an L1 that lies (LIE_NO_L2) writes as its L2s' results without entering one: all an
 * honest one records, the 64-bit L2's value included, and CS attributes with the L bit of
 * both vendors' layouts (VMCB bit 9, VMCS bit 13) */
#define NESTED_LIE_LONG_LO ((NESTED_L2_LONG_SEED << NESTED_L2_LONG_ROL | \
			    NESTED_L2_LONG_SEED >> (64 - NESTED_L2_LONG_ROL)) & 0xFFFFFFFF)
#define NESTED_LIE_LONG_HI ((NESTED_L2_LONG_SEED << NESTED_L2_LONG_ROL | \
			    NESTED_L2_LONG_SEED >> (64 - NESTED_L2_LONG_ROL)) >> 32 & 0xFFFFFFFF)
#define NESTED_LIE_CS 0x2200

/* ABORT codes of the L1s (EBX); nested/nested.c turns them into causes */
#define NESTED_ABORT_NO_EXTENSION 1	/* no SVM/VMX in the L1's CPUID */
#define NESTED_ABORT_NO_TDP 2		/* no usable NPT/EPT */
#define NESTED_ABORT_LOCKED_OFF 3	/* IA32_FEATURE_CONTROL locked with VMX off */
#define NESTED_ABORT_VMFAIL_INVALID 0xFF	/* a VMX instruction failed, no current VMCS */
#define NESTED_ABORT_VM_INSTRUCTION_ERROR 0x100	/* + the VM-instruction error number */
/* any other code: the exit reason (VMX, bit 31 for a failed entry) or EXITCODE (SVM) */

/* --- arm64: what its guests (hv-mini/guests/arm64) and their checks agree on --- */
#define GUEST_ARM64_TABLES 0x40000	/* the AArch64 guest's own translation tables */
#define GUEST_ARM64_ALIAS_VA 0x40000000	/* its tables map this VA (1 GiB) to PA 0 too */
#define GUEST_ARM64_ROL 13		/* it reports the 64-bit nonce rotated left by this */
#define GUEST_ARM64_SVC 0x5A		/* the SVC it takes through its own vectors */
#define GUEST_ARM32_ROR 8		/* the AArch32 guest reports REV(nonce) rotated right */
#define GUEST_ARM_SMP_MPIDR (HV_GPA_DATA + 0x108)	/* vCPU 1 writes its MPIDR_EL1 here */
#define HV_ARM_GICD 0x08000000		/* the vGIC's distributor (64 KiB), as QEMU's virt board */
#define HV_ARM_GICR 0x080A0000		/* its redistributors, 128 KiB a vCPU */
#define GUEST_ARM_SPI_FIRST 32		/* the SPIs the irq proof raises, one chosen at random: */
#define GUEST_ARM_SPI_COUNT 224		/* 32..255, every SPI of KVM's default vGIC */
/* PSCI 0.2+ and SMCCC function ids (Arm DEN0022, DEN0028) the guests call with HVC */
#define PSCI_VERSION_FN 0x84000000
#define PSCI_CPU_ON_FN64 0xC4000003
#define SMCCC_KVM_UID_FN 0x8600FF01	/* the vendor-specific hypervisor service call UID */
#define SMCCC_KVM_UID_0 0xB66FB428	/* KVM's UID, its first word (x0) */
#define SMCCC_UNKNOWN (-1)		/* what a call no one implements answers */

#if defined(__ASSEMBLER__) && (defined(__x86_64__) || defined(__i386__))
/* ucall CMD with the value already in %ebx (and aux in %ecx) */
#define UCALL(cmd)			\
	mov $(cmd), %eax;		\
	mov $HV_UCALL_PORT, %dx;	\
	out %eax, %dx

/* ABORT with the code in %ebx, naming this line of GUEST_FILE (each source defines it) */
#define UCALL_ABORT_HERE		\
	mov $__LINE__, %ecx;		\
	mov $GUEST_FILE, %esi;		\
	UCALL(HV_UCALL_ABORT)

/* OUT k to the mark port: the host timestamps it */
#define MARK(k)				\
	mov $(k), %eax;			\
	mov $HV_MARK_PORT, %dx;		\
	out %eax, %dx

/* The L1's half of the cost of nesting: NESTED_BENCH_EXITS exits to the host between marks 0
 * and 1 (the L2's half follows, between marks 1 and 2) */
#define L1_EXITS_TO_HOST		\
	MARK(0);			\
	mov $NESTED_BENCH_EXITS, %ecx;	\
	mov $HV_NOP_PORT, %dx;		\
9:	out %eax, %dx;			\
	loop 9b;			\
	MARK(1)
#endif

#if defined(__ASSEMBLER__) && defined(__aarch64__)
/* ucall CMD with the value already in x1 (and aux in x2): x0 and x9 are used */
#define UCALL(cmd)			\
	mov w0, #(cmd);			\
	ldr x9, =HV_UCALL_MMIO;		\
	str w0, [x9]
#endif

#if defined(__ASSEMBLER__) && defined(__arm__)
/* ucall CMD in AArch32, the value already in r1 (and aux in r2): r0 and r9 are used */
#define UCALL(cmd)			\
	mov r0, #(cmd);			\
	ldr r9, =HV_UCALL_MMIO;		\
	str r0, [r9]
#endif

#if defined(__ASSEMBLER__) && (defined(__x86_64__) || defined(__i386__))
/* LIE_NO_L2: the results of both L2s written by the L1 itself (its exits' codes in EXITS) */
#define NESTED_FORGE_RESULTS(EXITS)						\
	movl $NESTED_L2_REAL_RESULT, NESTED_OUT + NESTED_OUT_REAL_RESULT;	\
	movl $(EXITS), NESTED_OUT + NESTED_OUT_REAL_EXITS;			\
	movl $NESTED_LIE_LONG_LO, NESTED_OUT + NESTED_OUT_LONG_LO;		\
	movl $NESTED_LIE_LONG_HI, NESTED_OUT + NESTED_OUT_LONG_HI;		\
	movl $1, NESTED_OUT + NESTED_OUT_LONG_LMA;				\
	movl $NESTED_LIE_CS, NESTED_OUT + NESTED_OUT_LONG_CS;			\
	mov $NESTED_L2_REAL_RESULT, %ebx;					\
	xor %ecx, %ecx
#endif

#endif
