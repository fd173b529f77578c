// SPDX-License-Identifier: MIT
/*
 * The report as Prometheus metrics, in the text exposition format that node_exporter's textfile
 * collector reads (virtcap --prom --output DIR/virtcap.prom, from a timer). Every metric is a
 * gauge with HELP and TYPE; verdicts are one-hot, so "unknown" is visible rather than read as
 * "no"; label values are escaped as the format requires, and each label takes values of a
 * bounded set (guest kinds, capability ids, module and VMM names from virtcap's own tables),
 * never free text that would grow a series per host. The rules that alert on them:
 * reports/prometheus/virtcap.rules.yml.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reports/caps.h"
#include "reports/report.h"
#include "reports/requirements.h"
#include "version.h"

static void label_value(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void head(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A boolean capability as 1/0; an unknown one is left out (absent, not 0). */
static void flag(FILE *f, const struct report *r, const char *name, const char *help,
		 const char *cap)
{
	int v = report_cap_flag(r, cap);

	head(f, name, help);
	if (v >= 0)
		fprintf(f, "%s %d\n", name, v);
}

int report_print_prom(const struct report *r, void *file)
{
	FILE *f = file;
	static const char *const verdicts[] = { "yes", "no", "unknown", "emulation",
						 "not-applicable" };

	head(f, "virtcap_info", "virtcap version, report schema and kernel of this report");
	fprintf(f, "virtcap_info{version=\"%s\",schema=\"%s\",kernel=\"", VIRTCAP_VERSION,
		REPORT_SCHEMA);
	label_value(f, r->kernel_release ? r->kernel_release : "");
	fprintf(f, "\"} 1\n");
	head(f, "virtcap_last_run_timestamp_seconds", "when virtcap made this report (Unix time)");
	fprintf(f, "virtcap_last_run_timestamp_seconds %lld\n", (long long)time(NULL));
	head(f, "virtcap_environment_info", "where this host runs: its VMM (none on bare metal) and "
	     "its KVM module (none without KVM)");
	fputs("virtcap_environment_info{vmm=\"", f);
	label_value(f, report_cap_string(r, CAP_ENV_VMM) ? report_cap_string(r, CAP_ENV_VMM) :
		    report_cap_flag(r, CAP_ENV_IS_GUEST) == 0 ? "none" : "unknown");
	fputs("\",kvm_module=\"", f);
	label_value(f, report_cap_string(r, CAP_KERNEL_KVM_MODULE) ?
		    report_cap_string(r, CAP_KERNEL_KVM_MODULE) : "unknown");
	fputs("\"} 1\n", f);

	head(f, "virtcap_guest_supported", "1 when this kind of guest can run here under hardware "
	     "virtualization, 0 otherwise (by emulation only: 0, and virtcap_guest_verdict says "
	     "emulation)");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(f, "virtcap_guest_supported{guest=\"%s\"} %d\n",
			guest_kind_id((enum guest_kind)k), r->matrix[k].verdict == VERDICT_YES);
	head(f, "virtcap_guest_verdict", "the verdict of each guest kind, one-hot over yes, no, "
	     "unknown, emulation and not-applicable (no such guest on this CPU architecture)");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		for (size_t v = 0; v < sizeof(verdicts) / sizeof(verdicts[0]); v++)
			fprintf(f, "virtcap_guest_verdict{guest=\"%s\",verdict=\"%s\"} %d\n",
				guest_kind_id((enum guest_kind)k), verdicts[v],
				!strcmp(verdict_name(r->matrix[k].verdict), verdicts[v]));
	head(f, "virtcap_guest_blocked_info", "what blocks each guest kind that cannot run, or whose "
	     "verdict is unknown: the capability (or proof) the matrix names");
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		if (r->matrix[k].verdict != VERDICT_YES && r->matrix[k].blocked_by) {
			fprintf(f, "virtcap_guest_blocked_info{guest=\"%s\",blocker=\"",
				guest_kind_id((enum guest_kind)k));
			label_value(f, r->matrix[k].blocked_by);
			fputs("\"} 1\n", f);
		}
	head(f, "virtcap_guest_proven", "1 when a test guest proved the kind, 0 when it failed "
	     "(absent when no proof ran)");
	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		const struct report_proof *p = report_row_proof(r, (enum guest_kind)k);

		if (!p || p->status == PROOF_NOT_RUN)
			continue;
		fprintf(f, "virtcap_guest_proven{guest=\"%s\"} %d\n",
			guest_kind_id((enum guest_kind)k), p->status == PROOF_PROVEN);
	}
	head(f, "virtcap_cpu_virt_extension", "1 when the CPU offers the hardware virtualization "
	     "extension (vmx: Intel VT-x, svm: AMD-V)");
	for (int i = 0; i < 2; i++) {
		int v = report_cap_flag(r, i ? CAP_CPU_SVM : CAP_CPU_VMX);

		if (v >= 0)
			fprintf(f, "virtcap_cpu_virt_extension{ext=\"%s\"} %d\n", i ? "svm" : "vmx", v);
	}
	head(f, "virtcap_kvm_usable", "1 when this user opens /dev/kvm and KVM creates a VM");
	if (report_kvm_usable(r) != VERDICT_UNKNOWN)
		fprintf(f, "virtcap_kvm_usable %d\n", report_kvm_usable(r) == VERDICT_YES);
	flag(f, r, "virtcap_kvm_nested", "1 when the KVM module runs with nested=1",
	     CAP_KERNEL_NESTED);
	flag(f, r, "virtcap_iommu_enabled", "1 when the kernel has IOMMU groups",
	     CAP_KERNEL_IOMMU_ENABLED);
	flag(f, r, "virtcap_is_guest", "1 when this host is itself a virtual machine",
	     CAP_ENV_IS_GUEST);
	head(f, "virtcap_input_errors", "inputs virtcap could not read (files, dumps)");
	fprintf(f, "virtcap_input_errors %zu\n", r->nerrors);
	return ferror(f) ? -5 : 0;
}
