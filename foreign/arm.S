/* SPDX-License-Identifier: MIT */
/* prove --foreign's program for 32-bit ARM Linux, EABI (foreign/README.md says what and why) */
	.text
	.arm
	.global	_start
_start:
	ldr	r0, [sp]		/* argc */
	cmp	r0, #2
	blt	fail
	ldr	r1, [sp, #8]		/* argv[1] */
	mov	r2, #0
1:	ldrb	r3, [r1, r2]		/* its length, at most 64 bytes */
	cmp	r3, #0
	beq	2f
	add	r2, r2, #1
	cmp	r2, #64
	bgt	fail
	b	1b
2:	sub	sp, sp, #80		/* the output, on the stack */
	mov	r4, sp
	mov	r5, #0
3:	cmp	r5, r2			/* out[i] = arg[len - 1 - i] */
	beq	4f
	sub	r6, r2, r5
	sub	r6, r6, #1
	ldrb	r3, [r1, r6]
	strb	r3, [r4, r5]
	add	r5, r5, #1
	b	3b
4:	mov	r3, #10			/* and a newline */
	strb	r3, [r4, r2]
	add	r2, r2, #1
	mov	r0, #1			/* write(1, out, len + 1) */
	mov	r1, r4
	mov	r7, #4
	svc	#0
	mov	r0, #0			/* exit(0) */
	mov	r7, #1
	svc	#0
fail:	mov	r0, #2			/* exit(2) */
	mov	r7, #1
	svc	#0

