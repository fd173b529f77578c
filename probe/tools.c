// SPDX-License-Identifier: MIT
/*
 * The hypervisor tools installed here, found where their packages put them: QEMU, libvirt,
 * Firecracker, Cloud Hypervisor, crosvm, VirtualBox, VMware. They tell which stacks a person
 * can try (prove --stack), and which one would quietly emulate: QEMU without -accel kvm runs
 * guests under TCG without failing, so a CI gate on KVM says so (reports/requirements.c).
 * Also the pieces a Windows 11 guest needs besides KVM (advise windows11): UEFI firmware with
 * Secure Boot for guests (OVMF) and a TPM 2.0 emulator (swtpm), with the package that has
 * each on this distribution.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Firmware and TPM for guests: the files (Debian/Ubuntu's, Fedora's) and the packages */
static const struct piece {
	const char *id, *what, *deb, *rpm;
	const char *paths[4];
} pieces[] = {
	{ CAP_TOOLS_OVMF_SECBOOT, "UEFI firmware with Secure Boot for guests (OVMF)", "ovmf",
	  "edk2-ovmf", { "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
	  "/usr/share/OVMF/OVMF_CODE.secboot.fd", "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd" } },
	{ CAP_TOOLS_SWTPM, "a TPM 2.0 emulator for guests (swtpm)", "swtpm swtpm-tools",
	  "swtpm swtpm-tools", { "/usr/bin/swtpm" } },
	/* guests of other architectures, emulated (issue 27) */
	{ CAP_TOOLS_QEMU_AARCH64, "QEMU for arm64 guests (qemu-system-aarch64)", "qemu-system-arm",
	  "qemu-system-aarch64", { "/usr/bin/qemu-system-aarch64",
	  "/usr/local/bin/qemu-system-aarch64" } },
	{ CAP_TOOLS_QEMU_ARM, "QEMU for 32-bit ARM guests (qemu-system-arm)", "qemu-system-arm",
	  "qemu-system-arm", { "/usr/bin/qemu-system-arm", "/usr/local/bin/qemu-system-arm" } },
	{ CAP_TOOLS_QEMU_RISCV64, "QEMU for riscv64 guests (qemu-system-riscv64)",
	  "qemu-system-misc", "qemu-system-riscv", { "/usr/bin/qemu-system-riscv64",
	  "/usr/local/bin/qemu-system-riscv64" } },
	{ CAP_TOOLS_QEMU_PPC64, "QEMU for POWER guests (qemu-system-ppc64)", "qemu-system-ppc",
	  "qemu-system-ppc", { "/usr/bin/qemu-system-ppc64", "/usr/local/bin/qemu-system-ppc64" } },
	{ CAP_TOOLS_QEMU_S390X, "QEMU for IBM Z guests (qemu-system-s390x)", "qemu-system-misc",
	  "qemu-system-s390x", { "/usr/bin/qemu-system-s390x", "/usr/local/bin/qemu-system-s390x" } },
	{ CAP_TOOLS_AAVMF, "UEFI firmware for arm64 guests (AAVMF / QEMU_EFI)", "qemu-efi-aarch64",
	  "edk2-aarch64", { "/usr/share/AAVMF/AAVMF_CODE.fd",
	  "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd", "/usr/share/edk2/aarch64/QEMU_EFI.fd" } },
};

/* "apt", "dnf" or NULL: the package manager /etc/os-release's ID and ID_LIKE point to */
static const char *package_tool(struct probe_ctx *ctx)
{
	char *text = NULL;
	size_t len;
	const char *tool = NULL;

	if (root_read(ctx, "/etc/os-release", &text, &len) == 0) {
		for (char *line = strtok(text, "\n"); line && !tool; line = strtok(NULL, "\n")) {
			if (strncmp(line, "ID=", 3) && strncmp(line, "ID_LIKE=", 8))
				continue;
			if (strstr(line, "debian") || strstr(line, "ubuntu"))
				tool = "apt";
			else if (strstr(line, "fedora") || strstr(line, "rhel") || strstr(line, "centos"))
				tool = "dnf";
		}
	}
	free(text);
	return tool;
}

