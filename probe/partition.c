// SPDX-License-Identifier: MIT
/*
 * What this host knows of a disk or partition for `virtcap advise partition DEVICE`
 * (reports/partition.h): sysfs's node and its disk, the partition table and each file
 * system read from the device itself (disk/blockdev.c, ntfs.c, windows_storage.c, fat.c), what
 * this host has mounted of it (this process's mount table, through device-mapper and loop
 * devices), and where the UEFI firmware QEMU needs is. Nothing is mounted or written; what to
 * make of it is reports/partition.c's.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk/blockdev.h"
#include "reports/partition.h"
#include "reports/text.h"

/* What sysfs says of a block device: its name, and for a partition its disk and number */
struct blockdev_node {
	char name[PART_NAME_MAX], disk[PART_NAME_MAX];
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
	if (!realpath(link, real) || !(base = strrchr(real, '/')) || strlen(base + 1) >= PART_NAME_MAX)
		return false;
	snprintf(n->name, sizeof(n->name), "%s", base + 1);
	read_sysfs_ull(real, "size", &n->sectors);
	if (read_sysfs_ull(real, "partition", &number) && number > 0 && number < 1u << 20) {
		*base = '\0';	/* a partition's directory is inside its disk's */
		parent = strrchr(real, '/');
		if (!parent || strlen(parent + 1) >= PART_NAME_MAX)
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

static void disk_use_read(const struct blockdev_node *dev, struct part_disk_use *u)
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

int probe_partition(const char *device, struct partition_advice *a, struct part_disk_use *use,
		    char *problem, size_t problem_len)
{
	struct blockdev_node node;
	struct stat st;
	int fd, disk_fd;

	fd = open(device, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || !node_of(st.st_rdev, &node)) {
		if (fd < 0 && errno == EACCES)
			snprintf(problem, problem_len, "cannot read it as this user (Permission "
				 "denied): its group is usually 'disk'; run virtcap as root (sudo), or "
				 "add the user to that group, which can read every disk");
		else
			snprintf(problem, problem_len, "%s", fd < 0 ? strerror(errno) :
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
		char sys[PART_NAME_MAX + 32];

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
	disk_use_read(&node, use);
	return 0;
}
