/* hsu-pulse-filter's parser and policy, without sockets. */
#include <errno.h>
#include <string.h>

#include "pulse/buf.h"
#include "pulse/filter.h"
#include "pulse/frame.h"
#include "pulse/relay.h"
#include "pulse/tagstruct.h"
#include "pulsebuf.h"
#include "tap.h"

static void test_tagstruct(void) {
  struct pk p = {0};
  struct ts t;
  uint32_t v;
  const char *s;
  const uint8_t *a;
  uint32_t n;

  pk_u32(&p, 0x01020304);
  pk_str(&p, "sink");
  pk_str(&p, NULL);
  pk_arb(&p, "abc", 3);
  ts_init(&t, p.b, p.n);
  ok(ts_u32(&t, &v) == 0 && v == 0x01020304, "u32 read big-endian");
  ok(ts_u32(&t, &v) == -EBADMSG && t.pos == 5, "u32 refuses a string, reader unmoved");
  ok(ts_string(&t, &s) == 0 && strcmp(s, "sink") == 0, "string read");
  ok(ts_string(&t, &s) == 0 && s == NULL, "null string read");
  ok(ts_arbitrary(&t, &a, &n) == 0 && n == 3 && memcmp(a, "abc", 3) == 0, "arbitrary read");
  ok(ts_eof(&t) && ts_u32(&t, &v) == -EBADMSG, "nothing past the end");

  bool refused = true;
  for (size_t cut = 0; cut < 5; cut++) {
    ts_init(&t, p.b, cut);
    refused = refused && ts_u32(&t, &v) == -EBADMSG && t.pos == 0;
  }
  ok(refused, "u32 cut short refused");
  const uint8_t unterminated[] = {PA_TAG_STRING, 'a', 'b'};
  ts_init(&t, unterminated, sizeof(unterminated));
  ok(ts_string(&t, &s) == -EBADMSG && t.pos == 0, "string without NUL refused");
  const uint8_t long_arb[] = {PA_TAG_ARBITRARY, 0, 0, 0, 9, 'x'};
  ts_init(&t, long_arb, sizeof(long_arb));
  ok(ts_arbitrary(&t, &a, &n) == -EBADMSG && t.pos == 0, "arbitrary longer than the data refused");
  const uint8_t huge_arb[] = {PA_TAG_ARBITRARY, 0xff, 0xff, 0xff, 0xff, 'x'};
  ts_init(&t, huge_arb, sizeof(huge_arb));
  ok(ts_arbitrary(&t, &a, &n) == -EBADMSG, "arbitrary of 4 GiB refused");
}

static void test_skip(void) {
  struct pk p = {0};
  struct ts t;
  /* One of every type, as CREATE_PLAYBACK_STREAM mixes them. */
  pk_byte(&p, PA_TAG_SAMPLE_SPEC);
  pk_raw(&p, "\x03\x02\x00\x00\xbb\x80", 6);
  pk_byte(&p, PA_TAG_CHANNEL_MAP);
  pk_raw(&p, "\x02\x01\x02", 3);
  pk_byte(&p, PA_TAG_CVOLUME);
  pk_raw(&p, "\x01\x00\x01\x00\x00", 5);
  pk_byte(&p, PA_TAG_BOOLEAN_TRUE);
  pk_byte(&p, PA_TAG_BOOLEAN_FALSE);
  pk_byte(&p, PA_TAG_U8);
  pk_byte(&p, 7);
  pk_byte(&p, PA_TAG_USEC);
  pk_raw(&p, "12345678", 8);
  pk_byte(&p, PA_TAG_TIMEVAL);
  pk_raw(&p, "12345678", 8);
  pk_byte(&p, PA_TAG_VOLUME);
  pk_be32(&p, 0x10000);
  pk_proplist1(&p, "media.name", "tone");
  pk_byte(&p, PA_TAG_FORMAT_INFO);
  pk_byte(&p, PA_TAG_U8);
  pk_byte(&p, 1);
  pk_proplist1(&p, "format.rate", "48000");
  pk_str(&p, "end");
  ts_init(&t, p.b, p.n);
  int values = 0;
  while (!ts_eof(&t) && ts_skip(&t) == 0)
    values++;
  ok(ts_eof(&t) && values == 12, "skip walks one value of each type (%d)", values);
  bool within = true;
  for (size_t cut = 0; cut < p.n; cut++) {
    ts_init(&t, p.b, cut);
    while (ts_skip(&t) == 0)
      ;
    within = within && t.pos <= cut;
  }
  ok(within, "skip never reads past the data, wherever it is cut");
  const uint8_t many[] = {PA_TAG_CVOLUME, 33};
  ts_init(&t, many, sizeof(many));
  ok(ts_skip(&t) == -EBADMSG, "a volume of 33 channels refused");
  const uint8_t unknown[] = {'?'};
  ts_init(&t, unknown, 1);
  ok(ts_skip(&t) == -EBADMSG, "an unknown type tag refused");
  struct pk bad = {0};
  pk_byte(&bad, PA_TAG_PROPLIST);
  pk_str(&bad, "k");
  pk_u32(&bad, 5); /* says 5, the value has 2 */
  pk_arb(&bad, "v", 2);
  pk_str(&bad, NULL);
  ts_init(&t, bad.b, bad.n);
  ok(ts_skip(&t) == -EBADMSG && t.pos == 0, "a proplist whose lengths disagree refused");
}

