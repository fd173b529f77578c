/* SPDX-License-Identifier: MIT */
/*
 * Which disk controllers an installed Windows can start from, read from its SYSTEM hive
 * (disk/windows_storage.c). Windows loads at boot only the storage drivers its registry marks
 * boot-start (Start = 0): one installed on an NVMe disk stops with INACCESSIBLE_BOOT_DEVICE
 * when a VM shows it the disk on AHCI, unless storahci starts at boot too. This picks the
 * controller the VM must offer (issue 15).
 */
#ifndef VIRTCAP_WINDOWS_STORAGE_H
#define VIRTCAP_WINDOWS_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The controllers QEMU offers a Windows guest, in the order virtcap prefers them */
enum win_controller {
	WIN_VIRTIO_BLK,		/* virtio-blk: viostor, from the virtio-win drivers; the fastest */
	WIN_VIRTIO_SCSI,	/* virtio-scsi: vioscsi, the same */
	WIN_AHCI,		/* -device ahci + ide-hd: QEMU's ICH9, storahci (msahci before 8) */
	WIN_NVME,		/* -device nvme: stornvme (8.1 and later) */
	WIN_IDE,		/* QEMU's PIIX3 IDE: intelide or pciide, with atapi */
	WIN_CONTROLLERS
};

/* One driver service, as ControlSet00N\Services\NAME says */
struct win_driver {
	const char *service;
	bool present;		/* the service key is there */
	bool start_read;	/* its Start value is a REG_DWORD */
	uint32_t start;		/* 0 boot, 1 system, 2 automatic, 3 on demand, 4 disabled */
	bool overridden;	/* a StartOverride value that is not 0 keeps it from boot */
};

#define WIN_DRIVERS 8

struct windows_storage {
	unsigned control_set;	/* Select\Current: the ControlSet00N Windows starts with */
	bool hive_dirty;	/* the hive's last write was not finished: see regf.h */
	struct win_driver drivers[WIN_DRIVERS];
	bool boots[WIN_CONTROLLERS];	/* a boot-start driver for this controller */
};

/* The SYSTEM hive's bytes into w. 0, or -1 with *problem when it cannot be read */
int windows_storage_read(const unsigned char *hive, size_t size, struct windows_storage *w,
			 const char **problem);

/* The controller's short name (ahci, nvme, virtio-blk, virtio-scsi, ide) */
const char *win_controller_name(enum win_controller c);

/* Where Windows keeps its SYSTEM hive on its volume, and the largest virtcap reads */
#define WIN_SYSTEM_HIVE "Windows/System32/config/SYSTEM"
#define WIN_HIVE_MAX (256u << 20)

#endif
