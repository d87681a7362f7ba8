#include "pulse/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS_PER_READ 32

ssize_t recv_nofds(int fd, void *buf, size_t len) {
  union {
    struct cmsghdr align;
    char b[CMSG_SPACE(sizeof(int) * MAX_FDS_PER_READ) + CMSG_SPACE(64)];
  } ctl;
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  struct msghdr m = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b)};
  ssize_t n;
  do
    n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  /* Descriptors beyond the control buffer were closed by the kernel
   * (MSG_CTRUNC); those that arrived are closed here. */
  for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h != NULL; h = CMSG_NXTHDR(&m, h)) {
    if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
      continue;
    size_t nfds = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < nfds; i++) {
      int passed;
      memcpy(&passed, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
      close(passed);
    }
  }
  return n;
}

static int connect_upstream(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(sa.sun_path))
    return -ENAMETOOLONG;
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  /* A unix stream connect completes at once or fails; it never leaves
   * the loop waiting. */
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

void relay_init(struct relay *r, int client_fd, bool record, const uint8_t *cookie) {
  memset(r, 0, sizeof(*r));
  r->client_fd = client_fd;
  r->server_fd = -1;
  r->up.from = PF_FROM_CLIENT;
  r->down.from = PF_FROM_SERVER;
  pf_conn_init(&r->policy, record, cookie);
}

int relay_open(struct relay *r, int client_fd, const char *upstream, bool record,
               const uint8_t *cookie, uint64_t now) {
  relay_init(r, client_fd, record, cookie);
  r->upstream = upstream;
  r->give_up_at = now + RELAY_CONNECT_TIMEOUT_MS;
  return relay_retry(r, now);
}

bool relay_connecting(const struct relay *r) {
  return r->server_fd < 0 && !r->server_gone;
}

int relay_retry(struct relay *r, uint64_t now) {
  if (!relay_connecting(r) || now < r->next_try)
    return 0;
  int fd = connect_upstream(r->upstream);
  if (fd >= 0) {
    r->server_fd = fd;
    return 0;
  }
  if (fd != -EAGAIN || now >= r->give_up_at)
    return fd;
  r->next_try = now + RELAY_RETRY_MS;
  return 0;
}

void relay_close(struct relay *r) {
  if (r->client_fd >= 0)
    close(r->client_fd);
  if (r->server_fd >= 0)
    close(r->server_fd);
  r->client_fd = r->server_fd = -1;
  buf_free(&r->up.in);
  buf_free(&r->up.out);
  buf_free(&r->down.in);
  buf_free(&r->down.out);
}

static bool may_read_client(const struct relay *r) {
  return !r->server_gone && buf_len(&r->up.out) < RELAY_HIGH_WATER &&
         buf_len(&r->down.out) < RELAY_HIGH_WATER && r->n_refusals < RELAY_MAX_REFUSALS;
}

static bool may_read_server(const struct relay *r) {
  return !r->server_gone && buf_len(&r->down.out) < RELAY_HIGH_WATER;
}

void relay_events(const struct relay *r, short *client_events, short *server_events) {
  if (relay_connecting(r)) {
    *client_events = *server_events = 0; /* the client waits; a hangup still shows */
    return;
  }
  *client_events =
      (short)((may_read_client(r) ? POLLIN : 0) | (buf_len(&r->down.out) ? POLLOUT : 0));
  *server_events = 0;
  if (!r->server_gone)
    *server_events =
        (short)((may_read_server(r) ? POLLIN : 0) | (buf_len(&r->up.out) ? POLLOUT : 0));
}

static int drop(struct relay *r, enum relay_culprit who, const char *why) {
  r->who = who;
  r->why = why;
  return -1;
}

static enum relay_culprit culprit(const struct pump *p) {
  return p->from == PF_FROM_CLIENT ? RELAY_CLIENT : RELAY_SERVER;
}

/* Applies the policy to one whole control packet at the head of p->in. */
static int judge_packet(struct relay *r, struct pump *p, const struct pf_frame *f) {
  uint8_t *pkt = p->in.data + p->in.start + PA_DESC_SIZE;
  struct pf_verdict v;
  if (p->from == PF_FROM_CLIENT)
    pf_client_packet(&r->policy, pkt, f->length, &v);
  else
    pf_server_packet(&r->policy, pkt, f->length, &v);
  switch (v.kind) {
  case PF_DROP:
    return drop(r, culprit(p), v.why);
  case PF_REFUSE:
    r->refusals[r->n_refusals][0] = v.tag;
    r->refusals[r->n_refusals][1] = v.error;
    r->n_refusals++;
    break;
  case PF_FORWARD:
    if (buf_append(&p->out, buf_head(&p->in), PA_DESC_SIZE + f->length) < 0)
      return drop(r, RELAY_NOBODY, "out of memory");
    break;
  }
  buf_consume(&p->in, PA_DESC_SIZE + f->length);
  buf_trim(&p->in, RELAY_READ_CHUNK);
  return 1;
}

/* Moves what can be judged from p->in to p->out: 1 when something moved,
 * 0 when more input is needed, -1 when the client must be dropped. */
