// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a whole probe of a captured root (--root DIR) whose files hold the input.
 * The input is cut at NUL bytes into the contents of the files the probe parses (kernel
 * module lists and parameters, cpuinfo, the facts, the CPUID dump, ACPI and DMI, cgroups,
 * IOMMU and PCI entries); the probe, the matrix and both renderings must survive any of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fuzz/workdir.h"
#include "probe/probe.h"
#include "reports/json.h"
#include "reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"proc/modules",
	"proc/cpuinfo",
	".virtcap/facts",
	".virtcap/cpuid.raw",
	"sys/module/kvm_intel/parameters/nested",
	"sys/module/kvm_amd/parameters/nested",
	"proc/sys/kernel/osrelease",
	"proc/sys/kernel/arch",
	"proc/cmdline",
	"sys/firmware/acpi/tables/FACP",
	"sys/firmware/acpi/tables/DMAR",
	"sys/class/dmi/id/sys_vendor",
	"sys/class/dmi/id/bios_vendor",
	"proc/self/cgroup",
	"proc/self/mountinfo",
	"proc/self/status",
	"sys/fs/cgroup/cgroup.controllers",
	"etc/group",
	"sys/bus/pci/devices/0000:00:02.0/class",
	"sys/bus/pci/devices/0000:00:02.0/vendor",
	"sys/kernel/iommu_groups/0/devices/0000:00:02.0/class",
	"sys/devices/system/clocksource/clocksource0/current_clocksource",
	/* Xen's domain (probe/xen.c) and binfmt_misc's registrations (probe/binfmt.c) */
	"sys/hypervisor/type",
	"sys/hypervisor/guest_type",
	"proc/xen/capabilities",
	"sys/hypervisor/properties/capabilities",
	"proc/sys/fs/binfmt_misc/status",
	"proc/sys/fs/binfmt_misc/qemu-aarch64",
	/* an arm64 host's CPU (probe/arm64.c; its kernel's lines are facts) */
	"sys/devices/system/cpu/cpu0/regs/identification/midr_el1",
};

static char root[300];

static void write_file(const char *rel, const uint8_t *data, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}

	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		abort();
	if (len && write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!root[0])
		snprintf(root, sizeof(root), "%s", fuzz_workdir("root"));

	size_t pos = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const uint8_t *end = pos < size ? memchr(data + pos, 0, size - pos) : NULL;
		size_t len = pos < size ? (end ? (size_t)(end - (data + pos)) : size - pos) : 0;

		write_file(files[i], data + (pos < size ? pos : 0), len);
		pos += len + 1;
	}

	struct probe_ctx ctx;
	char err[512];

	if (probe_ctx_init(&ctx, root, NULL, err, sizeof(err)))
		return 0;

	struct report *r = report_new();

	if (r && probe_run(&ctx, r) == 0) {
		struct json_object *o = report_to_json(r);
		struct report_human_opts ho = { .width = 80, .utf8 = true };
		FILE *null = fopen("/dev/null", "w");

		if (o)
			(void)json_object_to_json_string(o);
		json_object_put(o);
		if (null) {
			report_print_human(r, &ho, null);
			fclose(null);
		}
	}
	report_free(r);
	probe_ctx_release(&ctx);
	return 0;
}
