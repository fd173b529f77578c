// SPDX-License-Identifier: MIT
/*
 * Security modules that confine VMs: AppArmor (Debian, Ubuntu: libvirt gives each domain a
 * profile libvirt-UUID, made by virt-aa-helper from the domain's XML) and SELinux (Fedora,
 * RHEL: QEMU runs as svirt_t and opens only files labelled for VMs). A disk image outside what
 * they allow fails with QEMU's bare "Permission denied" although the file's mode allows it;
 * the cause is only in the kernel log (probe/environment.c keeps the last denial of QEMU or
 * libvirt). The fix is the policy's, by path, not chmod.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

/* value of KEY="..." in an audit record, into out ("" when absent) */
static void audit_field(const char *record, const char *key, char *out, size_t len)
{
	char pat[32];
	const char *p, *end;

	snprintf(pat, sizeof(pat), " %s=\"", key);
	*out = '\0';
	if (!(p = strstr(record, pat)) || !(end = strchr(p + strlen(pat), '"')))
		return;
	p += strlen(pat);
	snprintf(out, len, "%.*s", (int)(end - p), p);
}

/* the directory of a path ("/bak/disks" of "/bak/disks/vm.qcow2"), or the path */
static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	snprintf(out, len, "%.*s", slash && slash != path ? (int)(slash - path) : (int)strlen(path),
		 path);
}

/* A path fit to paste into a policy line: printable, no quotes or shell specials */
static bool plain_path(const char *path)
{
	if (*path != '/')
		return false;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e || strchr("\"'`$\\;|&<>*?[]{}", *p))
			return false;
	return true;
}

static int apparmor_denial(struct report *r, const char *record)
{
	char profile[128], name[300], op[32], comm[64], dir[300];

	audit_field(record, "profile", profile, sizeof(profile));
	audit_field(record, "name", name, sizeof(name));
	audit_field(record, "operation", op, sizeof(op));
	audit_field(record, "comm", comm, sizeof(comm));
	int rc = report_cap_bool(r, CAP_KERNEL_LSM_DENIALS, false, "the kernel log (audit)",
				 "AppArmor denied %s %s of %s (profile %s)", comm, op, name, profile);

	if (!plain_path(name))
		return rc | report_cap_fix(r, CAP_KERNEL_LSM_DENIALS, "allow the path in the "
					   "profile %s (see the kernel log's apparmor=\"DENIED\" "
					   "line), or move the file under /var/lib/libvirt/images",
					   profile);
	if (!strcmp(profile, "libvirtd") || !strcmp(op, "exec"))
		return rc | report_cap_fix(r, CAP_KERNEL_LSM_DENIALS, "libvirt's own profile keeps "
					   "it from running %s: echo '%s PUx,' | sudo tee -a "
					   "/etc/apparmor.d/local/usr.sbin.libvirtd, then sudo "
					   "apparmor_parser -r /etc/apparmor.d/usr.sbin.libvirtd; or use "
					   "the distribution's QEMU", name, name);
	dir_of(name, dir, sizeof(dir));
	return rc | report_cap_fix(r, CAP_KERNEL_LSM_DENIALS, "the VM's profile (made by "
				   "virt-aa-helper from the domain's XML) does not cover %s: keep "
				   "images under /var/lib/libvirt/images, or allow the directory for "
				   "every VM: echo '  \"%s/**\" rwk,' | sudo tee -a "
				   "/etc/apparmor.d/local/abstractions/libvirt-qemu, then start the "
				   "VM again", name, dir);
}

static int selinux_denial(struct report *r, const char *record)
{
	char comm[64], path[300], name[300], tcontext[160], dir[300];

	audit_field(record, "comm", comm, sizeof(comm));
	audit_field(record, "path", path, sizeof(path));
	audit_field(record, "name", name, sizeof(name));
	/* tcontext is not quoted: "tcontext=unconfined_u:object_r:user_home_t:s0 " */
	const char *t = strstr(record, " tcontext=");

	snprintf(tcontext, sizeof(tcontext), "%.*s", t ? (int)strcspn(t + 10, " ") : 0,
		 t ? t + 10 : "");
	int rc = report_cap_bool(r, CAP_KERNEL_LSM_DENIALS, false, "the kernel log (audit)",
				 "SELinux denied %s access to %s (labelled %s)", comm,
				 *path ? path : *name ? name : "a file", *tcontext ? tcontext : "?");

	if (!*path || !plain_path(path))
		return rc | report_cap_fix(r, CAP_KERNEL_LSM_DENIALS, "label the file for VMs: sudo "
					   "semanage fcontext -a -t virt_image_t 'DIR(/.*)?' and sudo "
					   "restorecon -Rv DIR, DIR being the file's directory; or keep "
					   "images under /var/lib/libvirt/images");
	dir_of(path, dir, sizeof(dir));
	return rc | report_cap_fix(r, CAP_KERNEL_LSM_DENIALS, "label the directory for VM images: "
				   "sudo semanage fcontext -a -t virt_image_t '%s(/.*)?' && sudo "
				   "restorecon -Rv %s; or keep images under /var/lib/libvirt/images",
				   dir, dir);
}

int probe_lsm(struct probe_ctx *ctx, struct report *r)
{
	char lsms[256], enforce[8], aa[8];
	int rc = 0;

	bool have_list = root_read_line(ctx, "/sys/kernel/security/lsm", lsms, sizeof(lsms)) == 0;
	bool apparmor = root_read_line(ctx, "/sys/module/apparmor/parameters/enabled", aa,
				       sizeof(aa)) == 0 && !strcmp(aa, "Y") &&
			(!have_list || strstr(lsms, "apparmor"));
	int selinux = root_read_line(ctx, "/sys/fs/selinux/enforce", enforce, sizeof(enforce)) ?
		      -1 : !strcmp(enforce, "1");

	if (apparmor || selinux >= 0 || have_list)
		rc |= report_cap_str(r, CAP_KERNEL_LSM, apparmor ? "apparmor" : selinux == 1 ?
				     "selinux" : selinux == 0 ? "selinux-permissive" : "none",
				     "/sys/kernel/security/lsm, /sys/module/apparmor/parameters/"
				     "enabled, /sys/fs/selinux/enforce", "%s", apparmor ? "AppArmor "
				     "confines programs that have a profile (libvirt's VMs each get "
				     "one)" : selinux == 1 ? "SELinux enforces: VMs run as svirt_t" :
				     selinux == 0 ? "SELinux only logs (permissive)" :
				     "no AppArmor or SELinux");
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_LSM, "/sys/kernel/security/lsm", "not "
					 "readable");

	const char *klog = facts_get(&ctx->facts, "klog.status");
	const char *aa_denied = facts_get(&ctx->facts, "klog.apparmor_denied");
	const char *se_denied = facts_get(&ctx->facts, "klog.selinux_denied");

	if (aa_denied)
		rc |= apparmor_denial(r, aa_denied);
	else if (se_denied)
		rc |= selinux_denial(r, se_denied);
	else if (klog && !strcmp(klog, "ok"))
		rc |= report_cap_bool(r, CAP_KERNEL_LSM_DENIALS, true, "the kernel log (audit)",
				      "the kernel log has no AppArmor or SELinux denial of QEMU or "
				      "libvirt (where auditd runs, denials go to "
				      "/var/log/audit/audit.log instead)");
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_LSM_DENIALS, "the kernel log (audit)",
					 "the kernel log was not readable (root, or "
					 "kernel.dmesg_restrict=0, lets virtcap look for denials)");
	return rc ? -ENOMEM : 0;
}
