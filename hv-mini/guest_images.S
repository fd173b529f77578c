/* SPDX-License-Identifier: MIT */
/*
 * The guest images, built by the Makefile from hv-mini/guests/ into flat binaries, embedded in
 * the program so that no file is needed at run time. Each NAME gives hv_guest_NAME and
 * hv_guest_NAME_end (hv-mini/guests.h lists them).
 */
#define GUEST(name, file)			\
	.global hv_guest_##name;		\
	.global hv_guest_##name##_end;		\
	.balign 16;				\
hv_guest_##name:				\
	.incbin file;				\
hv_guest_##name##_end:

	.section .rodata
GUEST(real16, "build/guests/real16.bin")
GUEST(prot32, "build/guests/prot32.bin")
GUEST(pae32, "build/guests/pae32.bin")
GUEST(long64, "build/guests/long64.bin")
GUEST(pio, "build/guests/pio.bin")
GUEST(mmio, "build/guests/mmio.bin")
GUEST(hypercall, "build/guests/hypercall.bin")
GUEST(irq, "build/guests/irq.bin")
GUEST(smp, "build/guests/smp.bin")
GUEST(disk, "build/guests/disk.bin")
GUEST(exits, "build/guests/exits.bin")
GUEST(nested_svm, "build/guests/nested-svm.bin")
GUEST(nested_svm_tdp, "build/guests/nested-svm-tdp.bin")
GUEST(nested_vmx, "build/guests/nested-vmx.bin")
GUEST(nested_vmx_tdp, "build/guests/nested-vmx-tdp.bin")
GUEST(hostile_spin, "build/guests/hostile-spin.bin")
GUEST(hostile_triple_fault, "build/guests/hostile-triple-fault.bin")
GUEST(hostile_unmapped, "build/guests/hostile-unmapped.bin")
GUEST(hostile_exit_flood, "build/guests/hostile-exit-flood.bin")
GUEST(hostile_disk_range, "build/guests/hostile-disk-range.bin")

	.section .note.GNU-stack, "", @progbits
