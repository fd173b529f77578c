"""Validate virtcap JSON reports against reports/schema/report-v1.json.

usage: validate.py SCHEMA REPORT...   exit 0 when every report is valid, 1 otherwise,
printing one line per problem. Needs Debian's python3-jsonschema (make deps).
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path))):
        bad += 1
        where = "/".join(str(p) for p in error.absolute_path)
        print("%s: %s: %s" % (path, where or "(top)", error.message))
sys.exit(1 if bad else 0)
