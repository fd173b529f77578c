// SPDX-License-Identifier: MIT
/*
 * disk/ntfs.c on an NTFS image, one fact per line, for t023 to compare with ntfs-3g's own
 * tools: "version 3.1", "dirty 0|1", "hiberfil none|clear|hibernated|short|unread",
 * "bootmgr 0|1", "boot 0|1", "windows 0|1", "unread WHAT|-". A volume it cannot trust prints
 * "broken: PROBLEM" and exits 1.
 * Usage: ntfs-facts IMAGE
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/ntfs.h"

int main(int argc, char **argv)
{
	struct ntfs_facts f;
	struct stat st;
	const char *problem;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: ntfs-facts IMAGE (readable)\n");
		return 2;
	}
	if (ntfs_read(fd, 0, (unsigned long long)st.st_size, &f, &problem)) {
		printf("broken: %s\n", problem);
		return 1;
	}
	printf("version %u.%u\ndirty %d\nhiberfil %s\nbootmgr %d\nboot %d\nwindows %d\nunread %s\n",
	       f.major, f.minor, f.dirty, ntfs_hiber_name(f.hiber), f.bootmgr, f.boot_dir,
	       f.windows_dir, f.unread ? f.unread : "-");
	close(fd);
	return 0;
}
