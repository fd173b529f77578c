// SPDX-License-Identifier: MIT
/*
 * PCI devices and how ready each is for passthrough (VFIO).
 *
 * A device can be given to a guest only with its whole IOMMU group: the IOMMU isolates groups,
 * not devices. A GPU alone in its group (or with only its own functions, such as its HDMI audio
 * at function 1) can be passed through; one that shares its group with a bridge or another card
 * cannot without giving those away too (or an ACS override patch, which trades isolation away).
 *
 * Devices are read from sysfs through the probe root, so captured roots, snapshots and the static
 * binaries (built without libpci: Debian ships no libpci.a) all see the same thing. libpci is
 * used for what it does better: the names in the pci.ids database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_LIBPCI
#include <pci/pci.h>
#endif

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

#define PCI_DEVICES "/sys/bus/pci/devices"
#define PCI_CLASS_DISPLAY 0x03	/* base class of VGA, 3D and other display controllers */
#define PCI_MAX_DEVICES 4096	/* a hostile root cannot make us loop forever */

struct pci_dev_info {
	char slot[32];		/* domain:bus:device.function */
	unsigned vendor, device, class;
	char driver[64];
	int group;		/* IOMMU group, -1 when none */
	long long totalvfs, numvfs;	/* SR-IOV, -1 when not capable */
};

static long long read_number(struct probe_ctx *ctx, const char *slot, const char *attr, int base)
{
	char path[128], v[64], *end;
	long long n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", slot, attr);
	if (root_read_line(ctx, path, v, sizeof(v)) || !v[0])
		return -1;
	n = strtoll(v, &end, base);
	return *end ? -1 : n;
}

/* The last component of the link slot/attr ("vfio-pci", "12"), or "" */
static void read_link_name(struct probe_ctx *ctx, const char *slot, const char *attr, char *out,
			   size_t len)
{
	char path[128], target[256];
	const char *base;

	out[0] = '\0';
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", slot, attr);
	if (root_readlink(ctx, path, target, sizeof(target)) <= 0)
		return;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;

	size_t blen = strlen(base);

	if (blen >= len)
		blen = len - 1;	/* a longer name is not a driver or group of ours */
	memcpy(out, base, blen);
	out[blen] = '\0';
}

static void pci_read_device(struct probe_ctx *ctx, const char *slot, struct pci_dev_info *d)
{
	char group[32];

	memset(d, 0, sizeof(*d));
	snprintf(d->slot, sizeof(d->slot), "%s", slot);
	d->vendor = (unsigned)read_number(ctx, slot, "vendor", 16);
	d->device = (unsigned)read_number(ctx, slot, "device", 16);
	d->class = (unsigned)read_number(ctx, slot, "class", 16);
	read_link_name(ctx, slot, "driver", d->driver, sizeof(d->driver));
	read_link_name(ctx, slot, "iommu_group", group, sizeof(group));
	d->group = group[0] ? atoi(group) : -1;
	d->totalvfs = read_number(ctx, slot, "sriov_totalvfs", 10);
	d->numvfs = read_number(ctx, slot, "sriov_numvfs", 10);
}

/* Same physical device: the slot without its function number. */
static bool same_device(const char *a, const char *b)
{
	const char *da = strrchr(a, '.'), *db = strrchr(b, '.');

	return da && db && da - a == db - b && !strncmp(a, b, (size_t)(da - a));
}

/*
 * Names come from libpci's pci.ids, loaded on the first lookup. Loading it is 25 million
 * instructions, 87% of a whole virtcap run (callgrind), so only the devices a person chooses
 * for passthrough are named: display controllers, SR-IOV devices and those bound to vfio-pci.
 */
struct pci_names {
#if HAVE_LIBPCI
	struct pci_access *pacc;
#endif
	int unused;
};

#if HAVE_LIBPCI
static bool pci_wants_name(const struct pci_dev_info *d)
{
	return d->class >> 16 == PCI_CLASS_DISPLAY || d->totalvfs > 0 ||
	       !strcmp(d->driver, "vfio-pci");
}
#endif

#if HAVE_LIBPCI
static void pci_quiet(char *msg, ...)
{
	(void)msg;	/* a missing pci.ids only costs us the names */
}

/*
 * libpci calls this only when it cannot allocate memory, and requires that it not return; the
 * name lookup never reaches pci_init(), which would otherwise install a handler that exits.
 */
static void __attribute__((noreturn)) pci_fatal(char *msg, ...)
{
	(void)msg;
	abort();
}
#endif

static void pci_names_open(struct pci_names *n)
{
#if HAVE_LIBPCI
	n->pacc = pci_alloc();
	/* pci_init() is not called (it probes access methods we do not use), so the
	 * handlers it would install are ours to set */
	if (n->pacc) {
		n->pacc->warning = pci_quiet;
		n->pacc->debug = pci_quiet;
		n->pacc->error = pci_fatal;
	}
#endif
	(void)n;
}

static void pci_names_close(struct pci_names *n)
{
#if HAVE_LIBPCI
	if (n->pacc)
		pci_cleanup(n->pacc);
#endif
	(void)n;
}

