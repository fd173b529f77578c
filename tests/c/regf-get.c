// SPDX-License-Identifier: MIT
/*
 * disk/regf.c on a hive file, for t026 to compare with libhivex's hivexget: the REG_DWORD
 * VALUE of the key at KEYPATH ('\' between names) in decimal, "no key" or "no dword"; a hive
 * it refuses prints "broken: PROBLEM" and exits 1. With no VALUE: "values N".
 * Usage: regf-get HIVE KEYPATH [VALUE]
 */
#include <stdio.h>
#include <stdlib.h>

#include "disk/regf.h"

int main(int argc, char **argv)
{
	static unsigned char hive[64 << 20];
	struct regf h;
	const char *problem;
	size_t size;
	uint32_t key, dword;
	FILE *f;

	if ((argc != 3 && argc != 4) || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: regf-get HIVE KEYPATH [VALUE]\n");
		return 2;
	}
	size = fread(hive, 1, sizeof(hive), f);
	fclose(f);
	if (regf_open(&h, hive, size, &problem)) {
		printf("broken: %s\n", problem);
		return 1;
	}
	if ((key = regf_key(&h, h.root, argv[2])) == REGF_NONE)
		puts("no key");
	else if (argc == 3)
		printf("values %u\n", regf_value_count(&h, key));
	else if (regf_dword(&h, key, argv[3], &dword))
		printf("%u\n", dword);
	else
		puts("no dword");
	regf_close(&h);
	return 0;
}
