#!/bin/sh
# make static: both binaries exist, are static ELF files of the right class, and the x86_64 one
# gives the same matrix and capabilities as the dynamic build. (This machine's kernel cannot
# run 32-bit binaries; the lab of hv-mini runs the i386 one.)
. "$(dirname "$0")/lib/tap.sh"
plan 4
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
diff += ["matrix." + k for k in b["matrix"] if a["matrix"][k] != b["matrix"][k]]
print("# differs: " + " ".join(diff)) if diff else None
sys.exit(1 if diff else 0)
PY
ok $? "the static build reports what the dynamic one does"
done_testing
