/* Builds plans in memory (per docs/plan-format.md) for tests and seeds. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct pb {
  unsigned char *buf;
  size_t len, cap;
  size_t record; /* offset of the open record's header */
};

void pb_init(struct pb *b);
void pb_free(struct pb *b);
void pb_bytes(struct pb *b, const void *data, size_t n);
void pb_u16(struct pb *b, uint16_t v);
void pb_u32(struct pb *b, uint32_t v);
void pb_u64(struct pb *b, uint64_t v);
void pb_strn(struct pb *b, const char *s, size_t n);
void pb_str(struct pb *b, const char *s);
/* count, then each string; list is NULL-terminated. */
void pb_strs(struct pb *b, const char *const *list);
void pb_begin(struct pb *b, uint16_t tag);
void pb_end(struct pb *b); /* patches the open record's length */
/* PARAMS with uid/gid 1000, hostname "hsu", cwd "/", argv, env PATH. */
void pb_params(struct pb *b, const char *const *argv);
void pb_end_record(struct pb *b);
/* Patches body_length; the plan is then buf[0..len). */
void pb_finish(struct pb *b);
/* A valid plan with one op of every type. */
void pb_full_plan(struct pb *b);
