/* SPDX-License-Identifier: MIT */
/*
 * What Windows left on an NTFS volume, read from its own bytes and never written
 * (disk/ntfs.c): whether it is hibernated (Fast Startup hibernates the kernel at every
 * "shut down"), whether its dirty flag is set, and which of Windows's boot files it holds.
 * A hibernated or dirty volume written by another system loses data: the answer to "may a VM
 * (or this host) write it?" (issue 15).
 */
#ifndef VIRTCAP_NTFS_H
#define VIRTCAP_NTFS_H

#include <stdbool.h>

enum ntfs_hiber {
	NTFS_HIBER_NONE,	/* no hiberfil.sys in the root */
	NTFS_HIBER_CLEAR,	/* there, and not a hibernated image (resumed: "wake", or blank) */
	NTFS_HIBER_HIBERNATED,	/* its header says "hibr": Windows will resume from it */
	NTFS_HIBER_SHORT,	/* shorter than a header: ntfs-3g refuses it as hibernated too */
	NTFS_HIBER_UNREAD,	/* the root or the file could not be read: not known */
};

struct ntfs_facts {
	unsigned major, minor;	/* the NTFS version ($Volume): 3.1 since Windows XP */
	bool dirty;		/* $Volume's dirty flag: chkdsk runs at Windows's next boot */
	enum ntfs_hiber hiber;
	bool bootmgr;		/* \bootmgr: the partition Windows boots from by BIOS */
	bool boot_dir;		/* \Boot (its BCD store) */
	bool windows_dir;	/* \Windows: an installed Windows */
	const char *unread;	/* what could not be read (the root's index), or NULL */
	char unread_buf[80];
};

/*
 * Read the NTFS volume at [offset, end) bytes of fd into f. 0, or -1 with *problem when it is
 * not an NTFS this reader can trust (its boot sector, $MFT or $Volume broken).
 */
int ntfs_read(int fd, unsigned long long offset, unsigned long long end, struct ntfs_facts *f,
	      const char **problem);

/*
 * The file at path ('/' between names, matched ignoring ASCII case as Windows does) on the
 * NTFS at [offset, end) of fd, read whole into *data (the caller frees it), *size bytes; a file
 * larger than max is refused. 0, or -1 with *problem saying why it was not read.
 */
int ntfs_read_file(int fd, unsigned long long offset, unsigned long long end, const char *path,
		   size_t max, unsigned char **data, size_t *size, const char **problem);

const char *ntfs_hiber_name(enum ntfs_hiber h);

#endif
