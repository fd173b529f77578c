// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the facts reader (ROOT/.virtcap/facts of a captured root). No input may crash
 * it; facts it accepts must read back the same after facts_format(), which snapshots use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct facts f = { 0 }, g = { 0 };
	char err[256], *text;
	size_t len;

	if (facts_parse(&f, (const char *)data, size, err, sizeof(err)) == 0 &&
	    facts_format(&f, &text, &len) == 0) {
		if (facts_parse(&g, text, len, err, sizeof(err)) || g.n != f.n)
			abort();
		for (size_t i = 0; i < f.n; i++) {
			const char *v = facts_get(&g, f.v[i].key);

			if (!v || strcmp(v, facts_get(&f, f.v[i].key)))
				abort();
		}
		free(text);
	}
	facts_free(&f);
	facts_free(&g);
	return 0;
}
