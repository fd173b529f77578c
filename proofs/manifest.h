/* SPDX-License-Identifier: MIT */
/*
 * The proofs, one line each: the only list of them. The registry (proofs/registry.c), --only
 * and its help, the default set and the matrix rows they decide all come from here.
 *
 * How to add a proof: write its guest (hv-mini/guests/NAME.S; the Makefile builds every guest
 * there and in nested/l1/ and embeds it as hv_guest_NAME, dashes made underscores), add its line
 * below, and write its check (and its setup, if the host must plant something first) in
 * proofs/capability.c, proofs/hostile.c or nested/nested.c.
 *
 * PROOF(id, row, group, vcpus, image, setup, check)
 *   id     its name for --only and in the JSON
 *   row    the matrix row (reports/: guest_kind_id) it decides, or NULL
 *   group  CAPABILITY: runs by default and decides its row; PART: runs with them and is reported
 *          as a part of its row's proof; HOSTILE: runs only when --only names it, and must end
 *          as failed within its limits
 *   vcpus  how many vCPUs run the image, each on its own thread
 *   image  ANY(guest, MODE), or BY_VENDOR(guest, MODE, guest, MODE) for SVM and VMX: the guest
 *          and the CPU mode hv-mini starts it in (enum hv_mode without HV_MODE_)
 *   setup  what the host plants before the run (proof_no_setup: nothing)
 *   check  judges the run: what the guest reported and the vCPU state afterwards
 */
PROOF("real16", "real16", CAPABILITY, 1, ANY(real16, REAL16), setup_real16, check_real16)
PROOF("prot32", "prot32", CAPABILITY, 1, ANY(prot32, PROT32), setup_prot32, check_prot32)
PROOF("pae32", "pae32", CAPABILITY, 1, ANY(pae32, PAE32), setup_pae32, check_pae32)
PROOF("long64", "long64", CAPABILITY, 1, ANY(long64, LONG64), setup_long64, check_long64)
PROOF("boot", "boot", CAPABILITY, 1, ANY(boot, REAL16), proof_no_setup, check_boot)
PROOF("smp", "smp", CAPABILITY, 2, ANY(smp, PROT32), proof_no_setup, check_smp)
PROOF("irq", "irq", CAPABILITY, 1, ANY(irq, PROT32), proof_no_setup, check_irq)
PROOF("hypercall", "hypercall", CAPABILITY, 1, ANY(hypercall, PROT32), setup_hypercall,
      check_hypercall)
PROOF("pio", "pio", CAPABILITY, 1, ANY(pio, PROT32), proof_no_setup, check_pio)
PROOF("mmio", "mmio", CAPABILITY, 1, ANY(mmio, PROT32), proof_no_setup, check_mmio)
PROOF("disk", "disk", CAPABILITY, 1, ANY(disk, PROT32), setup_disk, check_disk)
PROOF("nested", "nested", CAPABILITY, 1,
      BY_VENDOR(nested_svm, PROT32_PAGED, nested_vmx, LONG64), proof_no_setup, check_nested)
PROOF("nested_tdp", "nested", PART, 1,
      BY_VENDOR(nested_svm_tdp, PROT32_PAGED, nested_vmx_tdp, LONG64), setup_nested_tdp,
      check_nested_tdp)
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
