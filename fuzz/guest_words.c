// SPDX-License-Identifier: MIT
/*
 * Fuzz target: what a guest (or a QEMU it subverted) says to the stack proof and the QEMU
 * driver: a serial console (the init's marker, the last line shown in the report), a gdbstub
 * "g" payload, and the request line the host's listener reads. Each reader must stay inside
 * its input and its output: the marker's uptime is digits and dots, the last line holds no
 * control character, a request's name lies within the bytes given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/gdb.h"
#include "qemu/stack_net.h"
#include "qemu/stack_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), uptime[32], last[600], regs[200];
	struct x86_regs r;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (stack_init_uptime(text, uptime, sizeof(uptime)) &&
	    (!uptime[0] || strspn(uptime, "0123456789.") != strlen(uptime)))
		abort();
	stack_last_line(text, size % 2 ? "VIRTCAP-DEV" : NULL, last, sizeof(last));
	for (const char *c = last; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			abort();
	if (gdb_parse_x86_regs((const char *)data, size, &r))
		gdb_format_x86_regs(&r, regs, sizeof(regs));
	if (stack_net_request_name((const char *)data, size) + 5 > size &&
	    stack_net_request_name((const char *)data, size))
		abort();
	free(text);
	return 0;
}
