// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the fleet reader (virtcap fleet FILE): another host's JSON report, whatever it
 * holds, becomes a host row or an error row, and every format renders it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz/workdir.h"
#include "reports/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[300];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		snprintf(path, sizeof(path), "%s/report.json", fuzz_workdir("fleet"));
	}

	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();

	struct fleet fl = { 0 };
	FILE *null = fopen("/dev/null", "w");

	fleet_add_path(&fl, path);
	fleet_add_path(&fl, path);	/* the second time: the duplicate check */
	fleet_finish(&fl);
	if (fl.n != 2)
		abort();
	for (int fmt = FLEET_TEXT; fmt <= FLEET_HTML && null; fmt++)
		fleet_render(&fl, (enum fleet_format)fmt, null);
	if (null)
		fclose(null);
	fleet_free(&fl);
	return 0;
}
