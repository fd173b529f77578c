// SPDX-License-Identifier: MIT
/*
 * Fuzz target: probe/ntfs.c on an NTFS volume built from the input (a volume is another
 * machine's bytes). The input is a list of pieces, each a 32-bit little-endian offset, a 16-bit
 * length and that many bytes, written into a sparse image: a real volume's few read sectors lie
 * megabytes apart, and as pieces the fuzzer mutates only them (fuzz/seeds/ntfs holds the
 * sectors virtcap read of volumes mkntfs made and ntfs-3g filled). Every read must stay inside
 * the image, every answer be one of the documented ones.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz/workdir.h"
#include "probe/ntfs.h"

#define IMAGE_MAX (64u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[300];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntfs_facts f;
	const char *problem;
	unsigned long long end = 0;

	if (!path[0])
		snprintf(path, sizeof(path), "%s/volume.img", fuzz_workdir("ntfs"));

	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	for (size_t at = 0; size - at >= 6; ) {
		uint32_t off = (uint32_t)data[at] | (uint32_t)data[at + 1] << 8 |
			       (uint32_t)data[at + 2] << 16 | (uint32_t)data[at + 3] << 24;
		size_t len = (size_t)(data[at + 4] | data[at + 5] << 8);

		at += 6;
		if (len > size - at)
			len = size - at;
		off %= IMAGE_MAX;
		if (pwrite(fd, data + at, len, off) != (ssize_t)len)
			abort();
		if (off + len > end)
			end = off + len;
		at += len;
	}
	if (ntfs_read(fd, 0, end, &f, &problem) == 0) {
		if (f.hiber > NTFS_HIBER_UNREAD || (f.unread && f.hiber != NTFS_HIBER_UNREAD))
			abort();	/* an unread root must leave hiberfil.sys unread */
	} else if (!problem) {
		abort();	/* refused without saying why */
	}
	close(fd);
	return 0;
}
