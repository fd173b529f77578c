// SPDX-License-Identifier: MIT
/*
 * The capability proofs' setups and checks (proofs/manifest.h lists them).
 *
 * Each proof makes its own VM, so one guest's state cannot help or hurt another's. Values the
 * guests must find are written by the host into guest memory first; what a guest reports is
 * compared with what only the claimed mode or device produces, then the vCPU's control
 * registers are read back to confirm the mode it really ran in.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "arch/x86.h"
#include "proofs/proofs.h"

/* Values the host plants for the guests: any values nothing else would produce */
#define MAGIC_REAL 0x13579BDFu
#define MAGIC_PROT_1 0x10203040u
#define MAGIC_PROT_2 0x01020304u
#define MAGIC_PAE_LO 0x600DCAFEu
#define MAGIC_PAE_HI 0x0000B16Bu
#define MAGIC_LONG 0x0123456789ABCDEFull
#define KVM_ENOSYS_ANSWER 0xFFFFFC18u	/* -KVM_ENOSYS (-1000) as the guest's EAX */
#define PAE_HIGH_SIZE (2ull << 20)
#define DISK_SECTORS 8

/* --- real16 --- */
int setup_real16(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, HV_GPA_DATA, MAGIC_REAL);
	return 0;
}

void check_real16(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t want = MAGIC_REAL ^ GUEST_REAL16_XOR, got = (uint32_t)run->done[0].value;

	PROOF_NEEDS_DONE(run, res);
	if (got == want && !(run->sregs.cr0 & X86_CR0_PE))
		hv_result_set(res, HV_PROOF_PROVEN, "the guest read DS:0 with DS=0x%x as physical "
			      "0x%x (0x%08x) and CR0.PE stayed 0: real mode", HV_GPA_DATA >> 4,
			      HV_GPA_DATA, got);
	else
		hv_result_set(res, HV_PROOF_FAILED, "guest reported 0x%08x (want 0x%08x), CR0=0x%llx",
			      got, want, (unsigned long long)run->sregs.cr0);
}

/* --- prot32 --- */
int setup_prot32(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, HV_GPA_DATA, MAGIC_PROT_1);
	hv_put32(&run->vm, HV_GPA_DATA + 4, MAGIC_PROT_2);
	return 0;
}

void check_prot32(struct proof_run *run, struct hv_proof_result *res)
{
	const struct kvm_sregs *s = &run->sregs;
	uint32_t want = MAGIC_PROT_1 + MAGIC_PROT_2, got = (uint32_t)run->done[0].value;

	PROOF_NEEDS_DONE(run, res);

	bool mode = (s->cr0 & X86_CR0_PE) && (s->cr0 & X86_CR0_PG) && !(s->efer & X86_EFER_LMA) &&
		    s->cs.db;

	if (got == want && mode)
		hv_result_set(res, HV_PROOF_PROVEN, "32-bit protected mode: read 0x%08x with paging "
			      "off, then turned paging on and read 0x%08x through a 4 MiB page at "
			      "0x%08x; CR0=0x%llx, CS.D=1", MAGIC_PROT_1, MAGIC_PROT_2,
			      HV_PROT32_HIGH_VA, (unsigned long long)s->cr0);
	else
		hv_result_set(res, HV_PROOF_FAILED, "guest reported 0x%08x (want 0x%08x); CR0=0x%llx "
			      "EFER=0x%llx CS.D=%d", got, want, (unsigned long long)s->cr0,
			      (unsigned long long)s->efer, s->cs.db);
}

/* --- pae32 --- */
int setup_pae32(struct proof_run *run, struct hv_proof_result *res)
{
	if (hv_vm_add_memory(&run->vm, HV_PAE_HIGH_GPA, PAE_HIGH_SIZE))
		return -1;
	hv_put32(&run->vm, HV_PAE_HIGH_GPA, MAGIC_PAE_LO);
	hv_put32(&run->vm, HV_PAE_HIGH_GPA + 4, MAGIC_PAE_HI);
	return 0;
}

