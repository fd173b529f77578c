#!/usr/bin/env python3
"""fleet-gen.py REPORT OUTDIR N: N varied host reports made from one real report, for the fleet
tests and `make bench` (virtcap fleet over 10,000 hosts). Hostnames and times differ; some hosts
get the blockers fleets really have (nested=0, no IOMMU, /dev/kvm closed to the user)."""
import json, os, sys

base = json.load(open(sys.argv[1]))
out, n = sys.argv[2], int(sys.argv[3])
os.makedirs(out, exist_ok=True)
blockers = [
    ("nested", "kernel.nested", "modprobe -r kvm_intel; modprobe kvm_intel nested=1"),
    ("passthrough", "fw.iommu", "enable VT-d in the firmware"),
    (None, "kernel.dev_kvm", "sudo usermod -aG kvm \"$USER\""),
]
for i in range(n):
    d = json.loads(json.dumps(base))
    d["host"]["hostname"] = "host-%05d" % i
    d["generated_by"]["time"] = "2026-11-25T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60)
    kind, cap, fix = blockers[i % 4] if i % 4 < 3 else (False, None, None)
    for row_id, row in d["matrix"].items():
        if kind is None or row_id == kind:
            row.update(verdict="no", blocked_by=cap, fix=fix)
        elif kind is False:
            row.update(verdict="yes", blocked_by=None, fix=None)
    with open(os.path.join(out, "host-%05d.json" % i), "w") as f:
        json.dump(d, f)
