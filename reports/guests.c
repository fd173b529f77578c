// SPDX-License-Identifier: MIT
/*
 * The guests `virtcap advise` knows, their chains of requirements and their alternatives, and
 * the names people type for them (reports/guests.h): data, judged by reports/advice.c and read
 * by the layers (reports/layers.c), which give an operating system's row the chain's layers.
 */
#include <string.h>
#include <strings.h>

#include "reports/caps.h"
#include "reports/guests.h"

#define LAYER_STEP(l, s) { ADVICE_LAYER, l, s, NULL }
#define ROW_STEP(k, s) { ADVICE_ROW, k, s, NULL }
#define CAP_STEP(id, s) { ADVICE_CAP, 0, s, id }
/* what every 64-bit OS needs before its own vCPUs and disk (os64, windows11, windows10) */
#define OS64_CHAIN									\
	HW_CHAIN(" and long mode", ", in a 64-bit kernel"),				\
	ROW_STEP(GUEST_LONG64, "a 64-bit test guest runs in long mode"),		\
	ROW_STEP(GUEST_BOOT, "a guest goes itself from real mode to long mode, as an OS "	\
			     "loader does, and handles exceptions through its own IDT"),	\
	ROW_STEP(GUEST_IRQ, "interrupts reach the guest")
#define HW_CHAIN(extra_cpu, extra_kernel)						\
	LAYER_STEP(LAYER_CPU, "the CPU has VT-x or AMD-V" extra_cpu),			\
	LAYER_STEP(LAYER_FIRMWARE, "the firmware (BIOS/UEFI) leaves it enabled"),	\
	LAYER_STEP(LAYER_KERNEL, "the kernel has a KVM module loaded" extra_kernel),	\
	LAYER_STEP(LAYER_KVM_ACCESS, "this user can open /dev/kvm and create a VM")

const char advice_emulation[] = "emulation: QEMU without KVM (qemu-system-x86_64 -accel tcg) runs "
	"any x86 guest on any host, slower: each guest instruction is translated";
const char advice_pvm[] = "paravirtualization: where the host kernel offers PVM (kvm_pvm), a 64-bit "
	"Linux guest kernel built for PVM runs without VT-x/AMD-V at near-native speed";

const char advice_virgl[] = "paravirtualization: virtio-gpu with virgl or venus (QEMU -device "
	"virtio-vga-gl) gives a guest accelerated 3D through the host's GPU driver, without an IOMMU";

/* told with this host's binfmt_misc registration and whether a program ran through it */
const char advice_binfmt_aarch64[] = "for arm64 Linux programs rather than a whole OS: "
	"containers, their programs run through binfmt_misc by QEMU's user-mode emulation";
const char advice_binfmt_arm[] = "for armhf Linux programs: containers, their programs run "
	"through binfmt_misc by QEMU's user-mode emulation";
const char advice_binfmt_riscv64[] = "for riscv64 Linux programs: containers, their programs run "
	"through binfmt_misc by QEMU's user-mode emulation";
const char advice_binfmt_ppc64le[] = "for ppc64le Linux programs: containers, their programs run "
	"through binfmt_misc by QEMU's user-mode emulation";
const char advice_binfmt_s390x[] = "for s390x Linux programs: containers, their programs run "
	"through binfmt_misc by QEMU's user-mode emulation";

