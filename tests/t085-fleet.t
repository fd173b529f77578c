#!/bin/sh
# virtcap fleet: reports of many hosts merged into one matrix, in each format, with every bad
# input an error row naming the file and the problem; the HTML page escaped, readable without
# JavaScript and rendered by the real headless Chromium.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# real reports: this machine and an Intel host with VT-x (captured root), then 40 generated
r=$tmp/host
mkdir -p "$r"
intel_kvm_host "$r" 6.1.0-27-amd64
"$VIRTCAP" --root "$r" --json >"$tmp/base.json"
python3 "$top/scripts/fleet-gen.py" "$tmp/base.json" "$tmp/good" 40
"$VIRTCAP" fleet --format csv "$tmp/good" >"$tmp/good.csv" 2>"$tmp/err"
is "$?" 0 "40 good reports merge: exit 0"
python3 - "$tmp/good.csv" "$tmp/good" <<'PY'
import csv, json, os, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 40, len(rows)
for row in rows:
    d = json.load(open(row["file"]))
    assert row["host"] == d["host"]["hostname"] and row["status"] == "ok"
    for kind, m in d["matrix"].items():
        assert row[kind] == m["verdict"], (row["host"], kind, row[kind], m["verdict"])
PY
ok $? "CSV: every cell is the host's own verdict (read back with Python's csv)"
"$VIRTCAP" fleet "$tmp/good" >"$tmp/good.txt"
grep -q '^  kernel.dev_kvm: 10 hosts' "$tmp/good.txt" && grep -q '^  kernel.nested: 10 hosts' "$tmp/good.txt"
ok $? "text: the hosts that share a blocker are counted (10 with /dev/kvm closed, 10 nested=0)"
grep -Eq '^long64 +30 +10 +0 +0$' "$tmp/good.txt"
ok $? "text: counts per verdict (long64: 30 yes, 10 no, 0 unknown, 0 by emulation)"

# long host names that differ only at their end stay apart (never cut), the table says how
# wide it is when it is wider than 80, every line beside it fits 80, and each blocker says
# which guest kinds it blocks
mkdir "$tmp/long"
python3 - "$tmp/good/host-00001.json" "$tmp/long" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i in (1, 2):
    d["host"]["hostname"] = "build-runner-eu-west-1a.internal.example.com-%04d" % i
    d["generated_by"]["time"] = "2026-01-0%dT00:00:00Z" % i
    json.dump(d, open("%s/h%d.json" % (sys.argv[2], i), "w"))
PY
timeout 60 "$VIRTCAP" fleet "$tmp/long" >"$tmp/long.txt" 2>/dev/null
is "$(grep -c '^build-runner-eu-west-1a.internal.example.com-000[12] ' "$tmp/long.txt")" 2 \
	"two 49-character host names that differ at the end: both whole, two rows"
width=$(sed -n 2p "$tmp/long.txt" | awk '{ print length($0) }')
head -1 "$tmp/long.txt" | grep -q "^($width columns wide: a wider terminal, or --format csv|markdown|html)$"
ok $? "the table says it is $width columns wide, and what to use instead"
is "$(sed -n '/^Hosts that share a blocker/,$p' "$tmp/long.txt" | awk 'length($0) > 80' | wc -l)" 0 \
	"the blockers and their fixes fit 80 columns"
grep -Eq '^    blocks: [a-z0-9_]+ \([0-9]+\)' "$tmp/good.txt"
ok $? "each blocker says which guest kinds it blocks, on how many hosts"

