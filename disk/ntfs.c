// SPDX-License-Identifier: MIT
/*
 * An NTFS volume read from its own bytes (disk/ntfs.h), with pread only, as far as Windows's
 * state needs: the boot sector, $MFT's record 0 (where the MFT itself lies), record 3 ($Volume:
 * version and dirty flag), record 5 (the root directory's $I30 index: its resident root and
 * its INDX blocks), and the first bytes of \hiberfil.sys. The layouts are NTFS 3.x's, as
 * ntfs-3g documents and reads them; ntfs-3g's own tools (ntfs-3g.probe, ntfsinfo, ntfsls)
 * check every answer here (t023).
 *
 * Everything is another machine's data: every record passes its update-sequence check before
 * a field of it is used, every length is checked against its container before it is followed,
 * every cluster run against the volume, and the number of runs and index blocks is bounded.
 * What cannot be read within those bounds is said to be unread, never guessed.
 */
#include <strings.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk_bytes.h"
#include "disk/ntfs.h"

#define RUNS_MAX 1024			/* more fragments than this: not read (a registry hive
					 * Windows grew for years has a few hundred) */
#define RECORD_MAX 4096			/* an MFT record: 1024 bytes (4096 on 4Kn disks) */
#define INDEX_BLOCK_MAX 65536
#define INDEX_BLOCKS_MAX 4096		/* System32's index: a few hundred blocks */
#define CLUSTER_MAX (2u << 20)		/* NTFS's largest cluster: 2 MiB */
#define LIST_MAX 65536			/* an attribute list: a few hundred bytes */
#define HIBER_HEADER 4096		/* ntfs-3g reads this much of hiberfil.sys */

#define ATTR_LIST 0x20u
#define ATTR_VOLUME_INFO 0x70u
#define ATTR_DATA 0x80u
#define ATTR_INDEX_ROOT 0x90u
#define ATTR_INDEX_ALLOC 0xA0u
#define ATTR_BITMAP 0xB0u
#define ATTR_END 0xFFFFFFFFu
#define FILE_NAME_DIR 0x10000000u	/* $FILE_NAME's flag: the entry is a directory */
#define MFT_REF_MASK 0xFFFFFFFFFFFFull

struct run {
	uint64_t vcn, lcn, len;		/* in clusters */
	bool sparse;
};

struct runlist {
	size_t n;
	struct run r[RUNS_MAX];
};

struct volume {
	int fd;
	unsigned long long off, end;	/* the volume's bytes on fd */
	uint32_t cluster, record;	/* bytes per cluster and per MFT record */
	uint64_t clusters;		/* clusters inside both the volume and [off, end) */
	struct runlist mft;
};

/* Apply a record's update sequence (every 512-byte stride ends in its number, the true bytes
 * kept in the array): false when the magic or any stride does not match, a torn write */
static bool fixup(unsigned char *b, uint32_t size, const char *magic)
{
	if (memcmp(b, magic, 4))
		return false;

	uint32_t at = le16(b + 4), count = le16(b + 6);

	if (at < 8 || at & 1 || count != size / 512 + 1 || at + 2 * count > size)
		return false;
	for (uint32_t i = 1; i < count; i++) {
		unsigned char *end = b + i * 512 - 2;

		if (end[0] != b[at] || end[1] != b[at + 1])
			return false;
		end[0] = b[at + 2 * i];
		end[1] = b[at + 2 * i + 1];
	}
	return true;
}

/* An NTFS name (UTF-16LE, n units) is ascii, ignoring ASCII case as Windows does */
static bool name_is(const unsigned char *u16, size_t n, const char *ascii)
{
	return windows_name_is(u16, n, true, ascii, strlen(ascii));
}

/* The attribute of type named name ("" for the unnamed one) in a fixed-up record, or NULL;
 * *len its checked length */
