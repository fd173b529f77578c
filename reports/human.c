// SPDX-License-Identifier: MIT
/*
 * The report for a person at a terminal: the matrix first, each "no" followed by its fix, then
 * the findings grouped by layer. Fits the given width (80 by default): long text is wrapped,
 * never cut. Colours only when asked for (a terminal, NO_COLOR unset).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/caps.h"
#include "reports/guests.h"
#include "reports/report.h"
#include "reports/text.h"
#include "version.h"

#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_RESET "\033[0m"

#define NAME_COLUMN 24	/* capability names are at most this wide; longer ones push the value */

struct out {
	FILE *f;
	const struct report_human_opts *opts;
};

static const char *paint(const struct out *o, const char *code)
{
	return o->opts->colour ? code : "";
}

/* a fix wrapped as print_wrapped() does, its commands never broken inside (text_wrap_fix) */
static void print_fix(const struct out *o, const char *fix, int first, int indent)
{
	text_wrap_fix(o->f, fix, first, indent, o->opts->width > 40 ? o->opts->width : 80,
		      first > indent);
}

/* text wrapped to the width, the first line after `first` columns already used (a space
 * before its first word when that is past the indent), the next ones indented */
static void print_wrapped(const struct out *o, const char *text, int first, int indent)
{
	text_wrap(o->f, text, first, indent, o->opts->width > 40 ? o->opts->width : 80,
		  first > indent);
}

static const char *verdict_colour(const struct out *o, enum verdict v)
{
	switch (v) {
	case VERDICT_YES:
		return paint(o, ANSI_GREEN);
	case VERDICT_NO:
		return paint(o, ANSI_RED);
	default:
		return paint(o, ANSI_YELLOW);
	}
}

static void print_header(const struct out *o, const struct report *r)
{
	fprintf(o->f, "%svirtcap %s%s: host %s, Linux %s %s, %d-bit process%s%s\n",
		paint(o, ANSI_BOLD), VIRTCAP_VERSION, paint(o, ANSI_RESET),
		r->hostname ? r->hostname : "?", r->kernel_release ? r->kernel_release : "?",
		r->kernel_arch ? r->kernel_arch : "?", r->process_bits,
		strcmp(r->root ? r->root : "/", "/") ? ", captured root " : "",
		strcmp(r->root ? r->root : "/", "/") ? r->root : "");
}

/* Where a test guest contradicted the probe: the most important lines of the report. */
static void print_disagreements(const struct out *o, const struct report *r)
{
	bool any = false;

	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		const struct matrix_row *row = &r->matrix[k];

		if (!row->disagreement)
			continue;
		if (!any)
			fprintf(o->f, "\n%sThe probe and the proofs disagree%s\n", paint(o, ANSI_RED),
				paint(o, ANSI_RESET));
		any = true;
		fprintf(o->f, "  %-12s probe said %s, proof says %s\n",
			guest_kind_id((enum guest_kind)k), verdict_name(row->probe_verdict),
			verdict_name(row->verdict));
	}
}

/* Whether row k has its line: not a seldom-asked architecture's whose emulator is missing (the
 * first step of its chain, which is then what blocks it), unless -v asks for everything */
static bool row_shown(const struct out *o, const struct report *r, int k)
{
	const struct guest_advice *a = advice_for_row((enum guest_kind)k);
	const char *by = r->matrix[k].blocked_by;

	return o->opts->verbose || !guest_kind_if_installed(k) || !a ||
	       a->steps[0].kind != ADVICE_CAP || !by || strcmp(by, a->steps[0].cap);
}

