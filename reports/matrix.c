// SPDX-License-Identifier: MIT
/*
 * The compatibility matrix from the probe's capabilities: for each guest kind, "yes", "no" or
 * "unknown", the capability that decides a "no" or "unknown" (blocked_by), a reason, and the fix.
 *
 * Every hardware-virtualized guest walks the same chain, outermost layer first, and the first
 * link that fails is the one reported, because fixing a later link is useless until it holds:
 *   CPU (VMX or SVM) -> firmware (not locked off) -> kernel (a KVM module) -> /dev/kvm (usable)
 * then the kind's own needs (long mode, PAE, nested=1, an IOMMU...). An unknown link makes the
 * verdict unknown, never yes: virtcap does not guess; but a later link known to fail makes it
 * no (no KVM module is no, whatever the unread CPU has), as advise judges its chains too.
 *
 * Paravirtual KVM (kvm_pvm) is a /dev/kvm without VMX/SVM. It is made for 64-bit guest kernels
 * built for PVM, yet on this project's machine it ran a real-mode test guest (through KVM's
 * instruction emulator): what it can run is for the proofs to say, so the probe answers
 * "unknown", never a guess either way. Nested needs VMX/SVM in the guest, which PVM has not.
 *
 * The proofs of hv-mini (later) override a verdict from what a guest really did.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reports/advice.h"
#include "reports/caps.h"
#include "reports/report.h"
#include "reports/requirements.h"

/* The decision for one row while it is being worked out. */
struct gate {
	enum verdict verdict;
	const char *blocked_by;
	char reason[384];
	char fix[1024];
};

