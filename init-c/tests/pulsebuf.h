/* Builds native-protocol packets and frames for the tests and the fuzzing
 * seeds. Fixed-size, no allocation; overflowing the buffer aborts. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pulse/proto.h"

struct pk {
  uint8_t b[4096];
  size_t n;
};

static inline void pk_raw(struct pk *p, const void *d, size_t n) {
  if (n > sizeof(p->b) - p->n)
    abort();
  memcpy(p->b + p->n, d, n);
  p->n += n;
}
static inline void pk_byte(struct pk *p, uint8_t v) {
  pk_raw(p, &v, 1);
}
static inline void pk_be32(struct pk *p, uint32_t v) {
  uint8_t d[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
  pk_raw(p, d, 4);
}
static inline void pk_u32(struct pk *p, uint32_t v) {
  pk_byte(p, PA_TAG_U32);
  pk_be32(p, v);
}
static inline void pk_str(struct pk *p, const char *s) {
  if (s == NULL) {
    pk_byte(p, PA_TAG_STRING_NULL);
    return;
  }
  pk_byte(p, PA_TAG_STRING);
  pk_raw(p, s, strlen(s) + 1);
}
static inline void pk_arb(struct pk *p, const void *d, uint32_t n) {
  pk_byte(p, PA_TAG_ARBITRARY);
  pk_be32(p, n);
  pk_raw(p, d, n);
}
/* A proplist of one string property key=value. */
static inline void pk_proplist1(struct pk *p, const char *key, const char *value) {
  pk_byte(p, PA_TAG_PROPLIST);
  pk_str(p, key);
  pk_u32(p, (uint32_t)strlen(value) + 1);
  pk_arb(p, value, (uint32_t)strlen(value) + 1);
  pk_str(p, NULL);
}
/* A command packet: command, tag. */
static inline void pk_cmd(struct pk *p, uint32_t command, uint32_t tag) {
  p->n = 0;
  pk_u32(p, command);
  pk_u32(p, tag);
}
/* AUTH as libpulse sends it: version with flags, a 256-byte cookie. */
static inline void pk_auth(struct pk *p, uint32_t tag, uint32_t version, uint8_t fill) {
  uint8_t cookie[PA_NATIVE_COOKIE_LENGTH];
  memset(cookie, fill, sizeof(cookie));
  pk_cmd(p, PA_COMMAND_AUTH, tag);
  pk_u32(p, version);
  pk_arb(p, cookie, sizeof(cookie));
}
/* A whole frame: descriptor, then payload. */
static inline void pk_frame(struct pk *out, uint32_t channel, uint32_t flags, const void *payload,
                            uint32_t n) {
  out->n = 0;
  pk_be32(out, n);
  pk_be32(out, channel);
  pk_be32(out, 0);
  pk_be32(out, 0);
  pk_be32(out, flags);
  pk_raw(out, payload, n);
}
