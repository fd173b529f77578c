#!/bin/sh
# reports/proofs.c: a proof decides its row; probe/proof disagreements are flagged and first.
exec "$TEST_BIN/unit-proof-report"
