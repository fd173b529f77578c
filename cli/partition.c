// SPDX-License-Identifier: MIT
/*
 * `virtcap advise partition DEVICE`: can the OS on this partition (or disk) of this machine run
 * as a VM here, and how to try it without risk. Everything is read from the device itself
 * (probe/blockdev.c) and from sysfs and this process's mount table; nothing is mounted or
 * written. The way offered first is QEMU's snapshot=on overlay, which keeps every write of the
 * guest away from the disk; booting it for real (writing) is judged apart, because that is the
 * way data is lost: a file system mounted here and written by the guest too is corrupted.
 *
 * What is read: the partition table, each file system's kind, of NTFS what Windows left
 * (probe/ntfs.c: hibernated, dirty, installed) and the storage drivers an installed Windows
 * starts (probe/windows_storage.c, from its SYSTEM hive), and the loaders on the EFI system
 * partition (probe/fat.c).
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
#include "cli/partition.h"
#include "probe/blockdev.h"
#include "reports/caps.h"
#include "reports/report.h"
#include "reports/text.h"

#define NAME_MAX_DEV PART_NAME_MAX

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

/* A reason not to boot it for real, with what to do first */
static void __attribute__((format(printf, 4, 5))) block(struct partition_advice *a,
							 const char *id, const char *fix,
							 const char *fmt, ...)
{
	va_list ap;

	if (a->nblockers == PART_BLOCKERS_MAX)
		return;

	struct part_blocker *b = &a->blockers[a->nblockers++];

	b->id = id;
	snprintf(b->fix, sizeof(b->fix), "%s", fix);
	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
}

/* Where a partition is, in words */
static void place(const struct partition_advice *a, const struct part_found *p, char *buf,
		  size_t len)
{
	if (p->number)
		snprintf(buf, len, "partition %u of %s", p->number, a->disk_path);
	else
		snprintf(buf, len, "%s", a->disk_path);
}

/* What Windows left on an NTFS partition: hibernated, dirty, or not known */
static void windows_blockers(struct partition_advice *a, const struct part_found *p)
{
	static const char shut_down[] = "start Windows on this machine, turn off hibernation and "
		"Fast Startup (powercfg /h off, in an administrator's prompt), and shut it down; "
		"or, for one full shutdown, hold Shift while choosing Shut down";
	char where[PART_NAME_MAX + 48];

	place(a, p, where, sizeof(where));
	if (p->ntfs_problem) {
		block(a, "ntfs-unreadable", shut_down, "the NTFS on %s cannot be read (%s): whether "
		      "Windows is hibernated there is not known", where, p->ntfs_problem);
		return;
	}
	switch (p->ntfs.hiber) {
	case NTFS_HIBER_HIBERNATED:
	case NTFS_HIBER_SHORT:
		block(a, "hibernated", shut_down, "Windows on %s is hibernated (its hiberfil.sys "
		      "holds a hibernated system: Fast Startup does this at every shut down); "
		      "booted elsewhere it resumes on other hardware, and what was written since "
		      "is lost", where);
		snprintf(a->hibernated_note, sizeof(a->hibernated_note), "Windows is hibernated: "
			 "in the VM it tries to resume on other hardware and may stop; at its boot "
			 "menu, \"Delete restoration data\" starts it afresh (in the overlay only)");
		break;
	case NTFS_HIBER_UNREAD:
		block(a, "hibernation-unknown", shut_down, "the root of the NTFS on %s cannot be "
		      "read (%s): whether Windows is hibernated there is not known", where,
		      p->ntfs.unread ? p->ntfs.unread : "its hiberfil.sys");
		break;
	default:
		break;
	}
	if (p->ntfs.dirty)
		block(a, "dirty", "start Windows on this machine once and let its disk check "
		      "finish (or run chkdsk /f on that drive), then shut it down",
		      "the NTFS on %s is marked dirty: Windows did not finish with it (a crash, a "
		      "forced power-off, or a disk check it has scheduled)", where);
}

/*
 * The controller a Windows guest is given: the first (in virtcap's order) whose driver its
 * registry starts at boot. Any other and Windows stops with INACCESSIBLE_BOOT_DEVICE (stop
 * code 0x7B) before it shows anything but its logo.
 */
