# Whole-host scenarios for the tests: `scenario NAME DIR` builds the captured root of one
# realistic host in DIR with the builders of roots.sh (source that first). The names:
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
SCENARIOS="intel-vtx vtx-locked amd-svm svm-disabled i686-kernel container guest-nonested
guest-novmx no-module no-access"


scenario() {	# NAME DIR
	_s=$1 _r=$2
	mkdir -p "$_r" && root_kernel "$_r" 6.1.0-27-amd64 x86_64 || return 1
	case $_s in
	intel-vtx)
		cpu_intel_vmx "$_r"; intel_msrs "$_r" 0x5; kvm_module "$_r" kvm_intel Y
		dev_kvm_ok "$_r" ;;
	vtx-locked)
		cpu_intel_vmx "$_r"; intel_msrs "$_r" 0x1; kvm_module "$_r" kvm_intel Y
		root_fact "$_r" kvm.open ENOENT ;;
	amd-svm)
		cpu_amd_svm "$_r"; root_fact "$_r" msr.0.0xc0010114 0x0
		kvm_module "$_r" kvm_amd 1; dev_kvm_ok "$_r" ;;
	svm-disabled)
		cpu_amd_svm "$_r"; root_fact "$_r" msr.0.0xc0010114 0x18; no_kvm_module "$_r"
		root_fact "$_r" kvm.open ENOENT ;;
	i686-kernel)
		root_file "$_r" proc/sys/kernel/arch i686
		cpu_intel_vmx "$_r"; intel_msrs "$_r" 0x5; kvm_module "$_r" kvm_intel Y
		dev_kvm_ok "$_r" ;;
	container)
		cpu_intel_vmx "$_r"; kvm_module "$_r" kvm_intel Y; root_fact "$_r" kvm.open ENOENT
		root_file "$_r" proc/1/cgroup "0::/system.slice/docker-3f2a9c1b7e.scope"
		root_file "$_r" proc/self/mountinfo "512 498 0:120 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC
513 512 0:121 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw" ;;
	guest-nonested)
		cpu_intel_vmx_guest "$_r"; intel_msrs "$_r" 0x5; kvm_module "$_r" kvm_intel N
		dev_kvm_ok "$_r"; kvm_guest_leaf "$_r" ;;
	guest-novmx)
		cpu_intel_novmx_guest "$_r"; no_kvm_module "$_r"; root_fact "$_r" kvm.open ENOENT
		kvm_guest_leaf "$_r" ;;
	no-module)
		cpu_intel_vmx "$_r"; intel_msrs "$_r" 0x5; no_kvm_module "$_r"
		root_fact "$_r" kvm.open ENOENT ;;
	no-access)
		cpu_intel_vmx "$_r"; intel_msrs "$_r" 0x5; kvm_module "$_r" kvm_intel Y
		dev_kvm_ok "$_r"; root_fact "$_r" kvm.stat.mode 020600
		root_fact "$_r" kvm.open EACCES; root_fact "$_r" kvm.create_vm "" ;;
	*) echo "scenario: no scenario named '$_s'" >&2; return 1 ;;
	esac
}
