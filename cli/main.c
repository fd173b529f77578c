// SPDX-License-Identifier: MIT
/*
 * virtcap: what virtual machines can this Linux x86 host run?
 *
 * Subcommands: (none) probe and show the matrix; probe; snapshot. Only this file exits; the
 * libraries return errors. Exit codes: 0 ran fine, 2 usage or input error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/atomic_file.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "cli/signal_cleanup.h"
#include "probe/capture.h"
#include "probe/probe.h"
#include "probe/root_archive.h"
#include "reports/fleet.h"
#include "reports/report.h"
#include "reports/requirements.h"
#include "version.h"

#define EXIT_USAGE 2

#ifndef VIRTCAP_LIBEXEC
#define VIRTCAP_LIBEXEC "/usr/local/lib/virtcap"
#endif

static void usage(FILE *out)
{
	fputs("usage: virtcap [COMMAND] [OPTIONS]\n"
	      "\n"
	      "Tells what virtual machines this Linux x86 host can run, and why not.\n"
	      "\n"
	      "commands:\n"
	      "  (none)             probe the host, prove with test guests, show the matrix\n"
	      "  probe              the probe only, no test guests\n"
	      "  prove              boot the test guests (hv-mini) and show what they proved\n"
	      "  bench-exits        time each exit kind through hv-mini and a bare KVM_RUN loop\n"
	      "  check --require ID,... | --profile NAME [--tap] [--junit FILE]\n"
	      "                     CI gate: exit 0 when every requirement holds, 1 when one\n"
	      "                     does not, 2 on error; IDs: the matrix rows, kvm, sev-snp,\n"
	      "                     tdx; --list-profiles shows the profiles\n"
	      "  fleet [--format text|csv|markdown|html] [--output FILE] FILE|DIR...\n"
	      "                     merge many hosts' --json reports into one matrix\n"
	      "  advise GUEST       what GUEST needs, what holds here, the first thing to fix and\n"
	      "                     the alternatives; GUEST: dos, os32, os64, hypervisor, gpu,\n"
	      "                     container\n"
	      "  lab [--engine qemu|bochs] [--cpu MODEL] [--kernel amd64|i386] [--nested 0|1]\n"
	      "      [--no-kvm-module] [--user] [--bits 32|64] [--smp N] [--timeout SEC]\n"
	      "      [--json] [-- ARGS]\n"
	      "                     run virtcap ARGS on real KVM inside an emulated CPU:\n"
	      "                     QEMU's (AMD SVM) or Bochs's (Intel VMX)\n"
	      "  snapshot OUT.tar.gz  capture everything the probe reads, for a support ticket\n"
	      "                     or a test; probe it later with --root\n"
	      "\n"
	      "options:\n"
	      "  --json             print the report as JSON (schema virtcap/report/v1)\n"
	      "  --root DIR         read every file relative to DIR (a captured root)\n"
	      "  --cpuid-dump FILE  take CPUID from a libcpuid raw dump instead of this CPU\n"
	      , out);
	cli_print_only_help(out);
	fputs("  --timeout SEC      time limit of each proof (default 2)\n"
	      "  --prom             print Prometheus metrics (node_exporter textfile format)\n"
	      "  --output FILE      write the output to FILE atomically (temporary + rename)\n"
	      "  --verbose          show where every finding came from\n"
	      "  --no-color         no colours (also: NO_COLOR set, or not a terminal)\n"
	      "  --help, --version\n"
	      "\n"
	      "exit status: 0 ran fine, 2 usage or input error (check: 1 a requirement fails)\n",
	      out);
}

struct options {
	const char *command;
	const char *root;
	const char *cpuid_dump;
	const char *snapshot_out;
	const char *guest;		/* advise GUEST */
	char requires[1024];		/* check: --require and --profile, comma-separated */
	const char *profile;
	const char *junit;
	const char *output;		/* --output FILE: written atomically */
	bool tap;
	bool prom;
	const char *only;
	unsigned timeout_ms;
	bool json;
	bool verbose;
	bool no_colour;
};

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ROOT = 256, OPT_CPUID_DUMP, OPT_NO_COLOUR, OPT_ONLY, OPT_TIMEOUT, OPT_REQUIRE,
	       OPT_PROFILE, OPT_TAP, OPT_JUNIT, OPT_LIST_PROFILES, OPT_OUTPUT, OPT_PROM };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "cpuid-dump", required_argument, NULL, OPT_CPUID_DUMP },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-color", no_argument, NULL, OPT_NO_COLOUR },
		{ "no-colour", no_argument, NULL, OPT_NO_COLOUR },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "require", required_argument, NULL, OPT_REQUIRE },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "tap", no_argument, NULL, OPT_TAP },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "list-profiles", no_argument, NULL, OPT_LIST_PROFILES },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "prom", no_argument, NULL, OPT_PROM },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->root = "/";
	o->timeout_ms = 2000;
	/* GNU getopt permutes: options may stand before or after the command */
	while ((c = getopt_long(argc, argv, "jvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_CPUID_DUMP:
			o->cpuid_dump = optarg;
			break;
		case OPT_NO_COLOUR:
			o->no_colour = true;
			break;
		case OPT_ONLY: {
			char err[512];

			o->only = optarg;
			if (cli_check_only(optarg, err, sizeof(err))) {
				fprintf(stderr, "virtcap: %s\n", err);
				return -EINVAL;
			}
			break;
		}
		case OPT_TIMEOUT: {
			char *end;
			double sec = strtod(optarg, &end);

			if (*end || !(sec > 0 && sec <= 3600)) {
				fprintf(stderr, "virtcap: --timeout '%s': give seconds, more than 0 "
					"and at most 3600\n", optarg);
				return -EINVAL;
			}
			o->timeout_ms = (unsigned)(sec * 1000 + 0.5);
			if (!o->timeout_ms)
				o->timeout_ms = 1;
			break;
		}
		case OPT_REQUIRE:
		case OPT_PROFILE: {
			const char *add = optarg;

			if (c == OPT_PROFILE) {
				const struct requirement_profile *p = requirement_profile_find(optarg);

				if (!p) {
					fprintf(stderr, "virtcap: --profile '%s': no such profile; "
						"they are:\n", optarg);
					requirement_profiles_print(stderr);
					return -EINVAL;
				}
				o->profile = p->name;
				add = p->requires;
			}
			char ids[1024];

			snprintf(ids, sizeof(ids), "%s", add);
			for (char *save, *id = strtok_r(ids, ",", &save); id;
			     id = strtok_r(NULL, ",", &save)) {
				if (!requirement_known(id)) {
					fprintf(stderr, "virtcap: --require: unknown requirement '%s'; "
						"the known ones: ", id);
					requirement_ids_print(stderr);
					return -EINVAL;
				}
			}
			size_t used = strlen(o->requires);

			if (used + strlen(add) + 2 > sizeof(o->requires)) {
				fprintf(stderr, "virtcap: --require: too many requirements\n");
				return -EINVAL;
			}
			snprintf(o->requires + used, sizeof(o->requires) - used, "%s%s",
				 used ? "," : "", add);
			break;
		}
		case OPT_TAP:
			o->tap = true;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_PROM:
			o->prom = true;
			break;
		case OPT_JUNIT:
			o->junit = optarg;
			break;
		case OPT_LIST_PROFILES:
			requirement_profiles_print(stdout);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("virtcap %s\n", VIRTCAP_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc)
		o->command = argv[optind++];
	if (o->command && strcmp(o->command, "snapshot") == 0 && optind < argc)
		o->snapshot_out = argv[optind++];
	if (o->command && strcmp(o->command, "advise") == 0 && optind < argc)
		o->guest = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "virtcap: unexpected argument '%s' (try --help)\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->command)
		o->command = "host";	/* probe, proofs, the matrix */
	if (strcmp(o->command, "probe") && strcmp(o->command, "check") &&
	    strcmp(o->command, "host") &&
	    strcmp(o->command, "snapshot") && strcmp(o->command, "prove") &&
	    strcmp(o->command, "bench-exits") && strcmp(o->command, "advise")) {
		fprintf(stderr, "virtcap: unknown command '%s' (try --help)\n", o->command);
		return -EINVAL;
	}
	if (!strcmp(o->command, "advise") && (!o->guest || !cli_advise_known(o->guest))) {
		if (o->guest)
			fprintf(stderr, "virtcap: advise: unknown guest '%s'; one of:\n", o->guest);
		else
			fprintf(stderr, "virtcap: advise needs a guest: virtcap advise GUEST, one of:\n");
		cli_advise_list(stderr);
		return -EINVAL;
	}
	if (!strcmp(o->command, "check") && !o->requires[0]) {
		fprintf(stderr, "virtcap: check needs what to require: --require ID,... or --profile "
			"NAME (virtcap check --list-profiles)\n");
		return -EINVAL;
	}
	if (strcmp(o->command, "check") && (o->requires[0] || o->tap || o->junit)) {
		fprintf(stderr, "virtcap: --require, --profile, --tap and --junit belong to "
			"virtcap check\n");
		return -EINVAL;
	}
	if (!strcmp(o->command, "snapshot") && !o->snapshot_out) {
		fprintf(stderr, "virtcap: snapshot needs the output file: virtcap snapshot OUT.tar.gz\n");
		return -EINVAL;
	}
	return 0;
}

static bool use_colour(const struct options *o)
{
	const char *no_colour = getenv("NO_COLOR");

	/* https://no-color.org: any non-empty NO_COLOR turns colours off */
	if (o->no_colour || (no_colour && *no_colour))
		return false;
	return isatty(STDOUT_FILENO);
}

/*
 * --output FILE: standard output goes to a temporary file beside FILE, renamed over it when
 * the run succeeds and removed when it fails or a signal ends it: FILE is never partial (the
 * node_exporter textfile collector, cron jobs and fleets read it at any moment).
 */
struct output {
	struct atomic_file file;
	int saved;		/* the real standard output while FILE takes its place */
};

static int output_begin(struct output *out, const char *path)
{
	char err[PATH_MAX + 128];
	int rc = atomic_file_open(&out->file, path, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "virtcap: %s\n", err);
		return rc;
	}
	fflush(stdout);
	out->saved = dup(STDOUT_FILENO);
	if (out->saved < 0 || dup2(out->file.fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "virtcap: %s: %s\n", path, strerror(errno));
		if (out->saved >= 0)
			close(out->saved);
		atomic_file_abort(&out->file);
		return -EIO;
	}
	return 0;
}

/* keep: the run succeeded. Returns 0, or -errno when FILE could not be written. */
static int output_end(struct output *out, bool keep)
{
	char err[PATH_MAX + 128];
	int rc = fflush(stdout) != 0 ? -EIO : 0;

	dup2(out->saved, STDOUT_FILENO);
	close(out->saved);
	if (!keep || rc) {
		atomic_file_abort(&out->file);
		if (keep)
			fprintf(stderr, "virtcap: %s: cannot write: %s\n", out->file.path,
				strerror(-rc));
		return rc;
	}
	rc = atomic_file_commit(&out->file, err, sizeof(err));
	if (rc)
		fprintf(stderr, "virtcap: %s\n", err);
	return rc;
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
	if (!mkdtemp(dir)) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot make a directory to unpack into: %s", root,
			 strerror(e));
		dir[0] = '\0';
		return -e;
	}
	signal_cleanup_add_tree(dir);

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

