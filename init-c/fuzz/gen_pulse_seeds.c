/* Writes a few native-protocol sessions as seeds for fuzz_pulse: a
 * playback session, a recording one, attacks and framing errors. */
#include <stdio.h>
#include <stdlib.h>

#include "pulsebuf.h"

struct seed {
  uint8_t b[16384];
  size_t n;
};

static void put(struct seed *s, const void *d, size_t n) {
  if (n > sizeof(s->b) - s->n)
    abort();
  memcpy(s->b + s->n, d, n);
  s->n += n;
}

/* One chunk: from the server or the client, a whole frame around payload. */
static void chunk(struct seed *s, int from_server, uint32_t channel, uint32_t flags,
                  const struct pk *payload) {
  struct pk f;
  pk_frame(&f, channel, flags, payload->b, (uint32_t)payload->n);
  uint8_t h[2] = {(uint8_t)((from_server ? 0x80 : 0) | (f.n >> 8)), (uint8_t)f.n};
  put(s, h, 2);
  put(s, f.b, f.n);
}

static void save(const char *dir, const char *name, const struct seed *s) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(s->b, 1, s->n, f) != s->n || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

static void handshake(struct seed *s) {
  struct pk p;
  pk_auth(&p, 1, 35u | 0xC0000000u, 0xee);
  chunk(s, 0, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_REPLY, 1);
  pk_u32(&p, 35u | 0x80000000u);
  chunk(s, 1, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_SET_CLIENT_NAME, 2);
  pk_proplist1(&p, "application.name", "paplay");
  chunk(s, 0, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_REPLY, 2);
  pk_u32(&p, 7);
  chunk(s, 1, PA_CHANNEL_CONTROL, 0, &p);
}

/* CREATE_<kind>_STREAM as tag, the reply with channel 0 and index 42. */
static void stream(struct seed *s, uint32_t command, uint32_t tag) {
  struct pk p;
  pk_cmd(&p, command, tag);
  pk_byte(&p, PA_TAG_SAMPLE_SPEC);
  pk_raw(&p, "\x03\x02\x00\x00\xbb\x80", 6);
  pk_byte(&p, PA_TAG_CHANNEL_MAP);
  pk_raw(&p, "\x02\x01\x02", 3);
  pk_u32(&p, 0xFFFFFFFFu);
  pk_str(&p, "hsutest");
  pk_proplist1(&p, "media.name", "tone");
  chunk(s, 0, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_REPLY, tag);
  pk_u32(&p, 0);
  pk_u32(&p, 42);
  pk_u32(&p, 4096);
  chunk(s, 1, PA_CHANNEL_CONTROL, 0, &p);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gen-pulse-seeds DIR\n");
    return 2;
  }
  struct seed s = {.n = 0};
  struct pk p, audio = {.n = 0};
  for (int i = 0; i < 256; i++)
    pk_byte(&audio, (uint8_t)i);

  s.b[s.n++] = 2; /* --cookie */
  handshake(&s);
  stream(&s, PA_COMMAND_CREATE_PLAYBACK_STREAM, 3);
  pk_cmd(&p, PA_COMMAND_REQUEST, 0xFFFFFFFFu);
  pk_u32(&p, 0);
  pk_u32(&p, 4096);
  chunk(&s, 1, PA_CHANNEL_CONTROL, 0, &p);
  chunk(&s, 0, 0, 0, &audio);
  pk_cmd(&p, PA_COMMAND_SET_SINK_INPUT_VOLUME, 4);
  pk_u32(&p, 42);
  pk_byte(&p, PA_TAG_CVOLUME);
  pk_raw(&p, "\x01\x00\x01\x00\x00", 5);
  chunk(&s, 0, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_DELETE_PLAYBACK_STREAM, 5);
  pk_u32(&p, 0);
  chunk(&s, 0, PA_CHANNEL_CONTROL, 0, &p);
  save(argv[1], "playback", &s);

  s.n = 0;
  s.b[s.n++] = 1; /* --record */
  handshake(&s);
  stream(&s, PA_COMMAND_CREATE_RECORD_STREAM, 3);
  chunk(&s, 1, 0, 0, &audio);
  pk_cmd(&p, PA_COMMAND_GET_SOURCE_OUTPUT_INFO, 4);
  pk_u32(&p, 42);
  chunk(&s, 0, PA_CHANNEL_CONTROL, 0, &p);
  save(argv[1], "record", &s);

  s.n = 0;
  s.b[s.n++] = 0;
  handshake(&s);
  pk_cmd(&p, PA_COMMAND_LOAD_MODULE, 3);
  pk_str(&p, "module-ladspa-sink");
  pk_str(&p, "plugin=/tmp/evil.so label=x");
  chunk(&s, 0, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_EXTENSION, 4);
  pk_u32(&p, 0xFFFFFFFFu);
  pk_str(&p, "module-stream-restore");
  chunk(&s, 0, PA_CHANNEL_CONTROL, 0, &p);
  pk_cmd(&p, PA_COMMAND_ENABLE_SRBCHANNEL, 0xFFFFFFFFu);
  pk_u32(&p, 1);
  chunk(&s, 1, PA_CHANNEL_CONTROL, 0, &p);
  save(argv[1], "attacks", &s);

  s.n = 0;
  s.b[s.n++] = 0;
  pk_cmd(&p, PA_COMMAND_STAT, 1);
  chunk(&s, 0, 0, 0x80000000u, &p);
  save(argv[1], "shm-memblock", &s);
  return 0;
}
