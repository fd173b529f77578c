"""Load Kubernetes manifests into the Kubernetes Python client's models (Debian's
python3-kubernetes), strictly: every key of every object must be a field of its model (the
client's own deserializer drops unknown ones silently), every value of the type the model
gives. Prints "KIND NAME" per document; exits 1 naming the first unknown field.
Usage: k8s_strict.py FILE..."""
import datetime
import sys

import yaml
from kubernetes import client

KINDS = {("apps/v1", "DaemonSet"): "V1DaemonSet", ("v1", "Pod"): "V1Pod"}
PRIMITIVE = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object}


def check(value, kind, path):
    if kind.startswith("list["):
        if not isinstance(value, list):
            sys.exit("%s: a list, not %r" % (path, value))
        for i, item in enumerate(value):
            check(item, kind[5:-1], "%s[%d]" % (path, i))
    elif kind.startswith("dict("):
        if not isinstance(value, dict):
            sys.exit("%s: a map, not %r" % (path, value))
        inner = kind[5:-1].split(", ", 1)[1]
        for k, v in value.items():
            check(v, inner, "%s.%s" % (path, k))
    elif kind in PRIMITIVE:
        if not isinstance(value, PRIMITIVE[kind]):
            sys.exit("%s: a %s, not %r" % (path, kind, value))
    elif kind in ("datetime", "date"):
        if not isinstance(value, (str, datetime.date)):
            sys.exit("%s: a time, not %r" % (path, value))
    else:
        model = getattr(client, kind)
        if not isinstance(value, dict):
            sys.exit("%s: a %s, not %r" % (path, kind, value))
        fields = {json: py for py, json in model.attribute_map.items()}
        for k, v in value.items():
            if k not in fields:
                sys.exit("%s: %s has no field %r" % (path, kind, k))
            check(v, model.openapi_types[fields[k]], "%s.%s" % (path, k))


for f in sys.argv[1:]:
    for doc in yaml.safe_load_all(open(f)):
        kind = KINDS.get((doc.get("apiVersion"), doc.get("kind")))
        if not kind:
            sys.exit("%s: %s %s is not a kind this check knows" % (f, doc.get("apiVersion"), doc.get("kind")))
        check(doc, kind, "%s:%s" % (f, doc["kind"]))
        client.ApiClient()._ApiClient__deserialize(doc, kind)   # and the client builds it
        print(doc["kind"], doc["metadata"]["name"])