# bad inputs: each one an error row naming the file and the problem
mkdir "$tmp/bad"
cp "$tmp/good/host-00001.json" "$tmp/bad/a-good.json"
cp "$tmp/good/host-00001.json" "$tmp/bad/b-duplicate.json"
head -c 300 "$tmp/base.json" >"$tmp/bad/c-truncated.json"
: >"$tmp/bad/d-empty.json"
# binary data behind a number: a JSON value, then garbage (random bytes once began with a digit)
{ printf '7 '; head -c 2000 /dev/urandom; } >"$tmp/bad/e-binary.json"
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$tmp/bad/f-deep.json"
sed 's#"virtcap/report/v1"#"virtcap/report/v2"#' "$tmp/base.json" >"$tmp/bad/g-newer.json"
truncate -s 1G "$tmp/bad/k-huge.json"	# sparse: refused by its size, never read
python3 - "$tmp/base.json" "$tmp/bad" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["matrix"] = list(d["matrix"].values())
json.dump(d, open(sys.argv[2] + "/h-wrongtype.json", "w"))
d = json.load(open(sys.argv[1])); d["matrix"]["long64"]["verdict"] = 7
d["host"]["hostname"] = "other"
json.dump(d, open(sys.argv[2] + "/i-badverdict.json", "w"))
json.dump({"hello": "world"}, open(sys.argv[2] + "/j-notreport.json", "w"))
PY
"$VIRTCAP" fleet --format csv "$tmp/bad" "$tmp/missing.json" >"$tmp/bad.csv" 2>"$tmp/bad.err"
is "$?" 2 "bad inputs: exit 2, the merge still printed"
status() { python3 -c 'import csv,sys; print([r["status"] for r in csv.DictReader(open(sys.argv[1], newline="")) if r["file"].endswith(sys.argv[2])][0])' "$tmp/bad.csv" "$1"; }
for c in "b-duplicate.json:duplicate of" "c-truncated.json:truncated" "d-empty.json:empty file" \
	 "e-binary.json:not valid JSON" "f-deep.json:not valid JSON" "g-newer.json:newer than" \
	 "h-wrongtype.json:\"matrix\" is not an object" "i-badverdict.json:has no verdict" \
	 "j-notreport.json:not a virtcap report" "k-huge.json:over 16 MiB" \
	 "missing.json:No such file"; do
	f=${c%%:*} want=${c#*:}
	case $(status "$f") in *"$want"*) ok 0 "$f: an error row ($want)" ;;
	*) ok 1 "$f: an error row ($want)"; diag "status: $(status "$f")" ;; esac
done
is "$(grep -c '' "$tmp/bad.csv")" 13 "nothing dropped: 12 inputs and the header"
is "$(grep -c "^virtcap: $tmp/" "$tmp/bad.err")" 11 "each bad input is also one line on stderr"

# hostile and odd reports (issue 13): each shown for what it is, never as a healthy host
mkdir "$tmp/odd"
python3 - "$tmp/base.json" "$tmp/odd" <<'PY'
import json, sys
base, out = sys.argv[1], sys.argv[2]
def write(name, change):
    d = json.load(open(base)); change(d)
    json.dump(d, open(out + "/" + name, "w"), allow_nan=True)
def formula(d): d["host"]["hostname"] = "=cmd|' /C calc'!A0"
def escapes(d): d["host"]["hostname"] = "evil\x1b[2J\x1b]0;owned\x07\rforged"
def markup(d):
    d["host"]["hostname"] = "md|host"
    d["matrix"]["long64"].update(verdict="no", blocked_by="`x` <img src=x onerror=alert(1)>")
def errors(d):
    d["host"]["hostname"] = "with-errors"
    d["errors"] = [{"input": "/x/cpuid.raw", "problem": "line 2: expected four values"}]
def nomatrix(d): d["host"]["hostname"] = "no-matrix"; d["matrix"] = {}
def nan(d): d["host"]["hostname"] = "nan"; d["host"]["process_bits"] = float("nan")
def null(d): d["host"]["hostname"] = None
def old(d): d["host"]["hostname"] = "twice"; d["generated_by"]["time"] = "2026-01-01T00:00:00Z"
def new(d): d["host"]["hostname"] = "twice"; d["generated_by"]["time"] = "2026-06-01T00:00:00Z"
for name, change in [("a-formula", formula), ("b-escapes", escapes), ("c-markup", markup),
                     ("d-errors", errors), ("e-nomatrix", nomatrix), ("f-nan", nan),
                     ("g-null", null), ("h-old", old), ("i-new", new)]:
    write(name + ".json", change)
