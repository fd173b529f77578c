// SPDX-License-Identifier: MIT
/*
 * prove --foreign's kernel boots: a real Linux kernel of another architecture (Debian's, pinned
 * and cached by the lab: lab.sh --kernel arm64 --fetch-only) booted under QEMU's emulation of
 * that CPU to its init, which is that architecture's program of foreign/ (README there): the
 * kernel hands init the words of its command line it does not know, so the nonce given there
 * comes back reversed on the serial console once userspace runs. boot_ms is from QEMU's start to
 * that line. This host's own kernel and program are booted the same way under TCG and under
 * KVM, so the numbers stand side by side: what an arm64 OS costs here against an x86 one.
 * Everything runs through the one QEMU driver (qemu/vm.c): a private work directory, a deadline,
 * its process group ended with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "foreign/arches.h"
#include "foreign/run.h"
#include "qemu/initramfs.h"
#include "qemu/lab_fetch.h"
#include "qemu/vm.h"
#include "reports/advice.h"
#include "reports/report.h"
#include "reports/text.h"
#include "util/nonce.h"
#include "util/run.h"

#define FOREIGN_BOOT_MS (120 * 1000)	/* arm64 reaches init in ~6 s here under TCG */
#define FOREIGN_POLL_MS 50

static void progress(const char *what, const char *doing)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rvirtcap: foreign %s: %s\033[K", what, doing);
}

/*
 * Boot b's kernel with program as init, accel "tcg" or "kvm": 1 when the nonce came back (its
 * time in *ms), 0 when not (why into said). kernel_name: the package booted, for the words.
 */
static int boot_one(const char *lab_sh, const struct foreign_boot *b, const unsigned char *program,
		    size_t size, const char *accel, long long *ms, char *said, size_t len)
{
	char root[4096], vmlinuz[4200], pattern[4200], dir[256], stamp[200] = "", why[1024];
	char nonce[17], want[20], append[160];
	struct initramfs ir;
	struct qemu_vm vm;
	int rc, found = 0;

	if (lab_fetch(lab_sh, b->lab_kernel, root, sizeof(root), why, sizeof(why))) {
		snprintf(said, len, "%s", why);
		return 0;
	}
	snprintf(pattern, sizeof(pattern), "%s/boot/vmlinu[xz]-*", root);	/* powerpc: vmlinux */
	if (!lab_first_match(pattern, vmlinuz, sizeof(vmlinuz))) {
		snprintf(said, len, "no kernel in the lab's cache (%.200s)", root);
		return 0;
	}
	snprintf(pattern, sizeof(pattern), "%s/.complete", root);
	int sfd = open(pattern, O_RDONLY | O_CLOEXEC);

	if (sfd >= 0) {
		ssize_t n = read(sfd, stamp, sizeof(stamp) - 1);

		stamp[n > 0 ? n : 0] = '\0';
		stamp[strcspn(stamp, " \n")] = '\0';	/* "PACKAGE VERSION": the package */
		close(sfd);
	}
	if ((rc = qemu_vm_workdir("virtcap-foreign", dir, sizeof(dir)))) {
		snprintf(said, len, "no work directory: %s", strerror(-rc));
		return 0;
	}
	snprintf(pattern, sizeof(pattern), "%s/initrd.gz", dir);
	if ((rc = initramfs_open(&ir, pattern)) == 0) {
		initramfs_dir(&ir, "dev");
		initramfs_chardev(&ir, "dev/console", 5, 1);	/* init's stdio */
		initramfs_data(&ir, "init", program, size, 0755);
		rc = initramfs_close(&ir);
	}
	if (rc) {
		snprintf(said, len, "cannot write its initramfs: %s", strerror(-rc));
		qemu_vm_workdir_remove(dir);
		return 0;
	}
	nonce_hex(nonce);
	for (int i = 0; i < 16; i++)
		want[i] = nonce[15 - i];
	want[16] = '\0';
	snprintf(append, sizeof(append), "console=%s panic=-1 quiet %s", b->console, nonce);

	const char *args[24];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(b->machine) / sizeof(b->machine[0]) && b->machine[i]; i++)
		args[n++] = b->machine[i];
	if (!strcmp(accel, "kvm")) {
		args[n++] = "-accel";
		args[n++] = "kvm";
		args[n++] = "-cpu";
		args[n++] = "host";
	} else {
		args[n++] = "-accel";
		args[n++] = "tcg";
	}
	const char *const tail[] = { "-m", "512", "-smp", "1", "-no-reboot", "-kernel", vmlinuz,
				     "-initrd", "initrd.gz", "-append", append, NULL };

	for (size_t i = 0; tail[i]; i++)
		args[n++] = tail[i];
	args[n] = NULL;

	struct qemu_vm_options o = { .program = b->qemu, .args = args, .pass_fd = -1,
				     .connect_ms = 10000 };

	rc = qemu_vm_start(&vm, dir, &o);
	if (rc) {
		char qemu_said[512] = "";

		if (rc != -ENOENT)
			qemu_vm_said(&vm, qemu_said, sizeof(qemu_said));
		snprintf(said, len, "%s did not start%s%s", b->qemu, qemu_said[0] ? ": " : "",
			 rc == -ENOENT ? " (not installed)" : qemu_said);
		qemu_vm_workdir_remove(dir);
		return 0;
	}
	while (!found && qemu_vm_ms(&vm) < FOREIGN_BOOT_MS) {
		char *console = qemu_vm_read(&vm, QEMU_VM_CONSOLE);
		int status;

		found = console && strstr(console, want);
		free(console);
		if (found) {
			*ms = qemu_vm_ms(&vm);
			break;
		}
		if (qemu_vm_ended(&vm, &status))
			break;
		usleep(FOREIGN_POLL_MS * 1000);
	}
	if (!found) {
		char *console = qemu_vm_read(&vm, QEMU_VM_CONSOLE), last[200] = "", qemu_said[512] = "";

		/* the console's last line: how far the kernel got */
		if (console) {
			char *end = console + strlen(console);

			while (end > console && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
				*--end = '\0';

			char *line = strrchr(console, '\n');

			snprintf(last, sizeof(last), "%.160s", line ? line + 1 : console);
			text_clean(last);
		}
		free(console);
		qemu_vm_said(&vm, qemu_said, sizeof(qemu_said));
		snprintf(said, len, "%s%s%s%s%s", qemu_vm_ms(&vm) >= FOREIGN_BOOT_MS ? "its init did not "
			 "answer within 120 s" : "QEMU ended before its init answered", last[0] ?
			 "; the console's last line: " : "; nothing on the console", last,
			 qemu_said[0] ? "; QEMU said: " : "", qemu_said);
	} else {
		snprintf(said, len, "Debian's %s reached its init under %s (%s) in %lld ms and gave "
			 "the nonce back reversed", stamp[0] ? stamp : "kernel", b->qemu,
			 !strcmp(accel, "kvm") ? "KVM" : "emulation, TCG", *ms);
	}
	qemu_vm_stop(&vm, NULL);
	qemu_vm_workdir_remove(dir);
	return found;
}