static const unsigned char *find_attr(const unsigned char *rec, uint32_t size, uint32_t type,
				      const char *name, uint32_t *len)
{
	uint32_t used = le32(rec + 0x18), at = le16(rec + 0x14);

	if (!(le16(rec + 0x16) & 1) || used > size || at < 0x18)
		return NULL;	/* not in use, or its header is out of bounds */
	while (at <= used && used - at >= 16) {
		const unsigned char *a = rec + at;
		uint32_t t = le32(a), l = le32(a + 4);

		if (t == ATTR_END || l < 16 || l & 7 || l > used - at)
			return NULL;

		uint32_t name_len = a[9], name_at = le16(a + 10);

		if (t == type && name_at + 2 * name_len <= l && name_is(a + name_at, name_len, name) &&
		    l >= (a[8] ? 0x40u : 0x18u)) {
			*len = l;
			return a;
		}
		at += l;
	}
	return NULL;
}

/* A resident attribute's value, inside the attribute */
static bool resident_value(const unsigned char *a, uint32_t len, const unsigned char **value,
			   uint32_t *value_len)
{
	uint32_t l = le32(a + 0x10), at = le16(a + 0x14);

	if (a[8] || at > len || l > len - at)
		return false;
	*value = a + at;
	*value_len = l;
	return true;
}

/* A non-resident attribute extent's cluster runs, appended to rl: the extent must start where
 * rl ends (its mapping pairs count from LCN 0 again), and every run lies inside the volume */
static bool append_runs(const struct volume *v, const unsigned char *a, uint32_t len,
			struct runlist *rl)
{
	uint32_t at = le16(a + 0x20);
	uint64_t vcn = rl->n ? rl->r[rl->n - 1].vcn + rl->r[rl->n - 1].len : 0;
	int64_t lcn = 0;
	size_t first = rl->n;

	if (!a[8] || le64(a + 0x10) != vcn || at >= len)
		return false;	/* resident, or an extent that does not follow the ones read */
	for (const unsigned char *p = a + at, *end = a + len; p < end && *p; ) {
		unsigned len_bytes = *p & 15, off_bytes = *p >> 4;
		uint64_t count = 0, delta = 0;

		if (!len_bytes || len_bytes > 8 || off_bytes > 8 ||
		    (size_t)(end - p) < 1u + len_bytes + off_bytes || rl->n == RUNS_MAX)
			return false;
		for (unsigned i = 0; i < len_bytes; i++)
			count |= (uint64_t)p[1 + i] << (8 * i);
		for (unsigned i = 0; i < off_bytes; i++)
			delta |= (uint64_t)p[1 + len_bytes + i] << (8 * i);
		if (!count || count > v->clusters)
			return false;

		struct run *r = &rl->r[rl->n++];

		r->vcn = vcn;
		r->len = count;
		r->sparse = !off_bytes;
		if (off_bytes) {	/* a signed step from the run before */
			unsigned shift = 64 - 8 * off_bytes;
			int64_t step = (int64_t)(delta << shift) >> shift;

			if (__builtin_add_overflow(lcn, step, &lcn) || lcn < 0 ||
			    (uint64_t)lcn >= v->clusters || count > v->clusters - (uint64_t)lcn)
				return false;
			r->lcn = (uint64_t)lcn;
		}
		vcn += count;
		p += 1 + len_bytes + off_bytes;
	}
	return rl->n > first;
}

/* n bytes at off of the stream the runs map (sparse runs read as zeros) */
static bool stream_read(const struct volume *v, const struct runlist *rl, uint64_t off,
			unsigned char *buf, size_t n)
{
	while (n) {
		uint64_t vcn = off / v->cluster;
		const struct run *r = NULL;

		for (size_t i = 0; i < rl->n && !r; i++)
			if (vcn >= rl->r[i].vcn && vcn - rl->r[i].vcn < rl->r[i].len)
				r = &rl->r[i];
		if (!r)
			return false;

		uint64_t run_end = (r->vcn + r->len) * v->cluster;
		size_t piece = run_end - off < n ? (size_t)(run_end - off) : n;

		if (r->sparse)
			memset(buf, 0, piece);
		else if (!read_at(v->fd, v->end, v->off + (r->lcn + (vcn - r->vcn)) * v->cluster +
				  off % v->cluster, buf, piece))
			return false;
		buf += piece;
		off += piece;
		n -= piece;
	}
	return true;
}

