// SPDX-License-Identifier: MIT
/*
 * The QEMU/KVM virtual machines running on this host, and whether KVM's APIC virtualization
 * (Intel APICv, AMD AVIC) stays on for them. With it, a guest's interrupts and EOIs reach its
 * virtual APIC without a VM exit; KVM turns it off for a whole VM (an "inhibit") when the VM
 * needs something only an exiting APIC can give, and nothing tells the user. Two such needs
 * come from how QEMU is started, so they can be read from its command line:
 *   - PIT reinjection (AVIC only): QEMU's in-kernel PIT redelivers lost timer ticks by default
 *     (kvm-pit.lost_tick_policy=delay), which needs EOIs to exit: AVIC is inhibited for the VM;
 *   - Hyper-V SynIC with AutoEOI: a Windows guest given hv-synic uses auto-EOI interrupts
 *     unless hv-avic (QEMU 6.2+) tells it not to: APICv and AVIC are inhibited for the VM.
 * The command lines are read live (/proc/PID/cmdline is readable by every user) and kept as
 * facts holding only what was concluded, since a command line may carry secrets. A command
 * line is anyone's to write (a script called qemu-system-x86_64 with -enable-kvm among its
 * arguments): a process is a VM when its executable (/proc/PID/exe) is QEMU's and it holds a
 * KVM VM open (an anon_inode:kvm-vm descriptor), which only root or its owner can see; the
 * others are counted, as not verified, and never named. Another user's VM is recorded as "a
 * VM of uid N" with its pid, not by its name: a snapshot goes into support tickets.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/probe.h"
#include "reports/caps.h"
#include "reports/report.h"

#define VMS_MAX 64		/* VMs recorded; more are counted, not listed */
#define CMDLINE_MAX 65536	/* a libvirt QEMU's command line is a few KiB */
#define PROC_SCAN_MAX 65536	/* processes looked at */

struct vm_seen {
	long pid;
	char name[64];		/* its -name, or "uid-N" for another user's */
	bool pit_reinject, synic_autoeoi;
};

static bool qemu_name(const char *base)
{
	return !strncmp(base, "qemu-system-x86_64", 18) || !strncmp(base, "qemu-system-i386", 16) ||
	       !strcmp(base, "qemu-kvm");
}

/* Whether process pid runs QEMU's executable and holds a KVM VM open: 1 yes, 0 no, -1 when
 * this user may not look (another user's process, without root) */
