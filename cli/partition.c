// SPDX-License-Identifier: MIT
/*
 * `virtcap advise partition DEVICE`: can the OS on this partition (or disk) of this machine run
 * as a VM here, and how to try it without risk. Everything is read from the device itself
 * (probe/blockdev.c) and from sysfs and this process's mount table; nothing is mounted or
 * written. The way offered first is QEMU's snapshot=on overlay, which keeps every write of the
 * guest away from the disk; booting it for real (writing) is judged apart, because that is the
 * way data is lost: a file system mounted here and written by the guest too is corrupted.
 *
 * Not read yet (issue 15): Windows hibernation and Fast Startup, BitLocker's recovery key,
 * the boot files, the storage driver the installed OS has; the output says so.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/cli.h"
#include "probe/blockdev.h"
#include "reports/caps.h"
#include "reports/report.h"
#include "reports/text.h"

#define NAME_MAX_DEV 64		/* a kernel block device name (sda, nvme0n1p3, loop0p2) */

/* What sysfs says of a block device: its name, and for a partition its disk and number */
struct blockdev_node {
	char name[NAME_MAX_DEV], disk[NAME_MAX_DEV];
	unsigned number;		/* 0: a whole disk */
	unsigned long long sectors;	/* its size in 512-byte sectors */
};

static bool read_sysfs_ull(const char *dir, const char *file, unsigned long long *v)
{
	char path[PATH_MAX], buf[32];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!(f = fopen(path, "re")))
		return false;
	ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%llu", v) == 1;
	fclose(f);
	return ok;
}

/* The node of device number dev from /sys/dev/block; false when sysfs does not know it */
static bool node_of(dev_t dev, struct blockdev_node *n)
{
	char link[64], real[PATH_MAX], *base, *parent;
	unsigned long long number = 0;

	memset(n, 0, sizeof(*n));
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(link, real) || !(base = strrchr(real, '/')) || strlen(base + 1) >= NAME_MAX_DEV)
		return false;
	snprintf(n->name, sizeof(n->name), "%s", base + 1);
	read_sysfs_ull(real, "size", &n->sectors);
	if (read_sysfs_ull(real, "partition", &number) && number > 0 && number < 1u << 20) {
		*base = '\0';	/* a partition's directory is inside its disk's */
		parent = strrchr(real, '/');
		if (!parent || strlen(parent + 1) >= NAME_MAX_DEV)
			return false;
		snprintf(n->disk, sizeof(n->disk), "%s", parent + 1);
		n->number = (unsigned)number;
	} else {
		snprintf(n->disk, sizeof(n->disk), "%s", n->name);
	}
	return true;
}

/*
 * Whether block device name lies on target (a disk or a partition): it is target, a partition
 * of it, or it is stacked on one of those, as an encrypted or LVM root is (device-mapper's
 * slaves/) or a loop device whose backing file is a partition's node. A mount of
 * /dev/mapper/luks-... is then a mount of the disk it decrypts. depth bounds a loop of links.
 */
static bool lies_on(const char *name, const char *target, int depth)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], backing[PATH_MAX];
	struct blockdev_node n;
	struct dirent *e;
	struct stat st;
	bool found = false;
	DIR *d;
	FILE *f;

	if (depth > 8 || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	snprintf(dir, sizeof(dir), "/sys/class/block/%s", name);
	if (stat(dir, &st) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/dev", dir);
	if ((f = fopen(path, "re"))) {
		unsigned maj, min;

		found = fscanf(f, "%u:%u", &maj, &min) == 2 && node_of(makedev(maj, min), &n) &&
			(!strcmp(n.name, target) || !strcmp(n.disk, target));
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/slaves", dir);
	if (!found && (d = opendir(path))) {
		while (!found && (e = readdir(d)))
			if (e->d_name[0] != '.')
				found = lies_on(e->d_name, target, depth + 1);
		closedir(d);
	}
	snprintf(path, sizeof(path), "%s/loop/backing_file", dir);
	if (!found && (f = fopen(path, "re"))) {
		if (fgets(backing, sizeof(backing), f)) {
			backing[strcspn(backing, "\n")] = '\0';
			found = stat(backing, &st) == 0 && S_ISBLK(st.st_mode) &&
				node_of(st.st_rdev, &n) && lies_on(n.name, target, depth + 1);
		}
		fclose(f);
	}
	return found;
}

/* What this host has mounted of the disk: the device itself, another partition, / or /boot */
struct disk_use {
	char self[PATH_MAX + NAME_MAX_DEV + 8];	/* where DEVICE itself is mounted, or "" */
	char self_name[NAME_MAX_DEV];	/* the device mounted there (DEVICE, or one on it) */
	char other[PATH_MAX];		/* where another partition of its disk is, or "" */
	char other_name[NAME_MAX_DEV];
	bool host_root;			/* / or /boot or /boot/efi is on the disk */
};

/* A mount point from mountinfo, its octal escapes (\040 for a space) undone */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

static void disk_use_read(const struct blockdev_node *dev, struct disk_use *u)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	memset(u, 0, sizeof(*u));
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned maj, min;
		char point[PATH_MAX];
		struct blockdev_node m;

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, point) != 3 ||
		    !node_of(makedev(maj, min), &m) || !lies_on(m.name, dev->disk, 0))
			continue;
		unescape(point);
		if (!strcmp(point, "/") || !strcmp(point, "/boot") || !strcmp(point, "/boot/efi"))
			u->host_root = true;
		text_clean(point);	/* shown only: mountinfo leaves control characters raw */
		if (!dev->number || lies_on(m.name, dev->name, 0)) {
			if (!u->self[0]) {	/* a whole disk: any of its partitions is "itself" */
				snprintf(u->self, sizeof(u->self), "%s (%s)", point, m.name);
				snprintf(u->self_name, sizeof(u->self_name), "%s", m.name);
			}
		} else if (!u->other[0]) {
			snprintf(u->other, sizeof(u->other), "%s", point);
			snprintf(u->other_name, sizeof(u->other_name), "%s", m.name);
		}
	}
	free(line);
	fclose(f);
}

