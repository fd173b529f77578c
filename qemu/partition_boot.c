// SPDX-License-Identifier: MIT
/*
 * `virtcap advise partition DEVICE --prove`: boot the disk with this host's QEMU, through a
 * snapshot overlay, and say how far it got. The disk is opened read-only here and handed to
 * QEMU as that descriptor (-add-fd), so no write can reach it, whatever QEMU or the guest does:
 * the kernel refuses it. Nothing of the guest's is trusted: what its console or screen holds
 * is read as data, bounded, and cleaned before it is shown.
 *
 * How far it got, from the firmware's own log and the screen:
 *   SeaBIOS writes "Booting from 0000:7c00" to its debug port (0x402) as it jumps to the
 *   disk's boot sector; OVMF writes "BdsDxe: starting Boot#### ... from <device path>" to the
 *   serial console as it starts a boot loader from a device (Fv(...) is its own shell or menu).
 *   "No bootable device." (SeaBIOS) and a start of "EFI Internal Shell" (OVMF) mean the
 *   firmware found nothing to boot. After the hand-over the firmware draws nothing: a screen
 *   that then changes (a boot menu's countdown, a spinner, kernel messages) is the disk's own
 *   code running. A hand-over followed by a still screen is said as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reports/partition.h"
#include "qemu/vm.h"
#include "reports/text.h"
#include "util/run.h"

#define SCREEN_PIXELS_MAX (4096u * 4096u)
#define CHANGED_PIXELS 256		/* more than a blinking text cursor (9x16) */
#define TICK_MS 300
#define SCREEN_WAIT_MS 3000		/* QEMU writes a screendump within this */
#define OVERLAY_MAX_MIB 256		/* what the guest may write to its disk: the snapshot
					 * overlay (a file under TMPDIR, maybe RAM) grows as much */
#define QMP_CONNECT_MS 30000		/* QEMU, started, listens on QMP within this (an
					 * emulated host's QEMU takes seconds) */

struct screen {
	unsigned w, h;
	unsigned char *px;		/* w * h * 3 bytes, or NULL */
};

struct qemu_run {
	char dir[PATH_MAX];
	struct qemu_vm vm;		/* QMP for the screen, the disk, quit */
};

#define FIRMWARE_LOG "firmware"		/* SeaBIOS's debug port, in the work directory */

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The line of log holding at, cleaned for a terminal, into out */
static void line_at(const char *log, const char *at, char *out, size_t len)
{
	const char *start = at, *end = strpbrk(at, "\r\n");
	size_t n;

	while (start > log && start[-1] != '\n' && start[-1] != '\r')
		start--;
	n = end ? (size_t)(end - start) : strlen(start);
	if (n >= len)
		n = len - 1;
	memcpy(out, start, n);
	out[n] = '\0';
	text_clean(out);
}

enum stage { STAGE_FIRMWARE, STAGE_HANDED_OVER, STAGE_NOTHING_TO_BOOT };

/*
 * What the firmware's log says so far; *said its line that tells. At a hand-over, *mark is
 * where the disk's own console output can begin in the serial log: after OVMF's "starting"
 * line (OVMF copies its console there), or at 0 for SeaBIOS, which writes none there.
 */
static enum stage firmware_stage(const char *serial, const char *debug, char *said, size_t len,
				 size_t *mark)
{
	const char *hit, *from = serial;

	if (debug && (hit = strstr(debug, "Booting from 0000:7c00"))) {
		line_at(debug, hit, said, len);
		*mark = 0;
		return STAGE_HANDED_OVER;
	}
	if (debug && (hit = strstr(debug, "No bootable device"))) {
		line_at(debug, hit, said, len);
		return STAGE_NOTHING_TO_BOOT;
	}
	while (serial && (hit = strstr(from, "BdsDxe: starting Boot"))) {
		char line[400];

		line_at(serial, hit, line, sizeof(line));
		line_at(serial, hit, said, len);
		if (strstr(line, "EFI Internal Shell"))
			return STAGE_NOTHING_TO_BOOT;
		if (!strstr(line, "Fv(")) {	/* a device's loader, not the firmware's own app */
			*mark = (size_t)(hit - serial) + strcspn(hit, "\r\n");
			return STAGE_HANDED_OVER;
		}
		from = hit + 1;
	}
	if (serial && (hit = strstr(serial, "BdsDxe: failed to load")))
		line_at(serial, hit, said, len);	/* the reason, if nothing boots at all */
	return STAGE_FIRMWARE;
}

