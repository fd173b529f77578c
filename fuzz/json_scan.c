// SPDX-License-Identifier: MIT
/*
 * Fuzz target: reports/json_scan.c against json-c (tests/c/json_scan_diff.h). Any text on which
 * they disagree, but where json_scan is rightly the strict one, is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/c/json_scan_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[300];

	if (size > 1 << 20)
		return 0;	/* fleet reads up to 16 MiB; a fuzzer's inputs are far smaller */
	if (json_scan_diff((const char *)data, size, why, sizeof(why))) {
		fprintf(stderr, "json_scan and json-c disagree: %s\n", why);
		abort();
	}
	return 0;
}
