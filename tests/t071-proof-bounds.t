#!/bin/sh
# No proof can keep virtcap from ending: each runs in a process of its own, stopped when it has
# not answered a few seconds after its deadline, and one that crashes is a failed proof, not a
# crashed virtcap. An LD_PRELOAD shim makes KVM_RUN never return (as it did not under Bochs,
# and in plain virtcap on the 686-pae lab kernel), or crash.
. "$(dirname "$0")/lib/tap.sh"
[ -c /dev/kvm ] && [ -r /dev/kvm ] || skip_all "no /dev/kvm here: the proofs are not run"
command -v gcc >/dev/null || bail "gcc is missing: make deps"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/kvm-run.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* KVM_RUN that never returns (SHIM=hang: signals do not end it) or crashes (SHIM=crash) */
int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (req == KVM_RUN && getenv("SHIM") && !strcmp(getenv("SHIM"), "hang"))
		for (;;)
			pause();
	if (req == KVM_RUN && getenv("SHIM") && !strcmp(getenv("SHIM"), "crash"))
		raise(SIGSEGV);
	return real(fd, req, arg);
}
C
gcc -shared -fPIC -o "$tmp/kvm-run.so" "$tmp/kvm-run.c" -ldl || bail "cannot build the shim"
start=$(date +%s)
SHIM=hang LD_PRELOAD=$tmp/kvm-run.so ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	timeout 60 "$VIRTCAP" prove --only long64 --timeout 1 --json >"$tmp/hang.json" 2>"$tmp/hang.err"
rc=$? took=$(($(date +%s) - start))
is "$rc" 0 "virtcap ends by itself while KVM_RUN never returns (exit status)"
[ "$took" -le 10 ]
ok $? "within the proof's deadline and the grace after it ($took s for a 1 s proof)"
for p in long64; do
	case $(jget "$tmp/hang.json" "d['details']['proofs']['$p']['status']") in
	failed) ok 0 "$p: failed" ;; *) ok 1 "$p: failed"; diag "$(cat "$tmp/hang.json" | head -20)" ;; esac
	case $(jget "$tmp/hang.json" "d['details']['proofs']['$p']['detail']") in
	"did not finish:"*) ok 0 "$p: it says it did not finish" ;;
	*) ok 1 "$p: it says it did not finish" ;; esac
done
is "$(jget "$tmp/hang.json" "d['matrix']['long64']['verdict']")" no \
	"a proof that never finished does not prove its row"

# (under AddressSanitizer the crash is the shim's, not one to report: ASan leaves SIGSEGV be)
SHIM=crash LD_PRELOAD=$tmp/kvm-run.so \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0:handle_segv=0" \
	timeout 60 "$VIRTCAP" prove --only pio --json >"$tmp/crash.json" 2>"$tmp/crash.err"
is "$?" 0 "a proof that crashes does not crash virtcap"
case $(jget "$tmp/crash.json" "d['details']['proofs']['pio']['detail']") in
*"died of signal 11"*) ok 0 "and is failed, naming the signal" ;;
*) ok 1 "and is failed, naming the signal"; diag "$(jget "$tmp/crash.json" "d['details']['proofs']['pio']")" ;;
esac
done_testing
