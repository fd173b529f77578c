// SPDX-License-Identifier: MIT
/*
 * Other hypervisors beside KVM. VirtualBox (vboxdrv) and VMware (vmmon) switch VT-x/AMD-V on
 * for their own VMs, as KVM does, and a CPU gives it to one of them at a time. Since Linux 6.12
 * KVM switches it on when its module loads (kvm.enable_virt_at_load=1) and keeps it: VirtualBox
 * before 7.2.10 then cannot start a VM (VERR_VMX_IN_VMX_ROOT_MODE, VERR_SVM_IN_USE), while
 * VirtualBox 7.2.10 and later expect exactly that and fail without it
 * (VERR_SVM_HOST_SVME_NOT_ENABLED). The other way round, a running VirtualBox or VMware VM makes
 * KVM_CREATE_VM fail with EBUSY. Which fix applies depends on the versions and on where the
 * setting was made, so this finds both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

#define VBOX_TURN_AT 70210	/* 7.2.10: the first VirtualBox that runs with KVM's VT-x on */
#define MODPROBE_DIR "/etc/modprobe.d"

/* VirtualBox's version as a number (7.2.10 -> 70210) from vboxdrv's "7.2.10 r170000 (0x...)"
 * or "7.0.20_Debian r163906 (0x...)"; -1 when unreadable */
static long vbox_version(struct probe_ctx *ctx, char *text, size_t len)
{
	unsigned major, minor, patch;

	if (root_read_line(ctx, "/sys/module/vboxdrv/version", text, len) ||
	    sscanf(text, "%3u.%3u.%3u", &major, &minor, &patch) != 3 || minor > 99 || patch > 99)
		return -1;
	return (long)major * 10000 + minor * 100 + patch;
}

/* Where kvm.enable_virt_at_load=0 was set: "the kernel command line" or a modprobe.d file */
static void virt_at_load_origin(struct probe_ctx *ctx, const struct report *r, char *out,
				size_t len)
{
	const char *cmdline = report_cap_string(r, CAP_KERNEL_CMDLINE);
	char **names = NULL;
	int n;

	*out = '\0';
	if (cmdline && cmdline_word(cmdline, "kvm.enable_virt_at_load=")) {
		snprintf(out, len, "the kernel command line");
		return;
	}
	n = root_list(ctx, MODPROBE_DIR, &names);
	for (int i = 0; i < n; i++) {
		char path[512], *text = NULL;
		size_t tlen;

		snprintf(path, sizeof(path), MODPROBE_DIR "/%s", names[i]);
		if (!*out && strlen(names[i]) > 5 && !strcmp(names[i] + strlen(names[i]) - 5, ".conf") &&
		    root_read(ctx, path, &text, &tlen) == 0 && strstr(text, "enable_virt_at_load"))
			snprintf(out, len, "%s", path);
		free(text);
		free(names[i]);
	}
	free(names);
}

/* The fix for VirtualBox beside a KVM that keeps VT-x from load, or NULL when none is needed */
static int vbox_fix(struct probe_ctx *ctx, struct report *r, long vbox, int at_load, bool builtin)
{
	char origin[600];

	if (at_load == 1 && vbox >= 0 && vbox < VBOX_TURN_AT)
		return report_cap_fix(r, CAP_KERNEL_OTHER_HYPERVISORS_OK, "VirtualBox before 7.2.10 "
				      "cannot start a VM while KVM holds VT-x/AMD-V from load "
				      "(VERR_VMX_IN_VMX_ROOT_MODE or VERR_SVM_IN_USE): update "
				      "VirtualBox to 7.2.10 or later, which runs beside it; or %s; "
				      "or unload KVM while VirtualBox runs (sudo modprobe -r "
				      "kvm_intel kvm_amd)", builtin ? "add kvm.enable_virt_at_load=0 "
				      "to the kernel command line " CMDLINE_HOW
				      : "echo 'options kvm enable_virt_at_load=0' | sudo tee "
				      "/etc/modprobe.d/kvm-virtualbox.conf, then reload kvm or reboot");
	if (at_load == 0 && vbox >= VBOX_TURN_AT) {
		virt_at_load_origin(ctx, r, origin, sizeof(origin));
		return report_cap_fix(r, CAP_KERNEL_OTHER_HYPERVISORS_OK, "VirtualBox 7.2.10 and "
				      "later expect KVM to hold VT-x/AMD-V from load and fail "
				      "without it (VERR_SVM_HOST_SVME_NOT_ENABLED): remove "
				      "enable_virt_at_load=0 from %s and reload kvm or reboot",
				      *origin ? origin : "where it is set (the kernel command line or "
				      "/etc/modprobe.d)");
	}
	return 0;
}

