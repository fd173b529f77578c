// SPDX-License-Identifier: MIT
/*
 * What the stack proof's parts share (qemu/stack_run.h): saying a finding, the guest's console
 * read as data, the run's deadline, progress.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu/stack_run.h"
#include "reports/text.h"
#include "util/clock.h"

void stack_say(struct stack_run *r, char **field, const char *fmt, ...)
{
	char text[STACK_SAY_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (report_str_set(field, text) && !r->rc)
		r->rc = -ENOMEM;
}

void stack_device_v(struct stack_run *r, enum stack_device d, enum proof_status status,
		    const char *fmt, va_list ap)
{
	char text[STACK_SAY_MAX + 1];

	vsnprintf(text, sizeof(text), fmt, ap);
	r->s->device[d].status = status;
	if (report_str_set(&r->s->device[d].detail, text) && !r->rc)
		r->rc = -ENOMEM;
}

void stack_device(struct stack_run *r, enum stack_device d, enum proof_status status,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stack_device_v(r, d, status, fmt, ap);
	va_end(ap);
}

int stack_within(const struct stack_run *r, int want)
{
	long long left = (r->deadline_ms - clock_ms()) / 1000;

	return left < 1 ? 1 : left < want ? (int)left : want;
}

void stack_progress(const char *fmt, ...)
{
	va_list ap;

	if (!isatty(STDERR_FILENO))
		return;
	fputs("\rvirtcap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\033[K", stderr);
}

size_t stack_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t n = 0;

	if (fd >= 0) {
		ssize_t got;

		while (n + 1 < len && (got = read(fd, buf + n, len - 1 - n)) > 0)
			n += (size_t)got;
		close(fd);
	}
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	if (len)
		buf[n] = '\0';
	return fd < 0 ? 0 : n;
}

void stack_one_line(const char *path, char *out, size_t len)
{
	char text[2048];

	stack_read(path, text, sizeof(text));
	text_first_lines(text, out, len);
}

bool stack_init_uptime(const char *console, char *out, size_t len)
{
	for (const char *at = console; at && (at = strstr(at, INIT_MARKER)); at++) {
		const char *v = at + strlen(INIT_MARKER);
		size_t n = strspn(v, "0123456789.");

		if (n && n < len && (v[n] == '\r' || v[n] == '\n')) {
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

void stack_last_line(const char *console, const char *skip, char *out, size_t len)
{
	const char *end = console ? console + strlen(console) : NULL;

	snprintf(out, len, "none");
	while (end && end > console) {
		const char *start = end;

		while (start > console && start[-1] != '\n')
			start--;

		char line[512];
		size_t n = 0;

		for (const char *c = start; c < end && n + 1 < sizeof(line); c++) {
			if (*c == '\033') {	/* an escape sequence: to its final byte */
				if (c + 1 < end && c[1] == '[')
					for (c += 2; c < end && !(*c >= '@' && *c <= '~'); c++)
						;
				else
					c++;
				continue;
			}
			if (*c != '\r' && *c != '\n')
				line[n++] = *c;
		}
		line[n] = '\0';
		text_clean(line);
		end = start > console ? start - 1 : console;
		if (!line[strspn(line, " ")] || (skip && strstr(line, skip)))
			continue;
		snprintf(out, len, "%s", line + strspn(line, " "));
		return;
	}
}
