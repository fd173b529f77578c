// SPDX-License-Identifier: MIT
/*
 * The kernel's side of virtualization: which KVM module is loaded and with what parameters
 * (nested, second-level paging, APIC virtualization), IOMMU groups and VFIO for passthrough,
 * whether modules can load at all, huge pages, and the CPUs online.
 *
 * Module parameters are read from /sys/module/NAME/parameters, which exists for built-in
 * modules too; booleans read "Y"/"N" (kvm_intel) or "1"/"0" (kvm_amd). Paravirtual KVM
 * (kvm_pvm) is a KVM without VMX/SVM: it needs no hardware virtualization and runs only guest
 * kernels built for it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

/* The vendor modules, in the order they are looked for. */
static const struct kvm_module {
	const char *name;
	const char *tdp_param;		/* second-level paging: EPT or NPT */
	const char *apicv_param;	/* APIC virtualization */
} kvm_modules[] = {
	{ "kvm_intel", "ept", "enable_apicv" },
	{ "kvm_amd", "npt", "avic" },
	{ "kvm_pvm", NULL, NULL },
};

/* A module parameter as a flag: 1, 0, or -1 when absent or not a boolean. */
static int module_param_flag(struct probe_ctx *ctx, const char *mod, const char *param,
			     char *path, size_t plen)
{
	char value[32];

	snprintf(path, plen, "/sys/module/%s/parameters/%s", mod, param);
	if (root_read_line(ctx, path, value, sizeof(value)))
		return -1;
	if (!strcmp(value, "Y") || !strcmp(value, "1"))
		return 1;
	if (!strcmp(value, "N") || !strcmp(value, "0"))
		return 0;
	return -1;
}

static int kernel_param_cap(struct probe_ctx *ctx, struct report *r, const char *id,
			    const char *mod, const char *param, const char *meaning)
{
	char path[128];
	int v;

	if (!param)
		return report_cap_unknown(r, id, mod, "%s: %s has no such parameter", meaning, mod);
	v = module_param_flag(ctx, mod, param, path, sizeof(path));
	if (v < 0)
		return report_cap_unknown(r, id, path, "%s: parameter not readable", meaning);
	return report_cap_bool(r, id, v == 1, path, "%s", meaning);
}

static const char *vendor_module(const struct report *r)
{
	if (report_cap_flag(r, CAP_CPU_VMX) == 1)
		return "kvm_intel";
	if (report_cap_flag(r, CAP_CPU_SVM) == 1)
		return "kvm_amd";
	return NULL;
}

/*
 * nested=0: reloading the module with nested=1 works only for a loadable module (it has an
 * initstate in /sys/module); one built into the kernel (WSL2's, some cloud kernels) takes its
 * parameter from the kernel command line, and WSL2's from .wslconfig.
 */
static int nested_fix(struct probe_ctx *ctx, struct report *r, const char *module)
{
	char path[96], state[32], release[128] = "";

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", module);
	if (root_read_line(ctx, path, state, sizeof(state)) == 0)
		return report_cap_fix(r, CAP_KERNEL_NESTED, "stop all VMs, then: sudo modprobe -r %s "
				      "&& sudo modprobe %s nested=1; to keep it across reboots: echo "
				      "'options %s nested=1' | sudo tee /etc/modprobe.d/kvm-nested.conf",
				      module, module, module);
	root_read_line(ctx, "/proc/sys/kernel/osrelease", release, sizeof(release));
	if (strstr(release, "WSL2"))
		return report_cap_fix(r, CAP_KERNEL_NESTED, "%s is built into WSL2's kernel: in "
				      "%%UserProfile%%\\.wslconfig set [wsl2] "
				      "nestedVirtualization=true (Windows 11), then wsl --shutdown",
				      module);
	return report_cap_fix(r, CAP_KERNEL_NESTED, "%s is built into this kernel (no %s), so "
			      "modprobe cannot reload it: add %s.nested=1 to the kernel command line "
			      CMDLINE_HOW, module, path, module);
}

bool probe_modules_loadable(struct probe_ctx *ctx, char *why, size_t len)
{
	char disabled[8], line[4096];
	bool read = root_read_line(ctx, "/proc/cmdline", line, sizeof(line)) == 0;

	if (read && cmdline_word(line, "nomodule")) {
		snprintf(why, len, "this kernel loads no modules (nomodule on its command line)");
		return false;
	}
	if (root_read_line(ctx, "/proc/sys/kernel/modules_disabled", disabled,
			   sizeof(disabled)) == 0 && !strcmp(disabled, "1")) {
		snprintf(why, len, "this kernel loads no more modules (kernel.modules_disabled=1, "
			 "until reboot)");
		return false;
	}
	return true;
}