const struct guest_advice advice_table[] = {
	{ "dos", "a 16-bit real-mode guest (DOS, old boot loaders)", GUEST_REAL16,
	  { HW_CHAIN("", ""), ROW_STEP(GUEST_REAL16, "a real-mode test guest runs"),
	    ROW_STEP(GUEST_PIO, "port I/O reaches an emulated device") },
	  { advice_emulation,
	    "emulation made for it: DOSBox (apt install dosbox) runs DOS programs without "
		 "any hardware virtualization, fast enough for DOS-era software" }, NULL },
	{ "os32", "a 32-bit operating system", GUEST_PAE32,
	  { HW_CHAIN("", ""), ROW_STEP(GUEST_PROT32, "a 32-bit protected-mode test guest runs"),
	    ROW_STEP(GUEST_PAE32, "PAE paging works (every current 32-bit OS uses it)"),
	    ROW_STEP(GUEST_IRQ, "interrupts reach the guest"),
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once") },
	  { advice_emulation, "OS-level virtualization, when the workload is 32-bit Linux programs: a "
		 "container of an i386 distribution on a 64-bit kernel (see 'advise container')" }, NULL },
	{ "os64", "a 64-bit operating system (Linux, Windows, BSD)", GUEST_LONG64,
	  { OS64_CHAIN,
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk") },
	  { advice_emulation,
	    advice_pvm,
	    "OS-level virtualization, when the workload is Linux programs: a container (see "
	    "'advise container')" }, NULL },
	{ "hypervisor", "a guest that runs its own guests (a hypervisor, WSL2-style, nested KVM)",
	  GUEST_NESTED,
	  { HW_CHAIN(" (the guest's hypervisor needs it too)", ", with nested=1"),
	    ROW_STEP(GUEST_LONG64, "a 64-bit guest runs"),
	    ROW_STEP(GUEST_NESTED, "a guest turns VT-x/AMD-V on and runs its own guest") },
	  { "emulation: QEMU without KVM emulates AMD-V (-cpu EPYC,+svm,+npt) and Bochs emulates "
	    "VT-x with EPT, so a hypervisor can run inside either on any host, very slowly "
	    "(virtcap lab uses both to run real KVM)",
	    "move the workload to a host whose hypervisor exposes VT-x/AMD-V to its guests, or to "
	    "bare metal" }, NULL },
	{ "windows11", "Windows 11 (or Server 2025): a 64-bit OS that also wants UEFI with "
	  "Secure Boot, a TPM 2.0 and an x86-64-v2 CPU", GUEST_LONG64,
	  { OS64_CHAIN,
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once (it wants 2)"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk"),
	    CAP_STEP(CAP_CPU_X86_64_V2, "the CPU is x86-64-v2 (SSE4.2, POPCNT), and the guest's "
				       "CPU model passes it on (-cpu host; QEMU's qemu64 does not)"),
	    CAP_STEP(CAP_TOOLS_OVMF_SECBOOT, "UEFI firmware with Secure Boot for the guest (OVMF "
					    "*.secboot.fd, with its Microsoft-keyed VARS)"),
	    CAP_STEP(CAP_TOOLS_SWTPM, "a TPM 2.0 for the guest (swtpm; libvirt: <tpm "
				     "model='tpm-crb'><backend type='emulator' version='2.0'/>)") },
	  { advice_emulation,
	    "Windows 10 (see 'advise windows10') needs neither TPM nor Secure Boot" }, NULL },
	{ "windows10", "Windows 10 or Server 2016-2022: a 64-bit OS (UEFI or BIOS, no TPM "
	  "needed)", GUEST_LONG64,
	  { OS64_CHAIN,
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk") },
	  { advice_emulation }, NULL },
	{ "gpu", "a guest that owns a PCI device such as a GPU (VFIO passthrough)",
	  GUEST_LONG64,
	  { HW_CHAIN(" and long mode", ""), ROW_STEP(GUEST_LONG64, "a 64-bit guest runs"),
	    ROW_STEP(GUEST_PASSTHROUGH, "an IOMMU is on and VFIO can take the device") },
	  { advice_virgl,
	    "OS-level virtualization: a container given the device (docker run --device "
	    "/dev/dri, or the NVIDIA container toolkit) uses the GPU at native speed",
	    "there is no emulation of a physical GPU" }, NULL },
	/* other CPU architectures: on an x86-64 host only QEMU's emulation (TCG) runs them, so
	 * what is needed is the emulator and the firmware; KVM needs a host of their own */
	{ "arm64", "a 64-bit ARM (AArch64) operating system, such as a Raspberry Pi 3/4/5 or a "
	  "cloud arm64 image: on this x86-64 host by emulation only, many times slower than "
	  "under KVM on an arm64 host", GUEST_LONG64,
	  { CAP_STEP(CAP_TOOLS_QEMU_AARCH64, "QEMU for arm64 guests is installed "
		     "(qemu-system-aarch64, -M virt -cpu max)"),
	    CAP_STEP(CAP_TOOLS_AAVMF, "UEFI firmware for arm64 guests, which cloud and "
		     "distribution images boot with (AAVMF / QEMU_EFI.fd)"),
	    CAP_STEP(CAP_FOREIGN_ARM64_BOOT, "an arm64 Linux kernel reaches its init under "
		     "that emulation here (virtcap prove --foreign arm64 boots one, timed)") },
	  { "an arm64 host (a .metal instance of AWS Graviton, Ampere Altra, Apple silicon under "
	    "Asahi Linux) runs it under KVM at native speed",
	    advice_binfmt_aarch64 }, CAP_FOREIGN_ARM64_BOOT },
	{ "arm32", "a 32-bit ARM operating system (armhf, an older Raspberry Pi image): on this "
	  "x86-64 host by emulation only", GUEST_PAE32,
	  { CAP_STEP(CAP_TOOLS_QEMU_ARM, "QEMU for 32-bit ARM guests is installed "
		     "(qemu-system-arm, -M virt)"),
	    CAP_STEP(CAP_FOREIGN_ARM32_BOOT, "a 32-bit ARM Linux kernel reaches its init under "
		     "that emulation here (virtcap prove --foreign arm boots one, timed)") },
	  { "an arm64 host whose cores still run AArch32 at EL1 (Cortex-A72 and older: a "
	    "Raspberry Pi 4) runs it under KVM; many newer cores (Neoverse V1/N2, Apple's) do not",
	    advice_binfmt_arm }, CAP_FOREIGN_ARM32_BOOT },
	{ "ppc64le", "a 64-bit little-endian POWER operating system (Debian's ppc64el, RHEL or "
	  "SUSE for POWER9/10): on this host by emulation only", GUEST_LONG64,
	  { CAP_STEP(CAP_TOOLS_QEMU_PPC64, "QEMU for POWER guests is installed "
		     "(qemu-system-ppc64, -M pseries, with its SLOF firmware)"),
	    CAP_STEP(CAP_FOREIGN_PPC64LE_BOOT, "a ppc64le Linux kernel reaches its init under "
		     "that emulation here (virtcap prove --foreign ppc64le boots one, timed)") },
	  { "a POWER8 or newer host (IBM Power, Raptor Talos) runs it under KVM (kvm_hv)",
	    advice_binfmt_ppc64le }, CAP_FOREIGN_PPC64LE_BOOT },
	{ "s390x", "an IBM Z operating system (s390x, big-endian): on this host by emulation only",
	  GUEST_LONG64,
	  { CAP_STEP(CAP_TOOLS_QEMU_S390X, "QEMU for IBM Z guests is installed "
		     "(qemu-system-s390x, -M s390-ccw-virtio)"),
	    CAP_STEP(CAP_FOREIGN_S390X_BOOT, "an s390x Linux kernel reaches its init under "
		     "that emulation here (virtcap prove --foreign s390x boots one, timed)") },
	  { "an IBM Z or LinuxONE partition runs it under KVM at native speed",
	    advice_binfmt_s390x }, CAP_FOREIGN_S390X_BOOT },
	{ "riscv64", "a 64-bit RISC-V operating system: on this x86-64 host by emulation only",
	  GUEST_LONG64,
	  { CAP_STEP(CAP_TOOLS_QEMU_RISCV64, "QEMU for riscv64 guests is installed "
		     "(qemu-system-riscv64, -M virt, with OpenSBI as its firmware)") },
	  { "a RISC-V host with the hypervisor extension (H) runs it under KVM",
	    advice_binfmt_riscv64 }, NULL },
	/* Xen owns the machine it boots on: asked of a host, "can it run Xen" is "is it dom0" */
	{ "xen", "the Xen hypervisor, booted on this machine with this system as its dom0, and "
	  "its guests: PV guests need no VT-x/AMD-V, HVM and PVH guests do", GUEST_LONG64,
	  { CAP_STEP(CAP_ENV_XEN_DOM0, "this system runs as Xen's dom0 (to make it one: sudo apt "
		     "install xen-system-amd64, then boot GRUB's entry \"with Xen hypervisor\"; "
		     "KVM then waits for a boot without Xen)"),
	    CAP_STEP(CAP_ENV_XEN_HVM, "Xen has VT-x/AMD-V for HVM and PVH guests (hvm- entries in "
		     "/sys/hypervisor/properties/capabilities)") },
	  { "KVM on this machine, in a boot without Xen (see 'advise os64'): the two never run "
	    "side by side",
	    "Xen's PV guests (type = \"pv\" in xl.cfg) need no VT-x/AMD-V: on a CPU without it Xen "
	    "still runs them",
	    "Xen inside a virtual machine: a guest of KVM with nested virtualization (see 'advise "
	    "hypervisor')" }, NULL },
	{ "container", "a container (namespaces and cgroups, no VM)", GUEST_CONTAINER,
	  { ROW_STEP(GUEST_CONTAINER, "this process can create namespaces and cgroups are "
				      "mounted") },
	  { "a virtual machine, when the probe shows one can run (see 'advise os64'), holding the "
	    "containers" }, NULL },
};

const size_t advice_count = sizeof(advice_table) / sizeof(advice_table[0]);

/* The names people type for a guest, each to the advice that answers it */
static const struct {
	const char *name, *id;
} advice_aliases[] = {
	{ "linux", "os64" }, { "bsd", "os64" }, { "64bit", "os64" }, { "64-bit", "os64" },
	{ "x86_64", "os64" }, { "amd64", "os64" }, { "32bit", "os32" }, { "32-bit", "os32" },
	{ "i386", "os32" }, { "freedos", "dos" }, { "windows", "windows11" }, { "win11", "windows11" },
	{ "win10", "windows10" }, { "nested", "hypervisor" }, { "wsl2", "hypervisor" },
	{ "docker", "container" }, { "podman", "container" }, { "passthrough", "gpu" },
	{ "aarch64", "arm64" }, { "raspberrypi", "arm64" }, { "armhf", "arm32" },
	{ "armv7", "arm32" }, { "risc-v", "riscv64" }, { "ppc64el", "ppc64le" },
	{ "power", "ppc64le" }, { "powerpc64le", "ppc64le" }, { "s390", "s390x" },
	{ "ibmz", "s390x" }, { "zlinux", "s390x" },
	{ "vfio", "gpu" }, { "dom0", "xen" }, { "xen-dom0", "xen" },
};

const struct guest_advice *advice_find(const char *id)
{
	for (size_t i = 0; i < sizeof(advice_aliases) / sizeof(advice_aliases[0]); i++)
		if (!strcasecmp(advice_aliases[i].name, id))
			id = advice_aliases[i].id;
	for (size_t i = 0; i < advice_count; i++)
		if (!strcasecmp(advice_table[i].id, id))
			return &advice_table[i];
	return NULL;
}

size_t advice_names(const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < advice_count && n < max; i++)
		names[n++] = advice_table[i].id;
	for (size_t i = 0; i < sizeof(advice_aliases) / sizeof(advice_aliases[0]) && n < max; i++)
		names[n++] = advice_aliases[i].name;
	return n;
}


const struct guest_advice *advice_for_row(enum guest_kind k)
{
	return guest_kind_is_os(k) ? advice_find(guest_kind_id(k)) : NULL;
}