PY
"$VIRTCAP" fleet --format csv "$tmp/odd" >"$tmp/odd.csv" 2>/dev/null
is "$?" 2 "odd reports: exit 2 (one has input errors of its own, others are broken)"
cell() { python3 -c 'import csv,sys; print([r[sys.argv[3]] for r in csv.DictReader(open(sys.argv[1], newline="")) if r["file"].endswith(sys.argv[2])][0])' "$tmp/odd.csv" "$1" "$2"; }
is "$(cell a-formula.json host)" "'=cmd|' /C calc'!A0" "CSV: a hostname a spreadsheet would run as a formula starts with '"
case $(cell d-errors.json status) in "its report lists 1 input error, the first: /x/cpuid.raw"*)
	ok 0 "a report with its own input errors is not ok: it says the first" ;;
*) ok 1 "a report with its own input errors is not ok"; diag "$(cell d-errors.json status)" ;; esac
case $(cell e-nomatrix.json status) in *"none of the guest kinds"*) ok 0 "an empty matrix is an error row" ;;
*) ok 1 "an empty matrix is an error row"; diag "$(cell e-nomatrix.json status)" ;; esac
case $(cell f-nan.json status) in *"not valid JSON"*) ok 0 "NaN is not JSON: an error row" ;;
*) ok 1 "NaN is not JSON: an error row"; diag "$(cell f-nan.json status)" ;; esac
is "$(cell g-null.json host)" "(none)" "a null hostname, as the schema allows, is read"
case $(cell h-old.json status) in "older than $tmp/odd/i-new.json: not counted") ok 0 "the same host's older report is not counted" ;;
*) ok 1 "the same host's older report is not counted"; diag "$(cell h-old.json status)" ;; esac
"$VIRTCAP" fleet "$tmp/odd" >"$tmp/odd.txt" 2>/dev/null
grep -q '^6 hosts, 2 reports unreadable, 1 report with input errors, 1 older report not counted$' "$tmp/odd.txt"
ok $? "text: the hosts counted once each, the rest said (singular where one)"
[ "$(tail -c 1 "$tmp/odd.txt" | od -An -c | tr -d ' ')" = '\n' ]
ok $? "text: the output ends with a newline"
LC_ALL=C tr -d '\n' <"$tmp/odd.txt" | LC_ALL=C grep -q '[[:cntrl:]]'
ok $((! $?)) "text: no control character of a hostname reaches the terminal"
"$VIRTCAP" fleet --format markdown "$tmp/odd" >"$tmp/odd.md" 2>/dev/null
! grep -q '[^\\]<img' "$tmp/odd.md" && [ "$(grep -c '^#' "$tmp/odd.md")" -le 1 ]
ok $? "Markdown: no raw HTML (every < escaped), no injected heading"
"$VIRTCAP" fleet --format html "$tmp/odd" >"$tmp/odd.html" 2>/dev/null
! grep -q '<img' "$tmp/odd.html"
ok $? "HTML: the blocker's markup is escaped"

# a report whose file name holds a control character is read by that name (and shown cleaned)
mkdir "$tmp/ctlname"
cp "$tmp/good/host-00001.json" "$tmp/ctlname/$(printf 'odd\033name.json')"
"$VIRTCAP" fleet --format csv "$tmp/ctlname" >"$tmp/ctlname.csv" 2>/dev/null
is "$?" 0 "a file name with a control character: read, exit 0"
LC_ALL=C grep -q "$(printf '\033')" "$tmp/ctlname.csv"
ok $((! $?)) "the control character of its name is not printed"

