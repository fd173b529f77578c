// SPDX-License-Identifier: MIT
/*
 * A FAT file system's tree read from its own bytes (disk/fat.h), with pread only: the boot
 * sector's BIOS parameter block, the FAT's cluster chains, and directories with their long
 * (VFAT) names, as Microsoft's FAT specification lays them out; the type (12, 16 or 32) from
 * the count of clusters, as the specification decides it, except for a FAT32 layout (no 16-bit
 * FAT size, no fixed root) with fewer clusters than FAT32 needs, which mkfs.vfat -F 32 makes
 * on small volumes: Linux and blkid read it by its layout, and so does this reader, while
 * EDK2's FAT driver (the UEFI firmware of VMs: OVMF) refuses it as corrupted, which
 * fat_layout() says. mtools, which no one here wrote, lists the same trees in t025.
 *
 * Another machine's bytes: every field of the parameter block is bounded before it sizes a
 * read, a chain is followed only through clusters that exist, a long name is taken only when
 * its pieces are complete and its checksum matches its short entry, and the walk's depth is
 * bounded. In a sound volume each cluster belongs to one chain, so the walk reads each cluster
 * as a directory at most once: a chain that loops, or a directory entry that points back at
 * its own directory or a parent (which would multiply the walk at every level), is a broken
 * volume, found at the second read. A total budget of directory bytes bounds what is left.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disk/disk_bytes.h"
#include "disk/fat.h"

#define DIR_BYTES_MAX (65536u * 32)	/* FAT's limit: 65536 entries of 32 bytes */
#define WALK_BYTES_MAX (64u << 20)	/* all directories one walk reads: an ESP has ~100 KiB */

struct fat {
	int fd;
	unsigned long long off, end;
	unsigned bits;			/* 12, 16 or 32 */
	uint32_t sector, cluster;	/* bytes */
	uint64_t fat_at, root_at, data_at;	/* byte offsets inside the volume */
	uint32_t root_bytes;		/* FAT12/16's fixed root directory */
	uint32_t root_cluster;		/* FAT32's */
	uint32_t clusters;		/* data clusters: numbered 2 .. clusters + 1 */
	bool fat32_short;		/* a FAT32 layout with fewer than FAT32_MIN_CLUSTERS */
};

static bool vol_read(const struct fat *f, uint64_t at, void *buf, size_t n)
{
	return at <= f->end - f->off && read_at(f->fd, f->end, f->off + at, buf, n);
}

static bool parse_bpb(struct fat *f)
{
	unsigned char b[512];

	if (!vol_read(f, 0, b, sizeof(b)) || b[510] != 0x55 || b[511] != 0xAA)
		return false;

	uint32_t bps = le16(b + 0x0B), spc = b[0x0D], reserved = le16(b + 0x0E), nfats = b[0x10];
	uint32_t root_entries = le16(b + 0x11), total = le16(b + 0x13), fat_size = le16(b + 0x16);

	/* FAT32's layout: its FAT size only in the 32-bit field, and no fixed root directory */
	bool fat32_layout = !fat_size && !root_entries;

	if (!total)
		total = le32(b + 0x20);
	if (!fat_size)
		fat_size = le32(b + 0x24);
	if (bps < 512 || bps > 4096 || bps & (bps - 1) || !spc || spc > 128 || spc & (spc - 1) ||
	    !reserved || !nfats || nfats > 4 || !fat_size || !total)
		return false;

	uint64_t root_sectors = ((uint64_t)root_entries * 32 + bps - 1) / bps;
	uint64_t first_data = reserved + (uint64_t)nfats * fat_size + root_sectors;

	if (first_data >= total)
		return false;
	f->sector = bps;
	f->cluster = bps * spc;
	f->clusters = (uint32_t)((total - first_data) / spc);
	f->bits = fat32_layout ? 32 : f->clusters < 4085 ? 12 : f->clusters < FAT32_MIN_CLUSTERS ?
		  16 : 32;
	f->fat32_short = fat32_layout && f->clusters < FAT32_MIN_CLUSTERS;
	f->fat_at = (uint64_t)reserved * bps;
	f->root_at = f->fat_at + (uint64_t)nfats * fat_size * bps;
	f->root_bytes = root_entries * 32;
	f->data_at = first_data * bps;
	if (f->bits == 32) {
		f->root_cluster = le32(b + 0x2C);
		if (root_entries || f->root_cluster < 2 || f->root_cluster - 2 >= f->clusters)
			return false;
	} else if (!root_entries) {
		return false;
	}
	/* the FAT must hold an entry for every cluster */
	return (uint64_t)fat_size * bps * 8 >= ((uint64_t)f->clusters + 2) * f->bits;
}

