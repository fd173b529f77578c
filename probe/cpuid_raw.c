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
#define LEAF_AMD_CACHE 0x8000001Du	/* AMD cache topology, sub-leaves like Intel's leaf 4 */
#define EXT_RANGE_MASK 0xFFFF0000u	/* a real extended maximum reads 0x8000xxxx */
#define SVM_BIT_ECX 2			/* CPUID 0x80000001 ECX[2] */
#define HEX_WORD_LEN 8			/* "%08x" */
#define REGS_TEXT_LEN (4 * HEX_WORD_LEN + 3)	/* four words and three spaces */
#define INDEX_DIGITS_MAX 3		/* the largest block has 32 entries */
#define CPU_NUMBER_DIGITS_MAX 5		/* "Logical CPU #N" of a --save file: N < 100000 */
#define DUMP_LINE_MAX 256		/* the longest valid line is 59 bytes */
#define DUMP_TEXT_MAX (4u << 20)	/* as ROOT_READ_MAX; a real dump is about 6 KiB per CPU */
#define FN4_CACHE_TYPE_MASK 0x1Fu	/* CPUID(4).EAX[4:0]: 0 = no more caches */
/*
 * libcpuid 0.6.2 decode_deterministic_cache_info_x86() writes internal->cache_mask[i] for every
 * leaf-4 entry it walks, but cache_mask has NUM_CACHE_TYPES (5) slots: a sixth valid entry
 * writes past it, into cpu_identify()'s stack frame.
 */
#define LIBCPUID_CACHE_SLOTS 5

static const char version_key[] = "version=";
static const char cpu_header_head[] = "_________________ Logical CPU #";
static const char cpu_header_tail[] = " _________________";

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

#define DUMP_BLOCKS (sizeof(dump_blocks) / sizeof(dump_blocks[0]))

