/* SPDX-License-Identifier: MIT */
/*
 * Paravirtual hypercalls (the kernel's Documentation/virt/kvm/x86/hypercalls.rst): number in
 * EAX, result in EAX. KVM_HC_VAPIC_POLL_IRQ (1) answers 0; an unknown number answers
 * -KVM_ENOSYS (-1000). A CPU that did not trap the instruction would leave EAX as it was.
 * VMCALL on Intel, VMMCALL on AMD: the host puts 1 at HV_GPA_DATA on AMD.
 * Reports EBX = the answer to the unknown call, ECX = the answer to call 1.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov $1, %eax
	call hypercall
	mov %eax, %esi
	mov $0x7654, %eax
	call hypercall
	mov %eax, %ebx
	mov %esi, %ecx
	UCALL(HV_UCALL_DONE)
	hlt

hypercall:
#ifdef LIE_NO_CALL	/* KVM's answers given by the guest itself, no hypercall made */
	cmp $1, %eax
	mov $0, %eax
	je 2f
	mov $0xFFFFFC18, %eax	/* -KVM_ENOSYS */
2:	ret
#endif
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	cmpl $0, HV_GPA_DATA
	jne 1f
	vmcall
	ret
1:	vmmcall
	ret
