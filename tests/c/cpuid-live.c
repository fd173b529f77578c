// SPDX-License-Identifier: MIT
/*
 * The live decode on this machine against the kernel's own view: probe_cpu() on "/" executes
 * CPUID, and its vendor, lm, pae, nx, vmx, svm and hypervisor must agree with the vendor_id line
 * and the flags of the first CPU in /proc/cpuinfo. One direction of disagreement is legitimate
 * and reported, not failed: CPUID shows VMX/SVM while the kernel hides the flag because the
 * firmware disabled it (the kernel clears the flag; the CPUID bit stays). Also checks that the
 * hypervisor leaves were recorded as facts and that the capture round-trips through the format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "tests/tap.h"

#define CPUINFO "/proc/cpuinfo"

static char vendor_id[64], flags[8192];

/* vendor_id and flags of the first processor in /proc/cpuinfo. */
static bool cpuinfo_read(void)
{
	FILE *f = fopen(CPUINFO, "r");
	char line[8192];

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f) && !(vendor_id[0] && flags[0])) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (!vendor_id[0] && !strncmp(line, "vendor_id", 9))
			snprintf(vendor_id, sizeof(vendor_id), "%s", colon + 2);
		else if (!flags[0] && !strncmp(line, "flags", 5))
			snprintf(flags, sizeof(flags), " %s ", colon + 2);
	}
	fclose(f);
	return vendor_id[0] && flags[0];
}

static int cpuinfo_has(const char *flag)
{
	char word[64];

	snprintf(word, sizeof(word), " %s ", flag);
	return strstr(flags, word) != NULL;
}

static void compare(const struct report *r, const char *cap, const char *flag, bool firmware)
{
	int got = report_cap_flag(r, cap), kernel = cpuinfo_has(flag);

	if (firmware && got == 1 && kernel == 0) {
		ok(true, "%s: CPUID has it, the kernel hides '%s' (firmware disabled it)", cap, flag);
		diag("%s is set in CPUID but not in %s flags: disabled by the firmware", cap, CPUINFO);
		return;
	}
	ok(got == kernel, "%s = %d, %s flag '%s' = %d", cap, got, CPUINFO, flag, kernel);
}

int main(void)
{
	struct probe_ctx ctx;
	struct report *r;
	char err[256];

#if !defined(__i386__) && !defined(__x86_64__)
	tap_skip_all("not an x86 machine: no CPUID instruction");
#endif
	if (!cpuinfo_read())
		tap_skip_all("no readable %s with vendor_id and flags", CPUINFO);
	r = report_new();
	if (!r || probe_ctx_init(&ctx, "/", NULL, err, sizeof(err)))
		tap_bail("cannot set up a live probe: %s", err);
	tap_plan(13);
	ok(ctx.live, "probing / is live");
	is_int(probe_cpu(&ctx, r), 0, "probe_cpu() on the live CPU");
	ok(ctx.cpuid_ok && r->nerrors == 0, "CPUID read without input errors");
	is_string(report_cap_string(r, "cpu.vendor"), vendor_id, "cpu.vendor = vendor_id line");
	compare(r, "cpu.lm", "lm", false);
	compare(r, "cpu.pae", "pae", false);
	compare(r, "cpu.nx", "nx", false);
	compare(r, "cpu.vmx", "vmx", true);
	compare(r, "cpu.svm", "svm", true);
	compare(r, "cpu.hypervisor", "hypervisor", false);
	ok(facts_get(&ctx.facts, "cpuid.0x40000000") && facts_get(&ctx.facts, "cpuid.0x40000001"),
	   "the hypervisor leaves are recorded as facts");

	const struct cap *sig = report_cap(r, "cpu.hypervisor_signature");

	ok(sig && (report_cap_flag(r, "cpu.hypervisor") == 1) == (sig->kind == CAP_STRING),
	   "a signature exactly when the hypervisor bit is set (%s)",
	   sig && sig->kind == CAP_STRING ? sig->s : "none");

	char *text = NULL;
	size_t len = 0;
	struct cpuid_raw back;

	ok(cpuid_raw_format(&ctx.cpuid, &text, &len) == 0 &&
	   cpuid_raw_parse(text, len, &back, err, sizeof(err)) == 0 &&
	   !memcmp(&back, &ctx.cpuid, offsetof(struct cpuid_raw, hv)),
	   "the live capture round-trips through the libcpuid format");
	free(text);
	report_free(r);
	probe_ctx_release(&ctx);
	return tap_done();
}
