// SPDX-License-Identifier: MIT
/*
 * The proof guests, booted and checked (see proofs.h for what "proven" means).
 *
 * Each proof makes its own VM, so one guest's state cannot help or hurt another's. Values the
 * guests must find are written by the host into guest memory first; what a guest reports is
 * compared with what only the claimed mode or device produces, then the vCPU's control
 * registers are read back to confirm the mode it really ran in.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv-mini/hv.h"
#include "hv-mini/proof_kit.h"
#include "hv-mini/proofs.h"


DECLARE_GUEST(real16);
DECLARE_GUEST(prot32);
DECLARE_GUEST(pae32);
DECLARE_GUEST(long64);
DECLARE_GUEST(pio);
DECLARE_GUEST(mmio);
DECLARE_GUEST(hypercall);
DECLARE_GUEST(irq);
DECLARE_GUEST(smp);
DECLARE_GUEST(disk);
DECLARE_GUEST(hostile_spin);
DECLARE_GUEST(hostile_triple_fault);
DECLARE_GUEST(hostile_unmapped);
DECLARE_GUEST(hostile_exit_flood);
DECLARE_GUEST(hostile_disk_range);

/* Values the guests look for (hv-mini/guests): any values nothing else would produce. */
#define MAGIC_REAL 0x13579BDFu
#define MAGIC_PROT_1 0x10203040u
#define MAGIC_PROT_2 0x01020304u
#define MAGIC_PAE_LO 0x600DCAFEu
#define MAGIC_PAE_HI 0x0000B16Bu
#define MAGIC_LONG 0x0123456789ABCDEFull
#define PIO_WRITTEN 0x11223344u
#define MMIO_WRITTEN 0x55667788u
#define DEVICE_KEY 0xA5A5A5A5u
#define KVM_ENOSYS_ANSWER 0xFFFFFC18u	/* -1000 as the guest's EAX */
#define IRQ_ACK (0xC0DE0000u + 0x30)
#define PAE_HIGH_GPA (1ull << 32)
#define PAE_HIGH_SIZE (2ull << 20)
#define DISK_SECTORS 8

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)

void result_set(struct proof_result *res, enum proof_status status, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}


static uint32_t device_answer(uint32_t v)
{
	return __builtin_bswap32(v) ^ DEVICE_KEY;
}

/* The port-I/O disk; sector numbers and lengths come from the guest and are checked. */
static void disk_command(struct devices *d, uint32_t cmd)
{
	uint64_t off = (uint64_t)d->disk_sector * SECTOR_SIZE;

	d->disk_pos = 0;
	d->disk_writing = false;
	if (off + SECTOR_SIZE > d->disk_size || (cmd != 1 && cmd != 2)) {
		d->disk_status = 1;	/* past the end of the disk, or no such command */
		return;
	}
	d->disk_status = 0;
	d->disk_off = off;
	if (cmd == 2) {
		d->disk_writing = true;
		return;
	}
	if (pread(d->disk_fd, d->disk_buf, SECTOR_SIZE, (off_t)d->disk_off) != SECTOR_SIZE)
		d->disk_status = 2;
}

static void disk_data_out(struct devices *d, uint32_t v)
{
	if (!d->disk_writing || d->disk_pos >= SECTOR_SIZE / 4) {
		d->disk_status = 3;
		return;
	}
	d->disk_buf[d->disk_pos++] = v;
	if (d->disk_pos == SECTOR_SIZE / 4) {
		d->disk_writing = false;
		if (pwrite(d->disk_fd, d->disk_buf, SECTOR_SIZE, (off_t)d->disk_off) != SECTOR_SIZE)
			d->disk_status = 2;
	}
}

