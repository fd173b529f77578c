// SPDX-License-Identifier: MIT
/*
 * Xen, from inside one of its domains. Every kernel under Xen is a guest of it, the control
 * domain (dom0) too, and Xen keeps VT-x/AMD-V for itself: it gives them, as nested
 * virtualization, only to HVM guests whose configuration asks (nestedhvm=1), never to a PV or
 * PVH guest, and never to dom0. So the usual fixes are wrong here: the firmware setup, modprobe
 * and "nested=1 on the host" cannot give this kernel KVM. What can:
 *   - dom0: the guests here are Xen's (xl, libvirt's Xen driver), and KVM needs a boot without
 *     Xen;
 *   - a PV or PVH guest: the Xen host runs it as an HVM guest with nestedhvm=1, or guests run
 *     here by emulation;
 *   - an HVM guest: nestedhvm=1 on the Xen host, whatever signature CPUID shows first (Xen
 *     offers Hyper-V's, Viridian, first to Windows guests).
 * The sources are Linux's (drivers/xen/sys-hypervisor.c, xenfs): /sys/hypervisor/type "xen",
 * /sys/hypervisor/guest_type "PV", "PVH" or "HVM" (Linux 4.15 and later), /proc/xen/capabilities
 * "control_d" in dom0 only (where xenfs is mounted), and /sys/hypervisor/properties/capabilities,
 * Xen's own list of the guests it can run: an "hvm-" entry means Xen has VT-x/AMD-V.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "probe/xen.h"
#include "reports/caps.h"
#include "reports/report.h"

#define XEN_DOM0_FIX \
	"this system is Xen's dom0: Xen holds VT-x/AMD-V and runs the virtual machines here, so " \
	"KVM cannot. Run guests with Xen's tools (xl create GUEST.cfg, from xen-utils) or " \
	"libvirt's Xen driver (virsh -c xen:///system); for KVM, boot this machine without Xen " \
	"(GRUB's entry without \"with Xen hypervisor\")"
#define XEN_PV_FIX \
	"this system is a Xen %s guest, and Xen gives VT-x/AMD-V only to HVM guests (nestedhvm=1 " \
	"in their xl configuration, which Xen calls experimental): for KVM here, the Xen host " \
	"must run this system as an HVM guest with nestedhvm=1; until then guests run here only " \
	"under emulation (qemu-system-x86_64 -accel tcg) or as containers"

/* the findings whose fix would otherwise send a Xen domain to its firmware, modprobe or the
 * wrong host: a fix is replaced only where one was given */
static const char *const xen_fixed[] = {
	CAP_CPU_VMX, CAP_CPU_SVM, CAP_FW_VIRT_ENABLED, CAP_KERNEL_KVM_MODULE, CAP_KERNEL_DEV_KVM,
};

static int replace_fixes(struct report *r, const char *type, bool dom0)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(xen_fixed) / sizeof(xen_fixed[0]); i++) {
		const struct cap *c = report_cap(r, xen_fixed[i]);

		if (!c || !c->fix)
			continue;
		if (dom0)
			rc |= report_cap_fix(r, xen_fixed[i], "%s", XEN_DOM0_FIX);
		else if (!strcmp(type, "HVM"))
			rc |= report_cap_fix(r, xen_fixed[i], "this system is a Xen HVM guest without "
					     "VT-x/AMD-V: " XEN_NESTED_HVM);
		else
			rc |= report_cap_fix(r, xen_fixed[i], XEN_PV_FIX, type);
	}
	return rc;
}

/*
 * A PV domain's kernel sees the CPUID Xen filters for it, without VT-x/AMD-V, while a program's
 * own CPUID instruction may still reach the CPU (where Xen has no CPUID faulting: seen in the
 * lab's dom0, Xen 4.17 under QEMU). So "CPUID has it, the kernel's flags do not" is Xen's doing
 * here, not the firmware's, whose setting a PV domain cannot see (its MSRs are Xen's too).
 */
