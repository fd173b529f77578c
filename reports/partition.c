// SPDX-License-Identifier: MIT
/*
 * What the facts of a disk (probe/partition.c) mean for booting it as a VM
 * (reports/partition.h): every reason not to boot it for real (a blocker) with what to do
 * first, the disk controller a Windows guest is given, and the notes for the snapshot way. The
 * way offered first is QEMU's snapshot=on overlay, which keeps every write of the guest away
 * from the disk; booting it for real (writing) is judged apart, because that is the way data
 * is lost: a file system mounted here and written by the guest too is corrupted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reports/caps.h"
#include "reports/partition.h"
#include "reports/report.h"

/* A reason not to boot it for real, with what to do first */
static void __attribute__((format(printf, 4, 5))) block(struct partition_advice *a,
							 const char *id, const char *fix,
							 const char *fmt, ...)
{
	va_list ap;

	if (a->nblockers == PART_BLOCKERS_MAX)
		return;

	struct part_blocker *b = &a->blockers[a->nblockers++];

	b->id = id;
	snprintf(b->fix, sizeof(b->fix), "%s", fix);
	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
}

/* Where a partition is, in words */
static void place(const struct partition_advice *a, const struct part_found *p, char *buf,
		  size_t len)
{
	if (p->number)
		snprintf(buf, len, "partition %u of %s", p->number, a->disk_path);
	else
		snprintf(buf, len, "%s", a->disk_path);
}

/* What Windows left on an NTFS partition: hibernated, dirty, or not known */
static void windows_blockers(struct partition_advice *a, const struct part_found *p)
{
	static const char shut_down[] = "start Windows on this machine, turn off hibernation and "
		"Fast Startup (powercfg /h off, in an administrator's prompt), and shut it down; "
		"or, for one full shutdown, hold Shift while choosing Shut down";
	char where[PART_NAME_MAX + 48];

	place(a, p, where, sizeof(where));
	if (p->ntfs_problem) {
		block(a, "ntfs-unreadable", shut_down, "the NTFS on %s cannot be read (%s): whether "
		      "Windows is hibernated there is not known", where, p->ntfs_problem);
		return;
	}
	switch (p->ntfs.hiber) {
	case NTFS_HIBER_HIBERNATED:
	case NTFS_HIBER_SHORT:
		block(a, "hibernated", shut_down, "Windows on %s is hibernated (its hiberfil.sys "
		      "holds a hibernated system: Fast Startup does this at every shut down); "
		      "booted elsewhere it resumes on other hardware, and what was written since "
		      "is lost", where);
		snprintf(a->hibernated_note, sizeof(a->hibernated_note), "Windows is hibernated: "
			 "in the VM it tries to resume on other hardware and may stop; at its boot "
			 "menu, \"Delete restoration data\" starts it afresh (in the overlay only)");
		break;
	case NTFS_HIBER_UNREAD:
		block(a, "hibernation-unknown", shut_down, "the root of the NTFS on %s cannot be "
		      "read (%s): whether Windows is hibernated there is not known", where,
		      p->ntfs.unread ? p->ntfs.unread : "its hiberfil.sys");
		break;
	default:
		break;
	}
	if (p->ntfs.dirty)
		block(a, "dirty", "start Windows on this machine once and let its disk check "
		      "finish (or run chkdsk /f on that drive), then shut it down",
		      "the NTFS on %s is marked dirty: Windows did not finish with it (a crash, a "
		      "forced power-off, or a disk check it has scheduled)", where);
}

/*
 * The controller a Windows guest is given: the first (in virtcap's order) whose driver its
 * registry starts at boot. Any other and Windows stops with INACCESSIBLE_BOOT_DEVICE (stop
 * code 0x7B) before it shows anything but its logo.
 */
