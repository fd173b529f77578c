#!/bin/sh
# docs/kubernetes (issue 26): the DaemonSet that writes virtcap's NFD labels on every node, and a
# pod that selects a node by them, load into the Kubernetes Python client's models with no
# unknown field; the DaemonSet mounts only what virtcap needs (NFD's features.d, a scratch
# directory); the command it runs is one virtcap takes and writes the file NFD reads; the
# labels the pod selects on are ones virtcap writes.
. "$(dirname "$0")/lib/tap.sh"
/usr/bin/python3 -c 'import kubernetes, yaml' 2>/dev/null ||
	skip_all "python3-kubernetes is missing (make deps)"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
k8s=$top/docs/kubernetes
ds=$k8s/virtcap-daemonset.yaml pod=$k8s/example-pod.yaml

is "$(/usr/bin/python3 "$top/tests/lib/k8s_strict.py" "$ds" "$pod" 2>&1 | tr '\n' ' ')" \
	"DaemonSet virtcap Pod qemu-os64 " "both load as V1DaemonSet and V1Pod, no unknown field"
# the check itself fails on a field no model has
sed 's/^  selector:/  selectr:/' "$ds" >"$tmp/bad.yaml"
! /usr/bin/python3 "$top/tests/lib/k8s_strict.py" "$tmp/bad.yaml" >/dev/null 2>&1
ok $? "(a misspelt field is refused by the same check)"

# the mounts: the features.d NFD reads (as --nfd names it) and a scratch directory, nothing more
/usr/bin/python3 - "$ds" >"$tmp/mounts" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
c = spec["containers"][0]
print(" ".join(sorted(v.get("hostPath", {}).get("path", "emptyDir:" + v["name"]) for v in spec["volumes"])))
print(" ".join(sorted(m["mountPath"] for m in c["volumeMounts"])))
print(c["securityContext"].get("privileged", False), c["securityContext"]["readOnlyRootFilesystem"],
      c["securityContext"]["capabilities"]["drop"], c["resources"]["limits"].get("devices.kubevirt.io/kvm"))
PY
is "$(sed -n 1p "$tmp/mounts")" "/etc/kubernetes/node-feature-discovery/features.d emptyDir:scratch" \
	"volumes: NFD's features.d and a scratch directory, nothing else of the node"
is "$(sed -n 3p "$tmp/mounts")" "False True ['ALL'] 1" \
	"not privileged, a read-only root, every capability dropped, /dev/kvm by the KubeVirt plugin"
"$VIRTCAP" --help | grep -q 'node-feature-discovery/features.d\|features.d'
ok $? "the directory is the one virtcap's help names for --nfd"

# its command, run here with the directory made ours: the file NFD reads, by NFD's rules
cmd=$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]["command"][2])' "$ds" |
	sed -n 's/.*\(virtcap --[^;>]*\) *>.*/\1/p')
is "$(echo "$cmd" | cut -d' ' -f1-3)" "virtcap --no-color --nfd" "the container runs virtcap --nfd"
mkdir "$tmp/features.d"
timeout 120 "$VIRTCAP" $(echo "$cmd" | cut -d' ' -f2- | sed "s|/etc/kubernetes/node-feature-discovery/features.d|$tmp/features.d|") \
	>/dev/null 2>"$tmp/err"
ok $? "that command runs here" || diag "$(cat "$tmp/err")"
python3 "$top/tests/lib/nfd_rules.py" "$tmp/features.d/virtcap" >"$tmp/labels"
ok $? "and writes a file NFD takes"

# what the pod selects on: labels virtcap writes, with values they can have
/usr/bin/python3 - "$pod" "$tmp/labels" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))["spec"]
written = {l.split("=", 1)[0] for l in open(sys.argv[2])}
wanted = dict(spec["nodeSelector"])
for term in spec["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]:
    for e in term["preference"]["matchExpressions"]:
        wanted[e["key"]] = e["values"][0]
for k, v in wanted.items():
    assert k in written, k
    assert v in ("proven", "failed", "not-run", "yes", "no", "unknown"), v

PY
ok $? "each label the pod selects on is one virtcap writes, with a value it can have"
done_testing
