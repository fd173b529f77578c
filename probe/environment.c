// SPDX-License-Identifier: MIT
/*
 * Where this host sits: is it itself a guest, of what, and what is underneath? Answered as
 * layers, outermost first, each backed by evidence with a confidence, because the sources name
 * different things and each is right about its own layer:
 *   - CPUID 0x40000000 names the hypervisor the vCPU runs on (the kernel: "KVMKVMKVM");
 *   - the kernel log's "Hypervisor detected" line is the kernel's reading of that same leaf,
 *     and "Booting paravirtualized kernel on" says which paravirt interface it uses;
 *   - ACPI table OEM ids and DMI name the VMM program that built the virtual machine
 *     (Firecracker writes "FIRECK", QEMU "BOCHS "/"BXPC", Hyper-V "VRTUAL"); Bochs writes the
 *     same ACPI ids as QEMU and no DMI system vendor, so only its BIOS vendor tells it apart;
 *   - a KVM module loaded here makes this kernel a hypervisor in turn (kvm_pvm: a paravirtual
 *     one, possible without VT-x/AMD-V);
 *   - namespaces and cgroups tell whether this process is in a container.
 * Where two sources name different products, both are reported with what each one measures.
 *
 * The kernel log needs CAP_SYSLOG (or dmesg_restrict=0) and the ACPI tables root; unprivileged
 * runs say so and use what they can read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "probe/cpuinfo.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "probe/vmm_nested.h"
#include "reports/caps.h"

#define ACPI_OEMID_OFFSET 10		/* ACPI 6.5 table 5.4: OEMID, 6 bytes */
#define ACPI_OEM_TABLE_ID_OFFSET 16	/* OEM Table ID, 8 bytes */
#define ACPI_HEADER_SIZE 36

/* What ACPI OEM ids and DMI vendors say about the VMM that made the machine. */
static const struct {
	const char *match;
	const char *vmm;
	const char *hypervisor;		/* when the product is its own hypervisor */
} vmm_marks[] = {
	{ "FIRECK", "Firecracker", NULL },
	{ "BOCHS", "QEMU", NULL },
	{ "BXPC", "QEMU", NULL },
	{ "QEMU", "QEMU", NULL },
	{ "CLOUDH", "Cloud Hypervisor", NULL },
	{ "VRTUAL", "Hyper-V", "Microsoft Hyper-V" },
	{ "Microsoft Corporation", "Hyper-V", "Microsoft Hyper-V" },
	{ "VMware", "VMware", "VMware" },
	{ "VBOX", "VirtualBox", "Oracle VirtualBox" },
	{ "innotek", "VirtualBox", "Oracle VirtualBox" },
	{ "Xen", "Xen", "Xen" },
	{ "Amazon EC2", "Amazon EC2 (Nitro)", NULL },
	{ "Google", "Google Compute Engine", NULL },
	{ "Parallels", "Parallels", "Parallels" },
	{ "bhyve", "bhyve", "bhyve" },
};

struct layers {
	struct report *r;		/* the layers and disagreements go into its sections */
	const char *hypervisor;		/* best name of the hypervisor this machine runs on */
	bool pvm_guest;			/* this kernel is a PVM guest: its hypervisor is a Linux's */
	const char *vmm;
	const char *ci;			/* the CI system running this job, or NULL */
	int err;
};

/* A new layer, outermost first; returns its evidence list (NULL when out of memory) */
static struct evidence_list *layer_add(struct layers *l, const char *kind, const char *name)
{
	struct env_layer *layer = report_env_layer_add(l->r, kind, name);

	if (!layer)
		l->err = -ENOMEM;
	return layer ? &layer->evidence : NULL;
}

static void ev_add(struct layers *l, struct evidence_list *list, const char *source,
		   const char *says, enum confidence c)
{
	if (list && evidence_add(list, source, says, c))
		l->err = -ENOMEM;
}

