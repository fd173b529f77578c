// SPDX-License-Identifier: MIT
/*
 * probe/cpuid_raw.c on its own: the libcpuid raw format round-trips through cpuid_raw_format()
 * and cpuid_raw_parse() (byte for byte on the reference dumps when they are there), the
 * `cpuid_tool --save` multi-CPU form gives CPU #0, every malformed line is refused with its line
 * number, the validity rules of the SDM/APM hold (leaves above the maximum, Fn8000_000A without
 * SVM, sub-leaf arrays, hypervisor leaves), and the libcpuid 0.6.2 leaf-4 hazard is detected.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/cpuid_raw.h"
#include "tests/tap.h"

#define DUMP_LINES 89	/* version + 32 + 32 + 8 + 4 + 4 + 4 + 4 */
#define ZERO_REGS "00000000 00000000 00000000 00000000"

static void fill_pattern(struct cpuid_raw *raw)
{
	uint32_t *w = (uint32_t *)raw;
	size_t n = offsetof(struct cpuid_raw, hv) / sizeof(uint32_t);

	memset(raw, 0, sizeof(*raw));
	for (size_t i = 0; i < n; i++)
		w[i] = (uint32_t)(i * 0x9E3779B9u);	/* every word different, all hex digits */
}

static int count_lines(const char *s, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void test_roundtrip_synthetic(void)
{
	struct cpuid_raw a, b;
	char *text = NULL, err[256] = "";
	size_t len = 0;

	fill_pattern(&a);
	ok(cpuid_raw_format(&a, &text, &len) == 0 && text, "cpuid_raw_format() writes a dump");
	is_int(count_lines(text, len), DUMP_LINES, "of 89 lines, as libcpuid 0.6.2 writes");
	ok(len > 14 && !memcmp(text, "version=0.6.2\n", 14), "starting with version=0.6.2");
	ok(cpuid_raw_parse(text, len, &b, err, sizeof(err)) == 0, "which parses back (%s)", err);
	ok(!memcmp(&a, &b, sizeof(a)), "to the same registers");
	free(text);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);

	*len = 0;
	if (f && buf)
		*len = fread(buf, 1, (1 << 16) - 1, f);
	if (f)
		fclose(f);
	return buf;
}

/* Every reference dump: parse, format, and get the same bytes back. */
static void test_roundtrip_fixtures(void)
{
	const char *fx = getenv("VIRTCAP_FIXTURES");
	char dir[4096], path[8192], err[256];
	struct dirent *de;
	DIR *d;
	int files = 0, bad = 0;

	if (!fx) {
		tap_skip("VIRTCAP_FIXTURES not set: no reference dumps to round-trip");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/cpuid", fx);
	d = opendir(dir);
	if (!d) {
		tap_skip("no %s: no reference dumps to round-trip", dir);
		return;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name), len, olen;
		struct cpuid_raw raw;
		char *text, *out = NULL;

		if (n < 5 || strcmp(de->d_name + n - 4, ".raw"))
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		text = slurp(path, &len);
		if (!text || cpuid_raw_parse(text, len, &raw, err, sizeof(err)) ||
		    cpuid_raw_format(&raw, &out, &olen) || olen != len || memcmp(out, text, len)) {
			diag("%s does not round-trip: %s", de->d_name, err);
			bad++;
		}
		free(text);
		free(out);
	}
	closedir(d);
	ok(files > 0 && bad == 0, "%d reference dumps parse and format back byte for byte", files);
}

static void test_multi_cpu(void)
{
	static const char save[] =
		"version=0.6.2\n"
		"\n"
		"_________________ Logical CPU #0 _________________\n"
		"basic_cpuid[0]=0000000d 756e6547 6c65746e 49656e69\n"
		"basic_cpuid[1]=11111111 " "00000000 00000000 00000000\n"
		"basic_cpuid[1]=22222222 " "00000000 00000000 00000000\n"
		"\n"
		"_________________ Logical CPU #1 _________________\n"
		"basic_cpuid[0]=00000016 68747541 444d4163 69746e65\n"
		"basic_cpuid[1]=33333333 " "00000000 00000000 00000000\n";
	struct cpuid_raw raw;
	char err[256] = "", vendor[13];

	ok(cpuid_raw_parse(save, sizeof(save) - 1, &raw, err, sizeof(err)) == 0,
	   "a cpuid_tool --save file parses (%s)", err);
	cpuid_raw_vendor(&raw, vendor);
	is_string(vendor, "GenuineIntel", "CPU #0 is used, not CPU #1");
	is_int(raw.basic[1].r[CPUID_EAX], 0x22222222, "a repeated line within CPU #0 wins over "
	       "the earlier one; CPU #1's does not");
}