static void test_frames(void) {
  uint8_t d[PA_DESC_SIZE];
  struct pf_frame f = {.length = 10, .channel = 3, .offset_hi = 1, .offset_lo = 2, .flags = 1}, g;
  frame_encode(&f, d);
  frame_decode(d, &g);
  ok(memcmp(&f, &g, sizeof(f)) == 0 && d[3] == 10 && d[7] == 3,
     "descriptor round trip, big-endian");
  ok(frame_check(&f, PF_FROM_CLIENT) == NULL, "a memblock with a seek mode passes");
  static const uint32_t shm[] = {0x80000000u, 0x40000000u, 0xC0000000u,
                                 0x20000000u, 0xA0000000u, 0x01000000u};
  for (size_t i = 0; i < sizeof(shm) / sizeof(shm[0]); i++) {
    struct pf_frame s = {.length = 16, .channel = 0, .flags = shm[i]};
    ok(frame_check(&s, PF_FROM_CLIENT) != NULL && frame_check(&s, PF_FROM_SERVER) != NULL,
       "SHM flags 0x%08x refused both ways", shm[i]);
    s.channel = PA_CHANNEL_CONTROL;
    ok(frame_check(&s, PF_FROM_CLIENT) != NULL, "SHM flags 0x%08x on a packet refused", shm[i]);
  }
  struct pf_frame s = {.length = 16, .flags = 0x00800000u};
  ok(frame_check(&s, PF_FROM_CLIENT) != NULL, "shm-writable bit refused");
  s.flags = 4;
  ok(frame_check(&s, PF_FROM_CLIENT) != NULL, "seek mode 4 refused");
  s.flags = 0;
  s.length = 0;
  ok(frame_check(&s, PF_FROM_CLIENT) != NULL, "an empty memblock refused");
  s.length = PF_MAX_MEMBLOCK;
  ok(frame_check(&s, PF_FROM_CLIENT) == NULL, "a 4 MiB memblock passes");
  s.length = PF_MAX_MEMBLOCK + 1;
  ok(frame_check(&s, PF_FROM_CLIENT) != NULL, "a memblock over 4 MiB refused");
  s.length = 0xFFFFFFFFu;
  ok(frame_check(&s, PF_FROM_SERVER) != NULL, "a 4 GiB memblock refused");
  struct pf_frame c = {.channel = PA_CHANNEL_CONTROL, .length = PF_MAX_CLIENT_PACKET};
  ok(frame_check(&c, PF_FROM_CLIENT) == NULL, "a 128 KiB client packet passes");
  c.length++;
  ok(frame_check(&c, PF_FROM_CLIENT) != NULL, "a client packet over 128 KiB refused");
  ok(frame_check(&c, PF_FROM_SERVER) == NULL, "the server may send larger packets");
  c.length = PF_MAX_SERVER_PACKET + 1;
  ok(frame_check(&c, PF_FROM_SERVER) != NULL, "a server packet over 1 MiB refused");
  c.length = 10;
  c.flags = 1;
  ok(frame_check(&c, PF_FROM_CLIENT) != NULL, "a packet with a seek mode refused");
  c.flags = 0;
  c.length = 0;
  ok(frame_check(&c, PF_FROM_CLIENT) != NULL, "an empty packet refused");
}

static struct pf_verdict from_client(struct pf_conn *c, struct pk *p) {
  struct pf_verdict v;
  pf_client_packet(c, p->b, p->n, &v);
  return v;
}

static struct pf_verdict from_server(struct pf_conn *c, struct pk *p) {
  struct pf_verdict v;
  pf_server_packet(c, p->b, p->n, &v);
  return v;
}