static const struct cpuid_regs *block_entry(const struct cpuid_raw *raw,
					    const struct dump_block *b, unsigned i)
{
	return (const struct cpuid_regs *)((const char *)raw + b->offset) + i;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly eight hex digits (either case, as libcpuid's reader accepts) at p. */
static bool parse_hex32(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < HEX_WORD_LEN; i++) {
		char c = p[i];
		unsigned d;

		if (is_digit(c))
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

/* A decimal number of 1..max_digits digits without leading zeros; returns the end or NULL. */
static const char *parse_index(const char *p, const char *end, int max_digits, unsigned *out)
{
	unsigned v = 0;
	int digits = 0;

	while (p < end && is_digit(*p)) {
		if (++digits > max_digits)
			return NULL;
		v = v * 10 + (unsigned)(*p++ - '0');
	}
	if (!digits || (digits > 1 && p[-digits] == '0'))
		return NULL;
	*out = v;
	return p;
}

/* "version=X.Y.Z": libcpuid writes its release; the line layout is the same since 0.4. */
static bool is_version_line(const char *line, size_t len)
{
	size_t klen = sizeof(version_key) - 1;
	unsigned dots = 0, part;
	const char *p = line + klen, *end = line + len;

	if (len <= klen || memcmp(line, version_key, klen))
		return false;
	for (;;) {
		p = parse_index(p, end, INDEX_DIGITS_MAX, &part);
		if (!p)
			return false;
		if (p == end)
			return dots >= 1;
		if (*p++ != '.' || ++dots > 3)
			return false;
	}
}

/* "_________________ Logical CPU #N _________________" of `cpuid_tool --save`; N in *cpu. */
static bool is_cpu_header(const char *line, size_t len, unsigned *cpu)
{
	size_t hlen = sizeof(cpu_header_head) - 1, tlen = sizeof(cpu_header_tail) - 1;

	if (len <= hlen + tlen || memcmp(line, cpu_header_head, hlen) ||
	    memcmp(line + len - tlen, cpu_header_tail, tlen))
		return false;
	return parse_index(line + hlen, line + len - tlen, CPU_NUMBER_DIGITS_MAX, cpu) ==
	       line + len - tlen;
}

/* "name[i]=eeeeeeee bbbbbbbb cccccccc dddddddd" into raw; a message in why on failure. */
static bool parse_regs_line(const char *line, size_t len, struct cpuid_raw *raw,
			    bool *seen_basic0, const char **why)
{
	const char *open = memchr(line, '[', len), *end = line + len, *p;
	const struct dump_block *b = NULL;
	unsigned idx;

	if (!open) {
		*why = "not a libcpuid line: expected NAME[INDEX]=EAX EBX ECX EDX";
		return false;
	}
	for (size_t i = 0; i < DUMP_BLOCKS; i++)
		if (strlen(dump_blocks[i].name) == (size_t)(open - line) &&
		    !memcmp(dump_blocks[i].name, line, (size_t)(open - line)))
			b = &dump_blocks[i];
	if (!b) {
		*why = "unknown block name (expected basic_cpuid, ext_cpuid, intel_fn4, intel_fn11, "
		       "intel_fn12h, intel_fn14h or amd_fn8000001dh)";
		return false;
	}
	p = parse_index(open + 1, end, INDEX_DIGITS_MAX, &idx);
	if (!p || end - p < 2 || p[0] != ']' || p[1] != '=') {
		*why = "malformed index: expected [N]= with a decimal N";
		return false;
	}
	if (idx >= b->count) {
		*why = "index out of range for this block";
		return false;
	}
	p += 2;

	struct cpuid_regs regs;

	/* exactly "%08x %08x %08x %08x": nothing before, between or after */
	for (int r = 0; r < 4; r++, p += HEX_WORD_LEN + 1) {
		if (end - p < HEX_WORD_LEN || !parse_hex32(p, &regs.r[r]) ||
		    (r < 3 && (end - p == HEX_WORD_LEN || p[HEX_WORD_LEN] != ' '))) {
			*why = "expected four 8-digit hex values separated by single spaces";
			return false;
		}
	}
	if (end - (p - 1) != 0) {
		*why = "unexpected text after the four hex values";
		return false;
	}
	/* a repeated line within the CPU's block replaces the earlier one, as in libcpuid */
	*(struct cpuid_regs *)block_entry(raw, b, idx) = regs;
	if (b->offset == offsetof(struct cpuid_raw, basic) && idx == 0)
		*seen_basic0 = true;
	return true;
}

struct parse_state {
	unsigned line_no;
	unsigned cpu_headers;	/* "Logical CPU #N" lines seen */
	bool seen_regs;		/* a register line was read */
	bool seen_basic0;
	bool done;		/* the first CPU's block has ended */
};

/* One line (without its newline). Returns NULL, or the problem. */
static const char *parse_one_line(struct parse_state *st, const char *p, size_t n,
				  struct cpuid_raw *out)
{
	const char *why = NULL;
	unsigned cpu;

	if (n && p[n - 1] == '\r')
		n--;	/* a dump that went through a Windows editor */
	if (st->line_no == 1)
		return is_version_line(p, n) ? NULL : "no 'version=' line: a libcpuid raw CPUID "
		       "dump starts with version=X.Y.Z";
	if (n == 0)
		return NULL;	/* `cpuid_tool --save` puts a blank line before each CPU */
	if (n >= sizeof(version_key) - 1 && !memcmp(p, version_key, sizeof(version_key) - 1))
		return "a second version line";
	if (is_cpu_header(p, n, &cpu)) {
		/* multi-CPU form: CPU #0 is used, the next header ends its block */
		if (st->cpu_headers++ > 0) {
			st->done = true;
			return NULL;
		}
		if (st->seen_regs)
			return "'Logical CPU' header after register lines (single- and multi-CPU "
			       "forms mixed)";
		return cpu == 0 ? NULL : "the first 'Logical CPU' header is not #0";
	}
	if (!parse_regs_line(p, n, out, &st->seen_basic0, &why))
		return why;
	st->seen_regs = true;
	return NULL;
}

int cpuid_raw_parse(const char *text, size_t len, struct cpuid_raw *out, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	struct parse_state st = { 0 };

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		snprintf(err, errlen, "empty file, not a libcpuid raw CPUID dump");
		return -EINVAL;
	}
	if (len > DUMP_TEXT_MAX) {
		snprintf(err, errlen, "%zu bytes: too large for a libcpuid raw CPUID dump (at most %u)",
			 len, DUMP_TEXT_MAX);
		return -EINVAL;
	}
	/* binary data is named as such, whichever line it shows up on first */
	const char *nul = memchr(text, '\0', len);

	if (nul) {
		unsigned line = 1;

		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		snprintf(err, errlen, "line %u: NUL byte: binary data, not a libcpuid raw CPUID dump",
			 line);
		return -EINVAL;
	}
	while (p < end && !st.done) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *why;

		st.line_no++;
		if (n > DUMP_LINE_MAX)
			why = "line too long for a libcpuid raw CPUID dump";
		else
			why = parse_one_line(&st, p, n, out);
		if (why) {
			snprintf(err, errlen, "line %u: %s", st.line_no, why);
			memset(out, 0, sizeof(*out));
			return -EINVAL;
		}
		p = nl ? nl + 1 : end;
	}
	if (!st.seen_basic0) {
		snprintf(err, errlen, "no basic_cpuid[0] line: the dump holds no CPU");
		memset(out, 0, sizeof(*out));
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
	fprintf(mem, "%s0.6.2\n", version_key);
	for (size_t b = 0; b < DUMP_BLOCKS; b++) {
		for (unsigned i = 0; i < dump_blocks[b].count; i++) {
			const struct cpuid_regs *r = block_entry(raw, &dump_blocks[b], i);

			fprintf(mem, "%s[%u]=%08x %08x %08x %08x\n", dump_blocks[b].name, i,
				r->r[CPUID_EAX], r->r[CPUID_EBX], r->r[CPUID_ECX], r->r[CPUID_EDX]);
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

/* count sub-leaves of leaf into regs when the leaf is within max (its range's maximum) */
static void cpuid_exec_subleaves(uint32_t leaf, uint32_t max, struct cpuid_regs *regs,
				 unsigned count)
{
	if (leaf > max)
		return;
	for (unsigned i = 0; i < count; i++)
		cpuid_exec(leaf, i, &regs[i]);
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

	if ((xmax & EXT_RANGE_MASK) != LEAF_EXT_BASE)
		xmax = 0;	/* no extended range: nothing above 0x80000000 is defined */
	for (uint32_t i = 1; i < CPUID_RAW_EXT && LEAF_EXT_BASE + i <= xmax; i++)
		cpuid_exec(LEAF_EXT_BASE + i, 0, &out->ext[i]);
	cpuid_exec_subleaves(4, max, out->fn4, CPUID_RAW_FN4);
	cpuid_exec_subleaves(0xB, max, out->fn11, CPUID_RAW_FN11);
	cpuid_exec_subleaves(0x12, max, out->fn12h, CPUID_RAW_FN12H);
	cpuid_exec_subleaves(0x14, max, out->fn14h, CPUID_RAW_FN14H);
	if (xmax)
		cpuid_exec_subleaves(LEAF_AMD_CACHE, xmax, out->fn8000001dh, CPUID_RAW_FN8000001DH);
	/*
	 * Leaves 0x40000000+ mean something only under a hypervisor (CPUID.1:ECX[31]); on bare
	 * metal they return other data (Intel: its highest basic leaf). Kept as read: the decoder
	 * looks at the hypervisor bit before trusting them.
	 */
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

/* The stored registers of a basic leaf, sub-leaf arrays included; NULL when not held. */
static const struct cpuid_regs *basic_source(const struct cpuid_raw *raw, uint32_t leaf,
					     uint32_t subleaf)
{
	switch (leaf) {
	case 4:
		return subleaf < CPUID_RAW_FN4 ? &raw->fn4[subleaf] : NULL;
	case 0xB:
		return subleaf < CPUID_RAW_FN11 ? &raw->fn11[subleaf] : NULL;
	case 0x12:
		return subleaf < CPUID_RAW_FN12H ? &raw->fn12h[subleaf] : NULL;
	case 0x14:
		return subleaf < CPUID_RAW_FN14H ? &raw->fn14h[subleaf] : NULL;
	default:
		/* the format holds sub-leaf 0 only */
		return leaf < CPUID_RAW_BASIC && subleaf == 0 ? &raw->basic[leaf] : NULL;
	}
}

static const struct cpuid_regs *ext_source(const struct cpuid_raw *raw, uint32_t leaf,
					   uint32_t subleaf)
{
	if (leaf - LEAF_EXT_BASE >= CPUID_RAW_EXT || !ext_leaf_valid(raw, leaf))
		return NULL;
	/* APM: Fn8000_000A is reserved without SVM (some dumps hold stale data there) */
	if (leaf == LEAF_SVM && !(raw->ext[1].r[CPUID_ECX] >> SVM_BIT_ECX & 1))
		return NULL;
	if (leaf == LEAF_AMD_CACHE)
		return subleaf < CPUID_RAW_FN8000001DH ? &raw->fn8000001dh[subleaf] : NULL;
	return subleaf == 0 ? &raw->ext[leaf - LEAF_EXT_BASE] : NULL;
}

bool cpuid_raw_leaf(const struct cpuid_raw *raw, uint32_t leaf, uint32_t subleaf,
		    struct cpuid_regs *out)
{
	const struct cpuid_regs *src = NULL;

	memset(out, 0, sizeof(*out));
	if (leaf < LEAF_HV_BASE) {
		if (leaf <= raw->basic[0].r[CPUID_EAX])
			src = basic_source(raw, leaf, subleaf);
	} else if (leaf - LEAF_HV_BASE < CPUID_RAW_HV) {
		if (raw->hv_known && subleaf == 0)
			src = &raw->hv[leaf - LEAF_HV_BASE];
	} else if (leaf >= LEAF_EXT_BASE) {
		src = ext_source(raw, leaf, subleaf);
	}
	if (!src)
		return false;
	*out = *src;
	return true;
}

int cpuid_raw_bit(const struct cpuid_raw *raw, const struct cpuid_bit *bit)
{
	struct cpuid_regs regs;

	if (bit->reg > CPUID_EDX || bit->bit > 31 ||
	    !cpuid_raw_leaf(raw, bit->leaf, bit->subleaf, &regs))
		return -1;
	return (int)(regs.r[bit->reg] >> bit->bit & 1);
}

void cpuid_raw_vendor(const struct cpuid_raw *raw, char out[13])
{
	/* the vendor string is EBX, EDX, ECX in that order (SDM vol. 2A, CPUID leaf 0) */
	memcpy(out, &raw->basic[0].r[CPUID_EBX], 4);
	memcpy(out + 4, &raw->basic[0].r[CPUID_EDX], 4);
	memcpy(out + 8, &raw->basic[0].r[CPUID_ECX], 4);
	out[12] = '\0';
}

/*
 * The hazards of libcpuid 0.6.2 with a dump:
 *   - cpu_identify() walks intel_fn4 (on Intel CPUs with maximum basic leaf >= 4) until an
 *     entry whose level or type field is 0, and writes a 5-slot array for each entry: a sixth
 *     smashes its stack. Refused here whenever six entries have a non-zero type (EAX[4:0]),
 *     whatever the vendor and the maximum leaf: a superset of the cases it walks into.
 *   - cpuid_get_hypervisor() and cpu_identify(NULL) execute CPUID on this CPU whatever dump is
 *     given: the caller never uses them on a dump (nothing to check here).
 *   - its warnings go to stderr unless cpuid_set_warn_function() silences them (the caller's job).
 */
bool cpuid_raw_safe_for_libcpuid(const struct cpuid_raw *raw, const char **why)
{
	unsigned caches = 0;

	for (unsigned i = 0; i < CPUID_RAW_FN4; i++)
		if (raw->fn4[i].r[CPUID_EAX] & FN4_CACHE_TYPE_MASK)
			caches++;
	if (caches > LIBCPUID_CACHE_SLOTS) {
		*why = "intel_fn4 lists six or more caches, on which libcpuid 0.6.2's "
		       "cpu_identify() overflows a stack buffer";
		return false;
	}
	*why = NULL;
	return true;
}