/* MFT record number into rec (v->record bytes), fixed up and in use */
static bool read_record(const struct volume *v, uint64_t number, unsigned char *rec)
{
	return number <= MFT_REF_MASK && stream_read(v, &v->mft, number * v->record, rec, v->record) &&
	       fixup(rec, v->record, "FILE") && (le16(rec + 0x16) & 1);
}

/* The record a directory entry's reference names, in rec: false when it is not in use or its
 * sequence number differs (the entry is stale: the record was freed and used again) */
static bool read_ref(const struct volume *v, uint64_t ref, unsigned char *rec)
{
	return read_record(v, ref & MFT_REF_MASK, rec) && le16(rec + 0x10) == ref >> 48;
}

/* An attribute list's entries, resident or not, in a copy the caller frees; NULL when it
 * cannot be read or is longer than any real one */
static unsigned char *list_copy(const struct volume *v, const unsigned char *list, uint32_t len,
				uint32_t *size)
{
	const unsigned char *value;
	unsigned char *copy = NULL;

	if (!list[8]) {
		if (resident_value(list, len, &value, size) && (copy = malloc(*size + 1)))
			memcpy(copy, value, *size);
		return copy;
	}

	uint64_t stream = le64(list + 0x30);
	struct runlist *runs = malloc(sizeof(*runs));

	if (runs && stream <= LIST_MAX && (copy = malloc(stream + 1))) {
		runs->n = 0;
		if (!append_runs(v, list, len, runs) || !stream_read(v, runs, 0, copy, stream)) {
			free(copy);
			copy = NULL;
		}
		*size = (uint32_t)stream;
	}
	free(runs);
	return copy;
}

/*
 * The k-th extent (from 0, in VCN order) of the attribute type/name of the file whose base
 * record, number base, is in rec; NULL when there is none or it cannot be read. A file with
 * many attributes or fragments keeps an attribute list: then the extents can lie in other
 * records, read into ext (valid until the next call).
 */
static const unsigned char *extent(const struct volume *v, const unsigned char *rec,
				   uint64_t base, uint32_t type, const char *name, unsigned k,
				   unsigned char *ext, uint32_t *len)
{
	const unsigned char *list, *found = NULL;
	unsigned char *entries;
	uint32_t list_len, size;

	if (!(list = find_attr(rec, v->record, ATTR_LIST, "", &list_len)))
		return k ? NULL : find_attr(rec, v->record, type, name, len);
	if (!(entries = list_copy(v, list, list_len, &size)))
		return NULL;
	for (uint32_t at = 0; at <= size && size - at >= 0x1A; ) {
		const unsigned char *e = entries + at;
		uint32_t l = le16(e + 4), name_len = e[6], name_at = e[7];

		if (l < 0x1A || l > size - at || name_at + 2 * name_len > l)
			break;
		at += l;
		if (le32(e) != type || !name_is(e + name_at, name_len, name))
			continue;
		if (k) {
			k--;
			continue;
		}

		uint64_t ref = le64(e + 0x10) & MFT_REF_MASK, vcn = le64(e + 8);
		const unsigned char *r = rec;

		if (ref != base) {	/* an extension record names its base record */
			if (!read_record(v, ref, ext) || (le64(ext + 0x20) & MFT_REF_MASK) != base)
				break;
			r = ext;
		}
		found = find_attr(r, v->record, type, name, len);
		if (found && (found[8] ? le64(found + 0x10) != vcn : vcn != 0))
			found = NULL;
		break;
	}
	free(entries);
	return found;
}

