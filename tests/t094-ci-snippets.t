#!/bin/sh
# docs/ci (issue 26): the GitHub Actions and GitLab jobs load as YAML; every shell line parses;
# the packages they install are make deps' run list; the make targets exist; each virtcap
# command in them is one virtcap runs here (exit 0 or 1, never a usage error); the udev rule is
# the one virtcap's own fix gives a GitHub runner; and what they upload is what they wrote.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is missing (make deps)"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# lines FILE: every shell line of the jobs, one a line, in order
lines() {
	/usr/bin/python3 - "$1" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for job in d.get("jobs", {}).values():
    for step in job["steps"]:
        for l in step.get("run", "").splitlines():
            print(l)
for k, job in d.items():
    if isinstance(job, dict) and "script" in job:
        for l in job.get("script", []) + job.get("after_script", []):
            print(l)
PY
}
for f in github-actions gitlab-ci; do
	lines "$top/docs/ci/$f.yml" >"$tmp/$f.sh"
	ok $? "$f.yml loads as YAML"
	bash -n "$tmp/$f.sh"
	ok $? "$f.yml: its $(wc -l <"$tmp/$f.sh") shell lines parse"
	# the packages: make deps' run list, no more and no fewer
	want=$(sed -n 's/^RUN="\(.*\)"$/\1/p' "$top/scripts/deps.sh" | tr ' ' '\n' | sort | tr '\n' ' ')
	got=$(sed -n 's/.*apt-get install -y \(.*\)$/\1/p' "$tmp/$f.sh" | tr ' ' '\n' | sort | tr '\n' ' ')
	is "$got" "$want" "$f.yml installs make deps' run list"
	# the make targets exist in virtcap's Makefile
	grep -o 'make -C virtcap [a-z]*' "$tmp/$f.sh" | while read -r _ _ _ target; do
		make -n -C "$top" "$target" PREFIX="$tmp/prefix" >/dev/null 2>&1 || echo "$target"
	done >"$tmp/missing"
	is "$(cat "$tmp/missing")" "" "$f.yml: make $(grep -o 'make -C virtcap [a-z]*' "$tmp/$f.sh" | awk '{ print $4 }' | tr '\n' ' ')exist"
	# each virtcap command, run here as the job runs it: 0 or 1, never 2
	mkdir -p "$tmp/$f" && grep '^virtcap ' "$tmp/$f.sh" | while read -r _ args; do
		# shellcheck disable=SC2086 # the job's own words
		(cd "$tmp/$f" && timeout 120 "$VIRTCAP" $args >/dev/null 2>&1); echo "$? $args"
	done >"$tmp/$f.runs"
	! grep -qv '^[01] ' "$tmp/$f.runs" && [ -s "$tmp/$f.runs" ]
	ok $? "$f.yml: each virtcap command runs here ($(cut -c1 "$tmp/$f.runs" | tr '\n' ' ')exit)" ||
		diag "$(cat "$tmp/$f.runs")"
done

# GitHub: the udev rule is the one virtcap's fix gives a GitHub runner whose /dev/kvm is closed
r=$tmp/gha
intel_kvm_host "$r" 6.1.0-27-amd64
root_fact "$r" kvm.open EACCES; root_fact "$r" kvm.create_vm ""; root_fact "$r" ci.name "GitHub Actions"
rule=$(timeout 60 "$VIRTCAP" --root "$r" --json 2>/dev/null | /usr/bin/python3 -c \
	'import json, sys, re; print(re.search(r"echo (.KERNEL[^|]*) \|", json.load(sys.stdin)["capabilities"]["kernel.dev_kvm"]["fix"]).group(1))')
grep -qF "echo $rule | sudo tee /etc/udev/rules.d/99-kvm4all.rules" "$tmp/github-actions.sh"
ok $? "github-actions.yml: the udev rule virtcap's own fix gives ($rule)"
# what is uploaded is what was written
/usr/bin/python3 - "$top/docs/ci/github-actions.yml" "$top/docs/ci/gitlab-ci.yml" <<'PY'
import re, sys, yaml
gh = yaml.safe_load(open(sys.argv[1]))["jobs"]["kvm-gate"]["steps"]
junit = re.search(r"--junit (\S+)", [s["run"] for s in gh if "virtcap check" in s.get("run", "")][0]).group(1)
assert [s for s in gh if s.get("uses", "").startswith("actions/upload-artifact")][0]["with"]["path"] == junit
gl = yaml.safe_load(open(sys.argv[2]))["virtcap-kvm-gate"]
script = " ".join(gl["script"] + gl["after_script"])
assert gl["artifacts"]["reports"]["junit"] == re.search(r"--junit (\S+)", script).group(1)
assert gl["artifacts"]["reports"]["metrics"] == re.search(r"--prom --output (\S+)", script).group(1)
PY
ok $? "the JUnit and metrics each job keeps are the files its commands write"
done_testing