void check_pae32(struct proof_run *run, struct hv_proof_result *res)
{
	const struct kvm_sregs *s = &run->sregs;
	const struct hv_exit *d = &run->done[0];

	PROOF_NEEDS_DONE(run, res);

	bool mode = (s->cr4 & X86_CR4_PAE) && (s->cr0 & X86_CR0_PG) && !(s->efer & X86_EFER_LMA);

	if ((uint32_t)d->value == MAGIC_PAE_LO && (uint32_t)d->aux == MAGIC_PAE_HI && mode)
		hv_result_set(res, HV_PROOF_PROVEN, "PAE paging: the guest read 0x%08x%08x at VA "
			      "0x%08X, mapped to guest-physical 0x%llx (above 4 GiB); CR4.PAE=1, "
			      "EFER.LMA=0", MAGIC_PAE_HI, MAGIC_PAE_LO, HV_PAE_VA,
			      (unsigned long long)HV_PAE_HIGH_GPA);
	else
		hv_result_set(res, HV_PROOF_FAILED, "guest reported 0x%08llx:0x%08llx; CR0=0x%llx "
			      "CR4=0x%llx EFER=0x%llx", (unsigned long long)d->aux,
			      (unsigned long long)d->value, (unsigned long long)s->cr0,
			      (unsigned long long)s->cr4, (unsigned long long)s->efer);
}

/* --- long64 --- */
int setup_long64(struct proof_run *run, struct hv_proof_result *res)
{
	uint64_t magic = MAGIC_LONG;

	memcpy(hv_gpa_to_hva(&run->vm, HV_GPA_DATA + 8), &magic, sizeof(magic));
	return 0;
}

void check_long64(struct proof_run *run, struct hv_proof_result *res)
{
	const struct kvm_sregs *s = &run->sregs;
	uint64_t got = run->done[0].value;
	uint64_t want = MAGIC_LONG << GUEST_LONG64_ROL | MAGIC_LONG >> (64 - GUEST_LONG64_ROL);

	PROOF_NEEDS_DONE(run, res);

	bool mode = (s->efer & X86_EFER_LMA) && s->cs.l;

	if (got == want && mode)
		hv_result_set(res, HV_PROOF_PROVEN, "64-bit mode: the guest read through VA "
			      "0x%llx (PML4 entry %llu) and reported 0x%016llx, all 64 bits; "
			      "EFER.LMA=1, CS.L=1",
			      (unsigned long long)(HV_LONG_HIGH_VA + HV_GPA_DATA + 8),
			      (unsigned long long)(HV_LONG_HIGH_VA >> 39 & 511),
			      (unsigned long long)got);
	else if (mode && got == (want & 0xFFFFFFFFull))
		/* seen on Debian's 686-pae kernel: the guest runs in long mode, but a 32-bit KVM
		 * saves and restores only the low halves of the guest's registers */
		hv_result_set(res, HV_PROOF_FAILED, "the guest ran in 64-bit mode (EFER.LMA=1, CS.L=1) "
			      "but its 64-bit result reached the host cut to 0x%016llx: this KVM "
			      "keeps only 32 bits of each register (a 32-bit host kernel), so 64-bit "
			      "guests cannot work", (unsigned long long)got);
	else
		hv_result_set(res, HV_PROOF_FAILED, "guest reported 0x%016llx (want 0x%016llx); "
			      "EFER=0x%llx CS.L=%d", (unsigned long long)got,
			      (unsigned long long)want, (unsigned long long)s->efer, s->cs.l);
}

/* --- boot: the guest's own way from real mode to long mode, its IDT, an interrupt --- */
static const char *boot_stage_name(uint32_t stage)
{
	static const char *const names[] = {
		[GUEST_BOOT_REAL] = "running in real mode",
		[GUEST_BOOT_PROTECTED] = "in protected mode (its own GDT, CR0.PE, a far jump)",
		[GUEST_BOOT_PAE] = "PAE paging on through its own tables",
		[GUEST_BOOT_LONG] = "in long mode (EFER.LME, paging, a far jump to 64-bit code)",
		[GUEST_BOOT_EXCEPTIONS] = "#BP, #UD and #PF handled by its own 64-bit IDT",
		[GUEST_BOOT_INTERRUPT] = "the host's interrupt handled by its IDT",
	};

	return stage >= GUEST_BOOT_REAL && stage <= GUEST_BOOT_INTERRUPT ? names[stage] : NULL;
}

/* What the next stage asks of the CPU: where a guest that died after stage died */
static const char *boot_next_step(uint32_t stage)
{
	static const char *const next[] = {
		[0] = "running its first real-mode instructions",
		[GUEST_BOOT_REAL] = "loading its GDT and switching to protected mode",
		[GUEST_BOOT_PROTECTED] = "turning on PAE paging (CR4.PAE, CR3, CR0.PG)",
		[GUEST_BOOT_PAE] = "switching to long mode (paging off, EFER.LME, paging on, far jump)",
		[GUEST_BOOT_LONG] = "taking #BP, #UD and #PF through its own 64-bit IDT",
		[GUEST_BOOT_EXCEPTIONS] = "taking the host's interrupt through its IDT",
	};

	return stage < GUEST_BOOT_INTERRUPT ? next[stage] : "reporting";
}

