// SPDX-License-Identifier: MIT
/*
 * A QMP client (qemu/qmp.h): one JSON object a line each way, over a Unix socket. What QEMU
 * sends is parsed by json-c and bounded (a line longer than the buffer is a protocol error),
 * and every wait has a deadline, so a QEMU that hangs or talks nonsense ends the wait.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qemu/qmp.h"
#include "util/clock.h"

/* The next line QEMU sent, as JSON, within deadline (a CLOCK_MONOTONIC ms): 0 with *obj, or a
 * negative errno */
static int read_object(struct qmp *q, long long deadline, struct json_object **obj)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			*nl = '\0';
			*obj = json_tokener_parse(q->buf);
			q->len -= (size_t)(nl + 1 - q->buf);
			memmove(q->buf, nl + 1, q->len);
			if (!*obj || !json_object_is_type(*obj, json_type_object)) {
				json_object_put(*obj);
				*obj = NULL;
				return -EPROTO;
			}
			return 0;
		}
		if (q->len >= sizeof(q->buf) - 1)
			return -EPROTO;	/* a line longer than anything QMP sends us */

		long long left = deadline - clock_ms();
		struct pollfd p = { .fd = q->fd, .events = POLLIN };

		if (left <= 0)
			return -ETIMEDOUT;

		int rc = poll(&p, 1, (int)left);

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return rc < 0 ? -errno : -ETIMEDOUT;

		ssize_t n = read(q->fd, q->buf + q->len, sizeof(q->buf) - 1 - q->len);

		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		q->len += (size_t)n;
	}
}

int qmp_connect(struct qmp *q, const char *path, int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = clock_ms() + timeout_ms;
	struct json_object *greeting;
	int rc;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	while ((q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0 &&
	       connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(q->fd);
		q->fd = -1;
		if (clock_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(20000);	/* QEMU has not made its socket yet */
	}
	if (q->fd < 0)
		return -errno;
	if ((rc = read_object(q, deadline, &greeting)))
		return rc;

	bool is_qmp = json_object_object_get_ex(greeting, "QMP", NULL);

	json_object_put(greeting);
	if (!is_qmp)
		return -EPROTO;
	return qmp_execute(q, "qmp_capabilities", NULL, (int)(deadline - clock_ms()), NULL);
}

int qmp_execute(struct qmp *q, const char *name, struct json_object *args, int timeout_ms,
		struct json_object **ret)
{
	struct json_object *cmd = json_object_new_object();
	long long deadline = clock_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	const char *text;
	int rc;

	if (ret)
		*ret = NULL;
	if (!cmd) {
		json_object_put(args);
		return -ENOMEM;
	}
	json_object_object_add(cmd, "execute", json_object_new_string(name));
	if (args)
		json_object_object_add(cmd, "arguments", args);
	text = json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN);

	size_t n = strlen(text);
	bool sent = send(q->fd, text, n, MSG_NOSIGNAL) == (ssize_t)n &&
		    send(q->fd, "\n", 1, MSG_NOSIGNAL) == 1;

	json_object_put(cmd);
	if (!sent)
		return errno ? -errno : -EIO;
	for (;;) {
		struct json_object *obj, *value, *event;

		if ((rc = read_object(q, deadline, &obj)))
			return rc;
		if (json_object_object_get_ex(obj, "event", &event)) {
			q->stopped |= !strcmp(json_object_get_string(event), "STOP");
			json_object_put(obj);
			continue;
		}
		if (json_object_object_get_ex(obj, "return", &value)) {
			if (ret)
				*ret = json_object_get(value);
			json_object_put(obj);
			return 0;
		}
		json_object_put(obj);
		return -EIO;	/* {"error": ...} */
	}
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}
