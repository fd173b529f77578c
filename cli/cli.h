/* SPDX-License-Identifier: MIT */
#ifndef VIRTCAP_CLI_H
#define VIRTCAP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct probe_ctx;
struct capture;

#define CLI_EXIT_USAGE 2	/* a usage or input error; 0 ran fine; check: 1 a requirement fails */

/*
 * printf to standard error, the message cleaned (reports/text.h: control characters, escape
 * sequences, invalid UTF-8): for every message that quotes an argument, a path or a file's
 * words. A newline at the end of fmt is kept; fmt has no other.
 */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The word of choices[0..n) nearest typed (two edits at most: a letter wrong, missing, extra or
 * two swapped), for a "did you mean"; NULL when none is that near */
const char *cli_suggest(const char *typed, const char *const *choices, size_t n);

/* `virtcap lab ...`: runs scripts/lab.sh (cli/lab.c); returns only when it cannot */
int cli_lab(int argc, char **argv);

struct report;
/*
 * prove --stack NAME (cli/stack.c): boot a real guest with that stack (qemu/stack.c) and record
 * what it found; live: this is the host the report describes, else not run.
 * 0, or -ENOMEM.
 */
int cli_run_stack(struct report *r, const char *name, bool live);

/* `virtcap fleet ...`: merges reports (cli/fleet.c); the exit status */
int cli_fleet(int argc, char **argv);

/*
 * Write a snapshot of a probe run to path as a gzip-compressed tar archive: every file the probe
 * read, the links it followed and directories it listed, plus .virtcap/facts (the live results)
 * and .virtcap/cpuid.raw. Written to a temporary file beside path and renamed, so a failed run
 * leaves no partial archive. Returns 0 or a negative errno with a message in err.
 */
int snapshot_write(const char *path, struct probe_ctx *ctx, const struct capture *capture,
		   char *err, size_t errlen);

struct report;

/* --only's line of the usage, from the proof manifest */
void cli_print_only_help(FILE *out);

/* Check a --only list against the known proofs; -EINVAL with a message naming the bad id. */
int cli_check_only(const char *only, char *err, size_t errlen);

/*
 * Run the proofs (all matrix rows', or those --only names) into r. live: this is the host the
 * report describes; otherwise every proof is recorded as not-run. Returns 0 or -ENOMEM.
 */
int cli_run_proofs(struct report *r, const char *only, unsigned timeout_ms, bool spin_limit,
		   bool live);

/* `virtcap bench-exits`: exit round trips through hv-mini and a bare loop. 0 or -errno. */
int cli_bench_exits(bool json, unsigned timeout_ms);

/*
 * `virtcap advise GUEST`: the requirement chain of a guest, judged on r (cli/advise.c).
 * Returns 0, or -EINVAL for an unknown GUEST. cli_advise_proofs() gives the --only list of
 * the proofs behind GUEST's advice (NULL when none), cli_advise_list() the known GUESTs.
 */
int cli_advise(const struct report *r, const char *guest, bool json, bool utf8, FILE *out);
bool cli_advise_known(const char *guest);
const char *cli_advise_proofs(const char *guest, char *buf, size_t len);
void cli_advise_list(FILE *out);
/* `virtcap advise partition DEVICE` (cli/partition.c): what the partition or disk holds, the
 * safe way to boot it as a VM (with KVM when r says a 64-bit OS runs), and what stops booting
 * it for real; as text, or JSON (schema virtcap/partition-advice/v1). With prove, the disk is
 * booted read-only through a snapshot for at most limit_s seconds (0: the default) and how far
 * it got said. 0, -EINVAL (said), -EIO. */
int cli_advise_partition(const struct report *r, const char *device, bool json, bool prove,
			 unsigned limit_s, FILE *out);
/* Print text wrapped at 78 columns: lead first, following lines indented by indent. */
void cli_print_wrapped(FILE *out, const char *lead, const char *text, int indent);

#endif
