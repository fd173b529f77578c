#!/bin/sh
# The VMX L1s on Bochs's bare emulated CPUs (tools/vmx-bare: no kernel, no KVM, under a second
# each): on a CPU with EPT and unrestricted guest both L2s run; where the capability MSRs allow
# less the L1 adjusts and says so: lynnfield (EPT, no unrestricted guest) runs only the 64-bit
# L2, penryn (no EPT) too, and its nested_tdp L1 reports "no EPT" (ABORT 2) instead of failing.
# Bochs's VMX is an emulator's reading of the SDM, not KVM's: the lab proves the same on KVM.
. "$(dirname "$0")/lib/tap.sh"
command -v bochs-bin >/dev/null || bail "bochs is missing: make deps"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
g=$top/build/guests
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

bare() {	# NAME GUEST MODEL
	"$top/tools/vmx-bare/vmx-bare.sh" "$g/$2.elf" "$g/$2.bin" "$3" >"$tmp/$1" 2>"$tmp/$1.err"
	is "$?" 0 "$1: Bochs ($3) reached the L1's end"
	[ -s "$tmp/$1.err" ] && diag "$(cat "$tmp/$1.err")"
}
field() { awk -v k="$2" '$1 == k { print $2 }' "$tmp/$1"; }
out() { awk -v i="$2" '$1 == "out" { print $(i + 2) }' "$tmp/$1"; }
want_long() {	# NAME: the 64-bit L2's value, EFER.LMA and CS access rights with L
	is "$(out "$1" 2)-$(out "$1" 3)" "0xdef01234-0x56789abc" "$1: the 64-bit L2's RAX, 64 bits"
	is "$(out "$1" 4)" 0x00000001 "$1: the L2 exited with IA-32e mode guest set (EFER.LMA)"
	is "$(out "$1" 5)" 0x0000a09b "$1: its CS access rights have L=1"
}

bare skylake nested-vmx corei7_skylake_x
is "$(field skylake end)" done "skylake_x: the L1 finished"
is "$(out skylake 0)" 0x2345beef "skylake_x: the real-mode L2's result"
is "$(out skylake 1)" 0x000c120a "skylake_x: its CPUID (10), VMCALL (18) and HLT (12) exits"
is "$(out skylake 6)" 0x00000000 "skylake_x: no step skipped"
want_long skylake

bare skylake_tdp nested-vmx-tdp corei7_skylake_x
is "$(field skylake_tdp rbx)" 0x7d9a7d9a "skylake_x nested_tdp: the L2 found the magic only the L1's EPT maps"

bare lynnfield nested-vmx corei5_lynnfield_750
is "$(field lynnfield end)" done "lynnfield: the L1 finished"
is "$(out lynnfield 6)" 0x00000001 "lynnfield: no real-mode L2 (no unrestricted guest), said, not failed"
is "$(( $(out lynnfield 7) & 0x82 ))" 2 "lynnfield: its secondary controls allow EPT, not unrestricted guest"
want_long lynnfield

bare penryn nested-vmx core2_penryn_t9600
is "$(out penryn 6)" 0x00000001 "penryn: no real-mode L2"
is "$(( $(out penryn 7) & 0x82 ))" 0 "penryn: no EPT in its secondary controls"
want_long penryn

bare penryn_tdp nested-vmx-tdp core2_penryn_t9600
is "$(field penryn_tdp end)-$(field penryn_tdp rbx)" abort-0x00000002 \
	"penryn nested_tdp: the L1 reports no usable EPT (ABORT 2: not-run, not failed)"
done_testing
