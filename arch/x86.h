/* SPDX-License-Identifier: MIT */
/*
 * x86 architecture names, defined once for every part of virtcap that needs them: the probe
 * (MSRs it reads), hv-mini (control registers it sets up), the nested L1 guests (VMCS fields,
 * VMCB offsets) and tools/vmx-bare. Plain #defines and unsuffixed hex, so that C and the
 * assembler (through the C preprocessor) read the same file.
 *
 * Sources: Intel SDM vol. 3 (chapters 2, 24-28 and appendices A-C), AMD APM vol. 2
 * (chapter 15 and appendix B).
 */
#ifndef VIRTCAP_ARCH_X86_H
#define VIRTCAP_ARCH_X86_H

/* --- control registers and EFER (SDM 2.5, APM 3.1) --- */
#define X86_CR0_PE 0x1
#define X86_CR0_ET 0x10
#define X86_CR0_NW 0x20000000	/* not write-through: set, with CD, at reset */
#define X86_CR0_CD 0x40000000	/* cache disable */
#define X86_CR0_PG 0x80000000
#define X86_CR4_PSE 0x10
#define X86_CR4_PAE 0x20
#define X86_CR4_VMXE 0x2000
#define X86_EFER_LME 0x100
#define X86_EFER_LMA 0x400
#define X86_EFER_SVME 0x1000
#define X86_EFER_LMA_BIT 10

/* --- MSRs --- */
#define MSR_IA32_FEATURE_CONTROL 0x3A	/* SDM 23.7 */
#define FEATURE_CONTROL_LOCKED 0x1
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX 0x4
#define FEATURE_CONTROL_SGX 0x40000		/* bit 18: SGX enabled by firmware */
#define MSR_IA32_VMX_BASIC 0x480	/* SDM appendix A */
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48B
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48C
#define MSR_IA32_VMX_TRUE_OFFSET 0xC	/* each of the four control MSRs' TRUE_ twin */
#define VMX_BASIC_REVISION_MASK 0x7FFFFFFF
#define VMX_BASIC_TRUE_CTLS_BIT 55
#define VMX_EPT_CAP_WALK4 0x40		/* IA32_VMX_EPT_VPID_CAP bit 6: 4-level walks */
#define VMX_EPT_CAP_WB 0x4000		/* bit 14: write-back paging structures */
#define MSR_EFER 0xC0000080
#define MSR_AMD_SYSCFG 0xC0010010	/* APM 15.34 */
#define SYSCFG_MEM_ENCRYPT 0x800000	/* bit 23: MemEncryptionModEn */
#define SYSCFG_SNP_EN 0x1000000		/* bit 24: SNPEn */
#define MSR_AMD_VM_CR 0xC0010114	/* APM 15.30.1 */
#define VM_CR_LOCK 0x8			/* bit 3: SVMDIS stays as it is */
#define VM_CR_SVMDIS 0x10		/* bit 4: EFER.SVME writes fault */
#define MSR_AMD_VM_HSAVE_PA 0xC0010117

/* --- VMX controls (SDM 24.6-24.8) --- */
#define VMX_PROC_HLT_EXITING 0x80
#define VMX_PROC_SECONDARY 0x80000000
#define VMX_PROC2_EPT_BIT 1
#define VMX_PROC2_VPID_BIT 5
#define VMX_PROC2_UNRESTRICTED_BIT 7
#define VMX_PROC2_EPT (1 << VMX_PROC2_EPT_BIT)
#define VMX_PROC2_UNRESTRICTED (1 << VMX_PROC2_UNRESTRICTED_BIT)
#define VMX_EXIT_HOST_64 0x200
#define VMX_ENTRY_IA32E 0x200
#define VMX_ENTRY_IA32E_BIT 9

