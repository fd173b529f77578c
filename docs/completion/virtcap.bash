# bash completion for virtcap: its commands, each command's options and their values.
# Lists that virtcap knows better (the check profiles) are asked of virtcap itself; t018 checks
# that every command and option of `virtcap --help` is offered here.

_virtcap_words() {	# WORDS...: complete the current word from them
	mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
}

_virtcap_list() {	# LIST PREFIX: complete the last element of a comma list
	local done=${cur%"${cur##*,}"}
	mapfile -t COMPREPLY < <(compgen -P "$done" -W "$1" -- "${cur##*,}")
	compopt -o nospace 2>/dev/null
}

_virtcap() {
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="probe prove bench-exits check fleet advise lab snapshot"
	local options="--json -j --root --cpuid-dump --only --timeout --prom --output --nfd --ci --verbose -v
		--no-color --help -h --version -V"
	local proofs="real16 prot32 pae32 long64 boot smp irq hypercall pio mmio disk nested
		nested_tdp hostile-spin hostile-triple-fault hostile-unmapped hostile-exit-flood
		hostile-disk-range liars"
	local rows="dos os32 os64 hypervisor arm64 arm32 ppc64le s390x real16 prot32 pae32 long64 boot
		smp irq hypercall pio mmio disk nested passthrough graphics container"

	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) [ "$cmd" = lab ] && return 0 ;;	# the inner virtcap's arguments: its own
		-*) ;;
		*) case " $commands " in *" ${COMP_WORDS[i]} "*) cmd=${COMP_WORDS[i]}; break ;; esac ;;
		esac
	done

	case $prev in
	--root) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
	--cpuid-dump|--output|--junit) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
	--nfd) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
	--ci) _virtcap_list "github none"; return 0 ;;
	--only) _virtcap_list "$proofs"; return 0 ;;
	--timeout|--smp) return 0 ;;
	--stack) _virtcap_list "qemu libvirt"; return 0 ;;
	--foreign) _virtcap_list "aarch64 arm riscv64 ppc64le s390x all"; return 0 ;;
	--require) _virtcap_list "$rows kvm no-kvm sev-snp tdx"; return 0 ;;
	--profile)
		_virtcap_words "$(${COMP_WORDS[0]} check --list-profiles 2>/dev/null |
			awk '/^[a-z]/ { print $1 }')"
		return 0 ;;
	--format) _virtcap_words "text csv markdown html"; return 0 ;;
	--engine) _virtcap_words "qemu bochs"; return 0 ;;
	--cpu) _virtcap_words "EPYC,+svm,+npt EPYC,-svm EPYC,+svm,-npt corei7_skylake_x
		corei5_lynnfield_750 core2_penryn_t9600"; return 0 ;;
	--kernel) _virtcap_words "amd64 i386"; return 0 ;;
	--nested) _virtcap_words "0 1"; return 0 ;;
	--bits) _virtcap_words "32 64"; return 0 ;;
	--disk) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
	esac

	case $cmd in
	"") _virtcap_words "$commands $options" ;;
	prove) _virtcap_words "--stack --foreign $options" ;;
	check) _virtcap_words "--require --profile --list-profiles --tap --junit $options" ;;
	fleet)
		if [[ $cur == -* ]]; then _virtcap_words "--format --output"
		else mapfile -t COMPREPLY < <(compgen -f -- "$cur"); fi ;;
	advise)
		if [[ $prev == partition ]]; then mapfile -t COMPREPLY < <(compgen -f -- "${cur:-/dev/}")
		else _virtcap_words "dos os32 os64 hypervisor windows11 windows10 gpu arm64 arm32 ppc64le s390x riscv64 xen container partition --prove $options"; fi ;;
	lab) _virtcap_words "--engine --cpu --kernel --nested --no-kvm-module --user --bits --smp
		--timeout --json --with-stack --disk --lockdown --xen --arch --no-el2 --" ;;
	snapshot) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	*) _virtcap_words "$options" ;;
	esac
	return 0
}
complete -F _virtcap virtcap
