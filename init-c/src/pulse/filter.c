#include "pulse/filter.h"

#include <string.h>

#include "pulse/frame.h"
#include "pulse/tagstruct.h"

/* What a client command may do. Anything not listed is refused. */
enum rule {
  DENY = 0,
  ALLOW,            /* harmless for any client */
  AUTH,             /* rewritten: no shm/memfd, the real cookie */
  CREATE_PLAYBACK,  /* tracked: its reply names the client's sink input */
  DELETE_PLAYBACK,  /* forgets that stream */
  OWN_SINK_INPUT,   /* first argument must be one of the client's sink inputs */
  RECORD,           /* only with --record */
  CREATE_RECORD,    /* --record; tracked like CREATE_PLAYBACK */
  DELETE_RECORD,    /* --record */
  OWN_SOURCE_OUTPUT /* --record; one of the client's source outputs */
};

static const uint8_t rules[PA_COMMAND_MAX] = {
    [PA_COMMAND_AUTH] = AUTH,
    [PA_COMMAND_SET_CLIENT_NAME] = ALLOW,
    [PA_COMMAND_UPDATE_CLIENT_PROPLIST] = ALLOW,
    [PA_COMMAND_REMOVE_CLIENT_PROPLIST] = ALLOW,
    [PA_COMMAND_STAT] = ALLOW,
    [PA_COMMAND_SUBSCRIBE] = ALLOW,
    [PA_COMMAND_GET_SERVER_INFO] = ALLOW,
    /* Device metadata only; the audio of sources needs a record stream. */
    [PA_COMMAND_GET_SINK_INFO] = ALLOW,
    [PA_COMMAND_GET_SINK_INFO_LIST] = ALLOW,
    [PA_COMMAND_GET_SOURCE_INFO] = ALLOW,
    [PA_COMMAND_GET_SOURCE_INFO_LIST] = ALLOW,
    [PA_COMMAND_LOOKUP_SINK] = ALLOW,
    [PA_COMMAND_LOOKUP_SOURCE] = ALLOW,
    /* Plays a sample already in the server's cache (event sounds); a
     * client cannot add samples: CREATE_UPLOAD_STREAM is refused. */
    [PA_COMMAND_PLAY_SAMPLE] = ALLOW,
    [PA_COMMAND_CREATE_PLAYBACK_STREAM] = CREATE_PLAYBACK,
    [PA_COMMAND_DELETE_PLAYBACK_STREAM] = DELETE_PLAYBACK,
    /* The server looks these streams up among the connection's own. */
    [PA_COMMAND_DRAIN_PLAYBACK_STREAM] = ALLOW,
    [PA_COMMAND_CORK_PLAYBACK_STREAM] = ALLOW,
    [PA_COMMAND_FLUSH_PLAYBACK_STREAM] = ALLOW,
    [PA_COMMAND_TRIGGER_PLAYBACK_STREAM] = ALLOW,
    [PA_COMMAND_PREBUF_PLAYBACK_STREAM] = ALLOW,
    [PA_COMMAND_GET_PLAYBACK_LATENCY] = ALLOW,
    [PA_COMMAND_SET_PLAYBACK_STREAM_NAME] = ALLOW,
    [PA_COMMAND_SET_PLAYBACK_STREAM_BUFFER_ATTR] = ALLOW,
    [PA_COMMAND_UPDATE_PLAYBACK_STREAM_SAMPLE_RATE] = ALLOW,
    [PA_COMMAND_UPDATE_PLAYBACK_STREAM_PROPLIST] = ALLOW,
    [PA_COMMAND_REMOVE_PLAYBACK_STREAM_PROPLIST] = ALLOW,
    /* These name a sink input by its server-wide index. */
    [PA_COMMAND_GET_SINK_INPUT_INFO] = OWN_SINK_INPUT,
    [PA_COMMAND_SET_SINK_INPUT_VOLUME] = OWN_SINK_INPUT,
    [PA_COMMAND_SET_SINK_INPUT_MUTE] = OWN_SINK_INPUT,
    [PA_COMMAND_CREATE_RECORD_STREAM] = CREATE_RECORD,
    [PA_COMMAND_DELETE_RECORD_STREAM] = DELETE_RECORD,
    [PA_COMMAND_CORK_RECORD_STREAM] = RECORD,
    [PA_COMMAND_FLUSH_RECORD_STREAM] = RECORD,
    [PA_COMMAND_GET_RECORD_LATENCY] = RECORD,
    [PA_COMMAND_SET_RECORD_STREAM_NAME] = RECORD,
    [PA_COMMAND_SET_RECORD_STREAM_BUFFER_ATTR] = RECORD,
    [PA_COMMAND_UPDATE_RECORD_STREAM_SAMPLE_RATE] = RECORD,
    [PA_COMMAND_UPDATE_RECORD_STREAM_PROPLIST] = RECORD,
    [PA_COMMAND_REMOVE_RECORD_STREAM_PROPLIST] = RECORD,
    [PA_COMMAND_GET_SOURCE_OUTPUT_INFO] = OWN_SOURCE_OUTPUT,
    [PA_COMMAND_SET_SOURCE_OUTPUT_VOLUME] = OWN_SOURCE_OUTPUT,
    [PA_COMMAND_SET_SOURCE_OUTPUT_MUTE] = OWN_SOURCE_OUTPUT,
};