/*
 * `virtcap lab ...` runs scripts/lab.sh, which orchestrates apt-get, dpkg-deb, cpio and QEMU:
 * next to the binary in a build tree, or where make install put it.
 */
static int run_lab(int argc, char **argv)
{
	char self[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');

		if (slash)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/scripts/lab.sh", self);	/* build tree */
		if (access(path, R_OK) == 0)
			goto found;
		snprintf(path, sizeof(path), "%s/../lib/virtcap/lab.sh", self);	/* installed */
		if (access(path, R_OK) == 0)
			goto found;
	}
	snprintf(path, sizeof(path), "%s/lab.sh", VIRTCAP_LIBEXEC);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "virtcap: lab: cannot find lab.sh beside the program or in %s\n",
			VIRTCAP_LIBEXEC);
		return EXIT_USAGE;
	}
found:;
	char **args = calloc((size_t)argc + 2, sizeof(*args));

	if (!args)
		return EXIT_USAGE;
	args[0] = "sh";
	args[1] = path;
	for (int i = 2; i < argc; i++)
		args[i] = argv[i];
	execv("/bin/sh", args);
	fprintf(stderr, "virtcap: lab: cannot run /bin/sh %s: %s\n", path, strerror(errno));
	return EXIT_USAGE;
}

/*
 * `virtcap fleet [--format text|csv|markdown|html] [--output FILE] FILE|DIR...`: merge reports
 * (reports/fleet.c). Exit 0 when every input was read, 2 when one became an error row (the
 * merge is still printed) or on usage errors.
 */
