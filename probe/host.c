// SPDX-License-Identifier: MIT
/*
 * Who we are running on: hostname, kernel release and architecture, and the bitness of this
 * process. The architecture matters for guests: a 64-bit guest needs a kernel that can enter
 * long mode itself (an i686 kernel's KVM cannot run one), and a 32-bit virtcap on a 64-bit kernel
 * still drives 64-bit guests through the same ioctls.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

/* uname(2) fields as facts, so a captured root answers the same questions. */
static void host_record_uname(struct probe_ctx *ctx)
{
	struct utsname u;

	if (!ctx->live || uname(&u) < 0)
		return;
	facts_set(&ctx->facts, "uname.nodename", "%s", u.nodename);
	facts_set(&ctx->facts, "uname.release", "%s", u.release);
	facts_set(&ctx->facts, "uname.machine", "%s", u.machine);
	facts_set(&ctx->facts, "process.bits", "%zu", sizeof(void *) * 8);
}

/* A value from /proc/sys when the root has it, else the uname fact. */
static const char *host_value(struct probe_ctx *ctx, const char *proc_path, const char *fact,
			      char *buf, size_t len, const char **source)
{
	if (root_read_line(ctx, proc_path, buf, len) == 0 && buf[0]) {
		*source = proc_path;
		return buf;
	}
	const char *v = facts_get(&ctx->facts, fact);

	*source = v ? "uname(2)" : proc_path;
	return v;
}

int probe_host(struct probe_ctx *ctx, struct report *r)
{
	char name[256], release[256], arch[64];
	const char *src_name, *src_release, *src_arch;

	host_record_uname(ctx);

	const char *hostname = host_value(ctx, "/proc/sys/kernel/hostname", "uname.nodename", name,
					  sizeof(name), &src_name);
	const char *kernel = host_value(ctx, "/proc/sys/kernel/osrelease", "uname.release", release,
					sizeof(release), &src_release);
	/* /proc/sys/kernel/arch exists since Linux 5.12; older kernels leave us uname's answer */
	const char *machine = host_value(ctx, "/proc/sys/kernel/arch", "uname.machine", arch,
					 sizeof(arch), &src_arch);
	long long bits = 0;

	if (!facts_get_ll(&ctx->facts, "process.bits", &bits) || (bits != 32 && bits != 64))
		bits = 0;
	if (report_set_host(r, hostname, kernel, machine, (int)bits))
		return -ENOMEM;

	int err = 0;

	if (machine) {
		bool x86_32 = machine[0] == 'i' && strlen(machine) == 4 && !strcmp(machine + 2, "86");

		err |= report_cap_str(r, CAP_KERNEL_ARCH, machine, src_arch, "%s",
				      !strcmp(machine, "x86_64") ? "64-bit kernel: can run 32-bit and "
				      "64-bit guests" : x86_32 ? "32-bit kernel: its KVM cannot run "
				      "64-bit guests" : !strcmp(machine, "aarch64") ? "64-bit ARM kernel: "
				      "its KVM runs arm64 guests, and 32-bit ARM ones where the CPUs run "
				      "AArch32 at EL1 (cpu.arm64_el1_aarch32); x86 guests only by "
				      "emulation" : !strncmp(machine, "arm", 3) ? "32-bit ARM kernel: "
				      "Linux has had no KVM for 32-bit ARM hosts since 5.7" :
				      "not a kernel of an architecture virtcap judges (x86, ARM)");
		if (x86_32)
			err |= report_cap_fix(r, CAP_KERNEL_ARCH,
					      "install and boot a 64-bit (x86_64/amd64) kernel to run "
					      "64-bit guests; the 32-bit userland can stay (Debian: "
					      "sudo dpkg --add-architecture amd64 && sudo apt-get update "
					      "&& sudo apt-get install linux-image-amd64:amd64, then reboot "
					      "into it); the CPU %s",
					      "must support long mode (see cpu.lm). No maintained "
					      "hypervisor runs a 64-bit guest on a 32-bit host kernel any "
					      "more: VirtualBox did, up to 5.2");
	} else {
		err |= report_cap_unknown(r, CAP_KERNEL_ARCH, src_arch, "no /proc/sys/kernel/arch and "
					  "no recorded uname");
	}
	if (kernel)
		err |= report_cap_str(r, CAP_KERNEL_RELEASE, kernel, src_release, NULL);
	else
		err |= report_cap_unknown(r, CAP_KERNEL_RELEASE, src_release, NULL);
	if (bits)
		err |= report_cap_int(r, CAP_PROCESS_BITS, bits, "sizeof(void *) of virtcap",
				      bits == 32 ? "32-bit process: uses the same KVM ioctls, and "
				      "can still run 64-bit guests on a 64-bit kernel" : NULL);
	else
		err |= report_cap_unknown(r, CAP_PROCESS_BITS, "facts", "not recorded in this capture");
	return err ? -ENOMEM : 0;
}
