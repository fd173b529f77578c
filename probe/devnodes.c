// SPDX-License-Identifier: MIT
/*
 * The device nodes a VMM opens besides /dev/kvm, opened for real: /dev/net/tun (a tap network),
 * /dev/vhost-net (virtio-net in the kernel), /dev/vhost-vsock (host-guest sockets, as
 * Firecracker, Cloud Hypervisor and QEMU's vhost-vsock use them) and, on AMD hosts with SEV,
 * /dev/sev (QEMU opens it to launch an encrypted guest). A node that exists but does not open is
 * the failure people meet ("could not open /dev/net/tun: Operation not permitted" in a container,
 * "Permission denied" on vhost-net outside group kvm, "Failed to open /dev/sev"), so existence is
 * not enough. A capture records each open()'s result as a fact; a capture without them says what
 * the files show.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

static const struct node {
	const char *id, *path, *fact, *module, *use;
	const char *only_if;	/* a capability that must hold for the node to matter, or NULL */
	const char *access;	/* who usually may open it, for the fix */
} nodes[] = {
	{ CAP_KERNEL_TUN, "/dev/net/tun", "dev.tun.open", "tun", "tap devices for guest networking",
	  NULL, "it is usually mode 0666" },
	{ CAP_KERNEL_VHOST_NET, "/dev/vhost-net", "dev.vhost_net.open", "vhost_net",
	  "virtio-net in the kernel (vhost=on)", NULL, "it is usually group kvm, mode 0660" },
	{ CAP_KERNEL_VHOST_VSOCK, "/dev/vhost-vsock", "dev.vhost_vsock.open", "vhost_vsock",
	  "host-guest sockets (vsock)", NULL, "it is usually group kvm, mode 0660" },
	{ CAP_CC_SEV_DEV, "/dev/sev", "dev.sev.open", "ccp",
	  "the AMD secure processor, which QEMU opens to launch SEV guests", CAP_CC_SEV,
	  "it is root's alone (0600) unless a rule gives it to group kvm" },
};

static void record_live(struct probe_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		int fd = open(nodes[i].path, O_RDWR | O_CLOEXEC | O_NONBLOCK);

		if (fd >= 0) {
			facts_set(&ctx->facts, nodes[i].fact, "ok");
			close(fd);
		} else {
			facts_set(&ctx->facts, nodes[i].fact, "%s", facts_errno_name(errno));
		}
	}
}

static int node_fix(struct probe_ctx *ctx, struct report *r, const struct node *n,
		    const char *result, bool container)
{
	char why[160];

	if (container)	/* the host's node has to be handed in; modprobe inside does nothing */
		return report_cap_fix(r, n->id, "hand the node into the container: docker/podman "
				      "run --device %s%s (Kubernetes: a device plugin); on the host, "
				      "sudo modprobe %s if it is missing there", n->path,
				      !strcmp(n->module, "tun") ? " --cap-add NET_ADMIN" : "",
				      n->module);
	bool missing = !strcmp(result, "ENOENT") || !strcmp(result, "ENODEV") ||
		       !strcmp(result, "ENXIO");

	/* vsock takes one host-side transport: VMware's (its VMCI host driver, loaded with
	 * Workstation or Player) keeps vhost_vsock from registering ("Device or resource busy") */
	if (missing && !strcmp(n->module, "vhost_vsock") &&
	    root_exists(ctx, "/sys/module/vmw_vsock_vmci_transport"))
		return report_cap_fix(r, n->id, "VMware's vsock transport (vmw_vsock_vmci_transport) "
				      "holds the host side of vsock, so vhost_vsock cannot load "
				      "(modprobe: Device or resource busy): with VMware's VMs off, "
				      "sudo modprobe -r vmw_vsock_vmci_transport && sudo modprobe "
				      "vhost_vsock; VMware's host-guest sockets return when it is "
				      "loaded again");
	if (missing && !strcmp(n->module, "ccp"))
		return report_cap_fix(r, n->id, "/dev/sev appears when the ccp driver finds the "
				      "secure processor with SEV: sudo modprobe ccp, and SEV enabled "
				      "in the firmware (cc.sev_fw) with kvm_amd.sev=1 (cc.sev_kernel)");
	if (missing && !probe_modules_loadable(ctx, why, sizeof(why)))
		return report_cap_fix(r, n->id, "%s: boot a kernel with %s built in (=y); in a VM, "
				      "that is the VM owner's choice of guest kernel", why, n->module);
	if (missing)
		return report_cap_fix(r, n->id, "sudo modprobe %s; at every boot: echo %s | sudo "
				      "tee /etc/modules-load.d/%s.conf", n->module, n->module,
				      n->module);
	return report_cap_fix(r, n->id, "give this user access to %s (%s): check ls -l %s, then "
			      "add the user to its group or have a udev rule set it "
			      "(KERNEL==\"%s\", GROUP=\"kvm\", MODE=\"0660\"), for libvirt's "
			      "QEMU user too", n->path, n->access, n->path,
			      strrchr(n->path, '/') + 1);
}

int probe_devnodes(struct probe_ctx *ctx, struct report *r)
{
	bool container = report_cap_flag(r, CAP_OS_CONTAINER) == 1;
	int rc = 0;

	if (ctx->live)
		record_live(ctx);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		const struct node *n = &nodes[i];
		const char *result = facts_get(&ctx->facts, n->fact);
		struct stat st;

		if (n->only_if && report_cap_flag(r, n->only_if) != 1)
			continue;

		if (!result) {	/* an older capture: what the files show */
			if (root_stat(ctx, n->path, &st) == 0)
				rc |= report_cap_bool(r, n->id, true, n->path, "%s: the node exists "
						      "(whether it opens was not recorded)", n->use);
			else
				rc |= report_cap_bool(r, n->id, false, n->path, "%s: no %s", n->use,
						      n->path);
			continue;
		}
		if (!strcmp(result, "ok")) {
			rc |= report_cap_bool(r, n->id, true, n->path, "%s: it opens", n->use);
			continue;
		}
		rc |= report_cap_bool(r, n->id, false, n->path, "%s: open(%s) fails with %s%s",
				      n->use, n->path, result, !strcmp(result, "ENOENT") ?
				      " (no such node: its driver is not loaded, or not in this kernel)" : "");
		rc |= node_fix(ctx, r, n, result, container);
	}
	return rc ? -ENOMEM : 0;
}
