// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "util/nonce.h"

void nonce_hex(char out[17])
{
	unsigned char raw[8];

	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
		memset(raw, 0x5a, sizeof(raw));	/* never: the kernel's pool is long ready */
	for (size_t i = 0; i < sizeof(raw); i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
}
