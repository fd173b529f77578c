// SPDX-License-Identifier: MIT
/*
 * Fuzz target: disk/fat.c on a FAT volume built from the input (fuzz/sparse_image.h; an EFI
 * system partition is another machine's bytes). fuzz/seeds/fat holds the sectors virtcap read
 * of volumes mkfs.vfat made and mtools filled. Every path given must be a bounded, printable
 * string; every read stays inside the image.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz/sparse_image.h"
#include "fuzz/workdir.h"
#include "disk/fat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[300];

static bool check_path(const char *p, bool dir, void *ctx)
{
	size_t n = strlen(p);

	(void)dir;
	(void)ctx;
	if (!n || n >= FAT_DEPTH_MAX * FAT_NAME_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 32 || (unsigned char)p[i] > 126)
			abort();	/* a name's bytes reach a terminal: printable only */
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esp_facts e;
	const char *problem;
	int fd;

	if (!path[0])
		snprintf(path, sizeof(path), "%s/volume.img", fuzz_workdir("fat"));

	unsigned long long end = sparse_image(path, data, size, &fd);

	if (fat_walk(fd, 0, end, FAT_DEPTH_MAX, check_path, NULL, &problem) && !problem)
		abort();	/* refused without saying why */
	if (esp_read(fd, 0, end, &e, &problem) == 0 && e.nloaders > ESP_LOADERS_MAX)
		abort();
	close(fd);
	return 0;
}