static void gate_set(struct gate *g, enum verdict v, const char *cap, const char *fix,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void gate_set(struct gate *g, enum verdict v, const char *cap, const char *fix,
		     const char *fmt, ...)
{
	va_list ap;

	g->verdict = v;
	g->blocked_by = cap;
	va_start(ap, fmt);
	vsnprintf(g->reason, sizeof(g->reason), fmt, ap);
	va_end(ap);
	snprintf(g->fix, sizeof(g->fix), "%s", fix ? fix : "");
}

/* The fix a probe area attached to a capability, or NULL. */
static const char *cap_fix(const struct report *r, const char *id)
{
	const struct cap *c = report_cap(r, id);

	return c && c->fix ? c->fix : NULL;
}

static const char *cap_detail(const struct report *r, const char *id)
{
	const struct cap *c = report_cap(r, id);

	return c && c->detail ? c->detail : "not recorded";
}

static bool str_is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static const char pvm_reason[] =
	"this KVM is PVM (paravirtual, no VT-x/AMD-V), made for 64-bit guest kernels built for it";

/*
 * The CPU link: VMX or SVM. Returns false with g set when it fails or is unknown.
 * *pvm is set when the kernel offers paravirtual KVM instead, which serves every kind but a
 * nested guest: that needs VT-x/AMD-V to nest with, a CPU link that fails before the host's.
 */
static bool gate_cpu(const struct report *r, enum guest_kind k, struct gate *g, bool *pvm)
{
	int vmx = report_cap_flag(r, CAP_CPU_VMX), svm = report_cap_flag(r, CAP_CPU_SVM);
	int in_vm = report_cap_flag(r, CAP_CPU_HYPERVISOR);

	*pvm = report_kvm_pvm(r);
	if (vmx == 1 || svm == 1)
		return true;
	if (vmx < 0 && svm < 0) {
		gate_set(g, VERDICT_UNKNOWN, CAP_CPU_VMX, NULL,
			 "CPUID was not read, so VT-x/AMD-V support is unknown");
		return false;
	}
	if (*pvm && k == GUEST_NESTED) {
		gate_set(g, VERDICT_NO, CAP_KERNEL_KVM_MODULE, cap_fix(r, CAP_CPU_VMX),
			 "%s: it gives its guests no VT-x/AMD-V to nest with", pvm_reason);
		return false;
	}
	if (*pvm)
		return true;	/* decided per guest kind below */

	const char *id = report_cap_string(r, CAP_CPU_VENDOR);
	const char *cap = str_is(id, "AuthenticAMD") || str_is(id, "HygonGenuine") ? CAP_CPU_SVM
										    : CAP_CPU_VMX;
	const char *fix = cap_fix(r, cap);

	if (in_vm == 1)
		gate_set(g, VERDICT_NO, cap, fix,
			 "this host is a virtual machine whose hypervisor does not expose VT-x/AMD-V "
			 "to it");
	else
		gate_set(g, VERDICT_NO, cap, fix,
			 "the CPU has no hardware virtualization (VT-x/AMD-V)");
	return false;
}

/* Firmware, kernel module and /dev/kvm links. */
static bool gate_host(const struct report *r, struct gate *g, bool pvm)
{
	int fw = report_cap_flag(r, CAP_FW_VIRT_ENABLED);

	if (!pvm && fw == 0) {
		gate_set(g, VERDICT_NO, CAP_FW_VIRT_ENABLED, cap_fix(r, CAP_FW_VIRT_ENABLED),
			 "the firmware (BIOS/UEFI) has disabled VT-x/AMD-V");
		return false;
	}

	const char *mod = report_cap_string(r, CAP_KERNEL_KVM_MODULE);
	const char *dev = report_cap_string(r, CAP_KERNEL_DEV_KVM);

	if (str_is(mod, "none") && !str_is(dev, "ok")) {
		gate_set(g, VERDICT_NO, CAP_KERNEL_KVM_MODULE, cap_fix(r, CAP_KERNEL_KVM_MODULE),
			 "%s", report_cap(r, CAP_KERNEL_KVM_MODULE)->detail ?
			 report_cap(r, CAP_KERNEL_KVM_MODULE)->detail : "no KVM module is loaded");
		return false;
	}
	if (!dev) {
		gate_set(g, VERDICT_UNKNOWN, CAP_KERNEL_DEV_KVM, NULL,
			 "whether /dev/kvm is usable is unknown: %s", cap_detail(r, CAP_KERNEL_DEV_KVM));
		return false;
	}
	if (str_is(dev, "absent") && report_cap_flag(r, CAP_OS_CONTAINER) == 1) {
		gate_set(g, VERDICT_NO, CAP_KERNEL_DEV_KVM, cap_fix(r, CAP_KERNEL_DEV_KVM),
			 "this is a container (%s) without /dev/kvm",
			 report_cap_string(r, CAP_OS_CONTAINER_KIND) ?: "unknown kind");
		return false;
	}
	if (str_is(dev, "absent")) {
		gate_set(g, VERDICT_NO, CAP_KERNEL_DEV_KVM, cap_fix(r, CAP_KERNEL_DEV_KVM),
			 "/dev/kvm does not exist");
		return false;
	}
	if (str_is(dev, "no-access")) {
		gate_set(g, VERDICT_NO, CAP_KERNEL_DEV_KVM, cap_fix(r, CAP_KERNEL_DEV_KVM), "%s",
			 cap_detail(r, CAP_KERNEL_DEV_KVM));
		return false;
	}
	if (report_kvm_usable(r) == VERDICT_NO) {	/* it opens: KVM_CREATE_VM failed */
		gate_set(g, VERDICT_NO, CAP_KERNEL_KVM_CREATE_VM, cap_fix(r, CAP_KERNEL_KVM_CREATE_VM),
			 "/dev/kvm opens but KVM refuses to create a VM (%s)",
			 cap_detail(r, CAP_KERNEL_KVM_CREATE_VM));
		return false;
	}
	if (fw < 0 && !pvm && !str_is(dev, "ok")) {
		gate_set(g, VERDICT_UNKNOWN, CAP_FW_VIRT_ENABLED, NULL,
			 "whether the firmware enabled VT-x/AMD-V is unknown");
		return false;
	}
	return true;
}

/* An IOMMU, on in the kernel, VFIO, and remapped interrupts: what VFIO needs to take a device;
 * g is left as it was when all hold */
static void gate_passthrough(const struct report *r, struct gate *g)
{
	if (report_cap_flag(r, CAP_FW_IOMMU) == 0)
		gate_set(g, VERDICT_NO, CAP_FW_IOMMU, cap_fix(r, CAP_FW_IOMMU),
			 "the firmware reports no IOMMU (%s)", report_host_is_arm(r) ?
			 cap_detail(r, CAP_FW_IOMMU) : "no ACPI DMAR/IVRS table");
	else if (report_cap_flag(r, CAP_KERNEL_IOMMU_ENABLED) == 0)
		gate_set(g, VERDICT_NO, CAP_KERNEL_IOMMU_ENABLED,
			 cap_fix(r, CAP_KERNEL_IOMMU_ENABLED),
			 "the kernel has no IOMMU groups: the IOMMU is off");
	else if (report_cap_flag(r, CAP_FW_IOMMU) < 0 &&
		 report_cap_flag(r, CAP_KERNEL_IOMMU_ENABLED) < 0)
		gate_set(g, VERDICT_UNKNOWN, CAP_FW_IOMMU, NULL,
			 "whether there is an IOMMU is unknown");
	else if (report_cap_flag(r, CAP_KERNEL_VFIO) == 0)
		gate_set(g, VERDICT_NO, CAP_KERNEL_VFIO, cap_fix(r, CAP_KERNEL_VFIO),
			 "VFIO is not available (module not loaded)");
	else if (report_cap_flag(r, CAP_PCI_INTERRUPT_REMAPPING) == 0 &&
		 report_cap_flag(r, CAP_PCI_UNSAFE_INTERRUPTS_ALLOWED) != 1)
		gate_set(g, VERDICT_NO, CAP_PCI_INTERRUPT_REMAPPING,
			 cap_fix(r, CAP_PCI_INTERRUPT_REMAPPING), "interrupts are not "
			 "remapped, so VFIO refuses to attach a device");
}

/* What a kind needs beyond a usable KVM. pvm: only PVM-enabled 64-bit guest kernels run. */
static void gate_kind(const struct report *r, enum guest_kind k, struct gate *g, bool pvm)
{
	gate_set(g, VERDICT_YES, NULL, NULL, "KVM is usable and nothing else is needed");

	switch (k) {
	case GUEST_PAE32:
		if (report_cap_flag(r, CAP_CPU_PAE) == 0)
			gate_set(g, VERDICT_NO, CAP_CPU_PAE, cap_fix(r, CAP_CPU_PAE),
				 "the CPU has no PAE, which PAE guests need under hardware paging");
		break;
	case GUEST_LONG64:
	case GUEST_BOOT:	/* the guest's own way ends in long mode */
		if (report_cap_flag(r, CAP_CPU_LM) == 0) {
			gate_set(g, VERDICT_NO, CAP_CPU_LM, cap_fix(r, CAP_CPU_LM),
				 "the CPU has no long mode (not 64-bit capable)");
		} else if (r->kernel_arch && strcmp(r->kernel_arch, "x86_64") != 0) {
			gate_set(g, VERDICT_NO, CAP_KERNEL_ARCH, cap_fix(r, CAP_KERNEL_ARCH),
				 "the host kernel is 32-bit (%s): its KVM cannot run 64-bit guests",
				 r->kernel_arch);
		} else if (report_cap_flag(r, CAP_CPU_LM) < 0) {
			gate_set(g, VERDICT_UNKNOWN, CAP_CPU_LM, NULL, "long mode support is unknown");
		}
		break;
	case GUEST_NESTED: {
		int nested = report_cap_flag(r, CAP_KERNEL_NESTED);

		if (nested == 0)
			gate_set(g, VERDICT_NO, CAP_KERNEL_NESTED, cap_fix(r, CAP_KERNEL_NESTED),
				 "the KVM module runs with nested=0");
		else if (nested < 0)
			gate_set(g, VERDICT_UNKNOWN, CAP_KERNEL_NESTED, NULL,
				 "the KVM module's nested parameter is unknown: %s",
				 cap_detail(r, CAP_KERNEL_NESTED));
		break;
	}
	case GUEST_PASSTHROUGH:
		gate_passthrough(r, g);
		break;
	default:
		break;
	}
	if (pvm && g->verdict == VERDICT_YES)
		gate_set(g, VERDICT_UNKNOWN, CAP_KERNEL_KVM_MODULE, NULL,
			 "%s; whether this kind of guest runs on it is for the proof to show",
			 pvm_reason);
}

/*
 * Graphics for guests: the level probe/graphics.c found, best first (sriov, mediated, 3d,
 * display); "none" when no emulator here shows a guest's display. No KVM is needed for any of
 * them: a virtual display works under emulation too.
 */
static void gate_graphics(const struct report *r, struct gate *g)
{
	const struct cap *c = report_cap(r, CAP_GPU_GRAPHICS);

	if (!c || c->kind != CAP_STRING)
		gate_set(g, VERDICT_UNKNOWN, CAP_GPU_GRAPHICS, NULL, "what this host gives a "
			 "guest's display was not read");
	else if (!strcmp(c->s, "none"))
		gate_set(g, VERDICT_NO, CAP_GPU_GRAPHICS, c->fix, "%s", c->detail ? c->detail :
			 "no emulator installed to show a guest's display");
	else
		gate_set(g, VERDICT_YES, NULL, NULL, "%s", c->detail ? c->detail : c->s);
}

/* OS-level virtualization needs no KVM: namespaces and cgroups. */
static void gate_container(const struct report *r, struct gate *g)
{
	static const char *const needed[] = {
		CAP_OS_NS_PREFIX "mount", CAP_OS_NS_PREFIX "pid", CAP_OS_NS_PREFIX "net",
		CAP_OS_NS_PREFIX "uts", CAP_OS_NS_PREFIX "ipc",
	};

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		int v = report_cap_flag(r, needed[i]);

		if (v == 0) {
			gate_set(g, VERDICT_NO, needed[i], cap_fix(r, needed[i]),
				 "this process cannot create a %s namespace (%s)", needed[i] + 6,
				 cap_detail(r, needed[i]));
			return;
		}
		if (v < 0) {
			gate_set(g, VERDICT_UNKNOWN, needed[i], NULL,
				 "whether a %s namespace can be created is unknown", needed[i] + 6);
			return;
		}
	}
	if (!report_cap_string(r, CAP_OS_CGROUP_VERSION)) {
		gate_set(g, VERDICT_UNKNOWN, CAP_OS_CGROUP_VERSION, NULL,
			 "no cgroup hierarchy was found");
		return;
	}
	gate_set(g, VERDICT_YES, NULL, NULL, "namespaces can be created and cgroups (%s) are mounted",
		 report_cap_string(r, CAP_OS_CGROUP_VERSION));
}

