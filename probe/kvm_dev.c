// SPDX-License-Identifier: MIT
/*
 * /dev/kvm as this user meets it: absent, present but not openable, or usable; then what the
 * KVM API itself says (Documentation/virt/kvm/api.rst): KVM_GET_API_VERSION must be 12,
 * KVM_CHECK_EXTENSION answers per capability, and KVM_CREATE_VM shows that a VM can really be
 * made (it fails, for instance, when another hypervisor holds VT-x).
 *
 * This is the step common tools skip: the CPU flag can be there while this user cannot open
 * the device (CI runners), and a /dev/kvm can exist without VMX/SVM (paravirtual KVM), so the
 * device is tried, never inferred. Results are facts, so a snapshot replays them.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "probe/capture.h"
#include "probe/kvm_arm_caps.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

#define KVM_API_VERSION_EXPECTED 12	/* the only version since Linux 2.6.22 */

/* Numbers newer than Debian 12's headers; the ABI never renumbers. */
#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES 235
#endif
#ifndef KVM_CAP_GUEST_MEMFD
#define KVM_CAP_GUEST_MEMFD 234
#endif

static const struct {
	const char *name;	/* capability id suffix: kernel.kvm_cap.NAME */
	long cap;
	const char *meaning;
} kvm_caps[] = {
	{ "nr_vcpus", KVM_CAP_NR_VCPUS, "recommended vCPUs per VM" },
	{ "max_vcpus", KVM_CAP_MAX_VCPUS, "most vCPUs per VM" },
	{ "user_memory", KVM_CAP_USER_MEMORY, "guest memory from user space" },
	{ "irqchip", KVM_CAP_IRQCHIP, "in-kernel interrupt controllers" },
	{ "split_irqchip", KVM_CAP_SPLIT_IRQCHIP, "in-kernel LAPIC, user-space IOAPIC" },
	{ "hlt", KVM_CAP_HLT, "HLT exits to user space" },
	{ "ext_cpuid", KVM_CAP_EXT_CPUID, "guest CPUID can be set" },
	{ "set_tss_addr", KVM_CAP_SET_TSS_ADDR, "real-mode emulation area (VMX)" },
	{ "set_identity_map_addr", KVM_CAP_SET_IDENTITY_MAP_ADDR, "identity map (VMX)" },
	{ "ioeventfd", KVM_CAP_IOEVENTFD, "I/O notifications without exits to user space" },
	{ "irqfd", KVM_CAP_IRQFD, "interrupt injection through eventfds" },
	{ "coalesced_mmio", KVM_CAP_COALESCED_MMIO, "batched MMIO writes" },
	{ "readonly_mem", KVM_CAP_READONLY_MEM, "read-only memory slots (ROMs)" },
	{ "immediate_exit", KVM_CAP_IMMEDIATE_EXIT, "KVM_RUN can be interrupted" },
	{ "x2apic_api", KVM_CAP_X2APIC_API, "x2APIC" },
	{ "tsc_deadline_timer", KVM_CAP_TSC_DEADLINE_TIMER, "TSC deadline timer" },
	{ "nested_state", KVM_CAP_NESTED_STATE, "nested state save/restore (nested VMs)" },
	{ "exit_hypercall", KVM_CAP_EXIT_HYPERCALL, "hypercalls to user space" },
	{ "vm_types", KVM_CAP_VM_TYPES, "bitmask of VM types (default, SEV, TDX, PVM...)" },
	{ "guest_memfd", KVM_CAP_GUEST_MEMFD, "private guest memory (confidential VMs)" },
};

/* Do what the facts describe, on the live host. */
static void kvm_dev_record_live(struct probe_ctx *ctx)
{
	struct stat st;
	struct facts *f = &ctx->facts;

	if (stat("/dev/kvm", &st) == 0) {
		facts_set(f, "kvm.stat.mode", "0%o", (unsigned)st.st_mode);
		facts_set(f, "kvm.stat.uid", "%u", (unsigned)st.st_uid);
		facts_set(f, "kvm.stat.gid", "%u", (unsigned)st.st_gid);
	}

	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		facts_set(f, "kvm.open", "%s", facts_errno_name(errno));
		return;
	}
	facts_set(f, "kvm.open", "ok");
	facts_set(f, "kvm.api_version", "%d", ioctl(fd, KVM_GET_API_VERSION, 0));
	for (size_t i = 0; i < sizeof(kvm_caps) / sizeof(kvm_caps[0]); i++) {
		char key[64];
		int v = ioctl(fd, KVM_CHECK_EXTENSION, kvm_caps[i].cap);

		snprintf(key, sizeof(key), "kvm.cap.%s", kvm_caps[i].name);
		facts_set(f, key, "%d", v < 0 ? 0 : v);
	}
