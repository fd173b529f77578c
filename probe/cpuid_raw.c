// SPDX-License-Identifier: MIT
/*
 * Raw CPUID data: the libcpuid 0.6.2 dump format, parsed strictly, and the live CPU.
 *
 * The dump is untrusted input (a file from another host, a support ticket): every line is
 * checked for a known block name, an index inside the block, and exactly four 8-digit hex words
 * before a byte of it is used. libcpuid's own reader is not used for this because it accepts
 * anything and its identify step has a stack overflow on some inputs (see
 * cpuid_raw_safe_for_libcpuid()).
 *
 * Validity of a leaf (Intel SDM vol. 2A "CPUID"; AMD APM vol. 3 appendix E): basic leaf n exists
 * only when n <= CPUID(0).EAX, extended leaf 0x80000000+n only when CPUID(0x80000000).EAX is a
 * well-formed 0x8000xxxx maximum >= the leaf, and Fn8000_000A is reserved unless
 * CPUID(0x80000001).ECX[SVM] is set. Dumps keep whatever a CPU returned above its maximum (Intel
 * repeats its highest basic leaf there), so reading without these checks gives wrong features.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__i386__) || defined(__x86_64__)
#include <cpuid.h>
#endif

#include "probe/cpuid_raw.h"

#define LEAF_EXT_BASE 0x80000000u
#define LEAF_HV_BASE 0x40000000u
#define LEAF_SVM 0x8000000Au
#define EXT_RANGE_MASK 0xFFFF0000u
#define DUMP_LINE_MAX 256	/* the longest valid line is about 60 bytes */
#define SVM_BIT_ECX 2		/* CPUID 0x80000001 ECX[2] */
#define FN4_CACHE_TYPE_MASK 0x1Fu	/* CPUID(4).EAX[4:0]: 0 = no more caches */
#define LIBCPUID_FN4_SAFE 5	/* cpu_identify() 0.6.2 overflows at six valid entries */

/* The blocks of the format, in the order libcpuid writes them. */
static const struct dump_block {
	const char *name;
	size_t offset;	/* of the array in struct cpuid_raw */
	unsigned count;
} dump_blocks[] = {
	{ "basic_cpuid", offsetof(struct cpuid_raw, basic), CPUID_RAW_BASIC },
	{ "ext_cpuid", offsetof(struct cpuid_raw, ext), CPUID_RAW_EXT },
	{ "intel_fn4", offsetof(struct cpuid_raw, fn4), CPUID_RAW_FN4 },
	{ "intel_fn11", offsetof(struct cpuid_raw, fn11), CPUID_RAW_FN11 },
	{ "intel_fn12h", offsetof(struct cpuid_raw, fn12h), CPUID_RAW_FN12H },
	{ "intel_fn14h", offsetof(struct cpuid_raw, fn14h), CPUID_RAW_FN14H },
	{ "amd_fn8000001dh", offsetof(struct cpuid_raw, fn8000001dh), CPUID_RAW_FN8000001DH },
};

static struct cpuid_regs *block_entry(struct cpuid_raw *raw, const struct dump_block *b,
				      unsigned i)
{
	return (struct cpuid_regs *)((char *)raw + b->offset) + i;
}

