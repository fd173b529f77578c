// SPDX-License-Identifier: MIT
/*
 * prove --foreign: a program of another architecture (foreign/ARCH.S) run through binfmt_misc,
 * as a container image of that architecture runs its programs here. The program prints its
 * argument reversed; the argument is a fresh nonce, so an interpreter that only echoes, or a
 * registration that starts some other program, fails. The program is written to a memfd (no
 * file, so a noexec /tmp does not matter) and executed through /proc/self/fd, which binfmt_misc
 * hands to the interpreter as a path, or as an open file with its O flag. Each run is bounded
 * (util/run.c: its own process group, killed at the deadline or when virtcap is).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "foreign/arches.h"
#include "foreign/run.h"
#include "reports/report.h"
#include "reports/text.h"
#include "util/clock.h"
#include "util/nonce.h"
#include "util/run.h"

#define FOREIGN_RUN_MS 10000	/* qemu-user starts in milliseconds; an emulated host slower */

/* the names people use for each, to the one binfmt_misc and QEMU use */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{ "arm64", "aarch64" }, { "armhf", "arm" }, { "arm32", "arm" }, { "armv7", "arm" },
	{ "risc-v", "riscv64" }, { "ppc64el", "ppc64le" }, { "powerpc64le", "ppc64le" },
};

static const struct foreign_arch *arch_named(const char *name, size_t len)
{
	char word[32];

	if (len >= sizeof(word))
		return NULL;
	snprintf(word, sizeof(word), "%.*s", (int)len, name);
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(word, aliases[i].alias))
			snprintf(word, sizeof(word), "%s", aliases[i].name);
	for (size_t i = 0; i < FOREIGN_ARCH_COUNT; i++)
		if (foreign_arches[i].program && !strcasecmp(word, foreign_arches[i].name))
			return &foreign_arches[i];
	return NULL;
}

bool foreign_wanted(const char *names, const struct foreign_arch *a)
{
	for (const char *s = names; *s;) {
		size_t len = strcspn(s, ",");

		if ((len == 3 && !strncmp(s, "all", 3)) || arch_named(s, len) == a)
			return true;
		s += len + (s[len] == ',');
	}
	return false;
}

int foreign_check_names(const char *names, char *err, size_t errlen)
{
	for (const char *s = names; *s;) {
		size_t len = strcspn(s, ",");

		if (!len || (!(len == 3 && !strncmp(s, "all", 3)) && !arch_named(s, len))) {
			snprintf(err, errlen, "--foreign: no architecture named '%.*s' (known: "
				 "aarch64 or arm64, arm or armhf, riscv64, ppc64le or ppc64el, s390x, "
				 "all)",
				 (int)(len > 32 ? 32 : len), s);
			return -EINVAL;
		}
		s += len + (s[len] == ',');
	}
	return 0;
}

/* One run of a's program: 1 proven, 0 failed, the words why into said */
static int run_one(const struct foreign_arch *a, char *said, size_t len, long long *ms)
{
	char nonce[17], want[20], out[256] = "", err[256] = "", path[64];
	size_t size = (size_t)(a->program_end - a->program);
	/* not close-on-exec: an interpreter registered without O opens it by this path */
	int fd = memfd_create("virtcap-foreign", 0);

	if (fd < 0) {
		snprintf(said, len, "no memfd to run it from: %s", strerror(errno));
		return 0;
	}
	if (write(fd, a->program, size) != (ssize_t)size || fchmod(fd, 0500) < 0) {
		snprintf(said, len, "cannot write the program: %s", strerror(errno));
		close(fd);
		return 0;
	}
	nonce_hex(nonce);
	for (int i = 0; i < 16; i++)
		want[i] = nonce[15 - i];
	snprintf(want + 16, sizeof(want) - 16, "\n");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	const char *argv[] = { path, nonce, NULL };
	struct run_options o = { .timeout_ms = FOREIGN_RUN_MS, .out = out, .out_len = sizeof(out),
				 .err = err, .err_len = sizeof(err), .stdout_fd = -1 };
	long long start = clock_ms();
	int rc = run_program(argv, &o);

	*ms = clock_ms() - start;
	close(fd);
	if (rc == 0 && !strcmp(out, want)) {
		snprintf(said, len, "a static %s program ran through binfmt_misc in %lld ms and gave "
			 "its nonce back reversed", a->name, *ms);
		return 1;
	}
	if (rc == -ENOEXEC)
		snprintf(said, len, "the kernel cannot run it (Exec format error): no binfmt_misc "
			 "entry took it");
	else if (rc == -ETIMEDOUT)
		snprintf(said, len, "it did not end within %d ms and was killed", FOREIGN_RUN_MS);
	else if (rc < 0)
		snprintf(said, len, "it could not be started: %s", strerror(-rc));
	else {
		out[strcspn(out, "\n")] = '\0';	/* the first lines, as a terminal may show them */
		err[strcspn(err, "\n")] = '\0';
		snprintf(said, len, "its interpreter ran, but the program's answer is wrong "
			 "(exit %d, printed \"%.40s\", said \"%.80s\"): something other than the "
			 "%s program ran", rc, text_clean(out), text_clean(err), a->name);
	}
	return 0;
}

int foreign_prove(struct report *r, const char *names)
{
	int rc = 0;

	for (size_t i = 0; i < FOREIGN_ARCH_COUNT; i++) {
		const struct foreign_arch *a = &foreign_arches[i];
		char said[512];
		long long ms = 0;

		if (!a->program || !foreign_wanted(names, a))
			continue;

		int ok = run_one(a, said, sizeof(said), &ms);

		rc |= report_cap_bool(r, a->runs, ok == 1, "virtcap prove --foreign", "%s", said);
		const struct cap *reg = report_cap(r, a->registered);

		/* asked for, the registration's how is the fix now (its detail says it) */
		if (!ok && reg && reg->kind == CAP_STRING && !strcmp(reg->s, "none") && reg->detail)
			rc |= report_cap_fix(r, a->runs, "%s", strchr(reg->detail, ':') ?
					     strchr(reg->detail, ':') + 2 : reg->detail);
		else if (!ok)
			rc |= report_cap_fix(r, a->runs, "%s's interpreter did not run the program: "
					     "reinstall it (qemu-user-static), or see the entry under "
					     "/proc/sys/fs/binfmt_misc that %s names", a->name,
					     a->registered);
	}
	return rc ? -ENOMEM : 0;
}
