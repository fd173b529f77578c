// SPDX-License-Identifier: MIT
/*
 * A vCPU's counters as KVM keeps them (KVM_GET_STATS_FD, Linux 5.14; the binary statistics of
 * Documentation/virt/kvm/api.rst): what the hypervisor itself counted for this vCPU, such as the
 * hypercalls it answered, the interrupts it injected and the nested guests it entered. A guest
 * writes any memory it likes, but not these: the proofs read them after a run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv-mini/hv.h"

#define STATS_MAX 512		/* a kernel has ~50 per vCPU */
#define STAT_NAME_MAX 256

int hv_vcpu_stat(struct hv_vcpu *v, const char *name, uint64_t *out)
{
	struct kvm_stats_header h;
	int fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	int rc = -ENOENT;

	if (fd < 0)
		return -errno;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || !h.num_desc ||
	    h.num_desc > STATS_MAX || !h.name_size || h.name_size > STAT_NAME_MAX) {
		close(fd);
		return -EIO;
	}

	size_t each = sizeof(struct kvm_stats_desc) + h.name_size;
	char *descs = malloc(each * h.num_desc);

	if (!descs) {
		close(fd);
		return -ENOMEM;
	}
	if (pread(fd, descs, each * h.num_desc, h.desc_offset) != (ssize_t)(each * h.num_desc)) {
		rc = -EIO;
		goto out;
	}
	for (uint32_t i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * each);

		d->name[h.name_size - 1] = '\0';
		if (strcmp(d->name, name))
			continue;
		rc = d->size == 1 && pread(fd, out, sizeof(*out), h.data_offset + d->offset) ==
					     (ssize_t)sizeof(*out) ? 0 : -EIO;
		break;
	}
out:
	free(descs);
	close(fd);
	return rc;
}