static int pump_step(struct relay *r, struct pump *p) {
  size_t avail = buf_len(&p->in);
  if (p->memblock_left > 0) {
    size_t n = avail < p->memblock_left ? avail : p->memblock_left;
    if (n == 0)
      return 0;
    if (buf_append(&p->out, buf_head(&p->in), n) < 0)
      return drop(r, RELAY_NOBODY, "out of memory");
    buf_consume(&p->in, n);
    p->memblock_left -= (uint32_t)n;
    return 1;
  }
  if (avail < PA_DESC_SIZE)
    return 0;
  struct pf_frame f;
  frame_decode(buf_head(&p->in), &f);
  const char *bad = frame_check(&f, p->from);
  if (bad != NULL)
    return drop(r, culprit(p), bad);
  if (!frame_is_packet(&f)) {
    if (p->from == PF_FROM_SERVER && !pf_server_memblock_allowed(&r->policy))
      return drop(r, RELAY_SERVER, "recorded audio without --record");
    if (buf_append(&p->out, buf_head(&p->in), PA_DESC_SIZE) < 0)
      return drop(r, RELAY_NOBODY, "out of memory");
    buf_consume(&p->in, PA_DESC_SIZE);
    p->memblock_left = f.length;
    return 1;
  }
  if (avail < PA_DESC_SIZE + f.length) {
    /* Room for the whole packet; frame_check bounded its size. */
    if (buf_reserve(&p->in, PA_DESC_SIZE + f.length - avail) < 0)
      return drop(r, RELAY_NOBODY, "out of memory");
    return 0;
  }
  if (p->from == PF_FROM_CLIENT && r->n_refusals == RELAY_MAX_REFUSALS)
    return 0;
  return judge_packet(r, p, &f);
}

/* Refusals join the client's stream between frames only. */
static int flush_refusals(struct relay *r) {
  if (r->n_refusals == 0 || r->down.memblock_left > 0)
    return 0;
  for (size_t i = 0; i < r->n_refusals; i++) {
    uint8_t frame[PF_ERROR_FRAME_SIZE];
    size_t n = pf_error_frame(r->refusals[i][0], r->refusals[i][1], frame);
    if (buf_append(&r->down.out, frame, n) < 0)
      return drop(r, RELAY_NOBODY, "out of memory");
  }
  r->n_refusals = 0;
  return 1;
}

static bool pump_all(struct relay *r) {
  if (r->server_gone) {
    /* Nothing more reaches the server; what it sent still reaches the client. */
    buf_free(&r->up.in);
    buf_free(&r->up.out);
  }
  for (;;) {
    int a = r->server_gone ? 0 : pump_step(r, &r->up);
    int b = a < 0 ? 0 : pump_step(r, &r->down);
    int c = a < 0 || b < 0 ? 0 : flush_refusals(r);
    if (a < 0 || b < 0 || c < 0)
      return false;
    if (a == 0 && b == 0 && c == 0)
      return true;
  }
}

bool relay_input(struct relay *r, enum pf_side from, const void *data, size_t n) {
  struct pump *p = from == PF_FROM_CLIENT ? &r->up : &r->down;
  if (buf_append(&p->in, data, n) < 0) {
    drop(r, RELAY_NOBODY, "out of memory");
    return false;
  }
  return pump_all(r);
}

/* 1 read something, 0 nothing to read now, -1 end of stream or error. */
static int fill(int fd, struct pump *p) {
  size_t want = RELAY_READ_CHUNK;
  if (buf_reserve(&p->in, want) < 0)
    return -1;
  /* Never beyond the space reserved: a packet being assembled may have
   * grown the buffer, the rest stays a chunk. */
  size_t room = p->in.cap - p->in.end;
  ssize_t n = recv_nofds(fd, p->in.data + p->in.end, room);
  if (n == -EAGAIN || n == -EWOULDBLOCK)
    return 0;
  if (n <= 0)
    return -1;
  p->in.end += (size_t)n;
  return 1;
}

/* 0 when written or would block, -1 when the peer is gone. */
static int flush(int fd, struct buf *out) {
  while (buf_len(out) > 0) {
    ssize_t n = send(fd, buf_head(out), buf_len(out), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    buf_consume(out, (size_t)n);
  }
  buf_trim(out, 2 * RELAY_HIGH_WATER);
  return 0;
}

static void server_gone(struct relay *r) {
  r->server_gone = true;
  close(r->server_fd);
  r->server_fd = -1;
  buf_free(&r->up.out);
}

bool relay_handle(struct relay *r, short crev, short srev) {
  if (relay_connecting(r))
    return (crev & (POLLHUP | POLLERR | POLLNVAL)) == 0;
  if (r->server_fd >= 0) {
    if ((srev & POLLIN) && may_read_server(r) && fill(r->server_fd, &r->down) < 0)
      server_gone(r);
    else if ((srev & (POLLHUP | POLLERR | POLLNVAL)) && !(srev & POLLIN))
      server_gone(r);
  }
  if ((crev & POLLIN) && may_read_client(r)) {
    if (fill(r->client_fd, &r->up) < 0)
      return false;
  } else if (crev & (POLLHUP | POLLERR | POLLNVAL)) {
    return false;
  }
  if (!pump_all(r))
    return false;
  /* Written at once where the socket takes it; POLLOUT covers the rest. */
  if (r->server_fd >= 0 && flush(r->server_fd, &r->up.out) < 0)
    server_gone(r);
  if (flush(r->client_fd, &r->down.out) < 0)
    return false;
  return !(r->server_gone && buf_len(&r->down.out) == 0);
}
