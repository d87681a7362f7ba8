/* A bounded reader of PulseAudio tagstructs (typed values, each behind a
 * one-byte type tag) and the few writes the filter needs. Every read checks
 * the type tag and the remaining length; on failure the reader is left
 * where it was and the function returns -EBADMSG. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts {
  const uint8_t *data;
  size_t len, pos;
};

void ts_init(struct ts *t, const uint8_t *data, size_t len);
bool ts_eof(const struct ts *t);
int ts_u32(struct ts *t, uint32_t *v);
/* An ARBITRARY value: *p points into the data, *n is its length. */
int ts_arbitrary(struct ts *t, const uint8_t **p, uint32_t *n);
/* A STRING (NUL-terminated inside the data) or STRING_NULL (*s = NULL). */
int ts_string(struct ts *t, const char **s);
/* Skips one value of any type, a proplist or format info included. */
int ts_skip(struct ts *t);

/* Big-endian helpers over raw bytes. */
uint32_t be32_get(const uint8_t *p);
void be32_put(uint8_t *p, uint32_t v);
/* Appends a U32 value (5 bytes) at *pos of buf (size cap); -ENOSPC. */
int ts_put_u32(uint8_t *buf, size_t cap, size_t *pos, uint32_t v);