/* A layer's cell: a mark, coloured; ASCII where the terminal is not UTF-8. */
static const char *layer_mark(const struct out *o, enum layer_state s, const char **colour)
{
	static const char *const utf8[] = { [LAYER_OK] = "\u2713", [LAYER_FAIL] = "\u2717",
		[LAYER_UNKNOWN] = "?", [LAYER_NOT_RUN] = "\u00b7", [LAYER_NA] = "-" };
	static const char *const ascii[] = { [LAYER_OK] = "y", [LAYER_FAIL] = "x",
		[LAYER_UNKNOWN] = "?", [LAYER_NOT_RUN] = ".", [LAYER_NA] = "-" };

	*colour = s == LAYER_OK ? paint(o, ANSI_GREEN) : s == LAYER_FAIL ? paint(o, ANSI_RED)
		  : s == LAYER_UNKNOWN ? paint(o, ANSI_YELLOW) : paint(o, ANSI_DIM);
	return o->opts->utf8 ? utf8[s] : ascii[s];
}

/*
 * The matrix as a table: a row per guest kind, its verdict, then what each layer says on its
 * own (so that a second broken layer behind the first is seen too), within 80 columns.
 */
static void print_matrix(const struct out *o, const struct report *r)
{
	static const char *const heads[LAYER_COUNT] = {
		[LAYER_CPU] = "CPU", [LAYER_FIRMWARE] = "firmware", [LAYER_KERNEL] = "kernel",
		[LAYER_KVM_ACCESS] = "/dev/kvm", [LAYER_PROOF] = "proof",
	};

	fprintf(o->f, "\n%sWhat guests can run here%s\n", paint(o, ANSI_BOLD), paint(o, ANSI_RESET));
	fprintf(o->f, "  %-11s %-9s", "guest", "verdict");
	for (int l = 0; l < LAYER_COUNT; l++)
		fprintf(o->f, " %s", heads[l]);
	fputc('\n', o->f);
	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		const struct matrix_row *row = &r->matrix[k];

		if (!row_shown(o, r, k))
			continue;
		if (k == GUEST_REAL16)	/* after the operating systems, what they rest on */
			fprintf(o->f, "  %sthe capabilities they rest on:%s\n", paint(o, ANSI_DIM),
				paint(o, ANSI_RESET));
		fprintf(o->f, "  %-11s %s%-9s%s", guest_kind_id((enum guest_kind)k),
			verdict_colour(o, row->verdict), row->verdict == VERDICT_NA ? "n/a"
			: verdict_name(row->verdict), paint(o, ANSI_RESET));
		for (int l = 0; l < LAYER_COUNT; l++) {
			const char *colour;
			const char *mark = layer_mark(o, report_layer_state(r, (enum guest_kind)k,
							   (enum layer)l), &colour);
			int w = (int)strlen(heads[l]);

			/* the mark under the middle of its heading; marks are one column wide */
			fprintf(o->f, " %*s%s%s%s%*s", (w - 1) / 2, "", colour, mark,
				paint(o, ANSI_RESET), w - 1 - (w - 1) / 2, "");
		}
		if (k == GUEST_GRAPHICS && report_cap_string(r, CAP_GPU_GRAPHICS))	/* its level */
			fprintf(o->f, " level: %.14s\n", report_cap_string(r, CAP_GPU_GRAPHICS));
		else
			fprintf(o->f, " %s\n", guest_kind_short_title((enum guest_kind)k));
	}
	fprintf(o->f, "  %s\n", o->opts->utf8 ? "\u2713 holds  \u2717 fails  ? unknown  "
		"\u00b7 not run  - not involved" : "y holds  x fails  ? unknown  . not run  "
		"- not involved");
}

/* Each kind that does not run: why (the first layer that fails) and the fix, said once. */
static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/*
 * A reason as the default output says it: a test guest's vCPU state ("; RIP=0x... RSP=0x...",
 * hv_vcpu_describe) is for -v, where every register stays; the cause before it is the answer.
 */
static const char *without_registers(const struct out *o, const char *reason, char *buf,
				     size_t len)
{
	const char *rip = reason ? strstr(reason, "RIP=0x") : NULL, *rsp, *end;

	if (o->opts->verbose || !rip || !(rsp = strstr(rip, "RSP=0x")))
		return reason;
	end = rsp + 6 + strspn(rsp + 6, "0123456789abcdef");
	while (rip > reason && (rip[-1] == ' ' || rip[-1] == ';'))
		rip--;
	snprintf(buf, len, "%.*s%s", (int)(rip - reason), reason, end);
	return buf;
}