/* The cluster after n in its chain: 0 at the chain's end, 1 when the FAT is broken there */
static uint32_t next_cluster(const struct fat *f, uint32_t n)
{
	unsigned char e[4] = { 0 };
	uint32_t v;

	if (f->bits == 12) {
		if (!vol_read(f, f->fat_at + n + n / 2, e, 2))
			return 1;
		v = (n & 1) ? le16(e) >> 4 : le16(e) & 0xFFF;
		if (v >= 0xFF8)
			return 0;
	} else if (f->bits == 16) {
		if (!vol_read(f, f->fat_at + 2ull * n, e, 2))
			return 1;
		v = le16(e);
		if (v >= 0xFFF8)
			return 0;
	} else {
		if (!vol_read(f, f->fat_at + 4ull * n, e, 4))
			return 1;
		v = le32(e) & 0x0FFFFFFF;
		if (v >= 0x0FFFFFF8)
			return 0;
	}
	return v >= 2 && v - 2 < f->clusters ? v : 1;
}

/* What one walk has read: each cluster once, and a budget of bytes for all of them */
struct dir_reads {
	uint8_t *seen;			/* a bit per data cluster, set when read as a directory */
	uint64_t bytes;			/* read so far */
	const char *problem;		/* why the last read_dir failed */
};

/* A directory's bytes: FAT12/16's root (cluster 0), or the chain from cluster. NULL if broken,
 * with r->problem */
static unsigned char *read_dir(const struct fat *f, struct dir_reads *r, uint32_t cluster,
			       size_t *len)
{
	unsigned char *buf = NULL;

	r->problem = "a directory is broken (its cluster chain leaves the volume or loops)";
	if (!cluster) {
		if (f->bits == 32)
			cluster = f->root_cluster;
		else {
			*len = f->root_bytes;
			r->bytes += *len;
			buf = malloc(*len);
			if (buf && !vol_read(f, f->root_at, buf, *len)) {
				free(buf);
				buf = NULL;
			}
			return buf;
		}
	}
	if (cluster < 2 || cluster - 2 >= f->clusters)
		return NULL;
	*len = 0;
	while (cluster) {
		unsigned char *grown;
		uint32_t i = cluster - 2;

		if (cluster != 1 && r->seen[i / 8] & (1u << i % 8)) {
			r->problem = "a cluster is read twice as a directory (a chain loops, or a "
				     "directory holds itself or a parent)";
			cluster = 1;
		} else if (r->bytes + f->cluster > WALK_BYTES_MAX) {
			r->problem = "its directories are larger than the 64 MiB this reader reads";
			cluster = 1;
		}
		if (cluster == 1 || *len + f->cluster > DIR_BYTES_MAX ||
		    !(grown = realloc(buf, *len + f->cluster)) ||
		    !vol_read(f, f->data_at + (uint64_t)i * f->cluster, (buf = grown) + *len,
			      f->cluster)) {
			free(buf);	/* a broken chain, a cycle, or a directory past FAT's limit */
			return NULL;
		}
		r->seen[i / 8] |= (uint8_t)(1u << i % 8);
		r->bytes += f->cluster;
		*len += f->cluster;
		cluster = next_cluster(f, cluster);
	}
	return buf;
}

/* The short name's checksum that its long-name entries carry */
static uint8_t short_sum(const unsigned char *e)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + e[i]);
	return sum;
}

/* A name's character as it is shown: printable ASCII, never a path separator (a name holding
 * "EFI/BOOT" must not pass for a path), everything else '?' */
static bool name_char(unsigned c)
{
	return c >= 32 && c < 127 && c != '/' && c != '\\';
}