static void pick_controller(struct partition_advice *a)
{
	const struct part_found *w = NULL;

	a->controller = WIN_AHCI;	/* what most installed Windows have, when not known */
	for (size_t i = 0; i < a->nfound; i++)	/* the one asked about, else the first */
		if (a->found[i].storage_read && (!w || a->found[i].this_one))
			w = &a->found[i];
	if (!(a->windows_at = w))
		return;
	for (int c = 0; c < WIN_CONTROLLERS; c++)
		if (w->storage.boots[c]) {
			a->controller = c;
			return;
		}

	char where[PART_NAME_MAX + 48], starts[160] = "";
	size_t used = 0;

	for (size_t i = 0; i < WIN_DRIVERS && used < sizeof(starts); i++) {
		const struct win_driver *d = &w->storage.drivers[i];

		if (d->present && d->start_read)
			used += (size_t)snprintf(starts + used, sizeof(starts) - used, "%s%s Start=%u%s",
						 used ? ", " : "", d->service, d->start,
						 d->overridden ? " with a StartOverride" : "");
	}
	place(a, w, where, sizeof(where));
	snprintf(a->storage_note, sizeof(a->storage_note), "Windows starts no driver for a disk "
		 "controller QEMU offers at boot: in the VM it stops with INACCESSIBLE_BOOT_DEVICE "
		 "(stop code 0x7B) until the fix below is made");
	block(a, "storage-driver", "start that Windows on this machine and, in an administrator's "
	      "prompt: reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\storahci /v Start /t "
	      "REG_DWORD /d 0 /f, then reg delete HKLM\\SYSTEM\\CurrentControlSet\\Services\\"
	      "storahci\\StartOverride /f (an error that it is not there is fine), and shut it "
	      "down; it then starts on the AHCI controller the command gives it",
	      "Windows on %s starts no driver for a disk controller QEMU offers at boot (%s): on "
	      "any of them it stops with INACCESSIBLE_BOOT_DEVICE", where,
	      starts[0] ? starts : "no such driver is installed");
}

/* A BitLocker volume: its key is sealed to this machine's TPM and firmware, which a VM is not */
static void bitlocker_blocker(struct partition_advice *a, const struct part_found *p)
{
	char where[PART_NAME_MAX + 48];

	place(a, p, where, sizeof(where));
	block(a, "bitlocker", "have its recovery key at hand (in that Windows: manage-bde "
	      "-protectors -get C:, or account.microsoft.com/devices/recoverykey), or suspend "
	      "BitLocker there first: manage-bde -protectors -disable C: -RebootCount 0, and "
	      "manage-bde -protectors -enable C: when done",
	      "%s is encrypted by BitLocker: its key is sealed to this machine's TPM and "
	      "firmware, and a Windows booting from it in a VM stops at the BitLocker recovery "
	      "screen and asks for the 48-digit recovery key", where);
}

/* The disk's place in this host, and what stops a real boot: every blocker, each with its fix */
static void decide(struct partition_advice *a, const struct disk_use *use)
{
	char fix[NAME_MAX_DEV + 32];

	a->host_uses_disk = use->self[0] || use->other[0] || use->host_root;
	if (use->self[0]) {
		snprintf(fix, sizeof(fix), "sudo umount /dev/%s", use->self_name);
		block(a, "mounted", fix, "%s is mounted on this host at %s; a file system written by "
		      "two systems at once is corrupted", a->number ? a->shown : "the disk",
		      use->self);
	}
	if (use->host_root)
		block(a, "host-disk", "none while this host runs from the disk: start the other OS "
		      "natively, or use the snapshot way", "this host's / or /boot is on %s; the "
		      "guest's bootloader and file system checks would write to the disk this host "
		      "runs from", a->disk_path);
	if (use->other[0]) {
		snprintf(fix, sizeof(fix), "sudo umount /dev/%s", use->other_name);
		block(a, "other-mounted", fix, "/dev/%s, which lies on this disk, is mounted at %s; "
		      "the guest sees the whole disk and would write it too", use->other_name,
		      use->other);
	}
	for (size_t i = 0; i < a->nfound; i++)
		if (a->found[i].ntfs_read || a->found[i].ntfs_problem)
			windows_blockers(a, &a->found[i]);
	for (size_t i = 0; i < a->nfound; i++)
		if (a->found[i].fs && !strcmp(a->found[i].fs, "BitLocker"))
			bitlocker_blocker(a, &a->found[i]);
	if (a->windows)
		pick_controller(a);
}

/* The storage drivers an installed Windows starts at boot, from its SYSTEM hive */
static void read_storage(int fd, unsigned long long start, unsigned long long end,
			 struct part_found *p)
{
	unsigned char *hive;
	size_t size;

	if (ntfs_read_file(fd, start, end, WIN_SYSTEM_HIVE, WIN_HIVE_MAX, &hive, &size,
			   &p->storage_problem))
		return;
	p->storage_read = windows_storage_read(hive, size, &p->storage, &p->storage_problem) == 0;
	free(hive);
}