/*
 * Row k's paragraph under "What blocks them" into f: why it does not run and the fix, said once
 * (many rows share one reason or one fix: the later ones refer to the first). False when k
 * needs none: it runs, or (by default) it is a capability row whose cause is said above, which
 * the matrix shows and -v spells out; an operating system's row is always named, someone
 * looks for it.
 */
/* A row that runs (yes, or by emulation) has no paragraph, so none may be referred to */
static bool runs(enum verdict v)
{
	return v == VERDICT_YES || v == VERDICT_EMULATION;
}

static bool print_blocker(const struct out *o, const struct report *r, int k)
{
	const struct matrix_row *row = &r->matrix[k];
	char trimmed[2048];
	int same = -1;

	if (runs(row->verdict) || !row_shown(o, r, k))
		return false;
	for (int j = 0; j < k && same < 0; j++)
		if (row->reason && r->matrix[j].reason && !runs(r->matrix[j].verdict) &&
		    (!strcmp(row->reason, r->matrix[j].reason) ||
		     (guest_kind_is_os(j) && ends_with(r->matrix[j].reason, row->reason))))
			same = j;	/* an OS row ends with the reason of the row it fails at */
	if (same >= 0 && !o->opts->verbose && !guest_kind_is_os((enum guest_kind)k))
		return false;
	fprintf(o->f, "  %-12s ", guest_kind_id((enum guest_kind)k));
	if (same >= 0) {
		fprintf(o->f, "as for %s\n", guest_kind_id((enum guest_kind)same));
		return true;
	}
	print_wrapped(o, row->reason ? without_registers(o, row->reason, trimmed, sizeof(trimmed)) :
		      guest_kind_title((enum guest_kind)k), 15, 15);
	if (!row->fix)
		return true;

	int first = k;	/* one fix often unblocks many rows: spelt out once */

	for (int j = 0; j < k; j++)
		if (!runs(r->matrix[j].verdict) && r->matrix[j].fix &&
		    !strcmp(r->matrix[j].fix, row->fix)) {
			first = j;
			break;
		}
	fprintf(o->f, "%*s%sfix:%s ", 15, "", paint(o, ANSI_BOLD), paint(o, ANSI_RESET));
	if (first < k)
		fprintf(o->f, "as for %s\n", guest_kind_id((enum guest_kind)first));
	else
		print_fix(o, row->fix, 20, 20);
	return true;
}

static int count_lines(const char *text, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/*
 * What blocks each row, within `lines` lines (0: no limit): every x86 operating system's row,
 * then the other rows in order while they fit; the first that does not fit ends them, so that
 * an "as for" never points to a row left out. The rows left out are flagged in *omitted.
 * -ENOMEM, or 0.
 */
static int print_blockers(const struct out *o, const struct report *r, int lines,
			  bool omitted[GUEST_KIND_COUNT])
{
	bool any = false, full = false;
	int used = 2;	/* the heading and the blank line before it */

	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		struct out para = { .f = f, .opts = o->opts };
		bool said;

		if (!f)
			return -ENOMEM;
		said = print_blocker(&para, r, k);
		if (fclose(f)) {
			free(text);
			return -ENOMEM;
		}
		/* this architecture's operating systems are the answer: said whatever it takes */
		omitted[k] = said && (!guest_kind_is_os(k) || guest_kind_is_foreign(k)) &&
			     (full || (lines && used + count_lines(text, len) > lines));
		full = full || omitted[k];
		if (said && !omitted[k]) {
			if (!any)
				fprintf(o->f, "\n%sWhat blocks them, and the fix%s\n",
					paint(o, ANSI_BOLD), paint(o, ANSI_RESET));
			any = true;
			fwrite(text, 1, len, o->f);
			used += count_lines(text, len);
		}
		free(text);
	}
	return 0;
}

