// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv-mini/exit_bench.h"
#include "hv-mini/hv.h"

#if defined(__x86_64__) || defined(__i386__)
extern const uint8_t hv_guest_exits[], hv_guest_exits_end[];
#define EXITS_GUEST hv_guest_exits, (size_t)(hv_guest_exits_end - hv_guest_exits)
#endif

static const char *const kind_names[] = { "", "pio", "mmio", "hypercall", "hlt" };

static int bench_vm(struct hv_vm *vm, enum exit_kind kind, unsigned count)
{
#ifndef EXITS_GUEST
	/* its exits (port I/O, VMCALL, HLT) are x86's: none is written for arm64 yet */
	snprintf(vm->err, sizeof(vm->err), "not measured: the exit guest (hv-mini/guests/exits.S) "
		 "is x86 code");
	vm->fd = vm->kvm_fd = -1;
	(void)kind, (void)count;
	return -EOPNOTSUPP;
#else
	int err = hv_vm_create(vm, NULL);
	uint32_t data[3];

	if (err)
		return err;
	err = hv_vm_load(vm, HV_GPA_CODE, EXITS_GUEST);
	if (!err)
		err = hv_vcpu_create(vm, 0, HV_MODE_PROT32, HV_GPA_CODE);
	if (err) {
		hv_vm_destroy(vm);
		return err;
	}
	data[0] = kind;
	data[1] = count;
	data[2] = vm->svm;
	memcpy(hv_gpa_to_hva(vm, HV_GPA_DATA), data, sizeof(data));
	return 0;
#endif
}

/* hv-mini's loop: every exit goes back through hv_vcpu_run(). */
static double time_hv(enum exit_kind kind, unsigned count, uint64_t timeout_ms, char *err,
		      size_t len)
{
	struct hv_vm vm;
	uint64_t deadline, start;
	unsigned exits = 0;

	if (bench_vm(&vm, kind, count)) {
		snprintf(err, len, "%s", vm.err);
		return -1;
	}
	start = hv_now_ns();
	deadline = start + timeout_ms * 1000000ull;
	for (;;) {
		struct hv_exit e;

		if (hv_vcpu_run(&vm.vcpus[0], deadline, &e) < 0 || e.timed_out) {
			snprintf(err, len, "%s", e.timed_out ? "did not finish in time" : vm.err);
			hv_vm_destroy(&vm);
			return -1;
		}
		if (e.is_ucall && e.ucall == HV_UCALL_DONE)
			break;
		if (e.reason != KVM_EXIT_IO && e.reason != KVM_EXIT_MMIO &&
		    e.reason != KVM_EXIT_HLT) {
			snprintf(err, len, "unexpected exit %s", hv_exit_name(e.reason));
			hv_vm_destroy(&vm);
			return -1;
		}
		exits++;
	}

	double us = (double)(hv_now_ns() - start) / 1000.0 / count;

	hv_vm_destroy(&vm);
	(void)exits;
	return us;
}

/* The bare loop: KVM_RUN and a look at the exit, nothing else (no deadline: it may hang on a
 * broken KVM, so it runs only after hv-mini's loop finished the same guest). */
static double time_bare(enum exit_kind kind, unsigned count, char *err, size_t len)
{
	struct hv_vm vm;

	if (bench_vm(&vm, kind, count)) {
		snprintf(err, len, "%s", vm.err);
		return -1;
	}

	struct hv_vcpu *v = &vm.vcpus[0];
	uint64_t start = hv_now_ns();

	for (unsigned guard = 0; guard <= count + 1; guard++) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			snprintf(err, len, "KVM_RUN: %s", strerror(errno));
			hv_vm_destroy(&vm);
			return -1;
		}
		if (v->run->exit_reason == KVM_EXIT_IO && v->run->io.port == HV_UCALL_PORT)
			break;
	}

	double us = (double)(hv_now_ns() - start) / 1000.0 / count;

	hv_vm_destroy(&vm);
	return us;
}

/* The best of ROUNDS runs of each loop, alternating: the first runs of a process pay for
 * faulting guest memory in and, under an emulated CPU, for translating code. */
#define ROUNDS 3

static double best(double a, double b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

int exit_bench_run(unsigned count, uint64_t timeout_ms, struct exit_cost costs[EXIT_KINDS - 1])
{
	for (int k = EXIT_PIO; k < EXIT_KINDS; k++) {
		struct exit_cost *c = &costs[k - 1];

		memset(c, 0, sizeof(*c));
		c->name = kind_names[k];
		c->hv_us = c->bare_us = -1;
		for (int round = 0; round < ROUNDS; round++) {
			double hv = time_hv((enum exit_kind)k, count, timeout_ms, c->error,
					    sizeof(c->error));

			if (hv < 0) {
				c->hv_us = -1;
				break;
			}
			c->hv_us = best(c->hv_us, hv);
			c->bare_us = best(c->bare_us, time_bare((enum exit_kind)k, count, c->error,
							       sizeof(c->error)));
		}
		if (c->hv_us < 0 && (!strncmp(c->error, "open", 4)))
			return -ENODEV;
	}
	return 0;
}
