// SPDX-License-Identifier: MIT
/*
 * probe/klog.c on a saved kernel log (dmesg's lines): the klog.* facts it keeps, one
 * "key=value" line each, as a captured root's .virtcap/facts holds them. t105 feeds it the
 * logs of Debian's arm64 kernel booted in QEMU's emulated arm64 CPUs (tests/data/arm64/).
 * Usage: klog-facts LOG
 */
#include <stdio.h>
#include <stdlib.h>

#include "probe/facts.h"
#include "probe/probe.h"

int main(int argc, char **argv)
{
	static char text[1 << 20];
	struct facts f = { 0 };
	FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
	size_t n = in ? fread(text, 1, sizeof(text) - 1, in) : 0;
	char *out = NULL;
	size_t len = 0;

	if (!in || ferror(in) || n == sizeof(text) - 1) {
		fprintf(stderr, "usage: klog-facts LOG (readable, under 1 MiB)\n");
		return 2;
	}
	fclose(in);
	text[n] = '\0';
	probe_klog_text(&f, text);
	if (facts_format(&f, &out, &len))
		return 2;
	fwrite(out, 1, len, stdout);
	free(out);
	facts_free(&f);
	return 0;
}
