// SPDX-License-Identifier: MIT
/*
 * Why a guest is slow although KVM works: settings of the host that cost guests time, each with
 * its documented cost, as the kernel shows them.
 *   - split locks: an atomic access across two cache lines locks the bus (over 1000 cycles); on
 *     CPUs that detect them the kernel warns and, since 5.19, makes the thread that did it sleep
 *     (the "misery mode", kernel.split_lock_mitigate=1 from 6.2): a guest that split-locks (older
 *     Windows, some games) then crawls. The kernel log names the vCPU thread ("CPU 0/KVM/...").
 *   - transparent huge pages "never": guest RAM is mapped with 4 KiB pages, more TLB misses and
 *     longer two-level (EPT/NPT) walks;
 *   - kvm.nx_huge_pages (the iTLB multihit mitigation): executable guest huge pages split;
 *   - the CPU frequency governor "powersave" with a driver that takes it literally
 *     (acpi-cpufreq): the lowest frequency, always.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

static int split_locks(struct probe_ctx *ctx, struct report *r)
{
	const char *trap = facts_get(&ctx->facts, "klog.split_lock_guest");
	const char *klog = facts_get(&ctx->facts, "klog.status");
	char mitigate[8] = "";
	bool have_knob = root_read_line(ctx, "/proc/sys/kernel/split_lock_mitigate", mitigate,
					sizeof(mitigate)) == 0;

	if (!trap)
		return klog && !strcmp(klog, "ok")
		       ? report_cap_bool(r, CAP_KERNEL_GUEST_SPLIT_LOCKS, true, "the kernel log",
					 "no vCPU thread took a split-lock trap")
		       : report_cap_unknown(r, CAP_KERNEL_GUEST_SPLIT_LOCKS, "the kernel log",
					    "the kernel log was not readable: a guest's split locks "
					    "show only there");
	if (have_knob && !strcmp(mitigate, "0"))
		return report_cap_bool(r, CAP_KERNEL_GUEST_SPLIT_LOCKS, true,
				       "/proc/sys/kernel/split_lock_mitigate", "a guest split-locks "
				       "(%s), but kernel.split_lock_mitigate=0: it is warned, not "
				       "slowed", trap);

	int rc = report_cap_bool(r, CAP_KERNEL_GUEST_SPLIT_LOCKS, false, "the kernel log, "
				 "/proc/sys/kernel/split_lock_mitigate", "a guest split-locks: %s; "
				 "each split lock costs the host's bus over 1000 cycles, and the "
				 "kernel then makes that vCPU thread sleep (split-lock misery mode)",
				 trap);

	return rc | report_cap_fix(r, CAP_KERNEL_GUEST_SPLIT_LOCKS, "%s", have_knob
				   ? "stop the slowdown, keep the warning: sudo sysctl "
				     "kernel.split_lock_mitigate=0 (to keep it: echo "
				     "kernel.split_lock_mitigate=0 | sudo tee "
				     "/etc/sysctl.d/90-split-lock.conf); a host whose other tenants "
				     "must be protected keeps it"
				   : "this kernel has no split_lock_mitigate knob (before 6.2): "
				     "split_lock_detect=off on the kernel command line "
				     CMDLINE_HOW);
}

static int huge_pages(struct probe_ctx *ctx, struct report *r)
{
	static const char thp[] = "/sys/kernel/mm/transparent_hugepage/enabled";
	char mode[32], nx[16], multihit[160];
	int rc = 0;

	if (!root_read_choice(ctx, thp, mode, sizeof(mode)))
		rc |= report_cap_unknown(r, CAP_KERNEL_THP_FOR_GUESTS, thp, "not readable");
	else if (!strcmp(mode, "never"))
		rc |= report_cap_bool(r, CAP_KERNEL_THP_FOR_GUESTS, false, thp, "transparent huge "
				      "pages are off: guest RAM is mapped with 4 KiB pages, so more "
				      "TLB misses and longer EPT/NPT walks") |
		      report_cap_fix(r, CAP_KERNEL_THP_FOR_GUESTS, "echo madvise | sudo tee %s "
				     "(QEMU asks for huge pages with madvise); to keep it: "
				     "transparent_hugepage=madvise on the kernel command line", thp);
	else
		rc |= report_cap_bool(r, CAP_KERNEL_THP_FOR_GUESTS, true, thp, "transparent huge "
				      "pages: %s (QEMU asks for them for guest RAM)", mode);

	if (root_read_line(ctx, "/sys/module/kvm/parameters/nx_huge_pages", nx, sizeof(nx)))
		return rc;
	if (root_read_line(ctx, "/sys/devices/system/cpu/vulnerabilities/itlb_multihit", multihit,
			   sizeof(multihit)))
		multihit[0] = '\0';
	rc |= report_cap_str(r, CAP_KERNEL_NX_HUGE_PAGES, nx,
			     "/sys/module/kvm/parameters/nx_huge_pages", "%s%s%s%s",
			     strstr(multihit, "Split huge pages") ? "the iTLB multihit mitigation "
			     "splits executable guest huge pages into 4 KiB ones, a cost to guests "
			     "that run much code; kvm.nx_huge_pages=off removes it only where every "
			     "guest is trusted" : "no cost here: this CPU needs no iTLB multihit "
			     "mitigation", *multihit ? " (itlb_multihit: " : "",
			     *multihit ? multihit : "", *multihit ? ")" : "");
	return rc;
}

static int governor(struct probe_ctx *ctx, struct report *r)
{
	static const char gov_path[] = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor";
	char gov[32], driver[32];

	if (root_read_line(ctx, gov_path, gov, sizeof(gov)))
		return 0;	/* no cpufreq (most VMs): nothing to say */
	if (root_read_line(ctx, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver", driver,
			   sizeof(driver)))
		snprintf(driver, sizeof(driver), "?");

	/* intel_pstate and amd-pstate-epp run "powersave" as a dynamic policy; the others
	 * hold the lowest frequency */
	bool literal = !strcmp(gov, "powersave") && strcmp(driver, "intel_pstate") &&
		       strncmp(driver, "amd-pstate", 10);
	int rc = report_cap_bool(r, CAP_KERNEL_CPU_FREQUENCY_OK, !literal, gov_path, "governor %s "
				 "of %s%s", gov, driver, literal ? ": the CPUs stay at their lowest "
				 "frequency, and so do the guests" : "");

	if (literal)
		rc |= report_cap_fix(r, CAP_KERNEL_CPU_FREQUENCY_OK, "sudo cpupower frequency-set "
				     "-g schedutil (Debian/Ubuntu: apt install linux-cpupower; "
				     "Fedora: dnf install kernel-tools)");
	return rc;
}

int probe_slowness(struct probe_ctx *ctx, struct report *r)
{
	int rc = split_locks(ctx, r);

	rc |= huge_pages(ctx, r);
	rc |= governor(ctx, r);
	return rc ? -ENOMEM : 0;
}