/* All the cluster runs of a non-resident attribute, from each of its extents in turn */
static bool load_runs(const struct volume *v, const unsigned char *rec, uint64_t base,
		      uint32_t type, const char *name, unsigned char *ext, struct runlist *rl)
{
	rl->n = 0;
	for (unsigned k = 0; k < RUNS_MAX; k++) {
		uint32_t len;
		const unsigned char *a = extent(v, rec, base, type, name, k, ext, &len);

		if (!a)
			return k > 0;
		if (!append_runs(v, a, len, rl))
			return false;
	}
	return true;
}

/* An attribute's size: a resident one's value (*value), or a non-resident one's stream size
 * (its first extent holds it; *value NULL). False when it is not there or cannot be read */
static bool attr_size(const struct volume *v, const unsigned char *rec, uint64_t base,
		      uint32_t type, const char *name, unsigned char *ext, uint64_t *size,
		      const unsigned char **value)
{
	uint32_t len, value_len;
	const unsigned char *a = extent(v, rec, base, type, name, 0, ext, &len);

	*value = NULL;
	if (!a)
		return false;
	if (a[8]) {
		*size = le64(a + 0x30);
		return true;
	}
	*size = 0;
	if (!resident_value(a, len, value, &value_len))
		return false;
	*size = value_len;
	return true;
}

/* The boot sector's geometry, each field within NTFS's limits */
static bool read_boot(struct volume *v, uint64_t *mft_lcn)
{
	unsigned char b[512];

	if (!read_at(v->fd, v->end, v->off, b, sizeof(b)) || memcmp(b + 3, "NTFS    ", 8) ||
	    b[510] != 0x55 || b[511] != 0xAA)
		return false;

	uint32_t sector = le16(b + 0x0B), per_cluster = b[0x0D];
	int8_t per_record = (int8_t)b[0x40];

	if (sector < 256 || sector > 4096 || sector & (sector - 1))
		return false;
	if (per_cluster > 0x80)		/* large clusters: a negative power of two */
		per_cluster = 256 - per_cluster < 16 ? 1u << (256 - per_cluster) : 0;
	if (!per_cluster || per_cluster & (per_cluster - 1) || sector * per_cluster > CLUSTER_MAX)
		return false;
	v->cluster = sector * per_cluster;
	if (per_record > 0)
		v->record = per_record <= 8 ? (uint32_t)per_record * v->cluster : 0;
	else
		v->record = per_record >= -12 && per_record <= -9 ? 1u << -per_record : 0;
	if (v->record < 512 || v->record > RECORD_MAX)
		return false;

	uint64_t in_volume = le64(b + 0x28) / per_cluster, on_disk = (v->end - v->off) / v->cluster;

	v->clusters = in_volume < on_disk ? in_volume : on_disk;
	*mft_lcn = le64(b + 0x30);
	return *mft_lcn < v->clusters;
}

/* One entry of a directory's index */
struct dir_entry {
	const unsigned char *name;	/* UTF-16LE, n units */
	size_t n;
	bool dir;
	uint64_t ref;			/* its MFT reference (sequence number in the top 16 bits) */
};

typedef void dir_visit(const struct dir_entry *e, void *ctx);

/* The entries of an index node (its header at hdr, avail bytes from it); false when broken */
static bool scan_entries(const unsigned char *hdr, uint32_t avail, dir_visit *visit, void *ctx)
{
	uint32_t first = le32(hdr), used = le32(hdr + 4);

	if (first < 16 || used > avail || first > used)
		return false;
	for (uint32_t at = first; used - at >= 16; ) {
		const unsigned char *e = hdr + at, *key = e + 16;
		uint32_t len = le16(e + 8), key_len = le16(e + 10), flags = le16(e + 12);

		if (len < 16 || len & 7 || len > used - at)
			return false;
		if (flags & 2)
			return true;	/* the node's last entry has no name */
		if (key_len >= 0x42 && 16 + key_len <= len && 0x42 + 2u * key[0x40] <= key_len) {
			struct dir_entry d = {
				.name = key + 0x42, .n = key[0x40], .ref = le64(e),
				.dir = le32(key + 0x38) & FILE_NAME_DIR,
			};

			visit(&d, ctx);
		}
		at += len;
	}
	return true;
}

