/* SPDX-License-Identifier: MIT */
/*
 * A gzip-compressed initramfs (the kernel's "newc" cpio format) written from files chosen one by
 * one (qemu/initramfs.c): the stack's guest gets busybox, its init and the device modules, and
 * nothing is staged in a directory tree first. Owner root, mtime 0: the same inputs give the
 * same archive.
 */
#ifndef VIRTCAP_QEMU_INITRAMFS_H
#define VIRTCAP_QEMU_INITRAMFS_H

#include <stdio.h>

struct initramfs {
	void *gz;		/* zlib's gzFile */
	unsigned ino;
	int error;		/* the first errno, reported by initramfs_close */
};

int initramfs_open(struct initramfs *ir, const char *path);
/* A directory name (its parents must come first) */
void initramfs_dir(struct initramfs *ir, const char *name);
/* name with the contents of the regular file at src (read, at most 256 MiB), mode 0755 or 0644 */
void initramfs_file(struct initramfs *ir, const char *name, const char *src, unsigned mode);
/* A character device node (dev/console: 5 1, which the kernel opens for init's stdio) */
void initramfs_chardev(struct initramfs *ir, const char *name, unsigned major, unsigned minor);
/* name with len bytes of data */
void initramfs_data(struct initramfs *ir, const char *name, const void *data, size_t len,
		    unsigned mode);
/* The trailer, and the file closed: 0 or the first negative errno (the file is then unusable) */
int initramfs_close(struct initramfs *ir);

#endif