/* A command with one u32 argument; tags count up like libpulse's. */
static struct pf_verdict send1(struct pf_conn *c, uint32_t command, uint32_t arg) {
  static uint32_t tag = 1000;
  struct pk p;
  pk_cmd(&p, command, ++tag);
  pk_u32(&p, arg);
  pk_str(&p, NULL);
  struct pf_verdict v = from_client(c, &p);
  /* Answer it at once, so that the pending table does not fill. */
  if (v.kind == PF_FORWARD) {
    struct pk r;
    pk_cmd(&r, PA_COMMAND_REPLY, tag);
    from_server(c, &r);
  }
  return v;
}

static bool refused(struct pf_verdict v, uint32_t error) {
  return v.kind == PF_REFUSE && v.error == error;
}

static const uint32_t always_refused[] = {PA_COMMAND_LOAD_MODULE,
                                          PA_COMMAND_UNLOAD_MODULE,
                                          PA_COMMAND_EXIT,
                                          PA_COMMAND_SET_DEFAULT_SINK,
                                          PA_COMMAND_SET_DEFAULT_SOURCE,
                                          PA_COMMAND_MOVE_SINK_INPUT,
                                          PA_COMMAND_MOVE_SOURCE_OUTPUT,
                                          PA_COMMAND_KILL_CLIENT,
                                          PA_COMMAND_KILL_SINK_INPUT,
                                          PA_COMMAND_KILL_SOURCE_OUTPUT,
                                          PA_COMMAND_SUSPEND_SINK,
                                          PA_COMMAND_SUSPEND_SOURCE,
                                          PA_COMMAND_SET_SINK_VOLUME,
                                          PA_COMMAND_SET_SOURCE_VOLUME,
                                          PA_COMMAND_SET_SINK_MUTE,
                                          PA_COMMAND_SET_SOURCE_MUTE,
                                          PA_COMMAND_SET_CARD_PROFILE,
                                          PA_COMMAND_SET_SINK_PORT,
                                          PA_COMMAND_SET_SOURCE_PORT,
                                          PA_COMMAND_SET_PORT_LATENCY_OFFSET,
                                          PA_COMMAND_EXTENSION,
                                          PA_COMMAND_SEND_OBJECT_MESSAGE,
                                          PA_COMMAND_CREATE_UPLOAD_STREAM,
                                          PA_COMMAND_DELETE_UPLOAD_STREAM,
                                          PA_COMMAND_FINISH_UPLOAD_STREAM,
                                          PA_COMMAND_REMOVE_SAMPLE,
                                          PA_COMMAND_GET_MODULE_INFO,
                                          PA_COMMAND_GET_MODULE_INFO_LIST,
                                          PA_COMMAND_GET_CLIENT_INFO,
                                          PA_COMMAND_GET_CLIENT_INFO_LIST,
                                          PA_COMMAND_GET_SINK_INPUT_INFO_LIST,
                                          PA_COMMAND_GET_SOURCE_OUTPUT_INFO_LIST,
                                          PA_COMMAND_GET_CARD_INFO,
                                          PA_COMMAND_GET_CARD_INFO_LIST,
                                          PA_COMMAND_GET_SAMPLE_INFO,
                                          PA_COMMAND_GET_SAMPLE_INFO_LIST,
                                          PA_COMMAND_ADD_AUTOLOAD_OBSOLETE,
                                          PA_COMMAND_REMOVE_AUTOLOAD_OBSOLETE,
                                          PA_COMMAND_GET_AUTOLOAD_INFO_OBSOLETE,
                                          PA_COMMAND_GET_AUTOLOAD_INFO_LIST_OBSOLETE,
                                          PA_COMMAND_REGISTER_MEMFD_SHMID,
                                          PA_COMMAND_ENABLE_SRBCHANNEL,
                                          PA_COMMAND_DISABLE_SRBCHANNEL,
                                          PA_COMMAND_ERROR,
                                          PA_COMMAND_REPLY,
                                          PA_COMMAND_TIMEOUT,
                                          PA_COMMAND_REQUEST,
                                          PA_COMMAND_SUBSCRIBE_EVENT,
                                          PA_COMMAND_PLAYBACK_STREAM_KILLED,
                                          PA_COMMAND_STARTED,
                                          PA_COMMAND_CLIENT_EVENT,
                                          PA_COMMAND_MAX,
                                          1000,
                                          0xFFFFFFFFu};

