/* SPDX-License-Identifier: MIT */
/*
 * The proofs of an x86 build, one line each: the only list of them (an arm64 build's are
 * proofs/manifest_arm64.h's, proofs/proofs.h picks the one built for). The registry (proofs/registry.c), --only
 * and its help, the default set and the matrix rows they decide all come from here.
 *
 * How to add a proof: write its guest (hv-mini/guests/NAME.S; the Makefile builds every guest
 * there and in nested/l1/ and embeds it as hv_guest_NAME, dashes made underscores), add its line
 * below, and write its check (and its setup, if the host must plant something first) in
 * proofs/capability.c, proofs/hostile.c or nested/nested.c. Then its liars, at least one, each
 * a line under the proof's with its setup and check: the proof's guest with one lie in an
 * #ifdef LIE_WHAT of its own source, built by a file hv-mini/guests/liars/liar-ID-WHAT.S that
 * defines LIE_WHAT and includes the guest (nested/l1/liars/ for an L1). Lie as a broken or
 * dishonest guest would: a wrong answer, the right answer from the wrong mode, an answer known
 * without doing the work, a device never touched, one vCPU for two. A check that a liar passes
 * proves nothing: t073 fails a capability proof without a liar, and t070 (t060 and t062 in the
 * lab, for the proofs this host's KVM cannot run) fails a liar that is not failed for the reason
 * tests/data/liars.tsv gives it. What a guest can write, a liar can forge: where the claim is an
 * event (an interrupt, a hypercall, a nested entry), the check also wants KVM's own count of it
 * (proof_kvm_counted).
 *
 * PROOF(id, row, group, vcpus, image, setup, check)
 *   id     its name for --only and in the JSON
 *   row    the matrix row (reports/: guest_kind_id) it decides, or NULL
 *   group  CAPABILITY: runs by default and decides its row; PART: runs with them and is reported
 *          as a part of its row's proof; HOSTILE: runs only when --only names it, and must end
 *          as failed within its limits; LIAR: runs only when --only names it (or "liars"),
 *          decides nothing, and its check, the proof's own, must fail it
 *   vcpus  how many vCPUs run the image, each on its own thread
 *   image  ANY(guest, MODE), or BY_VENDOR(guest, MODE, guest, MODE) for SVM and VMX: the guest
 *          and the CPU mode hv-mini starts it in (enum hv_mode without HV_MODE_)
 *   setup  what the host plants before the run (proof_no_setup: nothing)
 *   check  judges the run: what the guest reported and the vCPU state afterwards
 */
PROOF("real16", "real16", CAPABILITY, 1, ANY(real16, REAL16), setup_real16, check_real16)
PROOF("liar-real16-answer", NULL, LIAR, 1, ANY(liar_real16_answer, REAL16), setup_real16,
      check_real16)
PROOF("liar-real16-known", NULL, LIAR, 1, ANY(liar_real16_known, REAL16), setup_real16,
      check_real16)
PROOF("liar-real16-mode", NULL, LIAR, 1, ANY(liar_real16_mode, REAL16), setup_real16,
      check_real16)
PROOF("prot32", "prot32", CAPABILITY, 1, ANY(prot32, PROT32), setup_prot32, check_prot32)
PROOF("liar-prot32-answer", NULL, LIAR, 1, ANY(liar_prot32_answer, PROT32), setup_prot32,
      check_prot32)
PROOF("liar-prot32-mode", NULL, LIAR, 1, ANY(liar_prot32_mode, PROT32), setup_prot32,
      check_prot32)
PROOF("pae32", "pae32", CAPABILITY, 1, ANY(pae32, PAE32), setup_pae32, check_pae32)
PROOF("liar-pae32-answer", NULL, LIAR, 1, ANY(liar_pae32_answer, PAE32), setup_pae32, check_pae32)
PROOF("liar-pae32-mode", NULL, LIAR, 1, ANY(liar_pae32_mode, PAE32), setup_pae32, check_pae32)
PROOF("long64", "long64", CAPABILITY, 1, ANY(long64, LONG64), setup_long64, check_long64)
PROOF("liar-long64-answer", NULL, LIAR, 1, ANY(liar_long64_answer, LONG64), setup_long64,
      check_long64)
PROOF("liar-long64-mode", NULL, LIAR, 1, ANY(liar_long64_mode, LONG64), setup_long64,
      check_long64)