static void pick_controller(struct partition_advice *a)
{
	const struct part_found *w = NULL;

	a->controller = WIN_AHCI;	/* what most installed Windows have, when not known */
	for (size_t i = 0; i < a->nfound; i++)	/* the one asked about, else the first */
		if (a->found[i].storage_read && (!w || a->found[i].this_one))
			w = &a->found[i];
	if (!(a->windows_at = w))
		return;
	for (int c = 0; c < WIN_CONTROLLERS; c++)
		if (w->storage.boots[c]) {
			a->controller = c;
			return;
		}

	char where[PART_NAME_MAX + 48], starts[160] = "";
	size_t used = 0;

	for (size_t i = 0; i < WIN_DRIVERS && used < sizeof(starts); i++) {
		const struct win_driver *d = &w->storage.drivers[i];

		if (d->present && d->start_read)
			used += (size_t)snprintf(starts + used, sizeof(starts) - used, "%s%s Start=%u%s",
						 used ? ", " : "", d->service, d->start,
						 d->overridden ? " with a StartOverride" : "");
	}
	place(a, w, where, sizeof(where));
	snprintf(a->storage_note, sizeof(a->storage_note), "Windows starts no driver for a disk "
		 "controller QEMU offers at boot: in the VM it stops with INACCESSIBLE_BOOT_DEVICE "
		 "(stop code 0x7B) until the fix below is made");
	block(a, "storage-driver", "start that Windows on this machine and, in an administrator's "
	      "prompt: reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\storahci /v Start /t "
	      "REG_DWORD /d 0 /f, then reg delete HKLM\\SYSTEM\\CurrentControlSet\\Services\\"
	      "storahci\\StartOverride /f (an error that it is not there is fine), and shut it "
	      "down; it then starts on the AHCI controller the command gives it",
	      "Windows on %s starts no driver for a disk controller QEMU offers at boot (%s): on "
	      "any of them it stops with INACCESSIBLE_BOOT_DEVICE", where,
	      starts[0] ? starts : "no such driver is installed");
}

/* A BitLocker volume: its key is sealed to this machine's TPM and firmware, which a VM is not */
static void bitlocker_blocker(struct partition_advice *a, const struct part_found *p)
{
	char where[PART_NAME_MAX + 48];

	place(a, p, where, sizeof(where));
	block(a, "bitlocker", "have its recovery key at hand (in that Windows: manage-bde "
	      "-protectors -get C:, or account.microsoft.com/devices/recoverykey), or suspend "
	      "BitLocker there first: manage-bde -protectors -disable C: -RebootCount 0, and "
	      "manage-bde -protectors -enable C: when done",
	      "%s is encrypted by BitLocker: its key is sealed to this machine's TPM and "
	      "firmware, and a Windows booting from it in a VM stops at the BitLocker recovery "
	      "screen and asks for the 48-digit recovery key", where);
}

/* The disk's place in this host, and what stops a real boot: every blocker, each with its fix */
static void decide(struct partition_advice *a, const struct part_disk_use *use)
{
	char fix[PART_NAME_MAX + 32];

	a->host_uses_disk = use->self[0] || use->other[0] || use->host_root;
	if (use->self[0]) {
		snprintf(fix, sizeof(fix), "sudo umount /dev/%s", use->self_name);
		block(a, "mounted", fix, "%s is mounted on this host at %s; a file system written by "
		      "two systems at once is corrupted", a->number ? a->shown : "the disk",
		      use->self);
	}
	if (use->host_root)
		block(a, "host-disk", "none while this host runs from the disk: start the other OS "
		      "natively, or use the snapshot way", "this host's / or /boot is on %s; the "
		      "guest's bootloader and file system checks would write to the disk this host "
		      "runs from", a->disk_path);
	if (use->other[0]) {
		snprintf(fix, sizeof(fix), "sudo umount /dev/%s", use->other_name);
		block(a, "other-mounted", fix, "/dev/%s, which lies on this disk, is mounted at %s; "
		      "the guest sees the whole disk and would write it too", use->other_name,
		      use->other);
	}
	for (size_t i = 0; i < a->nfound; i++)
		if (a->found[i].ntfs_read || a->found[i].ntfs_problem)
			windows_blockers(a, &a->found[i]);
	for (size_t i = 0; i < a->nfound; i++)
		if (a->found[i].fs && !strcmp(a->found[i].fs, "BitLocker"))
			bitlocker_blocker(a, &a->found[i]);
	if (a->windows)
		pick_controller(a);
}

/*
 * A new VM's UEFI firmware has no boot entries of its own (they live in the real machine's
 * NVRAM): it starts only the fallback loader, \EFI\BOOT\BOOTX64.EFI. An ESP without it, but
 * with an OS's loader, boots to the UEFI shell; the shell starts the loader by its path.
 */