/*
 * Whether KVM registered its device: a vendor module can be present (built in, its parameters
 * under /sys/module) and still not have started: built-in kvm_intel on a CPU whose firmware
 * locked VT-x off, or kvm_pvm in a kernel that is itself a PVM guest ("kvm-pvm: this kernel is
 * itself a kvm-pvm guest; not binding"). Then /proc/misc has no "kvm" line.
 */
int probe_kvm_misc_minor(struct probe_ctx *ctx)
{
	char *text;
	size_t len;
	int minor = -ENOENT;

	if (root_read(ctx, "/proc/misc", &text, &len))
		return -EIO;
	for (char *line = strtok(text, "\n"); line && minor < 0; line = strtok(NULL, "\n")) {
		char name[16];
		unsigned m;

		/* "232 kvm" */
		if (sscanf(line, "%u %15s", &m, name) == 2 && !strcmp(name, "kvm") && m < 256)
			minor = (int)m;
	}
	free(text);
	return minor;
}

/* A vendor module present that did not start: no KVM here, with why and what can be done */
static int kvm_not_started(struct probe_ctx *ctx, struct report *r, const struct kvm_module *m)
{
	const char *pvm_log = facts_get(&ctx->facts, "klog.kvm_pvm");
	bool pvm_guest = !strcmp(m->name, "kvm_pvm") && pvm_log && strstr(pvm_log, "guest");
	static const char *const ids[] = { CAP_KERNEL_NESTED, CAP_KERNEL_TDP, CAP_KERNEL_APICV };
	double oldest;
	int rc;

	rc = report_cap_str(r, CAP_KERNEL_KVM_MODULE, "none", "/proc/misc", "%s is in this kernel, "
			    "but KVM registered no device (no kvm in /proc/misc): it did not start%s%s%s",
			    m->name, pvm_log ? "; the kernel log says \"kvm-pvm: " : "",
			    pvm_log ? pvm_log : "", pvm_log ? "\"" : "");
	if (pvm_guest)
		rc |= report_cap_fix(r, CAP_KERNEL_KVM_MODULE, "none on this machine: this kernel is "
				     "itself a PVM guest, and PVM does not run inside PVM, so no "
				     "setting here gives it KVM. Here guests run only under emulation "
				     "(qemu-system-x86_64 -accel tcg), or as containers; for KVM, run "
				     "them on the machine this one runs on, or on a host with "
				     "VT-x/AMD-V");
	else if (!pvm_log && probe_klog_lost_boot(ctx, &oldest))
		/* its boot lines, which said why, are gone: a PVM guest's kvm_pvm too says nothing
		 * now, so neither story is told as if known */
		rc |= report_cap_fix(r, CAP_KERNEL_KVM_MODULE, "why %s did not start is no longer in "
				     "the kernel log (its oldest line is from %.0f s after boot): the "
				     "boot's lines say it (journalctl -k -b 0 | grep -i kvm, where "
				     "journald keeps them); a kernel that is itself a PVM guest never "
				     "gets KVM here, else when VT-x/AMD-V is disabled see the firmware "
				     "row, then reboot", m->name, oldest);
	else
		rc |= report_cap_fix(r, CAP_KERNEL_KVM_MODULE, "the kernel log says why %s did not "
				     "start (sudo dmesg | grep -i kvm); when it says VT-x/AMD-V is "
				     "disabled, see the firmware row, then reboot", m->name);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		rc |= report_cap_unknown(r, ids[i], "/proc/misc", "KVM did not start");
	return rc;
}