static const uint32_t always_allowed[] = {PA_COMMAND_SET_CLIENT_NAME,
                                          PA_COMMAND_UPDATE_CLIENT_PROPLIST,
                                          PA_COMMAND_REMOVE_CLIENT_PROPLIST,
                                          PA_COMMAND_CREATE_PLAYBACK_STREAM,
                                          PA_COMMAND_DELETE_PLAYBACK_STREAM,
                                          PA_COMMAND_DRAIN_PLAYBACK_STREAM,
                                          PA_COMMAND_CORK_PLAYBACK_STREAM,
                                          PA_COMMAND_FLUSH_PLAYBACK_STREAM,
                                          PA_COMMAND_TRIGGER_PLAYBACK_STREAM,
                                          PA_COMMAND_PREBUF_PLAYBACK_STREAM,
                                          PA_COMMAND_SET_PLAYBACK_STREAM_BUFFER_ATTR,
                                          PA_COMMAND_UPDATE_PLAYBACK_STREAM_SAMPLE_RATE,
                                          PA_COMMAND_SET_PLAYBACK_STREAM_NAME,
                                          PA_COMMAND_UPDATE_PLAYBACK_STREAM_PROPLIST,
                                          PA_COMMAND_REMOVE_PLAYBACK_STREAM_PROPLIST,
                                          PA_COMMAND_GET_PLAYBACK_LATENCY,
                                          PA_COMMAND_STAT,
                                          PA_COMMAND_GET_SERVER_INFO,
                                          PA_COMMAND_GET_SINK_INFO,
                                          PA_COMMAND_GET_SINK_INFO_LIST,
                                          PA_COMMAND_GET_SOURCE_INFO,
                                          PA_COMMAND_GET_SOURCE_INFO_LIST,
                                          PA_COMMAND_LOOKUP_SINK,
                                          PA_COMMAND_LOOKUP_SOURCE,
                                          PA_COMMAND_SUBSCRIBE,
                                          PA_COMMAND_PLAY_SAMPLE};

static const uint32_t record_only[] = {PA_COMMAND_CREATE_RECORD_STREAM,
                                       PA_COMMAND_DELETE_RECORD_STREAM,
                                       PA_COMMAND_CORK_RECORD_STREAM,
                                       PA_COMMAND_FLUSH_RECORD_STREAM,
                                       PA_COMMAND_GET_RECORD_LATENCY,
                                       PA_COMMAND_SET_RECORD_STREAM_NAME,
                                       PA_COMMAND_SET_RECORD_STREAM_BUFFER_ATTR,
                                       PA_COMMAND_UPDATE_RECORD_STREAM_SAMPLE_RATE,
                                       PA_COMMAND_UPDATE_RECORD_STREAM_PROPLIST,
                                       PA_COMMAND_REMOVE_RECORD_STREAM_PROPLIST};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_allowlist(void) {
  static struct pf_conn c, rec;
  pf_conn_init(&c, false, NULL);
  pf_conn_init(&rec, true, NULL);
  bool all = true;
  for (size_t i = 0; i < COUNT(always_refused); i++) {
    struct pf_verdict v = send1(&c, always_refused[i], 0), w = send1(&rec, always_refused[i], 0);
    if (!ok(refused(v, PA_ERR_ACCESS) && refused(w, PA_ERR_ACCESS) && v.tag > 1000,
            "command %u refused with PA_ERR_ACCESS", always_refused[i]))
      all = false;
  }
  for (size_t i = 0; i < COUNT(always_allowed); i++)
    all &= ok(send1(&c, always_allowed[i], 0).kind == PF_FORWARD, "command %u forwarded",
              always_allowed[i]);
  for (size_t i = 0; i < COUNT(record_only); i++) {
    all &= ok(refused(send1(&c, record_only[i], 0), PA_ERR_ACCESS),
              "command %u refused without --record", record_only[i]);
    all &= ok(send1(&rec, record_only[i], 0).kind == PF_FORWARD,
              "command %u forwarded with --record", record_only[i]);
  }
  ok(all, "the whole allowlist as documented");

  struct pk p;
  pk_cmd(&p, PA_COMMAND_LOAD_MODULE, 77);
  pk_str(&p, "module-ladspa-sink");
  pk_str(&p, "plugin=/tmp/evil.so label=x");
  struct pf_verdict v = from_client(&c, &p);
  ok(v.kind == PF_REFUSE && v.tag == 77 && v.command == PA_COMMAND_LOAD_MODULE &&
         v.error == PA_ERR_ACCESS,
     "LOAD_MODULE refused with the client's tag");
  p.n = 7;
  ok(from_client(&c, &p).kind == PF_DROP, "a packet without a whole tag drops the client");
  p.n = 0;
  pk_str(&p, "x");
  ok(from_client(&c, &p).kind == PF_DROP, "a packet that starts with a string drops the client");

  uint8_t e[PF_ERROR_FRAME_SIZE];
  static const uint8_t want[PF_ERROR_FRAME_SIZE] = {
      0, 0, 0,   15, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,  0,   0, 0, 0, 0, 0,
      0, 0, 'L', 0,  0,    0,    0,    'L',  0, 0, 0, 77, 'L', 0, 0, 0, 1};
  ok(pf_error_frame(77, PA_ERR_ACCESS, e) == sizeof(e) && memcmp(e, want, sizeof(e)) == 0,
     "the ERROR frame is descriptor + ERROR, tag, code");
}

