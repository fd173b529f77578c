// SPDX-License-Identifier: MIT
/*
 * Fuzz target: disk/blockdev.c on a disk image that is the input (a partition table and
 * superblocks are another machine's bytes): every partition it returns lies inside the image,
 * and every file system read stays inside it.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz/workdir.h"
#include "disk/blockdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[300];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blockdev_layout l;
	const char *problem;

	if (!path[0])
		snprintf(path, sizeof(path), "%s/disk.img", fuzz_workdir("blockdev"));

	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();

	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		abort();
	if (blockdev_read_table(fd, size, &l, &problem) == 0) {
		for (size_t i = 0; i < l.nparts; i++) {
			const struct blockdev_part *p = &l.parts[i];

			if (p->start * 512 + p->sectors * 512 > size || !p->sectors)
				abort();	/* a partition past the image's end was let through */
			blockdev_fs_type(fd, p->start * 512, (p->start + p->sectors) * 512);
		}
	} else if (!problem) {
		abort();	/* refused without saying why */
	}
	blockdev_fs_type(fd, 0, size);
	close(fd);
	return 0;
}
