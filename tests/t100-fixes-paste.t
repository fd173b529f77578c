#!/bin/sh
# Fixes paste (issue 25): in the human report, check and advise, a shell command inside a fix
# is never wrapped inside its words or quotes. Each command line of every scenario's outputs
# (a line whose first word is sudo, echo, modprobe, ...; with its " \" continuations) must be
# whole shell, as `sh -n` parses it, and be a piece of the fix as JSON says it.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
. "$(dirname "$0")/lib/scenarios.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CACHE_HOME=$tmp/no-cache

for s in $SCENARIOS; do
	scenario "$s" "$tmp/$s" || bail "scenario $s"
	{
		timeout 60 "$VIRTCAP" --root "$tmp/$s" --no-color
		timeout 60 "$VIRTCAP" --root "$tmp/$s" -v --no-color
		for g in dos os32 os64 hypervisor gpu container; do
			timeout 60 "$VIRTCAP" --root "$tmp/$s" advise "$g" --no-color
		done
		timeout 60 "$VIRTCAP" --root "$tmp/$s" check --profile nested-ci --no-color
	} >"$tmp/$s.txt" 2>/dev/null
	timeout 60 "$VIRTCAP" --root "$tmp/$s" --json >"$tmp/$s.json" 2>/dev/null
done
python3 - "$tmp" $SCENARIOS <<'PY' >"$tmp/commands"
import json, re, sys
starters = ("sudo", "modprobe", "echo", "usermod", "newgrp", "udevadm", "systemctl", "apt",
            "apt-get", "dnf", "prlimit", "grub-install", "virsh")
for s in sys.argv[2:]:
    fixes = set()
    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "fix" and isinstance(v, str):
                    fixes.add(" ".join(v.split()))
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(json.load(open("%s/%s.json" % (sys.argv[1], s))))
    lines = open("%s/%s.txt" % (sys.argv[1], s)).read().split("\n")
    i = 0
    while i < len(lines):
        line = re.sub(r"^.*\bfix: ", "", lines[i]).strip()
        if line.split(" ", 1)[0] in starters:
            cmd = [line]
            while cmd[-1].endswith(" \\") and i + 1 < len(lines):
                i += 1
                cmd.append(lines[i].strip())
            text = "\n".join(cmd).rstrip(",;.")
            flat = " ".join(re.sub(r" \\\n", " ", text).split())
            print(json.dumps({"scenario": s, "cmd": text, "in_fix": any(flat in f for f in fixes)}))
        i += 1
PY
n=$(wc -l <"$tmp/commands")
[ "$n" -ge 10 ]
ok $? "$n command lines in the scenarios' outputs"
bad=0 missing=0
while IFS= read -r c; do
	cmd=$(printf '%s' "$c" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cmd"])')
	sh -n -c "$cmd" 2>/dev/null || { bad=$((bad + 1)); diag "not whole shell: $cmd"; }
	printf '%s' "$c" | grep -q '"in_fix": true' || { missing=$((missing + 1)); diag "not in a fix: $cmd"; }
done <"$tmp/commands"
is "$bad" 0 "each parses as shell (sh -n): nothing cut inside a word or a quote"
is "$missing" 0 "each is a piece of a fix, word for word: nothing lost in the wrapping"
done_testing