static void disagreement(struct layers *l, const char *says)
{
	if (report_env_disagreement(l->r, says))
		l->err = -ENOMEM;
}

static const char *vmm_lookup(const char *text, const char **hypervisor)
{
	for (size_t i = 0; i < sizeof(vmm_marks) / sizeof(vmm_marks[0]); i++) {
		if (text && strstr(text, vmm_marks[i].match)) {
			if (hypervisor)
				*hypervisor = vmm_marks[i].hypervisor;
			return vmm_marks[i].vmm;
		}
	}
	return NULL;
}

/* OEMID of the FADT ("FACP"): root-only readable, else from the kernel log. */
static void acpi_oem(struct probe_ctx *ctx, char *out, size_t len, const char **source)
{
	char *buf;
	size_t n;

	out[0] = '\0';
	*source = "/sys/firmware/acpi/tables/FACP";
	if (root_read(ctx, *source, &buf, &n) == 0) {
		if (n >= ACPI_HEADER_SIZE)
			snprintf(out, len, "%.6s %.8s", buf + ACPI_OEMID_OFFSET,
				 buf + ACPI_OEM_TABLE_ID_OFFSET);
		free(buf);
		for (char *c = out; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				*c = '?';
		if (out[0])
			return;
	}

	/* "0x00000000000E0000 000024 (v02 FIRECK)" */
	const char *rsdp = facts_get(&ctx->facts, "klog.acpi_rsdp");
	const char *open = rsdp ? strchr(rsdp, '(') : NULL;

	if (open && strlen(open) > 5) {
		*source = "kernel log \"ACPI: RSDP\"";
		snprintf(out, len, "%.*s", (int)strcspn(open + 5, ")"), open + 5);
	}
}

static void env_hypervisor(struct probe_ctx *ctx, const struct report *r, struct layers *l)
{
	const char *sig = report_cap_string(r, CAP_CPU_HYPERVISOR_SIGNATURE);
	const char *name = report_cap_string(r, CAP_CPU_HYPERVISOR_NAME);
	const char *klog = facts_get(&ctx->facts, "klog.hypervisor_detected");
	const char *pv = facts_get(&ctx->facts, "klog.paravirt");
	int bit = report_cap_flag(r, CAP_CPU_HYPERVISOR);
	char says[384];

	/* a Xen PV guest's CPUID may say nothing of Xen (no CPUID faulting): its sysfs does */
	const char *xen_type = report_cap_string(r, CAP_ENV_XEN_GUEST_TYPE);
	bool xen = xen_type && strcmp(xen_type, "none");

	if (bit != 1 && !klog && !xen)
		return;
	l->hypervisor = name ? name : klog ? klog : xen ? "Xen" : "an unnamed hypervisor";
	/*
	 * A PVM guest's kernel says "Hypervisor detected: PVM" while its CPUID instruction, which
	 * PVM does not intercept, is answered by the hypervisor beneath its PVM host: two layers,
	 * the one CPUID names outermost.
	 */
	l->pvm_guest = klog && !strcmp(klog, "PVM") && !(name && strstr(name, "PVM"));

	struct evidence_list *ev = layer_add(l, "hypervisor", l->hypervisor);

	if (bit == 1)
		ev_add(l, ev, "CPUID 0x00000001 ECX[31]", "running under a hypervisor", CONFIDENCE_HIGH);
	if (sig) {
		snprintf(says, sizeof(says), "signature \"%s\"%s%s", sig, name ? ": " : "",
			 name ? name : "");
		ev_add(l, ev, "CPUID 0x40000000", says, CONFIDENCE_HIGH);
	}
	if (l->pvm_guest) {	/* what the kernel says is of the layer inside the one CPUID names */
		snprintf(says, sizeof(says), "CPUID names the hypervisor %s, the kernel log PVM: this "
			 "kernel is a PVM guest, so the hypervisor it runs on is a Linux kernel's "
			 "paravirtual KVM (PVM), itself in a virtual machine of %s, which answers the "
			 "CPUID instruction that PVM passes through", l->hypervisor, l->hypervisor);
		disagreement(l, says);
		l->hypervisor = "PVM";
		ev = layer_add(l, "hypervisor", "PVM (a Linux kernel's paravirtual KVM)");
	}
	if (klog) {
		snprintf(says, sizeof(says), "Hypervisor detected: %s", klog);
		ev_add(l, ev, "kernel log", says, CONFIDENCE_HIGH);
		if (name && !l->pvm_guest && !strstr(name, klog) && !strstr(klog, name)) {
			snprintf(says, sizeof(says), "CPUID names the hypervisor %s, the kernel log "
				 "%s", name, klog);
			disagreement(l, says);
		}
	}
	if (pv) {
		snprintf(says, sizeof(says), "the kernel uses the %s paravirtual interface", pv);
		ev_add(l, ev, "kernel log \"Booting paravirtualized kernel\"", says, CONFIDENCE_MEDIUM);
	}

	char clock[64];

	if (root_read_line(ctx, "/sys/devices/system/clocksource/clocksource0/current_clocksource",
			   clock, sizeof(clock)) == 0 && strcmp(clock, "tsc") && strcmp(clock, "hpet")) {
		snprintf(says, sizeof(says), "clock source %s", clock);
		ev_add(l, ev, "/sys/devices/system/clocksource/clocksource0", says, CONFIDENCE_MEDIUM);
	}

	char hv_type[32];

	if (root_read_line(ctx, "/sys/hypervisor/type", hv_type, sizeof(hv_type)) == 0 &&
	    hv_type[0]) {
		snprintf(says, sizeof(says), "hypervisor type %s", hv_type);
		ev_add(l, ev, "/sys/hypervisor/type", says, CONFIDENCE_HIGH);
	}
	if (xen && report_cap_flag(r, CAP_ENV_XEN_DOM0) == 1)
		ev_add(l, ev, "/proc/xen/capabilities", "control_d: this kernel is Xen's control "
		       "domain (dom0)", CONFIDENCE_HIGH);
	if (xen && report_cap_string(r, CAP_ENV_XEN_GUEST_TYPE)) {
		snprintf(says, sizeof(says), "a Xen %s guest", xen_type);
		ev_add(l, ev, "/sys/hypervisor/guest_type", says, CONFIDENCE_HIGH);
	}
}

/*
 * An arm64 (or other device-tree) machine booted without ACPI or DMI, as QEMU's -M virt with
 * -kernel is: its device tree's root names the machine, and "linux,dummy-virt" is QEMU's virt
 * board (hw/arm/virt.c), a virtual machine. The property holds NUL-separated strings.
 */
static bool dt_qemu_virt(struct probe_ctx *ctx)
{
	char *buf;
	size_t n;
	bool virt = false;

	if (root_read(ctx, "/proc/device-tree/compatible", &buf, &n))
		return false;
	for (size_t i = 0; i < n && !virt; i += strnlen(buf + i, n - i) + 1)
		virt = strnlen(buf + i, n - i) == 16 && !memcmp(buf + i, "linux,dummy-virt", 16);
	free(buf);
	return virt;
}

static void env_vmm(struct probe_ctx *ctx, const struct report *r, struct layers *l)
{
	char oem[32], says[256];
	const char *oem_source;
	const char *dmi = report_cap_string(r, CAP_FW_DMI_SYS_VENDOR);
	const char *product = report_cap_string(r, CAP_FW_DMI_PRODUCT_NAME);
	const char *bios = report_cap_string(r, CAP_FW_BIOS_VENDOR);
	const char *hv_acpi = NULL, *hv_dmi = NULL;

	acpi_oem(ctx, oem, sizeof(oem), &oem_source);

	const char *by_acpi = oem[0] ? vmm_lookup(oem, &hv_acpi) : NULL;
	/* Bochs's own BIOS ("The Bochs Project"): the "BOCHS" ACPI id then means Bochs */
	const char *by_bios = bios && strstr(bios, "Bochs") ? "Bochs" : NULL;

	if (by_bios && by_acpi && !strcmp(by_acpi, "QEMU") && strstr(oem, "BOCHS"))
		by_acpi = by_bios;
	const char *by_dmi = dmi ? vmm_lookup(dmi, &hv_dmi) : NULL;

	if (!by_dmi && product)
		by_dmi = vmm_lookup(product, &hv_dmi);

	const char *by_dt = !by_acpi && !by_dmi && !by_bios && dt_qemu_virt(ctx) ? "QEMU" : NULL;
	const char *vmm = by_acpi ? by_acpi : by_dmi ? by_dmi : by_bios ? by_bios : by_dt;

	if (!vmm)
		return;
	l->vmm = vmm;
	if (!l->hypervisor && (hv_acpi || hv_dmi))
		l->hypervisor = hv_acpi ? hv_acpi : hv_dmi;

	struct evidence_list *ev = layer_add(l, "vmm", vmm);

	if (by_acpi) {
		snprintf(says, sizeof(says), "ACPI OEM id \"%s\": %s", oem, by_acpi);
		ev_add(l, ev, oem_source, says, CONFIDENCE_HIGH);
	}
	if (dmi) {
		snprintf(says, sizeof(says), "DMI vendor \"%s\"%s%s%s", dmi, product ? ", product \""
			 : "", product ? product : "", product ? "\"" : "");
		ev_add(l, ev, "/sys/class/dmi/id", says, by_dmi ? CONFIDENCE_HIGH : CONFIDENCE_LOW);
	} else if (report_cap(r, CAP_FW_DMI_SYS_VENDOR)) {
		ev_add(l, ev, "/sys/class/dmi/id", "no DMI tables (Firecracker provides none)", CONFIDENCE_LOW);
	}
	if (by_bios) {
		snprintf(says, sizeof(says), "BIOS vendor \"%s\": Bochs's own BIOS", bios);
		ev_add(l, ev, "/sys/class/dmi/id/bios_vendor", says, CONFIDENCE_HIGH);
	}
	if (by_dt)
		ev_add(l, ev, "/proc/device-tree/compatible", "\"linux,dummy-virt\": QEMU's virt "
		       "machine", CONFIDENCE_HIGH);
	if (by_acpi && by_dmi && strcmp(by_acpi, by_dmi)) {
		snprintf(says, sizeof(says), "ACPI names the VMM %s, DMI %s", by_acpi, by_dmi);
		disagreement(l, says);
	}
	if (l->hypervisor && strcmp(l->hypervisor, vmm) && !strstr(l->hypervisor, vmm)) {
		snprintf(says, sizeof(says), "%s names the hypervisor %s while %s names the VMM %s: "
			 "%s is the program that drives %s to make this virtual machine",
			 l->pvm_guest ? "the kernel log" : "CPUID", l->hypervisor,
			 by_acpi ? "ACPI" : "DMI", vmm, vmm, l->hypervisor);
		disagreement(l, says);
	}
}

/* text with runs of blanks as one space and none at either end, into out */
static void squeeze(const char *text, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = text; *p && n + 1 < len; p++)
		if ((*p != ' ' && *p != '\t') || (n && out[n - 1] != ' '))
			out[n++] = *p == '\t' ? ' ' : *p;
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/*
 * The kernel reads the CPU's brand string once, at boot, into /proc/cpuinfo's "model name";
 * CPUID answers this program now. Two names mean the kernel was told another: under PVM the
 * guest kernel's CPUID is answered from its VMM's table (Firecracker names every AMD CPU "AMD
 * EPYC") while a program's reaches the hypervisor beneath; elsewhere the virtual machine was
 * moved or restored onto another host's CPU since it booted, and what the kernel decided about
 * the CPU (VT-x/AMD-V among it) was decided on one it no longer has. Not with --cpuid-dump:
 * that is another CPU on purpose.
 */
static void env_cpu_names(struct probe_ctx *ctx, const struct report *r, struct layers *l)
{
	const char *brand = report_cap_string(r, CAP_CPU_BRAND);
	char booted[128], now[128], kernel[128], says[768];

	if (ctx->cpuid_dump || !brand || cpuinfo_get(ctx, "model name", booted, sizeof(booted)))
		return;
	squeeze(brand, now, sizeof(now));
	squeeze(booted, kernel, sizeof(kernel));
	if (!now[0] || !kernel[0] || !strcmp(now, kernel))
		return;
	snprintf(says, sizeof(says), "CPUID names the CPU \"%s\" to this program, the kernel's "
		 "/proc/cpuinfo \"%s\": %s", now, kernel, l->pvm_guest ? "this PVM guest kernel's "
		 "CPUID is answered from its VMM's table, a program's by the hypervisor beneath, so "
		 "the CPU findings here are that hypervisor's view and the kernel's flags are in "
		 "/proc/cpuinfo" : "the kernel was told another CPU at boot: this virtual machine "
		 "was moved or restored onto another host's CPU since (live migration, a snapshot), "
		 "or its hypervisor answers the kernel and programs differently");
	disagreement(l, says);
}

static void env_kernel(struct probe_ctx *ctx, const struct report *r, struct layers *l)
{
	const char *mod = report_cap_string(r, CAP_KERNEL_KVM_MODULE);
	char name[160], says[320];

	const char *xen_type = report_cap_string(r, CAP_ENV_XEN_GUEST_TYPE);
	char xen[48] = "";

	if (report_cap_flag(r, CAP_ENV_XEN_DOM0) == 1)
		snprintf(xen, sizeof(xen), ", Xen's dom0%s%s%s", xen_type ? " (" : "",
			 xen_type ? xen_type : "", xen_type ? ")" : "");
	else if (xen_type && strcmp(xen_type, "none"))
		snprintf(xen, sizeof(xen), ", a Xen %s guest", xen_type);
	snprintf(name, sizeof(name), "Linux %s%s%s%s%s", r->kernel_release ? r->kernel_release : "",
		 mod && strcmp(mod, "none") ? ", itself a KVM host" : "",
		 mod && !strcmp(mod, "kvm_pvm") ? " (PVM)" : "",
		 l->pvm_guest ? ", a PVM guest" : "", xen);

	struct evidence_list *ev = layer_add(l, "kernel", name);

	if (mod && strcmp(mod, "none")) {
		snprintf(says, sizeof(says), "%s is loaded", mod);
		ev_add(l, ev, "/sys/module", says, CONFIDENCE_HIGH);
	}

	const char *pvm = facts_get(&ctx->facts, "klog.kvm_pvm");

	if (pvm) {
		snprintf(says, sizeof(says), "kvm-pvm: %s", pvm);
		ev_add(l, ev, "kernel log", says, CONFIDENCE_HIGH);
		if (l->hypervisor && mod && !strcmp(mod, "kvm_pvm")) {
			snprintf(says, sizeof(says), "this kernel runs on %s and is itself a PVM "
				 "hypervisor: a third layer that neither CPUID nor ACPI shows",
				 l->hypervisor);
			disagreement(l, says);
		}
	}

	const char *status = facts_get(&ctx->facts, "klog.status");
	double oldest;

	if (status && strcmp(status, "ok"))
		ev_add(l, ev, "kernel log", "not readable by this user (dmesg_restrict): run as root "
		       "for the kernel's own view", CONFIDENCE_LOW);
	else if (probe_klog_lost_boot(ctx, &oldest)) {
		snprintf(says, sizeof(says), "no longer holds the boot's lines (its oldest is from "
			 "%.0f s after boot, the rest overwritten): what only they say (the "
			 "hypervisor the kernel detected, whether it is a PVM guest) is not known",
			 oldest);
		ev_add(l, ev, "kernel log", says, CONFIDENCE_LOW);
	}
}

/* The CI system running this job, from its environment variables: recorded live (a snapshot
 * keeps it as a fact), read back on a captured root. The variables' values are not kept. */
static void env_ci(struct probe_ctx *ctx, struct report *r, struct layers *l)
{
	const char *name = NULL;

	if (ctx->live) {
		for (size_t i = 0; i < sizeof(ci_systems) / sizeof(ci_systems[0]) && !name; i++) {
			const char *v = getenv(ci_systems[i].var);

			if (v && (ci_systems[i].value ? !strcmp(v, ci_systems[i].value) : *v != '\0'))
				name = ci_systems[i].name;
		}
		facts_set(&ctx->facts, "ci.name", "%s", name ? name : "none");
	}

	const char *fact = facts_get(&ctx->facts, "ci.name");

	name = NULL;	/* only a name of the table: a captured root's fact is anyone's text */
	for (size_t i = 0; fact && i < sizeof(ci_systems) / sizeof(ci_systems[0]); i++)
		if (!strcmp(fact, ci_systems[i].name))
			name = ci_systems[i].name;
	if (name) {
		l->ci = name;
		l->err |= report_cap_str(r, CAP_ENV_CI, name, "environment variables", "this runs "
					 "as a job of %s: a group membership added now does not "
					 "apply to it", name);
	} else if (fact && !strcmp(fact, "none")) {
		l->err |= report_cap_bool(r, CAP_ENV_CI, false, "environment variables",
					  "no CI system's variables");
	} else {
		l->err |= report_cap_unknown(r, CAP_ENV_CI, "environment variables", "%s",
					     fact ? "not a CI system virtcap knows" :
					     "not recorded in this capture");
	}
}

static void env_container(const struct report *r, struct layers *l)
{
	if (report_cap_flag(r, CAP_OS_CONTAINER) != 1)
		return;

	const char *kind = report_cap_string(r, CAP_OS_CONTAINER_KIND);
	struct evidence_list *ev = layer_add(l, "container", kind ? kind : "container");

	ev_add(l, ev, CAP_OS_CONTAINER, "see container_evidence", CONFIDENCE_HIGH);
}

/* A container without /dev/kvm: the host's device is handed in by whatever starts it */
static int dev_kvm_absent_fix(struct report *r, const struct layers *l, const char *kind)
{
	if (kind && !strcmp(kind, "kubernetes"))
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "the pod has no /dev/kvm: request it "
				      "from a device plugin; with KubeVirt installed, resources: "
				      "limits: devices.kubevirt.io/kvm: \"1\" in the container's spec "
				      "(KubeVirt's virt-handler offers it on each node with KVM); a "
				      "privileged pod with a hostPath volume for /dev/kvm works too, "
				      "but hands the pod the whole node");
	if (l->ci && !strcmp(l->ci, "GitLab CI"))
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "in the runner's config.toml, under "
				      "[runners.docker]: devices = [\"/dev/kvm\"] and group_add = "
				      "[\"GID\"] (the gid of /dev/kvm on the host), then restart the "
				      "runner");
	bool podman = kind && !strcmp(kind, "podman");

	return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "give the container the device: %s run "
			      "--device /dev/kvm --group-add GID (the gid of /dev/kvm on the "
			      "host)%s", podman ? "podman" : kind && !strcmp(kind, "docker")
			      ? "docker" : "docker/podman", podman ? "; rootless Podman: "
			      "--group-add keep-groups instead, with the user in /dev/kvm's group "
			      "on the host (crun keeps it)" : "");
}