/*
 * The first line the disk's code wrote to the console after mark, cleaned into out: escape
 * sequences and blank lines skipped, and OVMF's own lines ("BdsDxe: ..." when a loader
 * returns). False when there is none yet. *fell_back: OVMF started its shell after all.
 * *complete: the line has ended; one still being written ("Welcome to " of "Welcome to GRUB!")
 * is taken only when the next look finds it the same (a prompt that ends no line).
 */
static bool console_after(const char *serial, size_t mark, char *out, size_t len,
			  bool *fell_back, bool *complete)
{
	const char *s = serial + mark;

	*fell_back = false;
	*complete = false;
	while (*s) {
		char line[400];
		size_t n = 0;

		while (*s == '\r' || *s == '\n')
			s++;
		for (; *s && *s != '\r' && *s != '\n'; s++) {
			if (*s == '\033' && s[1] == '[') {	/* CSI: to its final byte */
				for (s += 2; *s && !(*s >= '@' && *s <= '~'); s++)
					;
				if (!*s)
					break;
				continue;
			}
			if (n + 1 < sizeof(line))
				line[n++] = *s;
		}
		line[n] = '\0';
		text_clean(line);
		if (strstr(line, "BdsDxe: starting") && strstr(line, "EFI Internal Shell"))
			*fell_back = true;
		if (line[strspn(line, " \t")] && strncmp(line + strspn(line, " \t"), "BdsDxe:", 7)) {
			snprintf(out, len, "%.*s", (int)(len - 1), line + strspn(line, " \t"));
			*complete = *s == '\r' || *s == '\n';
			return true;
		}
	}
	return false;
}

/* A screendump of the VM's display into s (its PPM parsed and bounded); false if none */
static bool screendump(struct qemu_run *q, struct screen *s)
{
	char path[PATH_MAX + 16], magic[3];
	struct json_object *args = json_object_new_object();
	unsigned w, h, max;
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/screen.ppm", q->dir);
	unlink(path);
	/* QEMU runs in the work directory: a name of ours, never a path of the caller's */
	json_object_object_add(args, "filename", json_object_new_string("screen.ppm"));
	if (qmp_execute(&q->vm.qmp, "screendump", args, SCREEN_WAIT_MS, NULL) ||
	    !(f = fopen(path, "re")))
		return false;
	free(s->px);
	s->px = NULL;
	if (fscanf(f, "%2s %u %u %u", magic, &w, &h, &max) == 4 && !strcmp(magic, "P6") &&
	    max == 255 && w && h && w * h <= SCREEN_PIXELS_MAX && fgetc(f) != EOF &&
	    (s->px = malloc((size_t)w * h * 3))) {
		s->w = w;
		s->h = h;
		ok = fread(s->px, 3, (size_t)w * h, f) == (size_t)w * h;
	}
	fclose(f);
	return ok;
}

/* The bytes the guest wrote to its disk ("disk", snapshot=on) as QEMU counts them, or -1; the
 * overlay grows by at most as much */
static long long disk_written(struct qemu_run *q)
{
	struct json_object *ret, *dev, *stats, *wr;
	long long written = -1;

	if (qmp_execute(&q->vm.qmp, "query-blockstats", NULL, SCREEN_WAIT_MS, &ret))
		return -1;
	for (size_t i = 0; json_object_is_type(ret, json_type_array) &&
	     i < json_object_array_length(ret); i++) {
		struct json_object *e = json_object_array_get_idx(ret, i);

		if (json_object_object_get_ex(e, "device", &dev) &&
		    !strcmp(json_object_get_string(dev), "disk") &&
		    json_object_object_get_ex(e, "stats", &stats) &&
		    json_object_object_get_ex(stats, "wr_bytes", &wr))
			written = json_object_get_int64(wr);
	}
	json_object_put(ret);
	return written;
}

/* Pixels that differ between two screens (all of them when the mode changed) */
static size_t screen_diff(const struct screen *a, const struct screen *b)
{
	size_t n = 0;

	if (!a->px || !b->px || a->w != b->w || a->h != b->h)
		return (size_t)b->w * b->h;
	for (size_t i = 0; i < (size_t)a->w * a->h; i++)
		n += memcmp(a->px + 3 * i, b->px + 3 * i, 3) != 0;
	return n;
}

static bool screen_blank(const struct screen *s)
{
	for (size_t i = 0; s->px && i < (size_t)s->w * s->h * 3; i++)
		if (s->px[i] != s->px[i % 3])
			return false;
	return true;
}

