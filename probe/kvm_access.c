// SPDX-License-Identifier: MIT
/*
 * How this process gets to open /dev/kvm, once it can: as root, as the device's owner, through
 * its group, through a POSIX ACL entry, or because the mode lets everyone. An ACL entry for the
 * user is what systemd-logind's "uaccess" gives the user at the seat (distributions tag
 * /dev/kvm with it): it is taken back at logout and never given to the same user's ssh
 * sessions, cron jobs or services, so "KVM works" at the desktop and fails everywhere else.
 * The kernel's own order is followed (fs/posix_acl.c: owner, named user, the group class with
 * the mask, other); the ACL is read from the device's system.posix_acl_access attribute.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "probe/probe.h"
#include "reports/caps.h"
#include "reports/report.h"

/* the attribute's layout (include/uapi/linux/posix_acl_xattr.h) */
#define ACL_XATTR_VERSION 2
enum { ACL_USER_OBJ = 1, ACL_USER = 2, ACL_GROUP_OBJ = 4, ACL_GROUP = 8, ACL_MASK = 16,
       ACL_OTHER = 32 };
#define ACL_RW 6	/* read and write: what open(O_RDWR) needs */
#define ACL_MAX_ENTRIES 1024

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

static bool in_groups(gid_t gid, const gid_t *groups, int n)
{
	if (gid == getegid())
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* "acl-user", "acl-group", "group", "other", or NULL (none grants read and write) */
static const char *by_acl(const struct stat *st, const struct acl_entry *e, size_t n,
			  const gid_t *groups, int ngroups)
{
	unsigned mask = 7;
	bool group_matched = false;

	for (size_t i = 0; i < n; i++)
		if (e[i].tag == ACL_MASK)
			mask = e[i].perm;
	for (size_t i = 0; i < n; i++)	/* a named user's entry decides alone */
		if (e[i].tag == ACL_USER && e[i].id == geteuid())
			return (e[i].perm & mask & ACL_RW) == ACL_RW ? "acl-user" : NULL;
	for (size_t i = 0; i < n; i++) {
		bool match = (e[i].tag == ACL_GROUP_OBJ && in_groups(st->st_gid, groups, ngroups)) ||
			     (e[i].tag == ACL_GROUP && in_groups(e[i].id, groups, ngroups));

		group_matched |= match;
		if (match && (e[i].perm & mask & ACL_RW) == ACL_RW)
			return e[i].tag == ACL_GROUP ? "acl-group" : "group";
	}
	if (group_matched)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (e[i].tag == ACL_OTHER)
			return (e[i].perm & ACL_RW) == ACL_RW ? "other" : NULL;
	return NULL;
}

static const char *access_via(void)
{
	struct stat st;
	unsigned char buf[4 + ACL_MAX_ENTRIES * 8];
	struct acl_entry e[ACL_MAX_ENTRIES];
	gid_t groups[256];
	int ngroups;

	if (geteuid() == 0)
		return "root";
	if (stat("/dev/kvm", &st) < 0)
		return NULL;
	if (st.st_uid == geteuid())
		return "owner";
	ngroups = getgroups(256, groups);
	if (ngroups < 0)
		ngroups = 0;

	ssize_t len = getxattr("/dev/kvm", "system.posix_acl_access", buf, sizeof(buf));

	if (len >= 4 && (len - 4) % 8 == 0 && (buf[0] | buf[1] << 8) == ACL_XATTR_VERSION) {
		size_t n = (size_t)(len - 4) / 8;

		for (size_t i = 0; i < n; i++) {	/* little-endian on disk and in memory */
			const unsigned char *p = buf + 4 + i * 8;

			e[i] = (struct acl_entry){ (uint16_t)(p[0] | p[1] << 8),
						   (uint16_t)(p[2] | p[3] << 8),
						   (uint32_t)p[4] | (uint32_t)p[5] << 8 |
						   (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24 };
		}
		return by_acl(&st, e, n, groups, ngroups);
	}
	if (in_groups(st.st_gid, groups, ngroups))
		return (st.st_mode & 060) == 060 ? "group" : NULL;
	return (st.st_mode & 06) == 06 ? "other" : NULL;
}

int probe_kvm_access(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "stat(\"/dev/kvm\"), its system.posix_acl_access";
	const char *open_result = facts_get(&ctx->facts, "kvm.open");
	const char *via;
	int rc;

	if (ctx->live && open_result && !strcmp(open_result, "ok") && (via = access_via()))
		facts_set(&ctx->facts, "kvm.access_via", "%s", via);
	via = facts_get(&ctx->facts, "kvm.access_via");
	if (!via || !open_result || strcmp(open_result, "ok"))
		return 0;
	if (!strcmp(via, "acl-user")) {
		rc = report_cap_str(r, CAP_KERNEL_DEV_KVM_ACCESS, "acl-user", src, "through an ACL "
				    "entry for this user alone, which is what systemd-logind's "
				    "uaccess gives the user at the seat and takes back at logout: "
				    "this user's ssh sessions, cron jobs and services cannot open "
				    "/dev/kvm");
		rc |= report_cap_fix(r, CAP_KERNEL_DEV_KVM_ACCESS, "for access that does not depend "
				     "on a seat: sudo usermod -aG \"$(stat -c %%G /dev/kvm)\" \"$USER\", "
				     "then log in again");
		return rc ? -ENOMEM : 0;
	}

	static const struct {
		const char *via, *says;
	} ways[] = {
		{ "root", "as root (CAP_DAC_OVERRIDE)" },
		{ "owner", "as the device's owner" },
		{ "group", "through the device's group" },
		{ "acl-group", "through an ACL entry for one of this user's groups" },
		{ "other", "through the mode's bits for everyone: every user of this host can make VMs" },
	};

	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++)
		if (!strcmp(via, ways[i].via))
			return report_cap_str(r, CAP_KERNEL_DEV_KVM_ACCESS, via, src, "%s",
					      ways[i].says) ? -ENOMEM : 0;
	return 0;	/* a captured root's word that is not ours */
}