void pf_conn_init(struct pf_conn *c, bool record, const uint8_t *cookie) {
  memset(c, 0, sizeof(*c));
  c->record = record;
  c->cookie = cookie;
}

bool pf_server_memblock_allowed(const struct pf_conn *c) {
  return c->record;
}

bool pf_forwardable(const struct pf_conn *c, uint32_t command) {
  enum rule rule = command < PA_COMMAND_MAX ? (enum rule)rules[command] : DENY;
  switch (rule) {
  case DENY:
    return false;
  case RECORD:
  case CREATE_RECORD:
  case DELETE_RECORD:
  case OWN_SOURCE_OUTPUT:
    return c->record;
  case ALLOW:
  case AUTH:
  case CREATE_PLAYBACK:
  case DELETE_PLAYBACK:
  case OWN_SINK_INPUT:
    return true;
  }
  return false;
}

bool pf_owns(const struct pf_conn *c, enum pf_stream_kind kind, uint32_t index) {
  for (size_t i = 0; i < c->n_streams; i++)
    if (c->streams[i].kind == kind && c->streams[i].index == index)
      return true;
  return false;
}

static void forget_if(struct pf_conn *c, enum pf_stream_kind kind, bool by_channel,
                      uint32_t value) {
  for (size_t i = 0; i < c->n_streams;) {
    const struct pf_stream *s = &c->streams[i];
    if (s->kind == kind && (by_channel ? s->channel : s->index) == value)
      c->streams[i] = c->streams[--c->n_streams];
    else
      i++;
  }
}

static struct pf_pending *find_pending(struct pf_conn *c, uint32_t tag) {
  for (size_t i = 0; i < c->n_pending; i++)
    if (c->pending[i].tag == tag)
      return &c->pending[i];
  return NULL;
}

static bool is_create(uint32_t command) {
  return command == PA_COMMAND_CREATE_PLAYBACK_STREAM || command == PA_COMMAND_CREATE_RECORD_STREAM;
}

static void remove_pending(struct pf_conn *c, struct pf_pending *p) {
  if (is_create(p->command))
    c->n_creating--;
  *p = c->pending[--c->n_pending];
}

static void verdict(struct pf_verdict *v, enum pf_verdict_kind kind, uint32_t error,
                    const char *why) {
  v->kind = kind;
  v->error = error;
  v->why = why;
}

/* AUTH: u32 version (flags in the high bits), arbitrary cookie. The server
 * then never offers shm, memfd or an srbchannel: all audio stays inline. */