/* A node that lasts as devtmpfs makes it at each boot, in a group whose members can open it */
#define KVM_GROUP_UDEV_RULE "sudo groupadd -f --system kvm && echo 'KERNEL==\"kvm\", " \
	"GROUP=\"kvm\", MODE=\"0660\"' | sudo tee /etc/udev/rules.d/65-kvm.rules && sudo udevadm " \
	"control --reload-rules && sudo udevadm trigger --name-match=kvm"

/*
 * /dev/kvm there but closed to this user: "join the group and log in again" is no answer in a
 * CI job (it never logs in again) or in a container (its groups are set when it starts).
 */
static int dev_kvm_fix(struct probe_ctx *ctx, struct report *r, const struct layers *l)
{
	const char *dev = report_cap_string(r, CAP_KERNEL_DEV_KVM);
	const char *group = report_cap_string(r, CAP_KERNEL_DEV_KVM_GROUP);
	const char *kind = report_cap_string(r, CAP_OS_CONTAINER_KIND);
	unsigned long long gid;
	bool container = report_cap_flag(r, CAP_OS_CONTAINER) == 1;

	if (container && dev && !strcmp(dev, "absent"))
		return dev_kvm_absent_fix(r, l, kind);
	if (!dev || strcmp(dev, "no-access") || !group ||
	    !facts_get_u64(&ctx->facts, "kvm.stat.gid", &gid))
		return 0;
	if (l->ci && !strcmp(l->ci, "GitHub Actions"))
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "in a step before the one that needs "
				      "KVM: echo 'KERNEL==\"kvm\", GROUP=\"kvm\", MODE=\"0666\", "
				      "OPTIONS+=\"static_node=kvm\"' | sudo tee "
				      "/etc/udev/rules.d/99-kvm4all.rules && sudo udevadm control "
				      "--reload-rules && sudo udevadm trigger --name-match=kvm (the job "
				      "never logs in again, so joining a group would not apply)");
	/* where the group cannot open it (0600, or root's group), joining it is no fix: the node
	 * goes to group kvm first, on the machine that makes it (the host of a container) */
	bool grants = probe_kvm_group_grants(ctx, &gid);
	const char *first = grants ? "" : "first give /dev/kvm to group kvm, whose members it "
		"then opens for (today its group can do nothing with it): " KVM_GROUP_UDEV_RULE
		"; then ";
	char gid_text[32];

	if (grants) {
		snprintf(gid_text, sizeof(gid_text), "%llu", gid);
	} else {
		snprintf(gid_text, sizeof(gid_text), "GID");
		group = "kvm";
	}
	if (container && l->ci && !strcmp(l->ci, "GitLab CI"))
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "%s%s the runner's config.toml, under "
				      "[runners.docker]: devices = [\"/dev/kvm\"] and group_add = "
				      "[\"%s\"] (the gid of /dev/kvm, group %s%s), then restart the "
				      "runner", grants ? "" : "on the runner's host, ", grants ? "in"
				      : first, gid_text, group, grants ? "" : ": getent group kvm");
	if (container && kind && !strcmp(kind, "kubernetes"))
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "%s%s the pod's spec: securityContext: "
				      "supplementalGroups: [%s] (the gid of /dev/kvm on the node, "
				      "group %s%s)", grants ? "" : "on the node, ", grants ? "in" : first,
				      gid_text, group, grants ? "" : ": getent group kvm");
	if (container)
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "%s%s the container with the device "
				      "and its group: docker/podman run --device /dev/kvm --group-add "
				      "%s (rootless Podman: --group-add keep-groups, the user in group "
				      "%s on the host)", grants ? "" : "on the host, ",
				      grants ? "start" : first, gid_text, group);
	if (l->ci)
		return report_cap_fix(r, CAP_KERNEL_DEV_KVM, "%sa job never logs in again: run the "
				      "step in the group, sudo usermod -aG %s \"$USER\" && sg %s -c "
				      "'COMMAND'; for every job, add the runner's user to %s and restart "
				      "the runner service", first, group, group, group);
	return 0;
}

