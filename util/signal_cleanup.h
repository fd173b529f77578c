/* SPDX-License-Identifier: MIT */
/*
 * Temporary files that a signal must not leave behind. A file written beside its final name
 * and renamed into place (a snapshot, a report with --output) is registered while it exists;
 * SIGINT, SIGTERM, SIGHUP or SIGPIPE (a reader that went away) then unlinks it before the
 * process dies of that signal as it would have anyway (the exit status still tells the signal).
 */
#ifndef VIRTCAP_SIGNAL_CLEANUP_H
#define VIRTCAP_SIGNAL_CLEANUP_H

#include <signal.h>
#include <sys/types.h>

/* Hold off the signals that clean up (SIGINT, SIGTERM, SIGHUP, SIGPIPE) while a file is created and
 * registered, so that one arriving in between cannot leave it; release restores the mask */
void signal_cleanup_hold(sigset_t *saved);
void signal_cleanup_release(const sigset_t *saved);
/* A child's process group (a script and what it started) that a signal ending the run stops
 * with SIGTERM first; one at a time */
void signal_cleanup_add_group(pid_t group);
void signal_cleanup_forget_group(void);
/* A command (argv[0] an absolute path, at most 8 words) that a signal ending the run runs, and
 * waits for (20 s at most), before it dies: what no file removal undoes, as a running libvirt
 * domain; one at a time. 0, -E2BIG or -EINVAL. */
int signal_cleanup_add_command(const char *const *argv);
void signal_cleanup_forget_command(void);
/* Remove path if a signal ends the run. Returns 0, or -ENOSPC when too many are registered. */
int signal_cleanup_add(const char *path);
/* The same for a directory and everything in it (an unpacked --root archive). */
int signal_cleanup_add_tree(const char *dir);
/* Remove dir and everything in it without following links; safe in a signal handler. */
void signal_cleanup_remove_tree(const char *dir);
/* path was renamed or removed: forget it. */
void signal_cleanup_forget(const char *path);

#endif