# a member named twice: the later one counts, as json-c and Python read it (the first "host" and
# "matrix" here say another name and every guest blocked)
python3 - "$tmp/base.json" "$tmp/dupkey.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
host = dict(d["host"], hostname="first-said")
matrix = {k: dict(v, verdict="no", blocked_by="cpu.first", fix="x") for k, v in d["matrix"].items()}
text = json.dumps(d)
open(sys.argv[2], "w").write('{"host": %s, "matrix": %s, ' % (json.dumps(host), json.dumps(matrix)) + text[1:])
PY
"$VIRTCAP" fleet --format csv "$tmp/dupkey.json" >"$tmp/dupkey.csv" 2>/dev/null
python3 - "$tmp/dupkey.csv" "$tmp/dupkey.json" <<'PY'
import csv, json, sys
row, = csv.DictReader(open(sys.argv[1], newline=""))
d = json.load(open(sys.argv[2]))	# Python's reading: the later member
assert row["host"] == d["host"]["hostname"] != "first-said", row["host"]
for kind, m in d["matrix"].items():
    assert row[kind] == m["verdict"], (kind, row[kind], m["verdict"])
PY
ok $? "a member named twice: the later one is read, as Python reads it"

# Markdown: a table whose rows all have the header's columns; pipes in names escaped
"$VIRTCAP" fleet --format markdown "$tmp/good" "$tmp/bad" >"$tmp/m.md" 2>/dev/null
awk -F'|' '/^\| host/ { n = NF } /^\|/ && n && !/^\| guest/ && !/^\|---\|---\|---\|---\|$/ \
	{ if (NF != n && !seen) { print; seen = 1 } } /^$/ { if (n) exit }' "$tmp/m.md" >"$tmp/md.bad"
is "$(cat "$tmp/md.bad")" "" "Markdown: every matrix row has the header's column count"

# HTML: untrusted names escaped, complete without JavaScript, and rendered by Chromium
python3 - "$tmp/base.json" "$tmp/evil.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["host"]["hostname"] = "<script>alert(1)</script>&co"
json.dump(d, open(sys.argv[2], "w"))
PY
"$VIRTCAP" fleet --format html --output "$tmp/fleet.html" "$tmp/good" "$tmp/evil.json" \
	"$tmp/bad/c-truncated.json" 2>/dev/null
is "$?" 2 "HTML with one bad report: exit 2, and the page is written"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&amp;co' "$tmp/fleet.html" &&
	! grep -q '<script>alert' "$tmp/fleet.html"
ok $? "HTML: a hostile hostname is escaped"
sed 's#<script>.*##' "$tmp/fleet.html" | grep -c '<tr>' | grep -qx 66
ok $? "HTML: without the script the table holds every row (41 hosts, the header, 24 counts)"
# the sanitizer pass renders the same page with the same Chromium: nothing to gain there
if [ -n "${VIRTCAP_SANITIZER_PASS:-}" ]; then
	ok 0 "# SKIP the sanitizer pass: Chromium's rendering is checked in the plain pass"
elif ! command -v chromium >/dev/null; then
	ok 1 "chromium is installed (make deps)"
else
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,900 \
		--screenshot="$tmp/fleet.png" "file://$tmp/fleet.html" >/dev/null 2>&1
	python3 - "$tmp/fleet.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 900), (w, h)
# the page is coloured: decode the image and count green and red cell pixels
chunks, pos = b"", 8
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        chunks += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(chunks)
bpp = 4 if data[25] == 6 else 3
stride = w * bpp + 1
green = red = 0
prev = bytearray(stride - 1)
for y in range(h):
    f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
    for x in range(len(line)):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, len(line), bpp):
        px = tuple(line[x:x + 3])
        green += px == (0xb7, 0xe4, 0xb7)
        red += px == (0xf4, 0xb6, 0xb6)
