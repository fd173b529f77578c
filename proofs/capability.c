// SPDX-License-Identifier: MIT
/*
 * The capability proofs' setups and checks (proofs/manifest.h lists them).
 *
 * Each proof makes its own VM, so one guest's state cannot help or hurt another's. Values the
 * guests must find are written by the host into guest memory first, random for each run
 * (run->nonce), so no guest can know an answer without working it out; what a guest reports
 * is compared with what only the claimed mode or device produces, then the vCPU's control
 * registers are read back to confirm the mode it really ran in. A failure names each condition
 * that does not hold. Every proof has liars (proofs/manifest.h) that these checks must fail.
 */
#include <stdio.h>
#include <string.h>

#include "arch/x86.h"
#include "proofs/proofs.h"

#define KVM_ENOSYS_ANSWER 0xFFFFFC18u	/* -KVM_ENOSYS (-1000) as the guest's EAX */
#define PAE_HIGH_SIZE (2ull << 20)

/* --- real16 --- */
int setup_real16(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, HV_GPA_DATA, run->nonce[0]);
	return 0;
}

void check_real16(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t want = run->nonce[0] ^ GUEST_REAL16_XOR, got = (uint32_t)run->done[0].value;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (got != want)
		why_not_answer(&w, got, want);
	if (run->sregs.cr0 & X86_CR0_PE)
		why_not(&w, "CR0.PE=1 when it answered: protected mode, not real mode");
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "the guest read DS:0 with DS=0x%x as physical "
			      "0x%x (0x%08x) and CR0.PE stayed 0: real mode", HV_GPA_DATA >> 4,
			      HV_GPA_DATA, got);
}

/* --- prot32 --- */
int setup_prot32(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, HV_GPA_DATA, run->nonce[0]);
	hv_put32(&run->vm, HV_GPA_DATA + 4, run->nonce[1]);
	return 0;
}

/* The paging and mode a 32-bit guest claims: what of it does not hold, into w */
static void not_32bit(const struct kvm_sregs *s, bool pae, struct why_not *w)
{
	if (!(s->cr0 & X86_CR0_PE))
		why_not(w, "CR0.PE=0: not protected mode");
	if (!(s->cr0 & X86_CR0_PG))
		why_not(w, "CR0.PG=0: paging off");
	if (pae != !!(s->cr4 & X86_CR4_PAE))
		why_not(w, "CR4.PAE=%d", !pae);
	if (s->efer & X86_EFER_LMA)
		why_not(w, "EFER.LMA=1: long mode");
	if (!pae && !s->cs.db)
		why_not(w, "CS.D=0: 16-bit code");
}

void check_prot32(struct proof_run *run, struct hv_proof_result *res)
{
	const struct kvm_sregs *s = &run->sregs;
	uint32_t want = run->nonce[0] + run->nonce[1], got = (uint32_t)run->done[0].value;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (got != want)
		why_not_answer(&w, got, want);
	not_32bit(s, false, &w);
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "32-bit protected mode: read 0x%08x with paging "
			      "off, then turned paging on and read 0x%08x through a 4 MiB page at "
			      "0x%08x; CR0=0x%llx, CS.D=1", run->nonce[0], run->nonce[1],
			      HV_PROT32_HIGH_VA, (unsigned long long)s->cr0);
}

/* --- pae32 --- */
int setup_pae32(struct proof_run *run, struct hv_proof_result *res)
{
	if (hv_vm_add_memory(&run->vm, HV_PAE_HIGH_GPA, PAE_HIGH_SIZE))
		return -1;
	hv_put32(&run->vm, HV_PAE_HIGH_GPA, run->nonce[0]);
	hv_put32(&run->vm, HV_PAE_HIGH_GPA + 4, run->nonce[1]);
	return 0;
}

void check_pae32(struct proof_run *run, struct hv_proof_result *res)
{
	const struct hv_exit *d = &run->done[0];
	uint64_t got = (uint64_t)(uint32_t)d->aux << 32 | (uint32_t)d->value;
	uint64_t want = (uint64_t)run->nonce[1] << 32 | run->nonce[0];
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (got != want)
		why_not_answer(&w, got, want);
	not_32bit(&run->sregs, true, &w);
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "PAE paging: the guest read 0x%016llx at VA "
			      "0x%08X, mapped to guest-physical 0x%llx (above 4 GiB); CR4.PAE=1, "
			      "EFER.LMA=0", (unsigned long long)got, HV_PAE_VA,
			      (unsigned long long)HV_PAE_HIGH_GPA);
}

/* --- long64 --- */
static uint64_t long64_magic(const struct proof_run *run)
{
	return (uint64_t)run->nonce[1] << 32 | run->nonce[0];
}

int setup_long64(struct proof_run *run, struct hv_proof_result *res)
{
	uint64_t magic = long64_magic(run);

	memcpy(hv_gpa_to_hva(&run->vm, HV_GPA_DATA + 8), &magic, sizeof(magic));
	return 0;
}

