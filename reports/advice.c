// SPDX-License-Identifier: MIT
/*
 * The guests `virtcap advise` knows, their chains of requirements and their alternatives, and
 * how a chain is judged on a report (reports/advice.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "reports/advice.h"
#include "reports/caps.h"
#include "reports/requirements.h"

#define LAYER_STEP(l, s) { ADVICE_LAYER, l, s, NULL }
#define ROW_STEP(k, s) { ADVICE_ROW, k, s, NULL }
#define CAP_STEP(id, s) { ADVICE_CAP, 0, s, id }
/* what every 64-bit OS needs before its own vCPUs and disk (os64, windows11, windows10) */
#define OS64_CHAIN									\
	HW_CHAIN(" and long mode", ", in a 64-bit kernel"),				\
	ROW_STEP(GUEST_LONG64, "a 64-bit test guest runs in long mode"),		\
	ROW_STEP(GUEST_BOOT, "a guest goes itself from real mode to long mode, as an OS "	\
			     "loader does, and handles exceptions through its own IDT"),	\
	ROW_STEP(GUEST_IRQ, "interrupts reach the guest")
#define HW_CHAIN(extra_cpu, extra_kernel)						\
	LAYER_STEP(LAYER_CPU, "the CPU has VT-x or AMD-V" extra_cpu),			\
	LAYER_STEP(LAYER_FIRMWARE, "the firmware (BIOS/UEFI) leaves it enabled"),	\
	LAYER_STEP(LAYER_KERNEL, "the kernel has a KVM module loaded" extra_kernel),	\
	LAYER_STEP(LAYER_KVM_ACCESS, "this user can open /dev/kvm and create a VM")

const char advice_emulation[] = "emulation: QEMU without KVM (qemu-system-x86_64 -accel tcg) runs "
	"any x86 guest on any host, slower: each guest instruction is translated";
const char advice_pvm[] = "paravirtualization: where the host kernel offers PVM (kvm_pvm), a 64-bit "
	"Linux guest kernel built for PVM runs without VT-x/AMD-V at near-native speed";

