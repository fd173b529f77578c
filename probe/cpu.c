// SPDX-License-Identifier: MIT
/*
 * The CPU as CPUID describes it: identity, the paging modes guests need (long mode, PAE, NX,
 * PSE), hardware virtualization (Intel VMX, AMD SVM and SVM's leaf 0x8000000A features), and
 * the hypervisor leaves when we are ourselves a guest.
 *
 * The bits are decoded here from the captured raw data (cpuid_raw.h applies the validity rules
 * of the SDM and the APM). libcpuid, chosen for the raw dump format and its CPU database, is
 * asked only for the codename, and only on dumps it can take without crashing.
 *
 * CPUID is where firmware cannot hide VT-x: a firmware that disables VMX locks
 * IA32_FEATURE_CONTROL, but CPUID.1:ECX[5] still reads 1 (the kernel then hides the "vmx" flag in
 * /proc/cpuinfo; probe/firmware.c tells the two apart). A hypervisor, on the other hand, decides
 * what CPUID its guest sees, so a guest without VMX/SVM in CPUID has an outer host to fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libcpuid/libcpuid.h>

#include "probe/probe.h"
#include "probe/root.h"

#define CPUID_DUMP_MAX (4u << 20)	/* a real dump is about 6 KiB; refuse anything huge */
#define CPUID_RAW_PATH "/.virtcap/cpuid.raw"
#define LEAF_HV 0x40000000u

/* Feature bits as data. Leaves: Intel SDM vol. 2A "CPUID"; AMD APM vol. 3 appendix E. */
static const struct cpu_flag {
	const char *id;
	struct cpuid_bit bit;
	const char *meaning;
} cpu_flags[] = {
	{ "cpu.lm", { 0x80000001, 0, CPUID_EDX, 29 }, "long mode: 64-bit capable" },
	{ "cpu.pae", { 0x00000001, 0, CPUID_EDX, 6 }, "physical address extension" },
	{ "cpu.nx", { 0x80000001, 0, CPUID_EDX, 20 }, "no-execute pages (AMD NX / Intel XD)" },
	{ "cpu.pse", { 0x00000001, 0, CPUID_EDX, 3 }, "4 MiB pages in 32-bit paging" },
	{ "cpu.pse36", { 0x00000001, 0, CPUID_EDX, 17 }, "36-bit addresses with 4 MiB pages" },
	{ "cpu.vmx", { 0x00000001, 0, CPUID_ECX, 5 }, "Intel VT-x (VMX)" },
	{ "cpu.smx", { 0x00000001, 0, CPUID_ECX, 6 }, "Intel TXT safer mode (SMX)" },
	{ "cpu.svm", { 0x80000001, 0, CPUID_ECX, 2 }, "AMD-V (SVM)" },
	{ "cpu.hypervisor", { 0x00000001, 0, CPUID_ECX, 31 }, "running under a hypervisor" },
};