struct bad_case {
	const char *what;
	const char *text;
	const char *want;	/* in the error message */
};

static const struct bad_case bad_cases[] = {
	{ "an empty file", "", "empty" },
	{ "a dump without CPUs", "version=0.6.2\n", "no basic_cpuid[0]" },
	{ "no version line", "basic_cpuid[0]=" ZERO_REGS "\n", "line 1: no 'version=' line" },
	{ "a wrong version", "version=banana\n", "line 1: no 'version=' line" },
	{ "a blank first line", "\nversion=0.6.2\n", "line 1:" },
	{ "a second version line", "version=0.6.2\nversion=0.6.2\n", "line 2: a second version" },
	{ "an unknown block", "version=0.6.2\nbasic_cpu[0]=" ZERO_REGS "\n",
	  "line 2: unknown block" },
	{ "a line without [", "version=0.6.2\nhello\n", "line 2: not a libcpuid line" },
	{ "basic_cpuid[32]", "version=0.6.2\nbasic_cpuid[32]=" ZERO_REGS "\n",
	  "line 2: index out of range" },
	{ "ext_cpuid[32]", "version=0.6.2\next_cpuid[32]=" ZERO_REGS "\n",
	  "line 2: index out of range" },
	{ "intel_fn4[8]", "version=0.6.2\nintel_fn4[8]=" ZERO_REGS "\n", "index out of range" },
	{ "intel_fn11[4]", "version=0.6.2\nintel_fn11[4]=" ZERO_REGS "\n", "index out of range" },
	{ "intel_fn12h[4]", "version=0.6.2\nintel_fn12h[4]=" ZERO_REGS "\n", "index out of range" },
	{ "intel_fn14h[4]", "version=0.6.2\nintel_fn14h[4]=" ZERO_REGS "\n", "index out of range" },
	{ "amd_fn8000001dh[4]", "version=0.6.2\namd_fn8000001dh[4]=" ZERO_REGS "\n",
	  "index out of range" },
	{ "a huge index", "version=0.6.2\nbasic_cpuid[4294967297]=" ZERO_REGS "\n",
	  "malformed index" },
	{ "a negative index", "version=0.6.2\nbasic_cpuid[-1]=" ZERO_REGS "\n", "malformed index" },
	{ "a leading zero", "version=0.6.2\nbasic_cpuid[01]=" ZERO_REGS "\n", "malformed index" },
	{ "no =", "version=0.6.2\nbasic_cpuid[0] " ZERO_REGS "\n", "malformed index" },
	{ "seven digits", "version=0.6.2\nbasic_cpuid[0]=0000000 00000000 00000000 00000000\n",
	  "line 2: expected four" },
	{ "three words", "version=0.6.2\nbasic_cpuid[0]=00000000 00000000 00000000\n",
	  "line 2: expected four" },
	{ "five words", "version=0.6.2\nbasic_cpuid[0]=" ZERO_REGS " 00000000\n", "line 2:" },
	{ "a trailing space", "version=0.6.2\nbasic_cpuid[0]=" ZERO_REGS " \n", "line 2:" },
	{ "two spaces", "version=0.6.2\nbasic_cpuid[0]=00000000  0000000 00000000 00000000\n",
	  "line 2: expected four" },
	{ "a 0x prefix", "version=0.6.2\nbasic_cpuid[0]=0x000000 00000000 00000000 00000000\n",
	  "line 2: expected four" },
	{ "a truncated last line", "version=0.6.2\nbasic_cpuid[0]=00000000 0000", "line 2:" },
	{ "a header after registers", "version=0.6.2\nbasic_cpuid[0]=" ZERO_REGS "\n"
	  "_________________ Logical CPU #0 _________________\n", "line 3: 'Logical CPU' header" },
	{ "a first header not #0", "version=0.6.2\n\n"
	  "_________________ Logical CPU #3 _________________\n", "line 3: the first" },
	{ "a mangled header", "version=0.6.2\n\n_____ Logical CPU #0 _____\n", "line 3:" },
};

