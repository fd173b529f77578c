// SPDX-License-Identifier: MIT
/*
 * The virtual devices people use, proven from inside the stack's guest in one more boot: under
 * KVM when the guest booted there, else under TCG. The host makes each medium with a nonce of
 * this run where the guest reads; the guest (scripts/stack-guest.sh) writes back where the host
 * then looks, after QEMU ended. A guest's "ok" is never enough: the host must find the nonce
 * where the device alone could have put it.
 *
 * The boot runs in a child that leads a process group (QEMU and virtiofsd in it) and, when it
 * can, holds a network namespace of its own for the tap device and the listener. It leaves its
 * findings as files in work/dev for the host side to judge: attached (the devices given to
 * QEMU), NAME.refused (QEMU's words for a device it refused; the rest boot again without it),
 * heard (the requests the listener answered), regs, tap.err, virtiofsd.err, netns, qemu.err.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/stack_net.h"
#include "qemu/stack_run.h"
#include "qemu/vm.h"
#include "reports/text.h"
#include "util/nonce.h"
#include "util/run.h"
#include "util/signal_cleanup.h"

#define MEDIUM_BYTES (8 << 20)
#define TOOL_WAIT_MS 60000
#define TRIES 9			/* boots, each without the devices QEMU refused before */
#define END_MARKER "VIRTCAP-DEV-END"
#define TICK_MS 100

struct devices {
	struct stack_run *r;
	char dev[PATH_MAX + 8];		/* work/dev */
	char nonce[17];			/* on the guest's command line */
	char secret[STACK_DEVICE_COUNT][17];	/* only on the device (or in the host's answer) */
	bool decided[STACK_DEVICE_COUNT];	/* said before the boot (not run, failed) */
	char virtiofsd[PATH_MAX];	/* or "" */
	char display[64];		/* the virtio-gpu device with the resolution the host chose */
	bool tun;			/* /dev/net/tun exists */
	int limit_s;
	enum stack_accel accel;
};

static const char *const names_all[STACK_DEVICE_COUNT] = {
	"disk", "qcow2", "cdrom", "floppy", "net", "net_tap", "share", "virtiofs", "display",
};