/* "NAME.EXT" from an 8.3 entry, in lower case where Windows NT's flags ask for it */
static void short_name(const unsigned char *e, char *out)
{
	size_t n = 0;
	int base_lower = e[12] & 0x08, ext_lower = e[12] & 0x10;

	for (int i = 0; i < 8 && e[i] != ' '; i++) {
		unsigned char c = i == 0 && e[0] == 0x05 ? 0xE5 : e[i];

		out[n++] = !name_char(c) ? '?' : base_lower ? (char)tolower(c) : (char)c;
	}
	if (e[8] != ' ') {
		out[n++] = '.';
		for (int i = 8; i < 11 && e[i] != ' '; i++)
			out[n++] = !name_char(e[i]) ? '?' : ext_lower ? (char)tolower(e[i]) : (char)e[i];
	}
	out[n] = '\0';
}

/* A long name being gathered from its entries, which come last piece first */
struct long_name {
	uint16_t units[20 * 13 + 1];
	int next;			/* the sequence number expected next; 0: none pending */
	uint8_t sum;
	int pieces;
};

static void long_piece(struct long_name *ln, const unsigned char *e)
{
	static const int at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
	int seq = e[0] & 0x1F;

	if (e[0] & 0x40) {	/* the last piece, first on disk: a new name starts */
		memset(ln, 0, sizeof(*ln));
		if (seq < 1 || seq > 20)
			return;
		ln->pieces = seq;
		ln->next = seq;
		ln->sum = e[13];
		ln->units[seq * 13] = 0;
	}
	if (!ln->next || seq != ln->next || e[13] != ln->sum) {
		ln->next = 0;	/* out of order or of another name: dropped */
		return;
	}
	for (int i = 0; i < 13; i++)
		ln->units[(seq - 1) * 13 + i] = le16(e + at[i]);
	ln->next--;
	if (!ln->next)
		ln->next = -1;	/* complete: the short entry comes next */
}

/* The long name, if complete and its checksum is the short entry's */
static bool long_take(struct long_name *ln, const unsigned char *e, char *out)
{
	size_t n = 0;
	bool ok = ln->next == -1 && ln->sum == short_sum(e);

	for (int i = 0; ok && i < ln->pieces * 13 && ln->units[i] && ln->units[i] != 0xFFFF &&
			n + 1 < FAT_NAME_MAX; i++)
		out[n++] = name_char(ln->units[i]) ? (char)ln->units[i] : '?';
	out[n] = '\0';
	ln->next = 0;
	return ok && n > 0;
}

struct walk {
	const struct fat *f;
	struct dir_reads reads;
	fat_visit_fn visit;
	void *ctx;
	char path[FAT_DEPTH_MAX * FAT_NAME_MAX];
	bool stopped;
};

static bool walk_dir(struct walk *w, uint32_t cluster, size_t path_len, int depth)
{
	struct long_name ln = { .next = 0 };
	size_t len;
	unsigned char *buf = read_dir(w->f, &w->reads, cluster, &len);
	bool ok = buf != NULL;

	for (size_t i = 0; ok && !w->stopped && i + 32 <= len; i += 32) {
		const unsigned char *e = buf + i;
		char name[FAT_NAME_MAX];

		if (e[0] == 0)
			break;	/* the end of the directory */
		if (e[0] == 0xE5) {
			ln.next = 0;
			continue;
		}
		if ((e[11] & 0x3F) == 0x0F) {
			long_piece(&ln, e);
			continue;
		}
		if (e[11] & 0x08) {	/* the volume's label */
			ln.next = 0;
			continue;
		}
		if (!long_take(&ln, e, name))
			short_name(e, name);
		if (!strcmp(name, ".") || !strcmp(name, "..") || !name[0])
			continue;

		bool dir = e[11] & 0x10;
		size_t n = strlen(name);

		if (path_len + 1 + n >= sizeof(w->path))
			continue;
		if (path_len)
			w->path[path_len] = '/';
		memcpy(w->path + path_len + !!path_len, name, n + 1);
		if (!w->visit(w->path, dir, w->ctx)) {
			w->stopped = true;
			break;
		}

		uint32_t sub = le16(e + 26) | (w->f->bits == 32 ? (uint32_t)le16(e + 20) << 16 : 0);

		if (dir && depth > 1 && sub)	/* cluster 0 is the root's: only ".." has it */
			ok = walk_dir(w, sub, path_len + !!path_len + n, depth - 1);
		w->path[path_len] = '\0';
	}
	free(buf);
	return ok;
}