/* A port access the guest made; true when one of our devices answered it. */
static bool device_pio(struct devices *d, struct kvm_run *run)
{
	uint32_t *data = (uint32_t *)((char *)run + run->io.data_offset);
	bool out = run->io.direction == KVM_EXIT_IO_OUT;

	if (run->io.size != 4 || run->io.count != 1)
		return false;
	switch (run->io.port) {
	case 0x00E0:	/* HV_PIO_PORT */
		if (out)
			d->pio_latch = *data;
		else
			*data = device_answer(d->pio_latch);
		return true;
	case HV_MARK_PORT:
		if (out && *data < HV_MARKS)
			d->marks[*data] = hv_now_ns();
		return out && *data < HV_MARKS;
	case HV_NOP_PORT:
		return out;
	case 0x00D0:	/* HV_DISK_SECTOR */
		if (out)
			d->disk_sector = *data;
		return out && d->disk_fd >= 0;
	case 0x00D4:	/* HV_DISK_CMD */
		if (out)
			disk_command(d, *data);
		return out && d->disk_fd >= 0;
	case 0x00D8:	/* HV_DISK_DATA */
		if (d->disk_fd < 0)
			return false;
		if (out)
			disk_data_out(d, *data);
		else
			*data = d->disk_pos < SECTOR_SIZE / 4 ? d->disk_buf[d->disk_pos++] : 0;
		return true;
	case 0x00DC:	/* HV_DISK_STATUS */
		if (!out)
			*data = d->disk_status;
		return !out && d->disk_fd >= 0;
	default:
		return false;
	}
}

static bool device_mmio(struct devices *d, struct kvm_run *run)
{
	if (run->mmio.phys_addr != 0xC0000000u || run->mmio.len != 4)
		return false;
	if (run->mmio.is_write)
		memcpy(&d->mmio_latch, run->mmio.data, 4);
	else {
		uint32_t v = device_answer(d->mmio_latch);

		memcpy(run->mmio.data, &v, 4);
	}
	return true;
}

/* Inject the test interrupt: now if the guest can take it, else when it opens a window. */
static int inject_irq(struct hv_vcpu *v)
{
	struct kvm_interrupt irq = { .irq = 0x30 };

	if (v->run->ready_for_interrupt_injection && v->run->if_flag) {
		v->run->request_interrupt_window = 0;
		if (ioctl(v->fd, KVM_INTERRUPT, &irq) < 0) {
			snprintf(v->vm->err, sizeof(v->vm->err), "KVM_INTERRUPT: %s", strerror(errno));
			return -errno;
		}
		return 1;
	}
	v->run->request_interrupt_window = 1;
	return 0;
}

/*
 * Run a vCPU until it reports DONE. Devices answer their accesses; SYNC injects the test
 * interrupt. Anything else ends the run: a description goes to why and -1 is returned.
 */
int run_until_done(struct hv_vcpu *v, uint64_t deadline, struct devices *dev,
			  struct hv_exit *done, char *why, size_t len)
{
	bool irq_pending = false;
	char state[512];