static void test_bad_lines(void)
{
	struct cpuid_raw raw;
	char err[256];

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int rc;

		err[0] = '\0';
		rc = cpuid_raw_parse(c->text, strlen(c->text), &raw, err, sizeof(err));
		ok(rc == -EINVAL && strstr(err, c->want), "refused: %s", c->what);
		if (rc != -EINVAL || !strstr(err, c->want))
			diag("rc %d, message '%s', wanted '%s'", rc, err, c->want);
	}

	static const char nul[] = "version=0.6.2\nbasic_cpuid[0]=0000\0000 " ZERO_REGS "\n";

	err[0] = '\0';
	ok(cpuid_raw_parse(nul, sizeof(nul) - 1, &raw, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "line 2: NUL"), "refused: a NUL byte (%s)", err);

	size_t big = (4u << 20) + 1;
	char *huge = malloc(big);

	if (!huge)
		tap_bail("out of memory");
	memset(huge, '\n', big);
	memcpy(huge, "version=0.6.2\n", 14);
	err[0] = '\0';
	ok(cpuid_raw_parse(huge, big, &raw, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "too large"), "refused: more than 4 MiB (%s)", err);
	free(huge);

	char longline[400];

	snprintf(longline, sizeof(longline), "version=0.6.2\nbasic_cpuid[0]=%0300d\n", 0);
	err[0] = '\0';
	ok(cpuid_raw_parse(longline, strlen(longline), &raw, err, sizeof(err)) == -EINVAL &&
	   strstr(err, "line 2: line too long"), "refused: a 315-character line (%s)", err);

	static const char crlf[] = "version=0.6.2\r\nbasic_cpuid[0]=00000001 756E6547 6C65746E "
				   "49656E69\r\n";

	err[0] = '\0';
	ok(cpuid_raw_parse(crlf, sizeof(crlf) - 1, &raw, err, sizeof(err)) == 0 &&
	   raw.basic[0].r[CPUID_EBX] == 0x756e6547, "accepted: CRLF line ends, upper-case hex (%s)",
	   err);
}

/* A CPU: Intel-like vendor, max basic leaf 0xB, max extended leaf 0x8000000A. */
static void base_cpu(struct cpuid_raw *raw)
{
	memset(raw, 0, sizeof(*raw));
	raw->basic[0] = (struct cpuid_regs){ { 0xB, 0x756e6547, 0x6c65746e, 0x49656e69 } };
	for (unsigned i = 1; i < CPUID_RAW_BASIC; i++)
		raw->basic[i].r[CPUID_EDX] = 0xFFFFFFFF;	/* stale data above the maximum */
	raw->ext[0].r[CPUID_EAX] = 0x8000000A;
	for (unsigned i = 1; i < CPUID_RAW_EXT; i++)
		raw->ext[i].r[CPUID_EDX] = 0xFFFFFFFF;
	for (unsigned i = 0; i < CPUID_RAW_FN4; i++)
		raw->fn4[i].r[CPUID_EBX] = 0x400 + i;
	for (unsigned i = 0; i < CPUID_RAW_FN8000001DH; i++)
		raw->fn8000001dh[i].r[CPUID_EBX] = 0x1D00 + i;
}

