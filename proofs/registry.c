// SPDX-License-Identifier: MIT
/*
 * The proof table, made from proofs/manifest.h, and the runner every proof goes through.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proofs/proofs.h"

/* The manifest's guest images (build/guests/images.S), declared */
#define IMAGE_DECL(g) extern const uint8_t hv_guest_##g[], hv_guest_##g##_end[];
#define ANY(g, mode) IMAGE_DECL(g)
#define BY_VENDOR(g1, m1, g2, m2) IMAGE_DECL(g1) IMAGE_DECL(g2)
#define PROOF(id, row, group, vcpus, image, setup, check) image
#include PROOFS_MANIFEST
#undef ANY
#undef BY_VENDOR
#undef PROOF

/* ... and as the table */
#define IMAGE(g, m) { hv_guest_##g, hv_guest_##g##_end, HV_MODE_##m }
#define ANY(g, m) IMAGE(g, m), IMAGE(g, m)
#define BY_VENDOR(g1, m1, g2, m2) IMAGE(g1, m1), IMAGE(g2, m2)
#define PROOF(id, row, group, vcpus, image, setup, check) \
	{ id, row, PROOF_##group, vcpus, image, setup, check },
const struct proof_def proof_defs[] = {
#include PROOFS_MANIFEST
};
#undef PROOF

const size_t proof_count = sizeof(proof_defs) / sizeof(proof_defs[0]);

bool proof_runs_by_default(const struct proof_def *p)
{
	return p->group == PROOF_CAPABILITY || p->group == PROOF_PART;
}

const struct proof_def *proof_find(const char *id)
{
	for (size_t i = 0; i < proof_count; i++)
		if (!strcmp(proof_defs[i].id, id))
			return &proof_defs[i];
	return NULL;
}

const char *proof_ids(char *buf, size_t len, const char *sep)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < proof_count && used < len; i++)
		if (proof_defs[i].group != PROOF_LIAR)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? sep : "",
						 proof_defs[i].id);
	if (used < len)		/* the liars by the word that names them all */
		snprintf(buf + used, len - used, "%sliars", used ? sep : "");
	return buf;
}

int proof_no_setup(struct proof_run *run, struct hv_proof_result *res)
{
	return 0;
}

struct vcpu_thread {
	struct proof_run *run;
	int id;
	uint64_t deadline;
	int rc;
	char why[768];
};

static void *vcpu_thread(void *arg)
{
	struct vcpu_thread *t = arg;
	struct proof_run *run = t->run;

	t->rc = hv_run_until_done(&run->vm.vcpus[t->id], t->deadline, &run->dev.bus,
				  &run->done[t->id], t->why, sizeof(t->why));
	return NULL;
}

