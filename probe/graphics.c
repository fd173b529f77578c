// SPDX-License-Identifier: MIT
/*
 * Graphics for guests: what this host can give a virtual machine's display, best first,
 *   - an SR-IOV virtual function of a GPU (a GPU whose sriov_totalvfs is above 0: Intel's
 *     Flex and Arc Pro, AMD's MxGPU, NVIDIA's data-centre GPUs);
 *   - a mediated slice of a GPU (mdev_supported_types under the GPU: Intel GVT-g, NVIDIA vGPU);
 *   - 3D by API forwarding: virtio-gpu with virgl (OpenGL) or venus (Vulkan), which needs QEMU
 *     built with OpenGL and a GPU's render node (/dev/dri/renderD*) that this user can open:
 *     virglrenderer draws with it, and without one there is nothing to draw with (vgem and
 *     vkms are render nodes of no GPU);
 *   - a virtual display only (virtio-gpu 2D, VGA): any QEMU, no GPU needed; a guest's 3D is
 *     then drawn on its vCPUs (llvmpipe), slowly;
 *   - none: no emulator installed to show one.
 * The whole GPU by passthrough is the gpu row's (VFIO: pci.gpus_passthrough_ready), not a
 * level here. Whether this user can open the render node is tried live and kept as a fact.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

#define DRM_CLASS "/sys/class/drm"
#define PCI_DEVICES "/sys/bus/pci/devices"

/* QEMU's OpenGL devices, as its distributions install them (built as modules) */
static const char *const qemu_gl_modules[] = {
	"/usr/lib/x86_64-linux-gnu/qemu/hw-display-virtio-gpu-pci-gl.so",	/* Debian, Ubuntu */
	"/usr/lib64/qemu/hw-display-virtio-gpu-pci-gl.so",			/* Fedora, SUSE */
	"/usr/lib/qemu/hw-display-virtio-gpu-pci-gl.so",			/* Arch */
};

/* The first render node of a GPU driver: "renderD128", its driver into driver */
static bool render_node(struct probe_ctx *ctx, char *node, size_t nlen, char *driver, size_t dlen)
{
	char **names;
	int n = root_list(ctx, DRM_CLASS, &names);
	bool found = false;

	for (int i = 0; i < n && !found; i++) {
		char path[160], link[256];

		if (strncmp(names[i], "renderD", 7) || strlen(names[i]) > 16)
			continue;
		snprintf(path, sizeof(path), DRM_CLASS "/%s/device/driver", names[i]);
		if (root_readlink(ctx, path, link, sizeof(link)) < 0)
			continue;

		const char *base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

		if (!strcmp(base, "vgem") || !strcmp(base, "vkms"))	/* no GPU behind them */
			continue;
		snprintf(node, nlen, "%s", names[i]);
		snprintf(driver, dlen, "%.40s", base);
		found = true;
	}
	if (n > 0)
		root_list_free(names);
	return found;
}