static int kernel_kvm(struct probe_ctx *ctx, struct report *r)
{
	const struct kvm_module *m = NULL;
	char path[128];
	int rc = 0;

	if (!root_exists(ctx, "/sys/module")) {	/* a capture without it says nothing of modules */
		static const char *const ids[] = { CAP_KERNEL_KVM_LOADED, CAP_KERNEL_KVM_MODULE,
			CAP_KERNEL_NESTED, CAP_KERNEL_TDP, CAP_KERNEL_APICV };

		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			rc |= report_cap_unknown(r, ids[i], "/sys/module", "this root has no "
						 "/sys/module: which modules are loaded is unknown");
		return rc;
	}
	for (size_t i = 0; i < sizeof(kvm_modules) / sizeof(kvm_modules[0]) && !m; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", kvm_modules[i].name);
		if (root_exists(ctx, path))
			m = &kvm_modules[i];
	}
	rc |= report_cap_bool(r, CAP_KERNEL_KVM_LOADED, root_exists(ctx, "/sys/module/kvm"),
			      "/sys/module/kvm", "the generic KVM module");
	if (root_exists(ctx, "/sys/module/kvm"))	/* a module has an initstate; built-in not */
		rc |= report_cap_bool(r, CAP_KERNEL_KVM_BUILTIN,
				      !root_exists(ctx, "/sys/module/kvm/initstate"),
				      "/sys/module/kvm/initstate", "%s",
				      root_exists(ctx, "/sys/module/kvm/initstate") ? "a loadable "
				      "module: modprobe can unload and reload it" : "built into the "
				      "kernel: only the kernel command line sets its parameters");

	const char *want = vendor_module(r);

	if (!m) {
		rc |= report_cap_str(r, CAP_KERNEL_KVM_MODULE, "none", "/sys/module",
				     "no kvm_intel, kvm_amd or kvm_pvm module is loaded");
		char why[160];

		if (want && !probe_modules_loadable(ctx, why, sizeof(why)))
			rc |= report_cap_fix(r, CAP_KERNEL_KVM_MODULE, "%s: boot a kernel that has %s "
					     "built in (CONFIG_KVM_%s=y), or one that loads modules",
					     why, want, !strcmp(want, "kvm_amd") ? "AMD" : "INTEL");
		else if (want)
			rc |= report_cap_fix(r, CAP_KERNEL_KVM_MODULE, "sudo modprobe %s; to load it at "
					     "every boot: echo %s | sudo tee "
					     "/etc/modules-load.d/kvm.conf (if modprobe fails with "
					     "\"Operation not supported\", check fw.virt_enabled)", want,
					     want);
		rc |= report_cap_unknown(r, CAP_KERNEL_NESTED, "/sys/module", "no KVM module loaded");
		rc |= report_cap_unknown(r, CAP_KERNEL_TDP, "/sys/module", "no KVM module loaded");
		rc |= report_cap_unknown(r, CAP_KERNEL_APICV, "/sys/module", "no KVM module loaded");
		return rc;
	}

	if (probe_kvm_misc_minor(ctx) == -ENOENT)
		return rc | kvm_not_started(ctx, r, m);

	snprintf(path, sizeof(path), "/sys/module/%s", m->name);
	rc |= report_cap_str(r, CAP_KERNEL_KVM_MODULE, m->name, path, "%s",
			     !strcmp(m->name, "kvm_pvm") ? "paravirtual KVM (PVM): no VT-x/AMD-V "
			     "needed, runs only guest kernels built for PVM" : "hardware-assisted KVM");
	if (!strcmp(m->name, "kvm_pvm")) {
		rc |= report_cap_bool(r, CAP_KERNEL_NESTED, false, path, "PVM does not offer "
				      "VT-x/AMD-V to its guests");
		rc |= report_cap_unknown(r, CAP_KERNEL_TDP, path, "PVM uses shadow paging");
		rc |= report_cap_unknown(r, CAP_KERNEL_APICV, path, "not applicable to PVM");
		return rc;
	}

	int nested = module_param_flag(ctx, m->name, "nested", path, sizeof(path));

	if (nested < 0) {
		rc |= report_cap_unknown(r, CAP_KERNEL_NESTED, path, "parameter not readable");
	} else {
		rc |= report_cap_bool(r, CAP_KERNEL_NESTED, nested == 1, path, "%s",
				      nested ? "guests may run their own guests"
				      : "guests cannot use VT-x/AMD-V");
		if (!nested)
			rc |= nested_fix(ctx, r, m->name);
	}
	rc |= kernel_param_cap(ctx, r, CAP_KERNEL_TDP, m->name, m->tdp_param,
			       "second-level paging (EPT/NPT) in use");
	rc |= kernel_param_cap(ctx, r, CAP_KERNEL_APICV, m->name, m->apicv_param,
			       "APIC virtualization (APICv/AVIC) in use");
	if (!strcmp(m->name, "kvm_intel")) {
		rc |= kernel_param_cap(ctx, r, CAP_KERNEL_UNRESTRICTED_GUEST, m->name,
				       "unrestricted_guest", "real-mode guests run natively");
		rc |= kernel_param_cap(ctx, r, CAP_KERNEL_VPID, m->name, "vpid", "VPID in use");
	}
	return rc;
}

