#!/bin/sh
# virtcap check: CI hardware qualification on captured hosts. Exit 0/1/2, every profile, the
# classic trap (VT-x there, /dev/kvm closed to the runner's user), TAP read by the real prove,
# JUnit XML parsed and written atomically, the JSON shape.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

host() {	# NAME: an Intel host with VT-x, kvm_intel nested=1 and a usable /dev/kvm
	r=$tmp/$1
	mkdir -p "$r"
	intel_kvm_host "$r" 6.1.0-27-amd64
}
check() {	# ROOT ARGS...: run check on ROOT, output in $tmp/out, status in $rc
	_r=$1; shift
	"$VIRTCAP" --root "$_r" check "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

host good
check "$tmp/good" --require kvm,long64,nested
is "$rc" 0 "every requirement holds: exit 0"
grep -q '^PASSED: 3 of 3 requirements hold' "$tmp/out"
ok $? "and says so"

# the trap: VT-x present, the runner's user not in group kvm
host noaccess
root_fact "$tmp/noaccess" kvm.stat.mode 020660
root_fact "$tmp/noaccess" kvm.open EACCES
root_fact "$tmp/noaccess" kvm.create_vm ""
"$VIRTCAP" --root "$tmp/noaccess" --json >"$tmp/noaccess.json" 2>/dev/null
is "$(jget "$tmp/noaccess.json" "d['capabilities']['cpu.vmx']['value']")" true \
	"the trap host has VT-x"
check "$tmp/noaccess" --require kvm
is "$rc" 1 "but kvm fails there: exit 1"
grep -q '^FAIL  kvm .*cannot open it' "$tmp/out" && grep -q 'fix: sudo usermod -aG kvm' "$tmp/out"
ok $? "it says the user cannot open /dev/kvm, and the fix"

# the trap's second half: QEMU is installed, so a job that does not say -accel kvm would not
# fail, it would emulate; check says so where kvm fails, and not where it holds
mkdir -p "$tmp/noaccess/usr/bin" && : >"$tmp/noaccess/usr/bin/qemu-system-x86_64"
check "$tmp/noaccess" --require kvm --json
jget "$tmp/out" "d['requirements'][0]['reason']" |
	grep -q 'beware: QEMU here (/usr/bin/qemu-system-x86_64) does not fail without KVM, it emulates'
ok $? "kvm fails and QEMU is installed: check warns that QEMU would emulate instead of failing"
mkdir -p "$tmp/good/usr/bin" && : >"$tmp/good/usr/bin/qemu-system-x86_64"
check "$tmp/good" --require kvm --json
jget "$tmp/out" "d['requirements'][0]['reason']" | grep -q beware
is "$?" 1 "where kvm holds, no warning"

# no-kvm: for pools that must not have KVM
check "$tmp/good" --require no-kvm --json
is "$rc" 1 "no-kvm on a host with KVM: exit 1"
is "$(jget "$tmp/out" "d['requirements'][0]['reason']")" \
	"/dev/kvm exists and this user opens it: the module is kvm_intel" "it says /dev/kvm exists, and which module"
jget "$tmp/out" "d['requirements'][0]['fix']" | grep -q "^sudo modprobe -r kvm_intel kvm_amd kvm; keep it out: printf 'blacklist kvm_intel"
ok $? "and how to keep a loadable module out"
host builtin; rm "$tmp/builtin/sys/module/kvm/initstate" "$tmp/builtin/sys/module/kvm_intel/initstate"
check "$tmp/builtin" --require no-kvm --json
jget "$tmp/out" "d['requirements'][0]['fix']" | grep -q '^KVM is built into this kernel, so nothing unloads it'
ok $? "a built-in KVM: no modprobe -r, which cannot work"
host nokvm; root_fact "$tmp/nokvm" kvm.open ENOENT
check "$tmp/nokvm" --require no-kvm
is "$rc" 0 "no /dev/kvm: no-kvm holds, exit 0"

# nested=0 and no IOMMU fail their profiles with the right requirement
host nonested
kvm_module "$tmp/nonested" kvm_intel N
check "$tmp/nonested" --profile nested-ci --json
is "$rc/$(jget "$tmp/out" "[q['id'] for q in d['requirements'] if not q['passed']]")" \
	'1/["nested"]' "nested-ci on a nested=0 host: only nested fails"
jget "$tmp/out" "[q['fix'] for q in d['requirements'] if q['id'] == 'nested'][0]" |
	grep -q 'nested=1'
ok $? "its fix turns nested on"
is "$(jget "$tmp/out" "d['schema']")/$(jget "$tmp/out" "d['passed']")/$(jget "$tmp/out" "d['profile']")" \
	"virtcap/check/v1/false/nested-ci" "the JSON is versioned and names the profile"

# every profile judges its own requirements; on the good host (VT-x, nested, /dev/kvm open; no
# IOMMU, no container runtime, no SEV) exactly the ones that need what it lacks fail, and the
# exit status follows: PROFILE, its requirements, the failing ones
while read -r p reqs failing; do
	check "$tmp/good" --profile "$p" --json
	want=0
	[ "$failing" = - ] || want=1
	is "$rc $(jget "$tmp/out" "','.join(q['id'] for q in d['requirements'])") $(jget "$tmp/out" \
		"','.join(q['id'] for q in d['requirements'] if not q['passed']) or '-'")" \
		"$want $reqs $failing" "profile $p on the good host: exit $want, fails: $failing"
done <<'EOF_PROFILES'
qemu-kvm kvm,long64,smp,irq,disk -
libvirt kvm,long64,smp,irq,pio,mmio,disk -
firecracker kvm,long64,smp,irq,mmio -
kata kvm,long64,smp,irq,mmio,container container
kubevirt kvm,long64,smp,irq,disk,container container
nested-ci kvm,long64,nested -
gpu-passthrough kvm,long64,passthrough passthrough
sev-snp kvm,long64,sev-snp sev-snp
EOF_PROFILES
# the operating-system rows are requirements too: what a CI job asks ("can it boot a 64-bit OS")
check "$tmp/good" --require os64,hypervisor
is "$rc" 0 "--require os64,hypervisor on the good host: exit 0"
check "$tmp/noaccess" --require os64 --json
is "$rc/$(jget "$tmp/out" "d['requirements'][0]['verdict']")" 1/no "--require os64 where /dev/kvm is closed: no"
jget "$tmp/out" "d['requirements'][0]['fix']" | grep -q 'usermod -aG kvm'
ok $? "with the /dev/kvm fix"

# the confidential requirements on an Intel host without TDX: both no (never "not known"), each
# with what it needs
check "$tmp/good" --require tdx,sev-snp --json
is "$rc $(jget "$tmp/out" "' '.join(q['id'] + '=' + q['verdict'] for q in d['requirements'])")" \
	"1 tdx=no sev-snp=no" "--require tdx,sev-snp on an Intel host without TDX: both no, exit 1"
jget "$tmp/out" "d['requirements'][0]['reason']" | grep -q 'found no TDX module' &&
	jget "$tmp/out" "d['requirements'][1]['reason']" | grep -q "SEV-SNP is AMD's"
ok $? "each says why: no TDX module; SEV-SNP is AMD's"
"$VIRTCAP" check --list-profiles >"$tmp/profiles"
is "$(grep -c '^[a-z]' "$tmp/profiles")" 8 "--list-profiles lists the 8 profiles"

# usage errors: exit 2, naming the problem
check "$tmp/good" --require kvm,frobnicate
is "$rc" 2 "an unknown requirement: exit 2"
grep -q "unknown requirement 'frobnicate'" "$tmp/err"
ok $? "it is named, with the known ones"
check "$tmp/good" --profile nosuch
is "$rc" 2 "an unknown profile: exit 2"
head -1 "$tmp/err" | grep -q "^virtcap: --profile 'nosuch': no such profile" &&
	grep -q '^nested-ci ' "$tmp/err" && [ ! -s "$tmp/out" ]
ok $? "it is named, the profiles are listed on stderr, no report is printed"
check "$tmp/good"
is "$rc" 2 "check without requirements: exit 2"
grep -q '^virtcap: check needs what to require: --require ID,... or --profile NAME' "$tmp/err"
ok $? "it says what check needs"
"$VIRTCAP" --root "$tmp/good" probe --tap >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "--tap outside check: exit 2"
grep -q '^virtcap: --require, --profile, --tap, --junit and --ci belong to virtcap check' "$tmp/err" &&
	[ ! -s "$tmp/out" ]
ok $? "it says --tap belongs to check, and prints no report"

# TAP read by the real prove: passes on the good host, fails on the trap host
check "$tmp/good" --profile qemu-kvm --tap
cp "$tmp/out" "$tmp/good.tap"
prove -e cat "$tmp/good.tap" >"$tmp/prove.out" 2>&1
ok $? "prove accepts the TAP and passes on the good host"
check "$tmp/noaccess" --profile qemu-kvm --tap
cp "$tmp/out" "$tmp/bad.tap"
prove -e cat "$tmp/bad.tap" >"$tmp/prove.out" 2>&1
is "$?" 1 "prove fails on the trap host"
grep -q 'Failed 5/5 subtests' "$tmp/prove.out"
ok $? "with every requirement failed (5 of 5)"
grep -q '^# fix: sudo usermod' "$tmp/bad.tap"
ok $? "the fix is a TAP diagnostic"

# JUnit XML: well-formed, the right counts; atomic
check "$tmp/noaccess" --require kvm,container --junit "$tmp/junit.xml"
python3 - "$tmp/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
cases = s.findall("testcase")
assert s.tag == "testsuite" and s.get("tests") == "2" and s.get("failures") == "2", s.attrib
assert [c.get("name") for c in cases] == ["kvm", "container"]
assert "usermod" in cases[0].find("failure").text
PY
ok $? "JUnit XML parses, 2 tests, 2 failures, the fix in the failure text"
check "$tmp/good" --require kvm --junit "$tmp/no/such/dir/junit.xml"
is "$rc" 2 "--junit into a missing directory: exit 2"
ls "$tmp/no" >/dev/null 2>&1
is "$?" 2 "and nothing is created"
# a report that fails after its temporary exists (no file may grow, as on a full disk; the
# messages go through a pipe, which the limit spares): the earlier report stays, no temporary
mkdir "$tmp/full" && echo earlier >"$tmp/full/junit.xml"
(trap '' XFSZ; ulimit -f 0
 "$VIRTCAP" --root "$tmp/good" check --profile nested-ci --junit "$tmp/full/junit.xml" \
	2>&1 >/dev/null
 echo "exit $?") | cat >"$tmp/err"
is "$(tail -1 "$tmp/err")" "exit 2" "a JUnit report that cannot be written whole: exit 2"
grep -q "$tmp/full/junit.xml: cannot write: File too large" "$tmp/err"
ok $? "the error names the file and the reason"
is "$(cat "$tmp/full/junit.xml")/$(ls "$tmp/full")" "earlier/junit.xml" \
	"the earlier report is kept and no temporary is left beside it"
# The gate and the matrix agree, always (issue 24): on this host, live, check --require ROW
# gives every row the verdict plain virtcap's matrix gives it, an operating system's row
# included (it runs the proofs of that row's chain, as the matrix does)
timeout 120 "$VIRTCAP" --json >"$tmp/matrix.json" 2>/dev/null
for row in $(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["matrix"]))' "$tmp/matrix.json"); do
	timeout 120 "$VIRTCAP" check --require "$row" --json >"$tmp/gate.json" 2>/dev/null; rc=$?
	want=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["matrix"][sys.argv[2]]["verdict"])' "$tmp/matrix.json" "$row")
	got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["requirements"][0]["verdict"])' "$tmp/gate.json")
	is "$got/$rc" "$want/$([ "$want" = yes ] && echo 0 || echo 1)" "this host: check --require $row says $want, as the matrix does"
