// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the libcpuid raw dump reader (--cpuid-dump FILE, ROOT/.virtcap/cpuid.raw).
 * Whatever the input, parsing must not crash; a dump it accepts must survive a round trip
 * (format, parse again, same registers), since snapshots write dumps with cpuid_raw_format().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/cpuid_raw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpuid_raw raw, again;
	char err[256], *text;
	size_t len;

	if (cpuid_raw_parse((const char *)data, size, &raw, err, sizeof(err)))
		return 0;
	const char *why;

	(void)cpuid_raw_safe_for_libcpuid(&raw, &why);
	if (cpuid_raw_format(&raw, &text, &len))
		return 0;
	if (cpuid_raw_parse(text, len, &again, err, sizeof(err)) ||
	    memcmp(raw.basic, again.basic, sizeof(raw.basic)) ||
	    memcmp(raw.ext, again.ext, sizeof(raw.ext)))
		abort();	/* a dump we wrote ourselves must read back the same */
	free(text);
	return 0;
}
