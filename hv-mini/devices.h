/* SPDX-License-Identifier: MIT */
/*
 * hv-mini's virtual devices, each on the bus at its range of hv-mini/abi.h:
 *   a test register at HV_PIO_PORT and one at HV_MMIO_GPA: the guest writes a value and reads
 *     back the device's answer (hv_device_answer), which only a device that saw the write gives;
 *   the mark port: OUT k timestamps mark k; the nop port: an exit answered with nothing;
 *   the disk: a host file in sectors, through four ports. The command checks the sector and
 *     latches the offset it checked; reads and writes use only that offset, so a guest that
 *     changes the sector register afterwards cannot move the data elsewhere.
 * Every value a guest writes is checked before it is used, once, and what was checked is kept.
 */
#ifndef VIRTCAP_HV_DEVICES_H
#define VIRTCAP_HV_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "hv-mini/abi.h"
#include "hv-mini/bus.h"

struct hv_test_register {
	uint32_t latch;		/* the last value written */
};

struct hv_marks {
	uint64_t at_ns[HV_MARKS];	/* when the guest wrote k (CLOCK_MONOTONIC), 0: never */
};

struct hv_disk {
	int fd;			/* the host file, or -1: no disk */
	uint64_t size;		/* bytes the guest may reach: whole sectors */
	uint32_t sector;	/* the sector register, as the guest last wrote it */
	uint32_t status;	/* HV_DISK_OK or why not */
	uint64_t off;		/* the byte offset the last command checked, latched */
	bool writing;		/* a write command is open: data fills buf */
	uint32_t pos;		/* dwords of buf read or written */
	uint32_t buf[HV_SECTOR_SIZE / 4];
};

/* The bus and the devices on it; one per proof run. */
struct hv_devices {
	struct hv_bus bus;
	struct hv_test_register pio, mmio;
	struct hv_marks marks;
	struct hv_disk disk;
};

/* Put the test registers, the mark and the nop ports on a fresh bus (no disk). 0 or -errno. */
int hv_devices_init(struct hv_devices *d);

/* Add the disk: fd (kept open by the caller) of size bytes, whole sectors. 0 or -errno. */
int hv_devices_add_disk(struct hv_devices *d, int fd, uint64_t size);

/* What a test register answers to v: v byte-swapped, xor HV_DEVICE_KEY. */
uint32_t hv_device_answer(uint32_t v);

#endif