/*
 * Fixes that depend on where this host is, once the layers say it is a VM: an IOMMU is its
 * VMM's to give, not the firmware setup's; and without VT-x/AMD-V, the fix the CPU probe gave
 * from the CPUID signature ("nested=1 on the KVM host") is replaced by its VMM's, and where this
 * kernel offers PVM, that is said, since it runs 64-bit Linux guests without VT-x/AMD-V here.
 */
static int env_context_fixes(struct probe_ctx *ctx, struct report *r, const struct layers *l)
{
	const char *mod = report_cap_string(r, CAP_KERNEL_KVM_MODULE);
	const char *pvm = mod && !strcmp(mod, "kvm_pvm") ? "; here this kernel offers PVM "
		"(kvm_pvm): 64-bit Linux guest kernels built for PVM run without VT-x/AMD-V" : "";
	int rc = 0;

	if (l->vmm || l->hypervisor) {	/* a VM: its IOMMU is its VMM's to give */
		const char *fix = l->vmm && !strcmp(l->vmm, "Firecracker") ? VM_IOMMU_FIRECRACKER
			: report_host_is_arm(r) ? VM_IOMMU_ARM64 : VM_IOMMU_GENERIC;

		if (report_cap_flag(r, CAP_FW_IOMMU) == 0)
			rc |= report_cap_fix(r, CAP_FW_IOMMU, "%s", fix);
		if (report_cap_flag(r, CAP_KERNEL_IOMMU_ENABLED) == 0)
			rc |= report_cap_fix(r, CAP_KERNEL_IOMMU_ENABLED, "%s", fix);
	}
	rc |= dev_kvm_fix(ctx, r, l);

	/* a Xen domain's fixes are Xen's (probe/xen.c), whatever program made its machine */
	const char *xen_type = report_cap_string(r, CAP_ENV_XEN_GUEST_TYPE);

	if (!l->vmm || report_cap_flag(r, CAP_CPU_VMX) != 0 || report_cap_flag(r, CAP_CPU_SVM) != 0 ||
	    report_cap_flag(r, CAP_ENV_XEN_DOM0) == 1 || (xen_type && strcmp(xen_type, "none")))
		return rc;
	for (size_t i = 0; i < sizeof(vmm_nested) / sizeof(vmm_nested[0]); i++) {
		if (strcmp(vmm_nested[i].vmm, l->vmm))
			continue;
		rc |= report_cap_fix(r, CAP_CPU_VMX, "%s%s", vmm_nested[i].fix, pvm);
		rc |= report_cap_fix(r, CAP_CPU_SVM, "%s%s", vmm_nested[i].fix, pvm);
	}
	return rc;
}