/* prove --stack: whether a real Linux guest boots with each stack, under KVM and under TCG */
static void print_stacks(const struct out *o, const struct report *r)
{
	for (size_t i = 0; i < r->nstacks; i++) {
		const struct report_stack *s = &r->stacks[i];
		double ratio = report_stack_ratio(s);
		char line[256];

		fprintf(o->f, "\n%sA real guest with the stack: %s%s\n", paint(o, ANSI_BOLD), s->name,
			paint(o, ANSI_RESET));
		if (s->installed == 0) {
			fprintf(o->f, "  not installed");
			if (s->package)
				fprintf(o->f, ": sudo apt-get install %s", s->package);
			fputc('\n', o->f);
		}
		if (s->version) {
			fprintf(o->f, "  ");
			print_wrapped(o, s->version, 2, 2);
		}
		if (s->kernel) {
			snprintf(line, sizeof(line), "guest kernel: %s (%s)", s->kernel,
				 s->kernel_source ? s->kernel_source : "?");
			fprintf(o->f, "  ");
			print_wrapped(o, line, 2, 4);
		}
		if (s->uri) {
			snprintf(line, sizeof(line), "booted through %s", s->uri);
			fprintf(o->f, "  ");
			print_wrapped(o, line, 2, 4);
		}
		if (s->system_connection) {
			fprintf(o->f, "  ");
			print_wrapped(o, s->system_connection, 2, 4);
		}
		for (int a = 0; s->installed == 1 && a < STACK_ACCEL_COUNT; a++) {
			fprintf(o->f, "  -accel %-4s %s%-7s%s", stack_accel_name((enum stack_accel)a),
				verdict_colour(o, s->accel[a].verdict),
				verdict_name(s->accel[a].verdict), paint(o, ANSI_RESET));
			print_wrapped(o, s->accel[a].reason ? s->accel[a].reason : "", 22, 23);
			if (s->accel[a].fix) {
				fprintf(o->f, "%*s%sfix:%s ", 23, "", paint(o, ANSI_BOLD),
					paint(o, ANSI_RESET));
				print_fix(o, s->accel[a].fix, 28, 28);
			}
		}
		if (ratio > 0)
			fprintf(o->f, "  virtualization is %.1fx faster than emulation on this host "
				"(time to the guest's init)\n", ratio);
		bool alike = true;	/* every device not-run for one reason: said once */

		for (int d = 1; d < STACK_DEVICE_COUNT; d++)
			alike = alike && s->device[d].status == PROOF_NOT_RUN &&
				s->device[0].status == PROOF_NOT_RUN && s->device[d].detail &&
				s->device[0].detail && !strcmp(s->device[d].detail, s->device[0].detail);
		if (s->installed == 1 && alike) {
			fprintf(o->f, "  devices: not-run:");
			print_wrapped(o, s->device[0].detail ? s->device[0].detail : "", 19, 4);
		}
		for (int d = 0; s->installed == 1 && !alike && d < STACK_DEVICE_COUNT; d++) {
			enum proof_status st = s->device[d].status;

			if (d == 0)
				fprintf(o->f, "  devices, each proven from inside the guest%s%s:\n",
					s->devices_ran ? " under -accel " : "",
					s->devices_ran ? stack_accel_name(s->devices_accel) : "");
			fprintf(o->f, "    %-9s %s%-8s%s", stack_device_name((enum stack_device)d),
				st == PROOF_PROVEN ? paint(o, ANSI_GREEN)
				: st == PROOF_FAILED ? paint(o, ANSI_RED) : "",
				proof_status_name(st), paint(o, ANSI_RESET));
			print_wrapped(o, s->device[d].detail ? s->device[d].detail : "", 22, 22);
		}
		if (s->unfinished) {
			fprintf(o->f, "  ");
			print_wrapped(o, s->unfinished, 2, 4);
		}
	}
}