static int qemu_holds_vm(long pid)
{
	char path[64], target[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
		return errno == EACCES || errno == EPERM ? -1 : 0;
	target[n] = '\0';
	base = strrchr(target, '/');
	if (!qemu_name(base ? base + 1 : target))
		return 0;

	snprintf(path, sizeof(path), "/proc/%ld/fd", pid);

	DIR *fds = opendir(path);
	struct dirent *de;
	int held = 0;

	if (!fds)
		return errno == EACCES || errno == EPERM ? -1 : 0;
	while (!held && (de = readdir(fds))) {
		char fd_path[96];

		snprintf(fd_path, sizeof(fd_path), "/proc/%ld/fd/%.16s", pid, de->d_name);
		n = readlink(fd_path, target, sizeof(target) - 1);
		held = n > 0 && (target[n] = '\0', !strcmp(target, "anon_inode:kvm-vm"));
	}
	closedir(fds);
	return held;
}

/* The uid that owns process pid, or -1 */
static long long owner_of(long pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%ld", pid);
	return stat(path, &st) == 0 ? (long long)st.st_uid : -1;
}

static bool arg_has(const char *args, size_t len, const char *text)
{
	for (size_t at = 0; at < len; at += strlen(args + at) + 1)
		if (strstr(args + at, text))
			return true;
	return false;
}

/* The argument after opt ("-cpu"), or NULL */
static const char *arg_after(const char *args, size_t len, const char *opt)
{
	for (size_t at = 0; at < len; at += strlen(args + at) + 1)
		if (!strcmp(args + at, opt) && at + strlen(opt) + 1 < len)
			return args + at + strlen(opt) + 1;
	return NULL;
}

static bool is_qemu_kvm(const char *args, size_t len)
{
	const char *base = strrchr(args, '/');
	const char *accel = arg_after(args, len, "-accel");

	base = base ? base + 1 : args;
	if (!qemu_name(base))
		return false;
	return arg_has(args, len, "-enable-kvm") || arg_has(args, len, "accel=kvm") ||
	       (accel && !strncmp(accel, "kvm", 3));
}

/* What the command line args[0..len) of a QEMU under KVM says; false if it is none */
static bool vm_read(const char *args, size_t len, long pid, struct vm_seen *vm)
{
	const char *name = arg_after(args, len, "-name");
	const char *cpu = arg_after(args, len, "-cpu");

	if (!is_qemu_kvm(args, len))
		return false;
	vm->pid = pid;
	if (name && !strncmp(name, "guest=", 6))	/* libvirt's -name guest=NAME,debug-... */
		name += 6;
	snprintf(vm->name, sizeof(vm->name), "%s", name ? name : "-");
	vm->name[strcspn(vm->name, ",")] = '\0';
	for (char *c = vm->name; *c; c++)	/* a name goes into a fact: one plain word */
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			*c = '_';
	vm->pit_reinject = !arg_has(args, len, "lost_tick_policy=discard") &&
			   !arg_has(args, len, "pit=off") && !arg_has(args, len, "microvm");
	vm->synic_autoeoi = cpu && (strstr(cpu, "hv-synic") || strstr(cpu, "hv_synic")) &&
			    !strstr(cpu, "synic=off") && !strstr(cpu, "hv-avic") &&
			    !strstr(cpu, "hv_avic") && !strstr(cpu, "hv-apicv") &&
			    !strstr(cpu, "hv-passthrough");
	return true;
}

static void record_live(struct probe_ctx *ctx)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	char *args = malloc(CMDLINE_MAX + 1);
	int n = 0, unverified = 0, scanned = 0;
	uid_t me = getuid();

	if (!proc || !args) {
		if (proc)
			closedir(proc);
		free(args);
		return;
	}
	while ((de = readdir(proc)) && scanned++ < PROC_SCAN_MAX) {
		char path[64], *end;
		long pid = strtol(de->d_name, &end, 10);
		struct vm_seen vm;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);

		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t len = fd >= 0 ? read(fd, args, CMDLINE_MAX) : -1;

		if (fd >= 0)
			close(fd);
		if (len <= 0)
			continue;
		args[len] = '\0';
		if (!vm_read(args, (size_t)len, pid, &vm))
			continue;

		int holds = qemu_holds_vm(pid);

		if (holds < 0)	/* another user's, its descriptors closed to us: not named */
			unverified++;
		if (holds <= 0)
			continue;

		long long uid = owner_of(pid);

		if (uid != (long long)me)
			snprintf(vm.name, sizeof(vm.name), "uid-%lld", uid);
		if (n < VMS_MAX) {
			char key[32];

			snprintf(key, sizeof(key), "vms.qemu.%d", n);
			facts_set(&ctx->facts, key, "pid=%ld name=%s pit_reinject=%d "
				  "synic_autoeoi=%d", vm.pid, vm.name, vm.pit_reinject,
				  vm.synic_autoeoi);
		}
		n++;
	}
	closedir(proc);
	free(args);
	facts_set(&ctx->facts, "vms.qemu", "%d", n);
	facts_set(&ctx->facts, "vms.qemu_unverified", "%d", unverified);
}

/* "pid=4242 name=win11 pit_reinject=1 synic_autoeoi=0", as recorded; false when malformed */
static bool vm_parse(const char *fact, struct vm_seen *vm)
{
	int pit, synic;

	if (!fact || sscanf(fact, "pid=%ld name=%63s pit_reinject=%d synic_autoeoi=%d", &vm->pid,
			    vm->name, &pit, &synic) != 4)
		return false;
	vm->pit_reinject = pit == 1;
	vm->synic_autoeoi = synic == 1;
	return true;
}

