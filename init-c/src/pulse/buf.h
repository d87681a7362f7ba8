/* Byte queues of the relay: append at the end, consume from the front,
 * growing on demand up to the caller's limits. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct buf {
  uint8_t *data;
  size_t start, end, cap;
};

static inline size_t buf_len(const struct buf *b) {
  return b->end - b->start;
}
static inline const uint8_t *buf_head(const struct buf *b) {
  return b->data != NULL ? b->data + b->start : b->data;
}
/* Room for at least n more bytes at the end (moving the contents to the
 * front, then growing); -ENOMEM. */
int buf_reserve(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
/* Gives the memory back when empty and larger than keep. */
void buf_trim(struct buf *b, size_t keep);
void buf_free(struct buf *b);
