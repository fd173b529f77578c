// SPDX-License-Identifier: MIT
/*
 * The CPU decoder against 112 real CPUs: every dump in $VIRTCAP_FIXTURES/cpuid is decoded by
 * probe_cpu() and compared, column by column, with expected.tsv (ground truth computed by a
 * decoder independent of libcpuid). One TAP test per CPU; a mismatch lists every differing
 * column. The codename is compared with what libcpuid's own cpuid_tool says of the same file
 * (make deps installs it). Dumps that would crash libcpuid must still decode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe/probe.h"
#include "tests/tap.h"

#define MAX_COLUMNS 64

/* expected.tsv column -> capability id, and how to compare */
static const struct column {
	const char *name;
	const char *cap;
	enum { AS_STRING, AS_INT, AS_HEX, AS_FLAG } kind;
} columns[] = {
	{ "vendor", "cpu.vendor", AS_STRING },
	{ "family", "cpu.family", AS_INT },
	{ "model", "cpu.model", AS_INT },
	{ "stepping", "cpu.stepping", AS_INT },
	{ "brand", "cpu.brand", AS_STRING },
	{ "lm", "cpu.lm", AS_FLAG },
	{ "pae", "cpu.pae", AS_FLAG },
	{ "pse", "cpu.pse", AS_FLAG },
	{ "pse36", "cpu.pse36", AS_FLAG },
	{ "nx", "cpu.nx", AS_FLAG },
	{ "vmx", "cpu.vmx", AS_FLAG },
	{ "smx", "cpu.smx", AS_FLAG },
	{ "svm", "cpu.svm", AS_FLAG },
	{ "hypervisor", "cpu.hypervisor", AS_FLAG },
	{ "npt", "cpu.npt", AS_FLAG },
	{ "nrip_save", "cpu.nrip_save", AS_FLAG },
	{ "vmcb_clean", "cpu.vmcb_clean", AS_FLAG },
	{ "decode_assists", "cpu.decode_assists", AS_FLAG },
	{ "avic", "cpu.avic", AS_FLAG },
	{ "lbrv", "cpu.lbrv", AS_FLAG },
	{ "svm_lock", "cpu.svm_lock", AS_FLAG },
	{ "tsc_rate_msr", "cpu.tsc_rate_msr", AS_FLAG },
	{ "flush_by_asid", "cpu.flush_by_asid", AS_FLAG },
	{ "pause_filter", "cpu.pause_filter", AS_FLAG },
	{ "pause_filter_threshold", "cpu.pause_filter_threshold", AS_FLAG },
	{ "vmsave_virt", "cpu.vmsave_virt", AS_FLAG },
	{ "vgif", "cpu.vgif", AS_FLAG },
	{ "gmet", "cpu.gmet", AS_FLAG },
	{ "x2avic", "cpu.x2avic", AS_FLAG },
	{ "asids", "cpu.svm_asids", AS_INT },
	{ "svm_rev", "cpu.svm_revision", AS_INT },
	{ "max_basic_leaf", "cpu.max_basic_leaf", AS_HEX },
	{ "max_ext_leaf", "cpu.max_ext_leaf", AS_HEX },
};

static int split(char *line, char **fields)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	fields[n++] = line;
	for (char *p = line; *p && n < MAX_COLUMNS; p++) {
		if (*p == '\t') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}