/* CPUID Fn8000_000A EDX: what SVM offers a hypervisor (APM vol. 3, E.4.9). */
static const struct cpu_flag svm_flags[] = {
	{ "cpu.npt", { 0x8000000A, 0, CPUID_EDX, 0 }, "nested page tables (AMD's second-level paging)" },
	{ "cpu.lbrv", { 0x8000000A, 0, CPUID_EDX, 1 }, "LBR virtualization" },
	{ "cpu.svm_lock", { 0x8000000A, 0, CPUID_EDX, 2 }, "SVM lock (VM_CR.LOCK)" },
	{ "cpu.nrip_save", { 0x8000000A, 0, CPUID_EDX, 3 }, "next RIP saved on #VMEXIT" },
	{ "cpu.tsc_rate_msr", { 0x8000000A, 0, CPUID_EDX, 4 }, "TSC ratio MSR" },
	{ "cpu.vmcb_clean", { 0x8000000A, 0, CPUID_EDX, 5 }, "VMCB clean bits" },
	{ "cpu.flush_by_asid", { 0x8000000A, 0, CPUID_EDX, 6 }, "TLB flush by ASID" },
	{ "cpu.decode_assists", { 0x8000000A, 0, CPUID_EDX, 7 }, "decode assists" },
	{ "cpu.pause_filter", { 0x8000000A, 0, CPUID_EDX, 10 }, "PAUSE intercept filter" },
	{ "cpu.pause_filter_threshold", { 0x8000000A, 0, CPUID_EDX, 12 }, "PAUSE filter threshold" },
	{ "cpu.avic", { 0x8000000A, 0, CPUID_EDX, 13 }, "AMD virtual interrupt controller" },
	{ "cpu.vmsave_virt", { 0x8000000A, 0, CPUID_EDX, 15 }, "virtualized VMLOAD/VMSAVE" },
	{ "cpu.vgif", { 0x8000000A, 0, CPUID_EDX, 16 }, "virtual global interrupt flag" },
	{ "cpu.gmet", { 0x8000000A, 0, CPUID_EDX, 17 }, "guest mode execute trap" },
	{ "cpu.x2avic", { 0x8000000A, 0, CPUID_EDX, 18 }, "AVIC in x2APIC mode" },
};

/* CPUID 0x40000000 signatures (EBX, ECX, EDX) of the hypervisors seen in the field. */
static const struct {
	const char *signature;
	const char *name;
} hypervisors[] = {
	{ "KVMKVMKVM", "KVM" },
	{ "Linux KVM Hv", "KVM (with Hyper-V enlightenments)" },
	{ "Microsoft Hv", "Microsoft Hyper-V" },
	{ "VMwareVMware", "VMware" },
	{ "XenVMMXenVMM", "Xen" },
	{ "bhyve bhyve ", "bhyve" },
	{ "TCGTCGTCGTCG", "QEMU TCG (emulation)" },
	{ " lrpepyh  vr", "Parallels" },
	{ "VBoxVBoxVBox", "Oracle VirtualBox" },
	{ "ACRNACRNACRN", "ACRN" },
	{ "QNXQVMBSQG", "QNX hypervisor" },
	{ "Jailhouse", "Jailhouse" },
	{ "OpenBSDVMM58", "OpenBSD vmm" },
	{ "HAXMHAXMHAXM", "Intel HAXM" },
	{ "EVMMEVMMEVMM", "Intel KGT" },
	{ "UnisysSpar64", "Unisys s-Par" },
	{ "SRESRESRESRE", "Lockheed Martin LMHS" },
	{ "VirtualApple", "Apple Virtualization" },
};

