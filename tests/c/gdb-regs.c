// SPDX-License-Identifier: MIT
/*
 * qemu/gdb.c, the registers of a guest that never got on. Without arguments: payloads a
 * gdbstub (or something posing as one) might send, each taken or refused as it must be. With
 * a socket path: the registers of the QEMU whose gdbstub listens there, printed as virtcap
 * shows them, for t098 to compare with QEMU's own "info registers".
 */
#include <stdio.h>
#include <string.h>

#include "qemu/gdb.h"
#include "tests/tap.h"

/* A payload of bytes: 0x11 everywhere but the registers read, which get distinct values */
static void payload(char *hex, size_t bytes)
{
	unsigned char b[1024];

	memset(b, 0x11, sizeof(b));
	memcpy(b + 128, "\xf0\xff\0\0\0\0\0\0", 8);		/* RIP 0xfff0 */
	memcpy(b + 140, "\x00\xf0\0\0", 4);			/* CS f000 */
	memcpy(b + 188, "\x10\0\0\x60\0\0\0\0", 8);		/* CR0 0x60000010 */
	memcpy(b + 204, "\0\x10\x20\x30\0\0\0\0", 8);		/* CR3 0x30201000 */
	memcpy(b + 212, "\x20\0\0\0\0\0\0\0", 8);		/* CR4 PAE */
	memcpy(b + 228, "\0\x05\0\0\0\0\0\0", 8);		/* EFER LME|LMA */
	for (size_t i = 0; i < bytes; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
}

int main(int argc, char **argv)
{
	struct x86_regs r;
	char hex[2048 + 1], out[200];

	if (argc == 2) {
		if (!gdb_read_x86_regs(argv[1], 5000, &r))
			return 1;
		gdb_format_x86_regs(&r, out, sizeof(out));
		puts(out);
		return 0;
	}
	tap_plan(7);
	payload(hex, 608);	/* QEMU 7.2's i386-64bit.xml "g" reply */
	ok(gdb_parse_x86_regs(hex, strlen(hex), &r), "a whole reply is read");
	gdb_format_x86_regs(&r, out, sizeof(out));
	is_string(out, "RIP=0xfff0 CR0=0x60000010 CR3=0x30201000 CR4=0x20 EFER=0x500 CS=f000",
		  "each register from its own offset, little-endian");
	payload(hex, 236);
	ok(gdb_parse_x86_regs(hex, strlen(hex), &r), "a reply that ends at EFER is enough");
	ok(!gdb_parse_x86_regs(hex, strlen(hex) - 2, &r), "one byte short of EFER: refused");
	ok(!gdb_parse_x86_regs(hex, strlen(hex) - 1, &r), "an odd number of hex digits: refused");
	payload(hex, 608);
	memcpy(hex + 2 * 188, "xx", 2);
	ok(!gdb_parse_x86_regs(hex, strlen(hex), &r), "a register QEMU could not read (xx): refused");
	payload(hex, 608);
	hex[2 * 140] = 'g';
	ok(!gdb_parse_x86_regs(hex, strlen(hex), &r), "a byte that is not hex: refused");
	return tap_done();
}
