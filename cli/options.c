// SPDX-License-Identifier: MIT
/*
 * The command line: options may stand before or after the command (GNU getopt permutes), and
 * each is checked as it is read, so a bad one is one line naming it and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "foreign/run.h"
#include "reports/advice.h"
#include "reports/requirements.h"
#include "version.h"

void usage(FILE *out)
{
	fputs("usage: virtcap [COMMAND] [OPTIONS]\n"
	      "\n"
	      "Tells what virtual machines this Linux x86 host can run, and why not.\n"
	      "\n"
	      "commands:\n"
	      "  (none)             probe the host, prove with test guests, show the matrix\n"
	      "  probe              the probe only, no test guests\n"
	      "  prove [--stack qemu,libvirt] [--foreign ARCH,...|all]\n"
	      "                     boot the test guests (hv-mini) and show what they proved;\n"
	      "                     --stack qemu: boot a real Linux guest with the installed\n"
	      "                     QEMU, under KVM and under TCG, time both, prove its\n"
	      "                     virtual devices; libvirt: the same guest as a domain;\n"
	      "                     --foreign: run a program of each architecture (aarch64,\n"
	      "                     arm, riscv64, ppc64le, s390x) through binfmt_misc, as\n"
	      "                     containers would, and boot a kernel of each but riscv64\n"
	      "                     (the arm64, arm32, ppc64le, s390x rows)\n"
	      "  bench-exits        time each exit kind through hv-mini and a bare KVM_RUN loop\n"
	      "  check --require ID,... | --profile NAME [--tap] [--junit FILE] [--ci github|none]\n"
	      "                     CI gate: exit 0 when every requirement holds, 1 when one\n"
	      "                     does not, 2 on error; IDs: the matrix rows, kvm, no-kvm,\n"
	      "                     sev-snp, tdx; --list-profiles shows the profiles;\n"
	      "                     --foreign ARCH: boot what arm64 ... s390x are judged on\n"
	      "  fleet [--format text|csv|markdown|html] [--output FILE] FILE|DIR...\n"
	      "                     merge many hosts' --json reports into one matrix\n"
	      "  advise GUEST       what GUEST needs, what holds here, the first thing to fix and\n"
	      "                     the alternatives; GUEST: dos, os32, os64, hypervisor,\n"
	      "                     windows11, windows10, gpu, arm64, arm32, ppc64le, s390x,\n"
	      "                     riscv64, xen, container; arm64 --foreign arm64: with its\n"
	      "                     boot\n"
	      "  advise partition DEVICE [--prove]\n"
	      "                     can the OS on this partition or disk run as a VM here:\n"
	      "                     what it holds, the safe way (a snapshot), what stops a real\n"
	      "                     boot; --prove boots it read-only and says how far it got\n"
	      "  lab [--engine qemu|bochs] [--cpu MODEL] [--kernel amd64|i386] [--nested 0|1]\n"
	      "      [--no-kvm-module] [--user] [--bits 32|64] [--smp N] [--timeout SEC]\n"
	      "      [--json] [--with-stack] [--disk FILE] [--lockdown] [--xen] [-- ARGS]\n"
	      "  lab --arch arm64 [--cpu MODEL] [--no-el2] [--smp N] [--json] [-- ARGS]\n"
	      "                     run virtcap ARGS on real KVM inside an emulated CPU:\n"
	      "                     QEMU's (AMD SVM) or Bochs's (Intel VMX); arm64: Debian's\n"
	      "                     arm64 kernel's KVM/arm64 under QEMU's arm64 CPU with EL2\n"
	      "  snapshot OUT.tar.gz  capture everything the probe reads, for a support ticket\n"
	      "                     or a test; probe it later with --root\n"
	      "\n"
	      "options:\n"
	      "  --json, -j         print the report as JSON (schema virtcap/report/v1)\n"
	      "  --root DIR         read every file relative to DIR (a captured root)\n"
	      "  --cpuid-dump FILE  take CPUID from a libcpuid raw dump instead of this CPU\n"
	      , out);
	cli_print_only_help(out);
	fputs("  --timeout SEC      time limit of each proof (default 2; without it a guest\n"
	      "                     that spins is stopped after 40 times the first proof's\n"
	      "                     time of CPU time, at least 150 ms)\n"
	      "  --prom             print Prometheus metrics (node_exporter textfile format)\n"
	      "  --output FILE      write the output to FILE atomically (temporary + rename)\n"
	      "  --nfd DIR          also write Node Feature Discovery's labels to DIR/virtcap\n"
	      "                     (features.d), atomically; --nfd - prints them instead\n"
	      "  --verbose, -v      show where every finding came from\n"
	      "  --no-color         no colours (also: NO_COLOR set, or not a terminal)\n"
	      "  --help, -h; --version, -V\n"
	      "\n"
	      "exit status: 0 ran fine, 2 usage or input error (check: 1 a requirement fails)\n",
	      out);
}

/* --timeout SEC: more than 0, at most an hour */
/* --stack NAME,...: known names, each once, none empty; kept as the program's own strings */
static int parse_stacks(struct options *o, const char *arg)
{
	static const char *const known[STACKS_MAX] = { "qemu", "libvirt" };

	o->nstacks = 0;
	for (const char *p = arg;; p++) {
		size_t n = strcspn(p, ",");
		int k = 0;

		while (k < STACKS_MAX && (strlen(known[k]) != n || strncmp(p, known[k], n)))
			k++;
		for (int i = 0; i < o->nstacks && k < STACKS_MAX; i++)
			if (o->stacks[i] == known[k])
				k = STACKS_MAX;		/* named twice */
		if (k == STACKS_MAX) {
			cli_error("virtcap: --stack '%.100s': the stacks are qemu and libvirt, "
				"each at most once, comma-separated\n", arg);
			return -EINVAL;
		}
		o->stacks[o->nstacks++] = known[k];
		p += n;
		if (*p == '\0')
			return 0;
	}
}

