/* SPDX-License-Identifier: MIT */
/* prove --foreign's program for ppc64le Linux (foreign/README.md says what it does and why).
 * At entry r1 points at argc, then argv[]; a system call is sc with its number in r0. */
	.abiversion 2
	.text
	.global	_start
_start:
	ld	3, 0(1)			/* argc */
	cmpdi	3, 2
	blt	fail
	ld	4, 16(1)		/* argv[1] */
	li	5, 0
1:	lbzx	6, 4, 5			/* its length, at most 64 bytes */
	cmpdi	6, 0
	beq	2f
	addi	5, 5, 1
	cmpdi	5, 64
	bgt	fail
	b	1b
2:	stdu	1, -112(1)		/* the output, on the stack */
	addi	7, 1, 32
	li	8, 0
3:	cmpd	8, 5			/* out[i] = arg[len - 1 - i] */
	beq	4f
	subf	9, 8, 5
	addi	9, 9, -1
	lbzx	10, 4, 9
	stbx	10, 7, 8
	addi	8, 8, 1
	b	3b
4:	li	10, 10			/* and a newline */
	stbx	10, 7, 5
	addi	5, 5, 1
	li	3, 1			/* write(1, out, len + 1) */
	mr	4, 7
	li	0, 4
	sc
	li	3, 0			/* exit(0) */
	li	0, 1
	sc
fail:	li	3, 2			/* exit(2) */
	li	0, 1
	sc
