#!/bin/sh
# Confidential computing: SEV from CPUID Fn8000_001F of real AMD dumps (used in place), with the
# firmware (SYSCFG) and the kernel (kvm_amd parameters, /dev/sev) of a captured root; SGX from a
# real Intel dump. Each layer is reported separately, so a CPU that can and a kernel that does
# not are told apart.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
fixtures=${VIRTCAP_FIXTURES:-/nonexistent}/cpuid
zen2=$fixtures/amd-17-71-ryzen-3-3100-matisse.raw
intel=$fixtures/intel-06-9e-core-i7-8086k-coffeelake.raw
[ -f "$zen2" ] && [ -f "$intel" ] || skip_all "the reference CPU dumps are not beside this clone"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1" "d['capabilities']['$2']['value']"; }

r=$tmp/sev-host
root_kernel "$r" 6.1.0-27-amd64 x86_64
root_file "$r" sys/module/kvm_amd/parameters/sev Y
root_file "$r" sys/module/kvm_amd/parameters/sev_es N
root_file "$r" dev/sev ""
root_fact "$r" msr.0.0xc0010010 0x0000000000840000
probe_root "$r" --cpuid-dump "$zen2"
is "$(cap "$r.json" cc.sev)" true "Zen 2: the CPU has SEV (Fn8000_001F EAX[1])"
is "$(cap "$r.json" cc.sev_es)" true "and SEV-ES (EAX[3])"
is "$(cap "$r.json" cc.sev_snp)" false "but not SEV-SNP (EAX[4], Zen 3 server parts)"
is "$(cap "$r.json" cc.sev_asids)" 509 "509 encrypted guests at once (ECX)"
is "$(cap "$r.json" cc.sev_fw)" true "the firmware enabled memory encryption (SYSCFG[23])"
is "$(cap "$r.json" cc.sev_kernel)" true "kvm_amd has sev=Y"
is "$(cap "$r.json" cc.sev_es_kernel)" false "but sev_es=N"
is "$(cap "$r.json" cc.sev_dev)" true "/dev/sev is there"

# /dev/sev opened for real (QEMU opens it to launch an SEV guest): closed to this user, missing
root_fact "$r" dev.sev.open EACCES
probe_root "$r" --cpuid-dump "$zen2"
is "$(cap "$r.json" cc.sev_dev)" false "/dev/sev that does not open for this user: false"
jget "$r.json" "d['capabilities']['cc.sev_dev']['fix']" |
	grep -q "^give this user access to /dev/sev (it is root's alone (0600) unless a rule gives it to group kvm).*KERNEL==\"sev\", GROUP=\"kvm\""
ok $? "the fix: a udev rule giving it to group kvm"
root_fact "$r" dev.sev.open ENOENT
probe_root "$r" --cpuid-dump "$zen2"
jget "$r.json" "d['capabilities']['cc.sev_dev']['fix']" | grep -q '^/dev/sev appears when the ccp driver finds the secure processor with SEV: sudo modprobe ccp'
ok $? "missing: the ccp driver, SEV in the firmware and kvm_amd.sev=1"

r=$tmp/sgx-host
root_kernel "$r" 6.1.0-27-amd64 x86_64
probe_root "$r" --cpuid-dump "$intel"
is "$(cap "$r.json" cc.sgx)" true "Coffee Lake: SGX (CPUID 7 EBX[2])"
is "$(cap "$r.json" cc.sgx_kernel)" false "no /dev/sgx_enclave in this root"
is "$(cap "$r.json" cc.sgx_fw)" null "firmware state unknown without the MSR"
is "$(cap "$r.json" cc.sev_dev)" "<missing 'cc.sev_dev'>" "no SEV in the CPU: /dev/sev is not reported"
done_testing
