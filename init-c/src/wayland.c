/* The Wayland wire format, by hand (no libwayland): every message is a
 * header of two 32-bit words in host byte order, the object id, then
 * (size << 16 | opcode) with size counting the header, followed by the
 * arguments: uint/int/object/new_id as one word; a string as its length
 * including the NUL, the bytes, the NUL, zero padding to 4; a new_id whose
 * interface the protocol leaves open (wl_registry.bind) as string
 * interface, uint version, new_id. File descriptors travel beside the
 * bytes, as SCM_RIGHTS, in argument order.
 *
 * Requests used (object ids are ours to pick, from 2 up):
 *   wl_display(1).sync = 0 (new_id wl_callback), .get_registry = 1 (new_id)
 *   wl_registry.bind = 0 (uint name, new_id)
 *   wp_security_context_manager_v1.create_listener = 1 (new_id, fd listen, fd close)
 *   wp_security_context_v1.set_sandbox_engine = 1, .set_app_id = 2,
 *     .set_instance_id = 3 (string each), .commit = 4
 * Events read:
 *   wl_display.error = 0 (object, uint code, string), .delete_id = 1
 *   wl_registry.global = 0 (uint name, string interface, uint version),
 *     .global_remove = 1 (uint name)
 *   wl_callback.done = 0 (uint) */
#include "wayland.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

#define MANAGER_INTERFACE "wp_security_context_manager_v1"

enum {
  ID_DISPLAY = 1,
  ID_REGISTRY,
  ID_SYNC1,
  ID_MANAGER,
  ID_CONTEXT,
  ID_SYNC2,
};

enum {
  DISPLAY_SYNC = 0,
  DISPLAY_GET_REGISTRY = 1,
  DISPLAY_EV_ERROR = 0,
  REGISTRY_BIND = 0,
  REGISTRY_EV_GLOBAL = 0,
  REGISTRY_EV_GLOBAL_REMOVE = 1,
  CALLBACK_EV_DONE = 0,
  MANAGER_CREATE_LISTENER = 1,
  CONTEXT_SET_SANDBOX_ENGINE = 1,
  CONTEXT_SET_APP_ID = 2,
  CONTEXT_SET_INSTANCE_ID = 3,
  CONTEXT_COMMIT = 4,
};