int probe_environment(struct probe_ctx *ctx, struct report *r)
{
	struct layers l = { .r = r };
	int rc = 0;

	r->env_known = true;
	env_hypervisor(ctx, r, &l);
	env_vmm(ctx, r, &l);
	env_kernel(ctx, r, &l);
	if (l.hypervisor || l.vmm)
		env_cpu_names(ctx, r, &l);
	env_container(r, &l);
	env_ci(ctx, r, &l);
	if (l.err)
		return l.err;

	bool guest = l.hypervisor || l.vmm;
	size_t nlayers = r->nenv_layers;
	rc |= report_cap_bool(r, CAP_ENV_IS_GUEST, guest, "environment layers", "%s",
			      guest ? "this host is a virtual machine" : "no sign of a hypervisor");
	if (l.hypervisor)
		rc |= report_cap_str(r, CAP_ENV_HYPERVISOR, l.hypervisor, "environment layers", NULL);
	else
		rc |= report_cap_unknown(r, CAP_ENV_HYPERVISOR, "environment layers", "%s",
					 guest ? "a VMM without a named hypervisor" : "not a guest");
	if (l.vmm)
		rc |= report_cap_str(r, CAP_ENV_VMM, l.vmm, "ACPI OEM id, DMI", NULL);
	else
		rc |= report_cap_unknown(r, CAP_ENV_VMM, "ACPI OEM id, DMI", "no VMM named");
	rc |= report_cap_int(r, CAP_ENV_LAYERS, (long long)nlayers, "environment layers", NULL);
	rc |= env_context_fixes(ctx, r, &l);
	return rc ? -ENOMEM : 0;
}
