#!/bin/sh
# make static: the three binaries exist, are static ELF files of the right class, and the x86_64
# one gives the same matrix and capabilities as the dynamic build. (This machine's kernel cannot
# run 32-bit binaries; the lab of hv-mini runs the i386 one.) The aarch64 one, run by QEMU's
# user-mode emulation, reads captured roots as the x86_64 one does, libcpuid's codename aside.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

file "$top/virtcap-static-x86_64" 2>&1 | grep -q 'ELF 64-bit.*x86-64.*statically linked'
ok $? "virtcap-static-x86_64 is a static 64-bit x86-64 ELF"
file "$top/virtcap-static-i386" 2>&1 | grep -q 'ELF 32-bit.*Intel 80386.*statically linked'
ok $? "virtcap-static-i386 is a static 32-bit i386 ELF"
"$top/virtcap-static-x86_64" probe --json >"$tmp/static.json" && "$VIRTCAP" probe --json >"$tmp/dyn.json"
ok $? "both run here"
/usr/bin/python3 - "$tmp/static.json" "$tmp/dyn.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
diff = [k for k in b["capabilities"] if a["capabilities"].get(k) != b["capabilities"][k]]
# a row's "proof" is the build's own architecture's (proofs/manifest_arm64.h on arm64): on a
# captured root none runs, and which rows have one differs by design
diff += ["matrix." + k for k in b["matrix"]
         if {**a["matrix"].get(k, {}), "proof": 0} != {**b["matrix"][k], "proof": 0}]
print("# differs: " + " ".join(diff)) if diff else None
sys.exit(1 if diff else 0)
PY
ok $? "the static build reports what the dynamic one does"

file "$top/virtcap-static-aarch64" 2>&1 | grep -q 'ELF 64-bit.*ARM aarch64.*statically linked'
ok $? "virtcap-static-aarch64 is a static 64-bit arm64 ELF"
command -v qemu-aarch64-static >/dev/null || { skip 4 "no qemu-aarch64-static (make deps)"; done_testing; exit; }
for root in "$top"/tests/data/roots/*.tar.gz; do
	name=$(basename "$root" .tar.gz)
	timeout 60 qemu-aarch64-static "$top/virtcap-static-aarch64" --root "$root" --json \
		>"$tmp/$name.a64.json" 2>"$tmp/$name.a64.err" &&
		timeout 60 "$top/virtcap-static-x86_64" --root "$root" --json >"$tmp/$name.x64.json"
	/usr/bin/python3 - "$tmp/$name.a64.json" "$tmp/$name.x64.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for d in (a, b):	# libcpuid is x86 only: the arm64 build cannot name the CPU's codename
    d["capabilities"].pop("cpu.codename")
diff = [k for k in set(a["capabilities"]) | set(b["capabilities"])
        if a["capabilities"].get(k) != b["capabilities"].get(k)]
# a row's "proof" is the build's own architecture's (proofs/manifest_arm64.h on arm64): on a
# captured root none runs, and which rows have one differs by design
diff += ["matrix." + k for k in b["matrix"]
         if {**a["matrix"].get(k, {}), "proof": 0} != {**b["matrix"][k], "proof": 0}]
print("# differs: " + " ".join(sorted(diff))) if diff else None
sys.exit(1 if diff else 0)
PY
	ok $? "$name: the aarch64 build reads the captured root as the x86_64 one does" ||
		diag "$(head -3 "$tmp/$name.a64.err")"
done
jget "$tmp/$name.a64.json" "d['capabilities']['cpu.codename']['detail']" | grep -q "no libcpuid"
ok $? "and says why it has no codename"
# its proofs are arm64's: the rows hv-mini's arm64 guests decide, and no x86 one
is "$(jget "$tmp/pvm-guest.a64.json" "' '.join(sorted(k for k, v in d['matrix'].items() if v.get('proof')))")" \
	"arm32 arm64 disk hypercall irq mmio smp" "the aarch64 build's proofs are its arm64 guests'"
timeout 60 qemu-aarch64-static "$top/virtcap-static-aarch64" prove --only real16 >/dev/null 2>"$tmp/real16.err"
is "$?" 2 "it has no x86 proof to run (prove --only real16 is a usage error there)"
grep -q "no proof named 'real16'" "$tmp/real16.err"
ok $? "and says which it has" || diag "$(cat "$tmp/real16.err")"
done_testing
