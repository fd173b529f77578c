# Builders of captured roots for the scenario tests: a directory that looks, to
# `virtcap --root DIR`, like a whole host. Each function writes one aspect; a scenario calls
# several. The values are typical of real hosts of each kind, written out by hand here (the
# reference dumps in ../shared are used in place by other tests, never copied).

# root_file ROOT PATH CONTENT: write CONTENT (printf %s, newline added) to ROOT/PATH
root_file() {
	mkdir -p "$1/$(dirname "$2")" && printf '%s\n' "$3" >"$1/$2"
}

# root_fact ROOT KEY VALUE: one line of ROOT/.virtcap/facts
root_fact() {
	mkdir -p "$1/.virtcap" && printf '%s=%s\n' "$2" "$3" >>"$1/.virtcap/facts"
}

# root_cpuid ROOT VENDOR LEAF1_EAX LEAF1_ECX LEAF1_EDX EXT1_ECX EXT1_EDX [SVM_EDX]
# A libcpuid 0.6.2 raw dump of one CPU, with leaves 0, 1, 0x80000000, 0x80000001 and, for AMD,
# 0x8000000A (SVM revision 1, 32768 ASIDs, features SVM_EDX).
root_cpuid() {
	_r=$1 _vendor=$2 _eax=$3 _ecx=$4 _edx=$5 _xecx=$6 _xedx=$7 _svm=${8:-00000000}
	case $_vendor in
	GenuineIntel) _v="756e6547 6c65746e 49656e69" ;;	# EBX ECX EDX of "GenuineIntel"
	AuthenticAMD) _v="68747541 444d4163 69746e65" ;;
	*) echo "root_cpuid: unknown vendor $_vendor" >&2; return 1 ;;
	esac
	set -- $_v
	mkdir -p "$_r/.virtcap"
	{
		echo "version=0.6.2"
		i=0
		while [ $i -lt 32 ]; do
			case $i in
			0) echo "basic_cpuid[0]=00000016 $1 $2 $3" ;;
			1) echo "basic_cpuid[1]=$_eax 00100800 $_ecx $_edx" ;;
			*) echo "basic_cpuid[$i]=00000000 00000000 00000000 00000000" ;;
			esac
			i=$((i + 1))
		done
		i=0
		while [ $i -lt 32 ]; do
			case $i in
			0) echo "ext_cpuid[0]=8000000a 00000000 00000000 00000000" ;;
			1) echo "ext_cpuid[1]=00000000 00000000 $_xecx $_xedx" ;;
			10) echo "ext_cpuid[10]=00000001 00008000 00000000 $_svm" ;;
			*) echo "ext_cpuid[$i]=00000000 00000000 00000000 00000000" ;;
			esac
			i=$((i + 1))
		done
		for blk in intel_fn4:8 intel_fn11:4 intel_fn12h:4 intel_fn14h:4 amd_fn8000001dh:4; do
			i=0
			while [ $i -lt "${blk#*:}" ]; do
				echo "${blk%:*}[$i]=00000000 00000000 00000000 00000000"
				i=$((i + 1))
			done
		done
	} >"$_r/.virtcap/cpuid.raw"
}

# Typical CPUs. LEAF1 ECX bit 5 = VMX, bit 31 = hypervisor; EXT1 ECX bit 2 = SVM;
# EXT1 EDX bit 29 = long mode, bit 20 = NX; LEAF1 EDX bit 6 = PAE.
cpu_intel_vmx() { root_cpuid "$1" GenuineIntel 000506e3 7ffafbbf bfebfbff 00000121 2c100800; }
cpu_intel_vmx_guest() { root_cpuid "$1" GenuineIntel 000506e3 fffafbbf bfebfbff 00000121 2c100800; }
cpu_intel_novmx_guest() { root_cpuid "$1" GenuineIntel 000506e3 fffafb9f bfebfbff 00000121 2c100800; }
cpu_amd_svm() { root_cpuid "$1" AuthenticAMD 00830f10 7ed8320b 178bfbff 75c237ff 2fd3fbff 0001bcff; }
cpu_amd_svm_nonpt() { root_cpuid "$1" AuthenticAMD 00830f10 7ed8320b 178bfbff 75c237ff 2fd3fbff 0001bcfe; }

# root_kernel ROOT RELEASE ARCH: uname as the kernel publishes it in /proc/sys/kernel
root_kernel() {
	root_file "$1" proc/sys/kernel/hostname "scenario"
	root_file "$1" proc/sys/kernel/osrelease "$2"
	root_file "$1" proc/sys/kernel/arch "$3"
	root_fact "$1" process.bits 64
}

# Whole-host pieces (t050 and the commands that judge whole hosts)
# A module's parameters as sysfs shows them
kvm_module() {	# ROOT MODULE NESTED(Y|N): loaded as a module (it has an initstate)
	mkdir -p "$1/sys/module/kvm/parameters"
	root_file "$1" "sys/module/$2/parameters/nested" "$3"
	root_file "$1" "sys/module/$2/initstate" live
	root_file "$1" sys/module/kvm/initstate live
	case $2 in
	kvm_intel) root_file "$1" sys/module/kvm_intel/parameters/ept Y
		   root_file "$1" sys/module/kvm_intel/parameters/unrestricted_guest Y ;;
	kvm_amd) root_file "$1" sys/module/kvm_amd/parameters/npt 1 ;;
	esac
	root_file "$1" proc/modules "$2 385024 0 - Live 0x0000000000000000