static void progress(const char *what, long ms, unsigned limit_s)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rvirtcap: booting the disk (read-only, through a snapshot): %s "
			"(%ld s of at most %u)\033[K", what, ms / 1000, limit_s);
}

/* Start QEMU: the disk as fd 3, read-only, through a snapshot; the firmware's debug port
 * logged in the work directory */
static int qemu_start(const struct partition_advice *a, int disk_fd, struct qemu_run *q,
		      bool kvm)
{
	const char *args[32];
	size_t n = 0;

	if (kvm) {
		args[n++] = "-enable-kvm";
		args[n++] = "-cpu";
		args[n++] = "host";
	} else {
		args[n++] = "-accel";
		args[n++] = "tcg";
	}
	args[n++] = "-m";
	args[n++] = "2G";
	args[n++] = "-nodefaults";	/* no CD-ROM or network for the firmware to try first */
	args[n++] = "-vga";
	args[n++] = "std";
	args[n++] = "-chardev";
	args[n++] = "file,id=firmware,path=" FIRMWARE_LOG;
	args[n++] = "-device";
	args[n++] = "isa-debugcon,iobase=0x402,chardev=firmware";
	if (a->uefi) {
		args[n++] = "-bios";
		args[n++] = a->ovmf;
	}
	args[n++] = "-add-fd";
	args[n++] = "fd=3,set=1,opaque=the-disk-read-only";
	args[n++] = "-drive";
	args[n++] = "driver=raw,file.driver=host_device,file.filename=/dev/fdset/1,snapshot=on,"
		    "if=none,id=disk";
	args[n++] = "-device";
	if (a->windows) {	/* as the printed command: Windows installed on AHCI */
		args[n++] = "ahci,id=ahci";
		args[n++] = "-device";
		args[n++] = "ide-hd,drive=disk,bus=ahci.0";
	} else {
		args[n++] = "virtio-blk-pci,drive=disk";
	}
	args[n] = NULL;

	struct qemu_vm_options o = { .args = args, .pass_fd = disk_fd,
				     .connect_ms = QMP_CONNECT_MS };

	return qemu_vm_start(&q->vm, q->dir, &o);
}

