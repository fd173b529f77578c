/* SPDX-License-Identifier: MIT */
/*
 * libarchive, the field's tar reader, for --root HOST.tar.gz.
 *
 * The dynamic build loads it only when an archive is given: linked at start, libarchive and the
 * eleven libraries it needs (libxml2, ICU, libstdc++, ...) add 1.5 ms to every run, a tenth of a
 * whole probe here, for a feature most runs never use. The static builds link it (only its tar
 * and gzip readers are pulled in).
 */
#ifndef VIRTCAP_ARCHIVE_LIB_H
#define VIRTCAP_ARCHIVE_LIB_H

#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>

#define ARCHIVE_LIB_CALLS(X) \
	X(archive_read_new) \
	X(archive_read_support_filter_gzip) \
	X(archive_read_support_format_tar) \
	X(archive_read_open_fd) \
	X(archive_read_next_header) \
	X(archive_read_data) \
	X(archive_read_free) \
	X(archive_error_string) \
	X(archive_entry_pathname) \
	X(archive_entry_symlink) \
	X(archive_entry_hardlink) \
	X(archive_entry_filetype) \
	X(archive_entry_size) \
	X(archive_entry_size_is_set)

/* each call by its own name and type: lib->archive_read_new() */
struct archive_lib {
#define ARCHIVE_LIB_FIELD(name) __typeof__(name) *name;
	ARCHIVE_LIB_CALLS(ARCHIVE_LIB_FIELD)
#undef ARCHIVE_LIB_FIELD
};

/* The library, or NULL with one line in err saying what is missing and how to get it. */
const struct archive_lib *archive_lib_load(char *err, size_t errlen);

#endif
