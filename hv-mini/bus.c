// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stddef.h>

#include "hv-mini/bus.h"

int hv_bus_register(struct hv_bus *bus, enum hv_space space, uint64_t base, uint64_t len,
		    hv_access_fn *access, void *dev)
{
	for (unsigned i = 0; i < bus->n; i++) {
		const struct hv_region *r = &bus->regions[i];

		if (r->space == space && base < r->base + r->len && r->base < base + len)
			return -EEXIST;
	}
	if (bus->n == HV_BUS_MAX)
		return -ENOSPC;
	bus->regions[bus->n++] = (struct hv_region){ space, base, len, access, dev };
	return 0;
}

static const struct hv_region *find(const struct hv_bus *bus, enum hv_space space, uint64_t addr,
				    unsigned size)
{
	for (unsigned i = 0; bus && i < bus->n; i++) {
		const struct hv_region *r = &bus->regions[i];

		if (r->space == space && addr >= r->base && addr - r->base + size <= r->len)
			return r;
	}
	return NULL;
}

bool hv_bus_dispatch(const struct hv_bus *bus, struct kvm_run *run)
{
	const struct hv_region *r;

	if (run->exit_reason == KVM_EXIT_IO) {
		if (run->io.count != 1 || run->io.size > 4)
			return false;
		r = find(bus, HV_SPACE_PIO, run->io.port, run->io.size);
		return r && r->access(r->dev, run->io.port - r->base,
				      run->io.direction == KVM_EXIT_IO_OUT,
				      (uint8_t *)run + run->io.data_offset, run->io.size) == 0;
	}
	if (run->exit_reason == KVM_EXIT_MMIO) {
		if (run->mmio.len > sizeof(run->mmio.data))
			return false;
		r = find(bus, HV_SPACE_MMIO, run->mmio.phys_addr, run->mmio.len);
		return r && r->access(r->dev, run->mmio.phys_addr - r->base, run->mmio.is_write,
				      run->mmio.data, run->mmio.len) == 0;
	}
	return false;
}
