// SPDX-License-Identifier: MIT
/*
 * The storage drivers an installed Windows starts at boot (disk/windows_storage.h), from its
 * SYSTEM hive: Select\Current names the control set, and each driver's service key holds its
 * Start type; Windows 8 and later also honour a StartOverride subkey, whose values (named "0",
 * "1", ...) replace Start: this is how a driver is kept from boot without touching Start.
 */
#include <stdio.h>
#include <string.h>

#include "disk/regf.h"
#include "disk/windows_storage.h"

#define START_BOOT 0u

/* Each driver service virtcap reads, and the controller it drives */
static const struct {
	const char *service;
	enum win_controller controller;
} services[WIN_DRIVERS] = {
	{ "storahci", WIN_AHCI },	/* Windows 8 and later */
	{ "msahci", WIN_AHCI },		/* Vista and 7 */
	{ "stornvme", WIN_NVME },
	{ "viostor", WIN_VIRTIO_BLK },
	{ "vioscsi", WIN_VIRTIO_SCSI },
	{ "intelide", WIN_IDE },	/* PIIX's IDE, QEMU's default i440FX machine */
	{ "pciide", WIN_IDE },
	{ "atapi", WIN_IDE },		/* the channel driver both IDE drivers need */
};

/* Whether key's StartOverride subkey has a value that is not boot-start */
static bool overridden(const struct regf *h, uint32_t key)
{
	uint32_t o = regf_key(h, key, "StartOverride"), count = regf_value_count(h, o);
	struct regf_value v;

	for (uint32_t i = 0; i < count; i++)
		if (regf_value_at(h, o, i, &v) && v.type == REGF_DWORD && v.data_len == 4 &&
		    (v.data[0] | v.data[1] | v.data[2] | v.data[3]))
			return true;
	return false;
}

static bool boot_start(const struct win_driver *d)
{
	return d->present && d->start_read && d->start == START_BOOT && !d->overridden;
}

static bool service_boots(const struct windows_storage *w, const char *service)
{
	for (size_t i = 0; i < WIN_DRIVERS; i++)
		if (!strcmp(w->drivers[i].service, service))
			return boot_start(&w->drivers[i]);
	return false;
}

/* The control set Select\\Current names, and each storage driver's Start in its Services */
static int read_services(const struct regf *h, struct windows_storage *w, const char **problem)
{
	uint32_t current, services_key;
	char path[64];

	*problem = "it has no Select\\Current (not a SYSTEM hive)";
	if (!regf_dword(h, regf_key(h, h->root, "Select"), "Current", &current))
		return -1;
	*problem = "its Select\\Current names no control set";
	if (current < 1 || current > 999)
		return -1;
	w->control_set = current;
	snprintf(path, sizeof(path), "ControlSet%03u\\Services", current);
	*problem = "its control set has no Services key";
	if ((services_key = regf_key(h, h->root, path)) == REGF_NONE)
		return -1;
	for (size_t i = 0; i < WIN_DRIVERS; i++) {
		struct win_driver *d = &w->drivers[i];
		uint32_t key = regf_key(h, services_key, services[i].service);

		d->service = services[i].service;
		d->present = key != REGF_NONE;
		d->start_read = d->present && regf_dword(h, key, "Start", &d->start);
		d->overridden = d->present && overridden(h, key);
	}
	for (size_t i = 0; i < WIN_DRIVERS; i++)
		if (services[i].controller != WIN_IDE && boot_start(&w->drivers[i]))
			w->boots[services[i].controller] = true;
	return 0;
}

int windows_storage_read(const unsigned char *hive, size_t size, struct windows_storage *w,
			 const char **problem)
{
	struct regf h;

	memset(w, 0, sizeof(*w));
	if (regf_open(&h, hive, size, problem))
		return -1;
	w->hive_dirty = h.dirty;
	if (read_services(&h, w, problem)) {
		regf_close(&h);
		return -1;
	}
	regf_close(&h);
	/* IDE needs both: a controller driver and atapi for its channels */
	w->boots[WIN_IDE] = (service_boots(w, "intelide") || service_boots(w, "pciide")) &&
			    service_boots(w, "atapi");
	*problem = NULL;
	return 0;
}

const char *win_controller_name(enum win_controller c)
{
	static const char *const names[WIN_CONTROLLERS] = {
		[WIN_AHCI] = "ahci", [WIN_NVME] = "nvme", [WIN_VIRTIO_BLK] = "virtio-blk",
		[WIN_VIRTIO_SCSI] = "virtio-scsi", [WIN_IDE] = "ide",
	};

	return (unsigned)c < WIN_CONTROLLERS ? names[c] : "unknown";
}