static int probe_pieces(struct probe_ctx *ctx, struct report *r)
{
	const char *tool = package_tool(ctx);
	int rc = 0;

	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		const struct piece *p = &pieces[i];
		const char *found = NULL;
		struct stat st;

		for (int k = 0; k < 4 && p->paths[k] && !found; k++)
			if (root_stat(ctx, p->paths[k], &st) == 0 && S_ISREG(st.st_mode))
				found = p->paths[k];
		/* a path, not a flag: most hosts never need it, so it is no red line of the
		 * report; advise windows11 reads it, with the fix */
		rc |= report_cap_str(r, p->id, found ? found : "none", found ? found : p->paths[0],
				     "%s%s", p->what, found ? "" : ": not installed");
		if (found)
			continue;
		if (tool && !strcmp(tool, "apt"))
			rc |= report_cap_fix(r, p->id, "sudo apt install %s", p->deb);
		else if (tool)
			rc |= report_cap_fix(r, p->id, "sudo dnf install %s", p->rpm);
		else
			/* each command whole, no bracket around it: it is pasted as wrapped */
			rc |= report_cap_fix(r, p->id, "on Debian or Ubuntu: sudo apt install %s; "
					     "on Fedora: sudo dnf install %s", p->deb, p->rpm);
	}
	return rc;
}

/*
 * The emulation slowdown make bench measured (tools/tcg-slowdown writes "RATIO DATE" to the
 * user's cache): a fact of the machine virtcap runs on, kept in the facts (tcg.slowdown, "none"
 * when it was not measured) so that a snapshot carries it; a captured root without it is
 * another host, whose emulation was never measured here.
 */
static int probe_tcg_measured(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "make bench (tools/tcg-slowdown)";
	const char *fact;
	char date[32];
	double ratio;

	if (ctx->live) {
		const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
		char path[4096];
		FILE *f;
		int rc;

		if (cache && *cache)
			snprintf(path, sizeof(path), "%s/virtcap/tcg-slowdown", cache);
		else
			snprintf(path, sizeof(path), "%s/.cache/virtcap/tcg-slowdown",
				 home ? home : "");
		f = fopen(path, "re");
		if (f && fscanf(f, "%lf %31s", &ratio, date) == 2 && ratio > 0 && ratio < 1e6 &&
		    strspn(date, "0123456789-") == strlen(date))
			rc = facts_set(&ctx->facts, "tcg.slowdown", "%.1f %s", ratio, date);
		else
			rc = facts_set(&ctx->facts, "tcg.slowdown", "none");
		if (f)
			fclose(f);
		if (rc)
			return rc;
	}
	fact = facts_get(&ctx->facts, "tcg.slowdown");
	if (fact && sscanf(fact, "%lf %31s", &ratio, date) == 2 && ratio > 0 && ratio < 1e6 &&
	    strspn(date, "0123456789-") == strlen(date)) {
		char value[64];

		snprintf(value, sizeof(value), "%.1f %s", ratio, date);
		return report_cap_str(r, CAP_TOOLS_TCG_SLOWDOWN, value, src, "on %s a register-only "
				      "loop ran %.1fx slower under QEMU's TCG than on this CPU", date,
				      ratio);
	}
	if (fact)	/* as the other tools: "none" when there is none */
		return report_cap_str(r, CAP_TOOLS_TCG_SLOWDOWN, "none", src, "make bench has not "
				      "measured it on this host yet");
	return report_cap_unknown(r, CAP_TOOLS_TCG_SLOWDOWN, src, "not measured for this captured "
				  "root: make bench measures the machine it runs on");
}

int probe_tools(struct probe_ctx *ctx, struct report *r)
{
	int rc = probe_pieces(ctx, r) | probe_tcg_measured(ctx, r);

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