static int run_fleet(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const names[] = { "text", "csv", "markdown", "html" };
	enum fleet_format fmt = FLEET_TEXT;
	const char *output = NULL;
	int c;

	optind = 2;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': {
			int i = 0;

			while (i < 4 && strcmp(names[i], optarg))
				i++;
			if (i == 4) {
				fprintf(stderr, "virtcap: fleet: --format '%s': text, csv, markdown or "
					"html\n", optarg);
				return EXIT_USAGE;
			}
			fmt = (enum fleet_format)i;
			break;
		}
		case 'o':
			output = optarg;
			break;
		case 'h':
			printf("usage: virtcap fleet [--format text|csv|markdown|html] [--output FILE] "
			       "FILE|DIR...\n");
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "virtcap: fleet needs reports: virtcap fleet FILE|DIR...\n");
		return EXIT_USAGE;
	}

	struct output out = { .saved = -1 };
	struct fleet f = { 0 };

	if (output && output_begin(&out, output))
		return EXIT_USAGE;
	for (int i = optind; i < argc; i++)
		fleet_add_path(&f, argv[i]);

	int rc = fleet_render(&f, fmt, stdout);

	/* each unreadable report is also one line on stderr, as every input error is */
	for (size_t i = 0; i < f.n; i++)
		if (f.v[i].error)
			fprintf(stderr, "virtcap: %s: %s\n", f.v[i].file, f.v[i].error);

	int status = rc || fleet_errors(&f) ? EXIT_USAGE : 0;

	/* the merge is written even with error rows: they are part of it */
	if (output && output_end(&out, rc == 0))
		status = EXIT_USAGE;
	fleet_free(&f);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct probe_ctx ctx;
	struct capture capture = { 0 };
	char err[512] = "";
	int rc;

	if (argc > 1 && !strcmp(argv[1], "lab"))
		return run_lab(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "fleet"))
		return run_fleet(argc, argv);
	if (parse_options(argc, argv, &o))
		return EXIT_USAGE;
	if (!strcmp(o.command, "bench-exits"))
		return cli_bench_exits(o.json, o.timeout_ms) ? EXIT_USAGE : 0;

	struct output out = { .saved = -1 };

	if (o.output && output_begin(&out, o.output)) {
		return EXIT_USAGE;
	}

	char unpacked[PATH_MAX];

	if (root_from_archive(o.root, unpacked, sizeof(unpacked), err, sizeof(err))) {
		fprintf(stderr, "virtcap: %s\n", err);
		return EXIT_USAGE;
	}
	if (probe_ctx_init(&ctx, unpacked[0] ? unpacked : o.root, o.cpuid_dump, err,
			   sizeof(err))) {
		fprintf(stderr, "virtcap: %s\n", err);
		root_archive_done(unpacked);
		return EXIT_USAGE;
	}

	bool snapshot = strcmp(o.command, "snapshot") == 0;

	if (snapshot)
		ctx.capture = &capture;

	struct report *r = report_new();

	if (!r) {
		fprintf(stderr, "virtcap: out of memory\n");
		probe_ctx_release(&ctx);
		root_archive_done(unpacked);
		return EXIT_USAGE;
	}
	rc = probe_run(&ctx, r);
	if (unpacked[0]) {	/* the report names the archive, not where it was unpacked */
		free(r->root);
		r->root = strdup(o.root);
	}
	if (rc) {
		fprintf(stderr, "virtcap: probe failed: %s\n", strerror(-rc));
		goto out;
	}

	if (!strcmp(o.command, "check")) {
		char only[1024] = "";

		/* the proofs of the required rows: a requirement holds when a test guest did it */
		for (int k = 0; k < GUEST_KIND_COUNT; k++) {
			const char *id = guest_kind_id((enum guest_kind)k);
			size_t n = strlen(id);
			bool wanted = false;

			for (const char *q = o.requires; *q && !wanted; q += strcspn(q, ","),
			     q += *q == ',')
				wanted = strcspn(q, ",") == n && !strncmp(q, id, n);
			if (wanted && k != GUEST_PASSTHROUGH && k != GUEST_CONTAINER)
				snprintf(only + strlen(only), sizeof(only) - strlen(only), "%s%s",
					 only[0] ? "," : "", id);
		}
		rc = only[0] ? cli_run_proofs(r, only, o.timeout_ms, ctx.live && !o.cpuid_dump) : 0;
		if (rc)
			goto out;

		struct check_opts co = { .tap = o.tap, .json = o.json, .junit = o.junit,
					 .profile = o.profile };
		int result = cli_check(r, o.requires, &co, stdout);

		fflush(stdout);
		for (size_t i = 0; i < r->nerrors; i++)
			fprintf(stderr, "virtcap: %s: %s\n", r->errors[i].input, r->errors[i].problem);
		if (r->nerrors)
			result = EXIT_USAGE;	/* an input error: the verdicts rest on bad input */
		report_free(r);
		capture_free(&capture);
		probe_ctx_release(&ctx);
		root_archive_done(unpacked);
		/* check's output is written whether the requirements hold or not */
		if (o.output && output_end(&out, result != EXIT_USAGE) && result != EXIT_USAGE)
			result = EXIT_USAGE;
		return result;
	}
	if (!strcmp(o.command, "host") || !strcmp(o.command, "prove")) {
		rc = cli_run_proofs(r, o.only, o.timeout_ms, ctx.live && !o.cpuid_dump);
		if (rc)
			goto out;
	}
	if (!strcmp(o.command, "advise")) {
		char only[256];
		const char *proofs = cli_advise_proofs(o.guest, only, sizeof(only));

		/* the proofs behind the advice: "holds" then means a test guest did it */
		rc = proofs ? cli_run_proofs(r, proofs, o.timeout_ms, ctx.live && !o.cpuid_dump) : 0;
		if (!rc)
			rc = cli_advise(r, o.guest, o.json, locale_is_utf8(), stdout);
		goto out;
	}

	if (snapshot) {
		rc = snapshot_write(o.snapshot_out, &ctx, &capture, err, sizeof(err));
		if (rc)
			fprintf(stderr, "virtcap: %s\n", err);
		else
			fprintf(stderr, "virtcap: wrote %s (%zu entries)\n", o.snapshot_out,
				capture.n);
	} else if (o.prom) {
		rc = report_print_prom(r, stdout);
	} else if (o.json) {
		rc = print_json(r);
	} else {
		struct report_human_opts ho = {
			.colour = use_colour(&o),
			.utf8 = locale_is_utf8(),
			.verbose = o.verbose,
			.width = 80,
		};

		rc = report_print_human(r, &ho, stdout);
	}
	if (fflush(stdout) != 0 && !rc)
		rc = -EIO;

out:
	/* every input error is one line on stderr, after the report it did not stop */
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "virtcap: %s: %s\n", r->errors[i].input, r->errors[i].problem);
	int status = (rc || r->nerrors) ? EXIT_USAGE : 0;

	report_free(r);
	capture_free(&capture);
	probe_ctx_release(&ctx);
	root_archive_done(unpacked);
	if (o.output && output_end(&out, status == 0) && status == 0)
		status = EXIT_USAGE;
	return status;
}