kvm 1142784 1 $2, Live 0x0000000000000000"
}

# intel_kvm_host ROOT RELEASE: the usual host of the scenario tests: an Intel CPU with VT-x on
# and unlocked, kvm_intel (nested=1) loaded as a module, a /dev/kvm this user opens
intel_kvm_host() {
	root_kernel "$1" "$2" x86_64; cpu_intel_vmx "$1"; intel_msrs "$1" 0x5
	kvm_module "$1" kvm_intel Y; dev_kvm_ok "$1"
}

# kvm_guest_leaf ROOT: the KVM leaf (0x40000000) a KVM guest's CPUID shows: "KVMKVMKVM"
kvm_guest_leaf() { root_fact "$1" cpuid.0x40000000 "40000001 4b4d564b 564b4d56 0000004d"; }

# acpi_table ROOT NAME OEMID TABLEID: a 36-byte ACPI header, as /sys/firmware/acpi/tables has it
acpi_table() {
	mkdir -p "$1/sys/firmware/acpi/tables"
	# signature, length 36, revision, checksum, OEMID, OEM table id, then 12 bytes of
	# OEM revision, creator id and creator revision
	printf '%-4s\044\000\000\000\006\000%-6s%-8s\001\000\000\000VCAP\001\000\000\000' \
		"$2" "$3" "$4" >"$1/sys/firmware/acpi/tables/$2"
}

docker() {	# ROOT: the files a Docker container shows
	root_file "$1" proc/1/cgroup "0::/system.slice/docker-3f2a9c1b7e.scope"
	root_file "$1" proc/self/mountinfo "512 498 0:120 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC"
}

# pci_dev ROOT SLOT VENDOR DEVICE CLASS [GROUP] [DRIVER] [TOTALVFS]: a PCI device with its
# links laid out as the kernel lays them (its IOMMU group, its driver)
pci_dev() {
	d="$1/sys/devices/pci0000:00/$2"
	mkdir -p "$d" "$1/sys/bus/pci/devices"
	echo "0x$3" >"$d/vendor"; echo "0x$4" >"$d/device"; echo "0x$5" >"$d/class"
	ln -s "../../../devices/pci0000:00/$2" "$1/sys/bus/pci/devices/$2"
	if [ -n "${6:-}" ]; then
		mkdir -p "$1/sys/kernel/iommu_groups/$6/devices"
		ln -s "../../../../kernel/iommu_groups/$6" "$d/iommu_group"
		ln -s "../../../../devices/pci0000:00/$2" "$1/sys/kernel/iommu_groups/$6/devices/$2"
	fi
	if [ -n "${7:-}" ]; then
		mkdir -p "$1/sys/bus/pci/drivers/$7"
		ln -s "../../../bus/pci/drivers/$7" "$d/driver"
	fi
	[ -n "${8:-}" ] && echo "$8" >"$d/sriov_totalvfs" && echo 0 >"$d/sriov_numvfs"
	return 0
}

no_kvm_module() {	# ROOT: /sys/module as on a host without KVM: built-in printk, no kvm*
	root_file "$1" sys/module/printk/parameters/time N
	root_file "$1" proc/modules ""
}

dev_kvm_ok() {	# ROOT: a usable /dev/kvm, as the live ioctls recorded it
	root_file "$1" etc/group "kvm:x:993:"
	root_fact "$1" kvm.stat.mode 020660
	root_fact "$1" kvm.stat.uid 0
	root_fact "$1" kvm.stat.gid 993
	root_fact "$1" kvm.open ok
	root_fact "$1" kvm.api_version 12
	root_fact "$1" kvm.create_vm ok
}

intel_msrs() {	# ROOT FEATURE_CONTROL: VMX capability MSRs of a Skylake server
	root_fact "$1" msr.0.0x3a "$2"
	root_fact "$1" msr.0.0x480 0x00da040000000004
	root_fact "$1" msr.0.0x481 0x000000ff00000016
	root_fact "$1" msr.0.0x482 0xfff9fffe0401e172
	root_fact "$1" msr.0.0x48b 0x0053ffff00000000
	root_fact "$1" msr.0.0x48c 0x00000f0106734141
}

# probe_root ROOT [OPTIONS...]: virtcap --root ROOT OPTIONS --json into ROOT.json, as one test:
# exit 0 and nothing on stderr (a captured root, however odd, is not an error to report)
probe_root() {
	_pr=$1; shift
	timeout 60 "$VIRTCAP" --root "$_pr" "$@" --json >"$_pr.json" 2>"$_pr.err"
	is "$? $(wc -c <"$_pr.err")" "0 0" "$(basename "$_pr"): probed, exit 0, nothing on stderr"
	[ -s "$_pr.err" ] && diag "$(head -5 "$_pr.err")"
	return 0
}