/* Every vCPU to its DONE, each on a thread of its own when there are several */
static void run_vcpus(struct proof_run *run, int nvcpus)
{
	struct vcpu_thread t[HV_MAX_VCPUS];
	pthread_t threads[HV_MAX_VCPUS];
	uint64_t deadline = hv_proof_deadline(run->opts);
	int started = 0;

	for (int i = 0; i < nvcpus; i++)
		t[i] = (struct vcpu_thread){ .run = run, .id = i, .deadline = deadline };
	/* a CPU-time limit only where spinning means broken: one vCPU (several wait for one
	 * another, spinning, when the host is busy) and no guest of its own (an L2 takes the
	 * L1's time) */
	if (nvcpus == 1 && run->opts->spin_cpu_ms && !(run->def->row && !strcmp(run->def->row,
										 "nested")))
		run->vm.vcpus[0].spin_cpu_ns = run->opts->spin_cpu_ms * 1000000ull;
	if (nvcpus == 1) {
		vcpu_thread(&t[0]);
		started = 1;
	} else {
		for (int i = 0; i < nvcpus; i++)
			if (pthread_create(&threads[i], NULL, vcpu_thread, &t[i]) == 0)
				started++;
		for (int i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
	}
	run->finished = started == nvcpus;
	if (started < nvcpus)
		snprintf(run->why, sizeof(run->why), "could not start a thread per vCPU");
	for (int i = 0; run->finished && i < started; i++) {
		if (!t[i].rc)
			continue;
		run->finished = false;
		if (nvcpus == 1)
			snprintf(run->why, sizeof(run->why), "%s", t[i].why);
		else
			snprintf(run->why, sizeof(run->why), "vCPU %d: %s", i, t[i].why);
	}
#if defined(__x86_64__) || defined(__i386__)
	/* the x86 checks judge the mode by these; arm64's read the registers they want */
	if (run->finished && ioctl(run->vm.vcpus[0].fd, KVM_GET_SREGS, &run->sregs) < 0) {
		run->finished = false;
		snprintf(run->why, sizeof(run->why), "KVM_GET_SREGS: %s", strerror(errno));
	}
#endif
}

void proof_run(const struct proof_def *p, const struct hv_proof_opts *o,
	       struct hv_proof_result *res)
{
	struct proof_run run = { .def = p, .opts = o };
	uint64_t start = hv_now_ns();

	memset(res, 0, sizeof(*res));
	if (getrandom(run.nonce, sizeof(run.nonce), 0) != (ssize_t)sizeof(run.nonce))
		for (int i = 0; i < 4; i++)	/* unpredictable enough to a guest */
			run.nonce[i] = (uint32_t)(hv_now_ns() * 0x9E3779B97F4A7C15ull >> (8 * i));
	if (hv_guest_create(&run.vm, o, res))
		goto out;

	const struct proof_image *img = run.vm.svm ? &p->svm : &p->vmx;
	int err = hv_devices_init(&run.dev);

	if (err) {
		hv_result_set(res, HV_PROOF_FAILED, "the device bus: %s", strerror(-err));
	} else if (!hv_guest_start(&run.vm, img->start, (size_t)(img->end - img->start),
				   img->mode, p->vcpus, res)) {
		if (p->setup(&run, res) == 0) {
			run_vcpus(&run, p->vcpus);
			p->check(&run, res);
		} else if (!res->detail[0]) {
			hv_result_set(res, HV_PROOF_FAILED, "set-up: %s", run.vm.err);
		}
	}
	if (run.dev.disk.fd >= 0)
		close(run.dev.disk.fd);
	hv_vm_destroy(&run.vm);
out:
	res->duration_us = (hv_now_ns() - start) / 1000;
}

/* The child's side: the result, whole, down the pipe */
static void run_child(const struct proof_def *p, const struct hv_proof_opts *o, int fd)
{
	struct hv_proof_result res;
	const char *at = (const char *)&res;
	size_t left = sizeof(res);

	signal(SIGINT, SIG_DFL);	/* the parent cleans up after a Ctrl-C, not us */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	proof_run(p, o, &res);
	while (left) {
		ssize_t n = write(fd, at, left);

		if (n <= 0 && errno != EINTR)
			_exit(1);
		if (n > 0) {
			at += n;
			left -= (size_t)n;
		}
	}
	_exit(0);
}

/* Read the child's result until the kill time; true when it came whole */
static bool read_result(int fd, uint64_t kill_at, struct hv_proof_result *res)
{
	char *at = (char *)res;
	size_t got = 0;

	while (got < sizeof(*res)) {
		uint64_t now = hv_now_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (now >= kill_at)
			return false;

		int rc = poll(&pfd, 1, (int)((kill_at - now) / 1000000 + 1));

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return false;

		ssize_t n = read(fd, at + got, sizeof(*res) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* Wait for the child: as long as it takes when it answered, else at most PROOF_REAP_MS after
 * the SIGKILL. True when it was reaped (*status set). */
static bool reap(pid_t pid, bool answered, int *status)
{
	uint64_t give_up = hv_now_ns() + PROOF_REAP_MS * 1000000ull;

	for (;;) {
		pid_t got = waitpid(pid, status, answered ? 0 : WNOHANG);

		if (got == pid)
			return true;
		if (got < 0 && errno != EINTR)
			return false;
		if (!answered) {
			if (hv_now_ns() >= give_up)
				return false;
			usleep(10000);
		}
	}
}

void proof_run_bounded(const struct proof_def *p, const struct hv_proof_opts *o,
		       struct hv_proof_result *res)
{
	uint64_t timeout_ms = o->timeout_ms ? o->timeout_ms : HV_PROOF_TIMEOUT_MS;
	uint64_t start = hv_now_ns(), kill_at = start + (timeout_ms + PROOF_GRACE_MS) * 1000000ull;
	int fds[2], status = 0;

	memset(res, 0, sizeof(*res));
	if (pipe2(fds, O_CLOEXEC) < 0) {
		hv_result_set(res, HV_PROOF_FAILED, "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);	/* nothing buffered is written twice */

	pid_t pid = fork();

	if (pid < 0) {
		hv_result_set(res, HV_PROOF_FAILED, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(p, o, fds[1]);
	}
	close(fds[1]);

	bool whole = read_result(fds[0], kill_at, res);

	close(fds[0]);
	if (!whole)
		kill(pid, SIGKILL);
	if (!reap(pid, whole, &status)) {
		/* stuck in the kernel, where even SIGKILL waits (a KVM_RUN in uninterruptible
		 * sleep): left behind, for init to reap once it ends, so that we can go on */
		hv_result_set(res, HV_PROOF_FAILED, "did not finish: no result %llu ms after its "
			      "%llu ms deadline, and its process could not be stopped (stuck in the "
			      "kernel: a KVM_RUN that does not return)", (unsigned long long)PROOF_GRACE_MS,
			      (unsigned long long)timeout_ms);
		res->duration_us = (hv_now_ns() - start) / 1000;
		return;
	}
	if (whole) {
		res->detail[sizeof(res->detail) - 1] = '\0';	/* it came from another process */
		if (res->nmetrics > HV_PROOF_METRICS_MAX)
			res->nmetrics = HV_PROOF_METRICS_MAX;
		return;
	}
	memset(res, 0, sizeof(*res));
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		hv_result_set(res, HV_PROOF_FAILED, "the proof's process died of signal %d (%s) "
			      "before it gave a result", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		hv_result_set(res, HV_PROOF_FAILED, "the proof's process ended (exit status %d) "
			      "before it gave a result", WEXITSTATUS(status));
	else
		hv_result_set(res, HV_PROOF_FAILED, "did not finish: no result %llu ms after its "
			      "%llu ms deadline, so it was stopped (a KVM_RUN that did not return, or "
			      "a hang of hv-mini's)", (unsigned long long)PROOF_GRACE_MS,
			      (unsigned long long)timeout_ms);
	res->duration_us = (hv_now_ns() - start) / 1000;
}
