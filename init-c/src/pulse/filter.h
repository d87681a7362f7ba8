/* The policy: which client commands reach the server, the AUTH rewrite, and
 * the bookkeeping that lets a client touch only its own streams. No I/O:
 * the relay hands whole control packets in and acts on the verdict. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pulse/proto.h"

/* Commands forwarded and not yet answered. libpulse numbers its tags and
 * seldom has more than a few in flight; a client that fills the table gets
 * PA_ERR_BUSY until replies come back. */
#define PF_MAX_PENDING 256u
/* Streams per connection (playback and record, created or being created);
 * one more is refused with PA_ERR_TOOLARGE. */
#define PF_MAX_STREAMS 64u
/* An ERROR packet frame: descriptor + three U32 values. */
#define PF_ERROR_FRAME_SIZE (PA_DESC_SIZE + 15u)

enum pf_stream_kind { PF_PLAYBACK, PF_RECORD };

struct pf_pending {
  uint32_t tag, command;
};

struct pf_stream {
  uint32_t channel; /* the stream's number on this connection */
  uint32_t index;   /* its sink input or source output on the server */
  enum pf_stream_kind kind;
};

struct pf_conn {
  bool record;
  const uint8_t *cookie; /* PA_NATIVE_COOKIE_LENGTH bytes, or NULL: zeros */
  size_t n_pending, n_streams, n_creating;
  struct pf_pending pending[PF_MAX_PENDING];
  struct pf_stream streams[PF_MAX_STREAMS];
};

enum pf_verdict_kind {
  PF_FORWARD, /* pass the (possibly rewritten) packet on */
  PF_REFUSE,  /* answer the client with ERROR(tag, error), forward nothing */
  PF_DROP,    /* a protocol violation: close the connection */
};

struct pf_verdict {
  enum pf_verdict_kind kind;
  uint32_t command, tag, error;
  const char *why; /* PF_DROP: a short phrase */
};

void pf_conn_init(struct pf_conn *c, bool record, const uint8_t *cookie);

/* A control packet (the tagstruct, without descriptor) from the client;
 * AUTH is rewritten in place. */
void pf_client_packet(struct pf_conn *c, uint8_t *pkt, size_t len, struct pf_verdict *v);
/* A control packet from the server; the AUTH reply is rewritten in place. */
void pf_server_packet(struct pf_conn *c, uint8_t *pkt, size_t len, struct pf_verdict *v);
/* Memblock frames from the server carry recorded audio. */
bool pf_server_memblock_allowed(const struct pf_conn *c);

/* Whether the policy forwards command at all for this client (before its
 * arguments are looked at). */
bool pf_forwardable(const struct pf_conn *c, uint32_t command);

/* Whether index is a sink input (PF_PLAYBACK) or source output (PF_RECORD)
 * of one of this client's streams. */
bool pf_owns(const struct pf_conn *c, enum pf_stream_kind kind, uint32_t index);

/* Writes the ERROR frame for a refusal; returns PF_ERROR_FRAME_SIZE. */
size_t pf_error_frame(uint32_t tag, uint32_t error, uint8_t *out);
