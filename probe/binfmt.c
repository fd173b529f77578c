// SPDX-License-Identifier: MIT
/*
 * Programs of other CPU architectures, run as if native: binfmt_misc hands an ELF program whose
 * header matches a registered magic to its interpreter (qemu-user: qemu-aarch64-static), so an
 * arm64 container image runs on this x86 host. Each registration is a file under
 * /proc/sys/fs/binfmt_misc: "enabled", "interpreter PATH", "flags: OPF", "offset 0",
 * "magic HEX", "mask HEX" (Linux's Documentation/admin-guide/binfmt-misc.rst). The architecture
 * is read from the magic itself, whatever the entry is called: the ELF class, byte order and
 * e_machine it matches. The F flag matters most: the kernel opens the interpreter when it is
 * registered, so it works inside containers and chroots, where the interpreter's path does not
 * exist. Whether a program really runs is prove --foreign's (foreign/run.c); until then the
 * finding says it was not run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foreign/arches.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

#define BINFMT "/proc/sys/fs/binfmt_misc"
#define FIX_INSTALL "sudo apt install qemu-user-static (Fedora: dnf), which registers each " \
	"architecture with the F flag"

struct binfmt_entry {
	char name[64], interpreter[256], flags[16];
	bool enabled;
	int arch;	/* index in foreign_arches, or -1 */
};

static int hex_byte(const char *s)
{
	int v = 0;

	for (int i = 0; i < 2; i++) {
		char c = s[i];

		if (!c)		/* the string ends here: never read past its end */
			return -1;

		v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1000);
	}
	return v < 0 ? -1 : v;
}

/* the foreign architecture an ELF magic at offset 0 matches, or -1 */
static int magic_arch(const char *hex)
{
	unsigned char b[20];

	for (int i = 0; i < 20; i++) {
		int v = hex_byte(hex + 2 * i);

		if (v < 0)
			return -1;	/* shorter than the header's e_machine, or not hex */
		b[i] = (unsigned char)v;
	}
	if (memcmp(b, "\177ELF", 4))
		return -1;

	unsigned machine = b[5] == ELF_MSB ? (unsigned)b[18] << 8 | b[19]
					   : (unsigned)b[19] << 8 | b[18];

	for (size_t i = 0; i < FOREIGN_ARCH_COUNT; i++)
		if (foreign_arches[i].elf_class == b[4] && foreign_arches[i].elf_data == b[5] &&
		    foreign_arches[i].machine == machine)
			return (int)i;
	return -1;
}

static void entry_read(struct probe_ctx *ctx, const char *name, struct binfmt_entry *e)
{
	char path[128], *text;
	size_t len;
	bool at_zero = true;

	memset(e, 0, sizeof(*e));
	e->arch = -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(path, sizeof(path), BINFMT "/%s", name);
	if (root_read(ctx, path, &text, &len))
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strcmp(line, "enabled"))
			e->enabled = true;
		else if (!strncmp(line, "interpreter ", 12))
			snprintf(e->interpreter, sizeof(e->interpreter), "%s", line + 12);
		else if (!strncmp(line, "flags: ", 7))
			snprintf(e->flags, sizeof(e->flags), "%s", line + 7);
		else if (!strncmp(line, "offset ", 7))
			at_zero = !strcmp(line + 7, "0");
		else if (!strncmp(line, "magic ", 6) && at_zero)
			e->arch = magic_arch(line + 6);
	}
	if (!at_zero)	/* an offset read after the magic */
		e->arch = -1;
	free(text);
}

