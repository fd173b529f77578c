// SPDX-License-Identifier: MIT
/*
 * A registry hive read from memory (disk/regf.h), through libhivex. libhivex opens files: the
 * hive's bytes (already read, bounded, from the NTFS volume) are handed to it as an anonymous
 * memory file (memfd), reached by its /proc/self/fd path, so nothing is written to a disk.
 * libhivex checks every cell it follows and refuses a malformed hive (an "ri" naming one list
 * 65,535 times among them, t026); its words are not ours to show, so a refusal is said here.
 *
 * Read here from the base block (the hive's first 4096 bytes), before libhivex: its checksum,
 * format and the bins' length, so that a refusal names what is wrong, and what libhivex does not say: whether
 * Windows finished its last write (the two sequence numbers agree).
 */
#include <errno.h>
#include <hivex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "disk/disk_bytes.h"
#include "disk/regf.h"

#define BASE_BLOCK 4096u
#define PATH_DEPTH 32	/* names in a key path */

/* key handles are offsets into a hive of at most WIN_HIVE_MAX bytes: they fit in 32 bits */
static uint32_t handle(hive_node_h n)
{
	return n && n < REGF_NONE ? (uint32_t)n : REGF_NONE;
}

/* The bytes as a file libhivex can open: its descriptor, or -1 */
static int memory_file(const unsigned char *bytes, size_t size)
{
	int fd = memfd_create("virtcap-hive", MFD_CLOEXEC);
	size_t done = 0;

	while (fd >= 0 && done < size) {
		ssize_t n = write(fd, bytes + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

int regf_open(struct regf *h, const unsigned char *bytes, size_t size, const char **problem)
{
	char path[64];
	uint32_t sum = 0, bins;
	int fd;

	memset(h, 0, sizeof(*h));
	h->root = REGF_NONE;
	*problem = "it is not a registry hive (no \"regf\" header)";
	if (size < BASE_BLOCK || memcmp(bytes, "regf", 4))
		return -1;
	/* the base block's own checks first, for words more precise than libhivex's refusal */
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
	*problem = "it could not be handed to libhivex (no memory file)";
	if ((fd = memory_file(bytes, BASE_BLOCK + (size_t)bins)) < 0)	/* nothing past them */
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errno = 0;
	h->hive = hivex_open(path, 0);
	close(fd);	/* libhivex holds its own copy (a mapping, or what it read) */
	if (!h->hive) {
		*problem = errno == ENOTSUP ? "its format is not one libhivex reads" :
			   "libhivex refuses it as a registry hive (a header, checksum or cell "
			   "that does not hold)";
		return -1;
	}
	h->root = handle(hivex_root(h->hive));
	if (h->root == REGF_NONE) {
		regf_close(h);
		*problem = "its root key is not a key";
		return -1;
	}
	h->dirty = le32(bytes + 4) != le32(bytes + 8);
	*problem = NULL;
	return 0;
}

void regf_close(struct regf *h)
{
	if (h->hive)
		hivex_close(h->hive);
	free(h->value_name);
	free(h->value_data);
	memset(h, 0, sizeof(*h));
	h->root = REGF_NONE;
}

uint32_t regf_key(const struct regf *h, uint32_t key, const char *path)
{
	char name[256];
	int depth = 0;

	for (const char *p = path; key != REGF_NONE && *p && depth++ < PATH_DEPTH;) {
		size_t n = strcspn(p, "\\");

		if (!n || n >= sizeof(name))
			return REGF_NONE;
		memcpy(name, p, n);
		name[n] = '\0';
		/* libhivex compares names ignoring case, as Windows does */
		key = handle(hivex_node_get_child(h->hive, key, name));
		p += n + (p[n] == '\\');
	}
	return *path && depth > PATH_DEPTH ? REGF_NONE : key;
}

uint32_t regf_value_count(const struct regf *h, uint32_t key)
{
	hive_value_h *values;
	uint32_t n = 0;

	if (key == REGF_NONE || !(values = hivex_node_values(h->hive, key)))
		return 0;
	while (values[n] && n < UINT16_MAX)
		n++;
	free(values);
	return n;
}

bool regf_value_at(const struct regf *h, uint32_t key, uint32_t i, struct regf_value *v)
{
	struct regf *m = (struct regf *)h;	/* its buffers for the value returned */
	hive_value_h *values, value = 0;
	hive_type type;
	size_t len;

	if (key == REGF_NONE || !(values = hivex_node_values(h->hive, key)))
		return false;
	for (uint32_t k = 0; values[k] && k <= i; k++)
		value = k == i ? values[k] : 0;
	free(values);
	free(m->value_name);
	free(m->value_data);
	m->value_name = NULL;
	m->value_data = NULL;
	if (!value || !(m->value_name = hivex_value_key(h->hive, value)) ||
	    !(m->value_data = (unsigned char *)hivex_value_value(h->hive, value, &type, &len)) ||
	    len > UINT32_MAX)
		return false;
	v->name = m->value_name;
	v->type = (uint32_t)type;
	v->data = m->value_data;
	v->data_len = (uint32_t)len;
	return true;
}

bool regf_dword(const struct regf *h, uint32_t key, const char *name, uint32_t *out)
{
	hive_value_h value;
	hive_type type;
	size_t len;

	if (key == REGF_NONE || !(value = hivex_node_get_value(h->hive, key, name)) ||
	    hivex_value_type(h->hive, value, &type, &len) || type != hive_t_REG_DWORD || len != 4)
		return false;
	errno = 0;
	*out = (uint32_t)hivex_value_dword(h->hive, value);
	return errno == 0;
}