static bool parse_hex32(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* "name[i]=eeeeeeee bbbbbbbb cccccccc dddddddd" into raw; a message in why on failure. */
static bool parse_line(const char *line, size_t len, struct cpuid_raw *raw, bool *seen_basic0,
		       const char **why)
{
	const char *open = memchr(line, '[', len);

	if (!open) {
		*why = "expected NAME[INDEX]=EAX EBX ECX EDX";
		return false;
	}

	size_t nlen = (size_t)(open - line);
	const struct dump_block *b = NULL;

	for (size_t i = 0; i < sizeof(dump_blocks) / sizeof(dump_blocks[0]); i++)
		if (strlen(dump_blocks[i].name) == nlen && !memcmp(dump_blocks[i].name, line, nlen))
			b = &dump_blocks[i];
	if (!b) {
		*why = "unknown block name";
		return false;
	}

	const char *p = open + 1, *end = line + len;
	unsigned idx = 0;
	int digits = 0;

	while (p < end && *p >= '0' && *p <= '9' && digits < 3) {
		idx = idx * 10 + (unsigned)(*p++ - '0');
		digits++;
	}
	if (!digits || p + 2 > end || p[0] != ']' || p[1] != '=') {
		*why = "malformed index";
		return false;
	}
	if (idx >= b->count) {
		*why = "index out of range for this block";
		return false;
	}
	p += 2;

	/* exactly "%08x %08x %08x %08x" */
	if (end - p != 4 * 8 + 3) {
		*why = "expected four 8-digit hex values";
		return false;
	}

	struct cpuid_regs regs;

	for (int r = 0; r < 4; r++, p += 9) {
		if (!parse_hex32(p, &regs.r[r]) || (r < 3 && p[8] != ' ')) {
			*why = "expected four 8-digit hex values";
			return false;
		}
	}
	*block_entry(raw, b, idx) = regs;
	if (b->offset == offsetof(struct cpuid_raw, basic) && idx == 0)
		*seen_basic0 = true;
	return true;
}

int cpuid_raw_parse(const char *text, size_t len, struct cpuid_raw *out, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	bool seen_version = false, seen_basic0 = false;
	unsigned line_no = 0, cpu_headers = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		snprintf(err, errlen, "empty file, not a libcpuid raw CPUID dump");
		return -EINVAL;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "binary data (NUL bytes), not a libcpuid raw CPUID dump");
		return -EINVAL;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *why;

		line_no++;
		if (n > DUMP_LINE_MAX) {
			snprintf(err, errlen, "line %u: longer than %d characters", line_no,
				 DUMP_LINE_MAX);
			return -EINVAL;
		}
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0) {
			/* blank: allowed, it separates CPUs in `cpuid_tool --save` files */
		} else if (n >= 8 && !memcmp(p, "version=", 8)) {
			if (seen_version && cpu_headers < 2) {
				snprintf(err, errlen, "line %u: second version line", line_no);
				return -EINVAL;
			}
			seen_version = true;
		} else if (n > 18 && p[0] == '_' && memmem(p, n, "Logical CPU #", 13)) {
			/* `cpuid_tool --save` writes one block per CPU: keep the first */
			if (++cpu_headers > 1)
				break;
		} else if (!parse_line(p, n, out, &seen_basic0, &why)) {
			snprintf(err, errlen, "line %u: %s", line_no, why);
			return -EINVAL;
		}
		p = nl ? nl + 1 : end;
	}
	if (!seen_version) {
		snprintf(err, errlen, "no 'version=' line: not a libcpuid raw CPUID dump");
		return -EINVAL;
	}
	if (!seen_basic0) {
		snprintf(err, errlen, "no basic_cpuid[0] line: the dump holds no CPU");
		return -EINVAL;
	}
	return 0;
}

int cpuid_raw_format(const struct cpuid_raw *raw, char **out, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);

	if (!mem)
		return -ENOMEM;
	fprintf(mem, "version=0.6.2\n");
	for (size_t b = 0; b < sizeof(dump_blocks) / sizeof(dump_blocks[0]); b++) {
		for (unsigned i = 0; i < dump_blocks[b].count; i++) {
			const struct cpuid_regs *r =
				block_entry((struct cpuid_raw *)raw, &dump_blocks[b], i);

			fprintf(mem, "%s[%u]=%08x %08x %08x %08x\n", dump_blocks[b].name, i,
				r->r[0], r->r[1], r->r[2], r->r[3]);
		}
	}
	if (fclose(mem) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	*len = size;
	return 0;
}

#if defined(__i386__) || defined(__x86_64__)
static void cpuid_exec(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	unsigned a, b, c, d;

	__cpuid_count(leaf, subleaf, a, b, c, d);
	out->r[CPUID_EAX] = a;
	out->r[CPUID_EBX] = b;
	out->r[CPUID_ECX] = c;
	out->r[CPUID_EDX] = d;
}

int cpuid_raw_read_live(struct cpuid_raw *out)
{
	memset(out, 0, sizeof(*out));
	cpuid_exec(0, 0, &out->basic[0]);

	uint32_t max = out->basic[0].r[CPUID_EAX];

	for (uint32_t i = 1; i < CPUID_RAW_BASIC && i <= max; i++)
		cpuid_exec(i, 0, &out->basic[i]);
	cpuid_exec(LEAF_EXT_BASE, 0, &out->ext[0]);

	uint32_t xmax = out->ext[0].r[CPUID_EAX];

	if ((xmax & EXT_RANGE_MASK) == LEAF_EXT_BASE)
		for (uint32_t i = 1; i < CPUID_RAW_EXT && LEAF_EXT_BASE + i <= xmax; i++)
			cpuid_exec(LEAF_EXT_BASE + i, 0, &out->ext[i]);
	if (max >= 4)
		for (uint32_t i = 0; i < CPUID_RAW_FN4; i++)
			cpuid_exec(4, i, &out->fn4[i]);
	if (max >= 0xB)
		for (uint32_t i = 0; i < CPUID_RAW_FN11; i++)
			cpuid_exec(0xB, i, &out->fn11[i]);
	if (max >= 0x12)
		for (uint32_t i = 0; i < CPUID_RAW_FN12H; i++)
			cpuid_exec(0x12, i, &out->fn12h[i]);
	if (max >= 0x14)
		for (uint32_t i = 0; i < CPUID_RAW_FN14H; i++)
			cpuid_exec(0x14, i, &out->fn14h[i]);
	if ((xmax & EXT_RANGE_MASK) == LEAF_EXT_BASE && xmax >= 0x8000001Du)
		for (uint32_t i = 0; i < CPUID_RAW_FN8000001DH; i++)
			cpuid_exec(0x8000001Du, i, &out->fn8000001dh[i]);
	/* leaves 0x40000000+ are defined only under a hypervisor (CPUID.1:ECX[31]) */
	for (uint32_t i = 0; i < CPUID_RAW_HV; i++)
		cpuid_exec(LEAF_HV_BASE + i, 0, &out->hv[i]);
	out->hv_known = true;
	return 0;
}
#else
int cpuid_raw_read_live(struct cpuid_raw *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}
#endif