#if defined(__aarch64__)
	/* KVM/arm64's own (an x86 KVM answers them 0, which would read as "no" there) */
	for (size_t i = 0; i < KVM_ARM_CAP_COUNT; i++) {
		char key[64];
		int v;

		if (kvm_arm_caps[i].device)
			continue;	/* asked of the VM below */
		v = ioctl(fd, KVM_CHECK_EXTENSION, kvm_arm_caps[i].cap);
		snprintf(key, sizeof(key), "kvm.arm.%s", kvm_arm_caps[i].name);
		facts_set(f, key, "%d", v < 0 ? 0 : v);
	}
#endif

	int vm = ioctl(fd, KVM_CREATE_VM, 0);

	if (vm >= 0) {
		facts_set(f, "kvm.create_vm", "ok");
#if defined(__aarch64__)
		/* the interrupt controllers KVM would make for it, tested, none made */
		for (size_t i = 0; i < KVM_ARM_CAP_COUNT; i++) {
			struct kvm_create_device dev = { .type = (uint32_t)kvm_arm_caps[i].cap,
							 .flags = KVM_CREATE_DEVICE_TEST };
			char key[64];

			if (!kvm_arm_caps[i].device)
				continue;
			snprintf(key, sizeof(key), "kvm.arm.%s", kvm_arm_caps[i].name);
			facts_set(f, key, "%d", ioctl(vm, KVM_CREATE_DEVICE, &dev) == 0);
		}
#endif
		close(vm);
	} else {
		facts_set(f, "kvm.create_vm", "%s", facts_errno_name(errno));
	}
	close(fd);
}

/*
 * The group's name from the root's /etc/group, or its number. A snapshot keeps only that
 * group's line, without its members: the rest of /etc/group (every group, every member name)
 * is none of a support ticket's business.
 */
/*
 * A group name as POSIX's portable character set has it ([A-Za-z0-9._-], no leading '-'): the
 * name goes into fixes people paste into a shell, and a captured root's /etc/group is anyone's
 * to write. Any other name is shown as the gid.
 */
