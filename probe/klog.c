// SPDX-License-Identifier: MIT
/*
 * The kernel log, read once (probe_klog_record, probe/probe.h): the lines that describe the
 * platform (the hypervisor the kernel detected, DMI, ACPI, kvm-pvm), the denials of security
 * modules, and how far back it reaches, as klog.* facts that the areas read
 * (probe/environment.c, probe/kernel.c, probe/lsm.c). A capture replays the facts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "probe/kvm_arm_modes.h"
#include "probe/probe.h"

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define KLOG_MAX (1 << 22)		/* the ring buffer is at most a few MiB */

/*
 * A security module's denial of a VM's QEMU or of libvirt, as the audit subsystem logs it to the
 * kernel log when no audit daemon takes it: AppArmor's 'apparmor="DENIED" ...
 * profile="libvirt-UUID" name="/path" comm="qemu-system-x86"' and SELinux's 'avc:  denied {
 * open } ... comm="qemu-kvm" ... scontext=...svirt_t...'. The last of each is kept (probe/lsm.c).
 */
static void klog_denial(struct facts *f, const char *text)
{
	/* "x86/split lock detection: #AC: CPU 0/KVM/3324070 took a split_lock trap at address:
	 * 0x..." names a QEMU vCPU thread ("CPU n/KVM"): a guest split-locks (probe/slowness.c) */
	const char *ac = strstr(text, "#AC: ");

	if (ac && strstr(ac, "/KVM/") && strstr(ac, "took a split_lock trap"))
		facts_set(f, "klog.split_lock_guest", "%.200s", ac + 5);

	/* "Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7":
	 * a locked-down kernel refused a module no trusted key signed (probe/modsign.c) */
	if (!strncmp(text, "Lockdown: ", 10) && strstr(text, "unsigned module loading"))
		facts_set(f, "klog.lockdown_module", "%.200s", text + 10);

	const char *aa = strstr(text, "apparmor=\"DENIED\""), *avc = strstr(text, "avc:  denied");

	if (aa && (strstr(aa, "profile=\"libvirt") || strstr(aa, "comm=\"qemu") ||
		   strstr(aa, "profile=\"virt-aa-helper")))
		facts_set(f, "klog.apparmor_denied", "%.400s", aa);
	else if (avc && (strstr(avc, "comm=\"qemu") || strstr(avc, "svirt_t") ||
			 strstr(avc, "comm=\"libvirtd") || strstr(avc, "comm=\"virtqemud")))
		facts_set(f, "klog.selinux_denied", "%.400s", avc);
}

/*
 * arm64: what only the boot's lines say about the CPU's virtualization (probe/arm64.c reads
 * them). KVM/arm64 prefixes its lines "kvm [CPU]: ": its mode (probe/kvm_arm_modes.h's words)
 * and "IPA Size Limit: 48 bits"; the CPU feature
 * lines say whether the CPUs run AArch32 at EL1 ("CPU features: detected: 32-bit EL1 Support":
 * absent on a CPU without it, such as A64FX).
 */
static void klog_arm64(struct facts *f, const char *text)
{
	const char *kvm = !strncmp(text, "kvm [", 5) ? strstr(text, "]: ") : NULL;

	if (!strncmp(text, "CPU: All CPU(s) started at ", 27))
		facts_set(f, "klog.arm64_started_at", "%.8s", text + 27);
	else if (!strncmp(text, "CPU: CPUs started in inconsistent modes", 39))
		facts_set(f, "klog.arm64_started_at", "inconsistent");
	else if (!strcmp(text, "CPU features: detected: 32-bit EL1 Support"))
		facts_set(f, "klog.arm64_el1_32bit", "detected");
	if (!kvm)
		return;
	kvm += 3;
	for (size_t i = 0; i < KVM_ARM_MODE_COUNT; i++)
		if (!strcmp(kvm, kvm_arm_modes[i].said))
			facts_set(f, "klog.kvm_arm_mode", "%s", kvm_arm_modes[i].said);
	if (!strncmp(kvm, "IPA Size Limit: ", 16))
		facts_set(f, "klog.kvm_arm_ipa", "%.16s", kvm + 16);
}

void probe_klog_text(struct facts *f, char *text)
{
	static const struct {
		const char *key, *prefix;
	} wanted[] = {
		{ "klog.hypervisor_detected", "Hypervisor detected: " },
		{ "klog.paravirt", "Booting paravirtualized kernel on " },
		{ "klog.dmi", "DMI: " },
		{ "klog.acpi_rsdp", "ACPI: RSDP " },
		{ "klog.acpi_xsdt", "ACPI: XSDT " },
		{ "klog.kvm_pvm", "kvm-pvm: " },
		{ "klog.module_rejected", "Loading of " },	/* "unsigned module is rejected" */
	};

	/* how far back it reaches: a log that lost its boot lines holds no boot evidence */
	const char *stamp = strchr(text, '['), *end;

	if (stamp) {
		stamp += 1 + strspn(stamp + 1, " ");
		if ((end = strchr(stamp, ']')) && end - stamp < 32)
			facts_set(f, "klog.oldest", "%.*s", (int)(end - stamp), stamp);
	}
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		/* "<6>[    0.000000] Hypervisor detected: KVM" */
		char *at = strstr(line, "] ");

		at = at ? at + 2 : line;
		at[strcspn(at, "\r")] = '\0';
		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			if (!strncmp(at, wanted[i].prefix, strlen(wanted[i].prefix)) &&
			    !facts_get(f, wanted[i].key))
				facts_set(f, wanted[i].key, "%.200s", at + strlen(wanted[i].prefix));
		klog_denial(f, at);
		klog_arm64(f, at);
	}
}

/* Lines of the kernel log that describe the platform, kept as facts. */
void probe_klog_record(struct probe_ctx *ctx)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);

	if (size <= 0 || size > KLOG_MAX) {
		facts_set(&ctx->facts, "klog.status", "%s", size < 0 ? "EPERM" : "empty");
		return;
	}

	/*
	 * READ_ALL gives the log as text, each record with its "<6>[    0.000000] " prefix, so
	 * longer than the ring, and of that text the newest len bytes: with a buffer of the
	 * ring's size the oldest lines (the boot's: hypervisor, DMI, ACPI) were cut. The buffer
	 * grows until the kernel returns less than it holds: then nothing was cut.
	 */
	char *buf = NULL;
	int n = -1;

	for (size_t len = (size_t)size * 2; len <= (size_t)KLOG_MAX * 8; len *= 2) {
		char *grown = realloc(buf, len + 1);

		if (!grown)
			break;
		buf = grown;
		n = klogctl(SYSLOG_ACTION_READ_ALL, buf, (int)len);
		if (n < 0 || (size_t)n < len)
			break;
	}
	if (!buf)
		return;
	if (n < 0) {
		facts_set(&ctx->facts, "klog.status", "EPERM");
		free(buf);
		return;
	}
	buf[n] = '\0';
	facts_set(&ctx->facts, "klog.status", "ok");
	probe_klog_text(&ctx->facts, buf);
	free(buf);
}

bool probe_klog_lost_boot(struct probe_ctx *ctx, double *oldest)
{
	const char *status = facts_get(&ctx->facts, "klog.status");
	const char *at = facts_get(&ctx->facts, "klog.oldest");
	char *end;

	if (!status || strcmp(status, "ok") || !at)
		return false;
	*oldest = strtod(at, &end);
	return end != at && *oldest > KLOG_BOOT_SECONDS;
}

