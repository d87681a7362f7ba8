#include "pulse/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int buf_reserve(struct buf *b, size_t n) {
  if (b->cap - b->end >= n)
    return 0;
  size_t len = buf_len(b);
  if (b->start > 0) {
    memmove(b->data, b->data + b->start, len);
    b->start = 0;
    b->end = len;
  }
  if (b->cap - len >= n)
    return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - len < n)
    cap *= 2;
  uint8_t *d = realloc(b->data, cap);
  if (d == NULL)
    return -ENOMEM;
  b->data = d;
  b->cap = cap;
  return 0;
}

int buf_append(struct buf *b, const void *p, size_t n) {
  if (n == 0)
    return 0;
  int r = buf_reserve(b, n);
  if (r < 0)
    return r;
  memcpy(b->data + b->end, p, n);
  b->end += n;
  return 0;
}

void buf_consume(struct buf *b, size_t n) {
  b->start += n;
  if (b->start == b->end)
    b->start = b->end = 0;
}

void buf_trim(struct buf *b, size_t keep) {
  if (buf_len(b) == 0 && b->cap > keep)
    buf_free(b);
}

void buf_free(struct buf *b) {
  free(b->data);
  b->data = NULL;
  b->start = b->end = b->cap = 0;
}
