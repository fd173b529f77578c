// SPDX-License-Identifier: MIT
/*
 * The stack proof's setup and its two timed boots (qemu/stack.h). Everything the guest or QEMU
 * says is data: read bounded, cleaned before the report keeps it.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "qemu/initramfs.h"
#include "qemu/lab_fetch.h"
#include "qemu/stack_run.h"
#include "qemu/vm.h"
#include "reports/text.h"
#include "util/run.h"
#include "util/clock.h"

#define TOOL_WAIT_MS 30000
#define TICK_US 100000
#define QMP_CONNECT_MS 30000

/* The first line a program prints, cleaned, into out ("" if it did not run) */
static void first_line(const char *const *argv, char *out, size_t len)
{
	struct run_options o = { .timeout_ms = TOOL_WAIT_MS, .out = out, .out_len = len,
				 .stdout_fd = -1 };

	if (run_program(argv, &o) < 0)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	text_clean(out);
}

static void not_installed(struct stack_run *r, const char *package, const char *what)
{
	r->s->installed = 0;
	stack_say(r, &r->s->package, "%s", package);
	for (int d = 0; d < STACK_DEVICE_COUNT; d++)
		stack_device(r, (enum stack_device)d, PROOF_NOT_RUN, "%s is not installed", what);
}

/* libvirt's daemon: virtqemud (modular) or libvirtd, in PATH or /usr/sbin */
static bool libvirt_daemon(char *path, size_t len)
{
	static const char *const names[] = { "virtqemud", "libvirtd" };

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, len, "/usr/sbin/%s", names[i]);
		if (run_in_path(names[i])) {
			snprintf(path, len, "%s", names[i]);
			return true;
		}
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* Whether the stack is installed; its version said */
static bool installed(struct stack_run *r)
{
	char qemu[200], virsh[200], daemon[200], daemon_path[100];

	if (!run_in_path("qemu-system-x86_64")) {
		not_installed(r, "qemu-system-x86", "qemu-system-x86_64");
		return false;
	}
	first_line((const char *const[]){ "qemu-system-x86_64", "--version", NULL }, qemu,
		   sizeof(qemu));
	if (strcmp(r->setup->name, "libvirt")) {
		r->s->installed = 1;
		stack_say(r, &r->s->version, "%s", qemu);
		return true;
	}
	if (!run_in_path("virsh")) {
		not_installed(r, "libvirt-clients", "virsh");
		return false;
	}
	if (!libvirt_daemon(daemon_path, sizeof(daemon_path))) {
		not_installed(r, "libvirt-daemon", "libvirt's daemon (virtqemud or libvirtd)");
		return false;
	}
	first_line((const char *const[]){ "virsh", "--version", NULL }, virsh, sizeof(virsh));
	first_line((const char *const[]){ daemon_path, "--version", NULL }, daemon, sizeof(daemon));
	r->s->installed = 1;
	stack_say(r, &r->s->version, "libvirt %s, %s, %s", virsh, daemon, qemu);
	return true;
}

/* A module's path as the lab's order file lists it: relative, no "..", plain characters */
static bool module_name_ok(const char *m)
{
	return *m && *m != '/' && !strstr(m, "..") &&
	       strspn(m, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") ==
		       strlen(m);
}

/* Each directory above name that the archive does not hold yet, then name's own file */
static void add_parents(struct initramfs *ir, const char *name, char *made, size_t made_len)
{
	char dir[PATH_MAX];

	for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		char key[PATH_MAX + 2];

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - name), name);
		snprintf(key, sizeof(key), "\n%s\n", dir);
		if (strstr(made, key))
			continue;
		if (strlen(made) + strlen(dir) + 2 < made_len)
			strcat(strcat(made, dir), "\n");
		initramfs_dir(ir, dir);
	}
}

/*
 * The guest's initramfs, work/initrd.gz: busybox, the init, and the pinned kernel's device
 * modules at their paths under lib/modules with their load order. 0, or a sentence in why.
 */