static void test_auth(void) {
  static struct pf_conn c;
  uint8_t real[PA_NATIVE_COOKIE_LENGTH];
  memset(real, 0x5a, sizeof(real));
  pf_conn_init(&c, false, real);
  struct pk p;
  pk_auth(&p, 1, 35u | 0x80000000u | 0x40000000u, 0xee);
  struct pf_verdict v = from_client(&c, &p);
  struct ts t;
  uint32_t command, tag, version, n;
  const uint8_t *cookie;
  ts_init(&t, p.b, p.n);
  ok(v.kind == PF_FORWARD && ts_u32(&t, &command) == 0 && ts_u32(&t, &tag) == 0 &&
         ts_u32(&t, &version) == 0 && ts_arbitrary(&t, &cookie, &n) == 0 && ts_eof(&t),
     "AUTH forwarded, still well-formed");
  ok(version == 35, "AUTH: shm and memfd flags cleared, version kept (%#x)", version);
  ok(n == PA_NATIVE_COOKIE_LENGTH && memcmp(cookie, real, n) == 0,
     "AUTH: the real cookie substituted");

  struct pk r;
  pk_cmd(&r, PA_COMMAND_REPLY, 1);
  pk_u32(&r, 35u | 0x80000000u | 0x40000000u);
  v = from_server(&c, &r);
  ts_init(&t, r.b, r.n);
  ok(v.kind == PF_FORWARD && ts_u32(&t, &command) == 0 && ts_u32(&t, &tag) == 0 &&
         ts_u32(&t, &version) == 0 && version == 35,
     "AUTH reply: shm and memfd flags cleared for the client");

  static struct pf_conn nocookie;
  pf_conn_init(&nocookie, false, NULL);
  pk_auth(&p, 2, 35u | 0x80000000u, 0xee);
  from_client(&nocookie, &p);
  uint8_t zeros[PA_NATIVE_COOKIE_LENGTH] = {0};
  ok(memcmp(p.b + p.n - PA_NATIVE_COOKIE_LENGTH, zeros, sizeof(zeros)) == 0,
     "AUTH without --cookie: the client's cookie replaced by zeros");

  pk_cmd(&p, PA_COMMAND_AUTH, 3);
  pk_u32(&p, 35);
  pk_arb(&p, zeros, 255);
  ok(from_client(&nocookie, &p).kind == PF_DROP, "AUTH with a short cookie drops the client");
  pk_auth(&p, 4, 35, 0);
  pk_u32(&p, 0);
  ok(from_client(&nocookie, &p).kind == PF_DROP, "AUTH with extra arguments drops the client");
  pk_cmd(&p, PA_COMMAND_AUTH, 5);
  ok(from_client(&nocookie, &p).kind == PF_DROP, "AUTH without arguments drops the client");
}

/* CREATE_*_STREAM with tag, answered by the server with channel, index. */
static void create(struct pf_conn *c, uint32_t command, uint32_t tag, uint32_t channel,
                   uint32_t index) {
  struct pk p, r;
  pk_cmd(&p, command, tag);
  pk_str(&p, "stream");
  from_client(c, &p);
  pk_cmd(&r, PA_COMMAND_REPLY, tag);
  pk_u32(&r, channel);
  pk_u32(&r, index);
  pk_u32(&r, 4096);
  from_server(c, &r);
}