static void size_text(unsigned long long sectors, char *out, size_t len)
{
	double mib = (double)sectors / 2048;

	if (mib >= 1024)
		snprintf(out, len, "%.1f GiB", mib / 1024);
	else
		snprintf(out, len, "%.1f MiB", mib);
}

/* A paragraph: lead, then the formatted text wrapped at 78 columns, indented by 2 */
static void __attribute__((format(printf, 3, 4))) say(FILE *out, const char *lead,
						      const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cli_print_wrapped(out, lead, text, 2);
}

static const char *table_name(enum blockdev_table t)
{
	return t == BLOCKDEV_GPT ? "GPT" : t == BLOCKDEV_MBR ? "MBR" : "no partition table";
}

/* The firmware QEMU needs for a UEFI guest, where Debian's and Fedora's ovmf put it */
static const char *ovmf_path(void)
{
	static const char *const paths[] = {
		"/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF.fd",
		"/usr/share/edk2/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

int cli_advise_partition(const struct report *r, const char *device, FILE *out)
{
	struct blockdev_layout l;
	struct blockdev_node node;
	struct disk_use use;
	struct stat st;
	char disk_path[NAME_MAX_DEV + 8], size[32], *shown = text_dup_clean(device);
	const char *problem = NULL, *fs, *ovmf;
	bool uefi = false, windows = false, kvm = r->matrix[GUEST_OS64].verdict == VERDICT_YES;
	int fd, disk_fd, disk_errno = 0;

	if (!shown)
		return -ENOMEM;
	fd = open(device, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || !node_of(st.st_rdev, &node)) {
		if (fd < 0 && errno == EACCES)
			cli_error("virtcap: %s: cannot read it as this user (Permission denied): "
				  "its group is usually 'disk'; run virtcap as root (sudo), or add "
				  "the user to that group, which can read every disk\n", shown);
		else
			cli_error("virtcap: %s: %s\n", shown, fd < 0 ? strerror(errno) :
				  "not a block device known to sysfs (a partition such as "
				  "/dev/nvme0n1p3, or a whole disk)");
		if (fd >= 0)
			close(fd);
		free(shown);
		return -EINVAL;
	}
	snprintf(disk_path, sizeof(disk_path), "/dev/%s", node.disk);
	disk_fd = node.number ? open(disk_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : dup(fd);
	if (disk_fd < 0)
		disk_errno = errno;
	memset(&l, 0, sizeof(l));
	if (disk_fd >= 0) {
		unsigned long long disk_sectors = 0;
		char sys[NAME_MAX_DEV + 32];

		snprintf(sys, sizeof(sys), "/sys/class/block/%s", node.disk);
		read_sysfs_ull(sys, "size", &disk_sectors);
		if (blockdev_read_table(disk_fd, disk_sectors * 512, &l, &problem))
			memset(&l, 0, sizeof(l));
	}
	fs = blockdev_fs_type(fd, 0, node.sectors * 512);
	disk_use_read(&node, &use);
	size_text(node.sectors, size, sizeof(size));

	if (node.number)
		fprintf(out, "%s: partition %u of %s (%s), %s, %s\n", shown, node.number, disk_path,
			table_name(l.table), size, fs ? fs : "no file system virtcap knows");
	else
		fprintf(out, "%s: a whole disk (%s), %s%s%s\n", shown, table_name(l.table), size,
			fs ? ", " : "", fs ? fs : "");
	if (problem)
		fprintf(out, "  its partition table is damaged: %s\n", problem);
	for (size_t i = 0; i < l.nparts; i++) {
		const struct blockdev_part *p = &l.parts[i];
		const char *pfs = disk_fd >= 0 ? blockdev_fs_type(disk_fd, p->start * 512,
								   (p->start + p->sectors) * 512) : NULL;

		size_text(p->sectors, size, sizeof(size));
		uefi |= p->esp;
		windows |= pfs && (!strcmp(pfs, "ntfs") || !strcmp(pfs, "BitLocker"));
		fprintf(out, "  %2u  %-12s %10s  %s%s\n", p->number, pfs ? pfs : "-", size,
			p->esp ? "EFI system partition" : p->type,
			p->number == node.number ? "  <- this one" : "");
	}
	if (disk_fd < 0)
		fprintf(out, "  %s cannot be read (%s): its partition table is not known\n", disk_path,
			strerror(disk_errno));
	else
		close(disk_fd);
	close(fd);

	ovmf = ovmf_path();
	say(out, "boots: ", "%s", uefi ? "by UEFI (the disk has an EFI system partition): QEMU "
	    "needs OVMF" : "by BIOS (no EFI system partition on the disk)");
	if (fs && !strcmp(fs, "crypto_LUKS"))
		say(out, "encrypted: ", "LUKS; the guest asks for its passphrase at boot");
	if (fs && !strcmp(fs, "BitLocker"))
		say(out, "encrypted: ", "BitLocker; in a VM the \"hardware\" changes and Windows "
		    "asks for the recovery key: have it at hand (account.microsoft.com/devices/"
		    "recoverykey)");

	fputc('\n', out);
	say(out, "safe to try: ", "yes, through a snapshot overlay: the guest reads %s, and every "
	    "write stays in a temporary file QEMU throws away%s", disk_path,
	    use.self[0] || use.other[0] ? " (what this host has mounted may look half-written "
	    "to the guest)" : "");
	if (uefi && !ovmf) {	/* the same package as the Secure Boot build: its fix fits this distribution */
		const struct cap *c = report_cap(r, CAP_TOOLS_OVMF_SECBOOT);

		say(out, "  first: ", "%s (UEFI firmware for QEMU)", c && c->fix ? c->fix :
		    "install OVMF (Debian/Ubuntu: apt install ovmf; Fedora: dnf install edk2-ovmf)");
	}
	if (!kvm)
		say(out, "  note: ", "this host cannot run a 64-bit OS under KVM (virtcap advise os64 "
		    "says why, and the fix): the command below emulates, many times slower");
	fprintf(out, "  qemu-system-x86_64 %s -m 4G -smp 2%s%s \\\n",
		kvm ? "-enable-kvm -cpu host" : "-accel tcg", uefi ? " -bios " : "",
		uefi ? (ovmf ? ovmf : "/usr/share/ovmf/OVMF.fd") : "");
	if (windows)	/* Windows installed on AHCI boots on AHCI; virtio needs a driver first */
		fprintf(out, "    -drive file=%s,format=raw,snapshot=on,if=none,id=disk \\\n"
			"    -device ahci,id=ahci -device ide-hd,drive=disk,bus=ahci.0\n", disk_path);
	else
		fprintf(out, "    -drive file=%s,format=raw,snapshot=on,if=virtio\n", disk_path);

	fputc('\n', out);
	if (use.self[0])
		say(out, "to boot it for real: ", "no: %s is mounted on this host at %s; a file "
		    "system written by two systems at once is corrupted. First: sudo umount "
		    "/dev/%s", node.number ? shown : "the disk", use.self, use.self_name);
	else if (use.host_root)
		say(out, "to boot it for real: ", "no: this host's / or /boot is on %s; the guest's "
		    "bootloader and file system checks would write to the disk this host runs "
		    "from", disk_path);
	else if (use.other[0])
		say(out, "to boot it for real: ", "no: /dev/%s, which lies on this disk, is mounted "
		    "at %s; the guest sees the whole disk and would write it too. First: sudo "
		    "umount /dev/%s", use.other_name, use.other, use.other_name);
	else
		say(out, "to boot it for real: ", "nothing found here stops it, but what follows is "
		    "not checked yet: take the snapshot way first");
	say(out, "not checked yet: ", "Windows Fast Startup or hibernation (a hibernated NTFS "
	    "written by another system loses data), the OS and its boot files, the storage "
	    "driver it was installed with");
	free(shown);
	return ferror(out) ? -EIO : 0;
}