const struct guest_advice advice_table[] = {
	{ "dos", "a 16-bit real-mode guest (DOS, old boot loaders)", GUEST_REAL16,
	  { HW_CHAIN("", ""), ROW_STEP(GUEST_REAL16, "a real-mode test guest runs"),
	    ROW_STEP(GUEST_PIO, "port I/O reaches an emulated device") },
	  { advice_emulation,
	    "emulation made for it: DOSBox (apt install dosbox) runs DOS programs without "
		 "any hardware virtualization, fast enough for DOS-era software" } },
	{ "os32", "a 32-bit operating system", GUEST_PAE32,
	  { HW_CHAIN("", ""), ROW_STEP(GUEST_PROT32, "a 32-bit protected-mode test guest runs"),
	    ROW_STEP(GUEST_PAE32, "PAE paging works (every current 32-bit OS uses it)"),
	    ROW_STEP(GUEST_IRQ, "interrupts reach the guest"),
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once") },
	  { advice_emulation, "OS-level virtualization, when the workload is 32-bit Linux programs: a "
		 "container of an i386 distribution on a 64-bit kernel (see 'advise container')" } },
	{ "os64", "a 64-bit operating system (Linux, Windows, BSD)", GUEST_LONG64,
	  { OS64_CHAIN,
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk") },
	  { advice_emulation,
	    advice_pvm,
	    "OS-level virtualization, when the workload is Linux programs: a container (see "
	    "'advise container')" } },
	{ "hypervisor", "a guest that runs its own guests (a hypervisor, WSL2-style, nested KVM)",
	  GUEST_NESTED,
	  { HW_CHAIN(" (the guest's hypervisor needs it too)", ", with nested=1"),
	    ROW_STEP(GUEST_LONG64, "a 64-bit guest runs"),
	    ROW_STEP(GUEST_NESTED, "a guest turns VT-x/AMD-V on and runs its own guest") },
	  { "emulation: QEMU without KVM emulates AMD-V (-cpu EPYC,+svm,+npt) and Bochs emulates "
	    "VT-x with EPT, so a hypervisor can run inside either on any host, very slowly "
	    "(virtcap lab uses both to run real KVM)",
	    "move the workload to a host whose hypervisor exposes VT-x/AMD-V to its guests, or to "
	    "bare metal" } },
	{ "windows11", "Windows 11 (or Server 2025): a 64-bit OS that also wants UEFI with "
	  "Secure Boot, a TPM 2.0 and an x86-64-v2 CPU", GUEST_LONG64,
	  { OS64_CHAIN,
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once (it wants 2)"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk"),
	    CAP_STEP(CAP_CPU_X86_64_V2, "the CPU is x86-64-v2 (SSE4.2, POPCNT), and the guest's "
				       "CPU model passes it on (-cpu host; QEMU's qemu64 does not)"),
	    CAP_STEP(CAP_TOOLS_OVMF_SECBOOT, "UEFI firmware with Secure Boot for the guest (OVMF "
					    "*.secboot.fd, with its Microsoft-keyed VARS)"),
	    CAP_STEP(CAP_TOOLS_SWTPM, "a TPM 2.0 for the guest (swtpm; libvirt: <tpm "
				     "model='tpm-crb'><backend type='emulator' version='2.0'/>)") },
	  { advice_emulation,
	    "Windows 10 (see 'advise windows10') needs neither TPM nor Secure Boot" } },
	{ "windows10", "Windows 10 or Server 2016-2022: a 64-bit OS (UEFI or BIOS, no TPM "
	  "needed)", GUEST_LONG64,
	  { OS64_CHAIN,
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk") },
	  { advice_emulation } },
	{ "gpu", "a guest that owns a PCI device such as a GPU (VFIO passthrough)",
	  GUEST_LONG64,
	  { HW_CHAIN(" and long mode", ""), ROW_STEP(GUEST_LONG64, "a 64-bit guest runs"),
	    ROW_STEP(GUEST_PASSTHROUGH, "an IOMMU is on and VFIO can take the device") },
	  { "paravirtualization: virtio-gpu with virgl or venus (QEMU -device virtio-gpu-gl) gives "
	    "a guest accelerated 3D through the host's driver, without an IOMMU",
	    "OS-level virtualization: a container given the device (docker run --device "
	    "/dev/dri, or the NVIDIA container toolkit) uses the GPU at native speed",
	    "there is no emulation of a physical GPU" } },
	{ "container", "a container (namespaces and cgroups, no VM)", GUEST_CONTAINER,
	  { ROW_STEP(GUEST_CONTAINER, "this process can create namespaces and cgroups are "
				      "mounted") },
	  { "a virtual machine, when the probe shows one can run (see 'advise os64'), holding the "
	    "containers" } },
};

const size_t advice_count = sizeof(advice_table) / sizeof(advice_table[0]);

/* The names people type for a guest, each to the advice that answers it */
static const struct {
	const char *name, *id;
} advice_aliases[] = {
	{ "linux", "os64" }, { "bsd", "os64" }, { "64bit", "os64" }, { "64-bit", "os64" },
	{ "x86_64", "os64" }, { "amd64", "os64" }, { "32bit", "os32" }, { "32-bit", "os32" },
	{ "i386", "os32" }, { "freedos", "dos" }, { "windows", "windows11" }, { "win11", "windows11" },
	{ "win10", "windows10" }, { "nested", "hypervisor" }, { "wsl2", "hypervisor" },
	{ "docker", "container" }, { "podman", "container" }, { "passthrough", "gpu" },
	{ "vfio", "gpu" },
};

const struct guest_advice *advice_find(const char *id)
{
	for (size_t i = 0; i < sizeof(advice_aliases) / sizeof(advice_aliases[0]); i++)
		if (!strcasecmp(advice_aliases[i].name, id))
			id = advice_aliases[i].id;
	for (size_t i = 0; i < advice_count; i++)
		if (!strcasecmp(advice_table[i].id, id))
			return &advice_table[i];
	return NULL;
}

size_t advice_names(const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < advice_count && n < max; i++)
		names[n++] = advice_table[i].id;
	for (size_t i = 0; i < sizeof(advice_aliases) / sizeof(advice_aliases[0]) && n < max; i++)
		names[n++] = advice_aliases[i].name;
	return n;
}

/* Add row k's proof to the comma-separated list in buf, once; the rows without a test guest
 * (passthrough, container) have none */
static void add_proof(enum guest_kind k, char *buf, size_t len)
{
	const char *id = guest_kind_id(k);
	size_t n = strlen(id), used = strlen(buf);

	if (k == GUEST_PASSTHROUGH || k == GUEST_CONTAINER)
		return;
	for (const char *q = buf; *q; q += strcspn(q, ","), q += *q == ',')
		if (strcspn(q, ",") == n && !strncmp(q, id, n))
			return;
	snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "," : "", id);
}