static void test_validity(void)
{
	struct cpuid_raw raw;
	struct cpuid_regs r;
	char vendor[13];

	base_cpu(&raw);
	cpuid_raw_vendor(&raw, vendor);
	is_string(vendor, "GenuineIntel", "the vendor is EBX, EDX, ECX of leaf 0");
	ok(cpuid_raw_leaf(&raw, 0xB, 0, &r), "basic leaf at the maximum is valid");
	ok(!cpuid_raw_leaf(&raw, 0xC, 0, &r) && r.r[CPUID_EDX] == 0,
	   "basic leaf above the maximum is not, and reads zero");
	ok(!cpuid_raw_leaf(&raw, 0x20, 0, &r), "basic leaf beyond the format is not");
	ok(!cpuid_raw_leaf(&raw, 1, 1, &r), "sub-leaf 1 of an ordinary leaf is not in the format");
	ok(cpuid_raw_leaf(&raw, 4, 3, &r) && r.r[CPUID_EBX] == 0x403, "leaf 4 sub-leaf 3: intel_fn4[3]");
	ok(!cpuid_raw_leaf(&raw, 4, 8, &r), "leaf 4 sub-leaf 8 is not in the format");

	ok(cpuid_raw_leaf(&raw, 0x80000008, 0, &r), "extended leaf below the maximum is valid");
	ok(!cpuid_raw_leaf(&raw, 0x8000000B, 0, &r), "extended leaf above the maximum is not");
	ok(!cpuid_raw_leaf(&raw, 0x8000000A, 0, &r), "0x8000000A without SVM is reserved");
	raw.ext[1].r[CPUID_ECX] = 1u << 2;
	ok(cpuid_raw_leaf(&raw, 0x8000000A, 0, &r), "0x8000000A with SVM is valid");
	ok(!cpuid_raw_leaf(&raw, 0x8000001D, 1, &r), "0x8000001D above the maximum is not");
	raw.ext[0].r[CPUID_EAX] = 0x8000001F;
	ok(cpuid_raw_leaf(&raw, 0x8000001D, 2, &r) && r.r[CPUID_EBX] == 0x1D02,
	   "0x8000001D sub-leaf 2: amd_fn8000001dh[2]");
	raw.ext[0].r[CPUID_EAX] = 0x00000004;	/* old Intel parts return junk here */
	ok(!cpuid_raw_leaf(&raw, 0x80000001, 0, &r), "no extended leaf when the maximum is not "
	   "0x8000xxxx");

	struct cpuid_bit lm = { 0x80000001, 0, CPUID_EDX, 29 };

	is_int(cpuid_raw_bit(&raw, &lm), -1, "a bit of an invalid leaf is -1");
	raw.ext[0].r[CPUID_EAX] = 0x80000001;
	is_int(cpuid_raw_bit(&raw, &lm), 1, "and 1 once the leaf is valid");

	ok(!cpuid_raw_leaf(&raw, 0x40000000, 0, &r), "hypervisor leaves unknown by default");
	raw.hv[0].r[CPUID_EBX] = 0x4b4d564b;
	raw.hv_known = true;
	ok(cpuid_raw_leaf(&raw, 0x40000000, 0, &r) && r.r[CPUID_EBX] == 0x4b4d564b,
	   "hypervisor leaf 0x40000000 when known");
	ok(cpuid_raw_leaf(&raw, 0x40000001, 0, &r) && !cpuid_raw_leaf(&raw, 0x40000002, 0, &r),
	   "0x40000001 kept, 0x40000002 not");
}

static void test_libcpuid_hazard(void)
{
	struct cpuid_raw raw;
	const char *why = NULL;

	base_cpu(&raw);
	for (unsigned i = 0; i < 5; i++)
		raw.fn4[i].r[CPUID_EAX] = 0x121;	/* level 1, type 1 */
	ok(cpuid_raw_safe_for_libcpuid(&raw, &why), "five leaf-4 caches are safe for libcpuid");
	raw.fn4[5].r[CPUID_EAX] = 0x143;
	ok(!cpuid_raw_safe_for_libcpuid(&raw, &why) && why && strstr(why, "stack"),
	   "six are not, and the reason says why");
	raw.fn4[2].r[CPUID_EAX] = 0x100;	/* type 0: not a cache */
	ok(cpuid_raw_safe_for_libcpuid(&raw, &why), "five caches and a type-0 entry are safe");
}

int main(void)
{
	tap_plan_lazy();
	test_roundtrip_synthetic();
	test_roundtrip_fixtures();
	test_multi_cpu();
	test_bad_lines();
	test_validity();
	test_libcpuid_hazard();
	return tap_done();
}
