/* SPDX-License-Identifier: MIT */
/*
 * Unpacking a snapshot archive (virtcap snapshot's .tar.gz, or a plain tar) into a directory,
 * safely: nothing is ever written outside dir_fd (probe/root_archive.c says how).
 */
#ifndef VIRTCAP_ROOT_ARCHIVE_H
#define VIRTCAP_ROOT_ARCHIVE_H

#include <stddef.h>

/*
 * Unpack archive into the directory dir_fd. Returns 0, or a negative errno with one line in
 * err naming the archive, the entry and the problem; the directory may then hold part of it.
 */
int root_archive_unpack(const char *archive, int dir_fd, char *err, size_t errlen);

#endif
