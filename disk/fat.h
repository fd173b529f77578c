/* SPDX-License-Identifier: MIT */
/*
 * A FAT12/16/32 file system's directory tree, read from its own bytes and never written
 * (disk/fat.c): what an EFI system partition holds, so that virtcap can say which OS boot
 * loaders it has and whether a VM's fresh firmware will find one (issue 15).
 */
#ifndef VIRTCAP_FAT_H
#define VIRTCAP_FAT_H

#include <stdbool.h>
#include <stddef.h>

#define FAT_NAME_MAX 256	/* a long name's 255 characters and its NUL */
#define FAT_DEPTH_MAX 8
#define FAT32_MIN_CLUSTERS 65525	/* the specification's: fewer make a FAT16 */

/* One entry met by fat_walk: path from the root ("EFI/BOOT/BOOTX64.EFI", long names, non-ASCII
 * as '?'), whether it is a directory; return false to stop the walk */
typedef bool (*fat_visit_fn)(const char *path, bool dir, void *ctx);

/*
 * Walk the tree of the FAT at [offset, end) bytes of fd, depth first, each directory's entries
 * in their on-disk order, at most depth levels down from the root (1: the root's entries).
 * 0, or -1 with *problem when it is not a FAT this reader trusts or a directory is broken.
 */
int fat_walk(int fd, unsigned long long offset, unsigned long long end, int depth,
	     fat_visit_fn visit, void *ctx, const char **problem);

/* What an EFI system partition holds for booting x86-64 */
#define ESP_LOADERS_MAX 8
struct esp_facts {
	bool fallback;			/* \EFI\BOOT\BOOTX64.EFI: what a firmware with no boot
					 * entry (a new VM's) starts */
	bool windows;			/* \EFI\Microsoft\Boot\bootmgfw.efi */
	size_t nloaders;		/* \EFI\NAME\FILE.efi of each OS (Microsoft included) */
	struct { char dir[32], file[40]; } loaders[ESP_LOADERS_MAX];
	unsigned long clusters;		/* data clusters */
	bool fat32_short;		/* a FAT32 layout with fewer than FAT32_MIN_CLUSTERS: Linux
					 * reads it, EDK2's firmware (OVMF) refuses it as corrupted */
};

/* Read fd's FAT at [offset, end) as an EFI system partition. 0, or -1 with *problem. */
int esp_read(int fd, unsigned long long offset, unsigned long long end, struct esp_facts *e,
	     const char **problem);

#endif
