// SPDX-License-Identifier: MIT
/*
 * `virtcap advise partition` said: as text for a person (wrapped paragraphs, the QEMU command
 * to paste) and as JSON for a script (schema reports/schema/partition-advice-v1.json, the
 * command as an argument vector). Both come from one struct partition_advice (cli/partition.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "reports/partition.h"

#define DEFAULT_OVMF "/usr/share/ovmf/OVMF.fd"	/* named when it is to be installed */

/* The snapshot command: QEMU reads the disk, and every write stays in a file it throws away */
struct command {
	const char *argv[20];
	size_t argc;
	char drive[PART_NAME_MAX + 64];
};

static void command_build(const struct partition_advice *a, struct command *c)
{
	c->argc = 0;
#define ARG(s) (c->argv[c->argc++] = (s))
	ARG("qemu-system-x86_64");
	if (a->kvm) {
		ARG("-enable-kvm");
		ARG("-cpu");
		ARG("host");
	} else {
		ARG("-accel");
		ARG("tcg");
	}
	ARG("-m");
	ARG("4G");
	ARG("-smp");
	ARG("2");
	if (a->uefi) {
		ARG("-bios");
		ARG(a->ovmf ? a->ovmf : DEFAULT_OVMF);
	}
	if (!a->windows) {	/* a Linux's initramfs has virtio-blk, unless built host-only */
		snprintf(c->drive, sizeof(c->drive), "file=%s,format=raw,snapshot=on,if=virtio",
			 a->disk_path);
		ARG("-drive");
		ARG(c->drive);
		return;
	}
	/* Windows starts only from a controller whose driver its registry starts at boot */
	snprintf(c->drive, sizeof(c->drive), "file=%s,format=raw,snapshot=on,if=none,id=disk",
		 a->disk_path);
	ARG("-drive");
	ARG(c->drive);
	switch (a->controller) {
	case WIN_VIRTIO_BLK:
		ARG("-device");
		ARG("virtio-blk-pci,drive=disk");
		break;
	case WIN_VIRTIO_SCSI:
		ARG("-device");
		ARG("virtio-scsi-pci,id=scsi");
		ARG("-device");
		ARG("scsi-hd,drive=disk,bus=scsi.0");
		break;
	case WIN_NVME:
		ARG("-device");
		ARG("nvme,drive=disk,serial=virtcap");
		break;
	case WIN_IDE:	/* the default machine's PIIX3 IDE */
		ARG("-device");
		ARG("ide-hd,drive=disk,bus=ide.0");
		break;
	default:
		ARG("-device");
		ARG("ahci,id=ahci");
		ARG("-device");
		ARG("ide-hd,drive=disk,bus=ahci.0");
		break;
	}
#undef ARG
}

/* What virtcap does not know of this disk's OS, each said as it is: n of them in list */
static size_t not_checked(const struct partition_advice *a, const char *list[2])
{
	size_t n = 0;

	if (a->windows && !a->windows_at)
		list[n++] = "the storage drivers the installed Windows starts at boot (its SYSTEM "
			    "hive was not read): it is given AHCI, which most installations have";
	if (!a->windows)
		list[n++] = "whether the OS's initramfs has the virtio-blk driver (one built "
			    "host-only may not; then give it AHCI: -device ahci,id=ahci -device "
			    "ide-hd,drive=disk,bus=ahci.0 with the -drive's if=none,id=disk)";
	return n;
}

/* What a Windows's SYSTEM hive says of its storage drivers, in a few words */
static void storage_words(const struct part_found *p, char *buf, size_t len)
{
	size_t used;
	bool any = false;

	if (!p->storage_read) {
		snprintf(buf, len, "its SYSTEM hive cannot be read: %s", p->storage_problem);
		return;
	}
	used = (size_t)snprintf(buf, len, "disk drivers at boot:");
	for (int c = 0; c < WIN_CONTROLLERS && used < len; c++)
		if (p->storage.boots[c]) {
			used += (size_t)snprintf(buf + used, len - used, "%s %s", any ? "," : "",
						 win_controller_name(c));
			any = true;
		}
	if (!any && used < len)
		used += (size_t)snprintf(buf + used, len - used, " none for a controller QEMU "
					 "offers");
	if (used < len && p->storage.hive_dirty)
		snprintf(buf + used, len - used, " (its SYSTEM hive's last write is unfinished: "
			 "Windows may know newer values)");
}

