// SPDX-License-Identifier: MIT
/*
 * The arm64 proofs' setups and checks (proofs/manifest_arm64.h lists them), on the same terms
 * as x86's (proofs/capability.c): a value the host plants at random, what only the claimed
 * state or device makes of it, then the vCPU's own registers read back through KVM
 * (KVM_GET_ONE_REG: PSTATE, SCTLR_EL1, MPIDR_EL1), and KVM's own count where the claim is an
 * event (a hypercall).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hv-mini/arm64.h"
#include "proofs/proofs.h"

#define ESR_EC(esr) ((uint32_t)((esr) >> 26) & 0x3F)
#define ESR_EC_SVC64 0x15	/* an SVC from AArch64 (Arm ARM D17.2.37) */
#define PSCI_SUCCESS 0

static uint64_t nonce64(const struct proof_run *run)
{
	return (uint64_t)run->nonce[1] << 32 | run->nonce[0];
}

/* vCPU 0's register id after the run into *value; a reason into w when it cannot be read */
static bool read_reg(struct proof_run *run, uint64_t id, const char *name, uint64_t *value,
		     struct why_not *w)
{
	int err = hv_vcpu_get_reg(&run->vm.vcpus[0], id, value);

	if (err)
		why_not(w, "%s could not be read back: %s", name, strerror(-err));
	return !err;
}

/* --- arm64: AArch64 at EL1 with its own tables, MMU and vectors --- */
int setup_arm64(struct proof_run *run, struct hv_proof_result *res)
{
	uint64_t n = nonce64(run);

	memcpy(hv_gpa_to_hva(&run->vm, HV_GPA_DATA), &n, sizeof(n));
	return 0;
}

void check_arm64(struct proof_run *run, struct hv_proof_result *res)
{
	uint64_t n = nonce64(run), want = n << GUEST_ARM64_ROL | n >> (64 - GUEST_ARM64_ROL);
	uint64_t esr = run->done[0].aux, pstate = 0, sctlr = 0;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (run->done[0].value != want)
		why_not_answer(&w, run->done[0].value, want);
	if (ESR_EC(esr) != ESR_EC_SVC64 || (esr & 0xFFFF) != GUEST_ARM64_SVC)
		why_not(&w, "its vectors did not take its SVC #0x%x from AArch64 (ESR_EL1 0x%llx)",
			GUEST_ARM64_SVC, (unsigned long long)esr);
	if (read_reg(run, HV_ARM64_CORE_REG(regs.pstate), "PSTATE", &pstate, &w) &&
	    (pstate & PSTATE_MODE_MASK) != PSTATE_EL1H)
		why_not(&w, "the vCPU ended in PSTATE 0x%llx, not AArch64 at EL1h",
			(unsigned long long)pstate);
	if (read_reg(run, HV_ARM64_SCTLR_EL1, "SCTLR_EL1", &sctlr, &w) && !(sctlr & SCTLR_M))
		why_not(&w, "its MMU was off at the end (SCTLR_EL1 0x%llx): its own translation "
			"tables were never used", (unsigned long long)sctlr);
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "a 64-bit guest at EL1 built its own translation "
			      "tables and turned its MMU on (SCTLR_EL1 0x%llx), read the host's value "
			      "through a mapping only they make, took an SVC through its own vectors "
			      "(ESR_EL1 0x%llx) and answered 0x%llx", (unsigned long long)sctlr,
			      (unsigned long long)esr, (unsigned long long)want);
}

/* --- arm32: AArch32 at EL1 (SVC mode), A32 code --- */
int setup_arm32(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, HV_GPA_DATA, run->nonce[0]);
	return 0;
}

void check_arm32(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t rev = __builtin_bswap32(run->nonce[0]);
	uint32_t want = rev >> GUEST_ARM32_ROR | rev << (32 - GUEST_ARM32_ROR);
	uint32_t cpsr = (uint32_t)run->done[0].aux;
	uint64_t pstate = 0;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if ((uint32_t)run->done[0].value != want)
		why_not_answer(&w, (uint32_t)run->done[0].value, want);
	if ((cpsr & PSTATE_MODE_MASK) != PSTATE_A32_SVC)
		why_not(&w, "the guest's CPSR is 0x%x, not SVC mode's", cpsr);
	if (read_reg(run, HV_ARM64_CORE_REG(regs.pstate), "PSTATE", &pstate, &w) &&
	    (!(pstate & PSTATE_NRW) || (pstate & PSTATE_MODE_MASK) != PSTATE_A32_SVC))
		why_not(&w, "the vCPU ended in PSTATE 0x%llx, not AArch32 in SVC mode",
			(unsigned long long)pstate);
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "a 32-bit guest ran A32 code at EL1 (CPSR 0x%x, "
			      "PSTATE 0x%llx) and answered 0x%x", cpsr, (unsigned long long)pstate,
			      want);
}