static int parse_timeout(const char *arg, unsigned *ms)
{
	char *end;
	double sec = strtod(arg, &end);

	if (end == arg || *end || !(sec > 0 && sec <= 3600)) {
		cli_error("virtcap: --timeout '%s': give seconds, more than 0 and at most "
			"3600\n", arg);
		return -EINVAL;
	}
	*ms = (unsigned)(sec * 1000 + 0.5);
	if (!*ms)
		*ms = 1;
	return 0;
}

/* --require ID,... or --profile NAME: each id known, added to o->requires */
static int add_requirements(struct options *o, const char *arg, bool profile)
{
	const char *add = arg;
	char ids[1024];

	if (profile) {
		const struct requirement_profile *p = requirement_profile_find(arg);

		if (!p) {
			cli_error("virtcap: --profile '%s': no such profile; they are:\n", arg);
			requirement_profiles_print(stderr);
			return -EINVAL;
		}
		o->profile = p->name;
		add = p->requires;
	}
	if (snprintf(ids, sizeof(ids), "%s", add) >= (int)sizeof(ids)) {
		fprintf(stderr, "virtcap: --require: too many requirements\n");
		return -EINVAL;
	}
	for (char *save, *id = strtok_r(ids, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		if (!requirement_known(id)) {
			cli_error("virtcap: --require: unknown requirement '%s'; the known "
				"ones: ", id);
			requirement_ids_print(stderr);
			return -EINVAL;
		}
	}

	size_t used = strlen(o->requires);

	if (used + strlen(add) + 2 > sizeof(o->requires)) {
		fprintf(stderr, "virtcap: --require: too many requirements\n");
		return -EINVAL;
	}
	snprintf(o->requires + used, sizeof(o->requires) - used, "%s%s", used ? "," : "", add);
	return 0;
}

/* The command and its arguments, after the options: known, and with what it needs */
static int check_command(struct options *o, int argc, char **argv, const char *const *commands)
{
	if (optind < argc)
		o->command = argv[optind++];
	if (o->command && !strcmp(o->command, "snapshot") && optind < argc)
		o->snapshot_out = argv[optind++];
	if (o->command && !strcmp(o->command, "advise") && optind < argc)
		o->guest = argv[optind++];
	if (o->guest && !strcmp(o->guest, "partition") && optind < argc)
		o->device = argv[optind++];
	if (optind < argc) {
		cli_error("virtcap: unexpected argument '%s' (try --help)\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->command)
		o->command = "host";	/* probe, proofs, the matrix */
	size_t ncommands = 0;
	bool known = false;

	for (; commands[ncommands]; ncommands++)
		known |= !strcmp(commands[ncommands], o->command);
	if (!known) {
		const char *s = cli_suggest(o->command, commands, ncommands);

		cli_error("virtcap: unknown command '%s'%s%s%s (try --help)\n", o->command,
			  s ? "; did you mean " : "", s ? s : "", s ? "?" : "");
		return -EINVAL;
	}
	if (o->json && o->prom) {
		fprintf(stderr, "virtcap: --json and --prom are two outputs for one stdout: give "
			"one (the Debian package's timer writes --prom; --json is for fleets)\n");
		return -EINVAL;
	}
	if (o->guest && !strcmp(o->guest, "partition") && !o->device) {
		fprintf(stderr, "virtcap: advise partition needs the device: virtcap advise "
			"partition /dev/sda3 (or a whole disk)\n");
		return -EINVAL;
	}
	if (!strcmp(o->command, "advise") && (!o->guest || (!cli_advise_known(o->guest) &&
							     strcmp(o->guest, "partition")))) {
		const char *names[64];
		const char *s = o->guest ? cli_suggest(o->guest, names, advice_names(names, 64)) :
			NULL;

		if (s)
			cli_error("virtcap: advise: unknown guest '%s'; did you mean %s? One of:\n",
				  o->guest, s);
		else if (o->guest)
			cli_error("virtcap: advise: unknown guest '%s'; one of:\n", o->guest);
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
	if (strcmp(o->command, "check") && (o->requires[0] || o->tap || o->junit || o->ci)) {
		fprintf(stderr, "virtcap: --require, --profile, --tap, --junit and --ci belong to "
			"virtcap check\n");
		return -EINVAL;
	}
	if (o->prove_boot && (!o->guest || strcmp(o->guest, "partition"))) {
		fprintf(stderr, "virtcap: --prove belongs to virtcap advise partition DEVICE\n");
		return -EINVAL;
	}
	if (o->nfd && strcmp(o->command, "host") && strcmp(o->command, "probe") &&
	    strcmp(o->command, "prove")) {
		fprintf(stderr, "virtcap: --nfd belongs to the report: virtcap [probe|prove] --nfd DIR\n");
		return -EINVAL;
	}
	if (o->nfd && !strcmp(o->nfd, "-") && (o->json || o->prom)) {
		fprintf(stderr, "virtcap: --nfd - prints the labels: it cannot print %s too\n",
			o->json ? "--json" : "--prom");
		return -EINVAL;
	}
	if (o->nstacks && strcmp(o->command, "prove")) {
		fprintf(stderr, "virtcap: --stack belongs to virtcap prove\n");
		return -EINVAL;
	}
	if (o->foreign && strcmp(o->command, "prove") && strcmp(o->command, "advise") &&
	    strcmp(o->command, "check")) {
		fprintf(stderr, "virtcap: --foreign belongs to virtcap prove (and advise, check)\n");
		return -EINVAL;
	}
	if (!strcmp(o->command, "snapshot") && !o->snapshot_out) {
		fprintf(stderr, "virtcap: snapshot needs the output file: virtcap snapshot OUT.tar.gz\n");
		return -EINVAL;
	}
	return 0;
}

enum { OPT_ROOT = 256, OPT_CPUID_DUMP, OPT_NO_COLOUR, OPT_ONLY, OPT_TIMEOUT, OPT_REQUIRE,
       OPT_PROFILE, OPT_TAP, OPT_JUNIT, OPT_LIST_PROFILES, OPT_OUTPUT, OPT_PROM, OPT_NFD, OPT_CI, OPT_STACK,
       OPT_PROVE, OPT_FOREIGN };

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
	{ "nfd", required_argument, NULL, OPT_NFD },
	{ "ci", required_argument, NULL, OPT_CI },
	{ "stack", required_argument, NULL, OPT_STACK },
	{ "prove", no_argument, NULL, OPT_PROVE },
	{ "foreign", required_argument, NULL, OPT_FOREIGN },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

/* One option: 0, or -EINVAL said on stderr */
static int take_option(struct options *o, int c, const char *arg)
{
	char err[1024];

	switch (c) {
	case 'j': o->json = true; return 0;
	case 'v': o->verbose = true; return 0;
	case OPT_ROOT: o->root = arg; return 0;
	case OPT_CPUID_DUMP: o->cpuid_dump = arg; return 0;
	case OPT_NO_COLOUR: o->no_colour = true; return 0;
	case OPT_TAP: o->tap = true; return 0;
	case OPT_OUTPUT: o->output = arg; return 0;
	case OPT_PROM: o->prom = true; return 0;
	case OPT_NFD: o->nfd = arg; return 0;
	case OPT_CI:
		if (strcmp(arg, "github") && strcmp(arg, "none")) {
			cli_error("virtcap: --ci '%s': github or none (without it: github where "
				  "GITHUB_ACTIONS=true)\n", arg);
			return -EINVAL;
		}
		o->ci = arg;
		return 0;
	case OPT_STACK: return parse_stacks(o, arg);
	case OPT_PROVE: o->prove_boot = true; return 0;
	case OPT_FOREIGN:
		o->foreign = arg;
		if (foreign_check_names(arg, err, sizeof(err))) {
			cli_error("virtcap: %s\n", err);
			return -EINVAL;
		}
		return 0;
	case OPT_JUNIT: o->junit = arg; return 0;
	case OPT_TIMEOUT: o->timeout_given = true; return parse_timeout(arg, &o->timeout_ms);
	case OPT_REQUIRE: return add_requirements(o, arg, false);
	case OPT_PROFILE: return add_requirements(o, arg, true);
	case OPT_ONLY:
		o->only = arg;
		if (cli_check_only(arg, err, sizeof(err))) {
			cli_error("virtcap: %s\n", err);
			return -EINVAL;
		}
		return 0;
	case OPT_LIST_PROFILES:
		requirement_profiles_print(stdout);
		exit(0);
	case 'h':
		usage(stdout);
		exit(0);
	case 'V':
		printf("virtcap %s\n", VIRTCAP_VERSION);
		exit(0);
	default:	/* '?': options_parse() names it */
		return -EINVAL;
	}
}

/* What getopt refused: a known option without its value, or one with a near name */
static void unknown_option(const char *given)
{
	const char *names[sizeof(longopts) / sizeof(longopts[0])];
	char name[64], near[72];
	size_t n = 0;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(given + (given[0] == '-') +
		 (given[1] == '-'), "="), given + (given[0] == '-') + (given[1] == '-'));
	for (const struct option *l = longopts; l->name; l++) {
		if (!strcmp(l->name, name) && l->has_arg == required_argument) {
			cli_error("virtcap: --%s needs a value (try --help)\n", name);
			return;
		}
		names[n++] = l->name;
	}

	const char *s = cli_suggest(name, names, n);

	snprintf(near, sizeof(near), "; did you mean --%s?", s ? s : "");
	cli_error("virtcap: %s: an unknown option%s (try --help)\n", given, s ? near : "");
}

int options_parse(int argc, char **argv, const char *const *commands, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->root = "/";
	o->timeout_ms = 2000;
	opterr = 0;	/* one line of ours instead of getopt's and the whole usage */
	while ((c = getopt_long(argc, argv, "jvhV", longopts, NULL)) != -1) {
		if (c == '?') {
			unknown_option(argv[optind - 1]);
			return -EINVAL;
		}
		if (take_option(o, c, optarg))
			return -EINVAL;
	}
	return check_command(o, argc, argv, commands);
}
