/* SPDX-License-Identifier: MIT */
/*
 * A small TAP producer for the C test programs (TAP 13 as `prove` reads it).
 * Plan first (tap_plan), or tap_skip_all with a reason when a prerequisite is missing; then one
 * ok/is_* call per test; tap_done() returns the exit status (non-zero when any test failed or
 * the count differs from the plan).
 */
#ifndef VIRTCAP_TAP_H
#define VIRTCAP_TAP_H

#include <stdbool.h>

void tap_plan(int n);
void tap_plan_lazy(void);	/* print the plan at tap_done(), for data-driven tests */
void tap_skip_all(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void tap_bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
bool ok(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool is_int(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool is_string(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tap_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);

#endif
