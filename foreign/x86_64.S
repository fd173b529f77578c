/* SPDX-License-Identifier: MIT */
/* prove --foreign's program for x86-64 Linux: the same as the others, booted on this host's own
 * architecture under TCG and KVM for comparison (foreign/README.md says what it does and why) */
	.text
	.global	_start
_start:
	mov	(%rsp), %rax		/* argc */
	cmp	$2, %rax
	jl	fail
	mov	16(%rsp), %rsi		/* argv[1] */
	xor	%edx, %edx
1:	movzbl	(%rsi,%rdx), %eax	/* its length, at most 64 bytes */
	test	%eax, %eax
	jz	2f
	inc	%rdx
	cmp	$64, %rdx
	jg	fail
	jmp	1b
2:	sub	$80, %rsp		/* the output, on the stack */
	mov	%rsp, %rdi
	xor	%ecx, %ecx
3:	cmp	%rdx, %rcx		/* out[i] = arg[len - 1 - i] */
	je	4f
	mov	%rdx, %r8
	sub	%rcx, %r8
	dec	%r8
	movzbl	(%rsi,%r8), %eax
	mov	%al, (%rdi,%rcx)
	inc	%rcx
	jmp	3b
4:	movb	$10, (%rdi,%rdx)	/* and a newline */
	inc	%rdx
	mov	%rdi, %rsi		/* write(1, out, len + 1) */
	mov	$1, %edi
	mov	$1, %eax
	syscall
	mov	$60, %eax		/* exit(0) */
	xor	%edi, %edi
	syscall
fail:	mov	$60, %eax		/* exit(2) */
	mov	$2, %edi
	syscall
