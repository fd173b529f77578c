#!/bin/sh
# proofs/manifest.h: every proof has a liar, each liar runs its proof's own check (issue 24).
exec "$TEST_BIN/proof-manifest"
