// SPDX-License-Identifier: MIT
/*
 * `prove --stack libvirt`: the stack's guest (kernel, initramfs, init marker) booted as a
 * transient libvirt domain, type kvm and then type qemu (TCG), through qemu:///session for a
 * user (its own daemon, started on demand, runs QEMU as that user), or qemu:///system for root
 * (root's session is the system daemon's). What decides qemu:///system (its daemon running,
 * KVM domains in domcapabilities, its QEMU user's access to /dev/kvm) is reported either way.
 *
 * Each domain's name is chosen, and remembered for destruction, before `virsh create` runs: a
 * signal during create then still destroys it. virsh runs from an argument vector; the domain
 * XML's values are escaped as all markup is (text_escape_markup).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu/gdb.h"
#include "qemu/stack_run.h"
#include "qemu/vm.h"
#include "util/clock.h"
#include "util/run.h"
#include "reports/text.h"
#include "util/signal_cleanup.h"

#define VIRSH_WAIT_MS 60000
#define STATE_WAIT_MS 10000
#define TICK_US 200000
#define SOCKET_PATH_MAX 107

/* The domain being booted, named before it is created: a signal ending the run then destroys
 * it by that name (signal_cleanup_add_command) */
static char domain[64];
static const char *uri;

static int virsh(const char *const *args, int timeout_ms, char *out, size_t len)
{
	const char *argv[16] = { "virsh", "-c", uri };
	size_t n = 3;

	for (size_t i = 0; args[i] && n + 1 < 16; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	char sink[256];
	struct run_options o = { .timeout_ms = timeout_ms, .out = out ? out : sink,
				 .out_len = out ? len : sizeof(sink), .stdout_fd = -1 };

	return run_program(argv, &o);
}

static void destroy(void)
{
	if (domain[0])
		virsh((const char *const[]){ "destroy", domain, NULL }, 20000, NULL, 0);
	signal_cleanup_forget_command();
	domain[0] = '\0';
}

/* Whether user may open /dev/kvm: "" when it may, else a sentence into out */
static void kvm_access_of(const char *user, char *out, size_t len)
{
	struct stat st;
	struct passwd *pw = getpwnam(user);
	struct group *gr;
	gid_t groups[256];
	int ngroups = 256;
	char owner[64], group[64];

	out[0] = '\0';
	if (stat("/dev/kvm", &st) < 0) {
		snprintf(out, len, "there is no /dev/kvm");
		return;
	}
	if ((st.st_mode & 06) == 06 || (pw && pw->pw_uid == st.st_uid))
		return;
	if (pw && (st.st_mode & 060) == 060 &&
	    getgrouplist(user, pw->pw_gid, groups, &ngroups) >= 0)
		for (int i = 0; i < ngroups; i++)
			if (groups[i] == st.st_gid)
				return;
	pw = getpwuid(st.st_uid);
	snprintf(owner, sizeof(owner), "%s", pw ? pw->pw_name : "?");
	gr = getgrgid(st.st_gid);
	snprintf(group, sizeof(group), "%s", gr ? gr->gr_name : "?");
	snprintf(out, len, "%s may not open /dev/kvm (%s:%s, mode %o); see the /dev/kvm row for "
		 "the fix", user, owner, group, (unsigned)(st.st_mode & 0777));
}

/* A sentence on qemu:///system for the report */
static void system_connection(struct stack_run *r)
{
	static const char *const socks[] = { "/run/libvirt/virtqemud-sock",
					     "/run/libvirt/libvirt-sock" };
	const char *sock = NULL;
	char user[64] = "", conf[8192], access_said[300], caps[4096] = "";
	const char *saved = uri;

	for (size_t i = 0; i < 2 && !sock; i++) {
		struct stat st;

		if (stat(socks[i], &st) == 0 && S_ISSOCK(st.st_mode))
			sock = socks[i];
	}
	if (!sock) {
		stack_say(r, &r->s->system_connection, "qemu:///system: no libvirt daemon runs here "
			  "(no /run/libvirt/virtqemud-sock or libvirt-sock); to use it: sudo apt-get "
			  "install libvirt-daemon-system, sudo systemctl enable --now libvirtd");
		return;
	}
	/* its QEMU's user: qemu.conf's last user = "NAME", else Debian's or upstream's default */
	stack_read("/etc/libvirt/qemu.conf", conf, sizeof(conf));
	for (char *line = strtok(conf, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];

		line += strspn(line, " \t");
		if (sscanf(line, "user = \"%63[^\"]\"", name) == 1)
			snprintf(user, sizeof(user), "%s", name);
	}
	if (!user[0])
		snprintf(user, sizeof(user), "%s", getpwnam("libvirt-qemu") ? "libvirt-qemu" : "qemu");
	uri = "qemu:///system";
	virsh((const char *const[]){ "domcapabilities", "--virttype", "kvm", NULL }, 30000, caps,
	      sizeof(caps));
	uri = saved;
	kvm_access_of(user, access_said, sizeof(access_said));
	if (strstr(caps, "<domainCapabilities")) {
		stack_say(r, &r->s->system_connection, "qemu:///system: its daemon runs (%s) and "
			  "offers KVM domains (virsh domcapabilities --virttype kvm)%s%s%s", sock,
			  access_said[0] ? "; but its QEMU user " : "", "", access_said);
		return;
	}
	for (char *c = caps; *c; c++)
		if (*c == '\n')
			*c = ' ';
	caps[300] = '\0';
	stack_say(r, &r->s->system_connection, "qemu:///system: its daemon runs (%s) but offers no "
		  "KVM domain: %s%s%s", sock, caps, access_said[0] ? "; its QEMU user " : "",
		  access_said);
}

/* QEMU option-list escape: commas doubled */
static bool opt_escape(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s; s++) {
		if (n + 3 > len)
			return false;
		if (*s == ',')
			out[n++] = ',';
		out[n++] = *s;
	}
	out[n] = '\0';
	return true;
}

