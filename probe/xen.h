/* SPDX-License-Identifier: MIT */
/*
 * Xen, from inside one of its domains (probe/xen.c): which kind of guest this kernel is, and
 * whether it is the control domain. The fixes say what can be done where this system is; they
 * replace the ones that would send a Xen domain to its firmware setup or to modprobe.
 */
#ifndef VIRTCAP_XEN_H
#define VIRTCAP_XEN_H

/* an HVM domain, its CPUID signature Xen's or Viridian's (Hyper-V's, offered first) */
#define XEN_NESTED_HVM \
	"on the Xen host: add nestedhvm=1 to this domain's xl configuration (Xen calls nested " \
	"virtualization experimental), then restart the domain"

#endif
