// SPDX-License-Identifier: MIT
/*
 * A registry hive read from memory (disk/regf.h). The layout is the one Windows has written
 * since NT 4 (format 1.3 to 1.6): a 4096-byte base block, then hive bins of cells, each cell
 * an int32 size (negative while allocated) and a record: "nk" a key, "vk" a value, "lf",
 * "lh", "li" a list of subkeys and "ri" a list of such lists. libhivex (hivexget, hivexsh)
 * reads and writes the same hives in t026, as an outside check of every answer here.
 *
 * Every cell offset a record holds is another machine's number: a cell is used only when it
 * lies inside the hive bins, is allocated, is large enough for what is read of it, and carries
 * the record's signature. Lists are bounded by their cell, and a walk by REGF_DEPTH. The
 * entries of a key's lists add up to its subkey count, each naming a key cell of its own, so
 * one lookup examines at most that many, and never more than the hive has room for: an "ri"
 * that names one long list over and over ends there instead of multiplying it.
 */
#include <string.h>

#include "disk/disk_bytes.h"
#include "disk/regf.h"

#define BASE_BLOCK 4096u		/* the hive bins start here; cell offsets count from it */
#define KEY_COMP_NAME 0x0020u		/* nk: the name is 8-bit, not UTF-16LE */
#define VALUE_COMP_NAME 0x0001u		/* vk: the same */
#define DATA_INLINE 0x80000000u		/* vk: data of 4 bytes or fewer, in the offset field */
#define NK_NAME 0x4Cu			/* where an nk's name starts */
#define VK_NAME 0x14u

/* The record of the cell at off (a cell offset), at least min bytes long and starting with
 * sig; NULL when it is not one. *len: the record's length. */
static const unsigned char *cell(const struct regf *h, uint32_t off, uint32_t min,
				 const char *sig, uint32_t *len)
{
	if (off == REGF_NONE || off & 7 || off > h->size - BASE_BLOCK || h->size - BASE_BLOCK - off < 8)
		return NULL;

	const unsigned char *c = h->bytes + BASE_BLOCK + off;
	int32_t size = (int32_t)le32(c);

	/* negative: allocated; a free cell may hold a deleted key's stale bytes */
	if (size >= 0 || size == INT32_MIN || (uint32_t)-size < 8 || (uint32_t)-size & 7 ||
	    (uint32_t)-size > h->size - BASE_BLOCK - off)
		return NULL;
	*len = (uint32_t)-size - 4;
	if (*len < min || (sig && memcmp(c + 4, sig, 2)))
		return NULL;
	return c + 4;
}

int regf_open(struct regf *h, const unsigned char *bytes, size_t size, const char **problem)
{
	uint32_t sum = 0, bins;

	memset(h, 0, sizeof(*h));
	h->root = REGF_NONE;
	*problem = "it is not a registry hive (no \"regf\" header)";
	if (size < BASE_BLOCK + 32 || memcmp(bytes, "regf", 4))
		return -1;
	for (unsigned i = 0; i < 127; i++)
		sum ^= le32(bytes + 4 * i);
	sum = sum == 0 ? 1 : sum == 0xFFFFFFFFu ? 0xFFFFFFFEu : sum;
	*problem = "its header's checksum is wrong";
	if (le32(bytes + 0x1FC) != sum)
		return -1;
	*problem = "its format is not one virtcap reads (regf 1.x, a primary hive file)";
	if (le32(bytes + 0x14) != 1 || le32(bytes + 0x1C) != 0 || le32(bytes + 0x20) != 1)
		return -1;
	*problem = "its hive bins are cut short or missing";
	bins = le32(bytes + 0x28);
	if (bins > size - BASE_BLOCK || bins < 32 || memcmp(bytes + BASE_BLOCK, "hbin", 4))
		return -1;
	h->bytes = bytes;
	h->size = BASE_BLOCK + (size_t)bins;
	h->dirty = le32(bytes + 4) != le32(bytes + 8);

	uint32_t len;

	*problem = "its root key is not a key";
	if (!cell(h, le32(bytes + 0x24), NK_NAME, "nk", &len))
		return -1;
	h->root = le32(bytes + 0x24);
	*problem = NULL;
	return 0;
}

/* A record's name (8-bit when ascii, else UTF-16LE), bytes long, is want[0, n) */
static bool name_is(const unsigned char *name, size_t bytes, bool ascii, const char *want,
		    size_t n)
{
	if (!ascii && bytes & 1)
		return false;
	return windows_name_is(name, ascii ? bytes : bytes / 2, !ascii, want, n);
}

/* The key cell off, with its name: NULL when it is not a key */
static const unsigned char *key_cell(const struct regf *h, uint32_t off, uint32_t *len)
{
	const unsigned char *k = cell(h, off, NK_NAME, "nk", len);

	return k && le16(k + 0x48) <= *len - NK_NAME ? k : NULL;
}

