// SPDX-License-Identifier: MIT
/* The loop of loop.S on the host CPU: prints the seconds it took for argv[1] rounds. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	unsigned eax = 0, ebx = 0, ecx = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	__asm__ volatile("1: add %%ecx, %%eax\n xor %%eax, %%ebx\n rol $3, %%ebx\n"
			 " dec %%ecx\n jnz 1b" : "+a"(eax), "+b"(ebx), "+c"(ecx));
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.6f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
