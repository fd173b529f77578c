// SPDX-License-Identifier: MIT
/*
 * Removing registered temporaries when a signal ends the run (cli/signal_cleanup.h). The
 * handler only calls unlink(), signal() and raise(), which are async-signal-safe; the paths
 * live in fixed static storage so that nothing is allocated or freed in it.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "cli/signal_cleanup.h"

#define CLEANUP_SLOTS 4

static char paths[CLEANUP_SLOTS][PATH_MAX];
static volatile sig_atomic_t in_use[CLEANUP_SLOTS];
static bool installed;

static void on_signal(int sig)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (in_use[i])
			unlink(paths[i]);
	/* die of the signal, as without us: the parent sees the same status */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };

	sigfillset(&sa.sa_mask);	/* one handler at a time */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* a signal the caller ignores (nohup) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	installed = true;
}

int signal_cleanup_add(const char *path)
{
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!installed)
		install();
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (in_use[i])
			continue;
		memcpy(paths[i], path, strlen(path) + 1);
		in_use[i] = 1;	/* set last: the handler never sees a half-copied path */
		return 0;
	}
	return -ENOSPC;
}

void signal_cleanup_forget(const char *path)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (in_use[i] && !strcmp(paths[i], path))
			in_use[i] = 0;
}