static int make_initramfs(struct stack_run *r, const char *root, char *why, size_t why_len)
{
	char path[PATH_MAX + 64], moddir[PATH_MAX], order_path[PATH_MAX + 64], *order = NULL;
	static char made[16384];
	struct initramfs ir;
	int rc;

	snprintf(path, sizeof(path), "%s/initrd.gz", r->work);
	if ((rc = initramfs_open(&ir, path))) {
		snprintf(why, why_len, "writing the guest's initramfs: %s", strerror(-rc));
		return rc;
	}
	snprintf(made, sizeof(made), "\n");
	initramfs_dir(&ir, "bin");
	initramfs_dir(&ir, "proc");
	initramfs_dir(&ir, "lib");
	initramfs_dir(&ir, "lib/modules");
	strcat(made, "bin\nproc\nlib\nlib/modules\n");
	snprintf(path, sizeof(path), "%s/bin/busybox", root);
	initramfs_file(&ir, "bin/busybox", path, 0755);
	initramfs_file(&ir, "init", r->setup->guest_init, 0755);
	snprintf(path, sizeof(path), "%s/lib/modules/*", root);
	if (!lab_first_match(path, moddir, sizeof(moddir))) {
		initramfs_close(&ir);
		snprintf(why, why_len, "the lab's cache has no kernel modules: %.600s/lib/modules", root);
		return -ENOENT;
	}
	snprintf(order_path, sizeof(order_path), "%s/guest-devices.order", moddir);

	order = calloc(1, 65536);
	if (!order || !stack_read(order_path, order, 65536)) {
		free(order);
		initramfs_close(&ir);
		snprintf(why, why_len, "the lab's cache lacks its module list: %.600s", order_path);
		return -ENOENT;
	}
	initramfs_data(&ir, "lib/modules/guest-devices.order", order, strlen(order), 0644);
	for (char *m = strtok(order, " \n"); m; m = strtok(NULL, " \n")) {
		char name[PATH_MAX + 16];

		if (!module_name_ok(m)) {
			snprintf(why, why_len, "the lab's module list names '%.200s', not a module's "
				 "path: %.600s", m, order_path);
			free(order);
			initramfs_close(&ir);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "lib/modules/%s", m);
		snprintf(path, sizeof(path), "%s/%s", moddir, m);
		add_parents(&ir, name, made, sizeof(made));
		initramfs_file(&ir, name, path, 0644);
	}
	free(order);
	if ((rc = initramfs_close(&ir)))
		snprintf(why, why_len, "writing the guest's initramfs from the lab's cache (%.600s): %s",
			 root, strerror(-rc));
	return rc;
}

/* The lab's cached root (kernel, busybox, modules), fetched by lab.sh on a first run */
static int fetch(struct stack_run *r, char *root, size_t len, char *why, size_t why_len)
{
	stack_progress("stack %s: fetching the guest kernel and busybox (cached after the first "
		       "run)", r->setup->name);
	return lab_fetch(r->setup->lab_sh, NULL, root, len, why, why_len);
}

static void kernels(struct stack_run *r, const char *root)
{
	struct utsname u;
	char lab[PATH_MAX + 32], pins[PATH_MAX + 32];

	snprintf(lab, sizeof(lab), "%s/boot/vmlinuz-*", root);
	lab_first_match(lab, r->pinned, sizeof(r->pinned));
	uname(&u);
	snprintf(r->kernel, sizeof(r->kernel), "/boot/vmlinuz-%s", u.release);
	if (access(r->kernel, R_OK) == 0) {
		stack_say(r, &r->s->kernel_source, "the host's own kernel");
	} else {
		char stamp[200] = "";

		snprintf(r->kernel, sizeof(r->kernel), "%s", r->pinned);
		snprintf(pins, sizeof(pins), "%s/.complete", root);
		stack_read(pins, stamp, sizeof(stamp));
		stamp[strcspn(stamp, "\n")] = '\0';
		stack_say(r, &r->s->kernel_source, "the lab's pinned Debian kernel (%s)", stamp);
	}
	stack_say(r, &r->s->kernel, "%s", r->kernel);
}