/* What each test guest did: the evidence behind a proven (or failed) row. */
static void print_proofs(const struct out *o, const struct report *r)
{
	bool any = false;

	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		const struct report_proof *p = report_row_proof(r, (enum guest_kind)k);

		if (!p || p->status == PROOF_NOT_RUN)
			continue;
		if (!any)
			fprintf(o->f, "\n%sWhat the test guests did%s\n", paint(o, ANSI_BOLD),
				paint(o, ANSI_RESET));
		any = true;

		char line[2048];

		/* a failure is the row's blocker, told in full above */
		if (p->status == PROOF_FAILED)
			snprintf(line, sizeof(line), "failed: see what blocks it, above");
		else
			snprintf(line, sizeof(line), "%s: %s", proof_status_name(p->status),
				 p->detail ? p->detail : "");
		fprintf(o->f, "  %-12s ", guest_kind_id((enum guest_kind)k));
		print_wrapped(o, line, 15, 15);
	}
}

/* "This host is a virtual machine" line from the environment section, when there is one. */
static void print_environment(const struct out *o, const struct report *r)
{
	int guest = report_cap_flag(r, CAP_ENV_IS_GUEST);
	const char *hv = report_cap_string(r, CAP_ENV_HYPERVISOR);
	const char *vmm = report_cap_string(r, CAP_ENV_VMM);
	char line[512];

	if (guest != 1)
		return;
	/* what the outer hypervisor keeps from us: the usual reason a guest will not start */
	bool hides = report_cap_flag(r, CAP_CPU_VMX) == 0 && report_cap_flag(r, CAP_CPU_SVM) == 0;

	/* PVM does not run inside PVM: a PVM guest has emulation and containers left */
	bool pvm_guest = hv && !strcmp(hv, "PVM");
	/* Xen keeps VT-x/AMD-V from dom0 and from PV and PVH guests (probe/xen.c) */
	const char *xen = report_cap_string(r, CAP_ENV_XEN_GUEST_TYPE);
	bool xen_pv = xen && (!strcmp(xen, "PV") || !strcmp(xen, "PVH"));

	if (report_cap_flag(r, CAP_ENV_XEN_DOM0) == 1)
		snprintf(line, sizeof(line), "This host is Xen's dom0, its control domain: Xen "
			 "holds VT-x/AMD-V and runs the virtual machines here (xl, libvirt's Xen "
			 "driver); KVM needs a boot without Xen.");
	else
		snprintf(line, sizeof(line), "This host is itself a virtual machine%s%s%s%s%s%s%s%s%s.",
			 hv ? " under " : "", hv ? hv : "", xen_pv ? " (a " : "", xen_pv ? xen : "",
			 xen_pv ? " guest)" : "", vmm ? " (VMM: " : "", vmm ? vmm : "", vmm ? ")" : "",
			 !hides ? "" : xen_pv ? "; Xen gives VT-x/AMD-V to HVM guests only, so only "
			 "emulation or containers can run guests here" : pvm_guest ? "; it hides "
			 "VT-x/AMD-V from this machine, so only emulation or containers can run guests "
			 "here (PVM does not run inside PVM)" : "; it hides VT-x/AMD-V from this "
			 "machine, so only paravirtual KVM (PVM), emulation or containers can run "
			 "guests here");
	fputc('\n', o->f);
	print_wrapped(o, line, 0, 2);

	/* why the layers were told apart (CPUID against ACPI, ...): evidence, for -v */
	for (size_t i = 0; o->opts->verbose && i < r->nenv_disagreements; i++) {
		fprintf(o->f, "  %snote:%s ", paint(o, ANSI_YELLOW), paint(o, ANSI_RESET));
		print_wrapped(o, r->env_disagreements[i], 8, 8);
	}
}

/*
 * An arm64 host: what its KVM is and what it gives guests, in one paragraph from the findings of
 * probe/arm64.c, while its rows are not judged yet (issue 28); the fix where KVM did not start.
 */