static const char *table_json(enum blockdev_table t)
{
	return t == BLOCKDEV_GPT ? "gpt" : t == BLOCKDEV_MBR ? "mbr" : NULL;
}

static const char *encryption(const struct partition_advice *a)
{
	return !a->fs ? NULL : !strcmp(a->fs, "crypto_LUKS") ? "luks" :
	       !strcmp(a->fs, "BitLocker") ? "bitlocker" : NULL;
}

/* ---- text ---- */

static void size_text(unsigned long long sectors, char *out, size_t len)
{
	double mib = (double)sectors / 2048;

	if (mib >= 1024)
		snprintf(out, len, "%.1f GiB", mib / 1024);
	else
		snprintf(out, len, "%.1f MiB", mib);
}

/* A paragraph: lead, then the formatted text wrapped at 78 columns, indented by 2 */
static void __attribute__((format(printf, 3, 4))) say(FILE *out, const char *lead,
						      const char *fmt, ...)
{
	char text[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cli_print_wrapped(out, lead, text, 2);
}

static const char *table_name(enum blockdev_table t)
{
	return t == BLOCKDEV_GPT ? "GPT" : t == BLOCKDEV_MBR ? "MBR" : "no partition table";
}

/* What Windows left on an NTFS partition, in a few words for its table row */
static const char *windows_words(const struct part_found *p, char *buf, size_t len)
{
	const struct ntfs_facts *n = &p->ntfs;

	if (p->ntfs_problem)
		return "NTFS not readable";
	if (!p->ntfs_read)
		return "";
	snprintf(buf, len, "%s%s%s%s", n->windows_dir ? "Windows" : n->bootmgr ? "Windows boot" :
		 "NTFS", n->hiber == NTFS_HIBER_HIBERNATED || n->hiber == NTFS_HIBER_SHORT ?
		 ", hibernated" : n->hiber == NTFS_HIBER_UNREAD ? ", hibernation not known" : "",
		 n->dirty ? ", dirty" : "", n->bootmgr && n->windows_dir ? ", boot manager" : "");
	return buf;
}

/* One OS's loader on the ESP, as a Windows path */
static void esp_loader_line(FILE *out, const struct esp_facts *e, size_t i)
{
	char file[sizeof(e->loaders[0].file)];

	snprintf(file, sizeof(file), "%s", e->loaders[i].file);
	for (char *c = file; *c; c++)
		if (*c == '/')
			*c = '\\';
	fprintf(out, "      loader: \\EFI\\%s\\%s\n", e->loaders[i].dir, file);
}

int partition_print_text(const struct partition_advice *a, FILE *out)
{
	char size[32], words[96], storage[200];
	const char *todo[2];
	size_t ntodo = not_checked(a, todo);
	const char *enc = encryption(a);
	struct command c;

	size_text(a->sectors, size, sizeof(size));
	if (a->number)
		fprintf(out, "%s: partition %u of %s (%s), %s, %s\n", a->shown, a->number,
			a->disk_path, table_name(a->layout.table), size,
			a->fs ? a->fs : "no file system virtcap knows");
	else
		fprintf(out, "%s: a whole disk (%s), %s%s%s\n", a->shown,
			table_name(a->layout.table), size, a->fs ? ", " : "", a->fs ? a->fs : "");
	if (a->table_problem)
		fprintf(out, "  its partition table is damaged: %s\n", a->table_problem);
	for (size_t i = 0; i < a->nfound && a->layout.nparts; i++) {
		const struct part_found *p = &a->found[i];
		const char *w = windows_words(p, words, sizeof(words));

		size_text(p->sectors, size, sizeof(size));
		fprintf(out, "  %2u  %-12s %10s  %s%s\n", p->number, p->fs ? p->fs : "-", size,
			p->esp ? "EFI system partition" : p->type, p->this_one ? "  <- this one" : "");
		if (*w)	/* a line of its own: the row is as wide as a terminal already */
			fprintf(out, "      %s\n", w);
		if (p->storage_read || p->storage_problem) {
			storage_words(p, storage, sizeof(storage));
			fprintf(out, "      %s\n", storage);
		}
		if (p->esp_problem)
			fprintf(out, "      its FAT cannot be read: %s\n", p->esp_problem);
		for (size_t l = 0; p->esp_read && l < p->esp_found.nloaders; l++)
			esp_loader_line(out, &p->esp_found, l);
		if (p->esp_read)
			fprintf(out, "      fallback loader \\EFI\\BOOT\\BOOTX64.EFI: %s\n",
				p->esp_found.fallback ? "yes" : "no");
	}
	if (a->disk_errno)
		fprintf(out, "  %s cannot be read (%s): its partition table is not known\n",
			a->disk_path, strerror(a->disk_errno));
	if (!a->layout.nparts && *windows_words(&a->found[0], words, sizeof(words)))
		fprintf(out, "  %s\n", words);
	if (!a->layout.nparts && (a->found[0].storage_read || a->found[0].storage_problem)) {
		storage_words(&a->found[0], storage, sizeof(storage));
		fprintf(out, "  %s\n", storage);
	}

	if (a->uefi)
		say(out, "boots: ", "by UEFI (the disk has an EFI system partition): QEMU needs "
		    "OVMF");
	else if (a->boot_code && !strcmp(a->boot_code, "none"))
		say(out, "boots: ", "by BIOS (no EFI system partition on the disk), but its MBR "
		    "holds no boot code (all zeros): a BIOS jumps to it and nothing happens");
	else
		say(out, "boots: ", "by BIOS (no EFI system partition on the disk)%s%s",
		    a->boot_code ? "; the MBR's boot code: " : "", a->boot_code ? a->boot_code : "");
	if (enc && !strcmp(enc, "luks"))
		say(out, "encrypted: ", "LUKS; the guest asks for its passphrase at boot");
	if (enc && !strcmp(enc, "bitlocker"))
		say(out, "encrypted: ", "BitLocker (its recovery key: below)");

	fputc('\n', out);
	say(out, "safe to try: ", "yes, through a snapshot overlay: the guest reads %s, and every "
	    "write stays in a temporary file QEMU throws away%s", a->disk_path,
	    a->host_uses_disk ? " (what this host has mounted may look "
	    "half-written to the guest)" : "");
	if (a->hibernated_note[0])
		say(out, "  note: ", "%s", a->hibernated_note);
	if (a->boot_note[0])
		say(out, "  note: ", "%s", a->boot_note);
	if (a->uefi_note[0])
		say(out, "  note: ", "%s", a->uefi_note);
	if (a->storage_note[0])
		say(out, "  note: ", "%s", a->storage_note);
	if (a->ovmf_fix)
		say(out, "  first: ", "%s (UEFI firmware for QEMU)", a->ovmf_fix);
	if (!a->kvm)
		say(out, "  note: ", "this host cannot run a 64-bit OS under KVM (virtcap advise os64 "
		    "says why, and the fix): the command below emulates, many times slower");
	command_build(a, &c);
	fputs("  ", out);
	for (size_t i = 0; i < c.argc; i++)	/* a line per -drive and -device, as people write it */
		fprintf(out, "%s%s", i == 0 ? "" : (!strcmp(c.argv[i], "-drive") ||
			!strcmp(c.argv[i], "-device")) && strcmp(c.argv[i - 2], "-device") ?
			" \\\n    " : " ", c.argv[i]);
	fputc('\n', out);
	if (a->proof.ran)
		say(out, "  proof: ", "%s: %s (%s, the disk read-only, through a snapshot)",
		    a->proof.verdict, a->proof.reason, a->proof.accel[0] == 'k' ? "under KVM" :
		    "emulated, under TCG");

	fputc('\n', out);
	for (size_t i = 0; i < a->nblockers; i++)
		say(out, i ? "  and: " : "to boot it for real: no: ", "%s. First: %s",
		    a->blockers[i].reason, a->blockers[i].fix);
	if (!a->nblockers)
		say(out, "to boot it for real: ", "nothing found here stops it%s: take the "
		    "snapshot way first", ntodo ? ", but what follows is not checked yet" : "");
	for (size_t i = 0; i < ntodo; i++)
		say(out, "not checked yet: ", "%s", todo[i]);
	return ferror(out) ? -EIO : 0;
}

/* ---- JSON ---- */

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *ms_or_null(long ms)
{
	return ms >= 0 ? json_object_new_int64(ms) : NULL;
}

static struct json_object *proof_json(const struct partition_proof *p)
{
	struct json_object *o;

	if (!p->ran)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "verdict", json_object_new_string(p->verdict));
	json_object_object_add(o, "accel", json_object_new_string(p->accel));
	json_object_object_add(o, "limit_s", json_object_new_int((int)p->limit_s));
	json_object_object_add(o, "handover_ms", ms_or_null(p->handover_ms));
	json_object_object_add(o, "screen_ms", ms_or_null(p->screen_ms));
	json_object_object_add(o, "firmware_said", p->firmware_said[0] ?
			       json_object_new_string(p->firmware_said) : NULL);
	json_object_object_add(o, "qemu_said", p->qemu_said[0] ?
			       json_object_new_string(p->qemu_said) : NULL);
	json_object_object_add(o, "console_said", p->console_said[0] ?
			       json_object_new_string(p->console_said) : NULL);
	json_object_object_add(o, "reason", json_object_new_string(p->reason));
	return o;
}