void check_boot(struct proof_run *run, struct hv_proof_result *res)
{
	/* the guest's words are read once, here, and checked before they are used */
	uint32_t stage = hv_get32(&run->vm, GUEST_BOOT_STAGE);
	uint32_t seen = hv_get32(&run->vm, GUEST_BOOT_SEEN);
	const char *reached = boot_stage_name(stage);

	if (stage != 0 && !reached) {
		hv_result_set(res, HV_PROOF_FAILED, "the guest wrote stage %u, which is none of the "
			      "%d it has: it ran astray", stage, GUEST_BOOT_INTERRUPT);
		return;
	}
	if (!run->finished) {
		hv_result_set(res, HV_PROOF_FAILED, "%s%s; %s failed: %s", reached ? "the guest got "
			      "itself as far as: " : "the guest stopped before its first stage",
			      reached ? reached : "", boot_next_step(stage), run->why);
		return;
	}

	uint64_t value = run->done[0].value;
	uint32_t got = (uint32_t)value, high = (uint32_t)(value >> 32);
	uint32_t cr2 = (uint32_t)run->done[0].aux;
	bool lma = run->sregs.efer & X86_EFER_LMA;
	bool all = stage == GUEST_BOOT_INTERRUPT && got == GUEST_BOOT_SEEN_ALL && seen == got &&
		   cr2 == GUEST_BOOT_UNMAPPED && lma;

	if (all && high != GUEST_BOOT_HIGH)	/* as long64 sees it on a 32-bit host kernel */
		hv_result_set(res, HV_PROOF_FAILED, "the guest went itself all the way to long mode "
			      "and its IDT, but its 64-bit result reached the host as 0x%016llx, the "
			      "upper half lost: this KVM keeps only 32 bits of each register (a 32-bit "
			      "host kernel), so 64-bit guests cannot work", (unsigned long long)value);
	else if (all)
		hv_result_set(res, HV_PROOF_PROVEN, "started in real mode, the guest went itself to "
			      "protected mode, PAE paging and long mode, took #BP, #UD and #PF "
			      "(CR2=0x%x) through its own 64-bit IDT and returned from each, then the "
			      "injected vector 0x%x", cr2, HV_IRQ_VECTOR);
	else
		hv_result_set(res, HV_PROOF_FAILED, "the guest reached stage %u (%s) and reported "
			      "handlers 0x%x (want 0x%x: #BP, #UD, #PF, interrupt), CR2=0x%x (want "
			      "0x%x), EFER.LMA=%d", stage, reached ? reached : "none", got,
			      GUEST_BOOT_SEEN_ALL, cr2, GUEST_BOOT_UNMAPPED, lma);
}

/* --- pio, mmio: the guest writes the device's register and reads back its answer --- */
static void check_device(struct proof_run *run, const char *where, uint32_t written,
			 uint32_t seen, struct hv_proof_result *res)
{
	uint32_t want = hv_device_answer(written), got = (uint32_t)run->done[0].value;

	PROOF_NEEDS_DONE(run, res);
	if (got == want && seen == written)
		hv_result_set(res, HV_PROOF_PROVEN, "the guest wrote 0x%08x to %s and read back the "
			      "device's answer 0x%08x", written, where, want);
	else
		hv_result_set(res, HV_PROOF_FAILED, "device saw 0x%08x, guest read 0x%08x (want "
			      "0x%08x)", seen, got, want);
}

void check_pio(struct proof_run *run, struct hv_proof_result *res)
{
	check_device(run, "port 0xe0", GUEST_PIO_WRITTEN, run->dev.pio.latch, res);
}

void check_mmio(struct proof_run *run, struct hv_proof_result *res)
{
	check_device(run, "MMIO 0xc0000000", GUEST_MMIO_WRITTEN, run->dev.mmio.latch, res);
}

/* --- hypercall --- */
int setup_hypercall(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, HV_GPA_DATA, run->vm.svm ? 1 : 0);
	return 0;
}

