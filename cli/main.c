// SPDX-License-Identifier: MIT
/*
 * virtcap: what virtual machines can this Linux x86 host run?
 *
 * main() reads the command line (cli/options.c), opens a session (--output, a --root archive
 * unpacked, the probe run into a report), runs the command from the table below and closes the
 * session, whatever happened. Only this file exits; the libraries return errors. Exit status:
 * 0 ran fine, 2 usage or input error (check: 1 a requirement fails).
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/atomic_file.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/output.h"
#include "util/signal_cleanup.h"
#include "probe/capture.h"
#include "probe/probe.h"
#include "foreign/run.h"
#include "util/self.h"
#include "probe/root_archive.h"
#include "reports/json.h"
#include "reports/advice.h"
#include "reports/report.h"
#include "reports/text.h"

/* Everything a command works on, opened by session_open() and closed by session_close() */
struct session {
	struct options o;
	struct output out;
	char unpacked[PATH_MAX];	/* where a --root archive was unpacked, or "" */
	struct probe_ctx ctx;
	bool ctx_open;
	struct capture capture;
	struct report *r;
	bool live;			/* the report is of this host: proofs can run */
};

static bool use_colour(const struct options *o)
{
	const char *no_colour = getenv("NO_COLOR");

	/* https://no-color.org: any non-empty NO_COLOR turns colours off */
	if (o->no_colour || (no_colour && *no_colour))
		return false;
	return isatty(STDOUT_FILENO);
}

static void root_archive_done(char *dir)
{
	if (!dir[0])
		return;
	signal_cleanup_remove_tree(dir);
	signal_cleanup_forget(dir);
	dir[0] = '\0';
}

/*
 * --root HOST.tar.gz: a snapshot archive is unpacked (safely: probe/root_archive.c) into a
 * private directory, which dir receives, removed by root_archive_done() or by a signal. dir is
 * "" when root is not a file. Returns 0, or -errno with a message in err.
 */