/* Live: can this user open /dev/dri/NODE read-write, as QEMU will; kept as a fact */
static void record_open(struct probe_ctx *ctx, const char *node)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/dri/%s", node);

	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	facts_set(&ctx->facts, "dri.render_open", "%s", fd >= 0 ? "ok" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* mediated device types and SR-IOV functions the host's GPUs offer */
static void gpu_slices(struct probe_ctx *ctx, const struct report *r, long long *mdev,
		       long long *vfs)
{
	*mdev = 0;
	*vfs = 0;
	for (size_t i = 0; i < r->npci; i++) {
		const struct pci_device *d = &r->pci[i];
		char path[160], **types;

		if (!d->is_gpu)
			continue;
		if (d->sriov_totalvfs > 0)
			*vfs += d->sriov_totalvfs;
		snprintf(path, sizeof(path), PCI_DEVICES "/%.32s/mdev_supported_types", d->slot);

		int n = root_list(ctx, path, &types);

		if (n > 0) {
			*mdev += n;
			root_list_free(types);
		}
	}
}

int probe_graphics(struct probe_ctx *ctx, struct report *r)
{
	char node[32] = "", driver[48] = "";
	bool have_node = render_node(ctx, node, sizeof(node), driver, sizeof(driver));
	bool gl = false;
	long long mdev, vfs;
	int rc = 0;

	for (size_t i = 0; i < sizeof(qemu_gl_modules) / sizeof(qemu_gl_modules[0]) && !gl; i++)
		gl = root_exists(ctx, qemu_gl_modules[i]);
	gpu_slices(ctx, r, &mdev, &vfs);

	if (have_node)
		rc |= report_cap_str(r, CAP_GPU_RENDER_NODE, node, DRM_CLASS, "/dev/dri/%s, driver "
				     "%s: what virgl and venus draw a guest's 3D with", node, driver);
	else
		rc |= report_cap_str(r, CAP_GPU_RENDER_NODE, "none", DRM_CLASS, "no GPU's render "
				     "node (/dev/dri/renderD*): no GPU, or no driver for it");

	const char *open_fact = NULL;

	if (have_node && ctx->live)
		record_open(ctx, node);
	if (have_node)
		open_fact = facts_get(&ctx->facts, "dri.render_open");
	if (!have_node)
		rc |= report_cap_unknown(r, CAP_GPU_RENDER_OPEN, "/dev/dri", "no render node");
	else if (!open_fact)
		rc |= report_cap_unknown(r, CAP_GPU_RENDER_OPEN, "/dev/dri", "not recorded in this "
					 "capture");
	else
		rc |= report_cap_bool(r, CAP_GPU_RENDER_OPEN, !strcmp(open_fact, "ok"), "/dev/dri",
				      "/dev/dri/%s: %.80s", node, !strcmp(open_fact, "ok") ?
				      "this user opens it" : open_fact);
	if (have_node && open_fact && strcmp(open_fact, "ok"))
		rc |= report_cap_fix(r, CAP_GPU_RENDER_OPEN, "add this user to the render node's "
				     "group: sudo usermod -aG render \"$USER\", then log in again");
	rc |= report_cap_bool(r, CAP_GPU_QEMU_GL, gl, qemu_gl_modules[0], "%s", gl ?
			      "QEMU has its OpenGL display devices (virtio-gpu-gl, virtio-vga-gl)" :
			      "no OpenGL display device of QEMU's found (its module "
			      "hw-display-virtio-gpu-pci-gl)");
	rc |= report_cap_int(r, CAP_GPU_MDEV_TYPES, mdev, PCI_DEVICES "/*/mdev_supported_types",
			     "mediated device types the GPUs offer (Intel GVT-g, NVIDIA vGPU)");
	rc |= report_cap_int(r, CAP_GPU_SRIOV_VFS, vfs, PCI_DEVICES "/*/sriov_totalvfs",
			     "SR-IOV virtual functions the GPUs offer");

	/* the level: the best of the above this host has */
	const char *qemu = report_cap_string(r, CAP_TOOLS_QEMU);
	bool have_qemu = qemu && strcmp(qemu, "none");
	bool can_open = report_cap_flag(r, CAP_GPU_RENDER_OPEN) == 1;

	if (vfs > 0)
		rc |= report_cap_str(r, CAP_GPU_GRAPHICS, "sriov", "gpu.sriov_vfs", "%lld virtual "
				     "functions of a GPU, each a guest's own GPU", vfs);
	else if (mdev > 0)
		rc |= report_cap_str(r, CAP_GPU_GRAPHICS, "mediated", "gpu.mdev_types", "%lld kinds "
				     "of mediated GPU slice, each a guest's GPU share", mdev);
	else if (have_node && can_open && gl && have_qemu)
		rc |= report_cap_str(r, CAP_GPU_GRAPHICS, "3d", "gpu.render_node, gpu.qemu_gl",
				     "3D by API forwarding: QEMU -device virtio-vga-gl -display "
				     "egl-headless (or gtk,gl=on), virgl through %s (%s)", node,
				     driver);
	else if (have_qemu)
		rc |= report_cap_str(r, CAP_GPU_GRAPHICS, "display", "gpu.render_node, gpu.qemu_gl",
				     "a virtual display only (virtio-gpu 2D, VGA): %s", !have_node ?
				     "no GPU here to draw a guest's 3D with, so its 3D runs on its "
				     "vCPUs (llvmpipe), slowly" : !can_open ? "this user cannot open "
				     "the GPU's render node" : "QEMU here has no OpenGL display "
				     "device");
	else
		rc |= report_cap_str(r, CAP_GPU_GRAPHICS, "none", "tools.qemu", "no emulator "
				     "installed to show a guest's display") ||
		      report_cap_fix(r, CAP_GPU_GRAPHICS, "on Debian or Ubuntu: sudo apt install "
				     "qemu-system-x86; on Fedora: sudo dnf install qemu-system-x86");
	if (have_node && !gl && have_qemu)
		rc |= report_cap_fix(r, CAP_GPU_QEMU_GL, "use a QEMU built with OpenGL: the "
				     "distribution's (Debian, Ubuntu: qemu-system-x86, whose "
				     "qemu-system-common holds it; Fedora: "
				     "qemu-device-display-virtio-gpu-pci-gl)");
	return rc ? -ENOMEM : 0;
}