static bool portable_name(const char *name, size_t n)
{
	if (n == 0 || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

static void group_name(struct probe_ctx *ctx, unsigned gid, char *out, size_t len)
{
	struct capture *capture = ctx->capture;
	char *buf;
	size_t n;
	int rc;

	snprintf(out, len, "%u", gid);
	ctx->capture = NULL;	/* recorded below, cut to the one line */
	rc = root_read(ctx, "/etc/group", &buf, &n);
	ctx->capture = capture;
	if (rc)
		return;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *name = line, *pw = strchr(name, ':'), *id, *end;

		if (!pw || !(id = strchr(pw + 1, ':')))
			continue;
		if (strtoul(id + 1, &end, 10) == gid && *end == ':' && pw - name < (long)len &&
		    portable_name(name, (size_t)(pw - name))) {
			char kept[160];
			int klen;

			snprintf(out, len, "%.*s", (int)(pw - name), name);
			klen = snprintf(kept, sizeof(kept), "%s:x:%u:\n", out, gid);
			if (capture && klen > 0 && (size_t)klen < sizeof(kept))
				capture_add(capture, CAPTURE_FILE, "/etc/group", kept, (size_t)klen, 0);
			break;
		}
	}
	free(buf);
}

bool probe_kvm_group_grants(struct probe_ctx *ctx, unsigned long long *gid)
{
	unsigned long long mode;

	return facts_get_u64(&ctx->facts, "kvm.stat.gid", gid) &&
	       facts_get_u64(&ctx->facts, "kvm.stat.mode", &mode) && *gid != 0 &&
	       (mode & 0060) == 0060;
}

/* "crw-rw---- root:kvm" */
static void mode_text(struct probe_ctx *ctx, char *out, size_t len)
{
	unsigned long long mode, uid, gid;
	char group[64], perms[11] = "c---------";

	if (!facts_get_u64(&ctx->facts, "kvm.stat.mode", &mode) ||
	    !facts_get_u64(&ctx->facts, "kvm.stat.uid", &uid) ||
	    !facts_get_u64(&ctx->facts, "kvm.stat.gid", &gid)) {
		snprintf(out, len, "owner and mode not recorded");
		return;
	}
	for (int i = 0; i < 9; i++)
		if (mode & (0400u >> i))
			perms[1 + i] = "rwx"[i % 3];
	group_name(ctx, (unsigned)gid, group, sizeof(group));
	snprintf(out, len, "%s uid %llu, group %s", perms, uid, group);
}

static int kvm_dev_caps(struct probe_ctx *ctx, struct report *r)
{
	long long v;
	int rc = 0;

	if (facts_get_ll(&ctx->facts, "kvm.api_version", &v)) {
		rc |= report_cap_int(r, CAP_KERNEL_KVM_API_VERSION, v, "ioctl KVM_GET_API_VERSION",
				     v == KVM_API_VERSION_EXPECTED ? NULL
				     : "unexpected: every KVM since Linux 2.6.22 says 12");
	}
	for (size_t i = 0; i < sizeof(kvm_caps) / sizeof(kvm_caps[0]); i++) {
		char key[64], id[64];

		snprintf(key, sizeof(key), "kvm.cap.%s", kvm_caps[i].name);
		snprintf(id, sizeof(id), CAP_KERNEL_KVM_CAP_PREFIX "%s", kvm_caps[i].name);
		if (facts_get_ll(&ctx->facts, key, &v))
			rc |= report_cap_int(r, id, v, "ioctl KVM_CHECK_EXTENSION on /dev/kvm", "%s",
					     kvm_caps[i].meaning);
	}

	const char *vm = facts_get(&ctx->facts, "kvm.create_vm");

	if (vm && !strcmp(vm, "ok"))
		rc |= report_cap_bool(r, CAP_KERNEL_KVM_CREATE_VM, true, "ioctl KVM_CREATE_VM",
				      "a VM was created and destroyed");
	else if (vm && *vm)
		rc |= report_cap_bool(r, CAP_KERNEL_KVM_CREATE_VM, false, "ioctl KVM_CREATE_VM",
				      "KVM refused to create a VM: %s", vm);
	return rc;
}

int probe_kvm_dev(struct probe_ctx *ctx, struct report *r)
{
	const char *src = "open(\"/dev/kvm\", O_RDWR)";
	char mode[128];
	int rc = 0;

	if (ctx->live)
		kvm_dev_record_live(ctx);

	const char *open_result = facts_get(&ctx->facts, "kvm.open");

	mode_text(ctx, mode, sizeof(mode));
	if (!open_result) {
		struct stat st;

		if (root_stat(ctx, "/dev/kvm", &st) == 0)
			rc = report_cap_unknown(r, CAP_KERNEL_DEV_KVM, src, "/dev/kvm exists in this "
						"capture, but whether it opens was not recorded");
		else
			rc = report_cap_unknown(r, CAP_KERNEL_DEV_KVM, src, "not recorded in this "
						"capture");
		return rc ? -ENOMEM : 0;
	}
	if (!strcmp(open_result, "ok")) {
		rc |= report_cap_str(r, CAP_KERNEL_DEV_KVM, "ok", src, "%s", mode);
	} else if (!strcmp(open_result, "EACCES") || !strcmp(open_result, "EPERM")) {
		unsigned long long gid = 0;
		char group[64];
		bool have_gid = facts_get_u64(&ctx->facts, "kvm.stat.gid", &gid);

		group_name(ctx, (unsigned)gid, group, sizeof(group));
		if (have_gid)	/* for the fixes that depend on where this runs (environment.c) */
			rc |= report_cap_str(r, CAP_KERNEL_DEV_KVM_GROUP, group, "stat(\"/dev/kvm\")",
					     "gid %llu", gid);
		rc |= report_cap_str(r, CAP_KERNEL_DEV_KVM, "no-access", src,
				     "/dev/kvm exists but this user cannot open it (%s): KVM "
				     "tools would fail or fall back to slow emulation", mode);
		if (probe_kvm_group_grants(ctx, &gid))
			rc |= report_cap_fix(r, CAP_KERNEL_DEV_KVM, "sudo usermod -aG %s \"$USER\", "
					     "then log out and in again (or run: newgrp %s)", group,
					     group);
		else
			rc |= report_cap_fix(r, CAP_KERNEL_DEV_KVM, "give the kvm group access: "
					     "sudo groupadd -f kvm && sudo chgrp kvm /dev/kvm && sudo "
					     "chmod 660 /dev/kvm && sudo usermod -aG kvm \"$USER\" (a "
					     "udev rule KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0660\" "
					     "makes it last)");
	} else {
		int minor = probe_kvm_misc_minor(ctx);

		rc |= report_cap_str(r, CAP_KERNEL_DEV_KVM, "absent", src, "open failed: %s%s",
				     open_result, minor >= 0 && !strcmp(open_result, "ENOENT") ?
				     "; yet the kernel registered KVM (kvm in /proc/misc): only the "
				     "node is missing" : "");
		/* a chroot or a hand-made /dev, not devtmpfs: the kernel has KVM, no one made
		 * the node (a container gets its own fix: probe/environment.c) */
		if (minor >= 0 && !strcmp(open_result, "ENOENT"))
			rc |= report_cap_fix(r, CAP_KERNEL_DEV_KVM, "make the node: sudo mknod -m "
					     "0660 /dev/kvm c 10 %d && sudo chgrp kvm /dev/kvm (where "
					     "/dev is devtmpfs, udev makes it at boot; in a chroot: "
					     "mount -t devtmpfs devtmpfs /dev, or bind-mount the host's "
					     "/dev)", minor);
	}
	rc |= kvm_dev_caps(ctx, r);
	return rc ? -ENOMEM : 0;
}