void check_long64(struct proof_run *run, struct hv_proof_result *res)
{
	const struct kvm_sregs *s = &run->sregs;
	uint64_t got = run->done[0].value, magic = long64_magic(run);
	uint64_t want = magic << GUEST_LONG64_ROL | magic >> (64 - GUEST_LONG64_ROL);
	struct why_not w = { .used = 0 };

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
	else {
		if (got != want)
			why_not_answer(&w, got, want);
		if (!(s->efer & X86_EFER_LMA))
			why_not(&w, "EFER.LMA=0: not long mode");
		if (!s->cs.l)
			why_not(&w, "CS.L=0 when it answered: compatibility mode, 32-bit code");
		failed_for(res, &w);
	}
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
	struct why_not w = { .used = 0 };
	char counted[160] = "";

	if (stage != GUEST_BOOT_INTERRUPT)
		why_not(&w, "it reached stage %u (%s), not the last", stage, reached ? reached :
			"none");
	if (got != GUEST_BOOT_SEEN_ALL || seen != got)
		why_not(&w, "its handlers recorded 0x%x and it reported 0x%x, not 0x%x (#BP, #UD, "
			"#PF, interrupt)", seen, got, GUEST_BOOT_SEEN_ALL);
	if (cr2 != GUEST_BOOT_UNMAPPED)
		why_not(&w, "its #PF handler saw CR2=0x%x, not 0x%x", cr2, GUEST_BOOT_UNMAPPED);
	if (!(run->sregs.efer & X86_EFER_LMA))
		why_not(&w, "EFER.LMA=0 when it answered: not long mode");
	/* the interrupt's bit is the guest's word: KVM's count says one was delivered */
	proof_kvm_counted(run, "irq_injections", 1, "injected interrupts", &w, counted, sizeof(counted));
	if (failed_for(res, &w))
		return;
	if (high != GUEST_BOOT_HIGH)	/* as long64 sees it on a 32-bit host kernel */
		hv_result_set(res, HV_PROOF_FAILED, "the guest went itself all the way to long mode "
			      "and its IDT, but its 64-bit result reached the host as 0x%016llx, the "
			      "upper half lost: this KVM keeps only 32 bits of each register (a 32-bit "
			      "host kernel), so 64-bit guests cannot work", (unsigned long long)value);
	else
		hv_result_set(res, HV_PROOF_PROVEN, "started in real mode, the guest went itself to "
			      "protected mode, PAE paging and long mode, took #BP, #UD and #PF "
			      "(CR2=0x%x) through its own 64-bit IDT and returned from each, then the "
			      "injected vector 0x%x%s", cr2, HV_IRQ_VECTOR, counted);
}

/* --- pio: the guest writes the device's register and reads back its answer --- */
void check_pio(struct proof_run *run, struct hv_proof_result *res)
{
	proof_check_device(run, "port 0xe0", GUEST_PIO_WRITTEN, run->dev.pio.latch, res);
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
	struct why_not w = { .used = 0 };
	char counted[160] = "";

	PROOF_NEEDS_DONE(run, res);
	if (poll != 0)
		why_not(&w, "%s answered %d for KVM_HC_VAPIC_POLL_IRQ, not 0", insn, (int)poll);
	if (unknown != KVM_ENOSYS_ANSWER)
		why_not(&w, "%s answered %d for an unknown hypercall, not -1000 (-KVM_ENOSYS)", insn,
			(int)unknown);
	/* the answers are constants any guest can give: KVM's own count says it was asked */
	proof_kvm_counted(run, "hypercalls", 2, "hypercalls", &w, counted, sizeof(counted));
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "%s answered by the hypervisor: "
			      "KVM_HC_VAPIC_POLL_IRQ returned 0, an unknown hypercall -KVM_ENOSYS%s",
			      insn, counted);
}

/* --- irq: a vector the guest cannot know, and KVM's own count of what it injected --- */
int setup_irq(struct proof_run *run, struct hv_proof_result *res)
{
	run->vm.irq_vector = (uint8_t)(GUEST_IRQ_FIRST + run->nonce[3] % GUEST_IRQ_COUNT);
	return 0;
}

void check_irq(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t got = (uint32_t)run->done[0].value;
	uint32_t want = GUEST_IRQ_ACK_BASE + run->vm.irq_vector;
	struct why_not w = { .used = 0 };
	char counted[160] = "";

	PROOF_NEEDS_DONE(run, res);
	if (got != want)
		why_not(&w, "the guest acknowledged 0x%08x, not vector 0x%x's 0x%08x, the one the host "
			"injected", got, run->vm.irq_vector, want);
	proof_kvm_counted(run, "irq_injections", 1, "injected interrupts", &w, counted, sizeof(counted));
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "vector 0x%x, chosen at random and injected with "
			      "KVM_INTERRUPT, reached the guest's handler for it, which acknowledged "
			      "it (0x%08x)%s", run->vm.irq_vector, got, counted);
}

/* --- smp: two vCPUs on two threads --- */
void check_smp(struct proof_run *run, struct hv_proof_result *res)
{
	struct why_not w = { .used = 0 };

	proof_check_handshake(run, &w, res, "");
}