/* A device's result known before the boot (a tool missing, a medium that could not be made) */
static void decide(struct devices *d, enum stack_device dv, enum proof_status st,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void decide(struct devices *d, enum stack_device dv, enum proof_status st,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	stack_device_v(d->r, dv, st, fmt, ap);
	va_end(ap);
	d->decided[dv] = true;
}

static void path_of(const struct devices *d, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", d->dev, name);
}

static bool write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

static int index_of(const char *name, size_t len)
{
	for (int i = 0; i < STACK_DEVICE_COUNT; i++)
		if (strlen(names_all[i]) == len && !strncmp(names_all[i], name, len))
			return i;
	return -1;
}

/* "VIRTCAP-IN NONCE NAME SECRET\n", what the host writes where the guest reads */
static void marker(const struct devices *d, const char *name, char *out, size_t len)
{
	snprintf(out, len, "VIRTCAP-IN %s %s %s\n", d->nonce, name,
		 d->secret[index_of(name, strlen(name))]);
}

/* Run a tool in the dev directory; its words (first lines, cleaned) into said on failure */
static bool tool(struct devices *d, const char *const *argv, char *said, size_t len)
{
	char out[2048] = "";
	struct run_options o = { .cwd = d->dev, .timeout_ms = TOOL_WAIT_MS, .out = out,
				 .out_len = sizeof(out), .stdout_fd = -1 };
	int rc = run_program(argv, &o);

	if (rc == 0)
		return true;
	for (char *c = out; *c; c++)
		if (*c == '\n')
			*c = ' ';
	snprintf(said, len, "%s", rc == -ETIMEDOUT ? "it did not finish in time" :
		 rc < 0 ? strerror(-rc) : out);
	text_clean(said);
	return false;
}

/* The tests' broken media (VIRTCAP_STACK_BREAK=cdrom,qcow2,floppy), and a display QEMU has no
 * model for (display: as a QEMU without its virtio-gpu module refuses it) */
static bool broken(const struct devices *d, const char *name)
{
	const char *b = d->r->setup->break_media;
	size_t n = strlen(name);

	for (const char *at = b; at && (at = strstr(at, name)); at += n)
		if ((at == b || at[-1] == ',') && (at[n] == ',' || !at[n]))
			return true;
	return false;
}

static void make_media(struct devices *d)
{
	char path[PATH_MAX + 64], text[128], said[1200];

	nonce_hex(d->nonce);
	for (int i = 0; i < STACK_DEVICE_COUNT; i++)
		nonce_hex(d->secret[i]);
	/* the display's secret is its resolution, chosen here at random: its first mode is what
	 * the guest's driver reads from the device (the secret's own hex digits pick it) */
	unsigned long long bits = strtoull(d->secret[STACK_DISPLAY], NULL, 16);
	unsigned xres = 640 + 8 * (unsigned)(bits % 161);		/* 640 to 1920 */
	/* odd: never a usual resolution that a guest could claim without reading the device */
	unsigned yres = 481 + 2 * (unsigned)((bits >> 16) % 300);	/* 481 to 1079 */

	snprintf(d->secret[STACK_DISPLAY], sizeof(d->secret[STACK_DISPLAY]), "%ux%u", xres, yres);
	/* its id names it in QEMU's refusal (a QEMU without the device's module), so that the
	 * others boot again without it rather than fail with it */
	snprintf(d->display, sizeof(d->display), "%s,id=vc-display,xres=%u,yres=%u",
		 broken(d, "display") ? "virtio-gpu-none" : "virtio-gpu-pci", xres, yres);
	marker(d, "disk", text, sizeof(text));
	path_of(d, "disk.img", path, sizeof(path));
	if (!write_text(path, text) || truncate(path, MEDIUM_BYTES) < 0)
		decide(d, STACK_DISK, PROOF_FAILED, "making disk.img failed");
	if (run_in_path("qemu-img")) {
		marker(d, "qcow2", text, sizeof(text));
		path_of(d, "qcow2.raw", path, sizeof(path));
		if (!write_text(path, text) || truncate(path, MEDIUM_BYTES) < 0 ||
		    !tool(d, (const char *const[]){ "qemu-img", "convert", "-f", "raw", "-O", "qcow2",
						    "qcow2.raw", "qcow2.img", NULL }, said,
			  sizeof(said)))
			decide(d, STACK_QCOW2, PROOF_FAILED, "qemu-img could not make qcow2.img: %s",
			       said);
		unlink(path);
		path_of(d, "qcow2.img", path, sizeof(path));
		if (broken(d, "qcow2") && truncate(path, 100000) < 0)
			unlink(path);	/* not attached either way */
		if (!d->decided[STACK_QCOW2] &&
		    !tool(d, (const char *const[]){ "qemu-img", "check", "-q", "qcow2.img", NULL },
			  said, sizeof(said))) {
			decide(d, STACK_QCOW2, PROOF_FAILED, "qcow2.img is corrupt and was not "
			       "attached; qemu-img check said: %s", said);
			unlink(path);
		}
	} else {
		decide(d, STACK_QCOW2, PROOF_NOT_RUN, "qemu-img is not installed (Debian package "
		       "qemu-utils)");
	}
	if (run_in_path("xorriso")) {
		path_of(d, "cdroot", path, sizeof(path));
		mkdir(path, 0700);
		marker(d, "cdrom", text, sizeof(text));
		path_of(d, "cdroot/in.txt", path, sizeof(path));
		write_text(path, text);
		if (!tool(d, (const char *const[]){ "xorriso", "-as", "mkisofs", "-quiet", "-V",
						    "VIRTCAP", "-o", "cdrom.iso", "cdroot", NULL },
			  said, sizeof(said))) {
			decide(d, STACK_CDROM, PROOF_FAILED, "xorriso could not make the ISO: %s",
			       said);
		} else if (broken(d, "cdrom")) {	/* a "CD" of random bytes */
			unsigned char junk[4096];
			int fd;

			path_of(d, "cdrom.iso", path, sizeof(path));
			fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
			for (int i = 0; fd >= 0 && i < 256; i++)
				if (getrandom(junk, sizeof(junk), 0) < 0 ||
				    write(fd, junk, sizeof(junk)) < 0)
					break;
			if (fd >= 0)
				close(fd);
		}
	} else {
		decide(d, STACK_CDROM, PROOF_NOT_RUN, "xorriso is not installed (Debian package "
		       "xorriso): no ISO to attach");
	}
	if (run_in_path("mkfs.vfat") && run_in_path("mcopy")) {
		marker(d, "floppy", text, sizeof(text));
		path_of(d, "in.txt", path, sizeof(path));
		write_text(path, text);
		if (!tool(d, (const char *const[]){ "mkfs.vfat", "-C", "floppy.img", "1440", NULL },
			  said, sizeof(said)) ||
		    !tool(d, (const char *const[]){ "mcopy", "-i", "floppy.img", "in.txt", "::in.txt",
						    NULL }, said, sizeof(said))) {
			decide(d, STACK_FLOPPY, PROOF_FAILED, "making the FAT floppy image failed: "
			       "%s", said);
			path_of(d, "floppy.img", path, sizeof(path));
			unlink(path);
		} else if (broken(d, "floppy")) {	/* a medium QEMU cannot open */
			path_of(d, "floppy.img", path, sizeof(path));
			unlink(path);
			mkdir(path, 0700);
		}
	} else {
		decide(d, STACK_FLOPPY, PROOF_NOT_RUN, "mkfs.vfat and mcopy are needed to make a "
		       "floppy image (Debian packages dosfstools, mtools)");
	}
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "virtiofs" : "share";

		path_of(d, name, path, sizeof(path));
		mkdir(path, 0700);
		marker(d, name, text, sizeof(text));
		snprintf(path, sizeof(path), "%s/%s/in.txt", d->dev, name);
		write_text(path, text);
	}
}

