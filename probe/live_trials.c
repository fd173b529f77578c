// SPDX-License-Identifier: MIT
/*
 * Two live trials cost most of the probe's time and wait on the kernel, not on us: reading the
 * kernel log (SYSLOG_ACTION_READ_ALL formats every record: ~0.4 ms here) and /dev/kvm's
 * ioctls with a KVM_CREATE_VM (~0.4 ms). A thread each runs them from the probe's start while
 * the areas read their files; the area that uses a result waits for its thread there.
 *
 * A thread touches nothing of the probe's: it writes its own facts or buffer, which the area
 * reads only after pthread_join().
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "probe/live_trials.h"

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define KLOG_MAX (1 << 22)	/* the ring buffer is at most a few MiB */

/* One trial: its thread, and whether its results are in */
struct trial {
	pthread_t thread;
	bool running;		/* the thread is there to join */
	bool done;
};

struct live_trials {
	struct trial kvm_trial, klog_trial;
	struct facts kvm;	/* kvm.* facts, until copied into ctx->facts */
	char *klog;		/* the kernel log, or NULL */
	const char *klog_status;	/* "ok", "EPERM" or "empty" */
};

static void *read_klog(void *arg)
{
	struct live_trials *t = arg;
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);

	t->klog_status = size < 0 ? "EPERM" : "empty";
	if (size <= 0 || size > KLOG_MAX || !(t->klog = malloc((size_t)size + 1)))
		return NULL;

	int n = klogctl(SYSLOG_ACTION_READ_ALL, t->klog, size);

	if (n < 0) {
		t->klog_status = "EPERM";
		free(t->klog);
		t->klog = NULL;
		return NULL;
	}
	t->klog[n] = '\0';
	t->klog_status = "ok";
	return NULL;
}

static void *try_kvm(void *arg)
{
	struct live_trials *t = arg;

	kvm_dev_record_live(&t->kvm);
	return NULL;
}

static struct live_trials *trials(struct probe_ctx *ctx)
{
	if (!ctx->trials && !(ctx->trials = calloc(1, sizeof(*ctx->trials))))
		abort();	/* a few bytes at the start of the probe */
	return ctx->trials;
}

static void trial_start(struct trial *tr, void *(*fn)(void *), struct live_trials *t)
{
	if (!tr->running && !tr->done)
		tr->running = pthread_create(&tr->thread, NULL, fn, t) == 0;
}

/* Its results, waited for, or made now when no thread could be */
static void trial_finish(struct trial *tr, void *(*fn)(void *), struct live_trials *t)
{
	if (tr->running) {
		pthread_join(tr->thread, NULL);
		tr->running = false;
	} else if (!tr->done) {
		fn(t);
	}
	tr->done = true;
}

void live_trials_start(struct probe_ctx *ctx)
{
	struct live_trials *t = trials(ctx);

	trial_start(&t->kvm_trial, try_kvm, t);
	trial_start(&t->klog_trial, read_klog, t);
}

void live_trials_kvm(struct probe_ctx *ctx)
{
	struct live_trials *t = trials(ctx);

	trial_finish(&t->kvm_trial, try_kvm, t);
	for (size_t i = 0; i < t->kvm.n; i++)
		facts_set(&ctx->facts, t->kvm.v[i].key, "%s", t->kvm.v[i].value);
}

char *live_trials_klog(struct probe_ctx *ctx, const char **status)
{
	struct live_trials *t = trials(ctx);

	trial_finish(&t->klog_trial, read_klog, t);
	*status = t->klog_status;
	return t->klog;
}

void live_trials_release(struct probe_ctx *ctx)
{
	struct live_trials *t = ctx->trials;

	if (!t)
		return;
	if (t->kvm_trial.running)
		pthread_join(t->kvm_trial.thread, NULL);
	if (t->klog_trial.running)
		pthread_join(t->klog_trial.thread, NULL);
	facts_free(&t->kvm);
	free(t->klog);
	free(t);
	ctx->trials = NULL;
}
