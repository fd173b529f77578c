/* SPDX-License-Identifier: MIT */
/* A random nonce as 16 hex digits: what a proof's guest or program must give back changed */
#ifndef VIRTCAP_UTIL_NONCE_H
#define VIRTCAP_UTIL_NONCE_H

void nonce_hex(char out[17]);

#endif
