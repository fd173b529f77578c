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
 * IA32_FEATURE_CONTROL (SDM vol. 3C 24.7 "Enabling and entering VMX operation"), and one that
 * disables SVM sets VM_CR.SVMDIS (APM vol. 2 15.4 "Enabling SVM"), but CPUID.1:ECX[5] and
 * CPUID 0x80000001 ECX[2] still read 1; only the kernel then hides the "vmx"/"svm" flag in
 * /proc/cpuinfo (probe/firmware.c tells the two apart). A hypervisor, on the other hand, decides
 * what CPUID its guest sees, so a guest without VMX/SVM in CPUID has an outer host to fix.
 *
 * Where CPUID comes from: --cpuid-dump FILE (a user's file: read with plain open, bounded, never
 * blocking), else ROOT/.virtcap/cpuid.raw on a captured root, else this CPU. The hypervisor
 * leaves are not in a dump: live they are recorded as the facts cpuid.0x40000000 and
 * cpuid.0x40000001 ("EAX EBX ECX EDX" in hex), and a captured root gives them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the arm64 build has no libcpuid (Debian's is x86 only): CPUID dumps and captured x86 roots
 * are still read, only the codename from libcpuid's database is missing */
#ifndef HAVE_LIBCPUID
#define HAVE_LIBCPUID 1
#endif
#if HAVE_LIBCPUID
#include <libcpuid/libcpuid.h>
#endif

#include "probe/cpu_hypervisors.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

#define CPUID_DUMP_MAX ROOT_READ_MAX	/* a real dump is about 6 KiB per CPU */
#define CPUID_RAW_PATH "/.virtcap/cpuid.raw"
#define LEAF_HV 0x40000000u
#define LEAF_EXT 0x80000000u
#define LEAF_BRAND 0x80000002u		/* 0x80000002..4: 48 bytes of brand string */
#define BRAND_LEAVES 3
#define LEAF_SVM 0x8000000Au
#define SVM_REVISION_MASK 0xFFu		/* Fn8000_000A EAX[7:0] */
#define FACT_REGS_LEN 35		/* "%08x %08x %08x %08x" */

enum { ID_BITS_FAMILY = 8, ID_BITS_MODEL = 4, ID_BITS_EXT_MODEL = 16, ID_BITS_EXT_FAMILY = 20 };

/* Feature bits as data. Leaves: Intel SDM vol. 2A "CPUID"; AMD APM vol. 3 appendix E. */
static const struct cpu_flag {
	const char *id;
	struct cpuid_bit bit;
	const char *meaning;
} cpu_flags[] = {
	{ CAP_CPU_LM, { 0x80000001, 0, CPUID_EDX, 29 }, "long mode: 64-bit capable" },
	{ CAP_CPU_PAE, { 0x00000001, 0, CPUID_EDX, 6 }, "physical address extension" },
	{ CAP_CPU_NX, { 0x80000001, 0, CPUID_EDX, 20 }, "no-execute pages (AMD NX / Intel XD)" },
	{ CAP_CPU_PSE, { 0x00000001, 0, CPUID_EDX, 3 }, "4 MiB pages in 32-bit paging" },
	{ CAP_CPU_PSE36, { 0x00000001, 0, CPUID_EDX, 17 }, "36-bit addresses with 4 MiB pages" },
	{ CAP_CPU_VMX, { 0x00000001, 0, CPUID_ECX, 5 }, "Intel VT-x (VMX)" },
	{ CAP_CPU_SMX, { 0x00000001, 0, CPUID_ECX, 6 }, "Intel TXT safer mode (SMX)" },
	{ CAP_CPU_SVM, { 0x80000001, 0, CPUID_ECX, 2 }, "AMD-V (SVM)" },
	{ CAP_CPU_HYPERVISOR, { 0x00000001, 0, CPUID_ECX, 31 }, "running under a hypervisor" },
};

/* CPUID Fn8000_000A EDX: what SVM offers a hypervisor (APM vol. 3, E.4.9). */
static const struct cpu_flag svm_flags[] = {
	{ CAP_CPU_NPT, { LEAF_SVM, 0, CPUID_EDX, 0 }, "nested page tables (AMD's second-level paging)" },
	{ CAP_CPU_LBRV, { LEAF_SVM, 0, CPUID_EDX, 1 }, "LBR virtualization" },
	{ CAP_CPU_SVM_LOCK, { LEAF_SVM, 0, CPUID_EDX, 2 }, "SVM lock (VM_CR.LOCK)" },
	{ CAP_CPU_NRIP_SAVE, { LEAF_SVM, 0, CPUID_EDX, 3 }, "next RIP saved on #VMEXIT" },
	{ CAP_CPU_TSC_RATE_MSR, { LEAF_SVM, 0, CPUID_EDX, 4 }, "TSC ratio MSR" },
	{ CAP_CPU_VMCB_CLEAN, { LEAF_SVM, 0, CPUID_EDX, 5 }, "VMCB clean bits" },
	{ CAP_CPU_FLUSH_BY_ASID, { LEAF_SVM, 0, CPUID_EDX, 6 }, "TLB flush by ASID" },
	{ CAP_CPU_DECODE_ASSISTS, { LEAF_SVM, 0, CPUID_EDX, 7 }, "decode assists" },
	{ CAP_CPU_PAUSE_FILTER, { LEAF_SVM, 0, CPUID_EDX, 10 }, "PAUSE intercept filter" },
	{ CAP_CPU_PAUSE_FILTER_THRESHOLD, { LEAF_SVM, 0, CPUID_EDX, 12 }, "PAUSE filter threshold" },
	{ CAP_CPU_AVIC, { LEAF_SVM, 0, CPUID_EDX, 13 }, "AMD virtual interrupt controller" },
	{ CAP_CPU_VMSAVE_VIRT, { LEAF_SVM, 0, CPUID_EDX, 15 }, "virtualized VMLOAD/VMSAVE" },
	{ CAP_CPU_VGIF, { LEAF_SVM, 0, CPUID_EDX, 16 }, "virtual global interrupt flag" },
	{ CAP_CPU_GMET, { LEAF_SVM, 0, CPUID_EDX, 17 }, "guest mode execute trap" },
	{ CAP_CPU_X2AVIC, { LEAF_SVM, 0, CPUID_EDX, 18 }, "AVIC in x2APIC mode" },
};

/* Everything this area reports besides the flags above: all unknown when CPUID is missing. */
static const char *const cpu_value_ids[] = {
	CAP_CPU_VENDOR, CAP_CPU_FAMILY, CAP_CPU_MODEL, CAP_CPU_STEPPING, CAP_CPU_BRAND, CAP_CPU_CODENAME,
	CAP_CPU_MAX_BASIC_LEAF, CAP_CPU_MAX_EXT_LEAF, CAP_CPU_SVM_REVISION, CAP_CPU_SVM_ASIDS,
	CAP_CPU_HYPERVISOR_SIGNATURE, CAP_CPU_HYPERVISOR_NAME,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Read a --cpuid-dump the user named: bounded, regular files only, never blocking. */
static int cpu_read_dump_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open: %s", strerror(e));
		return -e;
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

	/* one byte more than allowed, to notice a file that grew since fstat() */
	char *buf = malloc(CPUID_DUMP_MAX + 2);
	size_t used = 0;

	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (used <= CPUID_DUMP_MAX) {
		ssize_t n = read(fd, buf + used, CPUID_DUMP_MAX + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			snprintf(err, errlen, "read failed: %s", strerror(e));
			free(buf);
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (used > CPUID_DUMP_MAX) {
		snprintf(err, errlen, "grew beyond %u bytes while being read", CPUID_DUMP_MAX);
		free(buf);
		return -EFBIG;
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

/* "eeeeeeee bbbbbbbb cccccccc dddddddd" as recorded by cpu_hv_record(); false if malformed. */
static bool cpu_parse_fact_regs(const char *v, struct cpuid_regs *out)
{
	if (strlen(v) != FACT_REGS_LEN)
		return false;
	for (int r = 0; r < 4; r++) {
		char word[9];
		char *end;

		memcpy(word, v + r * 9, 8);
		word[8] = '\0';
		if ((r < 3 && v[r * 9 + 8] != ' ') || strspn(word, "0123456789abcdefABCDEF") != 8)
			return false;
		out->r[r] = (uint32_t)strtoul(word, &end, 16);
	}
	return true;
}

/* Live: the hypervisor leaves as facts, so a snapshot of this host carries them. */
static int cpu_hv_record(struct probe_ctx *ctx)
{
	char key[32];
	int err = 0;

	for (unsigned i = 0; i < CPUID_RAW_HV; i++) {
		const struct cpuid_regs *r = &ctx->cpuid.hv[i];

		snprintf(key, sizeof(key), "cpuid.0x%08x", LEAF_HV + i);
		err |= facts_set(&ctx->facts, key, "%08x %08x %08x %08x", r->r[CPUID_EAX],
				 r->r[CPUID_EBX], r->r[CPUID_ECX], r->r[CPUID_EDX]);
	}
	return err;
}

/*
 * Captured root: the hypervisor leaves from its facts. 0x40000000 (the signature) is what makes
 * them known; 0x40000001 is optional. A malformed value is an input error.
 */
static int cpu_hv_from_facts(struct probe_ctx *ctx, struct report *r)
{
	char key[32];

	for (unsigned i = 0; i < CPUID_RAW_HV; i++) {
		snprintf(key, sizeof(key), "cpuid.0x%08x", LEAF_HV + i);

		const char *v = facts_get(&ctx->facts, key);

		if (!v)
			return 0;
		if (!cpu_parse_fact_regs(v, &ctx->cpuid.hv[i])) {
			char input[4200];

			memset(&ctx->cpuid.hv[i], 0, sizeof(ctx->cpuid.hv[i]));
			snprintf(input, sizeof(input), "%s%s", ctx->root_name, FACTS_PATH);
			return report_input_error(r, input, "%s: expected four 8-digit hex values "
						  "(EAX EBX ECX EDX), got '%.40s'", key, v);
		}
		ctx->cpuid.hv_known = true;
	}
	return 0;
}

/* Parse text as the dump named input; on failure an input error, and why for the detail. */
static int cpu_parse(struct probe_ctx *ctx, struct report *r, const char *input, int rc,
		     const char *text, size_t len, char *err, size_t errlen)
{
	if (rc == 0)
		rc = cpuid_raw_parse(text, len, &ctx->cpuid, err, errlen);
	if (rc == 0) {
		ctx->cpuid_ok = true;
		return 0;
	}
	return report_input_error(r, input, "%s", err) ? -ENOMEM : 1;
}

/*
 * Fill ctx->cpuid from the dump, the captured root or the CPU. Returns 0 when usable, 1 when
 * not (why says so), or -ENOMEM. source names where CPUID came from.
 */
static int cpu_load(struct probe_ctx *ctx, struct report *r, char *source, size_t slen, char *why,
		    size_t wlen)
{
	char err[256] = "";
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (ctx->cpuid_dump) {
		snprintf(source, slen, "--cpuid-dump %s", ctx->cpuid_dump);
		rc = cpu_read_dump_file(ctx->cpuid_dump, &text, &len, err, sizeof(err));
		rc = cpu_parse(ctx, r, ctx->cpuid_dump, rc, text, len, err, sizeof(err));
		free(text);
		snprintf(why, wlen, "the CPUID dump %.200s is unusable: %.250s", ctx->cpuid_dump, err);
		/* hypervisor leaves are not in the format: unknown, never taken from this CPU */
		return rc;
	}
	if (!ctx->live) {
		snprintf(source, slen, "%s%s", ctx->root_name, CPUID_RAW_PATH);
		rc = root_read(ctx, CPUID_RAW_PATH, &text, &len);
		if (rc == -ENOENT) {
			snprintf(why, wlen, "no CPUID capture in this root (%s)", &CPUID_RAW_PATH[1]);
			return 1;
		}
		if (rc)
			snprintf(err, sizeof(err), "cannot read: %s", strerror(-rc));
		rc = cpu_parse(ctx, r, source, rc, text, len, err, sizeof(err));
		free(text);
		snprintf(why, wlen, "the CPUID capture %.200s is unusable: %.250s", source, err);
		if (rc)
			return rc;
		return cpu_hv_from_facts(ctx, r) ? -ENOMEM : 0;
	}
	snprintf(source, slen, "CPUID instruction on this CPU");
	rc = cpuid_raw_read_live(&ctx->cpuid);
	if (rc) {
		snprintf(why, wlen, "CPUID could not be executed: %s", strerror(-rc));
		return 1;
	}
	ctx->cpuid_ok = true;
	return cpu_hv_record(ctx) ? -ENOMEM : 0;
}

static void bit_source(const struct cpuid_bit *b, char *out, size_t len)
{
	static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };

	snprintf(out, len, "CPUID 0x%08X %s[%u]", b->leaf, regs[b->reg], b->bit);
}

static int cpu_flag_report(struct probe_ctx *ctx, struct report *r, const struct cpu_flag *f)
{
	char src[64];
	int v = cpuid_raw_bit(&ctx->cpuid, &f->bit);

	bit_source(&f->bit, src, sizeof(src));
	if (v < 0)
		return report_cap_bool(r, f->id, false, src, "%s: leaf 0x%08X is beyond this CPU's "
				       "maximum leaf, so the feature is absent", f->meaning,
				       f->bit.leaf);
	return report_cap_bool(r, f->id, v == 1, src, "%s", f->meaning);
}

/*
 * x86-64-v2, the level Windows 11 (24H2) and RHEL 9 require: CMPXCHG16B, LAHF/SAHF in long
 * mode, POPCNT, SSE3, SSSE3, SSE4.1, SSE4.2 (the psABI's micro-architecture levels). A guest
 * sees it only if its CPU model has it too: QEMU's default qemu64 does not.
 */
static int cpu_x86_64_v2(struct probe_ctx *ctx, struct report *r)
{
	static const struct { const char *name; struct cpuid_bit bit; } need[] = {
		{ "CMPXCHG16B", { 0x00000001, 0, CPUID_ECX, 13 } },
		{ "LAHF/SAHF", { 0x80000001, 0, CPUID_ECX, 0 } },
		{ "POPCNT", { 0x00000001, 0, CPUID_ECX, 23 } },
		{ "SSE3", { 0x00000001, 0, CPUID_ECX, 0 } },
		{ "SSSE3", { 0x00000001, 0, CPUID_ECX, 9 } },
		{ "SSE4.1", { 0x00000001, 0, CPUID_ECX, 19 } },
		{ "SSE4.2", { 0x00000001, 0, CPUID_ECX, 20 } },
	};
	char missing[128] = "";

	for (size_t i = 0; i < COUNT(need); i++)
		if (cpuid_raw_bit(&ctx->cpuid, &need[i].bit) != 1)
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s",
				 *missing ? " " : "", need[i].name);
	if (*missing)
		return report_cap_bool(r, CAP_CPU_X86_64_V2, false, "CPUID 0x00000001 ECX, "
				       "0x80000001 ECX", "x86-64-v2 (Windows 11 24H2, RHEL 9 need "
				       "it): this CPU lacks %s", missing);
	return report_cap_bool(r, CAP_CPU_X86_64_V2, true, "CPUID 0x00000001 ECX, 0x80000001 ECX",
			       "x86-64-v2 (CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3 to SSE4.2): a guest "
			       "gets it with -cpu host or a model that has it, not QEMU's qemu64");
}

/* family/model/stepping as Linux's x86_family()/x86_model() compute them from CPUID.1:EAX. */
static int cpu_signature(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "CPUID 0x00000001 EAX";
	struct cpuid_regs l1;
	int err = 0;

	if (!cpuid_raw_leaf(&ctx->cpuid, 1, 0, &l1)) {
		static const char *const ids[] = { CAP_CPU_FAMILY, CAP_CPU_MODEL, CAP_CPU_STEPPING };

		for (size_t i = 0; i < COUNT(ids); i++)
			err |= report_cap_unknown(r, ids[i], src, "the CPU has no leaf 1 (maximum "
						  "basic leaf 0)");
		return err;
	}

	uint32_t sig = l1.r[CPUID_EAX];
	unsigned family = sig >> ID_BITS_FAMILY & 0xF, model = sig >> ID_BITS_MODEL & 0xF;

	/* SDM: extended family only with family 0xF; Linux adds extended model from family 6 */
	if (family == 0xF)
		family += sig >> ID_BITS_EXT_FAMILY & 0xFF;
	if (family >= 6)
		model += (sig >> ID_BITS_EXT_MODEL & 0xF) << 4;
	err |= report_cap_int(r, CAP_CPU_FAMILY, family, src, "CPUID.1:EAX = 0x%08x", sig);
	err |= report_cap_int(r, CAP_CPU_MODEL, model, src, NULL);
	err |= report_cap_int(r, CAP_CPU_STEPPING, sig & 0xF, src, NULL);
	return err;
}

/* The brand string, up to its first NUL, outer spaces trimmed; unknown without the leaves. */
static int cpu_brand(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "CPUID 0x80000002-0x80000004";
	char brand[BRAND_LEAVES * 16 + 1];
	struct cpuid_regs b;

	for (unsigned i = 0; i < BRAND_LEAVES; i++) {
		if (!cpuid_raw_leaf(&ctx->cpuid, LEAF_BRAND + i, 0, &b))
			return report_cap_unknown(r, CAP_CPU_BRAND, src, "the CPU has no brand string "
						  "leaves (maximum extended leaf below 0x80000004)");
		memcpy(brand + 16 * i, b.r, 16);
	}
	brand[sizeof(brand) - 1] = '\0';

	char *start = brand, *end;

	while (*start == ' ')
		start++;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		*--end = '\0';
	for (char *c = start; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';	/* keep the report printable */
	return report_cap_str(r, CAP_CPU_BRAND, start, src, NULL);
}

static int cpu_identity(struct probe_ctx *ctx, struct report *r)
{
	struct cpuid_regs x;
	char vendor[13];
	int err = 0;
	bool ext = cpuid_raw_leaf(&ctx->cpuid, LEAF_EXT, 0, &x);

	cpuid_raw_vendor(&ctx->cpuid, vendor);
	err |= report_cap_str(r, CAP_CPU_VENDOR, vendor, "CPUID 0x00000000 EBX,EDX,ECX", NULL);
	err |= report_cap_int(r, CAP_CPU_MAX_BASIC_LEAF, ctx->cpuid.basic[0].r[CPUID_EAX],
			      "CPUID 0x00000000 EAX", NULL);
	err |= report_cap_int(r, CAP_CPU_MAX_EXT_LEAF, ext ? x.r[CPUID_EAX] : 0,
			      "CPUID 0x80000000 EAX", ext ? NULL : "no extended leaves (EAX is "
			      "not 0x8000xxxx): reported as 0");
	err |= report_cap_hex(r, CAP_CPU_MAX_BASIC_LEAF) | report_cap_hex(r, CAP_CPU_MAX_EXT_LEAF);
	err |= cpu_signature(ctx, r);
	err |= cpu_brand(ctx, r);
	return err;
}

#if HAVE_LIBCPUID
static void cpu_libcpuid_quiet(const char *msg)
{
	(void)msg;	/* its warnings are about its own decode, which we do not use */
}

/* The codename from libcpuid's database, where libcpuid can take the dump. */
static int cpu_codename(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "libcpuid cpu_identify()";
	const char *why;

	if (!cpuid_raw_safe_for_libcpuid(&ctx->cpuid, &why))
		return report_cap_unknown(r, CAP_CPU_CODENAME, src, "libcpuid not asked: %s", why);

	struct cpu_raw_data_t raw;
	struct cpu_id_t id;

	_Static_assert(sizeof(raw.basic_cpuid) == sizeof(ctx->cpuid.basic), "basic leaves");
	_Static_assert(sizeof(raw.ext_cpuid) == sizeof(ctx->cpuid.ext), "extended leaves");
	_Static_assert(sizeof(raw.intel_fn4) == sizeof(ctx->cpuid.fn4), "leaf 4");
	_Static_assert(sizeof(raw.intel_fn11) == sizeof(ctx->cpuid.fn11), "leaf 0xB");
	_Static_assert(sizeof(raw.intel_fn12h) == sizeof(ctx->cpuid.fn12h), "leaf 0x12");
	_Static_assert(sizeof(raw.intel_fn14h) == sizeof(ctx->cpuid.fn14h), "leaf 0x14");
	_Static_assert(sizeof(raw.amd_fn8000001dh) == sizeof(ctx->cpuid.fn8000001dh), "0x8000001D");
	memset(&raw, 0, sizeof(raw));
	memcpy(raw.basic_cpuid, ctx->cpuid.basic, sizeof(raw.basic_cpuid));
	memcpy(raw.ext_cpuid, ctx->cpuid.ext, sizeof(raw.ext_cpuid));
	memcpy(raw.intel_fn4, ctx->cpuid.fn4, sizeof(raw.intel_fn4));
	memcpy(raw.intel_fn11, ctx->cpuid.fn11, sizeof(raw.intel_fn11));
	memcpy(raw.intel_fn12h, ctx->cpuid.fn12h, sizeof(raw.intel_fn12h));
	memcpy(raw.intel_fn14h, ctx->cpuid.fn14h, sizeof(raw.intel_fn14h));
	memcpy(raw.amd_fn8000001dh, ctx->cpuid.fn8000001dh, sizeof(raw.amd_fn8000001dh));

	/* never cpu_identify(NULL): that executes CPUID here, whatever the dump says */
	libcpuid_warn_fn_t old = cpuid_set_warn_function(cpu_libcpuid_quiet);
	int rc = cpu_identify(&raw, &id);

	cpuid_set_warn_function(old);
	if (rc != 0)
		return report_cap_unknown(r, CAP_CPU_CODENAME, src, "libcpuid does not know this "
					  "CPU: %s", cpuid_error());
	id.cpu_codename[sizeof(id.cpu_codename) - 1] = '\0';
	if (!id.cpu_codename[0] || !strcmp(id.cpu_codename, "Unknown"))
		return report_cap_unknown(r, CAP_CPU_CODENAME, src, "not in libcpuid's database");
	return report_cap_str(r, CAP_CPU_CODENAME, id.cpu_codename, src, NULL);
}
#else
static int cpu_codename(struct probe_ctx *ctx, struct report *r)
{
	return report_cap_unknown(r, CAP_CPU_CODENAME, "libcpuid cpu_identify()", "this build of "
				  "virtcap has no libcpuid (an arm64 build: libcpuid is x86 only)");
}
#endif

/* Why the hypervisor leaves are unknown, for the detail. */
static const char *cpu_hv_unknown_reason(const struct probe_ctx *ctx)
{
	if (ctx->cpuid_dump)
		return "hypervisor leaves 0x40000000+ are not part of a libcpuid dump";
	return "not recorded in this capture (fact cpuid.0x40000000 in .virtcap/facts)";
}

static int cpu_hv_unknown(struct report *r, const char *src, const char *why)
{
	return report_cap_unknown(r, CAP_CPU_HYPERVISOR_SIGNATURE, src, "%s", why) |
	       report_cap_unknown(r, CAP_CPU_HYPERVISOR_NAME, src, "%s", why);
}

/* The 12-byte signature, trailing NULs stripped, anything unprintable shown as '?'. */
static void cpu_hv_signature(const struct cpuid_regs *hv, char sig[13])
{
	memcpy(sig, &hv->r[CPUID_EBX], 4);
	memcpy(sig + 4, &hv->r[CPUID_ECX], 4);
	memcpy(sig + 8, &hv->r[CPUID_EDX], 4);
	sig[12] = '\0';

	int len = 12;

	while (len > 0 && sig[len - 1] == '\0')
		len--;
	for (int i = 0; i < len; i++)
		if ((unsigned char)sig[i] < 0x20 || (unsigned char)sig[i] > 0x7e)
			sig[i] = '?';
}

static const struct cpu_hypervisor *cpu_hypervisor_find(const char *sig)
{
	for (size_t i = 0; sig && i < COUNT(cpu_hypervisors); i++)
		if (!strcmp(sig, cpu_hypervisors[i].signature))
			return &cpu_hypervisors[i];
	return NULL;
}

static int cpu_hypervisor(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "CPUID 0x40000000 EBX,ECX,EDX";
	struct cpuid_regs hv;
	char sig[13];

	if (!ctx->cpuid.hv_known || !cpuid_raw_leaf(&ctx->cpuid, LEAF_HV, 0, &hv))
		return cpu_hv_unknown(r, src, cpu_hv_unknown_reason(ctx));
	if (report_cap_flag(r, CAP_CPU_HYPERVISOR) != 1)
		return cpu_hv_unknown(r, src, "CPUID.1:ECX[31] is clear: no hypervisor announces "
				      "itself, and leaf 0x40000000 means nothing on bare metal");
	cpu_hv_signature(&hv, sig);
	if (!sig[0])
		return cpu_hv_unknown(r, src, "the hypervisor returns an empty signature in leaf "
				      "0x40000000");

	const struct cpu_hypervisor *known = cpu_hypervisor_find(sig);

	int err = report_cap_str(r, CAP_CPU_HYPERVISOR_SIGNATURE, sig, src,
				 "maximum hypervisor leaf 0x%08x", hv.r[CPUID_EAX]);

	if (known && known->note)
		err |= report_cap_str(r, CAP_CPU_HYPERVISOR_NAME, known->name, src, "%s", known->note);
	else if (known)
		err |= report_cap_str(r, CAP_CPU_HYPERVISOR_NAME, known->name, src, NULL);
	else
		err |= report_cap_unknown(r, CAP_CPU_HYPERVISOR_NAME, src,
					  "signature '%s' is not one virtcap knows", sig);
	return err;
}

static int cpu_svm(struct probe_ctx *ctx, struct report *r)
{
	static const char no_svm_npt[] =
		"no SVM: NPT is AMD's second-level paging; Intel's is EPT (cpu.ept)";
	struct cpuid_regs l;
	int err = 0;
	bool svm = report_cap_flag(r, CAP_CPU_SVM) == 1;
	bool have = svm && cpuid_raw_leaf(&ctx->cpuid, LEAF_SVM, 0, &l);
	const char *why = svm ? "the CPU has SVM but no leaf 0x8000000A (maximum extended leaf "
				"below it)" : "no SVM (AMD-V): the leaf is reserved without it";

	for (size_t i = 0; i < COUNT(svm_flags); i++) {
		const struct cpu_flag *f = &svm_flags[i];
		char fsrc[64];

		if (have) {
			err |= cpu_flag_report(ctx, r, f);
			continue;
		}
		bit_source(&f->bit, fsrc, sizeof(fsrc));
		if (!svm && !strcmp(f->id, CAP_CPU_NPT))
			err |= report_cap_bool(r, f->id, false, fsrc, "%s", no_svm_npt);
		else
			err |= report_cap_bool(r, f->id, false, fsrc, "%s: %s", f->meaning, why);
	}
	if (!have)
		return err | report_cap_unknown(r, CAP_CPU_SVM_REVISION, "CPUID 0x8000000A EAX[7:0]",
						"%s", why) |
		       report_cap_unknown(r, CAP_CPU_SVM_ASIDS, "CPUID 0x8000000A EBX", "%s", why);
	err |= report_cap_int(r, CAP_CPU_SVM_REVISION, l.r[CPUID_EAX] & SVM_REVISION_MASK,
			      "CPUID 0x8000000A EAX[7:0]", NULL);
	err |= report_cap_int(r, CAP_CPU_SVM_ASIDS, l.r[CPUID_EBX], "CPUID 0x8000000A EBX",
			      "address space identifiers for guests' TLB entries");
	return err;
}

/* No VMX and no SVM in CPUID: who can change that. Short: the matrix keeps 511 characters. */
static int cpu_fix_virt(struct report *r)
{
	static const char outer[] =
		"this host is a virtual machine whose hypervisor hides VT-x/AMD-V: enable nested "
		"virtualization on the outer host. KVM: kvm_intel/kvm_amd nested=1 and QEMU -cpu "
		"host (libvirt: host-passthrough); VMware: \"Expose hardware assisted virtualization "
		"to the guest OS\"; Hyper-V: Set-VMProcessor -VMName NAME "
		"-ExposeVirtualizationExtensions $true";
	static const char bare[] =
		"this CPU has no hardware virtualization (VT-x/AMD-V). No firmware setting changes "
		"this: a BIOS that disables VT-x or SVM leaves the CPUID bit set (only the kernel "
		"then hides the vmx/svm flag in /proc/cpuinfo), and CPUID here shows neither. Run "
		"guests under emulation (QEMU TCG, slow) or on a CPU with VT-x/AMD-V";
	const struct cpu_hypervisor *hv =
		cpu_hypervisor_find(report_cap_string(r, CAP_CPU_HYPERVISOR_SIGNATURE));
	int guest = report_cap_flag(r, CAP_CPU_HYPERVISOR);
	int err = 0;

	if (report_cap_flag(r, CAP_CPU_VMX) != 0 || report_cap_flag(r, CAP_CPU_SVM) != 0)
		return 0;
	for (const char *const *id = (const char *const[]){ CAP_CPU_VMX, CAP_CPU_SVM, NULL }; *id;
	     id++) {
		if (guest == 1 && hv && hv->nested_fix)
			err |= report_cap_fix(r, *id, "this host is a %s virtual machine without "
					      "VT-x/AMD-V: enable nested virtualization %s", hv->name,
					      hv->nested_fix);
		else
			err |= report_cap_fix(r, *id, "%s", guest == 1 ? outer : bare);
	}
	return err;
}

/* What to do when the CPU lacks something guests need. */
static int cpu_fixes(struct report *r)
{
	int err = cpu_fix_virt(r);

	if (report_cap_flag(r, CAP_CPU_LM) == 0)
		err |= report_cap_fix(r, CAP_CPU_LM, "%s", report_cap_flag(r, CAP_CPU_HYPERVISOR) == 1
				      ? "this VM's CPU model has no long mode, so it cannot run 64-bit "
				      "guests under hardware virtualization: give it a 64-bit CPU "
				      "model on the outer host (QEMU: -cpu host or qemu64)"
				      : "this CPU cannot run 64-bit guests under hardware "
				      "virtualization; use a 64-bit capable CPU");
	if (report_cap_flag(r, CAP_CPU_PAE) == 0)
		err |= report_cap_fix(r, CAP_CPU_PAE, "PAE guests need a CPU with PAE; use a CPU "
				      "that has it (every 64-bit CPU does)");
	return err;
}

static int cpu_unknown_all(struct report *r, const char *why)
{
	char src[64];
	int err = 0;

	for (size_t i = 0; i < COUNT(cpu_value_ids); i++)
		err |= report_cap_unknown(r, cpu_value_ids[i], "CPUID", "%s", why);
	for (size_t i = 0; i < COUNT(cpu_flags); i++) {
		bit_source(&cpu_flags[i].bit, src, sizeof(src));
		err |= report_cap_unknown(r, cpu_flags[i].id, src, "%s", why);
	}
	for (size_t i = 0; i < COUNT(svm_flags); i++) {
		bit_source(&svm_flags[i].bit, src, sizeof(src));
		err |= report_cap_unknown(r, svm_flags[i].id, src, "%s", why);
	}
	err |= report_cap_unknown(r, CAP_CPU_X86_64_V2, "CPUID", "%s", why);
	return err;
}

int probe_cpu(struct probe_ctx *ctx, struct report *r)
{
	char source[512], why[512] = "";
	int rc;

	ctx->cpuid_ok = false;
	rc = cpu_load(ctx, r, source, sizeof(source), why, sizeof(why));
	if (rc < 0)
		return rc;
	if (rc > 0) {
		memset(&ctx->cpuid, 0, sizeof(ctx->cpuid));
		ctx->cpuid_ok = false;
		return cpu_unknown_all(r, why) |
		       report_cap_unknown(r, CAP_CPU_CPUID_SOURCE, source, "%s", why) ? -ENOMEM : 0;
	}

	int err = report_cap_str(r, CAP_CPU_CPUID_SOURCE, source, "virtcap",
				 "where the CPUID data below comes from");

	err |= cpu_identity(ctx, r);
	for (size_t i = 0; i < COUNT(cpu_flags); i++)
		err |= cpu_flag_report(ctx, r, &cpu_flags[i]);
	err |= cpu_x86_64_v2(ctx, r);
	err |= cpu_svm(ctx, r);
	err |= cpu_hypervisor(ctx, r);
	err |= cpu_codename(ctx, r);
	err |= cpu_fixes(r);
	return err ? -ENOMEM : 0;
}
