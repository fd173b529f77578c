#!/bin/sh
# Whole-host scenarios: captured roots of realistic hosts, built here, and the matrix verdicts
# virtcap must give on each, with the capability that blocks and the fix a person applies.
#   intel-vtx       Intel with VT-x on, kvm_intel nested=1, /dev/kvm usable
#   vtx-locked      VT-x locked off by firmware (IA32_FEATURE_CONTROL locked, VMX bit clear)
#   amd-svm         AMD with SVM and NPT, kvm_amd nested=1
#   svm-disabled    SVM disabled by firmware (VM_CR.SVMDIS)
#   i686-kernel     32-bit kernel on a 64-bit CPU
#   container       inside a Docker container, no /dev/kvm
#   guest-nonested  a KVM guest whose VT-x is exposed, but nested=0 in its kvm_intel
#   guest-novmx     a KVM guest whose hypervisor hides VT-x
#   no-module       VT-x present, no KVM module loaded
#   no-access       /dev/kvm present but not accessible to this user
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

base_root() {	# NAME: an empty root with a kernel, printed path
	r="$tmp/$1"
	mkdir -p "$r"
	root_kernel "$r" 6.1.0-27-amd64 x86_64
	echo "$r"
}

# verdict ROOT KIND WANT [BLOCKED_BY]
verdict() {
	"$VIRTCAP" --root "$1" --json >"$1.json" 2>"$1.err"
	rc=$?
	got=$(jget "$1.json" "d['matrix']['$2']['verdict']")
	is "$got" "$3" "$(basename "$1"): $2 is $3"
	if [ -n "$4" ]; then
		is "$(jget "$1.json" "d['matrix']['$2']['blocked_by']")" "$4" \
			"$(basename "$1"): $2 blocked by $4"
	fi
	[ "$rc" -eq 0 ] || diag "exit $rc: $(cat "$1.err")"
}

# fix_has ROOT KIND TEXT: the row's fix mentions TEXT
fix_has() {
	fix=$(jget "$1.json" "d['matrix']['$2']['fix']")
	case $fix in
	*"$3"*) ok 0 "$(basename "$1"): the fix for $2 says '$3'" ;;
	*) ok 1 "$(basename "$1"): the fix for $2 says '$3'"; diag "fix: $fix" ;;
	esac
}

r=$(base_root intel-vtx)
cpu_intel_vmx "$r"; intel_msrs "$r" 0x5; kvm_module "$r" kvm_intel Y; dev_kvm_ok "$r"
for k in real16 prot32 pae32 long64 smp irq hypercall pio mmio disk nested; do
	verdict "$r" $k yes
done
is "$(jget "$r.json" "d['capabilities']['cpu.ept']['value']")" true "intel-vtx: EPT from MSR 0x48B"
is "$(jget "$r.json" "d['capabilities']['fw.virt_enabled']['value']")" true \
	"intel-vtx: firmware left VT-x on"

r=$(base_root vtx-locked)
cpu_intel_vmx "$r"; intel_msrs "$r" 0x1; kvm_module "$r" kvm_intel Y
root_fact "$r" kvm.open ENOENT
verdict "$r" long64 no fw.virt_enabled
fix_has "$r" long64 "VT-x"

r=$(base_root amd-svm)
cpu_amd_svm "$r"; root_fact "$r" msr.0.0xc0010114 0x0; kvm_module "$r" kvm_amd 1
dev_kvm_ok "$r"
verdict "$r" long64 yes
verdict "$r" nested yes
is "$(jget "$r.json" "d['capabilities']['cpu.npt']['value']")" true "amd-svm: NPT from 0x8000000A"

r=$(base_root svm-disabled)
cpu_amd_svm "$r"; root_fact "$r" msr.0.0xc0010114 0x18; root_fact "$r" kvm.open ENOENT
verdict "$r" real16 no fw.virt_enabled
fix_has "$r" real16 "SVM"

r=$(base_root i686-kernel)
root_file "$r" proc/sys/kernel/arch i686
cpu_intel_vmx "$r"; intel_msrs "$r" 0x5; kvm_module "$r" kvm_intel Y; dev_kvm_ok "$r"
verdict "$r" prot32 yes
verdict "$r" long64 no kernel.arch
fix_has "$r" long64 "64-bit"