/* An installed Windows's storage drivers, as its SYSTEM hive says; null when not installed */
static struct json_object *storage_json(const struct part_found *p)
{
	struct json_object *o, *drivers, *boots;
	const struct windows_storage *w = &p->storage;

	if (!p->storage_read && !p->storage_problem)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "problem", p->storage_read ? NULL :
			       json_object_new_string(p->storage_problem));
	if (!p->storage_read)
		return o;
	drivers = json_object_new_object();
	boots = json_object_new_array();
	json_object_object_add(o, "control_set", json_object_new_int((int)w->control_set));
	json_object_object_add(o, "hive_dirty", json_object_new_boolean(w->hive_dirty));
	for (size_t i = 0; i < WIN_DRIVERS; i++) {
		const struct win_driver *d = &w->drivers[i];
		struct json_object *dj;

		if (!d->present)
			continue;
		dj = json_object_new_object();
		json_object_object_add(dj, "start", d->start_read ?
				       json_object_new_int64(d->start) : NULL);
		json_object_object_add(dj, "start_override", json_object_new_boolean(d->overridden));
		json_object_object_add(drivers, d->service, dj);
	}
	json_object_object_add(o, "drivers", drivers);
	for (int c = 0; c < WIN_CONTROLLERS; c++)
		if (w->boots[c])
			json_object_array_add(boots, json_object_new_string(win_controller_name(c)));
	json_object_object_add(o, "boots_from", boots);
	return o;
}

