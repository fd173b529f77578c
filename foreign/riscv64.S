/* SPDX-License-Identifier: MIT */
/* prove --foreign's program for riscv64 Linux (foreign/README.md says what it does and why) */
	.text
	.global	_start
_start:
	ld	a0, 0(sp)		/* argc */
	li	t0, 2
	blt	a0, t0, fail
	ld	a1, 16(sp)		/* argv[1] */
	li	a2, 0
	li	t1, 64
1:	add	t2, a1, a2		/* its length, at most 64 bytes */
	lbu	t3, 0(t2)
	beqz	t3, 2f
	addi	a2, a2, 1
	bgt	a2, t1, fail
	j	1b
2:	addi	sp, sp, -80		/* the output, on the stack */
	mv	a4, sp
	li	a5, 0
3:	beq	a5, a2, 4f		/* out[i] = arg[len - 1 - i] */
	sub	t2, a2, a5
	addi	t2, t2, -1
	add	t2, a1, t2
	lbu	t3, 0(t2)
	add	t4, a4, a5
	sb	t3, 0(t4)
	addi	a5, a5, 1
	j	3b
4:	li	t3, 10			/* and a newline */
	add	t4, a4, a2
	sb	t3, 0(t4)
	addi	a2, a2, 1
	li	a0, 1			/* write(1, out, len + 1) */
	mv	a1, a4
	li	a7, 64
	ecall
	li	a0, 0			/* exit(0) */
	li	a7, 93
	ecall
fail:	li	a0, 2			/* exit(2) */
	li	a7, 93
	ecall

