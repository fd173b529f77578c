// SPDX-License-Identifier: MIT
/* The stack guest's networks, host side (qemu/stack_net.h) */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "qemu/stack_net.h"

#define REQUEST_MAX 1024
#define REQUEST_WAIT_S 2	/* a guest holding a connection open costs at most this */

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool link_up(int sock, const char *name)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr) == 0;
}

const char *stack_net_private(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	int sock;

	if (unshare(CLONE_NEWNET) < 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			return "this user may not make a network namespace (unprivileged user "
			       "namespaces are off, e.g. kernel.unprivileged_userns_clone=0 or "
			       "AppArmor's restrict_unprivileged_userns, or the namespace limits "
			       "are 0)";
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (!write_file("/proc/self/setgroups", "deny") ||
		    !write_file("/proc/self/uid_map", map))
			return "the user namespace's identity could not be mapped";
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (!write_file("/proc/self/gid_map", map))
			return "the user namespace's group could not be mapped";
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || !link_up(sock, "lo")) {
		if (sock >= 0)
			close(sock);
		return "the namespace's loopback could not be brought up";
	}
	close(sock);
	return NULL;
}

bool stack_net_tap(char *why, size_t len)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), sock = -1;
	const char *step = "opening /dev/net/tun";

	if (fd < 0)
		goto fail;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), STACK_TAP_NAME);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	step = "making the tap device (TUNSETIFF)";
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto fail;
	step = "keeping it for QEMU (TUNSETPERSIST)";	/* it ends with the namespace */
	if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		goto fail;
	close(fd);
	fd = -1;
	step = "giving it its address";
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), STACK_TAP_NAME);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, STACK_TAP_HOST, &sin->sin_addr);
	if (sock < 0 || ioctl(sock, SIOCSIFADDR, &ifr) < 0)
		goto fail;
	inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
	if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
		goto fail;
	step = "bringing it up";
	if (!link_up(sock, STACK_TAP_NAME))
		goto fail;
	close(sock);
	return true;
fail:
	snprintf(why, len, "%s: %s", step, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (sock >= 0)
		close(sock);
	return false;
}

int stack_net_listen(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

size_t stack_net_request_name(const char *req, size_t n)
{
	size_t i = 0, name = 0, hex = 0;

	if (n < 5 || memcmp(req, "GET /", 5))
		return 0;
	req += 5;
	n -= 5;
	while (i < n && name < 17 && ((req[i] >= 'a' && req[i] <= 'z') ||
				      (req[i] >= 'A' && req[i] <= 'Z') || req[i] == '_'))
		i++, name++;
	if (!name || name > 16 || i >= n || req[i++] != '-')
		return 0;
	while (i < n && hex < 33 && ((req[i] >= '0' && req[i] <= '9') ||
				     (req[i] >= 'a' && req[i] <= 'f')))
		i++, hex++;
	if (!hex || hex > 32 || i >= n || req[i] != ' ')
		return 0;
	return i;
}

void stack_net_answer(int fd, const char *heard,
		      const char *(*secret_of)(const char *name, size_t len, void *ctx), void *ctx)
{
	struct timeval wait = { .tv_sec = REQUEST_WAIT_S };
	char req[REQUEST_MAX], reply[256];
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	ssize_t n;
	size_t name;
	const char *secret = NULL;

	if (c < 0)
		return;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait));
	n = recv(c, req, sizeof(req), 0);
	if (n > 0 && (name = stack_net_request_name(req, (size_t)n)) &&
	    (secret = secret_of(req + 5, strcspn(req + 5, "-"), ctx))) {
		int out = open(heard, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		int body = (int)name;

		if (out >= 0) {
			if (write(out, req + 5, name) < 0 || write(out, "\n", 1) < 0)
				body = -1;
			close(out);
		}
		if (body > 0) {
			int len = snprintf(reply, sizeof(reply), "HTTP/1.0 200 OK\r\nContent-Length: "
					   "%zu\r\n\r\nVIRTCAP-NET-REPLY %.*s %.32s",
					   strlen("VIRTCAP-NET-REPLY  ") + name + strlen(secret),
					   (int)name, req + 5, secret);

			send(c, reply, (size_t)len, MSG_NOSIGNAL);
		}
	}
	close(c);
}