static void print_arm64_host(const struct out *o, const struct report *r)
{
	static const struct {
		const char *id, *what;
	} offers[] = {
		{ CAP_KERNEL_KVM_ARM_EL1_32BIT, "32-bit ARM guests (AArch32 at EL1)" },
		{ CAP_KERNEL_KVM_ARM_SVE, "SVE" },
		{ CAP_KERNEL_KVM_ARM_PTRAUTH, "pointer authentication" },
		{ CAP_KERNEL_KVM_ARM_PMU, "a PMU" },
		{ CAP_KERNEL_KVM_ARM_MTE, "memory tagging" },
		{ CAP_KERNEL_KVM_ARM_EL2, "a virtual EL2 (nested virtualization)" },
		{ CAP_KERNEL_KVM_ARM_VGIC_V3, "a GICv3" },
		{ CAP_KERNEL_KVM_ARM_VGIC_ITS, "MSIs (an ITS)" },
	};
	const char *mode = report_cap_string(r, CAP_KERNEL_ARM64_KVM_MODE);
	const struct cap *ipa = report_cap(r, CAP_KERNEL_KVM_ARM_IPA_BITS);
	const struct cap *why = report_cap(r, CAP_KERNEL_ARM64_KVM_MODE);
	char line[1536];
	size_t n;

	if (!r->kernel_arch || strcmp(r->kernel_arch, "aarch64"))
		return;
	n = (size_t)snprintf(line, sizeof(line), "This is an arm64 host: %s",
			     !mode ? "KVM's mode is unknown (the kernel log does not tell it)"
			     : !strcmp(mode, "vhe") ? "KVM runs with the kernel at EL2 (VHE)"
			     : !strcmp(mode, "nvhe") ? "KVM runs its hypervisor at EL2 beside the "
			       "kernel (nVHE)"
			     : !strcmp(mode, "protected") ? "KVM runs protected (pKVM)"
			     : "no KVM: the kernel was not entered at EL2 (\"HYP mode not "
			       "available\")");
	bool got = ipa && ipa->kind == CAP_INT;

	if (got && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "; its guests get up to %lld-bit "
				      "physical addresses", ipa->i);
	for (int want = 1; want >= 0; want--) {	/* what guests get, then what they do not */
		bool first = true;

		for (size_t i = 0; i < sizeof(offers) / sizeof(offers[0]) && n < sizeof(line); i++) {
			if (report_cap_flag(r, offers[i].id) != want)
				continue;
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", !first || (want &&
					      got) ? ", " : want ? "; its guests get " : "; not ",
					      offers[i].what);
			first = false;
		}
	}
	if (n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, ". x86 guests run here by "
				      "emulation only.%s%s", mode && !strcmp(mode, "none") && why &&
				      why->fix ? " Fix: " : "", mode && !strcmp(mode, "none") &&
				      why && why->fix ? why->fix : "");
	fputc('\n', o->f);
	print_wrapped(o, line, 0, 2);
}

/* Facts whose "yes" is the good news that something bad was not found: said in words, since
 * "lsm_denials yes" reads as denials found */
static const struct {
	const char *id, *yes, *no;
} absence_words[] = {
	{ CAP_KERNEL_LSM_DENIALS, "none found", "found" },
	{ CAP_KERNEL_GUEST_SPLIT_LOCKS, "none trapped", "trapped" },
};

static void cap_value_text(const struct cap *c, char *buf, size_t len)
{
	switch (c->kind) {
	case CAP_BOOL:
		snprintf(buf, len, "%s", c->b ? "yes" : "no");
		for (size_t i = 0; i < sizeof(absence_words) / sizeof(absence_words[0]); i++)
			if (!strcmp(c->id, absence_words[i].id))
				snprintf(buf, len, "%s", c->b ? absence_words[i].yes :
					 absence_words[i].no);
		break;
	case CAP_INT:
		snprintf(buf, len, c->hex ? "0x%llx" : "%lld", c->i);
		break;
	case CAP_STRING:
		snprintf(buf, len, "%s", c->s[0] ? c->s : "\"\"");
		break;
	default:
		snprintf(buf, len, "unknown");
		break;
	}
}

