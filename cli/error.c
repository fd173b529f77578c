// SPDX-License-Identifier: MIT
/*
 * Error messages on standard error, cleaned: they quote what the user gave (arguments, paths,
 * file names) and what files said, and none of it may reach the terminal as an escape sequence
 * or forge a line of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "reports/text.h"

void cli_error(const char *fmt, ...)
{
	char msg[4096];
	size_t n = strlen(fmt);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n && fmt[n - 1] == '\n') {	/* the format's own line end is kept, no other */
		size_t m = strlen(msg);

		if (m && msg[m - 1] == '\n')
			msg[m - 1] = '\0';
	}
	fputs(text_clean(msg), stderr);
	if (n && fmt[n - 1] == '\n')
		fputc('\n', stderr);
}
