// SPDX-License-Identifier: MIT
/*
 * Partition tables and superblocks read from a disk's own bytes (disk/blockdev.h), with pread
 * only. A file system's kind is libblkid's (util-linux's, what blkid prints as TYPE), probed in
 * the partition's range alone. The partition table is read here: the UEFI specification's GPT
 * (header at LBA 1 with its CRC32, the entry array with its own) and the MBR's four primary
 * entries, with the names partx shows, so that partx checks every answer (t021); libblkid would
 * read the backup GPT without a word where virtcap says the primary is damaged, as sgdisk -v.
 *
 * Nothing read is trusted: sizes and counts are bounded before they size a read, every offset
 * is checked against the disk's size, and a GPT is taken only when both CRCs match.
 */
#include <blkid/blkid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "disk/blockdev.h"
#include "disk/disk_bytes.h"

#define GPT_ENTRIES_BYTES_MAX (1u << 20)	/* 128 entries of 128 bytes is 16 KiB */
#define ESP_GUID "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"

/* A GUID as its text (the first three fields little-endian, as GPT stores them) */
static void guid_text(const unsigned char *g, char out[37])
{
	snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32(g), le16(g + 4),
		 le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* Two partitions that share a sector: the UEFI specification and every partitioning tool
 * forbid it, and each such entry would have the same bytes read again as its own volume. */
static bool overlapping(const struct blockdev_layout *l)
{
	for (size_t i = 0; i < l->nparts; i++)
		for (size_t j = i + 1; j < l->nparts; j++) {
			const struct blockdev_part *p = &l->parts[i], *q = &l->parts[j];

			if (p->start < q->start + q->sectors && q->start < p->start + p->sectors)
				return true;
		}
	return false;
}

/* The GPT whose header is at LBA 1 of ss-byte sectors: 1 read, 0 none there, -1 broken */
static int read_gpt(int fd, unsigned long long size, unsigned ss, struct blockdev_layout *out,
		    const char **problem)
{
	unsigned char h[4096];

	if (!read_at(fd, size, ss, h, ss) || memcmp(h, "EFI PART", 8))
		return 0;

	uint32_t hsize = le32(h + 12), hcrc = le32(h + 16);
	uint64_t my_lba = le64(h + 24), entries_lba = le64(h + 72);
	uint32_t count = le32(h + 80), esize = le32(h + 84), ecrc = le32(h + 88);

	if (hsize < 92 || hsize > ss) {
		*problem = "the GPT header gives a size outside 92 bytes..one sector";
		return -1;
	}
	memset(h + 16, 0, 4);	/* the CRC is taken with its own field zero */
	if (crc32(0, h, hsize) != hcrc) {
		*problem = "the GPT header's CRC32 does not match: damaged";
		return -1;
	}
	if (my_lba != 1 || esize < 128 || esize % 8 || count == 0 ||
	    (unsigned long long)count * esize > GPT_ENTRIES_BYTES_MAX ||
	    entries_lba > size / ss) {
		*problem = "the GPT header's entry array is not one a disk could hold";
		return -1;
	}

	size_t bytes = (size_t)count * esize;
	unsigned char *e = malloc(bytes);

	if (!e)
		abort();	/* at most GPT_ENTRIES_BYTES_MAX */
	if (!read_at(fd, size, entries_lba * ss, e, bytes)) {
		free(e);
		*problem = "the GPT's entry array lies past the end of the disk";
		return -1;
	}
	if (crc32(0, e, (uInt)bytes) != ecrc) {
		free(e);
		*problem = "the GPT entry array's CRC32 does not match: damaged";
		return -1;
	}
	out->table = BLOCKDEV_GPT;
	out->sector_size = ss;
	for (uint32_t i = 0; i < count && out->nparts < BLOCKDEV_PARTS_MAX; i++) {
		const unsigned char *p = e + (size_t)i * esize;
		static const unsigned char unused[16];
		uint64_t first = le64(p + 32), last = le64(p + 40);

		if (!memcmp(p, unused, 16))
			continue;
		if (first > last || last >= size / ss) {
			free(e);
			*problem = "a GPT entry lies outside the disk or ends before it starts";
			return -1;
		}

		struct blockdev_part *part = &out->parts[out->nparts++];

		part->number = i + 1;
		part->start = first * (ss / 512);
		part->sectors = (last - first + 1) * (ss / 512);
		guid_text(p, part->type);
		part->esp = !strcmp(part->type, ESP_GUID);
	}
	free(e);
	if (overlapping(out)) {
		*problem = "two GPT entries share sectors: damaged";
		return -1;
	}
	return 1;
}

/* Whether a sector with the boot signature is a file system's boot record (FAT, NTFS,
 * exFAT), not a partition table: their first sector also ends in 55 AA */
static bool boot_record(const unsigned char *s)
{
	return !memcmp(s + 3, "NTFS    ", 8) || !memcmp(s + 3, "EXFAT   ", 8) ||
	       !memcmp(s + 3, "-FVE-FS-", 8) || !memcmp(s + 82, "FAT32   ", 8) ||
	       !memcmp(s + 54, "FAT1", 4);
}

static int read_mbr(const unsigned char *s, unsigned long long size, struct blockdev_layout *out,
		    const char **problem)
{
	if (s[510] != 0x55 || s[511] != 0xAA || boot_record(s))
		return 0;
	for (int i = 0; i < 4; i++)	/* a partition table's boot flags are 0x00 or 0x80 */
		if (s[446 + 16 * i] & 0x7F)
			return 0;
	for (int i = 0; i < 4; i++) {
		const unsigned char *p = s + 446 + 16 * i;
		uint32_t start = le32(p + 8), sectors = le32(p + 12);

		if (p[4] == 0 || sectors == 0)
			continue;
		if (p[4] == 0xEE) {
			*problem = "a protective MBR without a valid GPT behind it";
			return -1;
		}
		if (start == 0 || (unsigned long long)start + sectors > size / 512) {
			*problem = "an MBR entry lies outside the disk";
			return -1;
		}

		struct blockdev_part *part = &out->parts[out->nparts++];

		part->number = (unsigned)i + 1;
		part->start = start;
		part->sectors = sectors;
		snprintf(part->type, sizeof(part->type), "0x%x", p[4]);
		part->esp = p[4] == 0xEF;
	}
	if (overlapping(out)) {
		*problem = "two MBR entries share sectors: damaged";
		return -1;
	}
	out->table = BLOCKDEV_MBR;
	out->sector_size = 512;
	return 1;
}

int blockdev_read_table(int fd, unsigned long long size, struct blockdev_layout *out,
			const char **problem)
{
	unsigned char s[512];
	int rc;

	memset(out, 0, sizeof(*out));
	*problem = NULL;
	for (unsigned ss = 512; ss <= 4096; ss *= 8) {
		if ((rc = read_gpt(fd, size, ss, out, problem)))
			return rc < 0 ? -1 : 0;
	}
	if (!read_at(fd, size, 0, s, sizeof(s)))
		return 0;	/* smaller than a sector: no table */
	if (read_mbr(s, size, out, problem) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

/*
 * A name libblkid gave, kept for the caller: its strings live only as long as its probe. The
 * names are blkid's fixed set of file-system and container types: a handful of slots hold
 * every one a run meets.
 */
static const char *kept(const char *name)
{
	static char names[32][32];
	static size_t n;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return names[i];
	if (n == sizeof(names) / sizeof(names[0]) || strlen(name) >= sizeof(names[0]))
		return NULL;
	return strcpy(names[n++], name);
}

const char *blockdev_fs_type(int fd, unsigned long long offset, unsigned long long size)
{
	const char *type = NULL, *found;
	blkid_probe pr;

	if (offset >= size || !(pr = blkid_new_probe()))
		return NULL;
	/* libblkid, as blkid itself: only the superblocks, and nothing past [offset, size) */
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)(size - offset)) == 0 &&
	    blkid_probe_enable_superblocks(pr, 1) == 0 &&
	    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE) == 0 &&
	    blkid_probe_enable_partitions(pr, 0) == 0 &&
	    blkid_do_safeprobe(pr) == 0 &&	/* 1: nothing; -2: two that contradict */
	    blkid_probe_lookup_value(pr, "TYPE", &found, NULL) == 0)
		type = kept(found);
	blkid_free_probe(pr);
	return type;
}

/* Whether needle's bytes are anywhere in the n bytes of hay */
static bool holds(const unsigned char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

const char *blockdev_boot_code(int fd, unsigned long long size)
{
	unsigned char mbr[512];
	static const unsigned char zeros[MBR_CODE_BYTES];

	if (!read_at(fd, size, 0, mbr, sizeof(mbr)))
		return NULL;
	if (!memcmp(mbr, zeros, MBR_CODE_BYTES))
		return "none";
	/* each boot code's own messages, which it prints when it fails */
	if (holds(mbr, MBR_CODE_BYTES, "GRUB ") && holds(mbr, MBR_CODE_BYTES, "Geom"))
		return "GRUB";
	if (holds(mbr, MBR_CODE_BYTES, "Multiple active partitions"))
		return "SYSLINUX";
	return "other";
}
