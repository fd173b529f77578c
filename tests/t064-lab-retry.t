#!/bin/sh
# The lab tests' retry (tests/lib/lab.sh run_lab) covers only the emulated machine failing: a
# boot that never reached virtcap, or a kernel whose heartbeat stopped, booted again at most
# LAB_RETRIES times. A virtcap that started on a live kernel and gave no result, or that failed,
# is never retried. Checked with a stand-in for virtcap that says what scripts/lab.sh says in
# each case and counts its calls (the phrases taken from scripts/lab.sh itself, so the two
# cannot drift apart); then with a real hang inside a real lab, where lab.sh itself must tell a
# virtcap that does not end on a live kernel from a kernel that stopped.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
real=$VIRTCAP
. "$top/tests/lib/lab.sh"

phrase() {	# WORDS: the lab's timeout message holding WORDS, as scripts/lab.sh writes it
	grep -o "virtcap lab: [^\"]*$1[^\"]*" "$top/scripts/lab.sh" | head -1
}
for w in "did not reach virtcap" "kernel stopped" "gave no result"; do
	[ -n "$(phrase "$w")" ]
	ok $? "scripts/lab.sh still says '$w'"
done

# a stand-in virtcap: counts its calls, prints MESSAGE on stderr, exits with STATUS
fake() {	# STATUS MESSAGE
	cat >"$tmp/virtcap" <<EOF_FAKE
#!/bin/sh
echo call >>"$tmp/calls"
echo "$2" >&2
exit $1
EOF_FAKE
	chmod +x "$tmp/virtcap"
	rm -f "$tmp/calls" "$tmp"/err.[0-9]*
}
VIRTCAP=$tmp/virtcap
try() {	# STATUS MESSAGE WANT-CALLS WHAT
	fake "$1" "$2"
	run_lab "$tmp/out" "$tmp/err" >/dev/null
	is "$(wc -l <"$tmp/calls")" "$3" "$4"
}
all=$((LAB_RETRIES + 1))
try 2 "$(phrase "did not reach virtcap")" "$all" "a boot that never reached virtcap is tried $LAB_RETRIES times more"
[ -f "$tmp/err.1" ] && [ -f "$tmp/err.$LAB_RETRIES" ]
ok $? "and each earlier boot's messages are kept"
try 2 "$(phrase "kernel stopped")" "$all" "a kernel that stopped beating is tried $LAB_RETRIES times more, no more"
try 2 "$(phrase "gave no result")" 1 "virtcap hanging on a live kernel is never retried"
[ ! -f "$tmp/err.1" ]
ok $? "(nothing kept for a retry that did not happen)"
try 1 "virtcap: a requirement failed" 1 "virtcap failing is never retried"
try 2 "virtcap: --smp: a number of vCPUs from 1 to 16" 1 "a usage error is never retried"
VIRTCAP=$real

# a real hang: the hostile guest that spins, with an hour's deadline and no CPU-time limit (an
# explicit --timeout), keeps virtcap busy inside the lab while its kernel beats on; the lab's own
# limit ends it and must say that virtcap gave no result, which run_lab never boots again
if ! command -v qemu-system-x86_64 >/dev/null || [ ! -x "$top/virtcap-static-x86_64" ]; then
	skip 4 "a lab boot needs qemu-system-x86_64 and make static"
else
	start=$(date +%s)
	run_lab "$tmp/hang.json" "$tmp/hang.err" --timeout 45 -- prove --only hostile-spin \
		--timeout 3600 --json
	rc=$? took=$(($(date +%s) - start))
	is "$rc" 2 "a virtcap that hangs inside the lab: the lab ends it, exit 2"
	grep -q "virtcap started inside the VM but gave no result within 45 s" "$tmp/hang.err"
	ok $? "and says virtcap gave no result on a live kernel (not that the kernel stopped)" ||
		diag "$(head -3 "$tmp/hang.err")"
	[ ! -f "$tmp/hang.err.1" ]
	ok $? "run_lab did not boot again: a hang of virtcap is never retried"
	[ "$took" -lt 120 ]
	ok $? "one boot, ended at the lab's limit ($took s for a 45 s limit)"
fi
done_testing