assert green > 5000 and red > 5000, (green, red)
print(green, red)
PY
	ok $? "Chromium renders the page: a 1280x900 screenshot with green and red cells"
	[ -n "$VIRTCAP_KEEP_SCREENSHOT" ] && cp "$tmp/fleet.png" "$VIRTCAP_KEEP_SCREENSHOT"
fi
ls "$tmp" | grep -q '\.tmp\.'
is "$?" 1 "--output left no temporary"

# --output writes exactly what standard output would, in every format
for f in text csv markdown; do
	"$VIRTCAP" fleet --format "$f" "$tmp/good" >"$tmp/stdout.$f" 2>/dev/null
	"$VIRTCAP" fleet --format "$f" --output "$tmp/file.$f" "$tmp/good" >"$tmp/none.$f" 2>/dev/null
	cmp -s "$tmp/stdout.$f" "$tmp/file.$f" && [ -s "$tmp/file.$f" ] && [ ! -s "$tmp/none.$f" ]
	ok $? "fleet --format $f --output: the file holds what stdout would, stdout nothing"
done

# usage errors name the problem and print nothing
"$VIRTCAP" fleet --format pdf "$tmp/good" >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "an unknown --format: exit 2"
is "$(cat "$tmp/err")" "virtcap: fleet: --format 'pdf': text, csv, markdown or html" \
	"it names the format and the known ones"
"$VIRTCAP" fleet --format csv >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "fleet without reports: exit 2"
is "$(cat "$tmp/err")$(cat "$tmp/out")" "virtcap: fleet needs reports: virtcap fleet FILE|DIR..." \
	"it says reports are needed, and prints no empty matrix"
# the counts themselves, with an older report of the same host (issue 24): the host that once
# could not run os64 (/dev/kvm closed) and now can is counted once, as it is now; another host
# is counted beside it. Every number comes from the newest reports alone.
mkdir "$tmp/twice"
python3 - "$tmp/base.json" "$tmp/twice" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1]))
def write(name, host, time, os64, blocker):
    d = copy.deepcopy(base)
    d["host"]["hostname"] = host
    d["generated_by"]["time"] = time
    for k, row in d["matrix"].items():
        row["verdict"], row["blocked_by"] = "yes", None
    d["matrix"]["os64"]["verdict"] = os64
    d["matrix"]["os64"]["blocked_by"] = blocker
    json.dump(d, open("%s/%s.json" % (sys.argv[2], name), "w"))
write("a-old", "twice", "2026-01-01T00:00:00Z", "no", "kernel.dev_kvm")
write("b-new", "twice", "2026-06-01T00:00:00Z", "yes", None)
write("c-other", "other", "2026-06-01T00:00:00Z", "yes", None)
PY
timeout 60 "$VIRTCAP" fleet --format json "$tmp/twice" >"$tmp/twice.json" 2>/dev/null
timeout 60 "$VIRTCAP" fleet "$tmp/twice" >"$tmp/twice.txt" 2>/dev/null
is "$(awk '$1 == "os64" { print $2, $3, $4 }' "$tmp/twice.txt")" "2 0 0" \
	"os64: 2 hosts yes, 0 no (the older report's no not counted)"
is "$(awk '$1 == "dos" { print $2, $3, $4 }' "$tmp/twice.txt")" "2 0 0" "dos: 2 hosts yes"
! grep -q 'kernel.dev_kvm' "$tmp/twice.txt"
ok $? "no blocker from the older report among the shared blockers"
grep -q '^2 hosts, 0 reports unreadable, 1 older report not counted$' "$tmp/twice.txt"
ok $? "2 hosts, and the older report said as not counted"
mkdir "$tmp/none"
timeout 30 "$VIRTCAP" fleet "$tmp/none" >/dev/null 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" "2/virtcap: fleet: no report (*.json) in what it was given" \
	"a directory without reports: exit 2, said (issue 25)"
done_testing
