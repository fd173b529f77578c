/*
 * The workload of tcg-slowdown.sh, as a boot sector: LOOPS rounds of four register-only
 * instructions, then a write to QEMU's isa-debug-exit port ends the machine. native.c runs
 * the same instructions on the host.
 */
	.code16
	.global _start
_start:
	cli
	mov $LOOPS, %ecx
1:	add %ecx, %eax
	xor %eax, %ebx
	rol $3, %ebx
	dec %ecx
	jnz 1b
	mov $0xf4, %dx
	mov $0, %al
	out %al, %dx
	hlt
	. = _start + 510
	.byte 0x55, 0xaa