static void uefi_fallback(struct partition_advice *a)
{
	const struct esp_facts *e = NULL;

	for (size_t i = 0; i < a->nfound && !e; i++)
		if (a->found[i].esp_read)
			e = &a->found[i].esp_found;
	if (e && e->fat32_short)
		block(a, "esp-fat32-clusters", "recreate the ESP with enough clusters for FAT32 (at "
		      "least 33 MiB with 512-byte clusters: mkfs.vfat -F 32 -s 1), or as FAT16 "
		      "(mkfs.vfat -F 16) when it is smaller, after copying its files out and before "
		      "copying them back; the boot entries in this machine's firmware name it by its "
		      "partition GUID, which stays", "the EFI system partition is FAT32 by its layout "
		      "but has %lu clusters, fewer than the %d FAT32 needs: Linux and this machine's "
		      "firmware may read it, but a VM's UEFI firmware (OVMF, EDK2's FAT driver) "
		      "refuses it as corrupted and will find no loader on it", e->clusters,
		      FAT32_MIN_CLUSTERS);
	if (!e || e->fallback)
		return;
	if (!e->nloaders) {
		snprintf(a->uefi_note, sizeof(a->uefi_note), "the EFI system partition holds no "
			 "x86-64 boot loader (no \\EFI\\*\\*.efi): a UEFI VM has nothing to boot");
		return;
	}

	char path[96];

	snprintf(path, sizeof(path), "\\EFI\\%s\\%s", e->loaders[0].dir, e->loaders[0].file);
	for (char *c = path; *c; c++)
		if (*c == '/')
			*c = '\\';
	snprintf(a->uefi_note, sizeof(a->uefi_note), "the EFI system partition has no fallback "
		 "loader (\\EFI\\BOOT\\BOOTX64.EFI), and a new VM's firmware has no boot entry "
		 "for %s: it stops in the UEFI shell; there, type FS0:%s (the shell's map lists "
		 "the partition as FS0: or another FSn:)", path, path);
}

/*
 * A disk no firmware starts anything from: no EFI system partition for UEFI, an MBR without
 * boot code for BIOS, and no Windows (whose own loader would say otherwise). Its file systems
 * may hold data, or an OS without a boot loader: a VM can read it, not boot it.
 */
static void nothing_to_boot(struct partition_advice *a)
{
	if (a->uefi || a->windows || !a->boot_code || strcmp(a->boot_code, "none"))
		return;
	snprintf(a->boot_note, sizeof(a->boot_note), "nothing on this disk boots (no boot code, no "
		 "EFI system partition): the VM stops in its firmware with no bootable device; "
		 "what its file systems hold can still be read from a guest that boots otherwise");
	block(a, "nothing-to-boot", "none if it holds data: give it to a VM that boots from a disk "
	      "of its own, as a second disk; to boot an OS on it, install a boot loader from that "
	      "OS (grub-install --target=i386-pc on the disk, or an EFI system partition with "
	      "grub-install --target=x86_64-efi)", "the disk holds nothing a firmware starts: no "
	      "EFI system partition, and its MBR has no boot code (all zeros), so no OS on it "
	      "can start, in a VM or on this machine");
}

void partition_decide(const struct report *r, struct partition_advice *a,
		      const struct part_disk_use *use)
{
	a->kvm = r->matrix[GUEST_OS64].verdict == VERDICT_YES;
	if (a->uefi && !a->ovmf) {	/* the Secure Boot build's package: its fix fits here */
		const struct cap *c = report_cap(r, CAP_TOOLS_OVMF_SECBOOT);

		a->ovmf_fix = c && c->fix ? c->fix : "install OVMF (Debian/Ubuntu: apt install ovmf; "
			      "Fedora: dnf install edk2-ovmf)";
	}
	uefi_fallback(a);
	nothing_to_boot(a);
	decide(a, use);
}

void partition_decide_proof(struct partition_advice *a)
{
	/* a proof that it does not boot outweighs finding nothing that stops it */
	if (a->proof.ran && !strcmp(a->proof.verdict, "no"))
		block(a, "does-not-boot", "what the proof found, above, first: a disk that does not "
		      "boot through a snapshot does not boot for real either", "booted through a "
		      "snapshot, it does not boot: %s", a->proof.reason);
}
