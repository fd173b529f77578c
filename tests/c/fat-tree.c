// SPDX-License-Identifier: MIT
/*
 * disk/fat.c on a FAT image: every path of its tree, a directory's with a trailing '/', for
 * t025 to compare with mtools' listing; then, with --esp, what it holds as an EFI system
 * partition ("fallback 0|1", "windows 0|1", "loader DIR FILE", and "fat32-short CLUSTERS" for a
 * FAT32 layout with too few clusters for UEFI's FAT driver). A volume it cannot trust prints
 * "broken: PROBLEM" and exits 1.
 * Usage: fat-tree [--esp] IMAGE
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/fat.h"

static bool print_path(const char *path, bool dir, void *ctx)
{
	(void)ctx;
	printf("%s%s\n", path, dir ? "/" : "");
	return true;
}

int main(int argc, char **argv)
{
	bool esp = argc == 3 && !strcmp(argv[1], "--esp");
	struct esp_facts e;
	struct stat st;
	const char *problem;
	int fd;

	if ((argc != 2 && !esp) || (fd = open(argv[argc - 1], O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: fat-tree [--esp] IMAGE (readable)\n");
		return 2;
	}
	if (esp ? esp_read(fd, 0, (unsigned long long)st.st_size, &e, &problem) :
		  fat_walk(fd, 0, (unsigned long long)st.st_size, FAT_DEPTH_MAX, print_path, NULL,
			   &problem)) {
		printf("broken: %s\n", problem);
		return 1;
	}
	if (esp) {
		printf("fallback %d\nwindows %d\n", e.fallback, e.windows);
		for (size_t i = 0; i < e.nloaders; i++)
			printf("loader %s %s\n", e.loaders[i].dir, e.loaders[i].file);
		if (e.fat32_short)
			printf("fat32-short %lu\n", e.clusters);
	}
	close(fd);
	return 0;
}
