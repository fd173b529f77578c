/* SPDX-License-Identifier: MIT */
/*
 * `virtcap prove --stack qemu|libvirt` (qemu/stack.c): does a real Linux guest boot with the
 * QEMU (or libvirt) installed here, under KVM and under TCG, how long to its init, and do the
 * virtual devices people use work from inside it (qemu/stack_devices.c)?
 *
 * The guest is a real kernel (the host's own from /boot when this user can read it, else the
 * Debian kernel the lab pins and caches, fetched by scripts/lab.sh --fetch-only) with an
 * initramfs written here: static busybox and an init (scripts/stack-guest.sh, a shell script
 * inside the guest) that prints a marker with the guest's uptime on the serial console and
 * powers off. Each boot has a deadline; one that does not reach init is described: the
 * console's last line, QEMU's own messages, and vCPU 0's registers from the gdbstub.
 */
#ifndef VIRTCAP_QEMU_STACK_H
#define VIRTCAP_QEMU_STACK_H

#include "reports/report.h"

struct stack_setup {
	const char *name;	/* "qemu" or "libvirt" */
	const char *lab_sh;	/* scripts/lab.sh, which fetches and caches the guest kernel */
	const char *guest_init;	/* scripts/stack-guest.sh, the guest's init */
	int kvm_s, tcg_s;	/* the wait for the guest's init under each */
	const char *break_media;	/* the tests' broken media: "cdrom,qcow2,floppy", or NULL */
};

/* Once the guest kernel is cached (a first run downloads it: at most 600 s), the run ends
 * within this: the boots' and the devices' waits are cut to what is left */
#define STACK_DEADLINE_S 900

/* Fill s (its device details preset to "not tried"). 0, or -ENOMEM; what could not be tried
 * is said in s->unfinished */
int qemu_stack_prove(struct report_stack *s, const struct stack_setup *setup);

#endif