static int root_from_archive(const char *root, char *dir, size_t len, char *err, size_t errlen)
{
	struct stat st;
	const char *tmp = getenv("TMPDIR");

	dir[0] = '\0';
	if (stat(root, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	snprintf(dir, len, "%s/virtcap-root.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	sigset_t saved;

	signal_cleanup_hold(&saved);	/* a signal between the two would leave the directory */
	if (!mkdtemp(dir)) {
		int e = errno;

		signal_cleanup_release(&saved);
		snprintf(err, errlen, "%s: cannot make a directory to unpack into: %s", root,
			 strerror(e));
		dir[0] = '\0';
		return -e;
	}
	signal_cleanup_add_tree(dir);
	signal_cleanup_release(&saved);

	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : root_archive_unpack(root, fd, err, errlen);

	if (fd >= 0)
		close(fd);
	if (rc) {
		if (fd < 0)
			snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
		root_archive_done(dir);
	}
	return rc;
}

/* Check marks where the locale's charset is UTF-8; a plain terminal gets ASCII marks. */
static bool locale_is_utf8(void)
{
	if (!setlocale(LC_CTYPE, ""))
		return false;

	bool utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");

	setlocale(LC_CTYPE, "C");	/* the rest of virtcap parses and prints in C */
	return utf8;
}

static int print_json(const struct report *r)
{
	struct json_object *obj = report_to_json(r);

	if (!obj)
		return -ENOMEM;
	fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
	fputc('\n', stdout);
	json_object_put(obj);
	return 0;
}

/* The report's input errors, one line each on stderr, after the output they did not stop */
static void print_input_errors(const struct report *r)
{
	for (size_t i = 0; r && i < r->nerrors; i++)
		cli_error("virtcap: %s: %s\n", r->errors[i].input, r->errors[i].problem);
}

/* --output, the root (a directory, or an archive unpacked), the probe: 0, or the exit status
 * after saying why; session_close() releases whatever was opened either way */
static int session_open(struct session *s)
{
	char err[PATH_MAX + 256] = "";
	const char *root = s->o.root;

	s->out.saved = -1;
	if (s->o.output && output_begin(&s->out, s->o.output))
		return CLI_EXIT_USAGE;
	if (root_from_archive(root, s->unpacked, sizeof(s->unpacked), err, sizeof(err)) ||
	    probe_ctx_init(&s->ctx, s->unpacked[0] ? s->unpacked : root, s->o.cpuid_dump, err,
			   sizeof(err))) {
		cli_error("virtcap: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	s->ctx_open = true;
	s->ctx.root_name = root;	/* messages and the report name the archive, not its unpacking */
	if (!strcmp(s->o.command, "snapshot"))
		s->ctx.capture = &s->capture;
	s->r = report_new();
	if (!s->r) {
		fprintf(stderr, "virtcap: out of memory\n");
		return CLI_EXIT_USAGE;
	}

	int rc = probe_run(&s->ctx, s->r);

	if (rc) {
		cli_error("virtcap: probe failed: %s\n", strerror(-rc));
		return CLI_EXIT_USAGE;
	}
	s->live = s->ctx.live && !s->o.cpuid_dump;
	return 0;
}

/* Say the input errors, release everything, and settle --output: kept unless status is 2 */
static int session_close(struct session *s, int status)
{
	print_input_errors(s->r);
	if (s->r && s->r->nerrors)
		status = CLI_EXIT_USAGE;	/* the answers rest on bad input */
	report_free(s->r);
	capture_free(&s->capture);
	if (s->ctx_open)
		probe_ctx_release(&s->ctx);
	root_archive_done(s->unpacked);
	if (output_end(&s->out, status != CLI_EXIT_USAGE) && status != CLI_EXIT_USAGE)
		status = CLI_EXIT_USAGE;
	return status;
}

/* The exit status of a command that prints what it was asked: 0, or 2 for an error */
static int status_of(int rc)
{
	if (fflush(stdout) != 0 && !rc)
		rc = -EIO;
	return rc ? CLI_EXIT_USAGE : 0;
}

/* The NFD labels' life: a little past the next run of the hourly timer (debian/virtcap.timer):
 * one missed run keeps them, a node whose runs stopped loses them */
#define NFD_EXPIRY_S (75 * 60)

/* --nfd DIR: DIR/virtcap, replaced whole (its temporary starts with a dot, which NFD skips) */
static int write_nfd(const struct report *r, const char *dir)
{
	char path[PATH_MAX], err[PATH_MAX + 256];
	struct atomic_file a;
	struct stat st;
	FILE *f;
	int rc;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cli_error("virtcap: --nfd %s: not a directory (NFD reads "
			  "/etc/kubernetes/node-feature-discovery/features.d)\n", dir);
		return -EINVAL;
	}
	if (snprintf(path, sizeof(path), "%s/virtcap", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((rc = atomic_file_open(&a, path, err, sizeof(err)))) {
		cli_error("virtcap: --nfd: %s\n", err);
		return rc;
	}
	if (!(f = fdopen(a.fd, "w"))) {
		atomic_file_abort(&a);
		return -ENOMEM;
	}
	a.fd = -1;	/* the stream owns it now */
	if (report_print_nfd(r, time(NULL), NFD_EXPIRY_S, f) || fflush(f) || fsync(fileno(f))) {
		fclose(f);
		atomic_file_abort(&a);
		cli_error("virtcap: --nfd: %s: cannot write it whole\n", path);
		return -EIO;
	}
	if (fclose(f) || (rc = atomic_file_commit(&a, err, sizeof(err)))) {
		cli_error("virtcap: --nfd: %s\n", rc ? err : path);
		return rc ? rc : -EIO;
	}
	return 0;
}

/* --foreign: other architectures' programs through binfmt_misc, and their kernels booted
 * (prove: with this host's own beside them, to compare; advise needs only theirs); a captured
 * root's say "not run" */
static int run_foreign(struct session *s, const char *names, bool compare)
{
	char lab_sh[4200];
	int rc;

	if (!names || !s->live)
		return 0;
	rc = foreign_prove(s->r, names);
	if (!rc && self_script_path("lab.sh", lab_sh, sizeof(lab_sh)) == 0)
		rc = foreign_boot(s->r, names, lab_sh, compare);
	return rc;
}

/* (none), probe, prove: the report, after the proofs unless the probe alone was asked */
static int cmd_report(struct session *s)
{
	const struct options *o = &s->o;
	int rc = strcmp(o->command, "probe") ? cli_run_proofs(s->r, o->only, o->timeout_ms,
							       !o->timeout_given, s->live) : 0;

	for (int i = 0; !rc && i < o->nstacks; i++)
		rc = cli_run_stack(s->r, o->stacks[i], s->live);
	if (!rc)
		rc = run_foreign(s, o->foreign, true);
	if (rc)
		return status_of(rc);
	if (o->nfd && strcmp(o->nfd, "-") && (rc = write_nfd(s->r, o->nfd)))
		return status_of(rc);
	if (o->nfd && !strcmp(o->nfd, "-")) {
		rc = report_print_nfd(s->r, time(NULL), NFD_EXPIRY_S, stdout);
	} else if (o->prom) {
		rc = report_print_prom(s->r, stdout);
	} else if (o->json) {
		rc = print_json(s->r);
	} else {
		struct report_human_opts ho = {
			.colour = use_colour(o),
			.utf8 = locale_is_utf8(),
			.verbose = o->verbose,
			.width = 80,
		};

		rc = report_print_human(s->r, &ho, stdout);
	}
	return status_of(rc);
}

/* check: 0 every requirement holds, 1 one does not (its output is kept), 2 an error */
static int cmd_check(struct session *s)
{
	const struct options *o = &s->o;
	const char *gha = getenv("GITHUB_ACTIONS");
	struct check_opts co = { .tap = o->tap, .json = o->json, .junit = o->junit,
				 .profile = o->profile,
				 .github = o->ci ? !strcmp(o->ci, "github") : gha && !strcmp(gha, "true") };
	char only[1024];

	/* a requirement holds when a test guest did it: the same proofs as the matrix's row */
	if (advice_required_proofs(o->requires, only, sizeof(only)) &&
	    cli_run_proofs(s->r, only, o->timeout_ms, !o->timeout_given, s->live))
		return CLI_EXIT_USAGE;
	/* --foreign: the kernels the arm64 and arm32 rows are judged on, as prove --foreign
	 * boots them (without, those rows are "not run", as in plain virtcap's matrix) */
	if (run_foreign(s, o->foreign, false))
		return CLI_EXIT_USAGE;

	int result = cli_check(s->r, o->requires, &co, stdout);

	return fflush(stdout) != 0 ? CLI_EXIT_USAGE : result;
}

/* advise GUEST: after the proofs behind the advice, so "holds" means a test guest did it */
static int cmd_advise(struct session *s)
{
	char only[256];

	if (!strcmp(s->o.guest, "partition"))	/* the disk's own bytes: no proof to run */
		return status_of(cli_advise_partition(s->r, s->o.device, s->o.json, s->o.prove_boot,
						      s->o.timeout_given ? (s->o.timeout_ms + 999) / 1000
						      : 0, stdout));

	const char *proofs = cli_advise_proofs(s->o.guest, only, sizeof(only));
	int rc = proofs ? cli_run_proofs(s->r, proofs, s->o.timeout_ms, !s->o.timeout_given,
				      s->live) : 0;

	if (!rc)	/* advise arm64 --foreign arm64: judged on the boot, as the matrix is */
		rc = run_foreign(s, s->o.foreign, false);
	if (!rc)
		rc = cli_advise(s->r, s->o.guest, s->o.json, locale_is_utf8(), stdout);
	return status_of(rc);
}

static int cmd_snapshot(struct session *s)
{
	char err[PATH_MAX + 256];
	int rc = snapshot_write(s->o.snapshot_out, &s->ctx, &s->capture, err, sizeof(err));

	if (rc)
		cli_error("virtcap: %s\n", err);
	else
		cli_error("virtcap: wrote %s (%zu entries)\n", s->o.snapshot_out,
			s->capture.n);
	return status_of(rc);
}

/* The commands that work on a probed host; lab, fleet and bench-exits are their own */
static const struct command {
	const char *name;
	int (*run)(struct session *s);
} commands[] = {
	{ "host", cmd_report },
	{ "probe", cmd_report },
	{ "prove", cmd_report },
	{ "check", cmd_check },
	{ "advise", cmd_advise },
	{ "snapshot", cmd_snapshot },
	{ "bench-exits", NULL },
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Every command's name, for options_parse(): the table's, and the two run before it */
static const char *const *command_names(void)
{
	static const char *names[sizeof(commands) / sizeof(commands[0]) + 3];

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		names[i] = commands[i].name;
	names[sizeof(commands) / sizeof(commands[0])] = "fleet";
	names[sizeof(commands) / sizeof(commands[0]) + 1] = "lab";
	return names;
}

/* bench-exits: no probe and no report, only its measurements */
static int bench_exits(const struct options *o)
{
	struct output out = { .saved = -1 };
	int status;

	if (o->output && output_begin(&out, o->output))
		return CLI_EXIT_USAGE;
	status = cli_bench_exits(o->json, o->timeout_ms) ? CLI_EXIT_USAGE : status_of(0);
	if (output_end(&out, status == 0) && status == 0)
		status = CLI_EXIT_USAGE;
	return status;
}

int main(int argc, char **argv)
{
	struct session s = { 0 };
	const struct command *cmd;

	if (argc > 1 && !strcmp(argv[1], "lab"))
		return cli_lab(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "fleet"))
		return cli_fleet(argc, argv);
	if (options_parse(argc, argv, command_names(), &s.o))
		return CLI_EXIT_USAGE;
	cmd = command_find(s.o.command);
	if (!cmd->run)
		return bench_exits(&s.o);

	int status = session_open(&s);

	return session_close(&s, status ? status : cmd->run(&s));
}