static struct json_object *windows_json(const struct part_found *p)
{
	struct json_object *o = json_object_new_object();
	const struct ntfs_facts *n = &p->ntfs;
	char version[16];

	snprintf(version, sizeof(version), "%u.%u", n->major, n->minor);
	json_object_object_add(o, "problem", str_or_null(p->ntfs_problem));
	json_object_object_add(o, "version", p->ntfs_read ? json_object_new_string(version) : NULL);
	json_object_object_add(o, "hiberfil", p->ntfs_read ?
			       json_object_new_string(ntfs_hiber_name(n->hiber)) : NULL);
	json_object_object_add(o, "dirty", p->ntfs_read ? json_object_new_boolean(n->dirty) : NULL);
	json_object_object_add(o, "windows_installed", json_object_new_boolean(n->windows_dir));
	json_object_object_add(o, "bootmgr", json_object_new_boolean(n->bootmgr));
	json_object_object_add(o, "boot_dir", json_object_new_boolean(n->boot_dir));
	json_object_object_add(o, "unread", str_or_null(n->unread));
	json_object_object_add(o, "storage", storage_json(p));
	return o;
}

static struct json_object *esp_json(const struct part_found *p)
{
	struct json_object *o = json_object_new_object(), *loaders = json_object_new_array();

	json_object_object_add(o, "problem", str_or_null(p->esp_problem));
	json_object_object_add(o, "fallback_loader", p->esp_read ?
			       json_object_new_boolean(p->esp_found.fallback) : NULL);
	json_object_object_add(o, "windows_boot_manager", p->esp_read ?
			       json_object_new_boolean(p->esp_found.windows) : NULL);
	for (size_t i = 0; p->esp_read && i < p->esp_found.nloaders; i++) {
		char path[128];

		snprintf(path, sizeof(path), "EFI/%s/%s", p->esp_found.loaders[i].dir,
			 p->esp_found.loaders[i].file);
		json_object_array_add(loaders, json_object_new_string(path));
	}
	json_object_object_add(o, "loaders", loaders);
	return o;
}

