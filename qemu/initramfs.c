// SPDX-License-Identifier: MIT
/* Writing an initramfs (qemu/initramfs.h) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "qemu/initramfs.h"

#define FILE_MAX (256u << 20)

static void put(struct initramfs *ir, const void *data, size_t len)
{
	if (!ir->error && len && gzwrite(ir->gz, data, (unsigned)len) != (int)len)
		ir->error = EIO;
}

/* A newc header and name, each padded to 4 bytes; size bytes of data to follow; rdev: a
 * device node's major and minor */
static void header_rdev(struct initramfs *ir, const char *name, unsigned mode, size_t size,
			unsigned rmajor, unsigned rminor)
{
	char h[128];
	size_t namesize = strlen(name) + 1;
	static const char zeros[4];

	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ir->ino++, mode, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, rmajor, rminor,
		 (unsigned)namesize, 0u);
	put(ir, h, 110);
	put(ir, name, namesize);
	put(ir, zeros, (4 - (110 + namesize) % 4) % 4);
}

static void header(struct initramfs *ir, const char *name, unsigned mode, size_t size)
{
	header_rdev(ir, name, mode, size, 0, 0);
}

static void pad(struct initramfs *ir, size_t size)
{
	static const char zeros[4];

	put(ir, zeros, (4 - size % 4) % 4);
}

int initramfs_open(struct initramfs *ir, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	memset(ir, 0, sizeof(*ir));
	ir->ino = 1;
	if (fd < 0)
		return -errno;
	ir->gz = gzdopen(fd, "wb1");	/* speed over size: it lives for two boots */
	if (!ir->gz) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

void initramfs_dir(struct initramfs *ir, const char *name)
{
	header(ir, name, S_IFDIR | 0755, 0);
}

void initramfs_chardev(struct initramfs *ir, const char *name, unsigned major, unsigned minor)
{
	header_rdev(ir, name, S_IFCHR | 0600, 0, major, minor);
}

void initramfs_data(struct initramfs *ir, const char *name, const void *data, size_t len,
		    unsigned mode)
{
	header(ir, name, S_IFREG | (mode & 0777), len);
	put(ir, data, len);
	pad(ir, len);
}

void initramfs_file(struct initramfs *ir, const char *name, const char *src, unsigned mode)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size > FILE_MAX ||
	    !(data = malloc((size_t)st.st_size + 1))) {
		if (!ir->error)
			ir->error = fd < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : EFBIG;
	} else {
		while (got < (size_t)st.st_size) {
			ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got == (size_t)st.st_size)
			initramfs_data(ir, name, data, got, mode);
		else if (!ir->error)
			ir->error = EIO;
	}
	free(data);
	if (fd >= 0)
		close(fd);
}

int initramfs_close(struct initramfs *ir)
{
	header(ir, "TRAILER!!!", 0, 0);
	if (ir->gz && gzclose(ir->gz) != Z_OK && !ir->error)
		ir->error = EIO;
	ir->gz = NULL;
	return -ir->error;
}
