// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe/probe.h"
#include "probe/root.h"

/*
 * Whether a root other than "/" is a captured system at all: a snapshot, or a copy of a host's
 * /proc and /sys. An empty directory, or the directory a snapshot was unpacked beside, would
 * otherwise give confident answers about nothing. 0, or -ENOENT with err saying what to give.
 */
static int root_is_system(struct probe_ctx *ctx, char *err, size_t errlen)
{
	static const char *const markers[] = { "/proc", "/sys", "/.virtcap" };
	struct stat st;
	char **names;
	int n;

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (root_stat(ctx, markers[i], &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
	snprintf(err, errlen, "%s: not a captured system (no /proc, /sys or .virtcap in it): give "
		 "the directory a snapshot was unpacked into, or the snapshot archive itself",
		 ctx->root);
	n = root_list(ctx, "/", &names);
	for (int i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "/%s/.virtcap", names[i]);
		if (root_stat(ctx, path, &st) == 0 && S_ISDIR(st.st_mode)) {
			size_t used = strlen(err);

			snprintf(err + used, errlen - used, " (%s/%s holds one)", ctx->root, names[i]);
			break;
		}
	}
	root_list_free(n >= 0 ? names : NULL);
	return -ENOENT;
}

int probe_ctx_init(struct probe_ctx *ctx, const char *root, const char *cpuid_dump, char *err,
		   size_t errlen)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->ns_trial_fd = -1;
	ctx->root = root ? root : "/";
	ctx->root_name = ctx->root;
	ctx->cpuid_dump = cpuid_dump;
	ctx->root_fd = root_open_dir(ctx->root);
	if (ctx->root_fd < 0) {
		snprintf(err, errlen, "%s: cannot open as the root to probe: %s", ctx->root,
			 strerror(-ctx->root_fd));
		return ctx->root_fd;
	}
	/* "/" spelled any way ("//", "/.") is the live host */
	char real[4096];

	ctx->live = realpath(ctx->root, real) && strcmp(real, "/") == 0;
	if (ctx->live)
		return 0;

	/* a captured root brings the results of the live actions with it */
	char *text;
	size_t len;
	int rc = root_is_system(ctx, err, errlen);

	if (rc) {
		close(ctx->root_fd);
		ctx->root_fd = -1;
		return rc;
	}
	rc = root_read(ctx, FACTS_PATH, &text, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0) {
		char why[160];

		rc = facts_parse(&ctx->facts, text, len, why, sizeof(why));
		free(text);
		if (rc == 0)
			return 0;
		snprintf(err, errlen, "%s%s: %s", ctx->root_name, FACTS_PATH, why);
	} else {
		snprintf(err, errlen, "%s%s: %s", ctx->root_name, FACTS_PATH, strerror(-rc));
	}
	close(ctx->root_fd);
	ctx->root_fd = -1;
	facts_free(&ctx->facts);
	root_kept_free(ctx);
	return rc;
}

void probe_ctx_release(struct probe_ctx *ctx)
{
	/* a run that stopped before probe_osvirt() leaves its namespace child behind */
	if (ctx->ns_trial_fd >= 0) {
		close(ctx->ns_trial_fd);
		kill(ctx->ns_trial_pid, SIGKILL);
		waitpid(ctx->ns_trial_pid, NULL, 0);
		ctx->ns_trial_fd = -1;
	}
	root_kept_free(ctx);
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	ctx->root_fd = -1;
	facts_free(&ctx->facts);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int probe_run(struct probe_ctx *ctx, struct report *r)
{
	static const struct {
		const char *name;
		int (*run)(struct probe_ctx *, struct report *);
	} areas[] = {
		{ "host", probe_host },		/* first: hostname, kernel, bitness */
		{ "cpu", probe_cpu },		/* fills ctx->cpuid that the later areas read */
		{ "vmx", probe_vmx },
		{ "firmware", probe_firmware },
		{ "kernel", probe_kernel },
		{ "kvm_dev", probe_kvm_dev },
		{ "kvm_access", probe_kvm_access },	/* after kvm_dev: only for a /dev/kvm that
							 * opened */
		{ "coexist", probe_coexist },	/* after kernel and kvm_dev: it reads their findings */
		{ "pci", probe_pci },
		{ "osvirt", probe_osvirt },
		{ "confidential", probe_confidential },
		{ "devnodes", probe_devnodes },	/* after osvirt (a container gets its own fix),
						 * confidential (SEV) */
		{ "xen", probe_xen },		/* after cpu, firmware, kernel: replaces their fixes */
		{ "environment", probe_environment },	/* weighs the evidence the others recorded */
		{ "arm64", probe_arm64 },	/* after environment: a VM's fix is not a machine's */
		{ "modsign", probe_modsign },	/* after environment: it reads the kernel log that
						 * area recorded */
		{ "lsm", probe_lsm },		/* likewise */
		{ "slowness", probe_slowness },	/* likewise */
		{ "running_vms", probe_running_vms },	/* after kernel: APIC virtualization's
							 * parameter */
		{ "passthrough", probe_passthrough },	/* after environment: its fixes depend on
							 * where the host is */
		{ "tools", probe_tools },
		{ "graphics", probe_graphics },	/* after pci and tools: it reads the GPUs, QEMU */
		{ "binfmt", probe_binfmt },
	};
	/* make bench's breakdown of where the probe's time goes: each area's wall time on
	 * standard error (scripts/bench.sh) */
	bool times = getenv("VIRTCAP_BENCH_AREAS") != NULL;
	long long t = times ? now_us() : 0;

	if (report_str_set(&r->root, ctx->root_name))
		return -ENOMEM;
	if (ctx->live) {
		probe_osvirt_start(ctx);
		if (times)
			fprintf(stderr, "virtcap-area osvirt_start %lld\n", now_us() - t);
		t = times ? now_us() : 0;
		probe_klog_record(ctx);	/* before the areas: the kernel's reads it */
		if (times)
			fprintf(stderr, "virtcap-area klog %lld\n", now_us() - t);
	}
	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		int err;

		t = times ? now_us() : 0;
		err = areas[i].run(ctx, r);
		if (times)
			fprintf(stderr, "virtcap-area %s %lld\n", areas[i].name, now_us() - t);
		if (err)
			return err;
	}
	report_matrix_derive(r);
	return 0;
}