static bool domain_xml(struct stack_run *r, const char *path, const char *type,
		       const char *gdb)
{
	char initrd[PATH_MAX + 16], serial[PATH_MAX + 16], gdb_opt[2 * PATH_MAX];
	FILE *f = fopen(path, "we");

	if (!f)
		return false;
	snprintf(initrd, sizeof(initrd), "%s/initrd.gz", r->work);
	snprintf(serial, sizeof(serial), "%s/serial", r->work);
	fprintf(f, "<domain type='%s'%s>\n  <name>%s</name>\n", type,
		gdb ? " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'" : "", domain);
	fputs("  <memory unit='MiB'>256</memory>\n  <vcpu>1</vcpu>\n  <os>\n"
	      "    <type arch='x86_64' machine='q35'>hvm</type>\n    <kernel>", f);
	text_escape_markup(f, r->kernel);
	fputs("</kernel>\n    <initrd>", f);
	text_escape_markup(f, initrd);
	fputs("</initrd>\n    <cmdline>console=ttyS0 quiet panic=-1</cmdline>\n  </os>\n"
	      "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
	      "  <on_crash>destroy</on_crash>\n  <devices>\n    <serial type='file'><source path='", f);
	text_escape_markup(f, serial);
	fputs("'/><target port='0'/></serial>\n  </devices>\n", f);
	if (gdb && opt_escape(gdb, gdb_opt, sizeof(gdb_opt))) {
		/* the gdbstub, for the registers of a guest that never gets on */
		fputs("  <qemu:commandline>\n    <qemu:arg value='-chardev'/>\n"
		      "    <qemu:arg value='socket,id=vc-gdb,server=on,wait=off,path=", f);
		text_escape_markup(f, gdb_opt);
		fputs("'/>\n    <qemu:arg value='-gdb'/>\n    <qemu:arg value='chardev:vc-gdb'/>\n"
		      "  </qemu:commandline>\n", f);
	}
	fputs("</domain>\n", f);
	return fclose(f) == 0;
}