/* Vendor, device and class names from pci.ids; left unknown where it has none. */
static int pci_name(struct pci_names *n, const struct pci_dev_info *d, struct pci_device *out)
{
	int rc = 0;
#if HAVE_LIBPCI
	char buf[256];
	int flags = PCI_LOOKUP_NO_NUMBERS;

	if (n->pacc && pci_wants_name(d)) {
		if (pci_lookup_name(n->pacc, buf, sizeof(buf), PCI_LOOKUP_VENDOR | flags, d->vendor))
			rc |= report_str_set(&out->vendor_name, buf);
		if (pci_lookup_name(n->pacc, buf, sizeof(buf), PCI_LOOKUP_DEVICE | flags, d->vendor,
				    d->device))
			rc |= report_str_set(&out->device_name, buf);
		if (pci_lookup_name(n->pacc, buf, sizeof(buf), PCI_LOOKUP_CLASS | flags,
				    d->class >> 8))
			rc |= report_str_set(&out->class_name, buf);
	}
#endif
	(void)n;
	(void)d;
	(void)out;
	return rc;
}

/* Device i into the report, with the others of its IOMMU group (not its own functions) */
static int pci_record(struct report *r, const struct pci_dev_info *devs, size_t n, size_t i,
		      struct pci_names *names)
{
	const struct pci_dev_info *d = &devs[i];
	struct pci_device *out = report_pci_add(r, d->slot);

	if (!out)
		return -ENOMEM;
	out->vendor_id = d->vendor & 0xFFFF;
	out->device_id = d->device & 0xFFFF;
	out->class_code = d->class & 0xFFFFFF;
	out->iommu_group = d->group >= 0 ? d->group : -1;
	out->is_gpu = d->class >> 16 == PCI_CLASS_DISPLAY;
	out->sriov_totalvfs = d->totalvfs >= 0 ? d->totalvfs : -1;
	out->sriov_numvfs = d->numvfs >= 0 ? d->numvfs : -1;
	if (pci_name(names, d, out) || (d->driver[0] && report_str_set(&out->driver, d->driver)))
		return -ENOMEM;
	for (size_t j = 0; j < n && d->group >= 0; j++) {
		if (devs[j].group != d->group)
			continue;
		out->group_devices++;
		if (j == i || same_device(devs[j].slot, d->slot))
			continue;

		char **v = realloc(out->shared_with, (out->nshared + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->shared_with = v;
		if (!(v[out->nshared] = strdup(devs[j].slot)))
			return -ENOMEM;
		out->nshared++;
	}
	return 0;
}

int probe_pci(struct probe_ctx *ctx, struct report *r)
{
	char **slots;
	int n = root_list(ctx, PCI_DEVICES, &slots);
	int rc = 0;

	if (n < 0) {
		rc |= report_cap_unknown(r, CAP_PCI_DEVICES, PCI_DEVICES, "%s", strerror(-n));
		return rc ? -ENOMEM : 0;
	}
	if (n > PCI_MAX_DEVICES)
		n = PCI_MAX_DEVICES;

	struct pci_dev_info *devs = calloc((size_t)n + 1, sizeof(*devs));
	struct pci_names names = { 0 };
	int gpus = 0, gpus_ready = 0, sriov = 0, vfio = 0;

	if (!devs) {
		root_list_free(slots);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		pci_read_device(ctx, slots[i], &devs[i]);
	root_list_free(slots);
	pci_names_open(&names);
	r->pci_known = true;
	for (int i = 0; i < n; i++) {
		if (pci_record(r, devs, (size_t)n, (size_t)i, &names)) {
			rc = -1;
			break;
		}

		const struct pci_device *d = &r->pci[r->npci - 1];

		if (d->is_gpu) {
			gpus++;
			gpus_ready += d->iommu_group >= 0 && d->nshared == 0;
		}
		sriov += devs[i].totalvfs > 0;
		vfio += !strcmp(devs[i].driver, "vfio-pci");
	}
	pci_names_close(&names);
	free(devs);
	if (rc)
		return -ENOMEM;

	rc |= report_cap_int(r, CAP_PCI_DEVICES, n, PCI_DEVICES, NULL);
	rc |= report_cap_int(r, CAP_PCI_GPUS, gpus, PCI_DEVICES "/*/class", "display controllers "
			     "(class 0x03)");
	rc |= report_cap_int(r, CAP_PCI_GPUS_PASSTHROUGH_READY, gpus_ready,
			     PCI_DEVICES "/*/iommu_group", "GPUs alone in their IOMMU group (their "
			     "own functions aside)");
	if (gpus > gpus_ready)
		rc |= report_cap_fix(r, CAP_PCI_GPUS_PASSTHROUGH_READY, "%s",
				     report_cap_flag(r, CAP_KERNEL_IOMMU_ENABLED) == 1
				     ? "move the GPU to a slot whose IOMMU group it does not share "
				       "(the board manual lists which slots hang off the CPU), see "
				       "group_shared_with in pci_devices"
				     : "turn the IOMMU on (fw.iommu, kernel.iommu_enabled): without "
				       "IOMMU groups no device can be passed through");
	rc |= report_cap_int(r, CAP_PCI_SRIOV_CAPABLE, sriov, PCI_DEVICES "/*/sriov_totalvfs",
			     "devices offering SR-IOV virtual functions");
	rc |= report_cap_int(r, CAP_PCI_VFIO_BOUND, vfio, PCI_DEVICES "/*/driver",
			     "devices bound to vfio-pci, ready for a guest");
	return rc ? -ENOMEM : 0;
}
