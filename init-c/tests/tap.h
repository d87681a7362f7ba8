/* Minimal TAP output for the unit tests. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline bool ok(bool cond, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (!cond)
    tap_failed++;
  return cond;
}

static inline int tap_done(void) {
  printf("1..%d\n", tap_n);
  if (tap_failed)
    printf("# %d of %d failed\n", tap_failed, tap_n);
  return tap_failed ? 1 : 0;
}