	for (;;) {
		struct hv_exit e;

		if (hv_vcpu_run(v, deadline, &e) < 0) {
			snprintf(why, len, "%s", v->vm->err);
			return -1;
		}
		if (e.timed_out) {
			hv_vcpu_describe(v, state, sizeof(state));
			snprintf(why, len, "no result before the deadline: the guest was still "
				 "running (last exit %s); %s", hv_exit_name(e.reason), state);
			return -1;
		}
		if (e.reason == KVM_EXIT_IO && e.ucall == HV_UCALL_DONE) {
			*done = e;
			return 0;
		}
		if (e.reason == KVM_EXIT_IO && e.ucall == HV_UCALL_SYNC) {
			irq_pending = true;
		} else if (e.reason == KVM_EXIT_IO && e.ucall == HV_UCALL_ABORT) {
			*done = e;
			snprintf(why, len, "the guest aborted at its line %llu (value 0x%llx)",
				 (unsigned long long)e.aux, (unsigned long long)e.value);
			return -1;
		} else if (e.reason == KVM_EXIT_IO && dev && device_pio(dev, v->run)) {
			/* answered */
		} else if (e.reason == KVM_EXIT_MMIO && dev && device_mmio(dev, v->run)) {
			/* answered */
		} else if (e.reason == KVM_EXIT_IRQ_WINDOW_OPEN && irq_pending) {
			/* the window the injection below asked for */
		} else {
			hv_vcpu_describe(v, state, sizeof(state));
			if (e.reason == KVM_EXIT_IO)
				snprintf(why, len, "unexpected port %s 0x%x (%u bytes); %s",
					 v->run->io.direction == KVM_EXIT_IO_OUT ? "write to" : "read of",
					 v->run->io.port, v->run->io.size, state);
			else if (e.reason == KVM_EXIT_MMIO)
				snprintf(why, len, "%s unmapped guest-physical 0x%llx; %s",
					 v->run->mmio.is_write ? "write to" : "read of",
					 (unsigned long long)v->run->mmio.phys_addr, state);
			else if (e.reason == KVM_EXIT_FAIL_ENTRY)
				snprintf(why, len, "VM entry failed (hardware reason 0x%llx); %s",
					 (unsigned long long)
					 v->run->fail_entry.hardware_entry_failure_reason, state);
			else if (e.reason == KVM_EXIT_INTERNAL_ERROR)
				snprintf(why, len, "KVM internal error (suberror %u); %s",
					 v->run->internal.suberror, state);
			else
				snprintf(why, len, "unexpected exit %s; %s", hv_exit_name(e.reason),
					 state);
			return -1;
		}
		if (irq_pending) {
			int rc = inject_irq(v);

			if (rc < 0) {
				snprintf(why, len, "%s", v->vm->err);
				return -1;
			}
			if (rc > 0)
				irq_pending = false;
		}
	}
}

/*
 * Make a VM with the image at HV_GPA_CODE and nvcpus vCPUs in mode. Failure to open or create
 * is "not-run" (this host cannot make VMs: the probe says why), later failures "failed".
 */
int guest_boot(struct hv_vm *vm, const struct proof_opts *o, const uint8_t *image,
		      size_t len, enum hv_mode mode, int nvcpus, struct proof_result *res)
{
	int err = hv_vm_create(vm, o->kvm_path);

	if (err) {
		bool cannot = err == -ENOENT || err == -EACCES || err == -EPERM || err == -ENXIO ||
			      err == -ENODEV;

		result_set(res, cannot ? PROOF_NOT_RUN : PROOF_FAILED, "%s", vm->err);
		if (vm->fd >= 0 || vm->kvm_fd >= 0)
			hv_vm_destroy(vm);
		return -1;
	}
	err = hv_vm_load(vm, 0x20000, image, len);
	for (int i = 0; !err && i < nvcpus; i++)
		err = hv_vcpu_create(vm, i, mode, HV_GPA_CODE);
	if (err) {
		result_set(res, PROOF_FAILED, "%s", vm->err);
		hv_vm_destroy(vm);
		return -1;
	}
	return 0;
}

uint64_t deadline_of(const struct proof_opts *o)
{
	return hv_now_ns() + (o->timeout_ms ? o->timeout_ms : 2000) * 1000000ull;
}

bool get_sregs(struct hv_vcpu *v, struct kvm_sregs *s)
{
	return ioctl(v->fd, KVM_GET_SREGS, s) == 0;
}

/* A one-vCPU proof: boot, run to DONE, hand the report and the state to check(). */
void single(const struct proof_opts *o, struct proof_result *res, const uint8_t *image,
		   size_t len, enum hv_mode mode,
		   int (*setup)(struct hv_vm *vm, struct devices *dev),
		   void (*check)(struct hv_vm *vm, const struct hv_exit *done,
				 const struct kvm_sregs *s, struct devices *dev,
				 struct proof_result *res),
		   struct devices *dev)
{
	struct hv_vm vm;
	struct hv_exit done;
	struct kvm_sregs s;
	char why[768];