/* Compare one column; append "name: got X, want Y" to diff on a mismatch. */
static bool check(const struct report *r, const struct column *c, const char *want, char *diff,
		  size_t len)
{
	const struct cap *cap = report_cap(r, c->cap);
	char got[128] = "(absent)";
	char want_dec[32];
	bool same;

	if (cap) {
		switch (cap->kind) {
		case CAP_BOOL:
			snprintf(got, sizeof(got), "%d", cap->b);
			break;
		case CAP_INT:
			snprintf(got, sizeof(got), "%lld", cap->i);
			break;
		case CAP_STRING:
			snprintf(got, sizeof(got), "%s", cap->s);
			break;
		default:
			snprintf(got, sizeof(got), "(unknown)");
			break;
		}
	}
	if (c->kind == AS_HEX) {
		snprintf(want_dec, sizeof(want_dec), "%llu", strtoull(want, NULL, 16));
		want = want_dec;
	}
	/* an SVM-less CPU has no ASID count or revision: expected 0, we say unknown */
	if (c->kind == AS_INT && cap && cap->kind == CAP_UNKNOWN && !strcmp(want, "0"))
		return true;
	/* a CPU without brand leaves: expected "", we say unknown */
	if (c->kind == AS_STRING && cap && cap->kind == CAP_UNKNOWN && !*want)
		return true;
	same = strcmp(got, want) == 0;
	if (!same) {
		size_t used = strlen(diff);

		snprintf(diff + used, len - used, "%s: got '%s', want '%s'; ", c->name, got, want);
	}
	return same;
}

/*
 * The dump's count of leaf-4 caches, read from the file's own text (README of the fixtures: six
 * or more make libcpuid 0.6.2's cpu_identify() write past a stack buffer), or -1.
 */
static int dump_leaf4_caches(const char *dump)
{
	FILE *f = fopen(dump, "r");
	char line[256];
	int caches = 0;
	unsigned eax;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "intel_fn4[%*u]=%x", &eax) == 1 && (eax & 0x1F))
			caches++;
	fclose(f);
	return caches;
}

/* The first line libcpuid's own cpuid_tool prints for the dump with query (--codename,
 * --flags), in out; false if it fails. */
