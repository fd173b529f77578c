/* SPDX-License-Identifier: MIT */
/*
 * The registers of a QEMU guest from QEMU's gdbstub (qemu/gdb.c), the machine protocol QEMU
 * has for them (QMP has none; its human monitor's "info registers" is text for people). One
 * "g" packet of GDB's remote protocol, for target i386:x86-64 (QEMU's i386-64bit.xml): 16
 * general registers and RIP (8 bytes each), EFLAGS and the six segment selectors (4 each),
 * then FS_BASE, GS_BASE, KERNEL_GS_BASE, CR0, CR2, CR3, CR4, CR8 and EFER (8 each), all
 * little-endian, then the FPU and SSE state.
 */
#ifndef VIRTCAP_QEMU_GDB_H
#define VIRTCAP_QEMU_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct x86_regs {
	uint64_t rip, cr0, cr3, cr4, efer;
	uint32_t cs;
};

/* Parse the payload of a "g" reply (hex text, between '$' and '#'); false when it is too short
 * or not hex */
bool gdb_parse_x86_regs(const char *hex, size_t len, struct x86_regs *r);

/* Ask the gdbstub listening on the Unix socket at path (it stops the guest); false when it did
 * not answer within timeout_ms or answered something else */
bool gdb_read_x86_regs(const char *path, int timeout_ms, struct x86_regs *r);

/* "RIP=0x... CR0=0x... CR3=0x... CR4=0x... EFER=0x... CS=xxxx" into out */
void gdb_format_x86_regs(const struct x86_regs *r, char *out, size_t len);

#endif