/* --- VMCS field encodings (SDM appendix B) --- */
#define VMCS_EPT_POINTER 0x201A
#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_DEBUGCTL 0x2802
#define VMCS_PIN_CONTROLS 0x4000
#define VMCS_PROC_CONTROLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_PF_ERROR_MASK 0x4006
#define VMCS_PF_ERROR_MATCH 0x4008
#define VMCS_CR3_TARGET_COUNT 0x400A
#define VMCS_EXIT_CONTROLS 0x400C
#define VMCS_EXIT_MSR_STORE_COUNT 0x400E
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CONTROLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_PROC2_CONTROLS 0x401E
#define VMCS_VM_INSTRUCTION_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INSTRUCTION_LEN 0x440C
#define VMCS_GUEST_ES_SELECTOR 0x0800	/* ES CS SS DS FS GS LDTR TR, 2 apart */
#define VMCS_GUEST_ES_LIMIT 0x4800
#define VMCS_GUEST_ES_AR 0x4814
#define VMCS_GUEST_CS_AR 0x4816
#define VMCS_GUEST_GDTR_LIMIT 0x4810
#define VMCS_GUEST_IDTR_LIMIT 0x4812
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY 0x4826
#define VMCS_GUEST_SYSENTER_CS 0x482A
#define VMCS_CR0_GUEST_HOST_MASK 0x6000
#define VMCS_CR4_GUEST_HOST_MASK 0x6002
#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806
#define VMCS_GUEST_GDTR_BASE 0x6816
#define VMCS_GUEST_IDTR_BASE 0x6818
#define VMCS_GUEST_DR7 0x681A
#define VMCS_GUEST_RSP 0x681C
#define VMCS_GUEST_RIP 0x681E
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_ES_SELECTOR 0x0C00	/* ES CS SS DS FS GS TR, 2 apart */
#define VMCS_HOST_SYSENTER_CS 0x4C00
#define VMCS_HOST_CR0 0x6C00
#define VMCS_HOST_CR3 0x6C02
#define VMCS_HOST_CR4 0x6C04
#define VMCS_HOST_FS_BASE 0x6C06
#define VMCS_HOST_GS_BASE 0x6C08
#define VMCS_HOST_TR_BASE 0x6C0A
#define VMCS_HOST_GDTR_BASE 0x6C0C
#define VMCS_HOST_IDTR_BASE 0x6C0E
#define VMCS_HOST_SYSENTER_ESP 0x6C10
#define VMCS_HOST_SYSENTER_EIP 0x6C12
#define VMCS_HOST_RSP 0x6C14
#define VMCS_HOST_RIP 0x6C16
#define VMCS_AR_UNUSABLE 0x10000
#define VMCS_AR_L 0x2000		/* CS access rights: 64-bit code */

/* --- VMX basic exit reasons (SDM appendix C) --- */
#define VMX_EXIT_EXCEPTION 0
#define VMX_EXIT_TRIPLE_FAULT 2
#define VMX_EXIT_CPUID 10
#define VMX_EXIT_HLT 12
#define VMX_EXIT_VMCALL 18
#define VMX_EXIT_CR_ACCESS 28
#define VMX_EXIT_IO 30
#define VMX_EXIT_RDMSR 31
#define VMX_EXIT_INVALID_GUEST_STATE 33
#define VMX_EXIT_MSR_LOADING 34
#define VMX_EXIT_EPT_VIOLATION 48
#define VMX_EXIT_EPT_MISCONFIG 49
#define VMX_EXIT_ENTRY_FAILED 0x80000000

/* --- SVM VMCB (APM appendix B): offsets in the control area, then the state save area --- */
#define VMCB_INTERCEPT_MISC1 0x0C	/* bit 18 CPUID, bit 24 HLT */
#define VMCB_INTERCEPT_MISC2 0x10	/* bit 0 VMRUN, bit 1 VMMCALL */
#define VMCB_INTERCEPT_CPUID 0x40000
#define VMCB_INTERCEPT_HLT 0x1000000
#define VMCB_INTERCEPT_VMRUN 0x1
#define VMCB_INTERCEPT_VMMCALL 0x2
#define VMCB_GUEST_ASID 0x58
#define VMCB_EXITCODE 0x70
#define VMCB_NP_ENABLE 0x90
#define VMCB_N_CR3 0xB0
#define VMCB_SAVE 0x400			/* segments: selector +0, attributes +2, limit +4, base +8 */
#define VMCB_ES 0x400
#define VMCB_CS 0x410
#define VMCB_SS 0x420
#define VMCB_DS 0x430
#define VMCB_GDTR_LIMIT 0x464
#define VMCB_IDTR_LIMIT 0x484
#define VMCB_EFER 0x4D0
#define VMCB_CR4 0x548
#define VMCB_CR3 0x550
#define VMCB_CR0 0x558
#define VMCB_RFLAGS 0x570
#define VMCB_RIP 0x578
#define VMCB_RSP 0x5D8
#define VMCB_RAX 0x5F8
#define VMCB_G_PAT 0x668
#define VMCB_CS_ATTR_L 0x200		/* packed attributes: 64-bit code */
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_VMMCALL 0x81

/* --- CPUID bits the guests test themselves --- */
#define CPUID_1_ECX_VMX_BIT 5
#define CPUID_80000001_ECX_SVM 0x4
#define CPUID_8000000A_EDX_NPT 0x1

#endif
