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

/* ucall CMD with the value already in %ebx (and aux in %ecx) */
#define UCALL(cmd)			\
	mov $(cmd), %eax;		\
	mov $HV_UCALL_PORT, %dx;	\
	out %eax, %dx

#endif