int partition_print_json(const struct partition_advice *a, FILE *out)
{
	struct json_object *o = json_object_new_object(), *parts = json_object_new_array();
	struct json_object *snap = json_object_new_object(), *cmd = json_object_new_array();
	struct json_object *real = json_object_new_object(), *blockers = json_object_new_array();
	struct json_object *todo = json_object_new_array();
	struct command c;

	json_object_object_add(o, "schema", json_object_new_string("virtcap/partition-advice/v1"));
	json_object_object_add(o, "device", json_object_new_string(a->shown));
	json_object_object_add(o, "disk", json_object_new_string(a->disk_path));
	json_object_object_add(o, "partition", a->number ? json_object_new_int((int)a->number) : NULL);
	json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)(a->sectors * 512)));
	json_object_object_add(o, "file_system", str_or_null(a->fs));
	json_object_object_add(o, "table", str_or_null(table_json(a->layout.table)));
	json_object_object_add(o, "table_problem", str_or_null(a->table_problem));
	json_object_object_add(o, "disk_unreadable", a->disk_errno ?
			       json_object_new_string(strerror(a->disk_errno)) : NULL);
	for (size_t i = 0; i < a->nfound; i++) {
		const struct part_found *p = &a->found[i];
		struct json_object *po = json_object_new_object();

		json_object_object_add(po, "number", p->number ? json_object_new_int((int)p->number)
				       : NULL);
		json_object_object_add(po, "start_sector", json_object_new_int64((int64_t)p->start));
		json_object_object_add(po, "sectors", json_object_new_int64((int64_t)p->sectors));
		json_object_object_add(po, "type", *p->type ? json_object_new_string(p->type) : NULL);
		json_object_object_add(po, "esp", json_object_new_boolean(p->esp));
		json_object_object_add(po, "file_system", str_or_null(p->fs));
		json_object_object_add(po, "this_one", json_object_new_boolean(p->this_one));
		json_object_object_add(po, "ntfs", p->ntfs_read || p->ntfs_problem ?
				       windows_json(p) : NULL);
		json_object_object_add(po, "esp_contents", p->esp_read || p->esp_problem ?
				       esp_json(p) : NULL);
		json_object_array_add(parts, po);
	}
	json_object_object_add(o, "partitions", parts);
	json_object_object_add(o, "boots", json_object_new_string(a->uefi ? "uefi" : "bios"));
	json_object_object_add(o, "mbr_boot_code", str_or_null(a->boot_code));
	json_object_object_add(o, "firmware", a->uefi ? str_or_null(a->ovmf) : NULL);
	json_object_object_add(o, "firmware_fix", str_or_null(a->ovmf_fix));
	json_object_object_add(o, "encrypted", str_or_null(encryption(a)));
	json_object_object_add(o, "kvm", json_object_new_boolean(a->kvm));
	json_object_object_add(o, "windows_controller", a->windows ?
			       json_object_new_string(win_controller_name(a->controller)) : NULL);

	command_build(a, &c);
	for (size_t i = 0; i < c.argc; i++)
		json_object_array_add(cmd, json_object_new_string(c.argv[i]));
	json_object_object_add(snap, "safe", json_object_new_boolean(true));
	json_object_object_add(snap, "command", cmd);
	json_object_object_add(snap, "note", a->hibernated_note[0] ?
			       json_object_new_string(a->hibernated_note) : NULL);
	json_object_object_add(snap, "uefi_note", a->uefi_note[0] ?
			       json_object_new_string(a->uefi_note) : NULL);
	json_object_object_add(snap, "storage_note", a->storage_note[0] ?
			       json_object_new_string(a->storage_note) : NULL);
	json_object_object_add(snap, "boot_note", a->boot_note[0] ?
			       json_object_new_string(a->boot_note) : NULL);
	json_object_object_add(o, "snapshot", snap);
	json_object_object_add(o, "proof", proof_json(&a->proof));

	for (size_t i = 0; i < a->nblockers; i++) {
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "id", json_object_new_string(a->blockers[i].id));
		json_object_object_add(b, "reason", json_object_new_string(a->blockers[i].reason));
		json_object_object_add(b, "fix", json_object_new_string(a->blockers[i].fix));
		json_object_array_add(blockers, b);
	}
	json_object_object_add(real, "verdict", json_object_new_string(a->nblockers ? "no" : "no-blocker-found"));
	json_object_object_add(real, "blockers", blockers);
	json_object_object_add(o, "boot_for_real", real);
	const char *unknown[2];

	for (size_t i = 0, n = not_checked(a, unknown); i < n; i++)
		json_object_array_add(todo, json_object_new_string(unknown[i]));
	json_object_object_add(o, "not_checked", todo);

	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return ferror(out) ? -EIO : 0;
}
