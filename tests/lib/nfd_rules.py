"""Check a Node Feature Discovery local feature file as NFD reads it (t091): the rules of its
source/local/local.go (size, hidden names, directives, expiry) and of
pkg/apis/nfd/validate/validate.go with Kubernetes' IsQualifiedName and IsValidLabelValue.
Prints the labels NFD would take, "name=value" a line; exits 1 naming the first broken rule.
Usage: nfd_rules.py FILE"""
import datetime
import os
import re
import sys

NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")       # 63 at most
LABEL = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")    # 63 at most, or empty
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def fail(why):
    sys.exit("%s: %s" % (sys.argv[1], why))


path = sys.argv[1]
if os.path.basename(path).startswith("."):
    fail("NFD skips a file whose name starts with a dot")
if os.path.getsize(path) > 65536:
    fail("over 64 KiB: NFD reads none of it")
now = datetime.datetime.now(datetime.timezone.utc)
expiry = now
labels = {}
for raw in open(path, "rb").read().split(b"\n"):
    line = raw.decode("utf-8").strip()
    if not line:
        continue
    if line.startswith("#"):
        if line.startswith("# +"):
            key, _, value = line[3:].partition("=")
            if key == "expiry-time":
                expiry = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            elif key not in ("no-label", "no-feature"):
                fail("unknown directive %r" % line)
        continue
    if expiry < now:
        continue
    key, eq, value = line.partition("=")
    value = value if eq else "true"
    prefix, slash, name = key.rpartition("/")
    if not slash or not prefix:
        fail("%r: unprefixed names are not allowed" % key)
    if len(prefix) > 253 or not DNS1123.match(prefix):
        fail("%r: the prefix is not a DNS subdomain" % key)
    if (prefix == "kubernetes.io" or prefix.endswith(".kubernetes.io")) and not (
            prefix in ("feature.node.kubernetes.io", "profile.node.kubernetes.io") or
            prefix.endswith(".feature.node.kubernetes.io") or
            prefix.endswith(".profile.node.kubernetes.io")):
        fail("%r: namespace not allowed" % key)
    if len(name) > 63 or not NAME.match(name):
        fail("%r: not a qualified name" % key)
    if len(value) > 63 or not LABEL.match(value):
        fail("%r=%r: not a valid label value" % (key, value))
    labels[key] = value
for k, v in labels.items():
    print("%s=%s" % (k, v))
print("expiry %d" % int((expiry - now).total_seconds()), file=sys.stderr)