/* Directory number's entries: its index root, then each INDX block its bitmap marks used.
 * NULL, or what could not be read */
static const char *scan_dir(const struct volume *v, uint64_t number, unsigned char *rec,
			    unsigned char *ext, dir_visit *visit, void *ctx)
{
	unsigned char bitmap[INDEX_BLOCKS_MAX / 8];
	const unsigned char *a, *value;
	uint32_t len, value_len, block;
	uint64_t bitmap_len, blocks;

	if (!read_record(v, number, rec) || !(le16(rec + 0x16) & 2))
		return "its MFT record";
	if (!(a = extent(v, rec, number, ATTR_INDEX_ROOT, "$I30", 0, ext, &len)) ||
	    !resident_value(a, len, &value, &value_len) || value_len < 32 ||
	    !scan_entries(value + 16, value_len - 16, visit, ctx))
		return "its index";
	if (!(value[16 + 12] & 1))
		return NULL;	/* small: every entry is in the index root */
	block = le32(value + 8);
	if (block < 512 || block > INDEX_BLOCK_MAX || block & (block - 1))
		return "its index (the block size)";

	/* which blocks are in use: a free one may still hold entries of deleted files */
	if (!attr_size(v, rec, number, ATTR_BITMAP, "$I30", ext, &bitmap_len, &value) || !value ||
	    bitmap_len == 0)
		return "its index bitmap";	/* or not resident */
	if (bitmap_len > sizeof(bitmap))
		bitmap_len = sizeof(bitmap);	/* blocks past it are refused below */
	memcpy(bitmap, value, bitmap_len);
	if (!attr_size(v, rec, number, ATTR_INDEX_ALLOC, "$I30", ext, &blocks, &value) || value)
		return "its index blocks";
	blocks /= block;
	if (blocks > INDEX_BLOCKS_MAX || blocks > bitmap_len * 8)
		return "its index (more blocks than virtcap reads)";

	struct runlist *runs = malloc(sizeof(*runs));
	unsigned char *buf = malloc(block);
	const char *unread = NULL;

	if (!runs || !buf)
		unread = "its index (out of memory)";
	else if (!load_runs(v, rec, number, ATTR_INDEX_ALLOC, "$I30", ext, runs))
		unread = "its index blocks";
	for (uint64_t k = 0; k < blocks && !unread; k++) {
		if (!(bitmap[k / 8] & 1u << (k % 8)))
			continue;
		if (!stream_read(v, runs, k * block, buf, block) || !fixup(buf, block, "INDX") ||
		    !scan_entries(buf + 0x18, block - 0x18, visit, ctx))
			unread = "an index block";
	}
	free(buf);
	free(runs);
	return unread;
}

/* What the root directory's entries say: Windows's files, and hiberfil.sys's record */
struct root_scan {
	struct ntfs_facts *f;
	uint64_t hiberfil;		/* its MFT reference, or 0 */
};

static void root_entry(const struct dir_entry *e, void *ctx)
{
	struct root_scan *s = ctx;

	if (!e->dir && name_is(e->name, e->n, "hiberfil.sys"))
		s->hiberfil = e->ref;
	else if (!e->dir && name_is(e->name, e->n, "bootmgr"))
		s->f->bootmgr = true;
	else if (e->dir && name_is(e->name, e->n, "Boot"))
		s->f->boot_dir = true;
	else if (e->dir && name_is(e->name, e->n, "Windows"))
		s->f->windows_dir = true;
}

