/* SPDX-License-Identifier: MIT */
/*
 * Raw CPUID data of one logical CPU, as captured: from the live CPU, or from a libcpuid raw dump
 * (the format `cpuid_tool --save` and libcpuid's cpuid_serialize_raw_data() write).
 *
 * The decoders work only on this captured data and never execute CPUID themselves. A dump is
 * untrusted input: cpuid_raw_parse() validates it completely before anything uses it, and
 * cpuid_raw_safe_for_libcpuid() says whether libcpuid 0.6.2 may be given it (it overflows a stack
 * buffer on some inputs).
 *
 * Hypervisor leaves 0x40000000+ are not part of the libcpuid format: they are kept separately
 * (hv, hv_known) and come from the live CPU or from the facts of a captured root.
 */
#ifndef VIRTCAP_CPUID_RAW_H
#define VIRTCAP_CPUID_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Array sizes of the libcpuid 0.6.2 raw format (one block per line prefix). */
#define CPUID_RAW_BASIC 32	/* basic_cpuid[i]: CPUID(i) */
#define CPUID_RAW_EXT 32	/* ext_cpuid[i]: CPUID(0x80000000 + i) */
#define CPUID_RAW_FN4 8		/* intel_fn4[i]: CPUID(4, i) */
#define CPUID_RAW_FN11 4	/* intel_fn11[i]: CPUID(0xB, i) */
#define CPUID_RAW_FN12H 4	/* intel_fn12h[i]: CPUID(0x12, i) */
#define CPUID_RAW_FN14H 4	/* intel_fn14h[i]: CPUID(0x14, i) */
#define CPUID_RAW_FN8000001DH 4	/* amd_fn8000001dh[i]: CPUID(0x8000001D, i) */
#define CPUID_RAW_HV 2		/* CPUID(0x40000000 + i) */

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX };

struct cpuid_regs {
	uint32_t r[4];		/* indexed by enum cpuid_reg */
};

struct cpuid_raw {
	struct cpuid_regs basic[CPUID_RAW_BASIC];
	struct cpuid_regs ext[CPUID_RAW_EXT];
	struct cpuid_regs fn4[CPUID_RAW_FN4];
	struct cpuid_regs fn11[CPUID_RAW_FN11];
	struct cpuid_regs fn12h[CPUID_RAW_FN12H];
	struct cpuid_regs fn14h[CPUID_RAW_FN14H];
	struct cpuid_regs fn8000001dh[CPUID_RAW_FN8000001DH];
	struct cpuid_regs hv[CPUID_RAW_HV];
	bool hv_known;		/* hv[] holds real data (live CPU or recorded facts) */
};

/* One CPUID feature bit, described as data. */
struct cpuid_bit {
	uint32_t leaf;
	uint32_t subleaf;
	enum cpuid_reg reg;
	unsigned bit;
};

/*
 * Parse a libcpuid raw dump held in text[0..len). Accepts the single-CPU form and the
 * `cpuid_tool --save` multi-CPU form (the first CPU is used). Returns 0, or -EINVAL with a
 * message in err that names the line and the problem.
 */
int cpuid_raw_parse(const char *text, size_t len, struct cpuid_raw *out, char *err, size_t errlen);

/* Write the dump in the libcpuid single-CPU format into a new buffer (caller frees). */
int cpuid_raw_format(const struct cpuid_raw *raw, char **out, size_t *len);

/* Capture the live CPU this thread runs on, hypervisor leaves included. Returns 0. */
int cpuid_raw_read_live(struct cpuid_raw *out);

/*
 * The registers of CPUID(leaf, subleaf) if the dump holds that leaf and the CPU declares it
 * valid (leaf <= the maximum of its range); else false and *out zeroed.
 */
bool cpuid_raw_leaf(const struct cpuid_raw *raw, uint32_t leaf, uint32_t subleaf,
		    struct cpuid_regs *out);

/* A feature bit: 1 set, 0 clear, -1 when its leaf is not valid on this CPU. */
int cpuid_raw_bit(const struct cpuid_raw *raw, const struct cpuid_bit *bit);

/* The 12-character vendor string of CPUID(0) (EBX, EDX, ECX), NUL-terminated in out[13]. */
void cpuid_raw_vendor(const struct cpuid_raw *raw, char out[13]);

/* Whether libcpuid 0.6.2's cpu_identify() can be given this dump without known crashes. */
bool cpuid_raw_safe_for_libcpuid(const struct cpuid_raw *raw, const char **why);

#endif
