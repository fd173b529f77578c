/* SPDX-License-Identifier: MIT */
/*
 * Reading another machine's disk: little-endian fields, Windows's names, and a read that stays
 * inside the bounds the caller gives (disk/blockdev.c, disk/ntfs.c, disk/fat.c,
 * disk/regf.c). A disk's bytes are
 * hostile: nothing is read past its end, and a short read is a failed one.
 */
#ifndef VIRTCAP_DISK_BYTES_H
#define VIRTCAP_DISK_BYTES_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

static inline uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A name as Windows stores it (8-bit, or UTF-16LE when utf16), units characters long, is
 * want[0, n), ignoring ASCII case as Windows does; a character past ASCII never matches */
static inline bool windows_name_is(const unsigned char *name, size_t units, bool utf16,
				   const char *want, size_t n)
{
	if (units != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned c = utf16 ? le16(name + 2 * i) : name[i];

		if (c > 127 || tolower((int)c) != tolower((unsigned char)want[i]))
			return false;
	}
	return true;
}

/* n bytes at off, all of them below size: true, else false */
static inline bool read_at(int fd, unsigned long long size, unsigned long long off, void *buf,
			   size_t n)
{
	size_t got = 0;

	if (off > size || n > size - off)
		return false;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));

		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

#endif
