/* SPDX-License-Identifier: MIT */
/* The command line of virtcap, but lab and fleet, which parse their own (cli/options.c). */
#ifndef VIRTCAP_OPTIONS_H
#define VIRTCAP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#define STACKS_MAX 2	/* the stacks prove --stack knows: qemu, libvirt */

struct options {
	const char *command;		/* "host" when none was given */
	const char *root;
	const char *cpuid_dump;
	const char *snapshot_out;
	const char *guest;		/* advise GUEST */
	const char *device;		/* advise partition DEVICE */
	bool prove_boot;		/* advise partition --prove: boot it, read-only */
	char requires[1024];		/* check: --require and --profile, comma-separated */
	const char *profile;
	const char *junit;
	const char *output;		/* --output FILE: written atomically */
	bool tap;
	const char *ci;			/* check --ci github|none; NULL: from the CI's variables */
	bool prom;
	const char *nfd;		/* --nfd DIR: DIR/virtcap written too; "-": printed */
	const char *only;
	/* prove --stack NAME,...: boot a real guest with each stack, in the order given */
	const char *stacks[STACKS_MAX];
	int nstacks;
	const char *foreign;		/* prove --foreign ARCH,...|all: their programs run */
	unsigned timeout_ms;
	bool timeout_given;		/* --timeout: the user's limit, and no CPU-time limit */
	bool json;
	bool verbose;
	bool no_colour;
};

void usage(FILE *out);

/* Parse argv into *o, the commands it may name being commands (NULL-terminated: cli/main.c's
 * table, so that this file needs nothing of it). 0, or -EINVAL after saying what is wrong on
 * stderr. --help, --version and --list-profiles print and exit. */
int options_parse(int argc, char **argv, const char *const *commands, struct options *o);

#endif
