/* SPDX-License-Identifier: MIT */
/*
 * A Windows registry hive file (regf) read from memory (disk/regf.c): keys by path, and their
 * values, as far as virtcap needs them to know how an installed Windows starts (issue 15).
 * Read only, through libhivex (libguestfs's registry library, the one virt-v2v reads the SYSTEM
 * hive with for the same question), which refuses what is not a well-formed hive.
 */
#ifndef VIRTCAP_REGF_H
#define VIRTCAP_REGF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct regf {
	void *hive;		/* libhivex's hive_h */
	uint32_t root;		/* the root key */
	bool dirty;		/* the two sequence numbers differ: Windows did not finish a write,
				 * and its transaction logs (not read) hold newer data */
	char *value_name;	/* what the last regf_value_at() returned, freed by the next */
	unsigned char *value_data;
};

#define REGF_NONE 0xFFFFFFFFu	/* no such key */

#define REGF_SZ 1u
#define REGF_DWORD 4u

/* One value of a key: its name (UTF-8) and its data; valid until the next regf_value_at() or
 * regf_close() */
struct regf_value {
	const char *name;
	uint32_t type;
	const unsigned char *data;
	uint32_t data_len;
};

/* Open the hive of size bytes: 0, or -1 with *problem. regf_close() frees what it holds. */
int regf_open(struct regf *h, const unsigned char *bytes, size_t size, const char **problem);
void regf_close(struct regf *h);

/* The key at path below key ('\\' between names, matched ignoring case), or REGF_NONE */
uint32_t regf_key(const struct regf *h, uint32_t key, const char *path);

/* How many values key has (bounded), and the i-th of them; false when it cannot be read */
uint32_t regf_value_count(const struct regf *h, uint32_t key);
bool regf_value_at(const struct regf *h, uint32_t key, uint32_t i, struct regf_value *v);

/* The REG_DWORD value name of key into *out; false when there is none, or of another type */
bool regf_dword(const struct regf *h, uint32_t key, const char *name, uint32_t *out);

#endif