static void rewrite_auth(const struct pf_conn *c, uint8_t *pkt, struct ts *t,
                         struct pf_verdict *v) {
  uint32_t version, n;
  const uint8_t *cookie;
  if (ts_u32(t, &version) < 0) {
    verdict(v, PF_DROP, 0, "a malformed AUTH");
    return;
  }
  size_t version_at = t->pos - 4;
  if (ts_arbitrary(t, &cookie, &n) < 0 || n != PA_NATIVE_COOKIE_LENGTH || !ts_eof(t)) {
    verdict(v, PF_DROP, 0, "a malformed AUTH");
    return;
  }
  be32_put(pkt + version_at, version & PA_PROTOCOL_VERSION_MASK);
  uint8_t *dst = pkt + (cookie - t->data);
  if (c->cookie != NULL)
    memcpy(dst, c->cookie, PA_NATIVE_COOKIE_LENGTH);
  else
    memset(dst, 0, PA_NATIVE_COOKIE_LENGTH);
}

/* The rule's verdict on arguments, before any bookkeeping. */
static void judge(const struct pf_conn *c, enum rule rule, struct ts *t, struct pf_verdict *v) {
  uint32_t index;
  if (!pf_forwardable(c, v->command)) {
    verdict(v, PF_REFUSE, PA_ERR_ACCESS, NULL);
    return;
  }
  if (rule == OWN_SINK_INPUT || rule == OWN_SOURCE_OUTPUT) {
    struct ts args = *t;
    enum pf_stream_kind kind = rule == OWN_SINK_INPUT ? PF_PLAYBACK : PF_RECORD;
    if (ts_u32(&args, &index) < 0 || !pf_owns(c, kind, index)) {
      verdict(v, PF_REFUSE, PA_ERR_ACCESS, NULL);
      return;
    }
  }
  if ((rule == CREATE_PLAYBACK || rule == CREATE_RECORD) &&
      c->n_streams + c->n_creating >= PF_MAX_STREAMS) {
    verdict(v, PF_REFUSE, PA_ERR_TOOLARGE, NULL);
    return;
  }
  verdict(v, PF_FORWARD, 0, NULL);
}

/* Starts reading a control packet: its command and tag into v; false, with a
 * drop verdict, when it has none. */
static bool packet_start(struct ts *t, uint8_t *pkt, size_t len, struct pf_verdict *v) {
  ts_init(t, pkt, len);
  memset(v, 0, sizeof(*v));
  if (ts_u32(t, &v->command) < 0 || ts_u32(t, &v->tag) < 0) {
    verdict(v, PF_DROP, 0, "a control packet without command and tag");
    return false;
  }
  return true;
}

void pf_client_packet(struct pf_conn *c, uint8_t *pkt, size_t len, struct pf_verdict *v) {
  struct ts t;
  if (!packet_start(&t, pkt, len, v))
    return;
  enum rule rule = v->command < PA_COMMAND_MAX ? (enum rule)rules[v->command] : DENY;
  judge(c, rule, &t, v);
  if (v->kind != PF_FORWARD)
    return;
  /* Replies are matched to commands by tag: a tag in flight twice would
   * let one reply pass for another. */
  if (find_pending(c, v->tag) != NULL) {
    verdict(v, PF_REFUSE, PA_ERR_INVALID, NULL);
    return;
  }
  if (c->n_pending == PF_MAX_PENDING) {
    verdict(v, PF_REFUSE, PA_ERR_BUSY, NULL);
    return;
  }
  if (rule == AUTH) {
    rewrite_auth(c, pkt, &t, v);
    if (v->kind != PF_FORWARD)
      return;
  }
  uint32_t channel;
  if ((rule == DELETE_PLAYBACK || rule == DELETE_RECORD) && ts_u32(&t, &channel) == 0)
    forget_if(c, rule == DELETE_PLAYBACK ? PF_PLAYBACK : PF_RECORD, true, channel);
  if (is_create(v->command))
    c->n_creating++;
  c->pending[c->n_pending++] = (struct pf_pending){.tag = v->tag, .command = v->command};
}

