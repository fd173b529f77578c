/* SPDX-License-Identifier: MIT */
/*
 * `virtcap advise partition DEVICE`: one model of a disk and what it means for booting it as a
 * VM. probe/partition.c fills the facts, partition_decide() (reports/partition.c) the blockers
 * and notes, qemu/partition_boot.c the proof; cli/partition_out.c says it as text or as JSON,
 * so that the two never disagree.
 */
#ifndef VIRTCAP_REPORTS_PARTITION_H
#define VIRTCAP_REPORTS_PARTITION_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "disk/blockdev.h"
#include "disk/fat.h"
#include "disk/ntfs.h"
#include "disk/windows_storage.h"

#define PART_NAME_MAX 64	/* a kernel block device name (sda, nvme0n1p3, loop0p2) */
#define PART_BLOCKERS_MAX 16

struct part_found {
	unsigned number;		/* 0: the device is a disk without a table, read whole */
	unsigned long long start, sectors;
	const char *type;		/* GPT type GUID or MBR type, as partx shows it */
	bool esp, this_one;
	const char *fs;			/* blkid's TYPE, or NULL */
	bool ntfs_read;			/* ntfs below holds what the volume says */
	struct ntfs_facts ntfs;
	const char *ntfs_problem;	/* NTFS that could not be trusted: why */
	bool storage_read;		/* an installed Windows whose SYSTEM hive was read: */
	struct windows_storage storage;	/* the storage drivers it starts at boot */
	const char *storage_problem;	/* its hive could not be read: why */
	bool esp_read;			/* an EFI system partition whose FAT was read: esp */
	struct esp_facts esp_found;
	const char *esp_problem;	/* its FAT could not be trusted: why */
};

/* A reason not to boot it for real, and what to do first */
struct part_blocker {
	const char *id;			/* stable, for JSON: mounted, host-disk, hibernated, ... */
	char reason[640], fix[400];
};

/* --prove: the disk booted read-only through a snapshot, and how far it got */
struct partition_proof {
	bool ran;
	const char *accel;		/* "kvm" or "tcg" */
	unsigned limit_s;
	const char *verdict;		/* boots, started, no, unknown, not-run */
	long handover_ms, screen_ms;	/* when the firmware started the disk's code, when that
					 * code drew on the screen; -1: not seen */
	char firmware_said[200];	/* the firmware's line that tells (cleaned) */
	char qemu_said[200];		/* QEMU's first error line, if it ended */
	char console_said[200];		/* the disk's code's first line on the console (cleaned) */
	char reason[600];
};

/* What this host has mounted of the disk (probe/partition.c) */
struct part_disk_use {
	char self[PATH_MAX + PART_NAME_MAX + 8];	/* where DEVICE itself is mounted, or "" */
	char self_name[PART_NAME_MAX];	/* the device mounted there (DEVICE, or one on it) */
	char other[PATH_MAX];		/* where another partition of its disk is, or "" */
	char other_name[PART_NAME_MAX];
	bool host_root;			/* / or /boot or /boot/efi is on the disk */
};

struct partition_advice {
	char *shown;			/* DEVICE as given, cleaned for a terminal */
	char name[PART_NAME_MAX], disk[PART_NAME_MAX], disk_path[PART_NAME_MAX + 8];
	unsigned number;		/* the partition's, 0 for a whole disk */
	unsigned long long sectors;
	const char *fs;			/* of DEVICE itself */
	struct blockdev_layout layout;
	const char *table_problem;	/* a table there but damaged */
	const char *boot_code;		/* the MBR's: none, GRUB, SYSLINUX, other; NULL unread */
	int disk_errno;			/* the disk could not be read: why (0: it was) */
	size_t nfound;
	struct part_found found[BLOCKDEV_PARTS_MAX + 1];

	bool uefi, windows, kvm;
	enum win_controller controller;	/* the one a Windows guest is given (AHCI when its
					 * drivers are not known) */
	const struct part_found *windows_at;	/* the Windows whose drivers were read, or NULL */
	const char *ovmf;		/* the UEFI firmware's path, or NULL */
	const char *ovmf_fix;		/* how to install it here, when it is needed and missing */
	bool host_uses_disk;		/* this host has mounted (or runs from) some of the disk */
	size_t nblockers;
	struct part_blocker blockers[PART_BLOCKERS_MAX];
	char hibernated_note[320];	/* the snapshot way, when Windows is hibernated, or "" */
	char boot_note[240];		/* the snapshot way, when nothing on the disk boots, or "" */
	char storage_note[320];		/* the snapshot way, when Windows starts no driver for a
					 * controller QEMU offers, or "" */
	char uefi_note[480];		/* the snapshot way, when a new VM's firmware will not find
					 * the OS's loader by itself, or "" */
	struct partition_proof proof;	/* ran only with --prove */
};

struct report;

/*
 * Read DEVICE's facts into a (probe/partition.c) and what this host has mounted of it into
 * use. 0; -EINVAL when DEVICE is not a block device this user can read, with why in problem.
 */
int probe_partition(const char *device, struct partition_advice *a, struct part_disk_use *use,
		    char *problem, size_t problem_len);
/* Every blocker, with its fix, and the notes for the snapshot way (reports/partition.c) */
void partition_decide(const struct report *r, struct partition_advice *a,
		      const struct part_disk_use *use);
/* After --prove: a disk that did not boot through a snapshot does not boot for real either */
void partition_decide_proof(struct partition_advice *a);

/* Boot the disk with QEMU, read-only through a snapshot, for at most limit_s seconds
 * (qemu/partition_boot.c); the result in *p. 0, or -errno when nothing could be tried. */
int partition_prove(const struct partition_advice *a, struct partition_proof *p,
		    unsigned limit_s);

/* Write the advice as text, or as one JSON object (schema virtcap/partition-advice/v1) */
int partition_print_text(const struct partition_advice *a, FILE *out);
int partition_print_json(const struct partition_advice *a, FILE *out);

#endif
