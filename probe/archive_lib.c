// SPDX-License-Identifier: MIT
/* libarchive, loaded when first asked for (probe/archive_lib.h says why). */
#include <stdio.h>

#include "probe/archive_lib.h"

#ifndef LIBARCHIVE_LINKED
#define LIBARCHIVE_LINKED 0
#endif

#if LIBARCHIVE_LINKED

const struct archive_lib *archive_lib_load(char *err, size_t errlen)
{
	static const struct archive_lib linked = {
#define ARCHIVE_LIB_LINKED(name) .name = name,
		ARCHIVE_LIB_CALLS(ARCHIVE_LIB_LINKED)
#undef ARCHIVE_LIB_LINKED
	};

	(void)err;
	(void)errlen;
	return &linked;
}

#else

#include <dlfcn.h>

/* the soname Debian's libarchive13 (bookworm) and libarchive13t64 (trixie) both ship */
#define ARCHIVE_SONAME "libarchive.so.13"

const struct archive_lib *archive_lib_load(char *err, size_t errlen)
{
	static struct archive_lib lib;
	static void *handle;

	if (handle)
		return &lib;

	void *h = dlopen(ARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(err, errlen, "cannot read archives: %s (libarchive; on Debian: apt-get "
			 "install libarchive13)", dlerror());
		return NULL;
	}
	/* POSIX's way from dlsym's object pointer to a function pointer */
#define ARCHIVE_LIB_LOOKUP(name) \
	if (!(*(void **)&lib.name = dlsym(h, #name))) { \
		snprintf(err, errlen, "cannot read archives: %s has no %s (too old?)", \
			 ARCHIVE_SONAME, #name); \
		dlclose(h); \
		return NULL; \
	}
	ARCHIVE_LIB_CALLS(ARCHIVE_LIB_LOOKUP)
#undef ARCHIVE_LIB_LOOKUP
	handle = h;
	return &lib;
}

#endif
