// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "reports/fleet.h"

/*
 * `virtcap fleet [--format text|csv|markdown|html] [--output FILE] FILE|DIR...`: merge reports
 * (reports/fleet.c). Exit 0 when every input was read, 2 when one became an error row (the
 * merge is still printed) or on usage errors.
 */
int cli_fleet(int argc, char **argv)
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
				cli_error("virtcap: fleet: --format '%s': text, csv, markdown or "
					"html\n", optarg);
				return CLI_EXIT_USAGE;
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
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "virtcap: fleet needs reports: virtcap fleet FILE|DIR...\n");
		return CLI_EXIT_USAGE;
	}

	struct output out = { .saved = -1 };
	struct fleet f = { 0 };

	if (output && output_begin(&out, output))
		return CLI_EXIT_USAGE;
	for (int i = optind; i < argc; i++)
		fleet_add_path(&f, argv[i]);
	fleet_finish(&f);

	int rc = fleet_render(&f, fmt, stdout);

	/* each unreadable report is also one line on stderr, as every input error is */
	for (size_t i = 0; i < f.n; i++)
		if (f.v[i].error)
			cli_error("virtcap: %s: %s\n", f.v[i].file, f.v[i].error);

	int status = rc || fleet_errors(&f) ? CLI_EXIT_USAGE : 0;

	if (!f.n) {	/* a directory with no *.json: nothing was merged, and that is no fleet */
		fprintf(stderr, "virtcap: fleet: no report (*.json) in what it was given\n");
		status = CLI_EXIT_USAGE;
	}

	/* the merge is written even with error rows: they are part of it */
	if (output && output_end(&out, rc == 0))
		status = CLI_EXIT_USAGE;
	fleet_free(&f);
	return status;
}

