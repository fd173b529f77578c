// SPDX-License-Identifier: MIT
/*
 * One exchange with QEMU's gdbstub (qemu/gdb.h). What it sends is read as input: a bounded
 * buffer, a packet whose checksum does not add up or whose payload is not hex is no answer.
 * QEMU never compresses its replies (no '*' run-lengths); one that did is refused too.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemu/gdb.h"
#include "util/clock.h"

#define REPLY_MAX 8192		/* a "g" reply of i386-64bit.xml is 1216 hex digits */
#define G_BYTES_MIN 236		/* through EFER, the last register read here */
#define OFF_RIP 128
#define OFF_CS 140
#define OFF_CR0 188
#define OFF_CR3 204
#define OFF_CR4 212
#define OFF_EFER 228

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static uint64_t le(const unsigned char *b, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

bool gdb_parse_x86_regs(const char *hex, size_t len, struct x86_regs *r)
{
	unsigned char b[G_BYTES_MIN];

	if (len < 2 * sizeof(b) || len % 2)
		return false;
	for (size_t i = 0; i < sizeof(b); i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;	/* also "xx": a register QEMU could not read */
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	r->rip = le(b + OFF_RIP, 8);
	r->cs = (uint32_t)le(b + OFF_CS, 4);
	r->cr0 = le(b + OFF_CR0, 8);
	r->cr3 = le(b + OFF_CR3, 8);
	r->cr4 = le(b + OFF_CR4, 8);
	r->efer = le(b + OFF_EFER, 8);
	return true;
}

void gdb_format_x86_regs(const struct x86_regs *r, char *out, size_t len)
{
	snprintf(out, len, "RIP=0x%llx CR0=0x%llx CR3=0x%llx CR4=0x%llx EFER=0x%llx CS=%04x",
		 (unsigned long long)r->rip, (unsigned long long)r->cr0,
		 (unsigned long long)r->cr3, (unsigned long long)r->cr4,
		 (unsigned long long)r->efer, (unsigned)r->cs & 0xffff);
}

static bool send_packet(int fd, const char *payload)
{
	char pkt[64];
	unsigned sum = 0;

	for (const char *c = payload; *c; c++)
		sum += (unsigned char)*c;
	snprintf(pkt, sizeof(pkt), "$%s#%02x", payload, sum & 0xff);
	return send(fd, pkt, strlen(pkt), MSG_NOSIGNAL) == (ssize_t)strlen(pkt);
}

struct reader {
	int fd;
	char in[REPLY_MAX];
	size_t have;
};

/*
 * The next whole packet's payload into buf (NUL-terminated), acknowledged; '+' and '-' and
 * stray bytes before '$' skipped, what follows the packet kept for the next. Length of the
 * payload, or -1.
 */
static int read_packet(struct reader *rd, long long deadline, char *buf, size_t cap)
{
	char *in = rd->in;

	for (;;) {
		size_t have = rd->have;
		char *start = memchr(in, '$', have), *hash;

		if (start && (hash = memchr(start, '#', have - (size_t)(start - in))) &&
		    have - (size_t)(hash - in) >= 3) {
			size_t n = (size_t)(hash - start - 1);
			unsigned sum = 0;
			int hi = hex_digit(hash[1]), lo = hex_digit(hash[2]);

			for (size_t i = 0; i < n; i++)
				sum += (unsigned char)start[1 + i];
			if (hi < 0 || lo < 0 || (unsigned)(hi << 4 | lo) != (sum & 0xff) ||
			    n >= cap || memchr(start + 1, '*', n))
				return -1;
			memcpy(buf, start + 1, n);
			buf[n] = '\0';
			rd->have = have - (size_t)(hash + 3 - in);
			memmove(in, hash + 3, rd->have);
			send(rd->fd, "+", 1, MSG_NOSIGNAL);
			return (int)n;
		}
		if (have == sizeof(rd->in))
			return -1;

		long long left = deadline - clock_ms();
		struct pollfd p = { .fd = rd->fd, .events = POLLIN };

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;

		ssize_t got = read(rd->fd, in + have, sizeof(rd->in) - have);

		if (got <= 0)
			return -1;
		rd->have += (size_t)got;
	}
}

bool gdb_read_x86_regs(const char *path, int timeout_ms, struct x86_regs *r)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = clock_ms() + timeout_ms;
	static struct reader rd;
	static char payload[REPLY_MAX];
	bool ok = false;
	int n;

	if (strlen(path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	rd.have = 0;
	rd.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (rd.fd < 0)
		return false;
	/* "?" stops the guest and says why; then "g": the registers of the stopped vCPU. Stop
	 * replies ('T', 'S') may come more than once and before it: skipped */
	if (connect(rd.fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && send_packet(rd.fd, "?") &&
	    read_packet(&rd, deadline, payload, sizeof(payload)) >= 0 && send_packet(rd.fd, "g"))
		while ((n = read_packet(&rd, deadline, payload, sizeof(payload))) >= 0)
			if (payload[0] != 'T' && payload[0] != 'S') {
				ok = gdb_parse_x86_regs(payload, (size_t)n, r);
				break;
			}
	close(rd.fd);
	return ok;
}
