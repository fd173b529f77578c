/* SPDX-License-Identifier: MIT */
/*
 * A Windows registry hive file (regf) read from memory (disk/regf.c): keys by path, and their
 * values, as far as virtcap needs them to know how an installed Windows starts (issue 15).
 * Read only. A hive is another machine's bytes: every cell is bounds-checked before a field of
 * it is used, and every walk is bounded.
 */
#ifndef VIRTCAP_REGF_H
#define VIRTCAP_REGF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct regf {
	const unsigned char *bytes;
	size_t size;		/* of the hive bins: bytes past them are not read */
	uint32_t root;		/* the root key's cell */
	bool dirty;		/* the two sequence numbers differ: Windows did not finish a write,
				 * and its transaction logs (not read) hold newer data */
};

#define REGF_NONE 0xFFFFFFFFu	/* no such key */

#define REGF_SZ 1u
#define REGF_DWORD 4u

/* One value of a key: its name (ASCII, or UTF-16LE when !ascii_name) and its data */
struct regf_value {
	const unsigned char *name;
	size_t name_len;	/* in bytes */
	bool ascii_name;
	uint32_t type;
	const unsigned char *data;
	uint32_t data_len;
};

/* Check the hive's header: 0, or -1 with *problem */
int regf_open(struct regf *h, const unsigned char *bytes, size_t size, const char **problem);

/* The key at path below key ('\\' between names, matched ignoring ASCII case), or REGF_NONE */
uint32_t regf_key(const struct regf *h, uint32_t key, const char *path);

/* How many values key has (bounded), and the i-th of them; false when it cannot be read */
uint32_t regf_value_count(const struct regf *h, uint32_t key);
bool regf_value_at(const struct regf *h, uint32_t key, uint32_t i, struct regf_value *v);

/* The REG_DWORD value name of key into *out; false when there is none, or of another type */
bool regf_dword(const struct regf *h, uint32_t key, const char *name, uint32_t *out);

#endif