/* the word of the kernel command line that turns the IOMMU off, or NULL */
static const char *iommu_off_word(const char *cmdline)
{
	static const char *const words[] = { "intel_iommu=off", "amd_iommu=off", "iommu=off" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (cmdline_word(cmdline, words[i]))
			return words[i];
	return NULL;
}

/*
 * No IOMMU groups: how to turn the IOMMU on, per vendor. AMD's is on by itself when the firmware
 * describes one (ACPI IVRS); amd_iommu has no "on" value, nor has an arm64 SMMU a word (its
 * driver takes what the firmware describes). Intel's needs intel_iommu=on unless the kernel
 * was built with CONFIG_INTEL_IOMMU_DEFAULT_ON. Neither needs iommu=pt: that is a
 * performance choice for the host's own DMA, and SEV-SNP hosts refuse it. A word of the command
 * line that turns it off is named first.
 */
static int iommu_fix(struct probe_ctx *ctx, struct report *r)
{
	const char *vendor = report_cap_string(r, CAP_CPU_VENDOR);
	bool amd = vendor && (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"));
	static const char grub[] = CMDLINE_HOW;
	char line[4096];
	const char *off = root_read_line(ctx, "/proc/cmdline", line, sizeof(line)) == 0
			  ? iommu_off_word(line) : NULL;

	if (off)
		return report_cap_fix(r, CAP_KERNEL_IOMMU_ENABLED, "the kernel command line turns the "
				      "IOMMU off: remove %s from it %s%s", off, grub,
				      amd || report_host_is_arm(r) ? "" : ", and add intel_iommu=on");
	if (report_host_is_arm(r))	/* no word turns an SMMU on: its driver and firmware do */
		return report_cap_fix(r, CAP_KERNEL_IOMMU_ENABLED, "an SMMU is driven by the kernel "
				      "where the firmware describes one (fw.iommu) and its driver "
				      "(arm-smmu-v3, or arm-smmu for SMMUv1/v2) is loaded: sudo "
				      "modprobe arm_smmu_v3; a device gets its group when a driver "
				      "binds it");
	if (amd)
		return report_cap_fix(r, CAP_KERNEL_IOMMU_ENABLED, "the kernel turns the AMD IOMMU on "
				      "by itself when the firmware describes one: enable \"IOMMU\" "
				      "(AMD-Vi) in the BIOS/UEFI setup (fw.iommu); no kernel "
				      "parameter is needed");
	return report_cap_fix(r, CAP_KERNEL_IOMMU_ENABLED, "add intel_iommu=on to the kernel "
			      "command line %s (kernels built with CONFIG_INTEL_IOMMU_DEFAULT_ON "
			      "need nothing); the firmware must enable VT-d too (fw.iommu)", grub);
}

static int kernel_iommu(struct probe_ctx *ctx, struct report *r)
{
	char **groups;
	int n = root_list(ctx, "/sys/kernel/iommu_groups", &groups);
	int rc = 0;

	root_list_free(groups);
	if (n < 0 && n != -ENOENT)
		return report_cap_unknown(r, CAP_KERNEL_IOMMU_ENABLED, "/sys/kernel/iommu_groups",
					  "%s", strerror(-n));
	if (n < 0)
		n = 0;
	rc |= report_cap_int(r, CAP_KERNEL_IOMMU_GROUPS, n, "/sys/kernel/iommu_groups", NULL);
	rc |= report_cap_bool(r, CAP_KERNEL_IOMMU_ENABLED, n > 0, "/sys/kernel/iommu_groups",
			      n > 0 ? "the kernel drives an IOMMU" : "no IOMMU groups: the kernel "
			      "runs without an IOMMU");
	if (n == 0)
		rc |= iommu_fix(ctx, r);

	bool vfio = root_exists(ctx, "/dev/vfio/vfio") || root_exists(ctx, "/sys/module/vfio");

	rc |= report_cap_bool(r, CAP_KERNEL_VFIO, vfio, "/dev/vfio/vfio, /sys/module/vfio",
			      vfio ? "VFIO is available" : "VFIO is not loaded");
	if (!vfio) {
		/* VFIO takes a device only from an IOMMU group: without one, the IOMMU first */
		const char *first = n == 0 ? "once the IOMMU is on (kernel.iommu_enabled: VFIO "
			"takes devices only from its groups), " : "";
		char why[160];

		if (!probe_modules_loadable(ctx, why, sizeof(why)))
			rc |= report_cap_fix(r, CAP_KERNEL_VFIO, "%s%s: boot a kernel with vfio-pci "
					     "built in (CONFIG_VFIO_PCI=y); in a VM, that is the VM "
					     "owner's choice of guest kernel", first, why);
		else
			rc |= report_cap_fix(r, CAP_KERNEL_VFIO, "%ssudo modprobe vfio-pci; at every "
					     "boot: echo vfio-pci | sudo tee "
					     "/etc/modules-load.d/vfio.conf", first);
	}
	rc |= report_cap_bool(r, CAP_KERNEL_VFIO_PCI, root_exists(ctx, "/sys/module/vfio_pci"),
			      "/sys/module/vfio_pci", NULL);
	return rc;
}

/* "0-3,5,7-8" -> 7; -1 when malformed. */
static int cpu_list_count(const char *list)
{
	int count = 0;
	const char *p = list;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p || a < 0)
			return -1;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a || b - a > 1 << 20)
				return -1;
		}
		count += (int)(b - a + 1);
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -1;
	}
	return count;
}