static void test_own_streams(void) {
  static struct pf_conn c;
  pf_conn_init(&c, false, NULL);
  ok(refused(send1(&c, PA_COMMAND_GET_SINK_INPUT_INFO, 7), PA_ERR_ACCESS),
     "another client's sink input: info refused");
  ok(refused(send1(&c, PA_COMMAND_SET_SINK_INPUT_VOLUME, 7), PA_ERR_ACCESS),
     "another client's sink input: volume refused");
  ok(refused(send1(&c, PA_COMMAND_SET_SINK_INPUT_MUTE, 7), PA_ERR_ACCESS),
     "another client's sink input: mute refused");
  create(&c, PA_COMMAND_CREATE_PLAYBACK_STREAM, 10, 0, 7);
  ok(pf_owns(&c, PF_PLAYBACK, 7), "the reply to CREATE_PLAYBACK_STREAM names an own sink input");
  ok(send1(&c, PA_COMMAND_GET_SINK_INPUT_INFO, 7).kind == PF_FORWARD,
     "own sink input: info forwarded");
  ok(send1(&c, PA_COMMAND_SET_SINK_INPUT_VOLUME, 7).kind == PF_FORWARD,
     "own sink input: volume forwarded");
  ok(send1(&c, PA_COMMAND_SET_SINK_INPUT_MUTE, 7).kind == PF_FORWARD,
     "own sink input: mute forwarded");
  ok(refused(send1(&c, PA_COMMAND_SET_SINK_INPUT_VOLUME, 8), PA_ERR_ACCESS),
     "its neighbour stays refused");
  ok(refused(send1(&c, PA_COMMAND_KILL_SINK_INPUT, 7), PA_ERR_ACCESS),
     "KILL_SINK_INPUT refused even for own");
  ok(refused(send1(&c, PA_COMMAND_MOVE_SINK_INPUT, 7), PA_ERR_ACCESS),
     "MOVE_SINK_INPUT refused even for own");
  send1(&c, PA_COMMAND_DELETE_PLAYBACK_STREAM, 0);
  ok(!pf_owns(&c, PF_PLAYBACK, 7), "DELETE_PLAYBACK_STREAM forgets it");

  create(&c, PA_COMMAND_CREATE_PLAYBACK_STREAM, 11, 1, 9);
  struct pk e;
  pk_cmd(&e, PA_COMMAND_PLAYBACK_STREAM_KILLED, 0xFFFFFFFFu);
  pk_u32(&e, 1);
  ok(from_server(&c, &e).kind == PF_FORWARD && !pf_owns(&c, PF_PLAYBACK, 9),
     "PLAYBACK_STREAM_KILLED forgets it");
  create(&c, PA_COMMAND_CREATE_PLAYBACK_STREAM, 12, 2, 10);
  pk_cmd(&e, PA_COMMAND_SUBSCRIBE_EVENT, 0xFFFFFFFFu);
  pk_u32(&e, PA_SUBSCRIPTION_EVENT_SINK_INPUT | PA_SUBSCRIPTION_EVENT_REMOVE);
  pk_u32(&e, 10);
  ok(from_server(&c, &e).kind == PF_FORWARD && !pf_owns(&c, PF_PLAYBACK, 10),
     "a sink-input removal event forgets it");

  struct pk p, r;
  pk_cmd(&p, PA_COMMAND_CREATE_PLAYBACK_STREAM, 13);
  from_client(&c, &p);
  pk_cmd(&r, PA_COMMAND_ERROR, 13);
  pk_u32(&r, PA_ERR_INVALID);
  from_server(&c, &r);
  pk_cmd(&r, PA_COMMAND_REPLY, 13);
  pk_u32(&r, 3);
  pk_u32(&r, 11);
  from_server(&c, &r);
  ok(!pf_owns(&c, PF_PLAYBACK, 11) && c.n_pending == 0 && c.n_creating == 0,
     "an ERROR settles the create; a second answer to its tag grants nothing");

  /* A reply to another command with the same tag must not pass for the
   * create's: a tag already in flight is refused. */
  pk_cmd(&p, PA_COMMAND_LOOKUP_SINK, 14);
  pk_str(&p, "x");
  from_client(&c, &p);
  pk_cmd(&p, PA_COMMAND_CREATE_PLAYBACK_STREAM, 14);
  ok(refused(from_client(&c, &p), PA_ERR_INVALID), "a command reusing a tag in flight refused");

  static struct pf_conn rec;
  pf_conn_init(&rec, true, NULL);
  create(&rec, PA_COMMAND_CREATE_RECORD_STREAM, 20, 0, 5);
  ok(pf_owns(&rec, PF_RECORD, 5) && !pf_owns(&rec, PF_PLAYBACK, 5),
     "own source output tracked apart");
  ok(send1(&rec, PA_COMMAND_SET_SOURCE_OUTPUT_VOLUME, 5).kind == PF_FORWARD,
     "own source output: volume forwarded");
  ok(refused(send1(&rec, PA_COMMAND_GET_SOURCE_OUTPUT_INFO, 6), PA_ERR_ACCESS),
     "another source output refused");
  ok(refused(send1(&rec, PA_COMMAND_GET_SINK_INPUT_INFO, 5), PA_ERR_ACCESS),
     "a source output is no sink input");
  send1(&rec, PA_COMMAND_DELETE_RECORD_STREAM, 0);
  ok(!pf_owns(&rec, PF_RECORD, 5), "DELETE_RECORD_STREAM forgets it");
  ok(refused(send1(&c, PA_COMMAND_SET_SOURCE_OUTPUT_MUTE, 5), PA_ERR_ACCESS),
     "source outputs need --record");
}

