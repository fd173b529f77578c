// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"

static int planned = -1, count, failed;
static bool lazy;

void tap_plan(int n)
{
	planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void tap_plan_lazy(void)
{
	lazy = true;
}

void tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(0);
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(255);
}

static bool vok(bool pass, const char *fmt, va_list ap)
{
	count++;
	if (!pass)
		failed++;
	printf("%sok %d - ", pass ? "" : "not ", count);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	return pass;
}

bool ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vok(pass, fmt, ap);
	va_end(ap);
	return pass;
}

bool is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, fmt);
	vok(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %lld\n  wanted: %lld", got, want);
	return pass;
}

bool is_string(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool pass = (got && want) ? strcmp(got, want) == 0 : got == want;

	va_start(ap, fmt);
	vok(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: '%s'\n  wanted: '%s'", got ? got : "(null)", want ? want : "(null)");
	return pass;
}

void tap_skip(const char *fmt, ...)
{
	va_list ap;

	count++;
	printf("ok %d # SKIP ", count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void diag(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		printf("# %s\n", line);
	fflush(stdout);
}

int tap_done(void)
{
	if (lazy)
		printf("1..%d\n", count);
	else if (planned >= 0 && planned != count)
		diag("planned %d tests but ran %d", planned, count);
	return failed || (!lazy && planned != count) ? 1 : 0;
}
