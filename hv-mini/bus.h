/* SPDX-License-Identifier: MIT */
/*
 * The device bus: a device registers the port or MMIO range it answers, with a callback; the run
 * loop hands every port or MMIO exit to hv_bus_dispatch() and fails loudly, naming the access,
 * when no device answers it. Nothing else in hv-mini knows a device's port.
 */
#ifndef VIRTCAP_HV_BUS_H
#define VIRTCAP_HV_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

enum hv_space { HV_SPACE_PIO, HV_SPACE_MMIO };

/*
 * One access to a device: offset from the start of its range, write or read, size bytes at data
 * (a write's value, or where a read's answer goes). Returns 0 when the device handled it, -1 when
 * it refuses the access (a wrong size, a value it does not take): the run then fails on it.
 */
typedef int hv_access_fn(void *dev, uint64_t offset, bool write, uint8_t *data, unsigned size);

#define HV_BUS_MAX 8

struct hv_region {
	enum hv_space space;
	uint64_t base, len;
	hv_access_fn *access;
	void *dev;
};

struct hv_bus {
	struct hv_region regions[HV_BUS_MAX];
	unsigned n;
};

/* Add a device's range; -EEXIST when it overlaps one already there, -ENOSPC when full. */
int hv_bus_register(struct hv_bus *bus, enum hv_space space, uint64_t base, uint64_t len,
		    hv_access_fn *access, void *dev);

/* A KVM_EXIT_IO or KVM_EXIT_MMIO: true when a device handled it (a read's answer is in run). A
 * string port access (count > 1) is never handled. bus may be NULL: no devices. */
bool hv_bus_dispatch(const struct hv_bus *bus, struct kvm_run *run);

#endif