static void print_cap(const struct out *o, const struct cap *c, size_t prefix_len)
{
	char value[4200];	/* a kernel command line whole (x86: at most 2048 bytes) */
	const char *name = c->id + prefix_len;
	const char *colour = "";

	cap_value_text(c, value, sizeof(value));
	if (c->kind == CAP_UNKNOWN)
		colour = paint(o, ANSI_YELLOW);
	else if (c->kind == CAP_BOOL && !c->b && c->fix)
		colour = paint(o, ANSI_RED);

	int used = fprintf(o->f, "  %-*s %s", NAME_COLUMN, name, colour) - (int)strlen(colour);

	if (c->kind == CAP_STRING && used + (int)strlen(value) > o->opts->width) {
		/* a long value (a kernel command line) wraps under itself */
		print_wrapped(o, value, used, NAME_COLUMN + 3);
		fprintf(o->f, "%s", paint(o, ANSI_RESET));
		used = o->opts->width;	/* the detail, if any, starts on a line of its own */
	} else {
		used += fprintf(o->f, "%s%s", value, paint(o, ANSI_RESET)) -
			(int)strlen(paint(o, ANSI_RESET));
	}
	if (used >= o->opts->width && c->detail &&
	    (o->opts->verbose || c->kind == CAP_UNKNOWN || c->fix)) {
		fprintf(o->f, "%*s%s", NAME_COLUMN + 3, "", paint(o, ANSI_DIM));
		print_wrapped(o, c->detail, NAME_COLUMN + 3, NAME_COLUMN + 3);
		fprintf(o->f, "%s", paint(o, ANSI_RESET));
	} else if (used >= o->opts->width) {
		/* the value's own line is already ended */
	} else if (c->detail && (o->opts->verbose || c->kind == CAP_UNKNOWN || c->fix)) {
		fprintf(o->f, "%s", paint(o, ANSI_DIM));
		print_wrapped(o, c->detail, used, NAME_COLUMN + 3);
		fprintf(o->f, "%s", paint(o, ANSI_RESET));
	} else {
		fputc('\n', o->f);
	}
	if (c->fix && c->kind == CAP_BOOL && !c->b) {
		fprintf(o->f, "%*s%sfix:%s ", NAME_COLUMN + 3, "", paint(o, ANSI_BOLD),
			paint(o, ANSI_RESET));
		print_fix(o, c->fix, NAME_COLUMN + 8, NAME_COLUMN + 8);
	}
	if (o->opts->verbose && c->source) {
		fprintf(o->f, "%*s%sfrom:%s ", NAME_COLUMN + 3, "", paint(o, ANSI_DIM),
			paint(o, ANSI_RESET));
		print_wrapped(o, c->source, NAME_COLUMN + 9, NAME_COLUMN + 9);
	}
}

static void print_group(const struct out *o, const struct report *r, const char *title,
			const char *prefix)
{
	size_t plen = strlen(prefix);
	bool any = false;

	for (size_t i = 0; i < r->ncaps; i++) {
		if (strncmp(r->caps[i].id, prefix, plen) != 0)
			continue;
		if (!any)
			fprintf(o->f, "\n%s%s%s\n", paint(o, ANSI_BOLD), title, paint(o, ANSI_RESET));
		any = true;
		print_cap(o, &r->caps[i], plen);
	}
}

/*
 * The last line by default: what -v adds. The rows whose cause did not fit on the screen are
 * named; findings with a fix that no row shown is blocked by (a slowness, a clash, a limit, a
 * row left out) are counted, never dropped unsaid.
 */