int probe_coexist(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "/sys/module/vboxdrv, /sys/module/vmmon";
	const char *kvm = report_cap_string(r, CAP_KERNEL_KVM_MODULE);
	bool hw_kvm = kvm && (!strcmp(kvm, "kvm_intel") || !strcmp(kvm, "kvm_amd"));
	bool builtin = !root_exists(ctx, "/sys/module/kvm/initstate");
	char version[128] = "", names[300] = "", param[16];
	int at_load = -1, rc = 0;
	long vbox = -1;

	if (!root_exists(ctx, "/sys/module"))
		return report_cap_unknown(r, CAP_KERNEL_OTHER_HYPERVISORS, "/sys/module", "this "
					  "root has no /sys/module: which modules are loaded is "
					  "unknown");
	if (root_exists(ctx, "/sys/module/vboxdrv")) {
		vbox = vbox_version(ctx, version, sizeof(version));
		snprintf(names, sizeof(names), "VirtualBox %s (vboxdrv)",
			 vbox >= 0 ? strtok(version, " _") : "of unknown version");
	}
	if (root_exists(ctx, "/sys/module/vmmon"))
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%sVMware (vmmon)",
			 *names ? ", " : "");
	rc |= report_cap_str(r, CAP_KERNEL_OTHER_HYPERVISORS, *names ? names : "none", src, "%s",
			     *names ? "another hypervisor's driver is loaded: it and KVM take "
			     "VT-x/AMD-V in turns, never at once" : "no VirtualBox or VMware driver "
			     "is loaded");

	if (root_read_line(ctx, "/sys/module/kvm/parameters/enable_virt_at_load", param,
			   sizeof(param)) == 0)
		at_load = !strcmp(param, "Y") || !strcmp(param, "1");
	if (at_load >= 0)
		rc |= report_cap_bool(r, CAP_KERNEL_KVM_VIRT_AT_LOAD, at_load == 1,
				      "/sys/module/kvm/parameters/enable_virt_at_load", "%s",
				      at_load ? "KVM switches VT-x/AMD-V on when it loads and keeps "
				      "it (Linux 6.12+)" : "KVM switches VT-x/AMD-V on only while "
				      "a VM exists");
	if (!*names || !hw_kvm)
		return rc;

	bool clash = (at_load == 1 && vbox >= 0 && vbox < VBOX_TURN_AT) ||
		     (at_load == 0 && vbox >= VBOX_TURN_AT) ||
		     (at_load == 1 && root_exists(ctx, "/sys/module/vmmon"));

	rc |= report_cap_bool(r, CAP_KERNEL_OTHER_HYPERVISORS_OK, !clash, src, "%s",
			      clash ? "KVM's setting stops the other hypervisor's VMs" :
			      "KVM and the other hypervisor can take turns (not run VMs at once)");
	if (clash && root_exists(ctx, "/sys/module/vmmon") && !(vbox >= 0 && at_load == 0))
		rc |= report_cap_fix(r, CAP_KERNEL_OTHER_HYPERVISORS_OK, "VMware cannot start a VM "
				     "while KVM holds VT-x/AMD-V from load: %s",
				     builtin ? "add kvm.enable_virt_at_load=0 to the kernel command "
				     "line " CMDLINE_HOW : "echo 'options kvm "
				     "enable_virt_at_load=0' | sudo tee /etc/modprobe.d/kvm-vmware.conf, "
				     "then reload kvm or reboot");
	if (vbox >= 0)
		rc |= vbox_fix(ctx, r, vbox, at_load, builtin);

	/* KVM refused a VM because one of theirs runs: name the holder */
	const char *vm = facts_get(&ctx->facts, "kvm.create_vm");

	if (vm && !strcmp(vm, "EBUSY"))
		rc |= report_cap_fix(r, CAP_KERNEL_KVM_CREATE_VM, "%s holds VT-x/AMD-V for a VM "
				     "of its own: power its VMs off (VBoxManage list runningvms; "
				     "vmrun list), then start the KVM guest", names);
	return rc;
}
