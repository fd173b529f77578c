// SPDX-License-Identifier: MIT
/*
 * Can an out-of-tree hypervisor driver load? VirtualBox's vboxdrv and VMware's vmmon are built
 * on the machine (DKMS, vboxconfig), so the distribution cannot sign them. With Secure Boot the
 * kernel locks itself down (integrity) and, like a kernel with module.sig_enforce=1, refuses a
 * module that no trusted key signed: "Loading of unsigned module is rejected", and modprobe says
 * "Key was rejected by service". The fix is to sign it with a key the firmware's shim trusts
 * (mokutil), not to reinstall VirtualBox.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

/* efivarfs: 4 bytes of attributes, then the variable: SecureBoot is one byte, 1 when on */
#define SECURE_BOOT_VAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
/* the tail a signed module file carries (scripts/sign-file appends it) */
#define MODULE_SIG_MAGIC "~Module signature appended~\n"
/* the keys Debian's and Ubuntu's DKMS sign with, where they keep them */
static const char *const dkms_keys[] = { "/var/lib/shim-signed/mok/MOK.der", "/var/lib/dkms/mok.pub" };

static int secure_boot(struct probe_ctx *ctx, struct report *r)
{
	char *var = NULL;
	size_t len = 0;
	int on = -1;

	if (!root_exists(ctx, "/sys/firmware/efi"))
		on = 0;
	else if (root_read(ctx, SECURE_BOOT_VAR, &var, &len) == 0 && len == 5)
		on = var[4] == 1;
	free(var);
	if (on < 0) {
		report_cap_unknown(r, CAP_FW_SECURE_BOOT, SECURE_BOOT_VAR, "UEFI, but its SecureBoot "
				   "variable is not readable here");
		return -1;
	}
	report_cap_bool(r, CAP_FW_SECURE_BOOT, on, root_exists(ctx, "/sys/firmware/efi") ?
			SECURE_BOOT_VAR : "/sys/firmware/efi", "%s", on ? "the firmware boots only "
			"signed code; the kernel then loads only signed modules" :
			root_exists(ctx, "/sys/firmware/efi") ? "UEFI without Secure Boot" :
			"not booted by UEFI: no Secure Boot");
	return on;
}

/* "none", "integrity", "confidentiality" (the chosen word), or NULL */
static const char *lockdown(struct probe_ctx *ctx, char *word, size_t len)
{
	return root_read_choice(ctx, "/sys/kernel/security/lockdown", word, len) ? word : NULL;
}

/* Whether the module file is signed: 1, 0, or -1 when it cannot tell (compressed, unreadable) */
static int module_signed(struct probe_ctx *ctx, const char *path)
{
	size_t n = strlen(path), mlen = strlen(MODULE_SIG_MAGIC);
	char *data = NULL;
	size_t len = 0;
	int signed_ = -1;

	if (n < 3 || strcmp(path + n - 3, ".ko"))
		return -1;	/* .ko.xz, .ko.zst: the signature is inside the compressed data */
	if (root_read(ctx, path, &data, &len) == 0)
		signed_ = len >= mlen && !memcmp(data + len - mlen, MODULE_SIG_MAGIC, mlen);
	free(data);
	return signed_;
}

/* An out-of-tree hypervisor driver on disk but not loaded: "vboxdrv", its path */
static const char *unloaded_driver(struct probe_ctx *ctx, const char *release, char *path,
				   size_t len)
{
	static const char *const drivers[] = { "vboxdrv", "vmmon" };
	static const char *const dirs[] = { "updates/dkms", "misc", "extra", "updates" };
	static const char *const exts[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };

	for (size_t d = 0; d < sizeof(drivers) / sizeof(drivers[0]); d++) {
		char loaded[64];

		snprintf(loaded, sizeof(loaded), "/sys/module/%s", drivers[d]);
		if (root_exists(ctx, loaded))
			continue;
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			for (size_t e = 0; e < sizeof(exts) / sizeof(exts[0]); e++) {
				snprintf(path, len, "/lib/modules/%s/%s/%s%s", release, dirs[i],
					 drivers[d], exts[e]);
				if (root_exists(ctx, path))
					return drivers[d];
			}
	}
	return NULL;
}

