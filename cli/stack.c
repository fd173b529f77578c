// SPDX-License-Identifier: MIT
/*
 * `virtcap prove --stack qemu`: scripts/stack.sh boots a real Linux guest with the QEMU
 * installed here, under KVM and under TCG, and prints what it found as key=value lines; this
 * reads them into the report's stacks section.
 *
 * The script's output carries QEMU's messages and the guest's console, so it is read like any
 * input: known keys only, values cleaned (the report's strings are) and bounded, at most
 * STACK_OUTPUT_MAX bytes. The run has a deadline; a script still running then is killed with
 * its children (its own process group) and the report says what did not finish.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/signal_cleanup.h"
#include "reports/report.h"

#define STACK_OUTPUT_MAX 16384
#define STACK_DEADLINE_S 900	/* a first run fetches the guest kernel; two boots after it */
#define STACK_BOOT_MS_MAX 10000000LL

static const char not_reached[] = "not tried: stack.sh did not get to the devices";

static enum verdict verdict_of(const char *v)
{
	return !strcmp(v, "yes") ? VERDICT_YES : !strcmp(v, "no") ? VERDICT_NO : VERDICT_UNKNOWN;
}

/* "dev.NAME.status" or "dev.NAME.detail" (after "dev."): a device of the stack */
static int take_device(struct report_stack *s, const char *key, const char *value)
{
	for (int d = 0; d < STACK_DEVICE_COUNT; d++) {
		const char *name = stack_device_name((enum stack_device)d);
		size_t n = strlen(name);

		if (strncmp(key, name, n) || key[n] != '.')
			continue;
		if (!strcmp(key + n + 1, "detail"))
			return report_str_set(&s->device[d].detail, value);
		if (!strcmp(key + n + 1, "status"))
			s->device[d].status = !strcmp(value, "proven") ? PROOF_PROVEN
					    : !strcmp(value, "failed") ? PROOF_FAILED : PROOF_NOT_RUN;
	}
	return 0;
}

/* One "key=value" line of the script; lines with keys it does not know are ignored */
static int take_line(struct report_stack *s, char *line)
{
	char *eq = strchr(line, '=');

	if (!eq)
		return 0;
	*eq = '\0';

	const char *key = line, *value = eq + 1;

	if (!strcmp(key, "installed"))
		s->installed = !strcmp(value, "1") ? 1 : !strcmp(value, "0") ? 0 : -1;
	else if (!strcmp(key, "package"))
		return report_str_set(&s->package, value);
	else if (!strcmp(key, "version"))
		return report_str_set(&s->version, value);
	else if (!strcmp(key, "kernel"))
		return report_str_set(&s->kernel, value);
	else if (!strcmp(key, "kernel_source"))
		return report_str_set(&s->kernel_source, value);
	else if (!strcmp(key, "uri"))
		return report_str_set(&s->uri, value);
	else if (!strcmp(key, "system"))
		return report_str_set(&s->system_connection, value);
	else if (!strcmp(key, "devices.accel"))
		for (int a = 0; a < STACK_ACCEL_COUNT; a++)
			if (!strcmp(value, stack_accel_name((enum stack_accel)a))) {
				s->devices_accel = (enum stack_accel)a;
				s->devices_ran = true;
			}
	if (!strncmp(key, "dev.", 4))
		return take_device(s, key + 4, value);
	for (int a = 0; a < STACK_ACCEL_COUNT; a++) {
		const char *name = stack_accel_name((enum stack_accel)a);
		size_t n = strlen(name);

		if (strncmp(key, name, n) || key[n] != '.')
			continue;
		if (!strcmp(key + n + 1, "verdict")) {
			s->accel[a].verdict = verdict_of(value);
		} else if (!strcmp(key + n + 1, "boot_ms")) {
			char *end;
			long long ms = strtoll(value, &end, 10);

			if (*end == '\0' && ms >= 0 && ms <= STACK_BOOT_MS_MAX)
				s->accel[a].boot_ms = ms;
		} else if (!strcmp(key + n + 1, "reason")) {
			return report_str_set(&s->accel[a].reason, value);
		} else if (!strcmp(key + n + 1, "fix")) {
			return report_str_set(&s->accel[a].fix, value);
		}
	}
	return 0;
}

