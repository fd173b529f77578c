/* SPDX-License-Identifier: MIT */
/*
 * A fuzz input as a sparse disk image (fuzz/ntfs.c, fuzz/fat.c): a list of pieces, each a
 * 32-bit little-endian offset, a 16-bit length and that many bytes, written into a file. A
 * real volume's few read sectors lie megabytes apart; as pieces the fuzzer mutates only them.
 * The seeds hold the sectors virtcap read of volumes the real tools made.
 */
#ifndef VIRTCAP_FUZZ_SPARSE_IMAGE_H
#define VIRTCAP_FUZZ_SPARSE_IMAGE_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define SPARSE_IMAGE_MAX (64u << 20)

/* Write the pieces of data into path (made anew); the image's size, or aborts */
static inline unsigned long long sparse_image(const char *path, const uint8_t *data,
					      size_t size, int *fd_out)
{
	unsigned long long end = 0;
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
		off %= SPARSE_IMAGE_MAX;
		if (pwrite(fd, data + at, len, off) != (ssize_t)len)
			abort();
		if (off + len > end)
			end = off + len;
		at += len;
	}
	*fd_out = fd;
	return end;
}

#endif
