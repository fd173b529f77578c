/* SPDX-License-Identifier: MIT */
/* prove --foreign's program for aarch64 Linux (foreign/README.md says what it does and why) */
	.text
	.global	_start
_start:
	ldr	x0, [sp]		/* argc */
	cmp	x0, #2
	b.lt	fail
	ldr	x1, [sp, #16]		/* argv[1] */
	mov	x2, #0
1:	ldrb	w3, [x1, x2]		/* its length, at most 64 bytes */
	cbz	w3, 2f
	add	x2, x2, #1
	cmp	x2, #64
	b.gt	fail
	b	1b
2:	sub	sp, sp, #80		/* the output, on the stack */
	mov	x4, sp
	mov	x5, #0
3:	cmp	x5, x2			/* out[i] = arg[len - 1 - i] */
	b.eq	4f
	sub	x6, x2, x5
	sub	x6, x6, #1
	ldrb	w3, [x1, x6]
	strb	w3, [x4, x5]
	add	x5, x5, #1
	b	3b
4:	mov	w3, #10			/* and a newline */
	strb	w3, [x4, x2]
	add	x2, x2, #1
	mov	x0, #1			/* write(1, out, len + 1) */
	mov	x1, x4
	mov	x8, #64
	svc	#0
	mov	x0, #0			/* exit(0) */
	mov	x8, #93
	svc	#0
fail:	mov	x0, #2			/* exit(2) */
	mov	x8, #93
	svc	#0

