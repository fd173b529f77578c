// SPDX-License-Identifier: MIT
/*
 * `virtcap bench-exits`: the round trip of each exit kind through hv-mini and through a bare
 * KVM_RUN loop, and the ratio (what hv-mini adds). make bench runs it here and in the lab.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hv-mini/exit_bench.h"
#include "hv-mini/hv.h"
#include "proofs/proofs.h"

#define BENCH_EXITS 2000	/* about 0.1 s per kind on TCG's nested KVM (40 us an exit) */

int cli_bench_exits(bool json, unsigned timeout_ms)
{
	struct exit_cost costs[EXIT_KINDS - 1];
	const char *env = getenv("VIRTCAP_BENCH_EXITS");	/* fewer for a slow emulated CPU */
	unsigned count = env && atoi(env) > 0 ? (unsigned)atoi(env) : BENCH_EXITS;
	int err = exit_bench_run(count, timeout_ms, costs);

	if (err) {
		cli_error("virtcap: bench-exits: %s\n", costs[0].error);
		return err;
	}

	/* the whole proof set, timed as `virtcap prove` runs it */
	struct hv_proof_opts opts = { .timeout_ms = timeout_ms };
	uint64_t start = hv_now_ns();

	for (size_t i = 0; i < proof_count; i++) {
		struct hv_proof_result res;

		if (proof_runs_by_default(&proof_defs[i]))
			proof_run(&proof_defs[i], &opts, &res);
	}

	double proofs_ms = (double)(hv_now_ns() - start) / 1e6;

	if (json)
		printf("{\"exits\": {");
	else
		printf("%-10s %12s %12s %8s\n", "exit", "hv-mini us", "bare us", "ratio");
	for (int k = 0; k < EXIT_KINDS - 1; k++) {
		const struct exit_cost *c = &costs[k];
		bool ok = c->hv_us > 0 && c->bare_us > 0;

		if (json)
			printf("%s\"%s\": {\"hv_us\": %.3f, \"bare_us\": %.3f, \"ratio\": %.3f, "
			       "\"error\": %s%s%s}", k ? ", " : "", c->name, ok ? c->hv_us : -1.0,
			       ok ? c->bare_us : -1.0, ok ? c->hv_us / c->bare_us : -1.0,
			       ok ? "" : "\"", ok ? "null" : c->error, ok ? "" : "\"");
		else if (ok)
			printf("%-10s %12.2f %12.2f %8.3f\n", c->name, c->hv_us, c->bare_us,
			       c->hv_us / c->bare_us);
		else
			printf("%-10s failed: %s\n", c->name, c->error);
	}
	if (json)
		printf("}, \"proof_set_ms\": %.1f}\n", proofs_ms);
	else
		printf("whole proof set: %.1f ms\n", proofs_ms);
	return 0;
}