static void put32(unsigned char *p, uint32_t v) {
  memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

void wl_msg_begin(struct wl_msg *m, unsigned object, unsigned opcode) {
  m->len = 8;
  m->overflow = 0;
  put32(m->b, object);
  put32(m->b + 4, opcode & 0xFFFFu);
}

void wl_msg_u32(struct wl_msg *m, unsigned v) {
  if (m->len + 4 > sizeof(m->b)) {
    m->overflow = 1;
    return;
  }
  put32(m->b + m->len, v);
  m->len += 4;
}

void wl_msg_str(struct wl_msg *m, const char *s) {
  size_t n = strlen(s) + 1, padded = (n + 3) & ~(size_t)3;
  if (n > UINT32_MAX || m->len + 4 + padded > sizeof(m->b)) {
    m->overflow = 1;
    return;
  }
  wl_msg_u32(m, (unsigned)n);
  memset(m->b + m->len, 0, padded);
  memcpy(m->b + m->len, s, n - 1);
  m->len += padded;
}

int wl_msg_end(struct wl_msg *m) {
  if (m->overflow)
    return -1;
  put32(m->b + 4, (uint32_t)m->len << 16 | (get32(m->b + 4) & 0xFFFFu));
  return 0;
}

int wl_header(const unsigned char *buf, unsigned *object, unsigned *opcode, unsigned *size) {
  uint32_t w = get32(buf + 4);
  *object = get32(buf);
  *opcode = w & 0xFFFFu;
  *size = w >> 16;
  if (*size < 8 || *size > WAYLAND_MAX_MESSAGE || *size % 4 != 0)
    return -1;
  return 0;
}

int wl_args_u32(struct wl_args *a, unsigned *out) {
  if (a->left < 4)
    return -1;
  *out = get32(a->p);
  a->p += 4;
  a->left -= 4;
  return 0;
}

int wl_args_str(struct wl_args *a, const char **out) {
  unsigned n;
  if (wl_args_u32(a, &n) < 0)
    return -1;
  if (n == 0) {
    *out = NULL;
    return 0;
  }
  size_t padded = ((size_t)n + 3) & ~(size_t)3;
  if (padded > a->left || a->p[n - 1] != '\0' || memchr(a->p, '\0', n - 1) != NULL)
    return -1;
  *out = (const char *)a->p;
  a->p += padded;
  a->left -= padded;
  return 0;
}

/* A connection and what we learnt on it. */
struct conn {
  int fd;
  uint64_t deadline;
  unsigned char in[2 * WAYLAND_MAX_MESSAGE];
  size_t in_len;
  unsigned manager_name, manager_version; /* the global, or version 0 */
  const char *compositor;
  struct hsu_error *err;
};

static void fail_errno(struct conn *c, int err, const char *what) {
  if (err == EPIPE || err == ECONNRESET) {
    hsu_fail(c->err, 0, "the Wayland compositor at %s closed the connection", q(c->compositor));
    return;
  }
  hsu_fail(c->err, err, "cannot %s the Wayland compositor at %s", what, q(c->compositor));
}

static int send_msg(struct conn *c, struct wl_msg *m, const int *fds, int n_fds) {
  if (wl_msg_end(m) < 0) {
    hsu_fail(c->err, 0, "a Wayland message to %s is too long", q(c->compositor));
    return -1;
  }
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(2 * sizeof(int))];
  } control;
  size_t off = 0;
  while (off < m->len) {
    struct iovec iov = {.iov_base = m->b + off, .iov_len = m->len - off};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (off == 0 && n_fds > 0) {
      memset(&control, 0, sizeof(control));
      mh.msg_control = control.buf;
      mh.msg_controllen = CMSG_SPACE((size_t)n_fds * sizeof(int));
      struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
      cm->cmsg_level = SOL_SOCKET;
      cm->cmsg_type = SCM_RIGHTS;
      cm->cmsg_len = CMSG_LEN((size_t)n_fds * sizeof(int));
      memcpy(CMSG_DATA(cm), fds, (size_t)n_fds * sizeof(int));
    }
    ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fail_errno(c, errno, "write to");
      return -1;
    }
    off += (size_t)n;
  }
  return 0;
}

/* Reads more bytes; file descriptors the compositor passes are closed. */
static int fill(struct conn *c) {
  for (;;) {
    uint64_t now = monotonic_ms();
    if (now >= c->deadline) {
      hsu_fail(c->err, 0, "the Wayland compositor at %s did not answer in time", q(c->compositor));
      return -1;
    }
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    int r = poll(&pfd, 1, (int)(c->deadline - now));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      fail_errno(c, errno, "read from");
      return -1;
    }
    if (r == 0)
      continue;
    union {
      struct cmsghdr align;
      char buf[CMSG_SPACE(28 * sizeof(int))];
    } control;
    struct iovec iov = {.iov_base = c->in + c->in_len, .iov_len = sizeof(c->in) - c->in_len};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control.buf,
                        .msg_controllen = sizeof(control.buf)};
    ssize_t n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      fail_errno(c, errno, "read from");
      return -1;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
      if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
        continue;
      size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < k; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
        close(fd);
      }
    }
    if (n == 0) {
      fail_errno(c, ECONNRESET, "read from");
      return -1;
    }
    c->in_len += (size_t)n;
    return 0;
  }
}

/* Handles events until the wl_callback `callback` is done: 0, or -1 with
 * a sentence (a protocol error, a malformed message, a timeout). */