	if (guest_boot(&vm, o, image, len, mode, 1, res))
		return;
	if (setup && setup(&vm, dev)) {
		result_set(res, PROOF_FAILED, "set-up: %s", vm.err);
	} else if (run_until_done(&vm.vcpus[0], deadline_of(o), dev, &done, why, sizeof(why))) {
		result_set(res, PROOF_FAILED, "%s", why);
	} else if (!get_sregs(&vm.vcpus[0], &s)) {
		result_set(res, PROOF_FAILED, "KVM_GET_SREGS: %s", strerror(errno));
	} else {
		check(&vm, &done, &s, dev, res);
	}
	hv_vm_destroy(&vm);
}

void put32(struct hv_vm *vm, uint64_t gpa, uint32_t v)
{
	memcpy(hv_gpa_to_hva(vm, gpa), &v, sizeof(v));
}

uint32_t get32(struct hv_vm *vm, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, hv_gpa_to_hva(vm, gpa), sizeof(v));
	return v;
}

/* --- real16 --- */
static int setup_real16(struct hv_vm *vm, struct devices *dev)
{
	put32(vm, HV_GPA_DATA, MAGIC_REAL);
	return 0;
}

static void check_real16(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
			 struct devices *dev, struct proof_result *res)
{
	uint32_t want = MAGIC_REAL ^ 0x5A5A5A5Au, got = (uint32_t)d->value;

	if (got == want && !(s->cr0 & CR0_PE))
		result_set(res, PROOF_PROVEN, "the guest read DS:0 with DS=0x9000 as physical 0x90000 "
			   "(0x%08x) and CR0.PE stayed 0: real mode", got);
	else
		result_set(res, PROOF_FAILED, "guest reported 0x%08x (want 0x%08x), CR0=0x%llx", got,
			   want, (unsigned long long)s->cr0);
}

/* --- prot32 --- */
static int setup_prot32(struct hv_vm *vm, struct devices *dev)
{
	put32(vm, HV_GPA_DATA, MAGIC_PROT_1);
	put32(vm, HV_GPA_DATA + 4, MAGIC_PROT_2);
	return 0;
}

static void check_prot32(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
			 struct devices *dev, struct proof_result *res)
{
	uint32_t want = MAGIC_PROT_1 + MAGIC_PROT_2, got = (uint32_t)d->value;
	bool mode = (s->cr0 & CR0_PE) && (s->cr0 & CR0_PG) && !(s->efer & EFER_LMA) && s->cs.db;

	if (got == want && mode)
		result_set(res, PROOF_PROVEN, "32-bit protected mode: read 0x%08x with paging off, "
			   "then turned paging on and read 0x%08x through a 4 MiB page at "
			   "0x40000000; CR0=0x%llx, CS.D=1", MAGIC_PROT_1, MAGIC_PROT_2,
			   (unsigned long long)s->cr0);
	else
		result_set(res, PROOF_FAILED, "guest reported 0x%08x (want 0x%08x); CR0=0x%llx "
			   "EFER=0x%llx CS.D=%d", got, want, (unsigned long long)s->cr0,
			   (unsigned long long)s->efer, s->cs.db);
}

/* --- pae32 --- */
static int setup_pae32(struct hv_vm *vm, struct devices *dev)
{
	if (hv_vm_add_memory(vm, PAE_HIGH_GPA, PAE_HIGH_SIZE))
		return -1;
	put32(vm, PAE_HIGH_GPA, MAGIC_PAE_LO);
	put32(vm, PAE_HIGH_GPA + 4, MAGIC_PAE_HI);
	return 0;
}

static void check_pae32(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
			struct devices *dev, struct proof_result *res)
{
	bool mode = (s->cr4 & CR4_PAE) && (s->cr0 & CR0_PG) && !(s->efer & EFER_LMA);

	if ((uint32_t)d->value == MAGIC_PAE_LO && (uint32_t)d->aux == MAGIC_PAE_HI && mode)
		result_set(res, PROOF_PROVEN, "PAE paging: the guest read 0x%08x%08x at VA 0xC0000000, "
			   "mapped to guest-physical 0x100000000 (above 4 GiB); CR4.PAE=1, "
			   "EFER.LMA=0", MAGIC_PAE_HI, MAGIC_PAE_LO);
	else
		result_set(res, PROOF_FAILED, "guest reported 0x%08llx:0x%08llx; CR0=0x%llx "
			   "CR4=0x%llx EFER=0x%llx", (unsigned long long)d->aux,
			   (unsigned long long)d->value, (unsigned long long)s->cr0,
			   (unsigned long long)s->cr4, (unsigned long long)s->efer);
}

