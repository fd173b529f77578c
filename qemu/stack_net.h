/* SPDX-License-Identifier: MIT */
/*
 * The host's end of the stack guest's networks (qemu/stack_net.c), in a network namespace of
 * the device boot's own: a tap device and a listener that no other local user can reach, both
 * gone with the namespace. Without one the network proof is not made: on the host's own
 * network another user who read the nonce on QEMU's command line could answer for the guest.
 */
#ifndef VIRTCAP_QEMU_STACK_NET_H
#define VIRTCAP_QEMU_STACK_NET_H

#include <stdbool.h>
#include <stddef.h>

#define STACK_TAP_NAME "vctap0"
#define STACK_TAP_HOST "192.168.76.1"	/* the guest is .2 (scripts/stack-guest.sh) */

/* Move this process into a network namespace of its own (a user namespace too for a user
 * without CAP_SYS_ADMIN), its loopback up. NULL, or why not (a static sentence). */
const char *stack_net_private(void);
/* The tap device with the host's address, up; false with why */
bool stack_net_tap(char *why, size_t len);
/* A TCP listener on every address of the namespace; its fd with *port, or -1 */
int stack_net_listen(int *port);
/* The length of "NAME-NONCE" in a request that starts "GET /NAME-NONCE " (NAME [A-Za-z_]{1,16},
 * NONCE [0-9a-f]{1,32}), or 0; req has n bytes, not NUL-terminated */
size_t stack_net_request_name(const char *req, size_t n);
/* Answer one connection waiting on fd: "GET /NAME-NONCE " gets "VIRTCAP-NET-REPLY NAME-NONCE
 * SECRET", SECRET what secret_of(NAME) says (the guest must quote it: only the host's answer
 * carries it), and "NAME-NONCE" is appended to the file heard. A NAME secret_of does not know
 * (NULL) is not answered. */
void stack_net_answer(int fd, const char *heard,
		      const char *(*secret_of)(const char *name, size_t len, void *ctx), void *ctx);

#endif
