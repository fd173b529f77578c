"""Normalize a virtcap output for a golden comparison: what changes from run to run (the time,
the captured root's path, the directory an archive was unpacked into) becomes a fixed word.
Usage: normalize.py ROOT_PATH < output > normalized"""
import re
import sys

root = sys.argv[1]
text = sys.stdin.read()
text = text.replace(root, "ROOT")
text = re.sub(r"/tmp/virtcap-root\.[A-Za-z0-9]+", "UNPACKED", text)
text = re.sub(r'"time": ?"[0-9T:Z-]+"', '"time":"TIME"', text)
text = re.sub(r"(virtcap_report_timestamp_seconds) [0-9]+", r"\1 TIME", text)
text = re.sub(r'"duration_us": ?[0-9]+', '"duration_us":0', text)
sys.stdout.write(text)