/* --- long64 --- */
static int setup_long64(struct hv_vm *vm, struct devices *dev)
{
	uint64_t magic = MAGIC_LONG;

	memcpy(hv_gpa_to_hva(vm, HV_GPA_DATA + 8), &magic, sizeof(magic));
	return 0;
}

static void check_long64(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
			 struct devices *dev, struct proof_result *res)
{
	uint64_t want = MAGIC_LONG << 13 | MAGIC_LONG >> 51;
	bool mode = (s->efer & EFER_LMA) && s->cs.l;

	if (d->value == want && mode)
		result_set(res, PROOF_PROVEN, "64-bit mode: the guest read through VA "
			   "0xffffff8000090008 (PML4 entry 511) and reported 0x%016llx, all 64 bits; "
			   "EFER.LMA=1, CS.L=1", (unsigned long long)d->value);
	else if (mode && d->value == (want & 0xFFFFFFFFull))
		/* seen on Debian's 686-pae kernel: the guest runs in long mode, but a 32-bit KVM
		 * saves and restores only the low halves of the guest's registers */
		result_set(res, PROOF_FAILED, "the guest ran in 64-bit mode (EFER.LMA=1, CS.L=1) but "
			   "its 64-bit result reached the host cut to 0x%016llx: this KVM keeps only "
			   "32 bits of each register (a 32-bit host kernel), so 64-bit guests cannot "
			   "work", (unsigned long long)d->value);
	else
		result_set(res, PROOF_FAILED, "guest reported 0x%016llx (want 0x%016llx); "
			   "EFER=0x%llx CS.L=%d", (unsigned long long)d->value,
			   (unsigned long long)want, (unsigned long long)s->efer, s->cs.l);
}

/* --- pio, mmio: the guest writes the device's register and reads back its answer --- */
static void check_device(const char *where, uint32_t written, uint32_t seen, uint32_t got,
			 struct proof_result *res)
{
	uint32_t want = device_answer(written);

	if (got == want && seen == written)
		result_set(res, PROOF_PROVEN, "the guest wrote 0x%08x to %s and read back the "
			   "device's answer 0x%08x", written, where, want);
	else
		result_set(res, PROOF_FAILED, "device saw 0x%08x, guest read 0x%08x (want 0x%08x)",
			   seen, got, want);
}

static void check_pio(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
		      struct devices *dev, struct proof_result *res)
{
	check_device("port 0xe0", PIO_WRITTEN, dev->pio_latch, (uint32_t)d->value, res);
}

static void check_mmio(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
		       struct devices *dev, struct proof_result *res)
{
	check_device("MMIO 0xc0000000", MMIO_WRITTEN, dev->mmio_latch, (uint32_t)d->value, res);
}

/* --- hypercall --- */
static int setup_hypercall(struct hv_vm *vm, struct devices *dev)
{
	put32(vm, HV_GPA_DATA, vm->svm ? 1 : 0);
	return 0;
}

static void check_hypercall(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
			    struct devices *dev, struct proof_result *res)
{
	uint32_t unknown = (uint32_t)d->value, poll = (uint32_t)d->aux;
	const char *insn = vm->svm ? "VMMCALL" : "VMCALL";

	if (unknown == KVM_ENOSYS_ANSWER && poll == 0)
		result_set(res, PROOF_PROVEN, "%s answered by the hypervisor: KVM_HC_VAPIC_POLL_IRQ "
			   "returned 0, an unknown hypercall -KVM_ENOSYS", insn);
	else
		result_set(res, PROOF_FAILED, "%s answers: %d for hypercall 1 (want 0), %d for an "
			   "unknown one (want -1000)", insn, (int)poll, (int)unknown);
}

