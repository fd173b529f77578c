#!/bin/sh
# The live CPUID decode on this machine agrees with /proc/cpuinfo.
exec "$TEST_BIN/cpuid-live"