/* hiberfil.sys's first bytes: hibernated when they say "hibr" (either case), as ntfs-3g reads */
static enum ntfs_hiber read_hiberfil(const struct volume *v, uint64_t ref, unsigned char *rec,
				     unsigned char *ext)
{
	unsigned char head[4] = { 0 };
	const unsigned char *value;
	uint64_t number = ref & MFT_REF_MASK, size;

	if (!read_ref(v, ref, rec))
		return NTFS_HIBER_UNREAD;	/* a stale entry */
	if (!attr_size(v, rec, number, ATTR_DATA, "", ext, &size, &value))
		return NTFS_HIBER_UNREAD;
	if (size < HIBER_HEADER)
		return NTFS_HIBER_SHORT;
	if (!value) {	/* non-resident: the first bytes of its clusters */
		struct runlist *runs = malloc(sizeof(*runs));
		bool read = runs && load_runs(v, rec, number, ATTR_DATA, "", ext, runs) &&
			    stream_read(v, runs, 0, head, sizeof(head));

		free(runs);
		if (!read)
			return NTFS_HIBER_UNREAD;
	} else {
		memcpy(head, value, sizeof(head));
	}
	return strncasecmp((const char *)head, "hibr", 4) ? NTFS_HIBER_CLEAR :
							    NTFS_HIBER_HIBERNATED;
}

/* The volume at [offset, end) of fd: its geometry and where its MFT lies. NULL, or why it
 * cannot be trusted. rec and ext are scratch records. */
static const char *volume_open(struct volume *v, int fd, unsigned long long offset,
			       unsigned long long end, unsigned char *rec, unsigned char *ext)
{
	const unsigned char *a;
	struct runlist *all;
	uint64_t mft_lcn;
	uint32_t len;

	v->fd = fd;
	v->off = offset;
	v->end = end;
	if (end < offset || !read_boot(v, &mft_lcn))
		return "its boot sector is not NTFS's";
	/* record 0, $MFT, says where the MFT lies: its first extent is enough to read the
	 * records of the rest, if an attribute list says there is a rest */
	if (!read_at(fd, end, offset + mft_lcn * v->cluster, rec, v->record) ||
	    !fixup(rec, v->record, "FILE") ||
	    !(a = find_attr(rec, v->record, ATTR_DATA, "", &len)) || !append_runs(v, a, len, &v->mft) ||
	    v->mft.r[0].sparse || v->mft.r[0].lcn != mft_lcn)
		return "$MFT's own record (0) is broken";
	if (!find_attr(rec, v->record, ATTR_LIST, "", &len))
		return NULL;
	if (!(all = malloc(sizeof(*all))))
		return "out of memory";

	bool loaded = load_runs(v, rec, 0, ATTR_DATA, "", ext, all);

	if (loaded)
		v->mft = *all;
	free(all);
	return loaded ? NULL : "$MFT's own record (0) is broken";
}

/* The scratch a reader needs: the volume, and two MFT records */
struct scratch {
	struct volume v;
	unsigned char rec[RECORD_MAX], ext[RECORD_MAX];
};

int ntfs_read(int fd, unsigned long long offset, unsigned long long end, struct ntfs_facts *f,
	      const char **problem)
{
	struct scratch *sc = calloc(1, sizeof(*sc));
	const unsigned char *a, *value;
	uint32_t len, value_len;

	memset(f, 0, sizeof(*f));
	if (!sc) {
		*problem = "out of memory";
		return -1;
	}
	if ((*problem = volume_open(&sc->v, fd, offset, end, sc->rec, sc->ext)))
		goto out;
	*problem = "$Volume (record 3) is broken";
	if (!read_record(&sc->v, 3, sc->rec) ||
	    !(a = find_attr(sc->rec, sc->v.record, ATTR_VOLUME_INFO, "", &len)) ||
	    !resident_value(a, len, &value, &value_len) || value_len < 12)
		goto out;
	f->major = value[8];
	f->minor = value[9];
	f->dirty = le16(value + 10) & 1;
	*problem = NULL;

	struct root_scan s = { .f = f };
	const char *unread = scan_dir(&sc->v, 5, sc->rec, sc->ext, root_entry, &s);

	if (unread) {
		snprintf(f->unread_buf, sizeof(f->unread_buf), "the root directory (%s)", unread);
		f->unread = f->unread_buf;
		f->hiber = NTFS_HIBER_UNREAD;
	} else {
		f->hiber = s.hiberfil ? read_hiberfil(&sc->v, s.hiberfil, sc->rec, sc->ext) :
					NTFS_HIBER_NONE;
	}
out:
	free(sc);
	return *problem ? -1 : 0;
}