static int roundtrip(struct conn *c, unsigned callback) {
  for (;;) {
    unsigned object, opcode, size;
    while (c->in_len < 8)
      if (fill(c) < 0)
        return -1;
    if (wl_header(c->in, &object, &opcode, &size) < 0) {
      hsu_fail(c->err, 0, "the Wayland compositor at %s sent a malformed message",
               q(c->compositor));
      return -1;
    }
    while (c->in_len < size)
      if (fill(c) < 0)
        return -1;
    struct wl_args a = {.p = c->in + 8, .left = size - 8};
    bool bad = false, done = false;
    if (object == ID_DISPLAY && opcode == DISPLAY_EV_ERROR) {
      unsigned obj, code;
      const char *text;
      if (wl_args_u32(&a, &obj) < 0 || wl_args_u32(&a, &code) < 0 || wl_args_str(&a, &text) < 0) {
        bad = true;
      } else {
        char said[4 * 200 + 8];
        struct sbuf sb;
        sb_init(&sb, said, sizeof(said));
        sb_quote(&sb, text != NULL ? text : "", text != NULL ? strlen(text) : 0, 200);
        hsu_fail(c->err, 0,
                 "the Wayland compositor at %s refused the security context: %s (error %u on "
                 "object %u)",
                 q(c->compositor), said, code, obj);
        return -1;
      }
    } else if (object == ID_REGISTRY && opcode == REGISTRY_EV_GLOBAL) {
      unsigned name, version;
      const char *iface;
      if (wl_args_u32(&a, &name) < 0 || wl_args_str(&a, &iface) < 0 ||
          wl_args_u32(&a, &version) < 0)
        bad = true;
      else if (iface != NULL && strcmp(iface, MANAGER_INTERFACE) == 0 && version >= 1)
        c->manager_name = name, c->manager_version = version;
    } else if (object == ID_REGISTRY && opcode == REGISTRY_EV_GLOBAL_REMOVE) {
      unsigned name;
      if (wl_args_u32(&a, &name) < 0)
        bad = true;
      else if (c->manager_version != 0 && name == c->manager_name)
        c->manager_version = 0;
    } else if (object == callback && opcode == CALLBACK_EV_DONE) {
      done = true;
    }
    if (bad) {
      hsu_fail(c->err, 0, "the Wayland compositor at %s sent a malformed message",
               q(c->compositor));
      return -1;
    }
    c->in_len -= size;
    memmove(c->in, c->in + size, c->in_len);
    if (done)
      return 0;
  }
}

/* A unix socket address for path; a path too long for sun_path is reached
 * through its directory's /proc/self/fd link (dir_fd, or one opened here). */
static int unix_addr(const char *path, int dir_fd, const char *name, struct sockaddr_un *sa,
                     int *opened) {
  memset(sa, 0, sizeof(*sa));
  sa->sun_family = AF_UNIX;
  *opened = -1;
  if (strlen(path) < sizeof(sa->sun_path)) {
    memcpy(sa->sun_path, path, strlen(path));
    return 0;
  }
  if (dir_fd < 0) {
    const char *slash = strrchr(path, '/');
    char parent[4096];
    size_t n = (size_t)(slash - path);
    if (n == 0 || n >= sizeof(parent))
      return -ENAMETOOLONG;
    memcpy(parent, path, n);
    parent[n] = '\0';
    dir_fd = *opened = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
      return -errno;
    name = slash + 1;
  }
  int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dir_fd, name);
  if (n < 0 || (size_t)n >= sizeof(sa->sun_path)) {
    if (*opened >= 0)
      close(*opened);
    *opened = -1;
    return -ENAMETOOLONG;
  }
  return 0;
}

static int connect_compositor(struct conn *c) {
  struct sockaddr_un sa;
  int opened;
  int r = unix_addr(c->compositor, -1, NULL, &sa, &opened);
  if (r < 0) {
    fail_errno(c, -r, "connect to");
    return -1;
  }
  c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    fail_errno(c, errno, "connect to");
    if (opened >= 0)
      close(opened);
    return -1;
  }
  if (opened >= 0)
    close(opened);
  return 0;
}

