// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a --root archive whose .virtcap/facts is the input, through the whole way a
 * snapshot is read back: the archive reader unpacks it, the facts parser reads it (a malformed
 * file is an input error, never a crash), and a probe of the root renders it as JSON.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/signal_cleanup.h"
#include "fuzz/workdir.h"
#include "probe/probe.h"
#include "probe/root_archive.h"
#include "reports/json.h"
#include "reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char work[300], target[320], archive[320];

/* One ustar header: a directory (type '5') or a file of size bytes */
static void header(FILE *f, const char *name, char type, size_t size)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;

	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	if (fwrite(h, 1, 512, f) != 512)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char zeros[1024];
	char err[512];

	if (size > (1u << 20))
		return 0;
	if (!work[0]) {
		snprintf(work, sizeof(work), "%s", fuzz_workdir("facts"));
		snprintf(target, sizeof(target), "%s/root", work);
		snprintf(archive, sizeof(archive), "%s/root.tar", work);
	}

	FILE *f = fopen(archive, "wb");

	if (!f)
		abort();
	header(f, "proc/", '5', 0);
	header(f, ".virtcap/", '5', 0);
	header(f, ".virtcap/facts", '0', size);
	if (fwrite(data, 1, size, f) != size || fwrite(zeros, 1, (512 - size % 512) % 512, f) !=
	    (512 - size % 512) % 512 || fwrite(zeros, 1, sizeof(zeros), f) != sizeof(zeros) ||
	    fclose(f))
		abort();

	mkdir(target, 0755);

	int fd = open(target, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		abort();
	if (root_archive_unpack(archive, fd, err, sizeof(err)))
		abort();	/* the archive is well formed: only the facts are the fuzzer's */
	close(fd);

	struct probe_ctx ctx;

	if (probe_ctx_init(&ctx, target, NULL, err, sizeof(err)) == 0) {
		struct report *r = report_new();

		if (!r)
			abort();
		if (probe_run(&ctx, r) == 0)
			json_object_put(report_to_json(r));
		report_free(r);
		probe_ctx_release(&ctx);
	}
	signal_cleanup_remove_tree(target);
	return 0;
}