/* One partition (or a disk read whole): its file system, and what Windows left on NTFS */
static void look_at(int fd, unsigned long long start, unsigned long long end,
		    struct part_found *p)
{
	p->fs = blockdev_fs_type(fd, start, end);
	if (p->fs && !strcmp(p->fs, "ntfs"))
		p->ntfs_read = ntfs_read(fd, start, end, &p->ntfs, &p->ntfs_problem) == 0;
	if (p->ntfs_read && p->ntfs.windows_dir)
		read_storage(fd, start, end, p);
	if (p->esp && p->fs && !strcmp(p->fs, "vfat"))
		p->esp_read = esp_read(fd, start, end, &p->esp_found, &p->esp_problem) == 0;
}

/*
 * A new VM's UEFI firmware has no boot entries of its own (they live in the real machine's
 * NVRAM): it starts only the fallback loader, \EFI\BOOT\BOOTX64.EFI. An ESP without it, but
 * with an OS's loader, boots to the UEFI shell; the shell starts the loader by its path.
 */
static void uefi_fallback(struct partition_advice *a)
{
	const struct esp_facts *e = NULL;

	for (size_t i = 0; i < a->nfound && !e; i++)
		if (a->found[i].esp_read)
			e = &a->found[i].esp_found;
	if (e && e->fat32_short)
		block(a, "esp-fat32-clusters", "recreate the ESP with enough clusters for FAT32 (at "
		      "least 33 MiB with 512-byte clusters: mkfs.vfat -F 32 -s 1), or as FAT16 "
		      "(mkfs.vfat -F 16) when it is smaller, after copying its files out and before "
		      "copying them back; the boot entries in this machine's firmware name it by its "
		      "partition GUID, which stays", "the EFI system partition is FAT32 by its layout "
		      "but has %lu clusters, fewer than the %d FAT32 needs: Linux and this machine's "
		      "firmware may read it, but a VM's UEFI firmware (OVMF, EDK2's FAT driver) "
		      "refuses it as corrupted and will find no loader on it", e->clusters,
		      FAT32_MIN_CLUSTERS);
	if (!e || e->fallback)
		return;
	if (!e->nloaders) {
		snprintf(a->uefi_note, sizeof(a->uefi_note), "the EFI system partition holds no "
			 "x86-64 boot loader (no \\EFI\\*\\*.efi): a UEFI VM has nothing to boot");
		return;
	}

	char path[96];

	snprintf(path, sizeof(path), "\\EFI\\%s\\%s", e->loaders[0].dir, e->loaders[0].file);
	for (char *c = path; *c; c++)
		if (*c == '/')
			*c = '\\';
	snprintf(a->uefi_note, sizeof(a->uefi_note), "the EFI system partition has no fallback "
		 "loader (\\EFI\\BOOT\\BOOTX64.EFI), and a new VM's firmware has no boot entry "
		 "for %s: it stops in the UEFI shell; there, type FS0:%s (the shell's map lists "
		 "the partition as FS0: or another FSn:)", path, path);
}

/*
 * A disk no firmware starts anything from: no EFI system partition for UEFI, an MBR without
 * boot code for BIOS, and no Windows (whose own loader would say otherwise). Its file systems
 * may hold data, or an OS without a boot loader: a VM can read it, not boot it.
 */
static void nothing_to_boot(struct partition_advice *a)
{
	if (a->uefi || a->windows || !a->boot_code || strcmp(a->boot_code, "none"))
		return;
	snprintf(a->boot_note, sizeof(a->boot_note), "nothing on this disk boots (no boot code, no "
		 "EFI system partition): the VM stops in its firmware with no bootable device; "
		 "what its file systems hold can still be read from a guest that boots otherwise");
	block(a, "nothing-to-boot", "none if it holds data: give it to a VM that boots from a disk "
	      "of its own, as a second disk; to boot an OS on it, install a boot loader from that "
	      "OS (grub-install --target=i386-pc on the disk, or an EFI system partition with "
	      "grub-install --target=x86_64-efi)", "the disk holds nothing a firmware starts: no "
	      "EFI system partition, and its MBR has no boot code (all zeros), so no OS on it "
	      "can start, in a VM or on this machine");
}

