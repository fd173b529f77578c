// SPDX-License-Identifier: MIT
/*
 * MSR reads through the msr driver (/dev/cpu/N/msr: pread at offset = MSR address). The driver
 * needs root (CAP_SYS_RAWIO) and the module loaded; a #GP on a missing MSR comes back as EIO.
 * Every outcome is a fact, so a snapshot of an unprivileged run says "EACCES" rather than
 * pretending the MSR was never asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe/msr.h"
#include "probe/probe.h"

static int msr_read_live(unsigned cpu, uint32_t addr, uint64_t *value)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	ssize_t n = pread(fd, value, sizeof(*value), addr);
	int err = n == (ssize_t)sizeof(*value) ? 0 : n < 0 ? -errno : -EIO;

	close(fd);
	return err;
}

int msr_read(struct probe_ctx *ctx, unsigned cpu, uint32_t addr, uint64_t *value)
{
	char key[48];

	snprintf(key, sizeof(key), "msr.%u.0x%x", cpu, addr);
	if (ctx->live) {
		int err = msr_read_live(cpu, addr, value);

		if (err)
			facts_set(&ctx->facts, key, "error:%s", facts_errno_name(-err));
		else
			facts_set(&ctx->facts, key, "0x%016llx", (unsigned long long)*value);
		return err;
	}

	const char *v = facts_get(&ctx->facts, key);
	unsigned long long u;

	if (!v)
		return -ENODATA;
	if (!strncmp(v, "error:", 6))
		return -facts_errno_value(v + 6);
	if (!facts_get_u64(&ctx->facts, key, &u))
		return -ENODATA;
	*value = u;
	return 0;
}

const char *msr_error_text(int err)
{
	switch (-err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return "no msr driver: load it with 'sudo modprobe msr' and run virtcap as root";
	case EACCES:
	case EPERM:
		return "reading MSRs needs root (CAP_SYS_RAWIO): run 'sudo virtcap'";
	case EIO:
		return "the CPU has no such MSR (the read raised #GP)";
	case ENODATA:
		return "not recorded in this capture";
	default:
		return "the MSR could not be read";
	}
}
