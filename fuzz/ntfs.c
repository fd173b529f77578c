// SPDX-License-Identifier: MIT
/*
 * Fuzz target: disk/ntfs.c on an NTFS volume built from the input (fuzz/sparse_image.h; a
 * volume is another machine's bytes). fuzz/seeds/ntfs holds the sectors virtcap read of
 * volumes mkntfs made and ntfs-3g filled (one with Windows's SYSTEM hive, which the file reader
 * looks up through four directories and reads). Every read must stay inside the image, every
 * answer be one of the documented ones.
 */
#include <stdio.h>

#include "fuzz/sparse_image.h"
#include "fuzz/workdir.h"
#include "disk/ntfs.h"
#include "disk/windows_storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[300];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntfs_facts f;
	const char *problem;
	int fd;

	if (!path[0])
		snprintf(path, sizeof(path), "%s/volume.img", fuzz_workdir("ntfs"));

	unsigned long long end = sparse_image(path, data, size, &fd);

	if (ntfs_read(fd, 0, end, &f, &problem) == 0) {
		if (f.hiber > NTFS_HIBER_UNREAD || (f.unread && f.hiber != NTFS_HIBER_UNREAD))
			abort();	/* an unread root must leave hiberfil.sys unread */
	} else if (!problem) {
		abort();	/* refused without saying why */
	}

	unsigned char *file;
	size_t file_size;
	enum { MAX = 1u << 20 };

	if (ntfs_read_file(fd, 0, end, WIN_SYSTEM_HIVE, MAX, &file, &file_size, &problem) == 0) {
		if (problem || file_size > MAX)
			abort();	/* read, and more than it may */
		free(file);
	} else if (!problem || file) {
		abort();	/* refused without saying why, or a buffer left behind */
	}
	close(fd);
	return 0;
}