static int gather(const struct report *r, const char *device, struct partition_advice *a)
{
	struct blockdev_node node;
	struct disk_use use;
	struct stat st;
	int fd, disk_fd;

	fd = open(device, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || !node_of(st.st_rdev, &node)) {
		if (fd < 0 && errno == EACCES)
			cli_error("virtcap: %s: cannot read it as this user (Permission denied): "
				  "its group is usually 'disk'; run virtcap as root (sudo), or add "
				  "the user to that group, which can read every disk\n", a->shown);
		else
			cli_error("virtcap: %s: %s\n", a->shown, fd < 0 ? strerror(errno) :
				  "not a block device known to sysfs (a partition such as "
				  "/dev/nvme0n1p3, or a whole disk)");
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	snprintf(a->name, sizeof(a->name), "%s", node.name);
	snprintf(a->disk, sizeof(a->disk), "%s", node.disk);
	snprintf(a->disk_path, sizeof(a->disk_path), "/dev/%s", node.disk);
	a->number = node.number;
	a->sectors = node.sectors;
	a->kvm = r->matrix[GUEST_OS64].verdict == VERDICT_YES;
	disk_fd = node.number ? open(a->disk_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) : dup(fd);
	if (disk_fd < 0)
		a->disk_errno = errno;
	/* a disk and its partitions are cached apart: what was written through a partition's
	 * node (Windows's files, by ntfs-3g) is on the disk, but an earlier read of the disk's
	 * node can still be cached. Dropping those clean pages makes the reads below the disk's. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (disk_fd >= 0)
		posix_fadvise(disk_fd, 0, 0, POSIX_FADV_DONTNEED);
	if (disk_fd >= 0) {
		unsigned long long disk_sectors = 0;
		char sys[NAME_MAX_DEV + 32];

		snprintf(sys, sizeof(sys), "/sys/class/block/%s", node.disk);
		read_sysfs_ull(sys, "size", &disk_sectors);
		if (blockdev_read_table(disk_fd, disk_sectors * 512, &a->layout, &a->table_problem))
			memset(&a->layout, 0, sizeof(a->layout));
		a->boot_code = blockdev_boot_code(disk_fd, disk_sectors * 512);
	}
	a->fs = blockdev_fs_type(fd, 0, node.sectors * 512);
	for (size_t i = 0; i < a->layout.nparts; i++) {
		const struct blockdev_part *bp = &a->layout.parts[i];
		struct part_found *p = &a->found[a->nfound++];

		p->number = bp->number;
		p->start = bp->start;
		p->sectors = bp->sectors;
		p->type = bp->type;
		p->esp = bp->esp;
		p->this_one = bp->number == node.number;
		a->uefi |= bp->esp;
		look_at(disk_fd, bp->start * 512, (bp->start + bp->sectors) * 512, p);
	}
	if (!a->layout.nparts) {	/* no table read: the device alone, as a file system */
		struct part_found *p = &a->found[a->nfound++];

		p->number = node.number;
		p->sectors = node.sectors;
		p->type = "";
		p->this_one = true;
		look_at(fd, 0, node.sectors * 512, p);
	}
	for (size_t i = 0; i < a->nfound; i++)
		a->windows |= a->found[i].fs && (!strcmp(a->found[i].fs, "ntfs") ||
						 !strcmp(a->found[i].fs, "BitLocker"));
	if (disk_fd >= 0)
		close(disk_fd);
	close(fd);

	a->ovmf = ovmf_path();
	if (a->uefi && !a->ovmf) {	/* the Secure Boot build's package: its fix fits here */
		const struct cap *c = report_cap(r, CAP_TOOLS_OVMF_SECBOOT);

		a->ovmf_fix = c && c->fix ? c->fix : "install OVMF (Debian/Ubuntu: apt install ovmf; "
			      "Fedora: dnf install edk2-ovmf)";
	}
	uefi_fallback(a);
	nothing_to_boot(a);
	disk_use_read(&node, &use);
	decide(a, &use);
	return 0;
}

/* --prove's default wait: a real OS's boot loader shows within seconds under KVM; emulated,
 * OVMF alone needs tens of seconds on a slow host */
#define PROVE_KVM_S 60
#define PROVE_TCG_S 180

int cli_advise_partition(const struct report *r, const char *device, bool json, bool prove,
			 unsigned limit_s, FILE *out)
{
	struct partition_advice *a = calloc(1, sizeof(*a));
	int rc = -ENOMEM;

	if (a && (a->shown = text_dup_clean(device)) && !(rc = gather(r, device, a)) && prove)
		rc = partition_prove(a, &a->proof, limit_s ? limit_s :
				     a->kvm ? PROVE_KVM_S : PROVE_TCG_S);
	/* a proof that it does not boot outweighs finding nothing that stops it */
	if (!rc && a->proof.ran && !strcmp(a->proof.verdict, "no"))
		block(a, "does-not-boot", "what the proof found, above, first: a disk that does not "
		      "boot through a snapshot does not boot for real either", "booted through a "
		      "snapshot, it does not boot: %s", a->proof.reason);
	if (!rc)
		rc = json ? partition_print_json(a, out) : partition_print_text(a, out);
	if (a)
		free(a->shown);
	free(a);
	return rc;
}