/* --- the child: the boot with the devices ------------------------------------------------ */

struct child {
	struct devices *d;
	bool private_net, tap;
	int listen_fd, port;
	pid_t virtiofsd;
	char refused[STACK_DEVICE_COUNT];	/* 1: QEMU refused it, leave it out */
};

static bool exists(const struct devices *d, const char *name)
{
	char path[PATH_MAX + 64];

	path_of(d, name, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* virtiofsd serves one QEMU and ends with it: each boot starts its own, in the child's group */
static void start_virtiofsd(struct child *c)
{
	char sock[PATH_MAX + 64], source[PATH_MAX + 64], opt[PATH_MAX + 80], err[PATH_MAX + 64];
	struct devices *d = c->d;

	c->virtiofsd = 0;
	path_of(d, "virtiofs.sock", sock, sizeof(sock));
	unlink(sock);
	if (!d->virtiofsd[0] || c->refused[STACK_VIRTIOFS])
		return;
	path_of(d, "virtiofs", source, sizeof(source));
	if (strpbrk(source, ",\\")) {	/* its -o list splits at commas */
		path_of(d, "virtiofsd.err", err, sizeof(err));
		write_text(err, "the work directory's path holds a comma or backslash, which "
			   "virtiofsd's -o source cannot take");
		return;
	}
	snprintf(opt, sizeof(opt), "source=%s", source);
	c->virtiofsd = fork();
	if (c->virtiofsd == 0) {
		int fd;

		path_of(d, "virtiofsd.err", err, sizeof(err));
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0 && dup2(fd, STDERR_FILENO) >= 0 && dup2(fd, STDOUT_FILENO) >= 0 &&
		    chdir(d->dev) == 0)
			execl(d->virtiofsd, d->virtiofsd, "--socket-path=virtiofs.sock", "-o", opt,
			      "-o", "cache=none", "-o", "sandbox=chroot", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; c->virtiofsd > 0 && i < 50 && access(sock, F_OK); i++)
		usleep(100000);
}

/* The devices' QEMU options (paths relative to the work directory, QEMU's), into args */
static size_t device_args(struct child *c, const char **args, size_t n, char *list, size_t len)
{
	struct devices *d = c->d;
	bool want[STACK_DEVICE_COUNT];

	for (int i = 0; i < STACK_DEVICE_COUNT; i++)
		want[i] = !c->refused[i] && !d->decided[i];
	want[STACK_DISK] = want[STACK_DISK] && exists(d, "disk.img");
	want[STACK_QCOW2] = want[STACK_QCOW2] && exists(d, "qcow2.img");
	want[STACK_CDROM] = want[STACK_CDROM] && exists(d, "cdrom.iso");
	want[STACK_FLOPPY] = want[STACK_FLOPPY] && exists(d, "floppy.img");
	want[STACK_NET] = want[STACK_NET] && c->private_net;
	want[STACK_NET_TAP] = want[STACK_NET_TAP] && c->tap;
	want[STACK_VIRTIOFS] = want[STACK_VIRTIOFS] && exists(d, "virtiofs.sock");
	if (want[STACK_DISK]) {
		args[n++] = "-drive";
		args[n++] = "if=none,id=vc-disk,format=raw,file=dev/disk.img";
		args[n++] = "-device";
		args[n++] = "virtio-blk-pci,drive=vc-disk,serial=virtcap-disk";
	}
	if (want[STACK_QCOW2]) {
		args[n++] = "-drive";
		args[n++] = "if=none,id=vc-qcow2,format=qcow2,file=dev/qcow2.img";
		args[n++] = "-device";
		args[n++] = "virtio-blk-pci,drive=vc-qcow2,serial=virtcap-qcow2";
	}
	if (want[STACK_CDROM]) {
		args[n++] = "-drive";
		args[n++] = "if=none,id=vc-cdrom,media=cdrom,format=raw,file=dev/cdrom.iso";
		args[n++] = "-device";
		args[n++] = "ide-cd,drive=vc-cdrom,bus=ide.0";
	}
	if (want[STACK_FLOPPY]) {
		args[n++] = "-device";
		args[n++] = "isa-fdc,id=vc-floppy-fdc";
		args[n++] = "-drive";
		args[n++] = "if=none,id=vc-floppy,format=raw,file=dev/floppy.img";
		args[n++] = "-device";
		args[n++] = "floppy,unit=0,drive=vc-floppy";
	}
	if (want[STACK_SHARE]) {
		args[n++] = "-virtfs";
		args[n++] = "local,path=dev/share,mount_tag=virtcap-share,security_model=none,"
			    "id=vc-share";
	}
	if (want[STACK_VIRTIOFS]) {
		args[n++] = "-object";
		args[n++] = "memory-backend-memfd,id=vc-virtiofs-mem,size=256M,share=on";
		args[n++] = "-numa";
		args[n++] = "node,memdev=vc-virtiofs-mem";
		args[n++] = "-chardev";
		args[n++] = "socket,id=vc-virtiofs,path=dev/virtiofs.sock";
		args[n++] = "-device";
		args[n++] = "vhost-user-fs-pci,chardev=vc-virtiofs,tag=virtcap-fs";
	}
	if (want[STACK_NET]) {
		args[n++] = "-netdev";
		args[n++] = "user,id=vc-net";
		args[n++] = "-device";
		args[n++] = "virtio-net-pci,netdev=vc-net,mac=52:54:00:00:76:01";
	}
	if (want[STACK_NET_TAP]) {
		args[n++] = "-netdev";
		args[n++] = "tap,id=vc-net_tap,ifname=" STACK_TAP_NAME ",script=no,downscript=no";
		args[n++] = "-device";
		args[n++] = "virtio-net-pci,netdev=vc-net_tap,mac=52:54:00:00:76:02";
	}
	if (want[STACK_DISPLAY]) {
		args[n++] = "-device";
		args[n++] = d->display;
	}
	list[0] = '\0';
	for (int i = 0; i < STACK_DEVICE_COUNT; i++)
		if (want[i])
			snprintf(list + strlen(list), len - strlen(list), "%s%s", list[0] ? "," : "",
				 names_all[i]);
	return n;
}

static const char *secret_of(const char *name, size_t len, void *ctx)
{
	const struct devices *d = ctx;
	int i = index_of(name, len);

	return i == STACK_NET || i == STACK_NET_TAP ? d->secret[i] : NULL;
}

/* One boot with every device QEMU has not refused; true when QEMU was still running at the
 * deadline (hung, or the guest never finished) */
static bool boot_devices(struct child *c)
{
	struct devices *d = c->d;
	struct stack_run *r = d->r;
	const char *args[80] = { "-accel", stack_accel_name(d->accel), "-M", "q35", "-m", "256",
				 "-no-reboot", "-nodefaults", "-kernel", r->pinned,
				 "-initrd", "initrd.gz" };
	char list[200], cmdline[600], path[PATH_MAX + 64], regs[200], heard[PATH_MAX + 64];
	size_t n = 12;
	struct qemu_vm vm;
	char *console = NULL;
	bool hung = false;

	path_of(d, "heard", heard, sizeof(heard));
	start_virtiofsd(c);
	n = device_args(c, args, n, list, sizeof(list));
	snprintf(cmdline, sizeof(cmdline), "console=ttyS0 quiet loglevel=1 panic=-1 "
		 "virtcap.nonce=%s virtcap.port=%d virtcap.devices=%s", d->nonce, c->port, list);
	args[n++] = "-append";
	args[n++] = cmdline;
	args[n] = NULL;
	path_of(d, "attached", path, sizeof(path));
	write_text(path, list);

	struct qemu_vm_options o = { .args = args, .pass_fd = -1, .caller_group = true,
				     .connect_ms = 30000 };

	snprintf(path, sizeof(path), "%s/" QEMU_VM_CONSOLE, r->work);
	unlink(path);
	if (qemu_vm_start(&vm, r->work, &o) == 0) {
		bool ended = false;

		for (;;) {
			struct pollfd p = { .fd = c->listen_fd, .events = POLLIN };

			ended = qemu_vm_ended(&vm, NULL);
			free(console);
			console = qemu_vm_read(&vm, QEMU_VM_CONSOLE);
			if (ended || (console && strstr(console, END_MARKER)) ||
			    qemu_vm_ms(&vm) >= (long)d->limit_s * 1000)
				break;
			if (poll(&p, c->listen_fd >= 0, TICK_MS) > 0)
				stack_net_answer(c->listen_fd, heard, secret_of, d);
		}
		/* the guest powers off after its last line */
		for (int i = 0; !ended && i < 20 && !(ended = qemu_vm_ended(&vm, NULL)); i++)
			usleep(100000);
		if (!ended && !(console && strstr(console, END_MARKER))) {
			hung = true;
			if (qemu_vm_registers(&vm, regs, sizeof(regs))) {
				path_of(d, "regs", path, sizeof(path));
				write_text(path, regs);
			}
		}
		qemu_vm_stop(&vm, NULL);
	}
	free(console);
	if (c->virtiofsd > 0) {
		kill(c->virtiofsd, SIGKILL);
		waitpid(c->virtiofsd, NULL, 0);
	}
	return hung;
}

/* The device QEMU named in its refusal ("vc-NAME" then not a name character), or -1 */
static int culprit(const char *err)
{
	for (int i = 0; i < STACK_DEVICE_COUNT; i++) {
		char id[32];
		size_t n = (size_t)snprintf(id, sizeof(id), "vc-%s", names_all[i]);

		for (const char *at = err; (at = strstr(at, id)); at++)
			if (!(at[n] == '_' || (at[n] >= 'a' && at[n] <= 'z')))
				return i;
	}
	return -1;
}

static void child(struct devices *d)
{
	struct child c = { .d = d, .listen_fd = -1 };
	const char *no_net = stack_net_private();
	char path[PATH_MAX + 64], from[PATH_MAX + 64], why[300] = "";
	static char err[8192];

	c.private_net = !no_net;
	path_of(d, "netns", path, sizeof(path));
	write_text(path, no_net ? no_net : "private");
	if (c.private_net) {
		c.listen_fd = stack_net_listen(&c.port);
		c.private_net = c.listen_fd >= 0;
		if (!c.private_net)
			write_text(path, "no listener could be made in the namespace");
		if (d->tun && !d->decided[STACK_NET_TAP] && !(c.tap = stack_net_tap(why, sizeof(why)))) {
			path_of(d, "tap.err", path, sizeof(path));
			write_text(path, why);
		}
	}
	/* A device QEMU refuses at start (a medium it cannot open, a backend that fails) would
	 * take the others down with it: it is left out, its error kept, and the rest boot again.
	 * QEMU that ends without naming one of ours ends the tries. */
	for (int try = 0; try < TRIES; try++) {
		bool hung = boot_devices(&c);
		int bad;

		snprintf(from, sizeof(from), "%s/" QEMU_VM_ERR, d->r->work);
		stack_read(from, err, sizeof(err));
		path_of(d, "qemu.err", path, sizeof(path));
		write_text(path, err);
		snprintf(from, sizeof(from), "%s/" QEMU_VM_CONSOLE, d->r->work);
		stack_read(from, err, sizeof(err));
		if (hung || strstr(err, INIT_MARKER))
			break;
		stack_read(path, err, sizeof(err));
		if ((bad = culprit(err)) < 0)
			break;
		c.refused[bad] = 1;
		snprintf(path, sizeof(path), "%s/%s.refused", d->dev, names_all[bad]);
		write_text(path, err);
	}
}

/* --- the host's judgement ------------------------------------------------------------------ */

/* Whether text is exactly "VIRTCAP-OUT NONCE NAME SECRET", what the guest was to write (the
 * padding after it aside: a sector's NULs, made spaces, and a newline) */
static bool found(const struct devices *d, enum stack_device dv, const char *text)
{
	char want[128], got[128];
	size_t n;

	snprintf(want, sizeof(want), "VIRTCAP-OUT %s %s %s", d->nonce, names_all[dv],
		 d->secret[dv]);
	snprintf(got, sizeof(got), "%.*s", (int)sizeof(got) - 1, text);
	n = strlen(got);
	while (n && strchr(" \r\n", got[n - 1]))
		got[--n] = '\0';
	return !strcmp(got, want);
}

/* Sector 8 of the raw image at path, into out (NULs made spaces) */
static void sector8(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? pread(fd, out, len - 1 < 512 ? len - 1 : 512, 8 * 512) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	for (ssize_t i = 0; i < n; i++)
		if (!out[i])
			out[i] = ' ';
	out[n] = '\0';
}

/* What the guest wrote, where the host looks for it; where, for the report. detail: the
 * guest's own line, which quotes a secret it could only have read (a CD-ROM's, the listener's
 * answer's) */
static const char *host_side(struct devices *d, enum stack_device dv, const char *detail,
			     char *out, size_t len)
{
	char quoted[40];

	char path[PATH_MAX + 64], heard[4096], line[64];

	out[0] = '\0';
	switch (dv) {
	case STACK_DISK:
		path_of(d, "disk.img", path, sizeof(path));
		sector8(path, out, len);
		return "sector 8 of disk.img (raw)";
	case STACK_QCOW2:
		path_of(d, "qcow2.back", path, sizeof(path));
		if (tool(d, (const char *const[]){ "qemu-img", "convert", "-f", "qcow2", "-O", "raw",
						   "qcow2.img", "qcow2.back", NULL }, heard,
			 sizeof(heard)))
			sector8(path, out, len);
		unlink(path);
		return "sector 8 of qcow2.img, read back with qemu-img";
	case STACK_FLOPPY: {
		struct run_options o = { .cwd = d->dev, .timeout_ms = TOOL_WAIT_MS, .out = out,
					 .out_len = len, .err = heard, .err_len = sizeof(heard),
					 .stdout_fd = -1 };

		if (run_program((const char *const[]){ "mtype", "-i", "floppy.img", "::out.txt",
						       NULL }, &o) != 0)
			out[0] = '\0';
		return "out.txt in floppy.img's FAT";
	}
	case STACK_SHARE:
	case STACK_VIRTIOFS:
		snprintf(path, sizeof(path), "%s/%s/out.txt", d->dev, names_all[dv]);
		stack_read(path, out, len);
		return "out.txt in the shared directory";
	case STACK_NET:
	case STACK_NET_TAP:
		path_of(d, "heard", path, sizeof(path));
		stack_read(path, heard, sizeof(heard));
		snprintf(line, sizeof(line), "%s-%s\n", names_all[dv], d->nonce);
		snprintf(quoted, sizeof(quoted), "(its secret: %s)", d->secret[dv]);
		for (const char *at = heard; (at = strstr(at, line)); at++)
			if ((at == heard || at[-1] == '\n') && strstr(detail, quoted))
				snprintf(out, len, "VIRTCAP-OUT %s %s %s", d->nonce, names_all[dv],
					 d->secret[dv]);
		return "the guest's request at the host's listener, and the guest quotes its "
		       "answer's secret";
	case STACK_CDROM:	/* read-only: the guest quotes the secret only the disc holds */
		snprintf(quoted, sizeof(quoted), "(its secret: %s)", d->secret[dv]);
		if (strstr(detail, quoted))
			snprintf(out, len, "VIRTCAP-OUT %s cdrom %s", d->nonce, d->secret[dv]);
		return "the disc's secret in the guest's words";
	case STACK_DISPLAY:	/* the guest quotes the mode only the device reported */
		snprintf(quoted, sizeof(quoted), "(its secret: %s)", d->secret[dv]);
		if (strstr(detail, quoted))
			snprintf(out, len, "VIRTCAP-OUT %s display %s", d->nonce, d->secret[dv]);
		return "the resolution it chose for the device in the guest's words";
	default:
		return NULL;
	}
}

/* The guest's last "VIRTCAP-DEV NAME ok|fail DETAIL" line for dv: its result and detail */
static bool guest_line(const char *console, const char *name, bool *ok, char *detail,
		       size_t len)
{
	char key[40];
	const char *at, *last = NULL;

	snprintf(key, sizeof(key), "VIRTCAP-DEV %s ", name);
	for (at = console; at && (at = strstr(at, key)); at++) {
		const char *v = at + strlen(key);

		if (!strncmp(v, "ok ", 3) || !strncmp(v, "fail ", 5))
			last = v;
	}
	if (!last)
		return false;
	*ok = last[0] == 'o';
	last += *ok ? 3 : 5;
	snprintf(detail, len, "%.*s", (int)strcspn(last, "\r\n"), last);
	text_clean(detail);
	return true;
}

static bool started(const char *console, const char *name)
{
	char key[40];

	snprintf(key, sizeof(key), "VIRTCAP-DEV %s start", name);
	return console && strstr(console, key);
}

static void judge(struct devices *d)
{
	char path[PATH_MAX + 64], attached[300], last[600], regs[300], qemu_said[600], why[700];
	char detail[400], got[600], *console = malloc(QEMU_VM_CONSOLE_MAX + 1), netns[400];
	struct stack_run *r = d->r;

	if (!console)
		return;
	snprintf(path, sizeof(path), "%s/" QEMU_VM_CONSOLE, r->work);
	stack_read(path, console, QEMU_VM_CONSOLE_MAX + 1);
	stack_last_line(console, "VIRTCAP-DEV", last, sizeof(last));
	path_of(d, "regs", path, sizeof(path));
	stack_read(path, regs, sizeof(regs));
	text_clean(regs);
	path_of(d, "qemu.err", path, sizeof(path));
	stack_one_line(path, qemu_said, sizeof(qemu_said));
	path_of(d, "netns", path, sizeof(path));
	stack_read(path, netns, sizeof(netns));
	text_clean(netns);
	snprintf(attached, sizeof(attached), ",");
	path_of(d, "attached", path, sizeof(path));
	stack_read(path, attached + 1, sizeof(attached) - 2);
	strcat(attached, ",");

	bool booted = strstr(console, INIT_MARKER) != NULL;

	for (int i = 0; i < STACK_DEVICE_COUNT; i++) {
		enum stack_device dv = (enum stack_device)i;
		const char *name = names_all[i], *where;
		char key[32];
		bool ok;

		if (d->decided[i])
			continue;
		snprintf(key, sizeof(key), ",%s,", name);
		if (!strstr(attached, key)) {
			snprintf(path, sizeof(path), "%s/%s.refused", d->dev, name);
			stack_one_line(path, why, sizeof(why));
			if (why[0]) {
				stack_device(r, dv, PROOF_FAILED, "QEMU refused it, and booted the "
					     "guest without it: %s", why);
			} else if (dv == STACK_NET || (dv == STACK_NET_TAP && strcmp(netns, "private"))) {
				stack_device(r, dv, PROOF_NOT_RUN, "not proven: no private network: %s; "
					     "on the host's own network another user could answer for "
					     "the guest", netns[0] ? netns : "the device boot did not "
					     "get to it");
			} else if (dv == STACK_NET_TAP) {
				path_of(d, "tap.err", path, sizeof(path));
				stack_one_line(path, why, sizeof(why));
				stack_device(r, dv, PROOF_FAILED, "the tap device could not be made: %s",
					     why);
			} else if (dv == STACK_VIRTIOFS) {
				path_of(d, "virtiofsd.err", path, sizeof(path));
				stack_one_line(path, why, sizeof(why));
				stack_device(r, dv, PROOF_FAILED, "virtiofsd did not start: %s", why);
			} else {
				stack_device(r, dv, PROOF_FAILED, "it was not attached");
			}
			continue;
		}
		if (!booted) {
			stack_device(r, dv, PROOF_FAILED, "QEMU did not boot the guest with the "
				     "devices attached: %s; the console's last line: %s", qemu_said,
				     last);
			continue;
		}
		if (!guest_line(console, name, &ok, detail, sizeof(detail))) {
			if (started(console, name))
				stack_device(r, dv, PROOF_FAILED, "the guest hung proving it (deadline "
					     "%d s); the console's last line: %s; registers: %s",
					     d->limit_s, last, regs[0] ? regs : "not read");
			else if (regs[0])
				stack_device(r, dv, PROOF_FAILED, "the deadline (%d s) came before "
					     "the guest got to it (it was still running; registers: "
					     "%s); the console's last line: %s", d->limit_s, regs, last);
			else
				stack_device(r, dv, PROOF_FAILED, "the guest never got to it; the "
					     "console's last line: %s", last);
			continue;
		}
		if (!ok) {
			char iso[8] = "";

			if (dv == STACK_CDROM) {
				int fd;

				path_of(d, "cdrom.iso", path, sizeof(path));
				fd = open(path, O_RDONLY | O_CLOEXEC);
				if (fd >= 0 && pread(fd, iso, 5, 32769) != 5)
					iso[0] = '\0';
				if (fd >= 0)
					close(fd);
			}
			stack_device(r, dv, PROOF_FAILED, "%s%s", detail, dv == STACK_CDROM &&
				     strcmp(iso, "CD001") ? "; cdrom.iso is not ISO 9660 (no CD001 at "
				     "byte 32769)" : "");
			continue;
		}
		/* the guest says it worked: the host looks for what it wrote */
		where = host_side(d, dv, detail, got, sizeof(got));
		if (found(d, dv, got))
			stack_device(r, dv, PROOF_PROVEN, "%s%s%s", detail,
				     where ? "; the host found " : "", where ? where : "");
		else
			stack_device(r, dv, PROOF_FAILED, "the guest says: %s; but the host did not "
				     "find %s", detail, where ? where : "it");
	}
	free(console);
}

static void find_virtiofsd(struct devices *d)
{
	static const char *const at[] = { "/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd" };

	d->virtiofsd[0] = '\0';
	for (size_t i = 0; i < 2; i++)
		if (access(at[i], X_OK) == 0) {
			snprintf(d->virtiofsd, sizeof(d->virtiofsd), "%s", at[i]);
			return;
		}
	if (run_in_path("virtiofsd"))
		snprintf(d->virtiofsd, sizeof(d->virtiofsd), "virtiofsd");
}

void stack_devices(struct stack_run *r)
{
	struct devices *d = calloc(1, sizeof(*d));
	const char *under;
	pid_t pid;

	if (!d) {
		r->rc = -ENOMEM;
		return;
	}
	d->r = r;
	if (!r->booted[STACK_KVM] && !r->booted[STACK_TCG]) {
		for (int i = 0; i < STACK_DEVICE_COUNT; i++)
			stack_device(r, (enum stack_device)i, PROOF_NOT_RUN, "the guest boots neither "
				     "under KVM nor under TCG (see accel)");
		free(d);
		return;
	}
	d->accel = r->booted[STACK_KVM] ? STACK_KVM : STACK_TCG;
	r->s->devices_accel = d->accel;
	r->s->devices_ran = true;
	/* a boot, then the device work: under KVM twice the boot's wait, under TCG its own */
	d->limit_s = stack_within(r, d->accel == STACK_KVM ? 2 * r->setup->kvm_s : r->setup->tcg_s);
	snprintf(d->dev, sizeof(d->dev), "%s/dev", r->work);
	mkdir(d->dev, 0700);
	make_media(d);
	d->tun = access("/dev/net/tun", F_OK) == 0;
	if (!d->tun)
		decide(d, STACK_NET_TAP, PROOF_NOT_RUN, "/dev/net/tun is missing: no tap device can "
		       "be made here (modprobe tun)");
	find_virtiofsd(d);
	if (!d->virtiofsd[0])
		decide(d, STACK_VIRTIOFS, PROOF_NOT_RUN, "virtiofsd is not installed (Debian package "
		       "virtiofsd)");
	under = d->accel == STACK_KVM ? "under KVM" : r->booted[STACK_KVM] ? "under TCG" :
		"under TCG, since it does not boot under KVM";
	stack_progress("stack qemu: proving the virtual devices from inside the guest, %s (at most "
		       "%d s)", under, d->limit_s);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);	/* QEMU and virtiofsd join it: one group to stop */
		child(d);
		_exit(0);
	}
	if (pid > 0) {
		int status;
		/* tries after a refusal end at once; the deadline holds over all of them */
		long waited = 0, most = (long)stack_within(r, (d->limit_s + 15) * TRIES) * 1000;

		setpgid(pid, pid);
		signal_cleanup_add_group(pid);
		while (waitpid(pid, &status, WNOHANG) == 0 && waited < most) {
			usleep(TICK_MS * 1000);
			waited += TICK_MS;
		}
		kill(-pid, SIGKILL);	/* whatever is left of the boot */
		waitpid(pid, &status, 0);
		signal_cleanup_forget_group();
	}
	judge(d);
	free(d);
}
