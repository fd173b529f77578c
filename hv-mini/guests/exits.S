/* SPDX-License-Identifier: MIT */
/*
 * The exit benchmark's guest: repeats one kind of exit COUNT times, then reports DONE.
 * The host writes the kind at HV_GPA_DATA (1 port I/O, 2 MMIO, 3 hypercall, 4 HLT), the count
 * at +4 and 1 at +8 on AMD (VMMCALL instead of VMCALL). Interrupts stay off, so each HLT exits
 * to user space and the next entry resumes after it.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov HV_GPA_DATA + 4, %ecx
	mov HV_GPA_DATA, %eax
	cmp $1, %eax
	je pio
	cmp $2, %eax
	je mmio
	cmp $3, %eax
	je hypercall
	cmp $4, %eax
	je halt
	jmp done
pio:	mov $HV_BENCH_PORT, %dx
1:	out %eax, %dx
	loop 1b
	jmp done
mmio:	movl $1, HV_BENCH_MMIO
	loop mmio
	jmp done
hypercall:
	mov %ecx, %esi
	cmpl $0, HV_GPA_DATA + 8
	jne 2f
1:	mov $1, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	vmcall
	dec %esi
	jnz 1b
	jmp done
2:	mov $1, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	vmmcall
	dec %esi
	jnz 2b
	jmp done
halt:	hlt
	loop halt
done:	xor %ebx, %ebx
	UCALL(HV_UCALL_DONE)
	hlt