/* --- irq --- */
static void check_irq(struct hv_vm *vm, const struct hv_exit *d, const struct kvm_sregs *s,
		      struct devices *dev, struct proof_result *res)
{
	if ((uint32_t)d->value == IRQ_ACK)
		result_set(res, PROOF_PROVEN, "vector 0x30 injected with KVM_INTERRUPT reached the "
			   "guest's IDT handler, which acknowledged it (0x%08x)", IRQ_ACK);
	else
		result_set(res, PROOF_FAILED, "the guest's acknowledgement was 0x%08x (want 0x%08x)",
			   (uint32_t)d->value, IRQ_ACK);
}

#define SINGLE(name, mode, setup, check)						\
	static void proof_##name(const struct proof_opts *o, struct proof_result *res)	\
	{										\
		struct devices dev = { .disk_fd = -1 };					\
		single(o, res, GUEST_IMAGE(name), mode, setup, check, &dev);		\
	}

SINGLE(real16, HV_MODE_REAL16, setup_real16, check_real16)
SINGLE(prot32, HV_MODE_PROT32, setup_prot32, check_prot32)
SINGLE(pae32, HV_MODE_PAE32, setup_pae32, check_pae32)
SINGLE(long64, HV_MODE_LONG64, setup_long64, check_long64)
SINGLE(pio, HV_MODE_PROT32, NULL, check_pio)
SINGLE(mmio, HV_MODE_PROT32, NULL, check_mmio)
SINGLE(hypercall, HV_MODE_PROT32, setup_hypercall, check_hypercall)
SINGLE(irq, HV_MODE_PROT32, NULL, check_irq)

/* --- disk: a real file --- */
static void proof_disk(const struct proof_opts *o, struct proof_result *res)
{
	const char *dir = o->scratch_dir ? o->scratch_dir : getenv("TMPDIR");
	char path[4096];
	uint32_t sector0[SECTOR_SIZE / 4], sector1[SECTOR_SIZE / 4], sum = 0;
	struct devices dev = { .disk_fd = -1, .disk_size = DISK_SECTORS * SECTOR_SIZE };

	snprintf(path, sizeof(path), "%s/virtcap-disk-XXXXXX", dir && *dir ? dir : "/tmp");
	dev.disk_fd = mkstemp(path);
	if (dev.disk_fd < 0) {
		result_set(res, PROOF_NOT_RUN, "cannot create the disk file %s: %s", path,
			   strerror(errno));
		return;
	}
	unlink(path);	/* gone when we close it, whatever happens */
	for (unsigned i = 0; i < SECTOR_SIZE / 4; i++) {
		sector0[i] = 0x9E3779B9u * (i + 1);
		sum += sector0[i];
	}
	if (ftruncate(dev.disk_fd, (off_t)dev.disk_size) < 0 ||
	    pwrite(dev.disk_fd, sector0, SECTOR_SIZE, 0) != SECTOR_SIZE) {
		result_set(res, PROOF_NOT_RUN, "cannot write the disk file: %s", strerror(errno));
		close(dev.disk_fd);
		return;
	}

	struct hv_vm vm;
	struct hv_exit done;
	char why[768];

	if (guest_boot(&vm, o, GUEST_IMAGE(disk), HV_MODE_PROT32, 1, res)) {
		close(dev.disk_fd);
		return;
	}
	if (run_until_done(&vm.vcpus[0], deadline_of(o), &dev, &done, why, sizeof(why))) {
		result_set(res, PROOF_FAILED, "%s", why);
	} else if (pread(dev.disk_fd, sector1, SECTOR_SIZE, SECTOR_SIZE) != SECTOR_SIZE) {
		result_set(res, PROOF_FAILED, "cannot read sector 1 back: %s", strerror(errno));
	} else {
		unsigned bad = 0;

		for (unsigned i = 0; i < SECTOR_SIZE / 4; i++)
			bad += sector1[i] != (sum ^ i);
		if ((uint32_t)done.value == sum && bad == 0)
			result_set(res, PROOF_PROVEN, "the guest read sector 0 of a host file (sum "
				   "0x%08x) and wrote sector 1, which the host found in the file",
				   sum);
		else
			result_set(res, PROOF_FAILED, "guest sum 0x%08x (want 0x%08x), %u of 128 "
				   "dwords of sector 1 wrong in the file", (uint32_t)done.value, sum,
				   bad);
	}
	hv_vm_destroy(&vm);
	close(dev.disk_fd);
}