PROOF("boot", "boot", CAPABILITY, 1, ANY(boot, REAL16), proof_no_setup, check_boot)
PROOF("liar-boot-real", NULL, LIAR, 1, ANY(liar_boot_real, REAL16), proof_no_setup, check_boot)
PROOF("liar-boot-no-irq", NULL, LIAR, 1, ANY(liar_boot_no_irq, REAL16), proof_no_setup,
      check_boot)
PROOF("smp", "smp", CAPABILITY, 2, ANY(smp, PROT32), proof_no_setup, check_smp)
PROOF("liar-smp-one-id", NULL, LIAR, 2, ANY(liar_smp_one_id, PROT32), proof_no_setup, check_smp)
PROOF("liar-smp-no-wait", NULL, LIAR, 2, ANY(liar_smp_no_wait, PROT32), proof_no_setup,
      check_smp)
PROOF("irq", "irq", CAPABILITY, 1, ANY(irq, PROT32), setup_irq, check_irq)
PROOF("liar-irq-no-irq", NULL, LIAR, 1, ANY(liar_irq_no_irq, PROT32), setup_irq, check_irq)
PROOF("liar-irq-guess", NULL, LIAR, 1, ANY(liar_irq_guess, PROT32), setup_irq, check_irq)
PROOF("hypercall", "hypercall", CAPABILITY, 1, ANY(hypercall, PROT32), setup_hypercall,
      check_hypercall)
PROOF("liar-hypercall-no-call", NULL, LIAR, 1, ANY(liar_hypercall_no_call, PROT32),
      setup_hypercall, check_hypercall)
PROOF("pio", "pio", CAPABILITY, 1, ANY(pio, PROT32), proof_no_setup, check_pio)
PROOF("liar-pio-no-access", NULL, LIAR, 1, ANY(liar_pio_no_access, PROT32), proof_no_setup,
      check_pio)
PROOF("mmio", "mmio", CAPABILITY, 1, ANY(mmio, PROT32), proof_no_setup, check_mmio)
PROOF("liar-mmio-no-access", NULL, LIAR, 1, ANY(liar_mmio_no_access, PROT32), proof_no_setup,
      check_mmio)
PROOF("disk", "disk", CAPABILITY, 1, ANY(disk, PROT32), setup_disk, check_disk)
PROOF("liar-disk-no-read", NULL, LIAR, 1, ANY(liar_disk_no_read, PROT32), setup_disk, check_disk)
PROOF("liar-disk-no-write", NULL, LIAR, 1, ANY(liar_disk_no_write, PROT32), setup_disk,
      check_disk)
PROOF("nested", "nested", CAPABILITY, 1,
      BY_VENDOR(nested_svm, PROT32_PAGED, nested_vmx, LONG64), proof_no_setup, check_nested)
PROOF("liar-nested-no-l2", NULL, LIAR, 1,
      BY_VENDOR(liar_nested_svm_no_l2, PROT32_PAGED, liar_nested_vmx_no_l2, LONG64),
      proof_no_setup, check_nested)
PROOF("nested_tdp", "nested", PART, 1,
      BY_VENDOR(nested_svm_tdp, PROT32_PAGED, nested_vmx_tdp, LONG64), setup_nested_tdp,
      check_nested_tdp)
PROOF("liar-nested_tdp-decoy", NULL, LIAR, 1,
      BY_VENDOR(liar_nested_svm_tdp_decoy, PROT32_PAGED, liar_nested_vmx_tdp_decoy, LONG64),
      setup_nested_tdp, check_nested_tdp)
PROOF("liar-nested_tdp-known", NULL, LIAR, 1,
      BY_VENDOR(liar_nested_svm_tdp_known, PROT32_PAGED, liar_nested_vmx_tdp_known, LONG64),
      setup_nested_tdp, check_nested_tdp)
PROOF("hostile-spin", NULL, HOSTILE, 1, ANY(hostile_spin, PROT32), proof_no_setup,
      check_hostile)
PROOF("hostile-triple-fault", NULL, HOSTILE, 1, ANY(hostile_triple_fault, PROT32),
      proof_no_setup, check_hostile)
PROOF("hostile-unmapped", NULL, HOSTILE, 1, ANY(hostile_unmapped, PROT32), proof_no_setup,
      check_hostile)
PROOF("hostile-exit-flood", NULL, HOSTILE, 1, ANY(hostile_exit_flood, PROT32), proof_no_setup,
      check_hostile)
PROOF("hostile-disk-range", NULL, HOSTILE, 1, ANY(hostile_disk_range, PROT32),
      setup_hostile_disk, check_hostile_disk)