/* key_off's name is want[0, n) */
static bool key_named(const struct regf *h, uint32_t key_off, const char *want, size_t n)
{
	uint32_t len;
	const unsigned char *k = key_cell(h, key_off, &len);

	return k && name_is(k + NK_NAME, le16(k + 0x48), le16(k + 2) & KEY_COMP_NAME, want, n);
}

/* The subkey named want[0, n) in the list at list_off (lf, lh, li, or ri one level deep),
 * examining at most *left entries */
static uint32_t in_list(const struct regf *h, uint32_t list_off, const char *want, size_t n,
			bool nested, uint32_t *left)
{
	uint32_t len;
	const unsigned char *l = cell(h, list_off, 4, NULL, &len);

	if (!l)
		return REGF_NONE;

	uint32_t count = le16(l + 2), stride;

	if (!memcmp(l, "lf", 2) || !memcmp(l, "lh", 2))
		stride = 8;	/* the key's offset, then a hint of its name */
	else if (!memcmp(l, "li", 2) || (!nested && !memcmp(l, "ri", 2)))
		stride = 4;
	else
		return REGF_NONE;
	if (count > (len - 4) / stride)
		return REGF_NONE;
	for (uint32_t i = 0; i < count && *left; i++) {
		uint32_t off = le32(l + 4 + i * stride);

		if (!memcmp(l, "ri", 2)) {
			uint32_t found = in_list(h, off, want, n, true, left);

			if (found != REGF_NONE)
				return found;
			continue;
		}
		--*left;
		if (key_named(h, off, want, n))
			return off;
	}
	return REGF_NONE;
}

uint32_t regf_key(const struct regf *h, uint32_t key, const char *path)
{
	for (const char *p = path; *p && key != REGF_NONE; ) {
		size_t n = strcspn(p, "\\");
		uint32_t len;
		const unsigned char *k = key_cell(h, key, &len);

		/* the subkeys this key says it has, each in a key cell of NK_NAME bytes or more */
		uint32_t left = k ? le32(k + 0x14) : 0, room = (uint32_t)((h->size - BASE_BLOCK) /
								   (NK_NAME + 4));

		if (left > room)
			left = room;
		key = left ? in_list(h, le32(k + 0x1C), p, n, false, &left) : REGF_NONE;
		p += n + (p[n] != '\0');
	}
	return key;
}

/* key's value list, and how many offsets it holds */
static const unsigned char *value_list(const struct regf *h, uint32_t key, uint32_t *count)
{
	uint32_t len, list_len;
	const unsigned char *k = key_cell(h, key, &len), *l;

	*count = 0;
	if (!k || !le32(k + 0x24) || !(l = cell(h, le32(k + 0x28), 0, NULL, &list_len)))
		return NULL;
	*count = le32(k + 0x24);
	if (*count > list_len / 4)
		*count = list_len / 4;	/* a count its list cannot hold: only what it holds */
	return l;
}

uint32_t regf_value_count(const struct regf *h, uint32_t key)
{
	uint32_t count;

	value_list(h, key, &count);
	return count;
}

bool regf_value_at(const struct regf *h, uint32_t key, uint32_t i, struct regf_value *v)
{
	uint32_t count, len, data_len;
	const unsigned char *l = value_list(h, key, &count), *vk;

	if (!l || i >= count || !(vk = cell(h, le32(l + 4 * i), VK_NAME, "vk", &len)) ||
	    le16(vk + 2) > len - VK_NAME)
		return false;
	v->name = vk + VK_NAME;
	v->name_len = le16(vk + 2);
	v->ascii_name = le16(vk + 0x10) & VALUE_COMP_NAME;
	v->type = le32(vk + 0x0C);
	data_len = le32(vk + 4);
	if (data_len & DATA_INLINE) {
		v->data = vk + 8;
		v->data_len = data_len & ~DATA_INLINE;
		return v->data_len <= 4;
	}
	/* in a cell of its own; data longer than one cell ("db", big data) is not read */
	v->data_len = data_len;
	return (v->data = cell(h, le32(vk + 8), data_len, NULL, &len)) != NULL;
}

bool regf_dword(const struct regf *h, uint32_t key, const char *name, uint32_t *out)
{
	struct regf_value v;
	uint32_t count = regf_value_count(h, key);

	for (uint32_t i = 0; i < count; i++) {
		if (!regf_value_at(h, key, i, &v) ||
		    !name_is(v.name, v.name_len, v.ascii_name, name, strlen(name)))
			continue;
		if (v.type != REGF_DWORD || v.data_len != 4)
			return false;
		*out = le32(v.data);
		return true;
	}
	return false;
}