static int kernel_misc(struct probe_ctx *ctx, struct report *r)
{
	char line[4096];
	int rc = 0;

	if (root_read_line(ctx, "/proc/cmdline", line, sizeof(line)) == 0)
		rc |= report_cap_str(r, CAP_KERNEL_CMDLINE, line, "/proc/cmdline", NULL);
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_CMDLINE, "/proc/cmdline", "not readable");

	if (root_read_line(ctx, "/sys/devices/system/cpu/online", line, sizeof(line)) == 0 &&
	    cpu_list_count(line) > 0)
		rc |= report_cap_int(r, CAP_KERNEL_CPUS_ONLINE, cpu_list_count(line),
				     "/sys/devices/system/cpu/online", "%s", line);
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_CPUS_ONLINE, "/sys/devices/system/cpu/online",
					 "not readable");

	char *meminfo;
	size_t len;
	long long total = -1, size_kb = -1, free_pages = -1;

	if (root_read(ctx, "/proc/meminfo", &meminfo, &len) == 0) {
		const char *p;

		if ((p = strstr(meminfo, "HugePages_Total:")))
			total = strtoll(p + 16, NULL, 10);
		if ((p = strstr(meminfo, "HugePages_Free:")))
			free_pages = strtoll(p + 15, NULL, 10);
		if ((p = strstr(meminfo, "Hugepagesize:")))
			size_kb = strtoll(p + 13, NULL, 10);
		free(meminfo);
	}
	if (total >= 0)
		rc |= report_cap_int(r, CAP_KERNEL_HUGEPAGES_TOTAL, total, "/proc/meminfo", NULL);
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_HUGEPAGES_TOTAL, "/proc/meminfo", NULL);
	if (size_kb >= 0)
		rc |= report_cap_int(r, CAP_KERNEL_HUGEPAGE_SIZE_KB, size_kb, "/proc/meminfo", NULL);
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_HUGEPAGE_SIZE_KB, "/proc/meminfo", NULL);
	/* reserved huge pages are what a guest backed by them (libvirt's <hugepages/>, QEMU's
	 * -mem-path /dev/hugepages) takes its RAM from: no more than the free ones */
	if (total > 0 && free_pages >= 0 && size_kb > 0 && free_pages <= total &&
	    size_kb < (1LL << 30))
		rc |= report_cap_int(r, CAP_KERNEL_HUGEPAGES_FREE, free_pages, "/proc/meminfo",
				     "%lld of %lld reserved %lld kB pages free: a guest backed by "
				     "huge pages (libvirt's <hugepages/>, QEMU's -mem-path) can have at "
				     "most %lld MiB of RAM now; a larger one fails to start", free_pages,
				     total, size_kb, free_pages * size_kb / 1024);
	return rc;
}

int probe_kernel(struct probe_ctx *ctx, struct report *r)
{
	int rc = kernel_kvm(ctx, r);

	rc |= kernel_iommu(ctx, r);
	rc |= kernel_misc(ctx, r);
	return rc ? -ENOMEM : 0;
}