static bool ext_leaf_valid(const struct cpuid_raw *raw, uint32_t leaf)
{
	uint32_t xmax = raw->ext[0].r[CPUID_EAX];

	return (xmax & EXT_RANGE_MASK) == LEAF_EXT_BASE && leaf <= xmax;
}

bool cpuid_raw_leaf(const struct cpuid_raw *raw, uint32_t leaf, uint32_t subleaf,
		    struct cpuid_regs *out)
{
	uint32_t max = raw->basic[0].r[CPUID_EAX];
	const struct cpuid_regs *src = NULL;

	memset(out, 0, sizeof(*out));
	if (leaf < LEAF_HV_BASE) {
		if (leaf > max)
			return false;
		switch (leaf) {
		case 4:
			src = subleaf < CPUID_RAW_FN4 ? &raw->fn4[subleaf] : NULL;
			break;
		case 0xB:
			src = subleaf < CPUID_RAW_FN11 ? &raw->fn11[subleaf] : NULL;
			break;
		case 0x12:
			src = subleaf < CPUID_RAW_FN12H ? &raw->fn12h[subleaf] : NULL;
			break;
		case 0x14:
			src = subleaf < CPUID_RAW_FN14H ? &raw->fn14h[subleaf] : NULL;
			break;
		default:
			/* the format holds sub-leaf 0 only */
			src = leaf < CPUID_RAW_BASIC && subleaf == 0 ? &raw->basic[leaf] : NULL;
			break;
		}
	} else if (leaf < LEAF_HV_BASE + CPUID_RAW_HV) {
		src = raw->hv_known && subleaf == 0 ? &raw->hv[leaf - LEAF_HV_BASE] : NULL;
	} else if (leaf >= LEAF_EXT_BASE && leaf < LEAF_EXT_BASE + CPUID_RAW_EXT) {
		if (!ext_leaf_valid(raw, leaf))
			return false;
		if (leaf == LEAF_SVM && !(raw->ext[1].r[CPUID_ECX] >> SVM_BIT_ECX & 1))
			return false;	/* APM: Fn8000_000A is reserved without SVM */
		if (leaf == 0x8000001Du)
			src = subleaf < CPUID_RAW_FN8000001DH ? &raw->fn8000001dh[subleaf] : NULL;
		else
			src = subleaf == 0 ? &raw->ext[leaf - LEAF_EXT_BASE] : NULL;
	}
	if (!src)
		return false;
	*out = *src;
	return true;
}

int cpuid_raw_bit(const struct cpuid_raw *raw, const struct cpuid_bit *bit)
{
	struct cpuid_regs regs;

	if (!cpuid_raw_leaf(raw, bit->leaf, bit->subleaf, &regs))
		return -1;
	return (int)(regs.r[bit->reg] >> bit->bit & 1);
}

void cpuid_raw_vendor(const struct cpuid_raw *raw, char out[13])
{
	memcpy(out, &raw->basic[0].r[CPUID_EBX], 4);
	memcpy(out + 4, &raw->basic[0].r[CPUID_EDX], 4);
	memcpy(out + 8, &raw->basic[0].r[CPUID_ECX], 4);
	out[12] = '\0';
}

bool cpuid_raw_safe_for_libcpuid(const struct cpuid_raw *raw, const char **why)
{
	unsigned caches = 0;

	for (unsigned i = 0; i < CPUID_RAW_FN4; i++)
		if (raw->fn4[i].r[CPUID_EAX] & FN4_CACHE_TYPE_MASK)
			caches++;
	if (caches > LIBCPUID_FN4_SAFE) {
		*why = "the dump lists six or more caches in leaf 4, on which libcpuid 0.6.2 "
		       "overflows a stack buffer";
		return false;
	}
	char vendor[13];

	cpuid_raw_vendor(raw, vendor);
	for (size_t i = 0; i < 12; i++) {
		if ((unsigned char)vendor[i] < 0x20 || (unsigned char)vendor[i] > 0x7e) {
			*why = "the vendor string is not printable";
			return false;
		}
	}
	return true;
}
