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

/* Edits from a to b (optimal string alignment: substitution, insertion, deletion, adjacent
 * swap), up to 32 characters each; larger is "far" */
static int edits(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), d[33][33];

	if (la > 32 || lb > 32)
		return 99;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *cli_suggest(const char *typed, const char *const *choices, size_t n)
{
	const char *best = NULL;
	int least = 3;

	for (size_t i = 0; i < n; i++) {
		int e = edits(typed, choices[i]);

		if (e < least && e < (int)strlen(choices[i])) {
			least = e;
			best = choices[i];
		}
	}
	return best;
}