static void proof_say(struct partition_proof *p, const char *verdict, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void proof_say(struct partition_proof *p, const char *verdict, const char *fmt, ...)
{
	va_list ap;

	p->verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

/* The boot, watched until the disk's code shows it runs, the firmware gives up, or time is up */
static void watch(struct qemu_run *q, struct partition_proof *p, unsigned limit_s)
{
	struct screen handover = { 0 }, now = { 0 };
	struct timespec t0;
	enum stage stage = STAGE_FIRMWARE;
	size_t mark = 0;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms = elapsed_ms(&t0);
		if (qemu_vm_ended(&q->vm, &status)) {
			qemu_vm_said(&q->vm, p->qemu_said, sizeof(p->qemu_said));
			proof_say(p, "no", "QEMU ended after %ld ms%s%s", ms,
				  p->qemu_said[0] ? ": " : "", p->qemu_said);
			break;
		}
		if (ms > (long)limit_s * 1000) {
			if (stage == STAGE_HANDED_OVER)
				proof_say(p, "started", "the firmware started the disk's boot code "
					  "after %ld ms; then nothing changed on the screen and nothing was "
					  "written to the console in the %u s given (a boot loader that "
					  "drew at once and waits looks the same)", p->handover_ms, limit_s);
			else
				proof_say(p, "unknown", "the firmware did not start anything from "
					  "the disk within %u s%s%s", limit_s,
					  p->firmware_said[0] ? "; its last word: " : "",
					  p->firmware_said);
			break;
		}
		long long written = disk_written(q);

		if (written > (long long)OVERLAY_MAX_MIB << 20) {
			proof_say(p, "unknown", "stopped after %ld ms by virtcap's bound: the guest "
				  "wrote %lld MiB to its disk, more than the %d MiB its snapshot overlay "
				  "may take (the disk itself was never written)", ms, written >> 20,
				  OVERLAY_MAX_MIB);
			break;
		}
		/* the screen first, then the log: a screen taken before the log shows the
		 * hand-over was certainly taken before the hand-over */
		bool shot = screendump(q, &now), wrote = false, fell_back = false, complete = false;
		char partial[sizeof(p->console_said)];
		char *serial = qemu_vm_read(&q->vm, QEMU_VM_CONSOLE);
		char *debug = qemu_vm_read(&q->vm, FIRMWARE_LOG);
		enum stage seen = firmware_stage(serial, debug, p->firmware_said,
						 sizeof(p->firmware_said), &mark);

		snprintf(partial, sizeof(partial), "%s", p->console_said);
		if (seen == STAGE_HANDED_OVER && serial && mark <= strlen(serial))
			wrote = console_after(serial, mark, p->console_said, sizeof(p->console_said),
					      &fell_back, &complete);
		/* a line still being written is taken once it stops growing */
		wrote = wrote && (complete || !strcmp(partial, p->console_said));
		free(serial);
		free(debug);
		if (fell_back) {
			proof_say(p, "no", "the firmware started the disk's boot loader after %ld ms, "
				  "and it ended: the firmware fell back to its own shell",
				  p->handover_ms >= 0 ? p->handover_ms : ms);
			break;
		}
		if (seen == STAGE_HANDED_OVER && wrote) {
			if (p->handover_ms < 0)
				p->handover_ms = ms;
			p->screen_ms = ms;
			proof_say(p, "boots", "the firmware started the disk's boot code after %ld "
				  "ms, and it wrote to the console by %ld ms: \"%s\"", p->handover_ms,
				  ms, p->console_said);
			break;
		}
		if (stage == STAGE_FIRMWARE && seen == STAGE_NOTHING_TO_BOOT) {
			proof_say(p, "no", "the firmware found nothing to boot on the disk: %s",
				  p->firmware_said);
			break;
		}
		if (stage == STAGE_FIRMWARE && seen == STAGE_HANDED_OVER) {
			stage = STAGE_HANDED_OVER;
			p->handover_ms = ms;
			progress("the firmware started the disk's boot code; watching the screen",
				 ms, limit_s);
			if (shot) {
				handover = now;
				now = (struct screen){ 0 };
			}
		} else if (stage == STAGE_HANDED_OVER && shot) {
			if (!handover.px) {
				handover = now;
				now = (struct screen){ 0 };
			} else if (screen_diff(&handover, &now) >= CHANGED_PIXELS &&
				   !screen_blank(&now)) {
				p->screen_ms = ms;
				proof_say(p, "boots", "the firmware started the disk's boot code after "
					  "%ld ms, and it drew on the screen after %ld ms", p->handover_ms,
					  ms);
				break;
			}
		} else if (stage == STAGE_FIRMWARE) {
			progress("waiting for the firmware to start the disk's boot code", ms, limit_s);
		}
		usleep(TICK_MS * 1000);
	}
	qemu_vm_stop(&q->vm, &status);
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	free(handover.px);
	free(now.px);
}

int partition_prove(const struct partition_advice *a, struct partition_proof *p,
		    unsigned limit_s)
{
	struct qemu_run q = { .vm = { .qmp = { .fd = -1 }, .dir_fd = -1 } };
	struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
	int fd, rc;

	p->ran = true;
	p->accel = a->kvm ? "kvm" : "tcg";
	p->limit_s = limit_s;
	p->handover_ms = p->screen_ms = -1;
	if (!run_in_path("qemu-system-x86_64")) {
		proof_say(p, "not-run", "not run: qemu-system-x86_64 is not installed (Debian/Ubuntu: "
			  "apt install qemu-system-x86; Fedora: dnf install qemu-system-x86)");
		return 0;
	}
	if (a->uefi && !a->ovmf) {
		proof_say(p, "not-run", "not run: the disk boots by UEFI, and OVMF is not installed");
		return 0;
	}
	fd = open(a->disk_path, O_RDONLY | O_CLOEXEC);	/* the only way QEMU reaches the disk */
	if (fd < 0) {
		proof_say(p, "not-run", "not run: %s cannot be opened: %s", a->disk_path,
			  strerror(errno));
		return 0;
	}
	if ((rc = qemu_vm_workdir("virtcap-boot", q.dir, sizeof(q.dir)))) {
		close(fd);
		return rc;
	}
	sigaction(SIGPIPE, &ignore, &saved);	/* a QEMU that died: its monitor's pipe says EPIPE */
	rc = qemu_start(a, fd, &q, a->kvm);
	close(fd);
	if (rc)
		proof_say(p, "not-run", "not run: QEMU could not be started and reached over QMP: "
			  "%s", strerror(-rc));
	else
		watch(&q, p, limit_s);
	sigaction(SIGPIPE, &saved, NULL);
	qemu_vm_workdir_remove(q.dir);
	return 0;
}