/* --- smp: vCPU 1 powered off until vCPU 0's PSCI CPU_ON, then the handshake --- */
void check_smp_psci(struct proof_run *run, struct hv_proof_result *res)
{
	struct why_not w = { .used = 0 };
	uint64_t mpidr = 0, seen;

	PROOF_NEEDS_DONE(run, res);
	if (run->done[0].aux != PSCI_SUCCESS)
		why_not(&w, "PSCI CPU_ON answered %lld, not 0 (success)",
			(long long)run->done[0].aux);
	memcpy(&seen, hv_gpa_to_hva(&run->vm, GUEST_ARM_SMP_MPIDR), sizeof(seen));
	if (hv_vcpu_get_reg(&run->vm.vcpus[1], HV_ARM64_MPIDR_EL1, &mpidr) == 0 && seen != mpidr)
		why_not(&w, "vCPU 1's MPIDR_EL1 as it wrote it is 0x%llx, not KVM's 0x%llx for it",
			(unsigned long long)seen, (unsigned long long)mpidr);
	proof_check_handshake(run, &w, res, ", vCPU 1 started by PSCI CPU_ON");
}

/* --- hypercall: HVC, answered by KVM (PSCI and its own service) --- */
void check_hypercall_hvc(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t uid = (uint32_t)run->done[0].value, version = (uint32_t)run->done[0].aux;
	struct why_not w = { .used = 0 };
	char counted[160] = "";

	PROOF_NEEDS_DONE(run, res);
	if (uid != SMCCC_KVM_UID_0)
		why_not(&w, "the vendor hypervisor service's UID call answered 0x%08x, not KVM's "
			"0x%08x", uid, SMCCC_KVM_UID_0);
	if (version >> 16 > 1 || version < 2)	/* PSCI 0.2 to 1.x are the versions there are */
		why_not(&w, "PSCI_VERSION answered 0x%x, not a PSCI version (0.2 to 1.x)", version);
	/* the answers are constants any guest can give: KVM's own count says it was asked */
	proof_kvm_counted(run, "hvc_exit_stat", 2, "HVC exits", &w, counted, sizeof(counted));
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "HVC answered by the hypervisor: PSCI %u.%u, and "
			      "KVM's own UID (0x%08x...)%s", version >> 16, version & 0xFFFF, uid,
			      counted);
}

/* --- irq: an SPI the guest cannot know, through the vGIC --- */
#define GICD_ISPENDR 0x200
#define GICD_ISACTIVER 0x300

int setup_irq_gic(struct proof_run *run, struct hv_proof_result *res)
{
	int err;

	run->vm.irq_spi = GUEST_ARM_SPI_FIRST + run->nonce[3] % GUEST_ARM_SPI_COUNT;
	err = hv_arm64_vgic_create(&run->vm);
	if (err)
		hv_result_set(res, err == -ENODEV ? HV_PROOF_NOT_RUN : HV_PROOF_FAILED, "%s",
			      run->vm.err);
	return err ? -1 : 0;
}

void check_irq_gic(struct proof_run *run, struct hv_proof_result *res)
{
	uint32_t spi = run->vm.irq_spi, bit = 1u << (spi % 32), pending = 0, active = 0;
	uint32_t got = (uint32_t)run->done[0].value, want = GUEST_IRQ_ACK_BASE + spi;
	struct why_not w = { .used = 0 };

	PROOF_NEEDS_DONE(run, res);
	if (got != want)
		why_not(&w, "the guest acknowledged 0x%08x, not SPI %u's 0x%08x, the one the host "
			"raised", got, spi, want);
	if (!run->vm.irqs_raised)
		why_not(&w, "the guest never asked for its interrupt (no SYNC): none was raised");
	/* the vGIC's own record, which no guest writes but by taking and ending the SPI */
	int err = hv_arm64_vgic_dist_read(&run->vm, GICD_ISPENDR + spi / 32 * 4, &pending);

	if (!err)
		err = hv_arm64_vgic_dist_read(&run->vm, GICD_ISACTIVER + spi / 32 * 4, &active);
	if (err)
		why_not(&w, "the vGIC's state of SPI %u could not be read: %s", spi, strerror(-err));
	else if ((pending | active) & bit)
		why_not(&w, "the vGIC still holds SPI %u %s: the guest never %s it", spi,
			pending & bit ? "pending" : "active", pending & bit ? "took" : "ended");
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "SPI %u, chosen at random and raised with "
			      "KVM_IRQ_LINE, reached the guest through the vGIC (GICv3): its handler "
			      "took INTID %u from ICC_IAR1_EL1 and ended it, and the vGIC holds it no "
			      "more", spi, spi);
}
