/* SPDX-License-Identifier: MIT */
/*
 * The live host's two slow trials, run in a thread of their own from the start of the probe so
 * that they overlap the areas' file reads (probe/live_trials.c).
 */
#ifndef VIRTCAP_LIVE_TRIALS_H
#define VIRTCAP_LIVE_TRIALS_H

#include "probe/probe.h"

/* Start them (probe_run() does, on the live host only). */
void live_trials_start(struct probe_ctx *ctx);

/* /dev/kvm's trials into ctx->facts: waits for the thread, or runs them now if none started. */
void live_trials_kvm(struct probe_ctx *ctx);

/*
 * The kernel log as SYSLOG_ACTION_READ_ALL gave it (NUL-terminated, owned by ctx, the caller's
 * to cut up), *status "ok"; or NULL, *status "EPERM" (not readable here) or "empty". Waits for
 * its thread as live_trials_kvm() does.
 */
char *live_trials_klog(struct probe_ctx *ctx, const char **status);

/* Wait for the thread, if any, and free what it left (probe_ctx_release() does). */
void live_trials_release(struct probe_ctx *ctx);

/* The trials themselves, in the areas that explain their results */
void kvm_dev_record_live(struct facts *f);			/* probe/kvm_dev.c */

#endif