void check_hypercall(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t unknown = (uint32_t)run->done[0].value, poll = (uint32_t)run->done[0].aux;
	const char *insn = run->vm.svm ? "VMMCALL" : "VMCALL";

	PROOF_NEEDS_DONE(run, res);
	if (unknown == KVM_ENOSYS_ANSWER && poll == 0)
		hv_result_set(res, HV_PROOF_PROVEN, "%s answered by the hypervisor: "
			      "KVM_HC_VAPIC_POLL_IRQ returned 0, an unknown hypercall -KVM_ENOSYS",
			      insn);
	else
		hv_result_set(res, HV_PROOF_FAILED, "%s answers: %d for hypercall 1 (want 0), %d for "
			      "an unknown one (want -1000)", insn, (int)poll, (int)unknown);
}

/* --- irq --- */
void check_irq(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t got = (uint32_t)run->done[0].value;

	PROOF_NEEDS_DONE(run, res);
	if (got == GUEST_IRQ_ACK)
		hv_result_set(res, HV_PROOF_PROVEN, "vector 0x%x injected with KVM_INTERRUPT reached "
			      "the guest's IDT handler, which acknowledged it (0x%08x)",
			      HV_IRQ_VECTOR, GUEST_IRQ_ACK);
	else
		hv_result_set(res, HV_PROOF_FAILED, "the guest's acknowledgement was 0x%08x (want "
			      "0x%08x)", got, GUEST_IRQ_ACK);
}

/* --- smp: two vCPUs on two threads --- */
void check_smp(struct proof_run *run, struct hv_proof_result *res)
{
	uint64_t id0 = run->done[0].value, id1 = run->done[1].value;

	PROOF_NEEDS_DONE(run, res);
	if (id0 != GUEST_SMP_ID || id1 != GUEST_SMP_ID + 1)
		hv_result_set(res, HV_PROOF_FAILED, "vCPUs reported 0x%llx and 0x%llx (want 0x%x, "
			      "0x%x)", (unsigned long long)id0, (unsigned long long)id1,
			      GUEST_SMP_ID, GUEST_SMP_ID + 1);
	else
		hv_result_set(res, HV_PROOF_PROVEN, "2 vCPUs ran at once: each waited for the other's "
			      "flag in shared memory and reported its id");
}

/* --- disk: a real file; sector 0 holds a pattern the guest sums --- */
static uint32_t disk_pattern(unsigned i)
{
	return 0x9E3779B9u * (i + 1);
}

static uint32_t disk_pattern_sum(void)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < HV_SECTOR_SIZE / 4; i++)
		sum += disk_pattern(i);
	return sum;
}

int setup_disk(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t sector0[HV_SECTOR_SIZE / 4];
	int fd = hv_scratch_file(run->opts, DISK_SECTORS * HV_SECTOR_SIZE, res);

	if (fd < 0)
		return -1;
	for (unsigned i = 0; i < HV_SECTOR_SIZE / 4; i++)
		sector0[i] = disk_pattern(i);
	if (pwrite(fd, sector0, HV_SECTOR_SIZE, 0) != HV_SECTOR_SIZE) {
		hv_result_set(res, HV_PROOF_NOT_RUN, "cannot write the disk file: %s",
			      strerror(errno));
		close(fd);
		return -1;
	}
	return hv_devices_add_disk(&run->dev, fd, DISK_SECTORS * HV_SECTOR_SIZE);
}

void check_disk(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t sector1[HV_SECTOR_SIZE / 4], sum = disk_pattern_sum();
	uint32_t got = (uint32_t)run->done[0].value;
	unsigned bad = 0;

	PROOF_NEEDS_DONE(run, res);
	if (pread(run->dev.disk.fd, sector1, HV_SECTOR_SIZE, HV_SECTOR_SIZE) != HV_SECTOR_SIZE) {
		hv_result_set(res, HV_PROOF_FAILED, "cannot read sector 1 back: %s", strerror(errno));
		return;
	}
	for (unsigned i = 0; i < HV_SECTOR_SIZE / 4; i++)
		bad += sector1[i] != (sum ^ i);
	if (got == sum && bad == 0)
		hv_result_set(res, HV_PROOF_PROVEN, "the guest read sector 0 of a host file (sum "
			      "0x%08x) and wrote sector 1, which the host found in the file", sum);
	else
		hv_result_set(res, HV_PROOF_FAILED, "guest sum 0x%08x (want 0x%08x), %u of %u dwords "
			      "of sector 1 wrong in the file", got, sum, bad, HV_SECTOR_SIZE / 4);
}