/*
 * An ARM host's rows. Its own KVM runs ARM guests, which hv-mini's arm64 proofs show
 * (proofs/manifest_arm64.h): the 64- and 32-bit ARM OS rows and the rows of what such a guest
 * does (several vCPUs, an interrupt, hypercalls, MMIO, a disk) are judged here on what the
 * kernel says; the x86 CPU
 * modes and port I/O are not a thing an ARM host has, and the rest is not judged yet.
 */
static const char arm32_fix[] = "no setting changes this CPU: run 32-bit ARM guests by emulation "
	"(qemu-system-arm -M virt, without KVM), or on an arm64 CPU that has AArch32 at EL1 "
	"(Cortex-A53/A57/A72, Neoverse N1; not Neoverse V1/N2, A64FX or Apple's)";

static void gate_arm(const struct report *r, enum guest_kind k, struct gate *g)
{
	const char *mode = report_cap_string(r, CAP_KERNEL_ARM64_KVM_MODE);
	int a32 = report_cap_flag(r, CAP_KERNEL_KVM_ARM_EL1_32BIT);

	switch (k) {
	case GUEST_ARM64: case GUEST_ARM32: case GUEST_SMP: case GUEST_IRQ: case GUEST_HYPERCALL:
	case GUEST_MMIO: case GUEST_DISK: case GUEST_NESTED: case GUEST_PASSTHROUGH:
		break;
	case GUEST_REAL16: case GUEST_PROT32: case GUEST_PAE32: case GUEST_LONG64:
	case GUEST_BOOT: case GUEST_PIO:
		gate_set(g, VERDICT_NA, CAP_KERNEL_ARCH, NULL, "not applicable: an x86 CPU mode or "
			 "port I/O, which an ARM host (%s) has not; its KVM runs ARM guests",
			 r->kernel_arch);
		return;
	default:
		gate_set(g, VERDICT_UNKNOWN, CAP_KERNEL_ARCH, NULL, "%s", REPORT_ARM_HOST_UNJUDGED);
		return;
	}
	if (str_is(mode, "none")) {
		gate_set(g, VERDICT_NO, CAP_KERNEL_ARM64_KVM_MODE,
			 cap_fix(r, CAP_KERNEL_ARM64_KVM_MODE), "%s",
			 cap_detail(r, CAP_KERNEL_ARM64_KVM_MODE));
		return;
	}
	if (k == GUEST_ARM32 && a32 == 0) {	/* the CPU's, whatever /dev/kvm is */
		gate_set(g, VERDICT_NO, CAP_KERNEL_KVM_ARM_EL1_32BIT, arm32_fix, "this CPU has no "
			 "AArch32 at EL1, so KVM runs no 32-bit ARM guest here (%s)",
			 cap_detail(r, CAP_KERNEL_KVM_ARM_EL1_32BIT));
		return;
	}
	/* /dev/kvm and KVM_CREATE_VM, as on x86; the firmware's VT-x/AMD-V is no ARM link (as
	 * with PVM, whose KVM needs none) */
	if (!gate_host(r, g, true))
		return;
	if (k == GUEST_PASSTHROUGH) {	/* an SMMU, VFIO, MSIs the ITS isolates */
		gate_set(g, VERDICT_YES, NULL, NULL, "KVM/arm64 is usable, an IOMMU is on and VFIO "
			 "is there");
		gate_passthrough(r, g);
		return;
	}
	if (k == GUEST_NESTED) {	/* a guest's own guests need a virtual EL2 of KVM */
		int el2 = report_cap_flag(r, CAP_KERNEL_KVM_ARM_EL2);

		gate_set(g, el2 == 0 ? VERDICT_NO : VERDICT_UNKNOWN, CAP_KERNEL_KVM_ARM_EL2,
			 NULL, "%s", el2 == 1 ? "KVM offers guests a virtual EL2, which no test "
			 "guest of hv-mini tries yet" : cap_detail(r, CAP_KERNEL_KVM_ARM_EL2));
		return;
	}
	if (k == GUEST_IRQ && report_cap_flag(r, CAP_KERNEL_KVM_ARM_VGIC_V3) == 0) {
		/* guests get interrupts from a GICv2 there, which no test guest drives yet */
		gate_set(g, VERDICT_UNKNOWN, CAP_KERNEL_KVM_ARM_VGIC_V3, NULL, "KVM gives guests no "
			 "GICv3, which hv-mini's interrupt guest drives (%s)",
			 cap_detail(r, CAP_KERNEL_KVM_ARM_VGIC_V2));
		return;
	}
	if (k == GUEST_ARM32 && a32 < 0) {
		gate_set(g, VERDICT_UNKNOWN, CAP_KERNEL_KVM_ARM_EL1_32BIT, NULL, "whether KVM offers "
			 "AArch32 at EL1 is unknown: %s", cap_detail(r, CAP_KERNEL_KVM_ARM_EL1_32BIT));
		return;
	}
	gate_set(g, VERDICT_YES, NULL, NULL, "KVM/arm64 is usable (%s)%s", mode ? mode : "its mode "
		 "not logged", k == GUEST_ARM32 ? " and offers AArch32 at EL1" : "");
}

