// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv-mini/kit.h"

void hv_result_set(struct hv_proof_result *res, enum hv_proof_status status, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

const char *hv_proof_status_name(enum hv_proof_status s)
{
	return s == HV_PROOF_PROVEN ? "proven" : s == HV_PROOF_FAILED ? "failed" : "not-run";
}

const char *hv_guest_file_name(uint32_t id)
{
	static const char *const names[GUEST_FILE_COUNT] = {
		[GUEST_FILE_NESTED_SVM] = "nested/l1/nested-svm.S",
		[GUEST_FILE_NESTED_SVM_TDP] = "nested/l1/nested-svm-tdp.S",
		[GUEST_FILE_NESTED_VMX] = "nested/l1/nested-vmx.S",
		[GUEST_FILE_NESTED_VMX_TDP] = "nested/l1/nested-vmx-tdp.S",
		[GUEST_FILE_SVM_H] = "nested/l1/svm.h",
		[GUEST_FILE_VMX_LIB] = "nested/l1/vmx-lib.inc",
		[GUEST_FILE_DISK] = "hv-mini/guests/disk.S",
		[GUEST_FILE_ARM64_DISK] = "hv-mini/guests/arm64/arm64-disk.S",
	};

	return id < GUEST_FILE_COUNT && names[id] ? names[id] : "an unknown file";
}

/* What an exit no one handled was, for a failure report */
static void describe_unhandled(struct hv_vcpu *v, uint32_t reason, char *why, size_t len)
{
	struct kvm_run *run = v->run;
	char state[512];

	hv_vcpu_describe(v, state, sizeof(state));
	if (reason == KVM_EXIT_IO)
		snprintf(why, len, "unexpected port %s 0x%x (%u bytes); %s",
			 run->io.direction == KVM_EXIT_IO_OUT ? "write to" : "read of", run->io.port,
			 run->io.size, state);
	else if (reason == KVM_EXIT_MMIO)
		snprintf(why, len, "%s unmapped guest-physical 0x%llx; %s",
			 run->mmio.is_write ? "write to" : "read of",
			 (unsigned long long)run->mmio.phys_addr, state);
	else if (reason == KVM_EXIT_FAIL_ENTRY)
		snprintf(why, len, "VM entry failed (hardware reason 0x%llx); %s",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason, state);
	else if (reason == KVM_EXIT_INTERNAL_ERROR)
		snprintf(why, len, "KVM internal error (suberror %u); %s", run->internal.suberror,
			 state);
	else
		snprintf(why, len, "unexpected exit %s; %s", hv_exit_name(reason), state);
}

int hv_run_until_done(struct hv_vcpu *v, uint64_t deadline_ns, const struct hv_bus *bus,
		      struct hv_exit *done, char *why, size_t len)
{
	bool irq_pending = false;

	for (;;) {
		struct hv_exit e;

		if (hv_vcpu_run(v, deadline_ns, &e) < 0) {
			snprintf(why, len, "%s", v->vm->err);
			return -1;
		}
		if (e.timed_out) {
			char state[512];

			hv_vcpu_describe(v, state, sizeof(state));
			if (e.spun)	/* a working guest needs well under a millisecond */
				snprintf(why, len, "no result before the deadline: the guest spun, "
					 "%llu ms of CPU time without a result (last exit %s); %s",
					 (unsigned long long)(v->spin_cpu_ns / 1000000),
					 hv_exit_name(e.reason), state);
			else
				snprintf(why, len, "no result before the deadline: the guest was "
					 "still running (last exit %s); %s", hv_exit_name(e.reason),
					 state);
			return -1;
		}
		bool ucall = e.is_ucall;

		if (ucall && e.ucall == HV_UCALL_DONE) {
			*done = e;
			return 0;
		}
		if (ucall && e.ucall == HV_UCALL_ABORT) {
			*done = e;
			snprintf(why, len, "the guest aborted at line %llu of %s (value 0x%llx)",
				 (unsigned long long)e.aux, hv_guest_file_name(e.file),
				 (unsigned long long)e.value);
			return -1;
		}
		if (ucall && e.ucall == HV_UCALL_SYNC) {
			irq_pending = true;
		} else if (e.reason == KVM_EXIT_IRQ_WINDOW_OPEN && irq_pending) {
			/* the window the injection below asked for */
		} else if (ucall || !hv_bus_dispatch(bus, v->run)) {
			describe_unhandled(v, e.reason, why, len);
			return -1;
		}
		if (irq_pending) {
			int rc = hv_arch_inject_irq(v);

			if (rc < 0) {
				snprintf(why, len, "%s", v->vm->err);
				return -1;
			}
			if (rc > 0)
				irq_pending = false;
		}
	}
}

int hv_guest_create(struct hv_vm *vm, const struct hv_proof_opts *o, struct hv_proof_result *res)
{
	int err = hv_vm_create(vm, o->kvm_path);

	if (!err)
		return 0;

	/* ENOSYS: a KVM with no such ioctl, as an arm64 binary meets under qemu-user on x86 */
	bool cannot = err == -ENOENT || err == -EACCES || err == -EPERM || err == -ENXIO ||
		      err == -ENODEV || err == -ENOSYS;

	hv_result_set(res, cannot ? HV_PROOF_NOT_RUN : HV_PROOF_FAILED, "%s", vm->err);
	if (vm->fd >= 0 || vm->kvm_fd >= 0)
		hv_vm_destroy(vm);
	return -1;
}

int hv_guest_start(struct hv_vm *vm, const uint8_t *image, size_t len, enum hv_mode mode,
		   int nvcpus, struct hv_proof_result *res)
{
	int err = hv_vm_load(vm, HV_GPA_CODE, image, len);

	for (int i = 0; !err && i < nvcpus; i++)
		err = hv_vcpu_create(vm, i, mode, HV_GPA_CODE);
	if (err) {
		hv_result_set(res, HV_PROOF_FAILED, "%s", vm->err);
		return -1;
	}
	return 0;
}

uint64_t hv_proof_deadline(const struct hv_proof_opts *o)
{
	return hv_now_ns() + (o->timeout_ms ? o->timeout_ms : HV_PROOF_TIMEOUT_MS) * 1000000ull;
}

void hv_put32(struct hv_vm *vm, uint64_t gpa, uint32_t v)
{
	memcpy(hv_gpa_to_hva(vm, gpa), &v, sizeof(v));
}

uint32_t hv_get32(struct hv_vm *vm, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, hv_gpa_to_hva(vm, gpa), sizeof(v));
	return v;
}

int hv_scratch_file(const struct hv_proof_opts *o, uint64_t size, struct hv_proof_result *res)
{
	const char *dir = o->scratch_dir ? o->scratch_dir : getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/virtcap-disk-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		hv_result_set(res, HV_PROOF_NOT_RUN, "cannot create the disk file %s: %s", path,
			      strerror(errno));
		return -1;
	}
	unlink(path);	/* gone when it is closed, whatever happens */
	if (ftruncate(fd, (off_t)size) < 0) {
		hv_result_set(res, HV_PROOF_NOT_RUN, "cannot size the disk file: %s",
			      strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