static void test_limits(void) {
  static struct pf_conn c;
  pf_conn_init(&c, false, NULL);
  struct pk p;
  for (uint32_t i = 0; i < PF_MAX_STREAMS; i++) {
    pk_cmd(&p, PA_COMMAND_CREATE_PLAYBACK_STREAM, i);
    from_client(&c, &p);
  }
  pk_cmd(&p, PA_COMMAND_CREATE_PLAYBACK_STREAM, 999);
  ok(refused(from_client(&c, &p), PA_ERR_TOOLARGE), "stream %u refused with PA_ERR_TOOLARGE",
     PF_MAX_STREAMS + 1);
  for (uint32_t i = (uint32_t)c.n_pending; i < PF_MAX_PENDING; i++) {
    pk_cmd(&p, PA_COMMAND_STAT, 1000 + i);
    from_client(&c, &p);
  }
  pk_cmd(&p, PA_COMMAND_STAT, 5000);
  ok(c.n_pending == PF_MAX_PENDING && refused(from_client(&c, &p), PA_ERR_BUSY),
     "command %u in flight refused with PA_ERR_BUSY", PF_MAX_PENDING + 1);
  struct pk r;
  pk_cmd(&r, PA_COMMAND_REPLY, 1000 + PF_MAX_STREAMS);
  from_server(&c, &r);
  ok(from_client(&c, &p).kind == PF_FORWARD, "a reply frees a slot");
}

static void test_server(void) {
  static struct pf_conn c, rec;
  pf_conn_init(&c, false, NULL);
  pf_conn_init(&rec, true, NULL);
  struct pk p;
  static const uint32_t shm_cmds[] = {PA_COMMAND_ENABLE_SRBCHANNEL, PA_COMMAND_DISABLE_SRBCHANNEL,
                                      PA_COMMAND_REGISTER_MEMFD_SHMID};
  for (size_t i = 0; i < COUNT(shm_cmds); i++) {
    pk_cmd(&p, shm_cmds[i], 0xFFFFFFFFu);
    pk_u32(&p, 1);
    ok(from_server(&c, &p).kind == PF_DROP, "server command %u drops the connection", shm_cmds[i]);
  }
  static const uint32_t events[] = {PA_COMMAND_REQUEST,
                                    PA_COMMAND_SUBSCRIBE_EVENT,
                                    PA_COMMAND_STARTED,
                                    PA_COMMAND_UNDERFLOW,
                                    PA_COMMAND_PLAYBACK_STREAM_MOVED,
                                    PA_COMMAND_CLIENT_EVENT,
                                    PA_COMMAND_REPLY,
                                    PA_COMMAND_ERROR};
  for (size_t i = 0; i < COUNT(events); i++) {
    pk_cmd(&p, events[i], 0xFFFFFFFFu);
    ok(from_server(&c, &p).kind == PF_FORWARD, "server command %u passes", events[i]);
  }
  p.n = 3;
  ok(from_server(&c, &p).kind == PF_DROP, "a truncated server packet drops the connection");
  ok(!pf_server_memblock_allowed(&c) && pf_server_memblock_allowed(&rec),
     "recorded audio from the server only with --record");
}

static void test_buf(void) {
  struct buf b = {0};
  ok(buf_append(&b, "hello", 5) == 0 && buf_len(&b) == 5, "buf append");
  buf_consume(&b, 2);
  ok(buf_len(&b) == 3 && memcmp(buf_head(&b), "llo", 3) == 0, "buf consume");
  ok(buf_reserve(&b, 100000) == 0 && b.start == 0 && memcmp(buf_head(&b), "llo", 3) == 0 &&
         b.cap - b.end >= 100000,
     "buf reserve moves and grows");
  buf_consume(&b, 3);
  buf_trim(&b, 4096);
  ok(b.data == NULL && b.cap == 0, "buf trim frees an empty large buffer");
  buf_free(&b);
}