/* A REPLY or ERROR: settles the pending command with that tag. */
static void settle(struct pf_conn *c, uint8_t *pkt, struct ts *t, struct pf_verdict *v) {
  struct pf_pending *p = find_pending(c, v->tag);
  if (p == NULL)
    return; /* not one of ours to interpret; the client ignores it */
  uint32_t command = p->command;
  remove_pending(c, p);
  if (v->command != PA_COMMAND_REPLY)
    return;
  uint32_t a, b;
  if (command == PA_COMMAND_AUTH && ts_u32(t, &a) == 0) {
    /* Whatever the server offers, the client learns of no shm or memfd. */
    be32_put(pkt + t->pos - 4, a & PA_PROTOCOL_VERSION_MASK);
  } else if (is_create(command) && ts_u32(t, &a) == 0 && ts_u32(t, &b) == 0 &&
             c->n_streams < PF_MAX_STREAMS) {
    enum pf_stream_kind kind =
        command == PA_COMMAND_CREATE_PLAYBACK_STREAM ? PF_PLAYBACK : PF_RECORD;
    c->streams[c->n_streams++] = (struct pf_stream){.channel = a, .index = b, .kind = kind};
  }
}

void pf_server_packet(struct pf_conn *c, uint8_t *pkt, size_t len, struct pf_verdict *v) {
  struct ts t;
  if (!packet_start(&t, pkt, len, v))
    return;
  uint32_t a, b;
  verdict(v, PF_FORWARD, 0, NULL);
  switch (v->command) {
  case PA_COMMAND_ENABLE_SRBCHANNEL:
  case PA_COMMAND_DISABLE_SRBCHANNEL:
  case PA_COMMAND_REGISTER_MEMFD_SHMID:
    /* Shared memory the filter refused to negotiate. */
    verdict(v, PF_DROP, 0, "an offer of shared memory");
    return;
  case PA_COMMAND_REPLY:
  case PA_COMMAND_ERROR:
    settle(c, pkt, &t, v);
    return;
  case PA_COMMAND_PLAYBACK_STREAM_KILLED:
  case PA_COMMAND_RECORD_STREAM_KILLED:
    if (ts_u32(&t, &a) == 0)
      forget_if(c, v->command == PA_COMMAND_PLAYBACK_STREAM_KILLED ? PF_PLAYBACK : PF_RECORD, true,
                a);
    return;
  case PA_COMMAND_SUBSCRIBE_EVENT:
    if (ts_u32(&t, &a) == 0 && ts_u32(&t, &b) == 0 &&
        (a & PA_SUBSCRIPTION_EVENT_TYPE_MASK) == PA_SUBSCRIPTION_EVENT_REMOVE) {
      uint32_t facility = a & PA_SUBSCRIPTION_EVENT_FACILITY_MASK;
      if (facility == PA_SUBSCRIPTION_EVENT_SINK_INPUT)
        forget_if(c, PF_PLAYBACK, false, b);
      else if (facility == PA_SUBSCRIPTION_EVENT_SOURCE_OUTPUT)
        forget_if(c, PF_RECORD, false, b);
    }
    return;
  default:
    return;
  }
}

size_t pf_error_frame(uint32_t tag, uint32_t error, uint8_t *out) {
  struct pf_frame f = {.length = 15, .channel = PA_CHANNEL_CONTROL};
  frame_encode(&f, out);
  size_t pos = PA_DESC_SIZE;
  (void)ts_put_u32(out, PF_ERROR_FRAME_SIZE, &pos, PA_COMMAND_ERROR);
  (void)ts_put_u32(out, PF_ERROR_FRAME_SIZE, &pos, tag);
  (void)ts_put_u32(out, PF_ERROR_FRAME_SIZE, &pos, error);
  return pos;
}
