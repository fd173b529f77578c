#!/bin/sh
# probe/root.c: reads stay inside --root (links, "..", loops, FIFOs, huge files).
exec "$TEST_BIN/unit-root"
