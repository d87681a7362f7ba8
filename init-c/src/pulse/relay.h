/* One client connection and its own upstream connection: non-blocking
 * reads and writes, frame assembly, the policy's verdicts applied, bounded
 * buffers with backpressure. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pulse/buf.h"
#include "pulse/filter.h"
#include "pulse/frame.h"

/* A side is not read while the queue towards the other side holds this
 * much; each queue then stays below it plus one input buffer. */
#define RELAY_HIGH_WATER (256u * 1024)
/* Bytes read per call; input grows beyond only to hold a whole packet. */
#define RELAY_READ_CHUNK (64u * 1024)
/* Refusals waiting for the server-to-client stream to reach a frame
 * boundary (it may be in the middle of recorded audio). */
#define RELAY_MAX_REFUSALS 16u
/* A server whose listen backlog is full refuses a non-blocking connect
 * with EAGAIN (and a blocking one would stall every other client): the
 * connect is retried this often, for this long. */
#define RELAY_RETRY_MS 20u
#define RELAY_CONNECT_TIMEOUT_MS 5000u

enum relay_culprit { RELAY_NOBODY, RELAY_CLIENT, RELAY_SERVER };

/* One direction: bytes read from one side, judged, queued for the other. */
struct pump {
  struct buf in, out;
  enum pf_side from;
  uint32_t memblock_left; /* payload bytes of the memblock being passed on */
};

struct relay {
  int client_fd, server_fd;
  struct pump up;   /* client to server */
  struct pump down; /* server to client */
  struct pf_conn policy;
  uint32_t refusals[RELAY_MAX_REFUSALS][2]; /* tag, error */
  size_t n_refusals;
  const char *upstream;
  uint64_t give_up_at, next_try; /* while connecting (server_fd < 0, !server_gone) */
  bool server_gone;              /* upstream closed: flush to the client, then close */
  const char *why;               /* set when the connection was dropped: what was sent */
  enum relay_culprit who;        /* ... and by whom */
};

/* Connects to the server for a freshly accepted client (non-blocking,
 * close-on-exec), or starts retrying if its backlog is full; -errno. On
 * success r owns client_fd. now: monotonic milliseconds. */
int relay_open(struct relay *r, int client_fd, const char *upstream, bool record,
               const uint8_t *cookie, uint64_t now);
/* What relay_open does before connecting (also for tests: fds -1). */
void relay_init(struct relay *r, int client_fd, bool record, const uint8_t *cookie);
bool relay_connecting(const struct relay *r);
/* While connecting: tries again when due. 0 (connected or still trying),
 * or -errno: give up and close. */
int relay_retry(struct relay *r, uint64_t now);
/* The poll events each fd waits for now. */
void relay_events(const struct relay *r, short *client_events, short *server_events);
/* Acts on poll's results; false when the connection is over (r->why says
 * whether it was dropped). */
bool relay_handle(struct relay *r, short client_revents, short server_revents);
void relay_close(struct relay *r);
/* Takes bytes as if read from one side and judges what it can; false when
 * the connection must be dropped (r->why says why). The socket path uses
 * the same steps. */
bool relay_input(struct relay *r, enum pf_side from, const void *data, size_t n);

/* Reads from a socket without accepting file descriptors: any passed are
 * closed at once, credentials are not asked for. Bytes read, 0 at end of
 * stream, or -errno. */
ssize_t recv_nofds(int fd, void *buf, size_t len);