/*
 * VIRTCAP_FOREIGN_INIT=FILE: FILE is every booted kernel's init instead of virtcap's program, and
 * the findings say so: how t104 gives the check a liar (an init that answers wrongly) to fail.
 */
static const unsigned char *test_init(size_t *size)
{
	static unsigned char buf[1 << 20];
	const char *path = getenv("VIRTCAP_FOREIGN_INIT");
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;

	if (fd >= 0)
		close(fd);
	*size = n > 0 ? (size_t)n : 0;
	return n > 0 ? buf : NULL;
}

int foreign_boot(struct report *r, const char *names, const char *lab_sh, bool compare)
{
	size_t liar_size;
	const unsigned char *liar = test_init(&liar_size);
	char said[1536];
	size_t x86_size = (size_t)(foreign_program_x86_64_end - foreign_program_x86_64);
	int rc = 0, booted = 0;

	for (size_t i = 0; i < FOREIGN_ARCH_COUNT; i++) {
		const struct foreign_arch *a = &foreign_arches[i];
		const struct foreign_boot *b = &a->boot;
		long long ms = 0;

		if (!foreign_wanted(names, a))
			continue;
		if (!b->qemu) {		/* asked for, and nothing to boot: said so */
			if (b->boot)
				rc |= report_cap_unknown(r, b->boot, "virtcap prove --foreign", "no "
							 "kernel to boot: %s", a->no_boot);
			continue;
		}
		if (!run_in_path(b->qemu)) {
			rc |= report_cap_unknown(r, b->boot, b->qemu, "not run: %s is not installed",
						 b->qemu);
			rc |= report_cap_fix(r, b->boot, "sudo apt install %s; on Fedora: sudo dnf "
					     "install %s", b->deb_package, b->qemu);
			continue;
		}
		progress(a->advice, "booting Debian's kernel under emulation (at most 120 s; a "
			 "first run downloads it)");

		int ok = boot_one(lab_sh, b, liar ? liar : a->program, liar ? liar_size :
				  (size_t)(a->program_end - a->program), "tcg", &ms, said, sizeof(said));

		if (liar)
			snprintf(said + strlen(said), sizeof(said) - strlen(said), "; its init is "
				 "VIRTCAP_FOREIGN_INIT's, not virtcap's: a test of the checks");

		progress(a->advice, "done");
		if (isatty(STDERR_FILENO))
			fputs("\r\033[K", stderr);
		rc |= report_cap_bool(r, b->boot, ok, "virtcap prove --foreign", "%s", said);
		if (ok)
			rc |= report_cap_int(r, b->boot_ms, ms, "virtcap prove --foreign", "from QEMU's "
					     "start to the kernel's init answering, under emulation");
		else
			rc |= report_cap_unknown(r, b->boot_ms, "virtcap prove --foreign", "it did "
						 "not boot");
		booted++;
	}
	/* the arm64 and arm32 rows are judged on these boots (reports/advice.c) */
	if (!booted || !compare)
		return rc ? -ENOMEM : advice_rows_derive(r);

	/* this host's own, beside them: under TCG, and under KVM where it opens */
	static const struct {
		const char *accel, *cap, *not;
	} beside[] = {
		{ "tcg", CAP_FOREIGN_X86_TCG_BOOT_MS, "" },
		{ "kvm", CAP_FOREIGN_X86_KVM_BOOT_MS, "not under KVM here: " },
	};

	progress("x86-64", "booting this host's own kernel under TCG and KVM, to compare");
	for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		long long ms = 0;

		if (boot_one(lab_sh, &foreign_x86_boot, foreign_program_x86_64, x86_size,
			     beside[i].accel, &ms, said, sizeof(said)))
			rc |= report_cap_int(r, beside[i].cap, ms, "virtcap prove --foreign", "%s",
					     said);
		else
			rc |= report_cap_unknown(r, beside[i].cap, "virtcap prove --foreign", "%s%s",
						 beside[i].not, said);
	}
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	return rc ? -ENOMEM : advice_rows_derive(r);
}
