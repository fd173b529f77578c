#!/bin/sh
# The reports virtcap gives on captured roots, compared with the ones recorded in tests/golden/:
# the ten scenario roots (tests/lib/scenarios.sh) and a snapshot of the development machine
# (tests/data/roots/this-machine.tar.gz: PVM under Firecracker). A change of any output, in
# JSON, human text, Prometheus metrics, advice or a CI check, shows here as a diff. Only the
# time, the root's path and where an archive was unpacked are normalized away.
#
# After a change of output that is meant, record the new outputs and commit them with it:
#   GOLDEN_FIX=1 VIRTCAP=$PWD/virtcap tests/t004-golden-reports.t
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
. "$(dirname "$0")/lib/scenarios.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to normalize the outputs"
plan_lazy
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# outputs NAME ROOT: each output of virtcap on ROOT, normalized, into $tmp/out/NAME.*
outputs() {
	mkdir -p "$tmp/out"
	o=$tmp/out/$1
	run() {	# SUFFIX ROOT ARGS...: stdout and stderr, then the exit status
		_suffix=$1 _root=$2; shift 2
		XDG_CACHE_HOME=$tmp/no-cache LANG=C.UTF-8 LC_ALL=C.UTF-8 "$VIRTCAP" --root "$_root" "$@" >"$o.raw" 2>"$o.err"
		_rc=$?
		{ cat "$o.raw"; echo "--- stderr"; cat "$o.err"; echo "--- exit $_rc"; } |
			python3 "$here/lib/normalize.py" "$_root" >"$o.$_suffix"
	}
	run json "$2" --json
	run text "$2" --no-color
	run verbose "$2" --no-color --verbose
	run prom "$2" --prom
	for g in dos os32 os64 hypervisor gpu container; do
		run "advise-$g" "$2" advise "$g" --no-color
	done
	run advise-json "$2" advise os64 --json
	for p in qemu-kvm nested-ci gpu-passthrough; do
		run "check-$p" "$2" check --profile "$p" --tap
	done
	run check-json "$2" check --require kvm,long64,nested,passthrough,container --json
	rm -f "$o.raw" "$o.err"
}
for s in $SCENARIOS; do
	scenario "$s" "$tmp/roots/$s" || bail "scenario $s"
	outputs "$s" "$tmp/roots/$s"
done
outputs this-machine "$here/data/roots/this-machine.tar.gz"

if [ -n "${GOLDEN_FIX:-}" ]; then
	rm -rf "$golden" && mkdir -p "$golden" && cp "$tmp"/out/* "$golden"/
	ok $? "recorded $(ls "$golden" | wc -l) outputs in $golden"
	done_testing
	exit
fi
for f in "$tmp"/out/*; do
	name=$(basename "$f")
	if [ ! -f "$golden/$name" ]; then
		ok 1 "$name: no recorded output (GOLDEN_FIX=1 records it)"
	elif diff -u "$golden/$name" "$f" >"$tmp/diff"; then
		ok 0 "$name: as recorded"
	else
		ok 1 "$name: as recorded"
		diag "$(head -40 "$tmp/diff")"
	fi
done
for f in "$golden"/*; do
	[ -f "$tmp/out/$(basename "$f")" ] || { ok 1 "$(basename "$f"): recorded but no longer made"; }
done
done_testing