done
# GitHub Actions (issue 26): under GITHUB_ACTIONS=true an error annotation per failing
# requirement, its title a property with ':' and ',' encoded, and a Markdown summary appended to
# GITHUB_STEP_SUMMARY after what earlier steps wrote; --ci chooses; JSON stays JSON
host gha
root_fact "$tmp/gha" kvm.open EACCES; root_fact "$tmp/gha" kvm.create_vm ""
printf 'an earlier step\n' >"$tmp/summary"
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$tmp/summary timeout 60 "$VIRTCAP" --root "$tmp/gha" \
	check --require kvm,long64,nested,container >"$tmp/out" 2>"$tmp/err"
rc=$?
failing=$(timeout 60 "$VIRTCAP" --root "$tmp/gha" check --require kvm,long64,nested,container \
	--json 2>/dev/null | python3 -c 'import json, sys; print(sum(not q["passed"] for q in json.load(sys.stdin)["requirements"]))')
is "$rc/$(grep -c '^::error title=virtcap check%3A ' "$tmp/out")" "1/$failing" \
	"an annotation per failing requirement ($failing of 4), exit 1"
grep '^::error ' "$tmp/out" | sed 's/^::error title=\([^:]*\)::.*/\1/' | grep -q '[:,]'
ok $((! $?)) "no raw ':' or ',' in a title property"
grep -q '^::error title=virtcap check%3A kvm is no::/dev/kvm exists but this user cannot open it' "$tmp/out"
ok $? "the kvm annotation says why, with its fix"
is "$(head -1 "$tmp/summary")/$(grep -c '^| [a-z0-9]* | \(yes\|no\|unknown\) | ' "$tmp/summary")" \
	"an earlier step/4" "the summary appended after the earlier steps', a table row per requirement"
grep -q "^### virtcap check: FAILED, $((4 - failing)) of 4 requirements hold$" "$tmp/summary"
ok $? "its heading has the numbers"
GITHUB_ACTIONS=true timeout 60 "$VIRTCAP" --root "$tmp/gha" check --require kvm --ci none >"$tmp/out"
! grep -q '^::' "$tmp/out"
ok $? "--ci none: no annotation under GitHub Actions"
env -u GITHUB_ACTIONS timeout 60 "$VIRTCAP" --root "$tmp/gha" check --require kvm --ci github >"$tmp/out"
grep -q '^::error ' "$tmp/out"
ok $? "--ci github: annotations where GITHUB_ACTIONS is not set"
GITHUB_ACTIONS=true timeout 60 "$VIRTCAP" --root "$tmp/gha" check --require kvm --json >"$tmp/out"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/out"
ok $? "--json under GitHub Actions: still JSON, no annotation in it"
timeout 30 "$VIRTCAP" check --require kvm --ci travis >/dev/null 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" "2/virtcap: --ci 'travis': github or none (without it: github where GITHUB_ACTIONS=true)" \
	"--ci with another value: exit 2, said"
done_testing
