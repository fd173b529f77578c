#!/bin/sh
# Ansible, the real tool from Debian: the local fact script is gathered by `setup` as
# ansible_local.virtcap, and the documented playbook collects a report that virtcap fleet
# merges.
. "$(dirname "$0")/lib/tap.sh"
command -v ansible >/dev/null || bail "ansible is missing: make deps (Debian's ansible-core)"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
export ANSIBLE_HOME=$tmp/home ANSIBLE_LOCAL_TEMP=$tmp/home/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

mkdir "$tmp/facts.d"
cp "$top/scripts/virtcap.fact" "$tmp/facts.d/"
VIRTCAP=$VIRTCAP ansible localhost -m setup -a "fact_path=$tmp/facts.d filter=ansible_local" \
	>"$tmp/setup.out" 2>"$tmp/setup.err"
ok $? "ansible localhost -m setup gathers the fact"
"$VIRTCAP" probe --json >"$tmp/direct.json"
python3 - "$tmp/setup.out" "$tmp/direct.json" <<'PY'
import json, sys
out = open(sys.argv[1]).read()	# "localhost | SUCCESS => {...}"
f = json.loads(out[out.index("SUCCESS => ") + 11:])["ansible_facts"]["ansible_local"]["virtcap"]
d = json.load(open(sys.argv[2]))
assert f["schema"] == "virtcap/report/v1", f.get("schema")
assert {k: v["verdict"] for k, v in f["matrix"].items()} == \
       {k: v["verdict"] for k, v in d["matrix"].items()}
PY
ok $? "ansible_local.virtcap is the report: its schema and every verdict of virtcap probe"

# another user of the host had planted the old fixed name with a forged report
forged=/tmp/virtcap-localhost.json
planted=false
if [ ! -e "$forged" ]; then
	echo '{"forged": true}' >"$forged" && planted=true
	[ "$(id -u)" = 0 ] && chown nobody "$forged"	# as another user would have
fi
ls /tmp | grep '^virtcap-.*\.json$' | sort >"$tmp/before"
ansible-playbook -i localhost, -c local "$top/docs/ansible/collect.yml" \
	-e "virtcap=$VIRTCAP" -e "dest=$tmp/reports" >"$tmp/play.out" 2>&1
ok $? "the collection playbook runs against localhost"
is "$(jget "$tmp/reports/localhost.json" "d['schema']")" virtcap/report/v1 \
	"it fetched the report it made, not a file planted at a fixed name"
ls /tmp | grep '^virtcap-.*\.json$' | sort >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"
ok $? "it left no file of its own in /tmp"
ansible-playbook -i localhost, -c local "$top/docs/ansible/collect.yml" \
	-e "virtcap=/bin/false" -e "dest=$tmp/reports2" >"$tmp/play2.out" 2>&1
ls /tmp | grep '^virtcap-.*\.json$' | sort >"$tmp/after2"
cmp -s "$tmp/before" "$tmp/after2"
ok $? "a run whose report fails still removes its temporary file"
$planted && rm -f "$forged"
[ -f "$tmp/reports/localhost.json" ]
ok $? "it fetched reports/localhost.json"
"$VIRTCAP" fleet --format csv "$tmp/reports" >"$tmp/fleet.csv" 2>"$tmp/fleet.err"
is "$?" 0 "virtcap fleet merges what the playbook collected"
python3 - "$tmp/fleet.csv" "$tmp/reports/localhost.json" "$tmp/direct.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
collected = json.load(open(sys.argv[2]))
direct = json.load(open(sys.argv[3]))
assert len(rows) == 1, rows
row = rows[0]
assert row["file"] == sys.argv[2] and row["status"] == "ok", row
assert row["host"] == collected["host"]["hostname"], (row["host"], collected["host"])
assert {k: row[k] for k in direct["matrix"]} == \
       {k: v["verdict"] for k, v in direct["matrix"].items()}, row
PY
ok $? "its one row is this host, status ok, with every verdict of virtcap probe"
done_testing