static int pv_flags_not_firmware(struct report *r)
{
	const struct cap *c = report_cap(r, CAP_FW_VIRT_ENABLED);

	if (!c || c->kind != CAP_BOOL || c->b || !c->source ||
	    strcmp(c->source, "/proc/cpuinfo flags"))
		return 0;
	return report_cap_unknown(r, CAP_FW_VIRT_ENABLED, "/proc/cpuinfo flags", "CPUID has "
				  "VT-x/AMD-V but the kernel's flags do not: Xen hides it from the "
				  "kernels of its PV domains, so whether the firmware enabled it "
				  "cannot be seen from here");
}

int probe_xen(struct probe_ctx *ctx, struct report *r)
{
	static const char type_src[] = "/sys/hypervisor/guest_type";
	static const char caps_src[] = "/sys/hypervisor/properties/capabilities";
	static const char dom0_src[] = "/proc/xen/capabilities";
	char hv[16], type[16], caps[256], dom0[64];
	int rc = 0;

	if (root_read_line(ctx, "/sys/hypervisor/type", hv, sizeof(hv)) || strcmp(hv, "xen")) {
		rc |= report_cap_str(r, CAP_ENV_XEN_GUEST_TYPE, "none", "/sys/hypervisor/type",
				     "not a Xen domain");
		rc |= report_cap_bool(r, CAP_ENV_XEN_DOM0, false, "/sys/hypervisor/type",
				      "not under Xen");
		rc |= report_cap_unknown(r, CAP_ENV_XEN_HVM, "/sys/hypervisor/type", "not under Xen");
		return rc ? -ENOMEM : 0;
	}

	/* only the kernel's three words: a captured root's file is anyone's text */
	bool typed = root_read_line(ctx, type_src, type, sizeof(type)) == 0 &&
		     (!strcmp(type, "PV") || !strcmp(type, "PVH") || !strcmp(type, "HVM"));

	if (typed)
		rc |= report_cap_str(r, CAP_ENV_XEN_GUEST_TYPE, type, type_src, "%s",
				     !strcmp(type, "PV") ? "a paravirtualized guest: its kernel "
				     "asks Xen by hypercalls for what a CPU would do, and needs no "
				     "VT-x/AMD-V" : !strcmp(type, "PVH") ? "a PV kernel in a "
				     "hardware-virtualized container: no emulated devices, no nested "
				     "virtualization" : "a hardware-virtualized guest: the only kind "
				     "Xen may give VT-x/AMD-V (nestedhvm=1)");
	else
		rc |= report_cap_unknown(r, CAP_ENV_XEN_GUEST_TYPE, type_src, "under Xen, but %s",
					 root_exists(ctx, type_src) ? "not a guest type Linux names "
					 "(PV, PVH, HVM)" : "this kernel does not say which kind of "
					 "guest it is (Linux before 4.15)");

	int dom0_err = root_read_line(ctx, dom0_src, dom0, sizeof(dom0));
	bool have_dom0 = dom0_err == 0;
	bool is_dom0 = have_dom0 && strstr(dom0, "control_d");

	if (have_dom0)
		rc |= report_cap_bool(r, CAP_ENV_XEN_DOM0, is_dom0, dom0_src, "%s", is_dom0 ?
				      "control_d: Xen's control domain (dom0), which creates and "
				      "runs the other guests" : "an unprivileged guest (domU)");
	else
		rc |= report_cap_unknown(r, CAP_ENV_XEN_DOM0, dom0_src, "%s", dom0_err == -EACCES ?
					 "readable by root only: run virtcap as root" : "not there: "
					 "xenfs is not mounted (sudo mount -t xenfs xenfs /proc/xen)");

	if (root_read_line(ctx, caps_src, caps, sizeof(caps)) == 0)
		rc |= report_cap_bool(r, CAP_ENV_XEN_HVM, strstr(caps, "hvm-") != NULL, caps_src,
				      "%s: Xen %s", caps, strstr(caps, "hvm-") ? "has VT-x/AMD-V and "
				      "runs HVM and PVH guests" : "has no VT-x/AMD-V: PV guests only");
	else
		rc |= report_cap_unknown(r, CAP_ENV_XEN_HVM, caps_src, "not readable");

	if (typed && !strcmp(type, "PV"))
		rc |= pv_flags_not_firmware(r);
	if (typed || is_dom0)
		rc |= replace_fixes(r, typed ? type : "", is_dom0);
	return rc ? -ENOMEM : 0;
}