/* Read a --cpuid-dump the user named: bounded, regular files only, never blocking. */
static int cpu_read_dump_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "not a regular file");
		return -EINVAL;
	}
	if ((unsigned long long)st.st_size > CPUID_DUMP_MAX) {
		close(fd);
		snprintf(err, errlen, "%lld bytes: too large for a CPUID dump (at most %u)",
			 (long long)st.st_size, CPUID_DUMP_MAX);
		return -EFBIG;
	}

	char *buf = malloc((size_t)st.st_size + 1);
	size_t used = 0;

	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (used < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

/* Hypervisor leaves: live from the CPU, or from the facts of a captured root. */
static void cpu_hv_leaves(struct probe_ctx *ctx)
{
	char key[32];

	for (unsigned i = 0; i < CPUID_RAW_HV; i++) {
		struct cpuid_regs *r = &ctx->cpuid.hv[i];

		snprintf(key, sizeof(key), "cpuid.0x%08x", LEAF_HV + i);
		if (ctx->live && ctx->cpuid.hv_known) {
			facts_set(&ctx->facts, key, "%08x %08x %08x %08x", r->r[0], r->r[1], r->r[2],
				  r->r[3]);
			continue;
		}

		const char *v = facts_get(&ctx->facts, key);

		if (!v || sscanf(v, "%8x %8x %8x %8x", &r->r[0], &r->r[1], &r->r[2], &r->r[3]) != 4)
			return;
		/* 0x40000000 (the signature) is what makes the leaves known */
		ctx->cpuid.hv_known = true;
	}
}

/* Fill ctx->cpuid from the dump, the captured root or the CPU; source says which. */
static int cpu_load(struct probe_ctx *ctx, struct report *r, char *source, size_t slen)
{
	char err[256];
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (ctx->cpuid_dump) {
		snprintf(source, slen, "%s", ctx->cpuid_dump);
		rc = cpu_read_dump_file(ctx->cpuid_dump, &text, &len, err, sizeof(err));
		if (rc == 0)
			rc = cpuid_raw_parse(text, len, &ctx->cpuid, err, sizeof(err));
		free(text);
		if (rc)
			return report_input_error(r, ctx->cpuid_dump, "%s", err) ? -ENOMEM : 1;
		cpu_hv_leaves(ctx);	/* only a captured root's facts: not this CPU's */
		ctx->cpuid_ok = true;
		return 0;
	}
	if (!ctx->live) {
		snprintf(source, slen, "%s%s", ctx->root, CPUID_RAW_PATH);
		rc = root_read(ctx, CPUID_RAW_PATH, &text, &len);
		if (rc == -ENOENT)
			return 1;
		if (rc == 0)
			rc = cpuid_raw_parse(text, len, &ctx->cpuid, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "%s", strerror(-rc));
		free(text);
		if (rc)
			return report_input_error(r, source, "%s", err) ? -ENOMEM : 1;
		cpu_hv_leaves(ctx);
		ctx->cpuid_ok = true;
		return 0;
	}
	snprintf(source, slen, "this CPU");
	if (cpuid_raw_read_live(&ctx->cpuid))
		return 1;
	cpu_hv_leaves(ctx);
	ctx->cpuid_ok = true;
	return 0;
}

static void bit_source(const struct cpuid_bit *b, char *out, size_t len)
{
	static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };

	snprintf(out, len, "CPUID 0x%08x %s[%u]", b->leaf, regs[b->reg], b->bit);
}

static int cpu_flag_report(struct probe_ctx *ctx, struct report *r, const struct cpu_flag *f)
{
	char src[64];
	int v = cpuid_raw_bit(&ctx->cpuid, &f->bit);

	bit_source(&f->bit, src, sizeof(src));
	if (v < 0)
		return report_cap_bool(r, f->id, false, src, "%s: leaf 0x%08x not implemented by "
				       "this CPU", f->meaning, f->bit.leaf);
	return report_cap_bool(r, f->id, v == 1, src, "%s", f->meaning);
}

