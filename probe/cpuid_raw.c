// SPDX-License-Identifier: MIT
// TEMPORARY
#include <errno.h>
#include <string.h>
#include "probe/cpuid_raw.h"
int cpuid_raw_parse(const char *text, size_t len, struct cpuid_raw *out, char *err, size_t errlen) { return -EINVAL; }
int cpuid_raw_format(const struct cpuid_raw *raw, char **out, size_t *len) { return -ENOSYS; }
int cpuid_raw_read_live(struct cpuid_raw *out) { return -ENOSYS; }
bool cpuid_raw_leaf(const struct cpuid_raw *raw, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out) { return false; }
int cpuid_raw_bit(const struct cpuid_raw *raw, const struct cpuid_bit *bit) { return -1; }
void cpuid_raw_vendor(const struct cpuid_raw *raw, char out[13]) { memset(out, 0, 13); }
bool cpuid_raw_safe_for_libcpuid(const struct cpuid_raw *raw, const char **why) { return false; }
