#!/bin/sh
# `virtcap snapshot` captures what the probe reads; probing the unpacked snapshot with --root
# must give the same capabilities and matrix as the live run, and a failed write leaves nothing.
. "$(dirname "$0")/lib/tap.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to compare the reports"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# the kernel log as dmesg reads it just before and just after the snapshot: where the two agree,
# nothing entered or left the ring in between, and the snapshot's reading must be theirs exactly
dmesg >"$tmp/dmesg.before" 2>/dev/null
timeout 60 "$VIRTCAP" snapshot "$tmp/snap.tar.gz" 2>"$tmp/err"
ok $? "snapshot of the live host exits 0"
dmesg >"$tmp/dmesg.after" 2>/dev/null
tar tzf "$tmp/snap.tar.gz" >"$tmp/list" 2>&1
ok $? "the snapshot is a valid tar.gz"
grep -qx '.virtcap/facts' "$tmp/list"
ok $? "it holds the facts of the live actions"
mkdir "$tmp/root" && tar xzf "$tmp/snap.tar.gz" -C "$tmp/root"
"$VIRTCAP" probe --json >"$tmp/live.json" && "$VIRTCAP" probe --json --root "$tmp/root" >"$tmp/snap.json"
ok $? "the unpacked snapshot probes without errors"
python3 - "$tmp/live.json" "$tmp/snap.json" >"$tmp/diff" <<'PY'
import json, sys
live, snap = (json.load(open(f)) for f in sys.argv[1:3])
bad = 0
for section in ("capabilities", "matrix"):
    for key in sorted(set(live[section]) | set(snap[section])):
        if key == "cpu.cpuid_source":   # says where CPUID came from: the CPU, then the file
            continue
        a, b = live[section].get(key), snap[section].get(key)
        if a != b:
            bad += 1
            print("%s %s:\n  live: %s\n  snap: %s" % (section, key, a, b))
sys.exit(1 if bad else 0)
PY
ok $? "capabilities and matrix from the snapshot equal the live ones"
[ -s "$tmp/diff" ] && diag "$(cat "$tmp/diff")"

# /etc/group: only the line of /dev/kvm's group, without its members
if [ -f "$tmp/root/etc/group" ]; then
	awk -F: 'NF != 4 || $4 != "" { bad = 1 } END { exit bad || NR != 1 }' "$tmp/root/etc/group"
	ok $? "the snapshot's /etc/group is one group's line without members"
	[ "$(wc -l </etc/group)" -le 1 ] || ! cmp -s /etc/group "$tmp/root/etc/group"
	ok $? "not the host's whole /etc/group"
fi

# the live actions' results reach the facts, against outside witnesses: the kernel log's lines
# as dmesg prints them, and /dev/kvm's answers
facts=$tmp/root/.virtcap/facts
# first LINES-FILE PREFIX: the text after PREFIX on the first line that has it (200 characters)
first() { sed -n "s/^\[[^]]*\] $2//p" "$1" | head -1 | cut -c1-200; }
if [ ! -s "$tmp/dmesg.before" ]; then
	skip 5 "dmesg cannot read the kernel log here"
elif ! ( [ "$(head -1 "$tmp/dmesg.before")" = "$(head -1 "$tmp/dmesg.after")" ] &&
	 for p in "Hypervisor detected: " "kvm-pvm: " "DMI: "; do
		[ "$(first "$tmp/dmesg.before" "$p")" = "$(first "$tmp/dmesg.after" "$p")" ] || exit 1
	 done ); then
	skip 5 "the kernel log's oldest lines changed while the snapshot ran: nothing to compare exactly"
else
	grep -qx 'klog.status=ok' "$facts"
	ok $? "the kernel log was read (dmesg reads it too)"
	is "klog.oldest=$(sed -n 's/^klog.oldest=//p' "$facts")" \
	   "klog.oldest=$(head -1 "$tmp/dmesg.after" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')" \
	   "read whole: the oldest line virtcap read is dmesg's oldest, not a later one (issue 24)"
	is "$(sed -n 's/^klog.hypervisor_detected=//p' "$facts")" \
	   "$(first "$tmp/dmesg.after" "Hypervisor detected: ")" \
	   "the kernel log's hypervisor line is dmesg's"
	is "$(sed -n 's/^klog.kvm_pvm=//p' "$facts")" "$(first "$tmp/dmesg.after" "kvm-pvm: ")" \
	   "the kernel log's first kvm-pvm line is dmesg's"
	is "$(sed -n 's/^klog.dmi=//p' "$facts")" "$(first "$tmp/dmesg.after" "DMI: ")" \
	   "the kernel log's DMI line is dmesg's"
fi
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	grep -qx 'kvm.open=ok' "$facts" && grep -qx 'kvm.api_version=12' "$facts"
	ok $? "/dev/kvm opened and answered KVM_GET_API_VERSION with 12, as every KVM does"
else
	grep -qx 'kvm.open=ok' "$facts"
	ok $((! $?)) "/dev/kvm, which this user cannot open, is not recorded as opened"
fi

# a snapshot that cannot be written: exit 2, a message naming the file, no partial file
"$VIRTCAP" snapshot "$tmp/no/such/dir/out.tar.gz" 2>"$tmp/err2"
is "$?" 2 "a snapshot into a missing directory exits 2"
grep -q "$tmp/no/such/dir/out.tar.gz" "$tmp/err2"
ok $? "the error names the file"

# a write that fails after the temporary exists (a file-size limit of 1 KiB, as a full disk
# would): the earlier snapshot stays as it was, the reason is the system's, no temporary is left
mkdir "$tmp/full" && echo earlier >"$tmp/full/out.tar.gz"
(trap '' XFSZ; ulimit -f 1; exec "$VIRTCAP" snapshot "$tmp/full/out.tar.gz") 2>"$tmp/err3"
is "$?" 2 "a snapshot that cannot be written whole exits 2"
grep -q "$tmp/full/out.tar.gz: cannot write the snapshot: File too large" "$tmp/err3"
ok $? "the error names the file and the system's reason"
is "$(cat "$tmp/full/out.tar.gz")/$(ls "$tmp/full")" "earlier/out.tar.gz" \
	"the earlier snapshot is kept and no temporary is left beside it"
done_testing
