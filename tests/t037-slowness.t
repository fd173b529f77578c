#!/bin/sh
# Why a guest is slow although KVM works: a guest that split-locks under the kernel's misery
# mode (the kernel log's "#AC: CPU 0/KVM/... took a split_lock trap", as an OSISM report shows
# it), transparent huge pages off, the iTLB multihit mitigation (kvm.nx_huge_pages), a
# frequency governor that holds the lowest clock. Each a finding with its cost and the fix for
# this kernel (the sysctl from 6.2, the command line before it). Captured roots with the files
# such hosts have.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['$2']$3"; }
trap_line='CPU 0/KVM/3324070 took a split_lock trap at address: 0xfffff805742147bf'

host() {	# NAME RELEASE: an Intel host with kvm_intel whose kernel log was read
	r=$tmp/$1
	intel_kvm_host "$r" "$2"
	root_fact "$r" klog.status ok
	root_file "$r" sys/kernel/mm/transparent_hugepage/enabled "always [madvise] never"
	root_file "$r" sys/module/kvm/parameters/nx_huge_pages N
	root_file "$r" sys/devices/system/cpu/vulnerabilities/itlb_multihit "Not affected"
}

host quiet 6.8.0-45-generic
root_file "$r" proc/sys/kernel/split_lock_mitigate 1
probe_root "$r"
is "$(cap "$r" kernel.guest_split_locks "['value']")/$(cap "$r" kernel.thp_for_guests "['value']")" \
	"true/true" "no split-lock trap, huge pages on madvise: nothing slows guests"
cap "$r" kernel.nx_huge_pages "['detail']" | grep -q 'no cost here'
ok $? "nx_huge_pages on a CPU that needs no iTLB multihit mitigation: no cost"

host splitlock 6.8.0-45-generic
root_file "$r" proc/sys/kernel/split_lock_mitigate 1
root_fact "$r" klog.split_lock_guest "$trap_line"
probe_root "$r"
is "$(cap "$r" kernel.guest_split_locks "['value']")" false "a guest split-locks under misery mode"
cap "$r" kernel.guest_split_locks "['detail']" | grep -q "CPU 0/KVM/3324070 took a split_lock trap.*sleep"
ok $? "the detail quotes the vCPU thread's trap and the cost"
cap "$r" kernel.guest_split_locks "['fix']" | grep -q '^stop the slowdown, keep the warning: sudo sysctl kernel.split_lock_mitigate=0'
ok $? "6.2+: the sysctl, kept in sysctl.d"
timeout 60 "$VIRTCAP" --root "$r" -v --no-color >"$r.txt" 2>/dev/null
sed -n '/^  guest_split_locks /,/^  [a-z]/p' "$r.txt" | grep -q 'fix: stop the slowdown'
ok $? "the human report shows it with its fix"

host splitlock-old 6.1.0-27-amd64
root_fact "$r" klog.split_lock_guest "$trap_line"
probe_root "$r"
cap "$r" kernel.guest_split_locks "['fix']" | grep -q 'no split_lock_mitigate knob (before 6.2): split_lock_detect=off on the kernel command line'
ok $? "before 6.2: the command line"

host mitigated 6.8.0-45-generic
root_file "$r" proc/sys/kernel/split_lock_mitigate 0
root_fact "$r" klog.split_lock_guest "$trap_line"
probe_root "$r"
is "$(cap "$r" kernel.guest_split_locks "['value']")" true "split_lock_mitigate=0: warned, not slowed"

# huge pages reserved for guests (vm.nr_hugepages=1024), 300 of them taken by a running guest:
# /proc/meminfo as Linux 6.8 writes those lines
host hugepages 6.8.0-45-generic
root_file "$r" proc/meminfo "MemTotal:       65712312 kB
MemFree:        58123400 kB
HugePages_Total:    1024
HugePages_Free:      724
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:         2097152 kB"
probe_root "$r"
is "$(cap "$r" kernel.hugepages_free "['value']")" 724 "huge pages: 724 of 1024 free"
cap "$r" kernel.hugepages_free "['detail']" | grep -q '^724 of 1024 reserved 2048 kB pages free: a guest backed by huge pages.*at most 1448 MiB of RAM now'
ok $? "and the largest guest they can back now, in MiB"
root_file "$r" proc/meminfo "HugePages_Total:       0
HugePages_Free:        0
Hugepagesize:       2048 kB"
probe_root "$r"
is "$(cap "$r" kernel.hugepages_free "")" "<missing 'kernel.hugepages_free'>" "none reserved: nothing to say"

host nothp 6.8.0-45-generic
root_file "$r" sys/kernel/mm/transparent_hugepage/enabled "always madvise [never]"
root_file "$r" sys/module/kvm/parameters/nx_huge_pages Y
root_file "$r" sys/devices/system/cpu/vulnerabilities/itlb_multihit "KVM: Mitigation: Split huge pages"
probe_root "$r"
is "$(cap "$r" kernel.thp_for_guests "['value']")" false "transparent huge pages never: guests pay"
cap "$r" kernel.thp_for_guests "['fix']" | grep -q '^echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled'
ok $? "the fix: madvise (QEMU asks for them)"
cap "$r" kernel.nx_huge_pages "['detail']" | grep -q 'splits executable guest huge pages.*only where every guest is trusted (itlb_multihit: KVM: Mitigation: Split huge pages)'
ok $? "nx_huge_pages where the mitigation is on: its cost, and its trade-off"

host governor 6.8.0-45-generic
root_file "$r" sys/devices/system/cpu/cpu0/cpufreq/scaling_governor powersave
root_file "$r" sys/devices/system/cpu/cpu0/cpufreq/scaling_driver acpi-cpufreq
probe_root "$r"
is "$(cap "$r" kernel.cpu_frequency_ok "['value']")" false "powersave on acpi-cpufreq: the lowest clock"
cap "$r" kernel.cpu_frequency_ok "['fix']" | grep -q '^sudo cpupower frequency-set -g schedutil'
ok $? "the fix: another governor"
root_file "$r" sys/devices/system/cpu/cpu0/cpufreq/scaling_driver intel_pstate
probe_root "$r"
is "$(cap "$r" kernel.cpu_frequency_ok "['value']")" true "powersave on intel_pstate is a dynamic policy: fine"

host nolog 6.8.0-45-generic; root_fact "$r" klog.status EPERM
probe_root "$r"
cap "$r" kernel.guest_split_locks "['detail']" | grep -q 'kernel log was not readable'
ok $? "an unreadable kernel log: unknown, and why"
done_testing
