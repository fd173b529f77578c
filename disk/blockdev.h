/* SPDX-License-Identifier: MIT */
/*
 * What a disk holds, read from its own bytes and never written: the partition table (MBR or
 * GPT) and each partition's place and type, and a file system's kind from its superblock
 * (disk/blockdev.c). The groundwork of "can the OS on my other partition run as a VM?"
 * (issue 15): a disk is another machine's data, so every field is checked before it is used.
 */
#ifndef VIRTCAP_BLOCKDEV_H
#define VIRTCAP_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>

#define BLOCKDEV_PARTS_MAX 128	/* GPT's usual count; MBR has 4 (extended ones are not read) */

enum blockdev_table { BLOCKDEV_NO_TABLE, BLOCKDEV_MBR, BLOCKDEV_GPT };

struct blockdev_part {
	unsigned number;		/* 1-based, as the kernel numbers the partition nodes */
	unsigned long long start;	/* in 512-byte sectors, as partx shows them */
	unsigned long long sectors;
	char type[40];			/* GPT: the type GUID, lower case; MBR: "0x7" (as partx) */
	bool esp;			/* an EFI system partition: the disk boots by UEFI */
};

struct blockdev_layout {
	enum blockdev_table table;
	unsigned sector_size;		/* the GPT's (512 or 4096); 512 for MBR */
	size_t nparts;
	struct blockdev_part parts[BLOCKDEV_PARTS_MAX];
};

/*
 * Read the partition table of the disk open as fd (size bytes). 0, or -1 with *problem when
 * the table is there but broken (a GPT whose CRCs do not match, entries past the disk).
 * No table at all is 0 with table BLOCKDEV_NO_TABLE.
 */
int blockdev_read_table(int fd, unsigned long long size, struct blockdev_layout *out,
			const char **problem);

/* libblkid's name (blkid's TYPE) of the file system or container at offset bytes of fd (size
 * bytes in all; nothing past it is read), or NULL when there is none or two contradict: ntfs,
 * vfat, ext4, btrfs, xfs, swap, crypto_LUKS, BitLocker, LVM2_member, ... The string lasts. */
const char *blockdev_fs_type(int fd, unsigned long long offset, unsigned long long size);

/* The MBR's boot code (its first 440 bytes), what a BIOS runs: "none" (zeros, as sgdisk and
 * sfdisk leave it), "GRUB" (GRUB 2's boot.img), "SYSLINUX" (its mbr.bin or gptmbr.bin), or
 * "other"; NULL when sector 0 cannot be read */
#define MBR_CODE_BYTES 440
const char *blockdev_boot_code(int fd, unsigned long long size);

#endif
