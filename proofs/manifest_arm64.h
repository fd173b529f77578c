/* SPDX-License-Identifier: MIT */
/*
 * The proofs of an arm64 build, one line each, as proofs/manifest.h is x86's (its header says
 * what each field means and how to add a proof; the same rules hold here, and t073 holds this
 * list to them too). Their guests are in hv-mini/guests/arm64, their checks in proofs/arm64.c
 * and proofs/shared.c. A row keeps its name on both architectures and the proof that decides it
 * here is arm64's: "arm64" and "arm32" are the 64- and 32-bit ARM OS a guest runs at EL1.
 */
PROOF("arm64", "arm64", CAPABILITY, 1, ANY(arm64, AARCH64_EL1), setup_arm64, check_arm64)
PROOF("liar-arm64-answer", NULL, LIAR, 1, ANY(liar_arm64_answer, AARCH64_EL1), setup_arm64,
      check_arm64)
PROOF("liar-arm64-no-mmu", NULL, LIAR, 1, ANY(liar_arm64_no_mmu, AARCH64_EL1), setup_arm64,
      check_arm64)
PROOF("arm32", "arm32", CAPABILITY, 1, ANY(arm32, AARCH32_EL1), setup_arm32, check_arm32)
PROOF("liar-arm32-answer", NULL, LIAR, 1, ANY(liar_arm32_answer, AARCH32_EL1), setup_arm32,
      check_arm32)
PROOF("liar-arm32-known", NULL, LIAR, 1, ANY(liar_arm32_known, AARCH32_EL1), setup_arm32,
      check_arm32)
PROOF("smp", "smp", CAPABILITY, 2, ANY(arm64_smp, AARCH64_EL1), proof_no_setup, check_smp_psci)
PROOF("liar-smp-no-cpu-on", NULL, LIAR, 2, ANY(liar_arm64_smp_no_cpu_on, AARCH64_EL1),
      proof_no_setup, check_smp_psci)
PROOF("hypercall", "hypercall", CAPABILITY, 1, ANY(arm64_hypercall, AARCH64_EL1),
      proof_no_setup, check_hypercall_hvc)
PROOF("liar-hypercall-no-call", NULL, LIAR, 1, ANY(liar_arm64_hypercall_no_call, AARCH64_EL1),
      proof_no_setup, check_hypercall_hvc)
PROOF("mmio", "mmio", CAPABILITY, 1, ANY(arm64_mmio, AARCH64_EL1), proof_no_setup, check_mmio)
PROOF("liar-mmio-no-access", NULL, LIAR, 1, ANY(liar_arm64_mmio_no_access, AARCH64_EL1),
      proof_no_setup, check_mmio)
PROOF("disk", "disk", CAPABILITY, 1, ANY(arm64_disk, AARCH64_EL1), setup_disk, check_disk)
PROOF("liar-disk-no-read", NULL, LIAR, 1, ANY(liar_arm64_disk_no_read, AARCH64_EL1), setup_disk,
      check_disk)
PROOF("liar-disk-no-write", NULL, LIAR, 1, ANY(liar_arm64_disk_no_write, AARCH64_EL1),
      setup_disk, check_disk)
PROOF("irq", "irq", CAPABILITY, 1, ANY(arm64_irq, AARCH64_EL1), setup_irq_gic, check_irq_gic)
PROOF("liar-irq-guess", NULL, LIAR, 1, ANY(liar_arm64_irq_guess, AARCH64_EL1), setup_irq_gic,
      check_irq_gic)
PROOF("liar-irq-no-irq", NULL, LIAR, 1, ANY(liar_arm64_irq_no_irq, AARCH64_EL1), setup_irq_gic,
      check_irq_gic)