r=$(base_root container)
cpu_intel_vmx "$r"; kvm_module "$r" kvm_intel Y; root_fact "$r" kvm.open ENOENT
root_file "$r" proc/1/cgroup "0::/system.slice/docker-3f2a9c1b7e.scope"
root_file "$r" proc/self/mountinfo "512 498 0:120 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC
513 512 0:121 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw"
verdict "$r" long64 no kernel.dev_kvm
fix_has "$r" long64 "--device /dev/kvm"
is "$(jget "$r.json" "d['capabilities']['os.container']['value']")" true "container: detected"

r=$(base_root guest-nonested)
cpu_intel_vmx_guest "$r"; intel_msrs "$r" 0x5; kvm_module "$r" kvm_intel N; dev_kvm_ok "$r"
root_fact "$r" cpuid.0x40000000 "40000001 4b4d564b 564b4d56 0000004d"
verdict "$r" long64 yes
verdict "$r" nested no kernel.nested
fix_has "$r" nested "nested=1"
fix_has "$r" nested "/etc/modprobe.d/"

r=$(base_root guest-novmx)
cpu_intel_novmx_guest "$r"; root_fact "$r" kvm.open ENOENT
root_fact "$r" cpuid.0x40000000 "40000001 4b4d564b 564b4d56 0000004d"
verdict "$r" real16 no cpu.vmx
is "$(jget "$r.json" "d['capabilities']['cpu.hypervisor_signature']['value']")" KVMKVMKVM \
	"guest-novmx: the hypervisor signature"

r=$(base_root no-module)
cpu_intel_vmx "$r"; intel_msrs "$r" 0x5; root_file "$r" proc/modules ""
root_fact "$r" kvm.open ENOENT
verdict "$r" long64 no kernel.kvm_module
fix_has "$r" long64 "modprobe kvm_intel"

r=$(base_root no-access)
cpu_intel_vmx "$r"; intel_msrs "$r" 0x5; kvm_module "$r" kvm_intel Y; dev_kvm_ok "$r"
root_fact "$r" kvm.stat.mode 020600
root_fact "$r" kvm.open EACCES
root_fact "$r" kvm.create_vm ""
verdict "$r" long64 no kernel.dev_kvm
is "$(jget "$r.json" "d['capabilities']['kernel.dev_kvm']['value']")" no-access \
	"no-access: /dev/kvm is no-access"

# The human matrix judges each layer on its own: with /dev/kvm closed to this user the CPU,
# firmware and kernel still hold, and only the access column fails; the firmware lock shows in
# its own column. UTF-8 marks on a UTF-8 terminal, ASCII ones otherwise.
row() {	# ROOT KIND LANG: the kind's row of the human matrix
	LANG=$3 LC_ALL=$3 "$VIRTCAP" --root "$1" --no-color | grep -E "^  $2 " | head -1
}
is "$(row "$tmp/no-access" long64 C.UTF-8 | tr -s ' ')" \
	" long64 no ✓ ✓ ✓ ✗ · 64-bit long mode" "human matrix, no-access: only /dev/kvm fails"
is "$(row "$tmp/no-access" long64 C | tr -s ' ')" " long64 no y y y x . 64-bit long mode" \
	"human matrix in ASCII where the locale is not UTF-8"
is "$(row "$tmp/vtx-locked" real16 C | tr -s ' ' | cut -d' ' -f2-5)" "real16 no y x" \
	"human matrix, vtx-locked: the firmware column fails"
LANG=C "$VIRTCAP" --root "$tmp/no-access" --no-color >"$tmp/no-access.txt"
sed -n '/^What blocks them, and the fix$/,$p' "$tmp/no-access.txt" | grep -q '^  long64 '
ok $? "human output: the blocked kind is explained under 'What blocks them, and the fix'"

# every scenario's report is valid against the published schema
/usr/bin/python3 "$(dirname "$0")/lib/validate.py" \
	"$(dirname "$0")/../reports/schema/report-v1.json" "$tmp"/*.json >"$tmp/schema.out" 2>&1
ok $? "every scenario's report validates against report-v1.json"
[ -s "$tmp/schema.out" ] && diag "$(head -20 "$tmp/schema.out")"

done_testing
