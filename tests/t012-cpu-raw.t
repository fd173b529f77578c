#!/bin/sh
# The libcpuid raw CPUID format: round trip, the multi-CPU form, refused lines, validity rules.
exec "$TEST_BIN/cpuid-raw"