/* Walk the FAT at [offset, end) of fd into f (its layout, for the caller), as fat_walk() */
static int walk(int fd, unsigned long long offset, unsigned long long end, int depth,
		fat_visit_fn visit, void *ctx, struct fat *f, const char **problem)
{
	struct walk *w;
	int rc = -1;

	*f = (struct fat){ .fd = fd, .off = offset, .end = end };
	*problem = "its boot sector is not a FAT's";
	if (end <= offset || !parse_bpb(f))
		return -1;
	*problem = "out of memory";
	if (!(w = calloc(1, sizeof(*w))))
		return -1;
	/* pages of the bitmap that no directory touches are never made */
	if (!(w->reads.seen = calloc(f->clusters / 8 + 1, 1))) {
		free(w);
		return -1;
	}
	w->f = f;
	w->visit = visit;
	w->ctx = ctx;
	if (depth > FAT_DEPTH_MAX)
		depth = FAT_DEPTH_MAX;
	if (walk_dir(w, 0, 0, depth)) {
		*problem = NULL;
		rc = 0;
	} else {
		*problem = w->reads.problem;
	}
	free(w->reads.seen);
	free(w);
	return rc;
}

int fat_walk(int fd, unsigned long long offset, unsigned long long end, int depth,
	     fat_visit_fn visit, void *ctx, const char **problem)
{
	struct fat f;

	return walk(fd, offset, end, depth, visit, ctx, &f, problem);
}

/* ---- the EFI system partition ---- */

static bool esp_visit(const char *path, bool dir, void *ctx)
{
	struct esp_facts *e = ctx;
	const char *name, *slash;
	size_t n;

	if (dir || strncasecmp(path, "EFI/", 4))
		return true;
	if (!strcasecmp(path, "EFI/BOOT/BOOTX64.EFI"))
		e->fallback = true;
	if (!strcasecmp(path, "EFI/Microsoft/Boot/bootmgfw.efi"))
		e->windows = true;
	/* a loader: EFI/DIR/FILE.efi, or Windows's one level deeper */
	name = path + 4;
	slash = strchr(name, '/');
	n = (size_t)(slash - name);
	if (!slash || !strncasecmp(name, "BOOT/", 5) || (strchr(slash + 1, '/') &&
	    strcasecmp(path, "EFI/Microsoft/Boot/bootmgfw.efi")) || n >= sizeof(e->loaders[0].dir))
		return true;
	if (strlen(path) < 4 || strcasecmp(path + strlen(path) - 4, ".efi"))
		return true;
	for (size_t i = 0; i < e->nloaders; i++)
		if (!strncasecmp(e->loaders[i].dir, name, n) && !e->loaders[i].dir[n]) {
			/* one per OS: shim first (Secure Boot's first stage), then GRUB */
			if (!strcasecmp(slash + 1, "shimx64.efi") ||
			    (!strcasecmp(slash + 1, "grubx64.efi") &&
			     strcasecmp(e->loaders[i].file, "shimx64.efi")))
				snprintf(e->loaders[i].file, sizeof(e->loaders[i].file), "%.39s",
					 slash + 1);
			return true;
		}
	if (e->nloaders < ESP_LOADERS_MAX) {
		snprintf(e->loaders[e->nloaders].dir, sizeof(e->loaders[0].dir), "%.*s", (int)n,
			 name);
		snprintf(e->loaders[e->nloaders].file, sizeof(e->loaders[0].file), "%.39s",
			 slash + 1);
		e->nloaders++;
	}
	return true;
}

int esp_read(int fd, unsigned long long offset, unsigned long long end, struct esp_facts *e,
	     const char **problem)
{
	struct fat f;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = walk(fd, offset, end, 4, esp_visit, e, &f, problem);
	e->clusters = f.clusters;
	e->fat32_short = f.fat32_short;
	return rc;
}
