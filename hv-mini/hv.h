/* SPDX-License-Identifier: MIT */
/*
 * hv-mini: the smallest KVM hypervisor that can prove a capability. It makes a VM with guest
 * memory, sets vCPUs up in a given CPU mode (x86: real, 32-bit with or without paging, PAE,
 * 64-bit; arm64: AArch64 or AArch32 at EL1),
 * runs them under a deadline and hands every exit it does not handle itself to the caller.
 *
 * The guest <-> host ABI (ucall, guest-physical layout, devices): hv-mini/abi.h. The devices
 * and the bus that dispatches their accesses: hv-mini/bus.h, hv-mini/devices.h; booting a guest
 * and running it to its result: hv-mini/kit.h.
 *
 * Errors: functions return 0 or a negative errno and write what failed, naming the ioctl, to
 * vm->err. Nothing here exits: one failed proof must not stop the others.
 */
#ifndef VIRTCAP_HV_H
#define VIRTCAP_HV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <linux/kvm.h>

#include "hv-mini/abi.h"

#define HV_MAX_VCPUS 4
#define HV_ERR_MAX 512

enum hv_mode {
	HV_MODE_REAL16,		/* real mode, CS:IP = 0:entry */
	HV_MODE_PROT32,		/* flat 32-bit protected mode, paging off */
	HV_MODE_PROT32_PAGED,	/* 32-bit paging with 4 MiB pages (CR4.PSE) */
	HV_MODE_PAE32,		/* 32-bit PAE paging, 2 MiB pages */
	HV_MODE_LONG64,		/* 64-bit long mode, 4-level paging, 2 MiB pages */
	HV_MODE_AARCH64_EL1,	/* arm64: AArch64 at EL1h, MMU off, as KVM resets a vCPU */
	HV_MODE_AARCH32_EL1,	/* arm64: AArch32 in SVC mode (KVM_ARM_VCPU_EL1_32BIT) */
};

struct hv_vm;

struct hv_vcpu {
	struct hv_vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	timer_t deadline_timer;	/* fires SIGUSR1 at this vCPU's thread at the deadline */
	bool has_timer;
	uint64_t armed_deadline;	/* what the timer is set to: re-armed only on change */
	/* a guest that spins: stopped once this vCPU's thread has used spin_cpu_ns of CPU time
	 * (0: never) since its first KVM_RUN; looked at every HV_SPIN_TICK_NS (run.c) */
	uint64_t spin_cpu_ns, cpu_start_ns, next_look_ns;
};

struct hv_slot {
	uint64_t gpa;
	uint64_t size;
	void *hva;
};

struct hv_vm {
	int kvm_fd;
	int fd;
	struct hv_slot slots[4];
	int nslots;
	struct hv_vcpu vcpus[HV_MAX_VCPUS];
	int nvcpus;
	struct kvm_cpuid2 *cpuid;	/* x86: what KVM supports: every vCPU gets it */
	bool svm;		/* x86: KVM's vCPUs are AMD's: SVM, hypercalls are VMMCALL */
	uint8_t irq_vector;	/* x86: what SYNC injects: HV_IRQ_VECTOR, or a proof's own */
	uint32_t irq_spi;	/* arm64: the SPI (its INTID) SYNC raises, a proof's own */
	unsigned irqs_raised;	/* arm64: how often SYNC raised it, the host's own record */
	int device_fd;		/* arm64: the VM's vGIC where a proof made one, else -1 */
	char err[HV_ERR_MAX];
};

/* What one KVM_RUN left us with, as the run loop reports it. */
struct hv_exit {
	uint32_t reason;	/* KVM_EXIT_* */
	bool is_ucall;		/* the guest's ucall (hv-mini/abi.h), read at this exit */
	bool timed_out;		/* the deadline passed */
	bool spun;		/* ... its CPU time ran out first (hv_vcpu.spin_cpu_ns) */
	uint32_t ucall;		/* for a ucall exit: HV_UCALL_* */
	uint64_t value, aux;	/* the ucall's value and aux (x86: EBX, ECX; arm64: x1, x2) */
	uint32_t file;		/* an ABORT's GUEST_FILE_* (x86: ESI; arm64: x3) */
};

