// SPDX-License-Identifier: MIT
/* Words of the kernel command line (probe/probe.h) */
#include <string.h>

#include "probe/probe.h"

const char *cmdline_word(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	bool prefix = n && word[n - 1] == '=';	/* "intremap=" matches "intremap=off" */

	for (const char *at = cmdline ? strstr(cmdline, word) : NULL; at; at = strstr(at + 1, word))
		if ((at == cmdline || at[-1] == ' ') &&
		    (prefix || at[n] == ' ' || at[n] == '\0'))
			return at;
	return NULL;
}
