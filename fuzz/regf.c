// SPDX-License-Identifier: MIT
/*
 * Fuzz target: disk/regf.c (libhivex, as virtcap hands it a hive) and disk/windows_storage.c on
 * a registry hive (the SYSTEM hive of another machine's Windows). fuzz/seeds/regf holds hives
 * hivexsh wrote, as t026 makes them. Every answer must be one of the documented ones, and a
 * refusal must say why.
 */
#include <stdlib.h>
#include <string.h>

#include "disk/regf.h"
#include "disk/windows_storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of its own size: ASan sees a read past the hive */
	unsigned char *hive = malloc(size ? size : 1);
	struct windows_storage w;
	struct regf h;
	struct regf_value v;
	const char *problem;

	if (!hive)
		abort();
	memcpy(hive, data, size);
	if (windows_storage_read(hive, size, &w, &problem) == 0) {
		if (problem || w.control_set < 1 || w.control_set > 999)
			abort();
		for (size_t i = 0; i < WIN_DRIVERS; i++)
			if (!w.drivers[i].service || (w.drivers[i].start_read && !w.drivers[i].present))
				abort();
	} else if (!problem) {
		abort();	/* refused without saying why */
	}
	if (regf_open(&h, hive, size, &problem) == 0) {
		uint32_t key = regf_key(&h, h.root, "ControlSet001\\Services\\storahci");
		uint32_t n = regf_value_count(&h, key);

		for (uint32_t i = 0; i < n; i++)
			if (regf_value_at(&h, key, i, &v) && (v.data_len > size || !v.name))
				abort();	/* a value larger than the hive, or without a name */
		regf_close(&h);
	}
	free(hive);
	return 0;
}
