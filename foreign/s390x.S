/* SPDX-License-Identifier: MIT */
/* prove --foreign's program for s390x Linux (foreign/README.md says what it does and why).
 * At entry r15 points at argc, then argv[]; a system call is svc with its number, arguments
 * from r2, and the ABI's 160-byte save area stays below the output. Big-endian. */
	.text
	.global	_start
_start:
	lg	%r2, 0(%r15)		/* argc */
	cghi	%r2, 2
	jl	fail
	lg	%r3, 16(%r15)		/* argv[1] */
	lghi	%r4, 0
1:	llgc	%r5, 0(%r4,%r3)		/* its length, at most 64 bytes */
	cghi	%r5, 0
	je	2f
	aghi	%r4, 1
	cghi	%r4, 64
	jh	fail
	j	1b
2:	aghi	%r15, -256		/* the output, on the stack */
	la	%r6, 160(%r15)
	lghi	%r7, 0
3:	cgr	%r7, %r4		/* out[i] = arg[len - 1 - i] */
	je	4f
	lgr	%r8, %r4
	sgr	%r8, %r7
	aghi	%r8, -1
	llgc	%r5, 0(%r8,%r3)
	stc	%r5, 0(%r7,%r6)
	aghi	%r7, 1
	j	3b
4:	lghi	%r5, 10			/* and a newline */
	stc	%r5, 0(%r4,%r6)
	aghi	%r4, 1
	lghi	%r2, 1			/* write(1, out, len + 1) */
	lgr	%r3, %r6
	svc	4
	lghi	%r2, 0			/* exit(0) */
	svc	1
fail:	lghi	%r2, 2			/* exit(2) */
	svc	1