const char *advice_proofs(const struct guest_advice *a, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ADVICE_STEPS_MAX && a->steps[i].says; i++)
		if (a->steps[i].kind != ADVICE_CAP)
			add_proof(a->steps[i].kind == ADVICE_ROW ? (enum guest_kind)a->steps[i].which
							       : a->main, buf, len);
	return buf[0] ? buf : NULL;
}

const char *advice_required_proofs(const char *requires, char *buf, size_t len)
{
	char chain[256];

	buf[0] = '\0';
	for (const char *q = requires; *q; q += strcspn(q, ","), q += *q == ',') {
		char id[32];
		int k;

		snprintf(id, sizeof(id), "%.*s", (int)strcspn(q, ","), q);
		if ((k = guest_kind_from_id(id)) < 0)
			continue;	/* kvm, sev-snp, tdx: judged on the probe alone */
		if (!advice_for_row((enum guest_kind)k)) {
			add_proof((enum guest_kind)k, buf, len);
			continue;
		}
		/* an operating system's row is its chain: the proofs of every row it needs */
		advice_proofs(advice_for_row((enum guest_kind)k), chain, sizeof(chain));
		for (const char *c = chain; *c; c += strcspn(c, ","), c += *c == ',') {
			snprintf(id, sizeof(id), "%.*s", (int)strcspn(c, ","), c);
			add_proof((enum guest_kind)guest_kind_from_id(id), buf, len);
		}
	}
	return buf[0] ? buf : NULL;
}

const struct guest_advice *advice_for_row(enum guest_kind k)
{
	return guest_kind_is_os(k) ? advice_find(guest_kind_id(k)) : NULL;
}

/* probe: the rows as the probe alone judged them, before any proof */
static enum layer_state step_state(const struct report *r, const struct guest_advice *a,
				   const struct advice_step *s, bool probe)
{
	if (s->kind == ADVICE_LAYER)
		return report_layer_state(r, a->main, (enum layer)s->which);
	if (s->kind == ADVICE_CAP) {
		const struct cap *c = report_cap(r, s->cap);

		return !c || c->kind == CAP_UNKNOWN ? LAYER_UNKNOWN
		       : c->kind == CAP_BOOL ? (c->b ? LAYER_OK : LAYER_FAIL)
		       : c->kind == CAP_STRING && !strcmp(c->s, "none") ? LAYER_FAIL : LAYER_OK;
	}

	enum verdict v = probe ? r->matrix[s->which].probe_verdict : r->matrix[s->which].verdict;

	return v == VERDICT_YES ? LAYER_OK : v == VERDICT_NO ? LAYER_FAIL : LAYER_UNKNOWN;
}

/* The row that explains step i: its own, or for a layer the main row's, since the matrix names
 * the first failing layer of the same chain */
static const struct matrix_row *step_row(const struct report *r, const struct guest_advice *a,
					 int i)
{
	return &r->matrix[a->steps[i].kind == ADVICE_ROW ? a->steps[i].which : (int)a->main];
}

/*
 * Step i's words on r. Under PVM the CPU step holds on the CPU's long mode or PAE alone (the
 * layer judges no VT-x/AMD-V there: reports/layers.c), so it must not claim VT-x/AMD-V.
 */
static const char *step_says(const struct report *r, const struct guest_advice *a, int i)
{
	const struct advice_step *s = &a->steps[i];

	if (s->kind != ADVICE_LAYER || s->which != LAYER_CPU || a->main == GUEST_NESTED ||
	    !report_kvm_pvm(r))
		return s->says;
	if (a->main == GUEST_LONG64)
		return "the CPU has long mode (this KVM is PVM, which needs no VT-x/AMD-V)";
	if (a->main == GUEST_PAE32)
		return "the CPU has PAE (this KVM is PVM, which needs no VT-x/AMD-V)";
	return "no VT-x/AMD-V needed: this KVM is PVM";
}