/* Run the script into out (NUL-terminated, bounded); its exit status, or -1 past the deadline */
static int run_script(const char *path, const char *name, char *out, size_t len)
{
	int fds[2];
	size_t used = 0;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0)
		return -2;
	if (pid == 0) {
		setpgid(0, 0);	/* QEMU and the rest are killed with it */
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		/* the tests' shorter (or the lab's longer) waits; stack.sh checks the numbers */
		const char *kvm_wait = getenv("VIRTCAP_STACK_KVM_TIMEOUT");
		const char *tcg_wait = getenv("VIRTCAP_STACK_TCG_TIMEOUT");
		const char *argv[8] = { "sh", path, name };
		int n = 3;

		if (kvm_wait) {
			argv[n++] = "--kvm-timeout";
			argv[n++] = kvm_wait;
		}
		if (tcg_wait) {
			argv[n++] = "--tcg-timeout";
			argv[n++] = tcg_wait;
		}
		execv("/bin/sh", (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	signal_cleanup_add_group(pid);	/* Ctrl-C reaches only our group: pass it on */
	close(fds[1]);

	time_t end = time(NULL) + STACK_DEADLINE_S;
	bool late = false;

	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int left = (int)(end - time(NULL));

		if (left <= 0) {
			late = true;
			break;
		}
		if (poll(&p, 1, left * 1000) <= 0)
			continue;

		char buf[4096];
		ssize_t n = read(fds[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		if (used + 1 < len) {
			size_t take = (size_t)n < len - 1 - used ? (size_t)n : len - 1 - used;

			memcpy(out + used, buf, take);
			used += take;
		}
	}
	out[used] = '\0';
	close(fds[0]);
	if (late) {	/* SIGTERM lets the script stop QEMU and remove its files; then no mercy */
		kill(-pid, SIGTERM);
		for (int i = 0; i < 50 && waitpid(pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		kill(-pid, SIGKILL);
	}

	int status = 0;

	waitpid(pid, &status, 0);
	signal_cleanup_forget_group();
	if (late)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cli_run_stack(struct report *r, const char *name, bool live)
{
	struct report_stack *s = report_stack_add(r, name);
	char path[4200], why[160];
	int rc = 0;

	if (!s)
		return -ENOMEM;
	for (int d = 0; d < STACK_DEVICE_COUNT; d++)
		if (report_str_set(&s->device[d].detail, not_reached))
			return -ENOMEM;
	if (!live)
		return report_str_set(&s->unfinished, "not run: the report describes another host "
				      "(a captured root or --cpuid-dump)");
	if (cli_script_path("stack.sh", path, sizeof(path)))
		return report_str_set(&s->unfinished, "not run: stack.sh is not beside the program "
				      "nor installed");

	char *out = malloc(STACK_OUTPUT_MAX);

	if (!out)
		return -ENOMEM;

	int status = run_script(path, name, out, STACK_OUTPUT_MAX);

	for (char *line = strtok(out, "\n"); line && !rc; line = strtok(NULL, "\n"))
		rc = take_line(s, line);
	free(out);
	if (!rc)
		rc = report_stack_decide_os(r, s);
	if (rc)
		return rc;
	if (status == -1)
		snprintf(why, sizeof(why), "stack.sh did not finish within %d s and was stopped; "
			 "what it found before is above", STACK_DEADLINE_S);
	else if (status != 0)
		snprintf(why, sizeof(why), "stack.sh could not run the stack (exit %d; it said why "
			 "on standard error)", status);
	else
		return 0;
	return report_str_set(&s->unfinished, why);
}