static int listen_socket(const struct wayland_request *req, struct hsu_error *e) {
  struct sockaddr_un sa;
  int opened;
  int r = unix_addr(req->socket, req->dir_fd, req->socket_name, &sa, &opened);
  autoclose int fd = -1;
  if (r == 0) {
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0)
      r = -errno;
  }
  if (r < 0)
    return hsu_fail(e, -r, "cannot create the Wayland socket %s", q(req->socket));
  return steal_fd(&fd);
}

int wayland_security_context(const struct wayland_request *req, struct hsu_error *e) {
  hsu_error_clear(e);
  struct conn *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    hsu_fail(e, ENOMEM, "cannot talk to the Wayland compositor at %s", q(req->compositor));
    return -1;
  }
  c->fd = -1;
  c->compositor = req->compositor;
  c->err = e;
  c->deadline = monotonic_ms() + (uint64_t)req->timeout_ms;
  int listen_fd = -1, pipe_fds[2] = {-1, -1}, result = -1;
  struct wl_msg m;

  if (connect_compositor(c) < 0)
    goto out;
  wl_msg_begin(&m, ID_DISPLAY, DISPLAY_GET_REGISTRY);
  wl_msg_u32(&m, ID_REGISTRY);
  if (send_msg(c, &m, NULL, 0) < 0)
    goto out;
  wl_msg_begin(&m, ID_DISPLAY, DISPLAY_SYNC);
  wl_msg_u32(&m, ID_SYNC1);
  if (send_msg(c, &m, NULL, 0) < 0 || roundtrip(c, ID_SYNC1) < 0)
    goto out;
  if (c->manager_version == 0) {
    hsu_fail(e, 0,
             "the Wayland compositor at %s does not offer " MANAGER_INTERFACE
             " (set wayland: {direct: true} to pass the raw socket)",
             q(req->compositor));
    goto out;
  }

  if ((listen_fd = listen_socket(req, e)) < 0)
    goto out;
  if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
    hsu_fail(e, errno, "cannot create a pipe");
    goto out;
  }
  wl_msg_begin(&m, ID_REGISTRY, REGISTRY_BIND);
  wl_msg_u32(&m, c->manager_name);
  wl_msg_str(&m, MANAGER_INTERFACE);
  wl_msg_u32(&m, 1);
  wl_msg_u32(&m, ID_MANAGER);
  if (send_msg(c, &m, NULL, 0) < 0)
    goto out;
  int fds[2] = {listen_fd, pipe_fds[0]};
  wl_msg_begin(&m, ID_MANAGER, MANAGER_CREATE_LISTENER);
  wl_msg_u32(&m, ID_CONTEXT);
  if (send_msg(c, &m, fds, 2) < 0)
    goto out;
  const struct {
    unsigned opcode;
    const char *value;
  } meta[] = {
      {CONTEXT_SET_SANDBOX_ENGINE, req->engine},
      {CONTEXT_SET_APP_ID, req->app_id},
      {CONTEXT_SET_INSTANCE_ID, req->instance_id},
  };
  for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
    wl_msg_begin(&m, ID_CONTEXT, meta[i].opcode);
    wl_msg_str(&m, meta[i].value);
    if (send_msg(c, &m, NULL, 0) < 0)
      goto out;
  }
  wl_msg_begin(&m, ID_CONTEXT, CONTEXT_COMMIT);
  if (send_msg(c, &m, NULL, 0) < 0)
    goto out;
  /* The round trip makes a refusal (e.g. invalid metadata) an error here
   * rather than a socket that silently accepts nobody. */
  wl_msg_begin(&m, ID_DISPLAY, DISPLAY_SYNC);
  wl_msg_u32(&m, ID_SYNC2);
  if (send_msg(c, &m, NULL, 0) < 0 || roundtrip(c, ID_SYNC2) < 0)
    goto out;
  result = steal_fd(&pipe_fds[1]);

out:
  /* The compositor keeps the context after we disconnect. */
  if (c->fd >= 0)
    close(c->fd);
  free(c);
  if (listen_fd >= 0)
    close(listen_fd);
  if (pipe_fds[0] >= 0)
    close(pipe_fds[0]);
  if (pipe_fds[1] >= 0)
    close(pipe_fds[1]);
  return result;
}