/* The relay without sockets: bytes in, queued frames out. */
static void test_relay(void) {
  static struct relay r;
  relay_init(&r, -1, true, NULL);
  struct pk p, f, audio = {.n = 0};
  for (int i = 0; i < 300; i++)
    pk_byte(&audio, (uint8_t)i);

  /* A server memblock (recorded audio) arrives in two pieces; a refusal
   * produced meanwhile must wait for the frame's end. */
  pk_frame(&f, 0, 0, audio.b, (uint32_t)audio.n);
  ok(relay_input(&r, PF_FROM_SERVER, f.b, 100), "first piece of a server memblock accepted");
  pk_cmd(&p, PA_COMMAND_LOAD_MODULE, 9);
  struct pk lm;
  pk_frame(&lm, PA_CHANNEL_CONTROL, 0, p.b, (uint32_t)p.n);
  ok(relay_input(&r, PF_FROM_CLIENT, lm.b, lm.n), "LOAD_MODULE read");
  ok(buf_len(&r.up.out) == 0, "LOAD_MODULE not queued for the server");
  ok(buf_len(&r.down.out) == 100 && r.n_refusals == 1,
     "its refusal waits while the memblock is half through");
  ok(relay_input(&r, PF_FROM_SERVER, f.b + 100, f.n - 100), "rest of the memblock accepted");
  uint8_t err[PF_ERROR_FRAME_SIZE];
  pf_error_frame(9, PA_ERR_ACCESS, err);
  ok(buf_len(&r.down.out) == f.n + sizeof(err) && memcmp(buf_head(&r.down.out), f.b, f.n) == 0 &&
         memcmp(buf_head(&r.down.out) + f.n, err, sizeof(err)) == 0,
     "then the ERROR follows the whole memblock");
  buf_consume(&r.down.out, buf_len(&r.down.out));

  /* A client memblock, byte by byte, comes out whole and unchanged. */
  pk_frame(&f, 3, 0, audio.b, 64);
  bool all = true;
  for (size_t i = 0; i < f.n; i++)
    all = all && relay_input(&r, PF_FROM_CLIENT, f.b + i, 1);
  ok(all && buf_len(&r.up.out) == f.n && memcmp(buf_head(&r.up.out), f.b, f.n) == 0,
     "a client memblock fed byte by byte passes unchanged");
  buf_consume(&r.up.out, buf_len(&r.up.out));

  /* A control packet split across reads is judged once whole. */
  pk_cmd(&p, PA_COMMAND_GET_SERVER_INFO, 10);
  pk_frame(&f, PA_CHANNEL_CONTROL, 0, p.b, (uint32_t)p.n);
  ok(relay_input(&r, PF_FROM_CLIENT, f.b, 22) && buf_len(&r.up.out) == 0, "half a packet waits");
  ok(relay_input(&r, PF_FROM_CLIENT, f.b + 22, f.n - 22) && buf_len(&r.up.out) == f.n,
     "the whole packet is forwarded");
  relay_close(&r);

  static const struct {
    enum pf_side from;
    uint32_t channel, flags, length;
    const char *why;
  } bad[] = {
      {PF_FROM_CLIENT, PA_CHANNEL_CONTROL, 0, PF_MAX_CLIENT_PACKET + 1,
       "an oversized control packet"},
      {PF_FROM_CLIENT, 0, 0x80000000u, 16, "a shared-memory frame"},
      {PF_FROM_SERVER, 0, 0x40000000u, 0, "a shared-memory frame"},
      {PF_FROM_SERVER, 0, 0, 16, "recorded audio without --record"},
      {PF_FROM_CLIENT, 0, 0, PF_MAX_MEMBLOCK + 1, "an oversized memblock"},
  };
  for (size_t i = 0; i < COUNT(bad); i++) {
    relay_init(&r, -1, false, NULL);
    struct pf_frame d = {.length = bad[i].length, .channel = bad[i].channel, .flags = bad[i].flags};
    uint8_t desc[PA_DESC_SIZE];
    frame_encode(&d, desc);
    bool kept = relay_input(&r, bad[i].from, desc, sizeof(desc));
    ok(!kept && r.why != NULL && strcmp(r.why, bad[i].why) == 0 &&
           r.who == (bad[i].from == PF_FROM_CLIENT ? RELAY_CLIENT : RELAY_SERVER),
       "dropped on its descriptor alone: %s", bad[i].why);
    relay_close(&r);
  }
}

int main(void) {
  test_tagstruct();
  test_skip();
  test_frames();
  test_allowlist();
  test_auth();
  test_own_streams();
  test_limits();
  test_server();
  test_buf();
  test_relay();
  return tap_done();
}