/* family/model as Linux's x86_family()/x86_model() compute them from CPUID.1:EAX. */
static int cpu_identity(struct probe_ctx *ctx, struct report *r)
{
	struct cpuid_regs l1, b;
	char vendor[13];
	int err = 0;

	cpuid_raw_vendor(&ctx->cpuid, vendor);
	err |= report_cap_str(r, "cpu.vendor", vendor, "CPUID 0x00000000 EBX,EDX,ECX", NULL);
	err |= report_cap_int(r, "cpu.max_basic_leaf", ctx->cpuid.basic[0].r[CPUID_EAX],
			      "CPUID 0x00000000 EAX", NULL);
	err |= report_cap_int(r, "cpu.max_ext_leaf",
			      cpuid_raw_leaf(&ctx->cpuid, 0x80000000, 0, &b) ? b.r[CPUID_EAX] : 0,
			      "CPUID 0x80000000 EAX", NULL);
	err |= report_cap_hex(r, "cpu.max_basic_leaf") | report_cap_hex(r, "cpu.max_ext_leaf");
	if (cpuid_raw_leaf(&ctx->cpuid, 1, 0, &l1)) {
		uint32_t sig = l1.r[CPUID_EAX];
		unsigned family = sig >> 8 & 0xF, model = sig >> 4 & 0xF;

		if (family == 0xF)
			family += sig >> 20 & 0xFF;
		if (family >= 6)
			model += (sig >> 16 & 0xF) << 4;
		err |= report_cap_int(r, "cpu.family", family, "CPUID 0x00000001 EAX", NULL);
		err |= report_cap_int(r, "cpu.model", model, "CPUID 0x00000001 EAX", NULL);
		err |= report_cap_int(r, "cpu.stepping", sig & 0xF, "CPUID 0x00000001 EAX", NULL);
	} else {
		err |= report_cap_unknown(r, "cpu.family", "CPUID 0x00000001 EAX", "no leaf 1");
		err |= report_cap_unknown(r, "cpu.model", "CPUID 0x00000001 EAX", "no leaf 1");
		err |= report_cap_unknown(r, "cpu.stepping", "CPUID 0x00000001 EAX", "no leaf 1");
	}

	char brand[49] = "";

	for (unsigned i = 0; i < 3; i++) {
		if (!cpuid_raw_leaf(&ctx->cpuid, 0x80000002 + i, 0, &b)) {
			brand[0] = '\0';
			break;
		}
		memcpy(brand + 16 * i, b.r, 16);
	}
	brand[48] = '\0';

	char *start = brand, *end;

	while (*start == ' ')
		start++;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		*--end = '\0';
	for (char *c = start; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	if (*start || cpuid_raw_leaf(&ctx->cpuid, 0x80000004, 0, &b))
		err |= report_cap_str(r, "cpu.brand", start, "CPUID 0x80000002-0x80000004", NULL);
	else
		err |= report_cap_unknown(r, "cpu.brand", "CPUID 0x80000002-0x80000004",
					  "the CPU has no brand string leaves");
	return err;
}

/* The codename from libcpuid's database, where libcpuid can take the dump. */
static int cpu_codename(struct probe_ctx *ctx, struct report *r)
{
	const char *why;

	if (!cpuid_raw_safe_for_libcpuid(&ctx->cpuid, &why))
		return report_cap_unknown(r, "cpu.codename", "libcpuid cpu_identify()",
					  "not asked: %s", why);

	struct cpu_raw_data_t raw;
	struct cpu_id_t id;

	_Static_assert(sizeof(raw.basic_cpuid) == sizeof(ctx->cpuid.basic), "basic leaves");
	_Static_assert(sizeof(raw.ext_cpuid) == sizeof(ctx->cpuid.ext), "extended leaves");
	_Static_assert(sizeof(raw.intel_fn4) == sizeof(ctx->cpuid.fn4), "leaf 4");
	_Static_assert(sizeof(raw.intel_fn11) == sizeof(ctx->cpuid.fn11), "leaf 0xB");
	_Static_assert(sizeof(raw.intel_fn12h) == sizeof(ctx->cpuid.fn12h), "leaf 0x12");
	_Static_assert(sizeof(raw.intel_fn14h) == sizeof(ctx->cpuid.fn14h), "leaf 0x14");
	_Static_assert(sizeof(raw.amd_fn8000001dh) == sizeof(ctx->cpuid.fn8000001dh), "0x8000001D");
	memcpy(raw.basic_cpuid, ctx->cpuid.basic, sizeof(raw.basic_cpuid));
	memcpy(raw.ext_cpuid, ctx->cpuid.ext, sizeof(raw.ext_cpuid));
	memcpy(raw.intel_fn4, ctx->cpuid.fn4, sizeof(raw.intel_fn4));
	memcpy(raw.intel_fn11, ctx->cpuid.fn11, sizeof(raw.intel_fn11));
	memcpy(raw.intel_fn12h, ctx->cpuid.fn12h, sizeof(raw.intel_fn12h));
	memcpy(raw.intel_fn14h, ctx->cpuid.fn14h, sizeof(raw.intel_fn14h));
	memcpy(raw.amd_fn8000001dh, ctx->cpuid.fn8000001dh, sizeof(raw.amd_fn8000001dh));
	if (cpu_identify(&raw, &id) != 0)
		return report_cap_unknown(r, "cpu.codename", "libcpuid cpu_identify()",
					  "libcpuid does not know this CPU: %s", cpuid_error());
	if (!id.cpu_codename[0])
		return report_cap_unknown(r, "cpu.codename", "libcpuid cpu_identify()",
					  "not in libcpuid's database");
	id.cpu_codename[sizeof(id.cpu_codename) - 1] = '\0';
	return report_cap_str(r, "cpu.codename", id.cpu_codename, "libcpuid cpu_identify()", NULL);
}

static int cpu_hypervisor(struct probe_ctx *ctx, struct report *r)
{
	struct cpuid_regs hv;
	char sig[13];
	const char *src = "CPUID 0x40000000 EBX,ECX,EDX";

	if (!ctx->cpuid.hv_known) {
		report_cap_unknown(r, "cpu.hypervisor_signature", src,
				   "hypervisor leaves are not in a libcpuid dump");
		return report_cap_unknown(r, "cpu.hypervisor_name", src, NULL);
	}
	if (report_cap_flag(r, "cpu.hypervisor") != 1 ||
	    !cpuid_raw_leaf(&ctx->cpuid, LEAF_HV, 0, &hv)) {
		report_cap_unknown(r, "cpu.hypervisor_signature", src, "no hypervisor bit: the leaf "
				   "is undefined on bare metal");
		return report_cap_unknown(r, "cpu.hypervisor_name", src, NULL);
	}
	memcpy(sig, &hv.r[CPUID_EBX], 4);
	memcpy(sig + 4, &hv.r[CPUID_ECX], 4);
	memcpy(sig + 8, &hv.r[CPUID_EDX], 4);
	sig[12] = '\0';
	for (int i = 0; i < 12 && sig[i]; i++)
		if ((unsigned char)sig[i] < 0x20 || (unsigned char)sig[i] > 0x7e)
			sig[i] = '?';

	const char *name = NULL;

	for (size_t i = 0; i < sizeof(hypervisors) / sizeof(hypervisors[0]); i++)
		if (!strcmp(sig, hypervisors[i].signature))
			name = hypervisors[i].name;
	if (!sig[0]) {
		report_cap_unknown(r, "cpu.hypervisor_signature", src,
				   "the hypervisor leaves an empty signature");
		return report_cap_unknown(r, "cpu.hypervisor_name", src, NULL);
	}
	int err = report_cap_str(r, "cpu.hypervisor_signature", sig, src,
				 "max hypervisor leaf 0x%08x", hv.r[CPUID_EAX]);

	if (name)
		err |= report_cap_str(r, "cpu.hypervisor_name", name, src, NULL);
	else
		err |= report_cap_unknown(r, "cpu.hypervisor_name", src,
					  "signature '%s' is not one virtcap knows", sig);
	return err;
}

static int cpu_svm(struct probe_ctx *ctx, struct report *r)
{
	struct cpuid_regs l;
	int err = 0;
	bool svm = report_cap_flag(r, "cpu.svm") == 1;
	bool have = svm && cpuid_raw_leaf(&ctx->cpuid, 0x8000000A, 0, &l);

	for (size_t i = 0; i < sizeof(svm_flags) / sizeof(svm_flags[0]); i++) {
		if (have) {
			err |= cpu_flag_report(ctx, r, &svm_flags[i]);
			continue;
		}
		char src[64];

		bit_source(&svm_flags[i].bit, src, sizeof(src));
		err |= report_cap_bool(r, svm_flags[i].id, false, src, "%s: %s", svm_flags[i].meaning,
				       svm ? "leaf 0x8000000A not implemented"
				       : "no SVM (Intel's second-level paging is EPT: cpu.ept)");
	}
	if (have) {
		err |= report_cap_int(r, "cpu.svm_revision", l.r[CPUID_EAX] & 0xFF,
				      "CPUID 0x8000000A EAX[7:0]", NULL);
		err |= report_cap_int(r, "cpu.svm_asids", l.r[CPUID_EBX], "CPUID 0x8000000A EBX",
				      "address space ids for guests");
	} else {
		err |= report_cap_unknown(r, "cpu.svm_revision", "CPUID 0x8000000A EAX[7:0]", "no SVM");
		err |= report_cap_unknown(r, "cpu.svm_asids", "CPUID 0x8000000A EBX", "no SVM");
	}
	return err;
}

/* What to do when the CPU lacks something guests need. */
static int cpu_fixes(struct report *r)
{
	int err = 0;
	bool guest = report_cap_flag(r, "cpu.hypervisor") == 1;
	const char *hv = report_cap_string(r, "cpu.hypervisor_name");
	static const char outer[] =
		"this host is a virtual machine: enable nested virtualization on the outer host "
		"(KVM: load kvm_intel/kvm_amd with nested=1 and give the VM the host CPU model, "
		"e.g. QEMU -cpu host or libvirt <cpu mode='host-passthrough'/>; VMware: "
		"\"Expose hardware assisted virtualization to the guest OS\"; Hyper-V: "
		"Set-VMProcessor -VMName NAME -ExposeVirtualizationExtensions $true), then reboot "
		"this VM";
	static const char bare[] =
		"this CPU has no hardware virtualization: KVM cannot run here; use emulation "
		"(QEMU TCG, slow) or a host whose CPU has VT-x/AMD-V";

	for (const char *const *id = (const char *const[]){ "cpu.vmx", "cpu.svm", NULL }; *id; id++)
		if (report_cap_flag(r, *id) == 0)
			err |= report_cap_fix(r, *id, "%s%s%s%s", guest ? outer : bare,
					      guest && hv ? " (outer hypervisor: " : "",
					      guest && hv ? hv : "", guest && hv ? ")" : "");
	if (report_cap_flag(r, "cpu.lm") == 0)
		err |= report_cap_fix(r, "cpu.lm", "%s", guest ? "the outer hypervisor gives this VM a "
				      "32-bit CPU model: give it a 64-bit one (e.g. QEMU -cpu host)"
				      : "this CPU is 32-bit only: 64-bit guests need a 64-bit CPU");
	if (report_cap_flag(r, "cpu.pae") == 0)
		err |= report_cap_fix(r, "cpu.pae", "PAE guests need a CPU with PAE");
	return err;
}

static int cpu_unknown_all(struct report *r, const char *why)
{
	static const char *const ids[] = {
		"cpu.vendor", "cpu.family", "cpu.model", "cpu.brand", "cpu.lm", "cpu.pae", "cpu.nx",
		"cpu.vmx", "cpu.svm", "cpu.smx", "cpu.npt", "cpu.hypervisor",
		"cpu.hypervisor_signature", "cpu.hypervisor_name", "cpu.codename",
	};
	int err = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		err |= report_cap_unknown(r, ids[i], "CPUID", "%s", why);
	return err;
}

int probe_cpu(struct probe_ctx *ctx, struct report *r)
{
	char source[512];
	int rc = cpu_load(ctx, r, source, sizeof(source));

	if (rc < 0)
		return rc;
	if (rc > 0)
		return cpu_unknown_all(r, ctx->live ? "CPUID could not be read"
				       : "no usable CPUID capture (.virtcap/cpuid.raw) in this root")
			       ? -ENOMEM : 0;

	int err = report_cap_str(r, "cpu.cpuid_source", source, "virtcap", NULL);

	err |= cpu_identity(ctx, r);
	for (size_t i = 0; i < sizeof(cpu_flags) / sizeof(cpu_flags[0]); i++)
		err |= cpu_flag_report(ctx, r, &cpu_flags[i]);
	err |= cpu_svm(ctx, r);
	err |= cpu_hypervisor(ctx, r);
	err |= cpu_codename(ctx, r);
	err |= cpu_fixes(r);
	return err ? -ENOMEM : 0;
}