void report_matrix_derive(struct report *r)
{
	for (int k = GUEST_REAL16; k < GUEST_KIND_COUNT; k++) {
		struct gate g = { 0 };
		bool pvm = false;

		if (k == GUEST_CONTAINER) {
			gate_container(r, &g);
		} else if (k == GUEST_GRAPHICS) {
			gate_graphics(r, &g);
		} else if (report_host_is_arm(r)) {
			/* hv-mini's x86 capabilities and the x86 probe behind them (CPUID, MSRs, the
			 * DMAR/IVRS tables) say nothing of an ARM host's KVM: its own gates */
			gate_arm(r, (enum guest_kind)k, &g);
		} else if (gate_cpu(r, (enum guest_kind)k, &g, &pvm)) {
			if (gate_host(r, &g, pvm))
				gate_kind(r, (enum guest_kind)k, &g, pvm);
		} else if (g.verdict == VERDICT_UNKNOWN) {
			/* an unknown CPU does not hide a host link known to fail: that one decides */
			struct gate host = { 0 };

			if (!gate_host(r, &host, pvm) && host.verdict == VERDICT_NO)
				g = host;
		}
		report_matrix_set(r, (enum guest_kind)k, g.verdict, g.blocked_by, g.reason,
				  g.fix[0] ? g.fix : NULL);
		r->matrix[k].probe_verdict = g.verdict;
		r->matrix[k].disagreement = false;
	}
	for (int k = 0; k < GUEST_KIND_COUNT; k++) {	/* an ARM OS on an ARM host: its own */
		struct gate g = { 0 };

		if (!report_arm_native_row(r, (enum guest_kind)k))
			continue;
		gate_arm(r, (enum guest_kind)k, &g);
		report_matrix_set(r, (enum guest_kind)k, g.verdict, g.blocked_by, g.reason,
				  g.fix[0] ? g.fix : NULL);
		r->matrix[k].probe_verdict = g.verdict;
		r->matrix[k].disagreement = false;
	}
	advice_rows_derive(r);	/* the other operating systems, from the rows above */
}
