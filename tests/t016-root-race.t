#!/bin/sh
# A captured root changed while virtcap reads it must not lead out of it. A shim (LD_PRELOAD)
# swaps the root's /proc directory for a link to the host's /proc the moment virtcap has looked
# at it and seen a directory, the worst moment there is (while resolving the first file it reads
# there, the host name); what virtcap then reports must not be the host's (issue 13: resolving a
# path and then opening it whole followed the link: 3 of 6 runs under a real swapping loop, and
# every run under this shim).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
[ -r /proc/sys/kernel/hostname ] || skip_all "no host name to tell the host's from the root's"
command -v gcc >/dev/null || bail "gcc is missing: make deps"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
root_kernel "$r" 6.1.0-27-amd64 x86_64
root_file "$r" proc/sys/kernel/hostname "captured-$$"

# the shim: after an fstatat() of "proc" (alone, or as a path's first component) in the root
# that found a directory, swap it for a link to the host's /proc, once
cat >"$tmp/swap.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int swapped;

static void swap(const char *path, const struct stat *st)
{
	const char *root = getenv("SWAP_ROOT");
	char dir[4096], moved[4096];

	if (swapped || !root || !S_ISDIR(st->st_mode) || strcmp(path, "proc"))
		return;
	snprintf(dir, sizeof(dir), "%s/proc", root);
	snprintf(moved, sizeof(moved), "%s/proc.moved", root);
	if (rename(dir, moved) == 0 && symlink("/proc", dir) == 0)
		swapped = 1;
}

int fstatat(int fd, const char *path, struct stat *st, int flags)
{
	static int (*real)(int, const char *, struct stat *, int);
	int rc;

	if (!real)
		real = (int (*)(int, const char *, struct stat *, int))dlsym(RTLD_NEXT, "fstatat");
	rc = real(fd, path, st, flags);
	if (rc == 0)
		swap(path, st);
	return rc;
}
C
gcc -shared -fPIC -o "$tmp/swap.so" "$tmp/swap.c" -ldl || bail "cannot build the shim"

host=$(cat /proc/sys/kernel/hostname)
SWAP_ROOT=$r LD_PRELOAD=$tmp/swap.so ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	"$VIRTCAP" probe --root "$r" --json >"$tmp/out.json" 2>"$tmp/err"
[ -L "$r/proc" ]
ok $? "the shim swapped the root's /proc for a link to the host's during the run"
got=$(jget "$tmp/out.json" "d['host']['hostname']")
[ "$got" != "$host" ]
ok $? "the host name virtcap reports is not the host's"
[ "$got" != "$host" ] || diag "it read the host's: $got"
case $got in "captured-$$" | null) ok 0 "it is the root's, or unknown ($got)" ;;
*) ok 1 "it is the root's, or unknown"; diag "got: $got" ;; esac
done_testing