static bool cpuid_tool_says(const char *dump, const char *query, char *out, size_t len)
{
	char load[4200];
	int fds[2], status;
	pid_t pid;

	snprintf(load, sizeof(load), "--load=%s", dump);
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		return false;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("cpuid_tool", "cpuid_tool", "--quiet", load, query, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);

	FILE *f = fdopen(fds[0], "r");
	bool got = f && fgets(out, (int)len, f);

	if (f)
		fclose(f);
	waitpid(pid, &status, 0);
	out[got ? strcspn(out, "\n") : 0] = '\0';
	return got && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * The codename, against libcpuid's own cpuid_tool on the same file: equal where the dump is
 * safe for libcpuid; where it is not, libcpuid is not asked and the report says why. The
 * hypervisor leaves, absent from the format, are unknown.
 */
/* x86-64-v2 against libcpuid's own flags of the dump: cx16 lahf_lm popcnt pni ssse3 sse4_1
 * sse4_2, each a word of cpuid_tool --flags */
static bool check_x86_64_v2(const char *dump, const struct report *r, char *diff, size_t len)
{
	static const char *const v2[] = { "cx16", "lahf_lm", "popcnt", "pni", "ssse3", "sse4_1",
					   "sse4_2" };
	const struct cap *c = report_cap(r, "cpu.x86_64_v2");
	char flags[2048], word[16];
	size_t used = strlen(diff);
	bool all = true;

	if (!cpuid_tool_says(dump, "--flags", flags + 1, sizeof(flags) - 2)) {
		snprintf(diff + used, len - used, "x86_64_v2: cpuid_tool --flags failed on it; ");
		return false;
	}
	flags[0] = ' ';
	strcat(flags, " ");
	for (size_t i = 0; i < sizeof(v2) / sizeof(v2[0]); i++) {
		snprintf(word, sizeof(word), " %s ", v2[i]);
		all = all && strstr(flags, word);
	}
	if (!c || c->kind != CAP_BOOL || c->b != all) {
		snprintf(diff + used, len - used, "x86_64_v2: got %s, libcpuid's flags say %s; ",
			 !c || c->kind != CAP_BOOL ? "not a bool" : c->b ? "yes" : "no",
			 all ? "yes" : "no");
		return false;
	}
	return true;
}

static bool check_libcpuid(const char *dump, const struct report *r, char *diff, size_t len)
{
	const struct cap *c = report_cap(r, "cpu.codename");
	const struct cap *sig = report_cap(r, "cpu.hypervisor_signature");
	bool unsafe = dump_leaf4_caches(dump) > 5;
	char want[256] = "";
	size_t used = strlen(diff);

	if (!c) {
		snprintf(diff + used, len - used, "codename: missing; ");
		return false;
	}
	if (unsafe) {
		if (c->kind != CAP_UNKNOWN || !c->detail || !strstr(c->detail, "libcpuid not asked")) {
			snprintf(diff + used, len - used, "codename: libcpuid was asked on a dump with "
				 "six or more leaf-4 caches; ");
			return false;
		}
	} else if (!cpuid_tool_says(dump, "--codename", want, sizeof(want))) {
		snprintf(diff + used, len - used, "codename: cpuid_tool --codename failed on it; ");
		return false;
	} else {
		const char *got = c->kind == CAP_STRING ? c->s : "Unknown";

		/* cpuid_tool prints "" or "Unknown ..." for a CPU it cannot name: unknown to us */
		bool unnamed = !want[0] || strstr(want, "Unknown");

		if (strcmp(got, want) != 0 && !(unnamed && c->kind == CAP_UNKNOWN)) {
			snprintf(diff + used, len - used, "codename: got '%s', cpuid_tool says '%s'; ",
				 got, want);
			return false;
		}
	}
	if (!unsafe && !check_x86_64_v2(dump, r, diff, len))
		return false;
	if (!sig || sig->kind != CAP_UNKNOWN) {
		snprintf(diff + used, len - used, "hypervisor_signature: known from a dump; ");
		return false;
	}
	return true;
}

int main(void)
{
	const char *dir = getenv("VIRTCAP_FIXTURES");
	char path[4096], line[8192];
	char *names[MAX_COLUMNS], *fields[MAX_COLUMNS];
	int idx[sizeof(columns) / sizeof(columns[0])];
	FILE *tsv;

	if (!dir)
		tap_skip_all("VIRTCAP_FIXTURES is not set (the reference CPUs live in ../shared)");
	snprintf(path, sizeof(path), "%s/cpuid/expected.tsv", dir);
	tsv = fopen(path, "r");
	if (!tsv)
		tap_skip_all("no %s: the reference CPUs are not beside this clone", path);
	tap_plan_lazy();

	static char header[8192];

	if (!fgets(header, sizeof(header), tsv))
		tap_bail("%s is empty", path);

	int ncols = split(header, names);

	for (size_t c = 0; c < sizeof(columns) / sizeof(columns[0]); c++) {
		idx[c] = -1;
		for (int i = 0; i < ncols; i++)
			if (!strcmp(names[i], columns[c].name))
				idx[c] = i;
		if (idx[c] < 0)
			tap_bail("%s has no column %s", path, columns[c].name);
	}

	while (fgets(line, sizeof(line), tsv)) {
		int n = split(line, fields);
		char dump[4096], err[256], diff[4096] = "";
		struct probe_ctx ctx;
		struct report *r = report_new();

		if (n < ncols || !r)
			tap_bail("short row in %s", path);
		snprintf(dump, sizeof(dump), "%s/cpuid/%s", dir, fields[0]);
		if (probe_ctx_init(&ctx, "/", dump, err, sizeof(err)))
			tap_bail("%s", err);

		int rc = probe_cpu(&ctx, r);
		bool pass = rc == 0 && r->nerrors == 0;

		for (size_t c = 0; c < sizeof(columns) / sizeof(columns[0]); c++)
			pass &= check(r, &columns[c], fields[idx[c]], diff, sizeof(diff));
		pass &= check_libcpuid(dump, r, diff, sizeof(diff));
		ok(pass, "%s decodes as expected.tsv says", fields[0]);
		if (!pass)
			diag("%s%s", r->nerrors ? r->errors[0].problem : "", diff);
		report_free(r);
		probe_ctx_release(&ctx);
	}
	fclose(tsv);
	return tap_done();
}