/* --- smp: two vCPUs on two threads --- */
struct smp_run {
	struct hv_vcpu *vcpu;
	uint64_t deadline;
	struct hv_exit done;
	int rc;
	char why[768];
};

static void *smp_thread(void *arg)
{
	struct smp_run *s = arg;

	s->rc = run_until_done(s->vcpu, s->deadline, NULL, &s->done, s->why, sizeof(s->why));
	return NULL;
}

static void proof_smp(const struct proof_opts *o, struct proof_result *res)
{
	struct hv_vm vm;
	struct smp_run runs[2];
	pthread_t threads[2];
	int started = 0;

	if (guest_boot(&vm, o, GUEST_IMAGE(smp), HV_MODE_PROT32, 2, res))
		return;
	for (int i = 0; i < 2; i++) {
		runs[i] = (struct smp_run){ .vcpu = &vm.vcpus[i], .deadline = deadline_of(o) };
		if (pthread_create(&threads[i], NULL, smp_thread, &runs[i]) == 0)
			started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (started < 2)
		result_set(res, PROOF_FAILED, "could not start a thread per vCPU");
	else if (runs[0].rc || runs[1].rc)
		result_set(res, PROOF_FAILED, "vCPU %d: %s", runs[0].rc ? 0 : 1,
			   runs[0].rc ? runs[0].why : runs[1].why);
	else if (runs[0].done.value != 0xA0 || runs[1].done.value != 0xA1)
		result_set(res, PROOF_FAILED, "vCPUs reported 0x%llx and 0x%llx (want 0xa0, 0xa1)",
			   (unsigned long long)runs[0].done.value,
			   (unsigned long long)runs[1].done.value);
	else
		result_set(res, PROOF_PROVEN, "2 vCPUs ran at once: each waited for the other's flag "
			   "in shared memory and reported its id");
	hv_vm_destroy(&vm);
}

/* --- hostile guests: each must end as failed, in time --- */
static void proof_hostile(const struct proof_opts *o, struct proof_result *res,
			  const uint8_t *image, size_t len)
{
	struct hv_vm vm;
	struct hv_exit done;
	char why[768];

	if (guest_boot(&vm, o, image, len, HV_MODE_PROT32, 1, res))
		return;
	if (run_until_done(&vm.vcpus[0], deadline_of(o), NULL, &done, why, sizeof(why)))
		result_set(res, PROOF_FAILED, "%s", why);
	else
		result_set(res, PROOF_PROVEN, "a hostile guest reported DONE: this should not happen");
	hv_vm_destroy(&vm);
}

static void proof_hostile_spin(const struct proof_opts *o, struct proof_result *res)
{
	proof_hostile(o, res, GUEST_IMAGE(hostile_spin));
}

static void proof_hostile_triple_fault(const struct proof_opts *o, struct proof_result *res)
{
	proof_hostile(o, res, GUEST_IMAGE(hostile_triple_fault));
}

static void proof_hostile_unmapped(const struct proof_opts *o, struct proof_result *res)
{
	proof_hostile(o, res, GUEST_IMAGE(hostile_unmapped));
}

/* Floods exits to a port the host answers: the run loop must still end at the deadline. */
static void proof_hostile_exit_flood(const struct proof_opts *o, struct proof_result *res)
{
	struct hv_vm vm;
	struct hv_exit done;
	struct devices dev = { .disk_fd = -1 };
	char why[768];

	if (guest_boot(&vm, o, GUEST_IMAGE(hostile_exit_flood), HV_MODE_PROT32, 1, res))
		return;
	if (run_until_done(&vm.vcpus[0], deadline_of(o), &dev, &done, why, sizeof(why)))
		result_set(res, PROOF_FAILED, "%s", why);
	else
		result_set(res, PROOF_PROVEN, "a hostile guest reported DONE: this should not happen");
	hv_vm_destroy(&vm);
}

/*
 * Asks the disk for sectors past its end: each is refused, the file keeps its size and its
 * bytes, and the run ends at the deadline as failed. A write that got through is reported.
 */
static void proof_hostile_disk_range(const struct proof_opts *o, struct proof_result *res)
{
	const char *dir = o->scratch_dir ? o->scratch_dir : getenv("TMPDIR");
	char path[4096], why[768];
	struct devices dev = { .disk_fd = -1, .disk_size = DISK_SECTORS * SECTOR_SIZE };
	struct hv_vm vm;
	struct hv_exit done;
	struct stat st;

	snprintf(path, sizeof(path), "%s/virtcap-disk-XXXXXX", dir && *dir ? dir : "/tmp");
	dev.disk_fd = mkstemp(path);
	if (dev.disk_fd < 0) {
		result_set(res, PROOF_NOT_RUN, "cannot create the disk file %s: %s", path,
			   strerror(errno));
		return;
	}
	unlink(path);
	if (ftruncate(dev.disk_fd, (off_t)dev.disk_size) < 0 ||
	    guest_boot(&vm, o, GUEST_IMAGE(hostile_disk_range), HV_MODE_PROT32, 1, res)) {
		if (!res->detail[0])
			result_set(res, PROOF_NOT_RUN, "cannot size the disk file: %s", strerror(errno));
		close(dev.disk_fd);
		return;
	}

	bool ended = run_until_done(&vm.vcpus[0], deadline_of(o), &dev, &done, why, sizeof(why));

	if (fstat(dev.disk_fd, &st) == 0 && st.st_size != (off_t)dev.disk_size)
		result_set(res, PROOF_PROVEN, "the disk file grew to %lld bytes: a sector past the "
			   "end was written", (long long)st.st_size);
	else if (ended)
		result_set(res, PROOF_FAILED, "%s; every sector past the end was refused (status "
			   "%u) and the disk file kept its %zu bytes", why, dev.disk_status,
			   (size_t)dev.disk_size);
	else
		result_set(res, PROOF_PROVEN, "a hostile guest reported DONE: this should not happen");
	hv_vm_destroy(&vm);
	close(dev.disk_fd);
}

/* rows: enum guest_kind of reports/report.h, in its order */
const struct proof_def proof_defs[] = {
	{ "real16", 0, proof_real16 },
	{ "prot32", 1, proof_prot32 },
	{ "pae32", 2, proof_pae32 },
	{ "long64", 3, proof_long64 },
	{ "smp", 4, proof_smp },
	{ "irq", 5, proof_irq },
	{ "hypercall", 6, proof_hypercall },
	{ "pio", 7, proof_pio },
	{ "mmio", 8, proof_mmio },
	{ "disk", 9, proof_disk },
	{ "nested", 10, proof_nested },
	{ "nested_tdp", -1, proof_nested_tdp },
	{ "hostile-spin", -1, proof_hostile_spin },
	{ "hostile-triple-fault", -1, proof_hostile_triple_fault },
	{ "hostile-unmapped", -1, proof_hostile_unmapped },
	{ "hostile-exit-flood", -1, proof_hostile_exit_flood },
	{ "hostile-disk-range", -1, proof_hostile_disk_range },
};

const size_t proof_count = sizeof(proof_defs) / sizeof(proof_defs[0]);

const struct proof_def *proof_find(const char *id)
{
	for (size_t i = 0; i < proof_count; i++)
		if (!strcmp(proof_defs[i].id, id))
			return &proof_defs[i];
	return NULL;
}

const char *proof_status_name(enum proof_status s)
{
	return s == PROOF_PROVEN ? "proven" : s == PROOF_FAILED ? "failed" : "not-run";
}
