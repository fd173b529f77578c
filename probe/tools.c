// SPDX-License-Identifier: MIT
/*
 * The hypervisor tools installed here, found where their packages put them: QEMU, libvirt,
 * Firecracker, Cloud Hypervisor, crosvm, VirtualBox, VMware. They tell which stacks a person
 * can try (prove --stack), and which one would quietly emulate: QEMU without -accel kvm runs
 * guests under TCG without failing, so a CI gate on KVM says so (reports/requirements.c).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

static const struct tool {
	const char *id, *what;
	const char *paths[4];
} tools[] = {
	{ CAP_TOOLS_QEMU, "QEMU (prove --stack qemu)", { "/usr/bin/qemu-system-x86_64",
	  "/usr/local/bin/qemu-system-x86_64", "/usr/libexec/qemu-kvm" } },
	{ CAP_TOOLS_LIBVIRT, "libvirt (prove --stack libvirt)", { "/usr/sbin/virtqemud",
	  "/usr/sbin/libvirtd", "/usr/bin/virsh" } },
	{ CAP_TOOLS_FIRECRACKER, "Firecracker (microVMs on KVM)", { "/usr/bin/firecracker",
	  "/usr/local/bin/firecracker" } },
	{ CAP_TOOLS_CLOUD_HYPERVISOR, "Cloud Hypervisor (VMs on KVM)", {
	  "/usr/bin/cloud-hypervisor", "/usr/local/bin/cloud-hypervisor" } },
	{ CAP_TOOLS_CROSVM, "crosvm (VMs on KVM)", { "/usr/bin/crosvm", "/usr/local/bin/crosvm" } },
	{ CAP_TOOLS_VIRTUALBOX, "VirtualBox (its own driver, vboxdrv)", { "/usr/bin/VBoxManage",
	  "/usr/lib/virtualbox/VBoxManage" } },
	{ CAP_TOOLS_VMWARE, "VMware Workstation (its own driver, vmmon)", { "/usr/bin/vmrun",
	  "/usr/bin/vmware" } },
};

int probe_tools(struct probe_ctx *ctx, struct report *r)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const char *found = NULL;
		struct stat st;

		for (int p = 0; p < 4 && tools[i].paths[p] && !found; p++)
			if (root_stat(ctx, tools[i].paths[p], &st) == 0 && S_ISREG(st.st_mode))
				found = tools[i].paths[p];
		rc |= report_cap_str(r, tools[i].id, found ? found : "none", tools[i].paths[0],
				     "%s%s", tools[i].what, found ? "" : ": not installed");
	}
	return rc ? -ENOMEM : 0;
}