int probe_modsign(struct probe_ctx *ctx, struct report *r)
{
	char word[32], enforce[8], path[512], why[200] = "";
	const char *lock = lockdown(ctx, word, sizeof(word));
	int sb = secure_boot(ctx, r), sig = -1, rc = 0;

	if (lock)
		rc |= report_cap_str(r, CAP_KERNEL_LOCKDOWN, lock, "/sys/kernel/security/lockdown",
				     "%s", !strcmp(lock, "none") ? "the kernel is not locked down" :
				     "the kernel is locked down: only signed modules load");
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_LOCKDOWN, "/sys/kernel/security/lockdown",
					 "not readable (securityfs not mounted, or no lockdown "
					 "support)");
	if (root_read_line(ctx, "/sys/module/module/parameters/sig_enforce", enforce,
			   sizeof(enforce)) == 0)
		sig = !strcmp(enforce, "Y");

	/* what makes the kernel refuse an unsigned module, in the order people meet it */
	if (sig == 1)
		snprintf(why, sizeof(why), "module.sig_enforce is on");
	else if (lock && strcmp(lock, "none"))
		snprintf(why, sizeof(why), "the kernel is locked down (%s)%s", lock,
			 sb == 1 ? " because of Secure Boot" : "");
	if (sig < 0 && !lock) {
		rc |= report_cap_unknown(r, CAP_KERNEL_UNSIGNED_MODULES, "/sys/module/module/"
					 "parameters/sig_enforce", "neither the signature policy "
					 "nor the lockdown state is readable");
		return rc ? -ENOMEM : 0;
	}
	rc |= report_cap_bool(r, CAP_KERNEL_UNSIGNED_MODULES, !*why,
			      "/sys/module/module/parameters/sig_enforce, "
			      "/sys/kernel/security/lockdown", "%s", *why ? why :
			      "unsigned out-of-tree modules (VirtualBox, VMware) may load");

	const char *driver = *why && r->kernel_release ?
			     unloaded_driver(ctx, r->kernel_release, path, sizeof(path)) : NULL;

	if (!driver || module_signed(ctx, path) == 1)
		return rc ? -ENOMEM : 0;

	const char *key = NULL;

	for (size_t i = 0; i < sizeof(dkms_keys) / sizeof(dkms_keys[0]) && !key; i++)
		if (root_exists(ctx, dkms_keys[i]))
			key = dkms_keys[i];

	/* the kernel's words when it refused one: module.sig_enforce rejects the key
	 * (EKEYREJECTED), lockdown alone forbids the load (EPERM) */
	const char *rejected = facts_get(&ctx->facts, "klog.module_rejected");
	const char *locked = facts_get(&ctx->facts, "klog.lockdown_module");
	bool by_key = rejected || (sig == 1 && !locked);
	char source[700];

	snprintf(source, sizeof(source), "/sys/module/module/parameters/sig_enforce, "
		 "/sys/kernel/security/lockdown, %s", path);
	rc |= report_cap_bool(r, CAP_KERNEL_UNSIGNED_MODULES, false, source, "%s, and %s (%s) is "
			      "%s: modprobe %s fails with \"%s\"%s%s%s%s",
			      why, driver, path, module_signed(ctx, path) == 0 ? "not signed and "
			      "not loaded" : "not loaded (compressed: whether a key signed it is "
			      "not checked)", driver, by_key ? "Key was rejected by service" :
			      "Operation not permitted", module_signed(ctx, path) == 0 ? "" :
			      " unless an enrolled key signed it", rejected || locked ? "; the "
			      "kernel log says: " : "", rejected ? "Loading of " : locked ?
			      "Lockdown: " : "", rejected ? rejected : locked ? locked : "");
	if (key)
		rc |= report_cap_fix(r, CAP_KERNEL_UNSIGNED_MODULES, "enroll the key DKMS signs "
				     "with: sudo mokutil --import %s, reboot and enroll it in the "
				     "blue MokManager screen; then rebuild and sign %s (sudo "
				     "dpkg-reconfigure %s, or sudo /sbin/vboxconfig) and sudo "
				     "modprobe %s; or turn Secure Boot off in the firmware", key,
				     driver, !strcmp(driver, "vboxdrv") ? "virtualbox-dkms" :
				     "the driver's package", driver);
	else
		rc |= report_cap_fix(r, CAP_KERNEL_UNSIGNED_MODULES, "sign %s with a key of your "
				     "own: openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 "
				     "-subj /CN=module-signing -outform DER -keyout MOK.priv -out "
				     "MOK.der; sudo mokutil --import MOK.der, reboot and enroll it; "
				     "then sudo /usr/src/linux-headers-%s/scripts/sign-file sha256 "
				     "MOK.priv MOK.der %s and sudo modprobe %s (again after each "
				     "rebuild); or turn Secure Boot off in the firmware", path,
				     r->kernel_release, path, driver);
	return rc ? -ENOMEM : 0;
}
