#include "pulse/tagstruct.h"

#include <errno.h>
#include <string.h>

#include "pulse/proto.h"

/* PulseAudio refuses more channels than this in maps and volumes. */
#define PA_CHANNELS_MAX 32u

void ts_init(struct ts *t, const uint8_t *data, size_t len) {
  t->data = data;
  t->len = len;
  t->pos = 0;
}

bool ts_eof(const struct ts *t) {
  return t->pos == t->len;
}

uint32_t be32_get(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void be32_put(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static size_t left(const struct ts *t) {
  return t->len - t->pos;
}

/* Consumes a tag byte and n raw bytes after it, or nothing. */
static int take(struct ts *t, uint8_t tag, size_t n, const uint8_t **raw) {
  if (left(t) < 1 || t->data[t->pos] != tag || left(t) - 1 < n)
    return -EBADMSG;
  if (raw != NULL)
    *raw = t->data + t->pos + 1;
  t->pos += 1 + n;
  return 0;
}

int ts_u32(struct ts *t, uint32_t *v) {
  const uint8_t *raw;
  int r = take(t, PA_TAG_U32, 4, &raw);
  if (r == 0)
    *v = be32_get(raw);
  return r;
}

int ts_arbitrary(struct ts *t, const uint8_t **p, uint32_t *n) {
  const uint8_t *raw;
  if (take(t, PA_TAG_ARBITRARY, 4, &raw) < 0)
    return -EBADMSG;
  uint32_t len = be32_get(raw);
  if (left(t) < len) {
    t->pos -= 5;
    return -EBADMSG;
  }
  *p = t->data + t->pos;
  *n = len;
  t->pos += len;
  return 0;
}

int ts_string(struct ts *t, const char **s) {
  if (left(t) < 1)
    return -EBADMSG;
  uint8_t tag = t->data[t->pos];
  if (tag == PA_TAG_STRING_NULL) {
    t->pos++;
    *s = NULL;
    return 0;
  }
  if (tag != PA_TAG_STRING)
    return -EBADMSG;
  const uint8_t *start = t->data + t->pos + 1;
  const uint8_t *nul = memchr(start, '\0', left(t) - 1);
  if (nul == NULL)
    return -EBADMSG;
  *s = (const char *)start;
  t->pos += 1 + (size_t)(nul - start) + 1;
  return 0;
}

/* A proplist after its tag: (string key, u32 length, arbitrary value)...
 * ended by a STRING_NULL. Each round consumes bytes, so it ends. */
static int skip_proplist_body(struct ts *t) {
  for (;;) {
    const char *key;
    uint32_t n, m;
    const uint8_t *v;
    if (ts_string(t, &key) < 0)
      return -EBADMSG;
    if (key == NULL)
      return 0;
    if (ts_u32(t, &n) < 0 || ts_arbitrary(t, &v, &m) < 0 || n != m)
      return -EBADMSG;
  }
}

/* A u8 count of 1..PA_CHANNELS_MAX (0 allowed when allow_zero), then
 * count items of size bytes each. */
static int skip_counted(struct ts *t, uint8_t tag, size_t size, bool allow_zero) {
  const uint8_t *raw;
  if (take(t, tag, 1, &raw) < 0)
    return -EBADMSG;
  uint8_t count = raw[0];
  if ((count == 0 && !allow_zero) || count > PA_CHANNELS_MAX || left(t) < count * size) {
    t->pos -= 2;
    return -EBADMSG;
  }
  t->pos += count * size;
  return 0;
}

int ts_skip(struct ts *t) {
  if (left(t) < 1)
    return -EBADMSG;
  size_t start = t->pos;
  uint8_t tag = t->data[t->pos];
  const char *s;
  const uint8_t *p;
  uint32_t n;
  int r;
  switch (tag) {
  case PA_TAG_STRING:
  case PA_TAG_STRING_NULL:
    return ts_string(t, &s);
  case PA_TAG_ARBITRARY:
    return ts_arbitrary(t, &p, &n);
  case PA_TAG_U32:
  case PA_TAG_VOLUME:
    return take(t, tag, 4, NULL);
  case PA_TAG_U8:
    return take(t, tag, 1, NULL);
  case PA_TAG_U64:
  case PA_TAG_S64:
  case PA_TAG_USEC:
  case PA_TAG_TIMEVAL:
    return take(t, tag, 8, NULL);
  case PA_TAG_SAMPLE_SPEC:
    return take(t, tag, 6, NULL);
  case PA_TAG_BOOLEAN_TRUE:
  case PA_TAG_BOOLEAN_FALSE:
    return take(t, tag, 0, NULL);
  case PA_TAG_CHANNEL_MAP:
    return skip_counted(t, tag, 1, true);
  case PA_TAG_CVOLUME:
    return skip_counted(t, tag, 4, true);
  case PA_TAG_PROPLIST:
    t->pos++;
    r = skip_proplist_body(t);
    break;
  case PA_TAG_FORMAT_INFO:
    /* The encoding is a tagged u8, the proplist a tagged one. */
    r = take(t, tag, 0, NULL) == 0 && take(t, PA_TAG_U8, 1, NULL) == 0 &&
                take(t, PA_TAG_PROPLIST, 0, NULL) == 0
            ? skip_proplist_body(t)
            : -EBADMSG;
    break;
  default:
    return -EBADMSG;
  }
  if (r < 0)
    t->pos = start;
  return r;
}

int ts_put_u32(uint8_t *buf, size_t cap, size_t *pos, uint32_t v) {
  if (*pos > cap || cap - *pos < 5)
    return -ENOSPC;
  buf[*pos] = PA_TAG_U32;
  be32_put(buf + *pos + 1, v);
  *pos += 5;
  return 0;
}