static void boot(struct stack_run *r, enum stack_accel a, int limit_s)
{
	const char *type = a == STACK_TCG ? "qemu" : "kvm";
	char xml[PATH_MAX + 16], gdb[PATH_MAX + 16], out[2048], console_path[PATH_MAX + 16];
	char uptime[32] = "", regs[200] = "not read", last[600], access_said[300];
	char virsh_path[PATH_MAX];
	char *console = malloc(QEMU_VM_CONSOLE_MAX + 1);
	long long t0;
	long ms = 0;
	int rc;

	if (!console) {
		r->rc = -ENOMEM;
		return;
	}
	stack_progress("stack libvirt: waiting for the guest's init in a domain of type %s (at "
		       "most %d s)", type, limit_s);
	snprintf(domain, sizeof(domain), "virtcap-stack-%d-%s", (int)getpid(), stack_accel_name(a));
	snprintf(xml, sizeof(xml), "%s/domain.xml", r->work);
	snprintf(gdb, sizeof(gdb), "%s/gdb", r->work);
	snprintf(console_path, sizeof(console_path), "%s/serial", r->work);
	unlink(console_path);
	unlink(gdb);
	/* qemu:///system's QEMU runs as another user, who cannot make a socket in our directory */
	bool with_gdb = getuid() != 0 && strlen(gdb) <= SOCKET_PATH_MAX;

	if (!domain_xml(r, xml, type, with_gdb ? gdb : NULL)) {
		r->s->accel[a].verdict = VERDICT_NO;
		stack_say(r, &r->s->accel[a].reason, "the domain's XML could not be written in %s",
			  r->work);
		free(console);
		return;
	}
	if (run_which("virsh", virsh_path, sizeof(virsh_path)))
		signal_cleanup_add_command((const char *const[]){ virsh_path, "-c", uri, "destroy",
								  domain, NULL });
	t0 = clock_ms();
	rc = virsh((const char *const[]){ "create", xml, NULL }, VIRSH_WAIT_MS, out, sizeof(out));
	if (rc != 0) {
		destroy();	/* create may have started it before it failed or timed out */
		for (char *c = out; *c; c++)
			if (*c == '\n')
				*c = ' ';
		text_clean(out);
		r->s->accel[a].verdict = VERDICT_NO;
		access_said[0] = '\0';
		if (a == STACK_KVM) {
			char self[64];
			struct passwd *pw = getpwuid(getuid());

			snprintf(self, sizeof(self), "%s", pw ? pw->pw_name : "this user");
			kvm_access_of(self, access_said, sizeof(access_said));
		}
		stack_say(r, &r->s->accel[a].reason, "libvirt would not start the domain (virsh -c %s "
			  "create): %s%s%s", uri, rc == -ETIMEDOUT ? "it did not answer in time" : out,
			  access_said[0] ? "; " : "", access_said);
		if (a == STACK_KVM)
			stack_say(r, &r->s->accel[a].fix, "see the kernel and /dev/kvm rows, and virsh "
				  "-c %s domcapabilities --virttype kvm", uri);
		free(console);
		return;
	}
	for (;;) {
		ms = (long)(clock_ms() - t0);
		stack_read(console_path, console, QEMU_VM_CONSOLE_MAX + 1);
		if (stack_init_uptime(console, uptime, sizeof(uptime)) || ms >= (long)limit_s * 1000)
			break;
		if (virsh((const char *const[]){ "domstate", domain, NULL }, STATE_WAIT_MS, NULL, 0))
			break;	/* it ended */
		usleep(TICK_US);
	}
	stack_read(console_path, console, QEMU_VM_CONSOLE_MAX + 1);
	if (!uptime[0] && !stack_init_uptime(console, uptime, sizeof(uptime)) && with_gdb) {
		struct x86_regs regs_read;

		if (gdb_read_x86_regs(gdb, 3000, &regs_read))
			gdb_format_x86_regs(&regs_read, regs, sizeof(regs));
	}
	destroy();
	stack_last_line(console, NULL, last, sizeof(last));
	free(console);
	if (uptime[0]) {
		r->booted[a] = true;
		r->s->accel[a].verdict = VERDICT_YES;
		r->s->accel[a].boot_ms = ms;
		stack_say(r, &r->s->accel[a].reason, "the domain's guest ran its init after %ld ms, "
			  "virsh create included (its kernel's uptime then: %s s)", ms, uptime);
		return;
	}
	r->s->accel[a].verdict = VERDICT_NO;
	stack_say(r, &r->s->accel[a].reason, "the domain's guest did not reach its init within %d "
		  "s; its console's last line: %s; registers: %s", limit_s, last, regs);
	if (a == STACK_KVM)
		stack_say(r, &r->s->accel[a].fix, "libvirt's QEMU with KVM cannot boot a Linux guest "
			  "on this host: use domain type qemu (emulation) for now; the matrix says "
			  "which capability fails");
}

void stack_libvirt(struct stack_run *r)
{
	uri = getuid() == 0 ? "qemu:///system" : "qemu:///session";
	stack_say(r, &r->s->uri, "%s", uri);
	system_connection(r);
	if (getuid() == 0 && strstr(r->s->system_connection, "no libvirt daemon runs")) {
		for (int a = 0; a < STACK_ACCEL_COUNT; a++) {
			r->s->accel[a].verdict = VERDICT_UNKNOWN;
			stack_say(r, &r->s->accel[a].reason, "not tried: as root, libvirt's connection "
				  "is qemu:///system, and no libvirt daemon runs here");
		}
		stack_say(r, &r->s->accel[STACK_KVM].fix, "sudo apt-get install "
			  "libvirt-daemon-system; sudo systemctl enable --now libvirtd; or run virtcap "
			  "as a user of its own, whose qemu:///session starts its daemon itself");
	} else {
		boot(r, STACK_KVM, stack_within(r, r->setup->kvm_s));
		boot(r, STACK_TCG, stack_within(r, r->setup->tcg_s));
	}
	for (int d = 0; d < STACK_DEVICE_COUNT; d++)
		stack_device(r, (enum stack_device)d, PROOF_NOT_RUN, "the devices are proven with "
			     "--stack qemu (libvirt runs the same QEMU)");
}