static void print_more(const struct out *o, const struct report *r,
		       const bool omitted[GUEST_KIND_COUNT])
{
	char line[512] = "More: virtcap -v (";
	size_t more = 0, used = strlen(line);
	int rows = 0, named = 0;

	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		rows += omitted[k];
	for (size_t i = 0; i < r->ncaps; i++) {
		bool shown = false;

		for (int k = 0; k < GUEST_KIND_COUNT && !shown; k++)
			shown = !omitted[k] && !runs(r->matrix[k].verdict) &&
				r->matrix[k].blocked_by && !strcmp(r->matrix[k].blocked_by,
								   r->caps[i].id);
		more += r->caps[i].fix && !shown;
	}
	for (int k = 0; k < GUEST_KIND_COUNT && used < sizeof(line); k++) {
		if (!omitted[k])
			continue;
		named++;
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
					 named == 1 ? "what blocks " : named == rows ? " and " : ", ",
					 guest_kind_id((enum guest_kind)k));
	}
	if (used < sizeof(line) && more)
		snprintf(line + used, sizeof(line) - used, "%s%zu more finding%s with a fix); virtcap "
			 "advise GUEST", rows ? "; " : "", more, more == 1 ? "" : "s");
	else if (used < sizeof(line) && rows)
		snprintf(line + used, sizeof(line) - used, "); virtcap advise GUEST");
	else
		snprintf(line, sizeof(line), "More: virtcap -v (every finding and its source), "
			 "virtcap advise GUEST.");
	print_wrapped(o, line, 0, 2);
}

int report_print_human(const struct report *r, const struct report_human_opts *opts, void *file)
{
	static const struct {
		const char *title, *prefix;
	} groups[] = {
		{ "CPU", "cpu." },
		{ "Firmware", "fw." },
		{ "Kernel and KVM", "kernel." },
		{ "PCI and passthrough", "pci." },
		{ "Graphics for guests", "gpu." },
		{ "Other architectures' programs (binfmt_misc)", "binfmt." },
		{ "Other architectures' kernels, booted (prove --foreign)", "foreign." },
		{ "OS-level virtualization", "os." },
		{ "Confidential computing", "cc." },
		{ "Environment", "env." },
		{ "Virtual machines running here", "vms." },
		{ "Hypervisor tools installed", "tools." },
		{ "This process", "process." },
	};
	struct out o = { .f = file, .opts = opts };
	char *head = NULL, *tail = NULL;
	size_t head_len = 0, tail_len = 0;
	FILE *hf = open_memstream(&head, &head_len), *tf = open_memstream(&tail, &tail_len);
	struct out ho = { .f = hf, .opts = opts }, to = { .f = tf, .opts = opts };
	bool omitted[GUEST_KIND_COUNT] = { false };
	int rc = 0;

	if (!hf || !tf) {
		if (hf)
			fclose(hf);
		if (tf)
			fclose(tf);
		free(head);
		free(tail);
		return -ENOMEM;
	}
	/* the answer first: the matrix, where this host runs, what blocks each row */
	print_header(&ho, r);
	print_disagreements(&ho, r);
	print_matrix(&ho, r);
	print_environment(&ho, r);
	print_arm64_host(&ho, r);
	print_stacks(&to, r);
	/* every finding with its source, and what the proofs saw, on -v */
	if (opts->verbose) {
		print_proofs(&to, r);
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			print_group(&to, r, groups[i].title, groups[i].prefix);
	}
	if (r->nerrors) {
		fprintf(tf, "\n%sInput errors%s\n", paint(&o, ANSI_RED), paint(&o, ANSI_RESET));
		for (size_t i = 0; i < r->nerrors; i++) {
			fprintf(tf, "  %s:", r->errors[i].input);
			print_wrapped(&to, r->errors[i].problem, 3 + (int)strlen(r->errors[i].input), 4);
		}
	}
	if (fclose(hf) | fclose(tf)) {
		free(head);
		free(tail);
		return -ENOMEM;
	}
	fwrite(head, 1, head_len, o.f);

	/* by default one screen: what blocks the rows gets what the rest leaves, less the line
	 * (or two) pointing to -v */
	int left = REPORT_SCREEN_LINES - count_lines(head, head_len) - count_lines(tail, tail_len) - 2;

	rc = print_blockers(&o, r, opts->verbose ? 0 : left > 1 ? left : 1, omitted);
	fwrite(tail, 1, tail_len, o.f);
	free(head);
	free(tail);
	if (rc)
		return rc;
	if (!opts->verbose)
		print_more(&o, r, omitted);
	return ferror(o.f) ? -5 : 0;
}
