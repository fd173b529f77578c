// SPDX-License-Identifier: MIT
/*
 * disk/blockdev.c on a disk image, printed the way util-linux prints it, for t021 to compare
 * with partx and blkid: the table (blkid's PTTYPE: gpt, dos, or none), then one line per
 * partition "NR START SECTORS TYPE FSTYPE" (partx's columns, then blkid's TYPE or "-"), then
 * "whole FSTYPE". A broken table prints "broken: PROBLEM" and exits 1. With --boot-code, only
 * the MBR's boot code: none, GRUB, SYSLINUX or other.
 * Usage: blockdev-id [--boot-code] IMAGE
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/blockdev.h"

int main(int argc, char **argv)
{
	struct blockdev_layout l;
	struct stat st;
	const char *problem, *fs;
	int fd;

	bool boot = argc == 3 && !strcmp(argv[1], "--boot-code");

	if ((argc != 2 && !boot) || (fd = open(argv[argc - 1], O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: blockdev-id [--boot-code] IMAGE (readable)\n");
		return 2;
	}
	if (boot) {
		fs = blockdev_boot_code(fd, (unsigned long long)st.st_size);
		printf("%s\n", fs ? fs : "unreadable");
		return 0;
	}
	if (blockdev_read_table(fd, (unsigned long long)st.st_size, &l, &problem)) {
		printf("broken: %s\n", problem);
		return 1;
	}
	printf("%s\n", l.table == BLOCKDEV_GPT ? "gpt" : l.table == BLOCKDEV_MBR ? "dos" : "none");
	for (size_t i = 0; i < l.nparts; i++) {
		const struct blockdev_part *p = &l.parts[i];

		fs = blockdev_fs_type(fd, p->start * 512, (p->start + p->sectors) * 512);
		printf("%u %llu %llu %s %s%s\n", p->number, p->start, p->sectors, p->type,
		       fs ? fs : "-", p->esp ? " esp" : "");
	}
	fs = blockdev_fs_type(fd, 0, (unsigned long long)st.st_size);
	printf("whole %s\n", fs ? fs : "-");
	close(fd);
	return 0;
}
