/* SPDX-License-Identifier: MIT */
/*
 * Shared by the guests (assembled with the C preprocessor): the ucall protocol and the
 * guest-physical layout of hv-mini/hv.h, and the ports of hv-mini's virtual devices.
 * Every guest is linked at HV_GPA_CODE and reports through UCALL: EAX = command, EBX = value,
 * ECX = aux, written to HV_UCALL_PORT.
 */
#ifndef VIRTCAP_GUEST_H
#define VIRTCAP_GUEST_H

#define HV_UCALL_PORT 0x00F0
#define UCALL_SYNC 1
#define UCALL_DONE 2
#define UCALL_ABORT 3

#define HV_GPA_IDT 0x2000
#define HV_GPA_PT 0x10000
#define HV_GPA_DATA 0x90000
#define HV_SEL_CODE32 0x08

#define HV_PIO_PORT 0x00E0	/* the PIO test device: one 32-bit register */
#define HV_MMIO_GPA 0xC0000000	/* the MMIO test device: one 32-bit register, no memory */
#define HV_DISK_SECTOR 0x00D0	/* disk: sector number (write) */
#define HV_DISK_CMD 0x00D4	/* disk: 1 read the sector, 2 write it */
#define HV_DISK_DATA 0x00D8	/* disk: 128 dwords of the sector */
#define HV_DISK_STATUS 0x00DC	/* disk: 0 ok, else an error (sector past the end) */
#define HV_IRQ_VECTOR 0x30
#define HV_MARK_PORT 0x00E4	/* OUT k: the host timestamps mark k (0..3) */
#define HV_NOP_PORT 0x00E8	/* an exit the host answers and does nothing with */

/* The nesting cost: NEST_BENCH_EXITS exits of the L1 to the host between marks 0 and 1, then as
 * many exits of an L2 to the L1 between marks 1 and 2 */
#define NEST_BENCH_EXITS 200
#define MARK(k)				\
	mov $(k), %eax;			\
	mov $HV_MARK_PORT, %dx;		\
	out %eax, %dx
#define L1_EXITS_TO_HOST		\
	MARK(0);			\
	mov $NEST_BENCH_EXITS, %ecx;	\
	mov $HV_NOP_PORT, %dx;		\
9:	out %eax, %dx;			\
	loop 9b;			\
	MARK(1)

/* What a nested L1 found out about its L2s, read by the host after DONE (dwords) */
#define NESTED_OUT 0x96000
#define NESTED_REAL_RESULT (NESTED_OUT + 0)	/* the real-mode L2's value */
#define NESTED_REAL_EXITS (NESTED_OUT + 4)	/* its exits, one code per byte */
#define NESTED_LONG_LO (NESTED_OUT + 8)		/* the 64-bit L2's RAX, low half */
#define NESTED_LONG_HI (NESTED_OUT + 12)	/* and high half */
#define NESTED_LONG_LMA (NESTED_OUT + 16)	/* L2's EFER.LMA after its exit (1/0) */
#define NESTED_LONG_CS (NESTED_OUT + 20)	/* L2's CS attributes after its exit */
#define NESTED_FLAGS (NESTED_OUT + 24)		/* NESTED_NO_REAL_L2: no real mode here */
#define NESTED_CAPS (NESTED_OUT + 28)		/* VMX: secondary controls allowed-1 */
#define NESTED_NO_REAL_L2 1
#define L2_LONG_SEED 0x0123456789ABCDEF	/* the 64-bit L2 rotates this left by 20 */
#define L2_STACK 0x7000
#define L2_PML4 0x50000	/* the 64-bit L2's page tables, built by the L1: 4 MiB identity */

/* ucall CMD with the value already in %ebx (and aux in %ecx) */
#define UCALL(cmd)			\
	mov $(cmd), %eax;		\
	mov $HV_UCALL_PORT, %dx;	\
	out %eax, %dx

#endif
