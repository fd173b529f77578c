// SPDX-License-Identifier: MIT
/*
 * The run loop: KVM_RUN until an exit someone must look at, never past a deadline.
 *
 * A guest that spins never exits, so KVM_RUN must be interrupted: a POSIX timer sends SIGUSR1
 * to the vCPU's thread at the deadline, the handler sets kvm_run.immediate_exit, and KVM_RUN
 * returns EINTR (api.rst 5 "immediate_exit": set before the signal can be lost between our
 * deadline check and the ioctl, since KVM checks the flag on entry).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hv-mini/hv.h"

#define HV_DEADLINE_SIGNAL SIGUSR1
/* how often a vCPU with a CPU-time limit looks at its thread's CPU time: one timer syscall per
 * look, never one per exit (exits are what some proofs time) */
#define HV_SPIN_TICK_NS 25000000ull

static __thread struct kvm_run *deadline_run;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;

static void on_deadline(int sig)
{
	(void)sig;
	if (deadline_run)
		deadline_run->immediate_exit = 1;
}

static void install_handler(void)
{
	struct sigaction sa = { .sa_handler = on_deadline };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: KVM_RUN must come back with EINTR */
	sigaction(HV_DEADLINE_SIGNAL, &sa, NULL);
}

static int arm_deadline(struct hv_vcpu *vcpu, uint64_t deadline_ns)
{
	pthread_once(&handler_once, install_handler);
	if (!vcpu->has_timer) {
		struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID,
				       .sigev_signo = HV_DEADLINE_SIGNAL };

		/* sigev_notify_thread_id: glibc 2.36 names the field only in its private union */
		ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
		if (timer_create(CLOCK_MONOTONIC, &ev, &vcpu->deadline_timer) < 0) {
			snprintf(vcpu->vm->err, sizeof(vcpu->vm->err), "timer_create: %s",
				 strerror(errno));
			return -errno;
		}
		vcpu->has_timer = true;
	}

	if (vcpu->armed_deadline == deadline_ns)
		return 0;	/* one syscall less per exit: the exits' cost is what we measure */
	vcpu->armed_deadline = deadline_ns;

	struct itimerspec when = {
		.it_value = { (time_t)(deadline_ns / 1000000000ull),
			      (long)(deadline_ns % 1000000000ull) },
	};

	return timer_settime(vcpu->deadline_timer, TIMER_ABSTIME, &when, NULL) < 0 ? -errno : 0;
}

void hv_vcpu_release_timer(struct hv_vcpu *vcpu)
{
	if (vcpu->has_timer)
		timer_delete(vcpu->deadline_timer);
	vcpu->has_timer = false;
	vcpu->armed_deadline = 0;
	if (deadline_run == vcpu->run)
		deadline_run = NULL;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* When the timer must wake this vCPU: its deadline, or its next look at its CPU time */
static uint64_t next_wake(struct hv_vcpu *vcpu, uint64_t deadline_ns)
{
	if (!vcpu->spin_cpu_ns)
		return deadline_ns;
	if (!vcpu->cpu_start_ns) {
		vcpu->cpu_start_ns = thread_cpu_ns() | 1;
		vcpu->next_look_ns = hv_now_ns() + HV_SPIN_TICK_NS;
	}
	return vcpu->next_look_ns < deadline_ns ? vcpu->next_look_ns : deadline_ns;
}

/* At a look: true when the thread has used its CPU time; else the next look is set */
static bool spun_out(struct hv_vcpu *vcpu, uint64_t now)
{
	if (!vcpu->spin_cpu_ns || now < vcpu->next_look_ns)
		return false;
	if (thread_cpu_ns() - vcpu->cpu_start_ns >= vcpu->spin_cpu_ns)
		return true;
	vcpu->next_look_ns = now + HV_SPIN_TICK_NS;
	return false;
}

int hv_vcpu_run(struct hv_vcpu *vcpu, uint64_t deadline_ns, struct hv_exit *exit)
{
	struct kvm_run *run = vcpu->run;
	int err = arm_deadline(vcpu, next_wake(vcpu, deadline_ns));

	memset(exit, 0, sizeof(*exit));
	if (err)
		return err;
	deadline_run = run;
	run->immediate_exit = 0;	/* a signal of an earlier deadline is not ours */
	for (;;) {
		uint64_t now = hv_now_ns();

		if (now >= deadline_ns || spun_out(vcpu, now)) {
			exit->timed_out = true;
			exit->spun = now < deadline_ns;
			exit->reason = run->exit_reason;
			break;
		}
		if (vcpu->spin_cpu_ns && (err = arm_deadline(vcpu, next_wake(vcpu, deadline_ns))))
			return err;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				continue;
			}
			err = -errno;
			snprintf(vcpu->vm->err, sizeof(vcpu->vm->err), "KVM_RUN (vCPU %d): %s",
				 vcpu->id, strerror(errno));
			break;
		}
		exit->reason = run->exit_reason;
		if ((err = hv_arch_read_ucall(vcpu, exit)) > 0)
			err = 0;
		break;
	}
	/* the timer stays armed for the next call with the same deadline; a late signal only
	 * sets immediate_exit, which the next call clears, and hv_vm_destroy() deletes it */
	return err;
}