int probe_running_vms(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "/proc/*/cmdline of QEMU under KVM";
	const char *mod = report_cap_string(r, CAP_KERNEL_KVM_MODULE);
	bool avic = mod && !strcmp(mod, "kvm_amd");
	long long count, unverified = 0;
	char list[1024] = "", others[160] = "";
	size_t used = 0;
	int inhibited = 0, pit = 0, synic = 0, parsed = 0;

	/*
	 * Without APIC virtualization in the module there is nothing for a VM to lose, and every
	 * process's command line is not read for nothing. A snapshot records them all the same:
	 * it is what a support ticket carries, and the recording is held to its privacy rules
	 * there (t039) on hosts without APICv too.
	 */
	bool apicv = report_cap_flag(r, CAP_KERNEL_APICV) == 1;

	if (ctx->live && (apicv || ctx->capture))
		record_live(ctx);
	if (!apicv || !facts_get_ll(&ctx->facts, "vms.qemu", &count))
		return 0;
	if (facts_get_ll(&ctx->facts, "vms.qemu_unverified", &unverified) && unverified > 0)
		snprintf(others, sizeof(others), "; and %lld QEMU process(es) of other users, which "
			 "only root may look into (run as root to include them)", unverified);
	if (count <= 0 && unverified > 0)
		return report_cap_unknown(r, CAP_VMS_APICV_KEPT, src, "no VM of this user runs%s",
					  others) ? -ENOMEM : 0;
	if (count <= 0)
		return 0;
	for (long long i = 0; i < count && i < VMS_MAX; i++) {
		char key[32];
		struct vm_seen vm;

		snprintf(key, sizeof(key), "vms.qemu.%lld", i);
		if (!vm_parse(facts_get(&ctx->facts, key), &vm))
			continue;
		parsed++;

		bool by_pit = avic && vm.pit_reinject;

		if (!by_pit && !vm.synic_autoeoi)
			continue;
		inhibited++;
		pit += by_pit;
		synic += vm.synic_autoeoi;
		if (used < sizeof(list) - 1)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s%s (pid %ld): %s%s%s",
						 used ? "; " : "", !strncmp(vm.name, "uid-", 4) ?
						 "a VM of uid " : "", !strncmp(vm.name, "uid-", 4) ?
						 vm.name + 4 : vm.name, vm.pid,
						 by_pit ? "PIT reinjection" : "",
						 by_pit && vm.synic_autoeoi ? " and " : "",
						 vm.synic_autoeoi ? "Hyper-V SynIC AutoEOI" : "");
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	if (!parsed)	/* a captured root's facts that are not ours */
		return 0;
	if (!inhibited)
		return report_cap_bool(r, CAP_VMS_APICV_KEPT, true, src, "%d running QEMU VM(s) "
				       "under KVM, none started with what turns %s off%s", parsed,
				       avic ? "AVIC" : "APICv", others) ? -ENOMEM : 0;

	int rc = report_cap_bool(r, CAP_VMS_APICV_KEPT, false, src, "%s is on in %s, but KVM "
				 "turns it off for %d running VM(s), so each of their interrupts and "
				 "EOIs exits to KVM again: %s%s", avic ? "AVIC" : "APICv", mod, inhibited,
				 list, others);

	rc |= report_cap_fix(r, CAP_VMS_APICV_KEPT, "start %s%s%s",
			     pit ? "those VMs with -global kvm-pit.lost_tick_policy=discard "
			     "(libvirt: <timer name='pit' tickpolicy='discard'/>)" : "",
			     pit && synic ? "; and " : "",
			     synic ? "the Windows ones with hv-avic beside hv-synic in -cpu (QEMU "
			     "6.2+): it tells Windows not to use AutoEOI" : "");
	return rc ? -ENOMEM : 0;
}