/* One name looked up in a directory: the last entry of that name (a Win32 name and its DOS
 * twin point to the same record) */
struct lookup {
	const char *name;
	size_t len;
	uint64_t ref;
	bool dir, found;
};

static void lookup_entry(const struct dir_entry *e, void *ctx)
{
	struct lookup *l = ctx;
	char name[256];

	if (l->len >= sizeof(name))
		return;
	memcpy(name, l->name, l->len);
	name[l->len] = '\0';
	if (name_is(e->name, e->n, name)) {
		l->ref = e->ref;
		l->dir = e->dir;
		l->found = true;
	}
}

/* The record of the file at path into rec, and its number: each directory on the way read */
static const char *walk(const struct volume *v, const char *path, unsigned char *rec,
			unsigned char *ext, uint64_t *number)
{
	uint64_t dir = 5;

	for (const char *p = path; *p; ) {
		struct lookup l = { .name = p, .len = strcspn(p, "/") };
		bool last = !p[l.len];

		if (scan_dir(v, dir, rec, ext, lookup_entry, &l))
			return "a directory on its path cannot be read";
		if (!l.found)
			return "it is not there";
		if (l.dir == last)
			return last ? "it is a directory" : "a directory on its path is a file";
		dir = l.ref & MFT_REF_MASK;
		if (!read_ref(v, l.ref, rec))
			return "its MFT record does not match its directory entry";
		p += l.len + !last;
	}
	*number = dir;
	return NULL;
}

int ntfs_read_file(int fd, unsigned long long offset, unsigned long long end, const char *path,
		   size_t max, unsigned char **data, size_t *size, const char **problem)
{
	struct scratch *sc = calloc(1, sizeof(*sc));
	struct runlist *runs = malloc(sizeof(struct runlist));
	const unsigned char *a, *value;
	unsigned char *buf = NULL;
	uint64_t number, bytes;
	uint32_t len;

	*data = NULL;
	*size = 0;
	*problem = "out of memory";
	if (!sc || !runs)
		goto out;
	if ((*problem = volume_open(&sc->v, fd, offset, end, sc->rec, sc->ext)) ||
	    (*problem = walk(&sc->v, path, sc->rec, sc->ext, &number)))
		goto out;
	*problem = "its data cannot be read";
	if (!(a = extent(&sc->v, sc->rec, number, ATTR_DATA, "", 0, sc->ext, &len)) ||
	    !attr_size(&sc->v, sc->rec, number, ATTR_DATA, "", sc->ext, &bytes, &value))
		goto out;
	*problem = "it is compressed or encrypted by NTFS (virtcap reads plain files only)";
	if (le16(a + 0x0C) & 0x40FF)
		goto out;
	*problem = "it is larger than virtcap reads";
	if (bytes > max)
		goto out;
	*problem = "out of memory";
	if (!(buf = malloc(bytes ? bytes : 1)))
		goto out;
	*problem = "its data cannot be read";
	if (value) {
		memcpy(buf, value, bytes);
	} else if (!load_runs(&sc->v, sc->rec, number, ATTR_DATA, "", sc->ext, runs) ||
		   !stream_read(&sc->v, runs, 0, buf, bytes)) {
		free(buf);
		goto out;
	}
	*data = buf;
	*size = bytes;
	*problem = NULL;
out:
	free(runs);
	free(sc);
	return *problem ? -1 : 0;
}

const char *ntfs_hiber_name(enum ntfs_hiber h)
{
	static const char *const names[] = {
		[NTFS_HIBER_NONE] = "none", [NTFS_HIBER_CLEAR] = "clear",
		[NTFS_HIBER_HIBERNATED] = "hibernated", [NTFS_HIBER_SHORT] = "short",
		[NTFS_HIBER_UNREAD] = "unread",
	};

	return (unsigned)h < sizeof(names) / sizeof(names[0]) ? names[h] : "unread";
}
