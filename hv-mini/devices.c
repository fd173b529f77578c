// SPDX-License-Identifier: MIT
#include <string.h>
#include <unistd.h>

#include "hv-mini/devices.h"
#include "hv-mini/hv.h"

uint32_t hv_device_answer(uint32_t v)
{
	return __builtin_bswap32(v) ^ HV_DEVICE_KEY;
}

static int test_register(void *dev, uint64_t offset, bool write, uint8_t *data, unsigned size)
{
	struct hv_test_register *r = dev;

	if (size != 4)
		return -1;
	if (write) {
		memcpy(&r->latch, data, 4);
	} else {
		uint32_t v = hv_device_answer(r->latch);

		memcpy(data, &v, 4);
	}
	return 0;
}

static int mark_port(void *dev, uint64_t offset, bool write, uint8_t *data, unsigned size)
{
	struct hv_marks *m = dev;
	uint32_t k;

	if (!write || size != 4)
		return -1;
	memcpy(&k, data, 4);
	if (k >= HV_MARKS)
		return -1;
	m->at_ns[k] = hv_now_ns();
	return 0;
}

static int nop_port(void *dev, uint64_t offset, bool write, uint8_t *data, unsigned size)
{
	return write && size == 4 ? 0 : -1;
}

/* The command: check the sector, latch the offset it gives, read the sector for a read. */
static void disk_command(struct hv_disk *d, uint32_t cmd)
{
	uint64_t off = (uint64_t)d->sector * HV_SECTOR_SIZE;

	d->pos = 0;
	d->writing = false;
	if (off + HV_SECTOR_SIZE > d->size || (cmd != HV_DISK_READ && cmd != HV_DISK_WRITE)) {
		d->status = HV_DISK_PAST_END;
		return;
	}
	d->status = HV_DISK_OK;
	d->off = off;
	if (cmd == HV_DISK_WRITE) {
		d->writing = true;
		return;
	}
	if (pread(d->fd, d->buf, HV_SECTOR_SIZE, (off_t)d->off) != HV_SECTOR_SIZE)
		d->status = HV_DISK_IO_ERROR;
}

static void disk_data_out(struct hv_disk *d, uint32_t v)
{
	if (!d->writing || d->pos >= HV_SECTOR_SIZE / 4) {
		d->status = HV_DISK_NOT_WRITING;
		return;
	}
	d->buf[d->pos++] = v;
	if (d->pos == HV_SECTOR_SIZE / 4) {
		d->writing = false;
		if (pwrite(d->fd, d->buf, HV_SECTOR_SIZE, (off_t)d->off) != HV_SECTOR_SIZE)
			d->status = HV_DISK_IO_ERROR;
	}
}

static int disk_ports(void *dev, uint64_t offset, bool write, uint8_t *data, unsigned size)
{
	struct hv_disk *d = dev;
	uint32_t v = 0;

	if (size != 4)
		return -1;
	memcpy(&v, data, 4);
	switch (HV_DISK_SECTOR + offset) {
	case HV_DISK_SECTOR:
		if (!write)
			return -1;
		d->sector = v;
		return 0;
	case HV_DISK_CMD:
		if (!write)
			return -1;
		disk_command(d, v);
		return 0;
	case HV_DISK_DATA:
		if (write) {
			disk_data_out(d, v);
		} else {
			v = d->pos < HV_SECTOR_SIZE / 4 ? d->buf[d->pos++] : 0;
			memcpy(data, &v, 4);
		}
		return 0;
	case HV_DISK_STATUS:
		if (write)
			return -1;
		memcpy(data, &d->status, 4);
		return 0;
	default:
		return -1;
	}
}

int hv_devices_init(struct hv_devices *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->disk.fd = -1;
	if ((err = hv_bus_register(&d->bus, HV_SPACE_PIO, HV_PIO_PORT, 4, test_register, &d->pio)) ||
	    (err = hv_bus_register(&d->bus, HV_SPACE_MMIO, HV_MMIO_GPA, 4, test_register, &d->mmio)) ||
	    (err = hv_bus_register(&d->bus, HV_SPACE_PIO, HV_MARK_PORT, 4, mark_port, &d->marks)))
		return err;
	return hv_bus_register(&d->bus, HV_SPACE_PIO, HV_NOP_PORT, 4, nop_port, NULL);
}

int hv_devices_add_disk(struct hv_devices *d, int fd, uint64_t size)
{
	d->disk.fd = fd;
	d->disk.size = size - size % HV_SECTOR_SIZE;
#if defined(__aarch64__)	/* no ports: the registers in the same order at HV_DISK_MMIO */
	return hv_bus_register(&d->bus, HV_SPACE_MMIO, HV_DISK_MMIO,
			       HV_DISK_STATUS + 4 - HV_DISK_SECTOR, disk_ports, &d->disk);
#else
	return hv_bus_register(&d->bus, HV_SPACE_PIO, HV_DISK_SECTOR,
			       HV_DISK_STATUS + 4 - HV_DISK_SECTOR, disk_ports, &d->disk);
#endif
}
