#!/bin/sh
# The CPU decoder on 112 real CPUs' dumps (../shared/fixtures/cpuid) against expected.tsv.
exec "$TEST_BIN/cpuid-fixtures"
