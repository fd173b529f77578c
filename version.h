/* SPDX-License-Identifier: MIT */
#ifndef VIRTCAP_VERSION_H
#define VIRTCAP_VERSION_H
#define VIRTCAP_VERSION "0.1.0"
#endif
