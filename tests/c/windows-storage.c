// SPDX-License-Identifier: MIT
/*
 * disk/ntfs.c's file reader and disk/windows_storage.c on an NTFS image, for t026: the
 * SYSTEM hive read from Windows/System32/config/SYSTEM, then one line per fact:
 * "control_set N", "hive_dirty 0|1", "driver NAME start=N|- override=0|1" for each service
 * there, "boots CONTROLLER..." ("boots -" for none). Not read: "unread: PROBLEM", exit 1.
 * Usage: windows-storage IMAGE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/ntfs.h"
#include "disk/windows_storage.h"

int main(int argc, char **argv)
{
	struct windows_storage w;
	unsigned char *hive;
	const char *problem;
	struct stat st;
	size_t size;
	int fd, any = 0;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "usage: windows-storage IMAGE (readable)\n");
		return 2;
	}
	if (ntfs_read_file(fd, 0, (unsigned long long)st.st_size, WIN_SYSTEM_HIVE, WIN_HIVE_MAX,
			   &hive, &size, &problem)) {
		printf("unread: the hive: %s\n", problem);
		return 1;
	}
	close(fd);
	if (windows_storage_read(hive, size, &w, &problem)) {
		printf("unread: %s\n", problem);
		free(hive);
		return 1;
	}
	printf("control_set %u\nhive_dirty %d\n", w.control_set, w.hive_dirty);
	for (size_t i = 0; i < WIN_DRIVERS; i++) {
		const struct win_driver *d = &w.drivers[i];

		if (!d->present)
			continue;
		if (d->start_read)
			printf("driver %s start=%u override=%d\n", d->service, d->start, d->overridden);
		else
			printf("driver %s start=- override=%d\n", d->service, d->overridden);
	}
	fputs("boots", stdout);
	for (int c = 0; c < WIN_CONTROLLERS; c++)
		if (w.boots[c]) {
			printf(" %s", win_controller_name(c));
			any = 1;
		}
	puts(any ? "" : " -");
	free(hive);
	return 0;
}
