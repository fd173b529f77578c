/* SPDX-License-Identifier: MIT */
/*
 * The scripts virtcap runs (lab.sh, the stack guest's init) beside the program in a build tree
 * (scripts/), or where make install put them (PREFIX/lib/virtcap), found from the program's own
 * path (util/self.c).
 */
#ifndef VIRTCAP_UTIL_SELF_H
#define VIRTCAP_UTIL_SELF_H

#include <stddef.h>

#ifndef VIRTCAP_LIBEXEC
#define VIRTCAP_LIBEXEC "/usr/local/lib/virtcap"
#endif

/* The path of script name into path; 0, or -ENOENT when it is in neither place */
int self_script_path(const char *name, char *path, size_t len);

#endif