static int report_arch(struct report *r, const struct foreign_arch *a,
		       const struct binfmt_entry *e, const char *status, const char *fix)
{
	int rc = 0;

	if (e) {
		bool f = strchr(e->flags, 'F') != NULL;

		rc |= report_cap_str(r, a->registered, e->interpreter, BINFMT, "%s ELF programs "
				     "run through %s (entry %s, flags %s): %s", a->name,
				     e->interpreter, e->name, e->flags[0] ? e->flags : "none", f ?
				     "F, the interpreter is opened now, so it works inside "
				     "containers and chroots too" : "no F: inside a container or "
				     "chroot the interpreter's path must exist there");
		if (!f)
			rc |= report_cap_fix(r, a->registered, "register it with the F flag: "
					     FIX_INSTALL);
	} else {
		/* no fix: most hosts never run another architecture's programs, so none is a
		 * red line of the report; advise and prove --foreign, which ask, give it */
		rc |= report_cap_str(r, a->registered, "none", BINFMT, "%s: %s", status, fix);
	}
	if (a->runs)
		rc |= report_cap_unknown(r, a->runs, "virtcap prove --foreign", "not run: virtcap "
					 "prove --foreign %s runs one of its programs through it",
					 a->name);
	if (a->boot.boot && a->boot.qemu) {	/* one line where the matrix's row says it */
		rc |= report_cap_unknown(r, a->boot.boot, "virtcap prove --foreign", "not run: "
					 "virtcap prove --foreign %s boots Debian's %s kernel", a->name,
					 a->boot.lab_kernel);
		rc |= report_cap_unknown(r, a->boot.boot_ms, "virtcap prove --foreign", "not run");
	} else if (a->boot.boot) {	/* no kernel to boot: said, never guessed */
		rc |= report_cap_unknown(r, a->boot.boot, "virtcap prove --foreign", "no kernel to "
					 "boot: %s", a->no_boot);
	}
	return rc;
}

int probe_binfmt(struct probe_ctx *ctx, struct report *r)
{
	char status[32];
	char **names = NULL;
	int n = 0, rc = 0;
	bool mounted = root_read_line(ctx, BINFMT "/status", status, sizeof(status)) == 0;

	if (mounted && !strcmp(status, "enabled"))
		n = root_list(ctx, BINFMT, &names);

	struct binfmt_entry *entries = n > 0 ? calloc((size_t)n, sizeof(*entries)) : NULL;

	for (int i = 0; i < n && entries; i++)
		if (strcmp(names[i], "status") && strcmp(names[i], "register"))
			entry_read(ctx, names[i], &entries[i]);
	for (size_t k = 0; k < FOREIGN_ARCH_COUNT; k++) {
		const struct binfmt_entry *found = NULL, *off = NULL;
		char why[160], how[160];

		for (int i = 0; i < n && entries && !found; i++) {
			if (entries[i].arch == (int)k && entries[i].enabled)
				found = &entries[i];
			else if (entries[i].arch == (int)k)
				off = &entries[i];
		}
		if (!found && off) {	/* registered, then switched off */
			/* a name goes into a command only when the shell takes it as it is */
			bool plain = strspn(off->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
					    "VWXYZ0123456789._+-") == strlen(off->name);

			snprintf(why, sizeof(why), "its entry %s is disabled", plain ? off->name :
				 "(a name with unusual characters)");
			snprintf(how, sizeof(how), "echo 1 | sudo tee " BINFMT "/%s", plain ?
				 off->name : "ENTRY");
			rc |= report_arch(r, &foreign_arches[k], NULL, why, how);
			continue;
		}
		rc |= report_arch(r, &foreign_arches[k], found, !mounted ? "binfmt_misc is not "
				  "mounted here" : strcmp(status, "enabled") ? "binfmt_misc is "
				  "disabled" : "no enabled binfmt_misc entry matches its ELF programs",
				  !mounted ? "sudo mount -t binfmt_misc binfmt_misc " BINFMT ", then "
				  FIX_INSTALL : strcmp(status,
				  "enabled") ? "echo 1 | sudo tee " BINFMT "/status" : FIX_INSTALL);
	}
	free(entries);
	if (n > 0)
		root_list_free(names);
	rc |= report_cap_unknown(r, CAP_FOREIGN_X86_TCG_BOOT_MS, "virtcap prove --foreign", "not "
				 "run: prove --foreign boots this host's own kernel under TCG beside "
				 "the others");
	rc |= report_cap_unknown(r, CAP_FOREIGN_X86_KVM_BOOT_MS, "virtcap prove --foreign", "not "
				 "run: and under KVM");
	return rc ? -ENOMEM : 0;
}
