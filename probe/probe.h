/* SPDX-License-Identifier: MIT */
/*
 * The host probe: reads what the CPU, the firmware and the kernel say about virtualization and
 * records it as capabilities in a report (reports/report.h).
 *
 * Everything the probe reads goes through a probe context:
 *   - files are read relative to ctx->root (probe/root.h), never outside it;
 *   - actions that only make sense on the live host (executing CPUID, reading MSRs, ioctls on
 *     /dev/kvm, trying unshare) happen only when ctx->live is set. Their results are kept as
 *     "facts" (probe/facts.h); on a captured root the same facts are read back from
 *     ROOT/.virtcap/facts, so a snapshot taken on one host is analysed the same way elsewhere.
 *
 * How to add a probe area: write probe/AREA.c with one entry point
 *     int probe_AREA(struct probe_ctx *ctx, struct report *r);
 * declare it below, call it from probe_run() in probe/probe.c, read files only with root_*()
 * and live results only through facts_*(). Return 0, or a negative errno for a failure that
 * must stop the run (out of memory); problems with the input become report_input_error().
 */
#ifndef VIRTCAP_PROBE_H
#define VIRTCAP_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/report.h"
#include "probe/cpuid_raw.h"
#include "probe/facts.h"

struct capture;

struct probe_ctx {
	const char *root;	/* "/" on the live host */
	const char *root_name;	/* the root as the user named it (an archive), for messages */
	int root_fd;		/* O_PATH directory fd of root */
	bool live;		/* root is "/": live actions are allowed */
	const char *cpuid_dump;	/* --cpuid-dump FILE, or NULL */

	struct facts facts;	/* live results, or those read from ROOT/.virtcap/facts */
	struct capture *capture;	/* non-NULL while taking a snapshot: records every file read */

	/* The namespace trial runs in a child while the other areas probe (probe/osvirt.c). */
	int ns_trial_pid;
	int ns_trial_fd;

	/* the files read so far, each read once per run (probe/root.c) */
	struct root_kept {
		char *path, *data;
		size_t len;
		int err;
		bool captured;	/* read while a snapshot recorded every read */
	} *kept;
	size_t nkept, kept_alloc;

	/* Filled by probe_cpu(), read by later areas. */
	struct cpuid_raw cpuid;
	bool cpuid_ok;		/* cpuid holds a usable dump */
};

/*
 * Prepare a context. root: directory to read from ("/" for the live host). cpuid_dump: NULL or a
 * libcpuid raw dump to use instead of the CPU. Returns 0 or a negative errno; on error a message
 * naming the input is written to err (size errlen).
 */
int probe_ctx_init(struct probe_ctx *ctx, const char *root, const char *cpuid_dump, char *err,
		   size_t errlen);
void probe_ctx_release(struct probe_ctx *ctx);

/* Run every probe area into r, then derive the matrix. Returns 0 or a negative errno. */
int probe_run(struct probe_ctx *ctx, struct report *r);

/* Start the namespace trials in a child at once, so they overlap the other areas. */
void probe_osvirt_start(struct probe_ctx *ctx);

/* KVM's misc-device minor from /proc/misc (232 upstream): -ENOENT when KVM registered no
 * device, -EIO when /proc/misc is not readable (probe/kernel.c) */
int probe_kvm_misc_minor(struct probe_ctx *ctx);

/* Whether joining /dev/kvm's group would let a user open it: the group is not root's (never a
 * fix) and the mode gives it read and write (0600 gives it nothing). *gid: the group's id. */
bool probe_kvm_group_grants(struct probe_ctx *ctx, unsigned long long *gid);

/* The kernel log's lines that describe the platform, as klog.* facts (probe/klog.c) */
void probe_klog_record(struct probe_ctx *ctx);
/* The same from a kernel log's text (dmesg's lines, or klogctl's with their "<6>"), which it
 * cuts into lines: how the record reads it, and what tests/c/klog-facts feeds it */
void probe_klog_text(struct facts *f, char *text);

/* Whether the kernel log was read and no longer reaches back to the boot (its oldest line is
 * later than KLOG_BOOT_SECONDS): what only the boot's lines say is then not known; *oldest is
 * the oldest line's time */
#define KLOG_BOOT_SECONDS 60
bool probe_klog_lost_boot(struct probe_ctx *ctx, double *oldest);

/*
 * Whether this kernel can load a module at all; when not, why (for a fix that would say
 * "modprobe"): "nomodule" on its command line, or kernel.modules_disabled=1 (probe/kernel.c).
 */
bool probe_modules_loadable(struct probe_ctx *ctx, char *why, size_t len);

/*
 * The kernel command line, and its words. cmdline_word(line, "intremap=") finds a whole word
 * that starts so (or, without a trailing '=', the word itself) and returns it, else NULL:
 * "iommu=off" is not found in "amd_iommu=off". CMDLINE_HOW says how to change the line.
 */
#define CMDLINE_HOW "(GRUB_CMDLINE_LINUX in /etc/default/grub, sudo update-grub, reboot)"
const char *cmdline_word(const char *cmdline, const char *word);

/* The areas, in the order probe_run() calls them. */
int probe_host(struct probe_ctx *ctx, struct report *r);		/* probe/host.c */
int probe_cpu(struct probe_ctx *ctx, struct report *r);			/* probe/cpu.c */
int probe_vmx(struct probe_ctx *ctx, struct report *r);			/* probe/vmx.c */
int probe_firmware(struct probe_ctx *ctx, struct report *r);		/* probe/firmware.c */
int probe_kernel(struct probe_ctx *ctx, struct report *r);		/* probe/kernel.c */
int probe_kvm_dev(struct probe_ctx *ctx, struct report *r);		/* probe/kvm_dev.c */
int probe_kvm_access(struct probe_ctx *ctx, struct report *r);		/* probe/kvm_access.c */
int probe_coexist(struct probe_ctx *ctx, struct report *r);		/* probe/coexist.c */
int probe_modsign(struct probe_ctx *ctx, struct report *r);		/* probe/modsign.c */
int probe_devnodes(struct probe_ctx *ctx, struct report *r);		/* probe/devnodes.c */
int probe_lsm(struct probe_ctx *ctx, struct report *r);			/* probe/lsm.c */
int probe_tools(struct probe_ctx *ctx, struct report *r);		/* probe/tools.c */
int probe_graphics(struct probe_ctx *ctx, struct report *r);		/* probe/graphics.c */
int probe_binfmt(struct probe_ctx *ctx, struct report *r);		/* probe/binfmt.c */
int probe_slowness(struct probe_ctx *ctx, struct report *r);		/* probe/slowness.c */
int probe_running_vms(struct probe_ctx *ctx, struct report *r);		/* probe/running_vms.c */
int probe_pci(struct probe_ctx *ctx, struct report *r);			/* probe/pci.c */
int probe_passthrough(struct probe_ctx *ctx, struct report *r);		/* probe/passthrough.c */
int probe_osvirt(struct probe_ctx *ctx, struct report *r);		/* probe/osvirt.c */
int probe_confidential(struct probe_ctx *ctx, struct report *r);	/* probe/confidential.c */
int probe_xen(struct probe_ctx *ctx, struct report *r);		/* probe/xen.c */
int probe_arm64(struct probe_ctx *ctx, struct report *r);	/* probe/arm64.c */
int probe_environment(struct probe_ctx *ctx, struct report *r);		/* probe/environment.c */

#endif