static void judge(const struct report *r, const struct guest_advice *a,
		  struct advice_judgement *j, bool probe)
{
	int first_bad = -1, first_unknown = -1;

	memset(j, 0, sizeof(*j));
	for (int i = 0; i < ADVICE_STEPS_MAX && a->steps[i].says; i++) {
		j->shown[i] = step_state(r, a, &a->steps[i], probe);
		j->says[i] = step_says(r, a, i);
		j->nsteps++;
		if (first_bad < 0 && j->shown[i] == LAYER_FAIL)
			first_bad = i;
		else if (first_unknown < 0 && j->shown[i] == LAYER_UNKNOWN)
			first_unknown = i;
	}
	j->verdict = first_bad >= 0 ? VERDICT_NO : first_unknown >= 0 ? VERDICT_UNKNOWN
		     : VERDICT_YES;
	j->decisive = first_bad >= 0 ? first_bad : first_unknown;
	if (j->decisive < 0)
		return;

	if (a->steps[j->decisive].kind == ADVICE_CAP) {	/* the capability says why and how */
		const struct cap *c = report_cap(r, a->steps[j->decisive].cap);

		j->reason = c && c->detail ? c->detail : "not known";
		j->fix = c ? c->fix : NULL;
		return;
	}

	const struct matrix_row *d = step_row(r, a, j->decisive);

	j->reason = d->reason;
	j->fix = d->fix;
	for (int i = j->decisive + 1; i < j->nsteps; i++) {
		const char *mine = r->matrix[a->steps[i].which].blocked_by;

		/* a capability; "proof" is each row's own test guest, shared by none */
		if (j->shown[i] != LAYER_OK && a->steps[i].kind == ADVICE_ROW && mine &&
		    d->blocked_by && !strcmp(mine, d->blocked_by) && strcmp(mine, "proof"))
			j->shown[i] = LAYER_NOT_RUN;
	}
}

void advice_judge(const struct report *r, const struct guest_advice *a,
		  struct advice_judgement *j)
{
	judge(r, a, j, false);
}

/* 'it fails at "X": why' for a no, alike for an unknown, or what holds for a yes */
static void row_reason(const struct report *r, const struct guest_advice *a,
		       const struct advice_judgement *j, char *buf, size_t len)
{
	size_t used;

	if (j->decisive >= 0) {
		snprintf(buf, len, "%s at \"%s\": %s", j->verdict == VERDICT_NO ? "it fails"
			 : "it is unknown", j->says[j->decisive],
			 j->reason ? j->reason : "no reason recorded");
		return;
	}
	used = (size_t)snprintf(buf, len, "everything it needs holds:");
	for (int i = 0; i < j->nsteps; i++)
		if (a->steps[i].kind == ADVICE_ROW && used < len)
			used += (size_t)snprintf(buf + used, len - used, " %s",
						 guest_kind_id((enum guest_kind)a->steps[i].which));
}

int advice_rows_derive(struct report *r)
{
	for (int k = GUEST_DOS; k < GUEST_KIND_COUNT; k++) {
		const struct guest_advice *a = advice_for_row((enum guest_kind)k);
		struct advice_judgement j, probe;
		char reason[1024];
		const char *blocked_by = NULL;

		if (!a)
			continue;
		judge(r, a, &j, false);
		judge(r, a, &probe, true);
		if (j.decisive >= 0) {
			/* the capability that decides, or where a proof decided, the row it proved */
			const struct advice_step *st = &a->steps[j.decisive];
			enum guest_kind row = st->kind == ADVICE_ROW ? (enum guest_kind)st->which
								     : a->main;
			const char *by = r->matrix[row].blocked_by;

			blocked_by = by && strcmp(by, "proof") ? by : guest_kind_id(row);
		}
		row_reason(r, a, &j, reason, sizeof(reason));
		if (report_matrix_set(r, (enum guest_kind)k, j.verdict, blocked_by, reason, j.fix))
			return -ENOMEM;
		r->matrix[k].probe_verdict = probe.verdict;
		/* a proof behind one of its rows contradicted the probe, and so the answer */
		r->matrix[k].disagreement = probe.verdict != VERDICT_UNKNOWN &&
					    j.verdict != VERDICT_UNKNOWN && probe.verdict != j.verdict;
	}
	return 0;
}