/* One timed boot of the guest under accel (no devices of ours) */
static void boot(struct stack_run *r, enum stack_accel a, int limit_s)
{
	const char *accel = stack_accel_name(a);
	const char *args[] = { "-accel", accel, "-M", "q35", "-m", "256", "-no-reboot",
			       "-kernel", r->kernel, "-initrd", "initrd.gz",
			       "-append", "console=ttyS0 quiet panic=-1", NULL };
	struct qemu_vm_options o = { .args = args, .pass_fd = -1, .connect_ms = QMP_CONNECT_MS };
	struct qemu_vm vm;
	char uptime[32] = "", regs[200] = "", said[600] = "", last[600], path[PATH_MAX + 16];
	char *console = NULL;
	bool ended = false;
	long ms = 0;
	int rc;

	stack_progress("stack qemu: waiting for the guest's init under -accel %s (at most %d s)",
		       accel, limit_s);
	snprintf(path, sizeof(path), "%s/" QEMU_VM_CONSOLE, r->work);
	unlink(path);
	rc = qemu_vm_start(&vm, r->work, &o);
	if (rc) {
		qemu_vm_said(&vm, said, sizeof(said));
		r->s->accel[a].verdict = VERDICT_NO;
		stack_say(r, &r->s->accel[a].reason, "QEMU could not be started and reached over "
			  "QMP (%s)%s%s", strerror(-rc), said[0] ? ": " : "", said);
		return;
	}
	for (;;) {
		ended = qemu_vm_ended(&vm, NULL);
		ms = qemu_vm_ms(&vm);
		free(console);
		console = qemu_vm_read(&vm, QEMU_VM_CONSOLE);
		if (stack_init_uptime(console, uptime, sizeof(uptime)) || ended ||
		    ms >= (long)limit_s * 1000)
			break;
		usleep(TICK_US);
	}
	if (!uptime[0] && !ended && !qemu_vm_registers(&vm, regs, sizeof(regs)))
		snprintf(regs, sizeof(regs), "not read");
	qemu_vm_said(&vm, said, sizeof(said));
	stack_last_line(console, NULL, last, sizeof(last));
	qemu_vm_stop(&vm, NULL);
	free(console);
	if (uptime[0]) {
		r->booted[a] = true;
		r->s->accel[a].verdict = VERDICT_YES;
		r->s->accel[a].boot_ms = ms;
		stack_say(r, &r->s->accel[a].reason, "the guest's init ran after %ld ms (its "
			  "kernel's uptime then: %s s)", ms, uptime);
		return;
	}
	r->s->accel[a].verdict = VERDICT_NO;
	if (strstr(said, "failed to initialize kvm") ||
	    strstr(said, "Could not access KVM kernel module")) {
		stack_say(r, &r->s->accel[a].reason, "QEMU could not use KVM: %s", said);
		stack_say(r, &r->s->accel[a].fix, "see the kernel and /dev/kvm rows: QEMU needs the "
			  "same /dev/kvm");
		return;
	}
	if (ended)
		stack_say(r, &r->s->accel[a].reason, "QEMU ended before the guest's init ran; its "
			  "console's last line: %s%s%s", last, said[0] ? "; QEMU said: " : "", said);
	else
		stack_say(r, &r->s->accel[a].reason, "the guest did not reach its init within %d s; "
			  "its console's last line: %s; registers: %s%s%s", limit_s, last, regs,
			  said[0] ? "; QEMU said: " : "", said);
	if (a == STACK_KVM)
		stack_say(r, &r->s->accel[a].fix, "QEMU with KVM cannot boot a Linux guest on this "
			  "host: use -accel tcg (emulation, slower) for now; the matrix says which "
			  "capability fails");
}

int qemu_stack_prove(struct report_stack *s, const struct stack_setup *setup)
{
	struct stack_run *r = calloc(1, sizeof(*r));
	char root[PATH_MAX], why[1200];
	int rc;

	if (!r)
		return -ENOMEM;
	r->s = s;
	r->setup = setup;
	if (!installed(r))
		goto out;
	if ((rc = qemu_vm_workdir("virtcap-stack", r->work, sizeof(r->work)))) {
		stack_say(r, &s->unfinished, "not run: no work directory under TMPDIR: %s",
			  strerror(-rc));
		goto out;
	}
	if (fetch(r, root, sizeof(root), why, sizeof(why)) ||
	    make_initramfs(r, root, why, sizeof(why))) {
		stack_say(r, &s->unfinished, "not run: %s", why);
		goto removed;
	}
	kernels(r, root);
	r->deadline_ms = clock_ms() + STACK_DEADLINE_S * 1000LL;
	if (!strcmp(setup->name, "libvirt")) {
		stack_libvirt(r);
	} else {
		boot(r, STACK_KVM, stack_within(r, setup->kvm_s));
		boot(r, STACK_TCG, stack_within(r, setup->tcg_s));
		stack_devices(r);
	}
removed:
	qemu_vm_workdir_remove(r->work);
out:
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	rc = r->rc;
	free(r);
	return rc;
}