/* Open /dev/kvm (path may be NULL), create a VM with HV_MEM_SIZE of low memory at 0 and do what
 * the architecture's VM needs (hv_arch_vm_init). */
int hv_vm_create(struct hv_vm *vm, const char *kvm_path);
void hv_vm_destroy(struct hv_vm *vm);

/* Add a memory slot of size bytes at gpa (anonymous memory). Returns 0 or -errno. */
int hv_vm_add_memory(struct hv_vm *vm, uint64_t gpa, uint64_t size);
/* Host address of a guest-physical address, or NULL when no slot backs it. */
void *hv_gpa_to_hva(struct hv_vm *vm, uint64_t gpa);
/* Copy an image into guest memory at gpa. */
int hv_vm_load(struct hv_vm *vm, uint64_t gpa, const void *image, size_t len);

/*
 * What each architecture gives (hv-mini/arch_x86.c and vcpu_x86.c, hv-mini/arch_arm64.c and
 * vcpu_arm64.c; the build links those of the CPU it is for):
 *  hv_arch_vm_init: the VM's own set-up (x86: the CPUID KVM supports, and so the vendor,
 *    vm->svm; the pages VMX's real mode needs);
 *  hv_vcpu_create: vCPU id in mode, starting at entry (a gpa) (x86: with KVM's CPUID; arm64:
 *    vCPUs other than 0 start powered off, as secondaries wait for PSCI CPU_ON on arm64);
 *  hv_arch_read_ucall: whether the exit is the guest's ucall, and if so its command and
 *    registers into exit, read once; 1, 0, or -errno;
 *  hv_arch_inject_irq: the test interrupt a SYNC asks for (x86: vm->irq_vector by KVM_INTERRUPT;
 *    arm64: an edge on SPI vm->irq_spi of the vGIC, by KVM_IRQ_LINE); 1 when delivered, 0 when
 *    asked again at the guest's interrupt window, -errno;
 *  hv_vcpu_describe: one line of vCPU state for a failure report.
 */
int hv_arch_vm_init(struct hv_vm *vm);
/* The part of hv_vcpu_create every architecture shares: vCPU id made (ids go up from 0) and its
 * kvm_run mapped, into *vcpu; 0 or -errno */
int hv_vcpu_open(struct hv_vm *vm, int id, struct hv_vcpu **vcpu);
int hv_vcpu_create(struct hv_vm *vm, int id, enum hv_mode mode, uint64_t entry);
int hv_arch_read_ucall(struct hv_vcpu *vcpu, struct hv_exit *exit);
int hv_arch_inject_irq(struct hv_vcpu *vcpu);

/*
 * Run the vCPU until an exit the loop does not handle (a ucall, an unexpected exit) or until
 * deadline_ns (CLOCK_MONOTONIC). Port and MMIO accesses other than the ucall are returned to
 * the caller as exits. Returns 0 with *exit filled, or -errno (ioctl failure, message in err).
 */
int hv_vcpu_run(struct hv_vcpu *vcpu, uint64_t deadline_ns, struct hv_exit *exit);

/* Delete the vCPU's deadline timer (hv_vm_destroy() does it). */
void hv_vcpu_release_timer(struct hv_vcpu *vcpu);

/* The name of a KVM_EXIT_* reason ("HLT", "SHUTDOWN", ...). */
const char *hv_exit_name(uint32_t reason);

/* The counter name of the vCPU as KVM counts it (hypercalls, irq_injections, nested_run):
 * 0 with *out, -ENOTTY where the kernel has no binary statistics, -ENOENT for no such counter
 * (hv-mini/stats.c) */
int hv_vcpu_stat(struct hv_vcpu *v, const char *name, uint64_t *out);

void hv_vcpu_describe(struct hv_vcpu *vcpu, char *out, size_t len);

/* Monotonic time in nanoseconds. */
uint64_t hv_now_ns(void);

#endif
