/* hsu-pulse-filter: a PulseAudio native-protocol proxy that lets a sandboxed
 * client play (and, with --record, record) and nothing else. See
 * docs/pulse-filter.md. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pulse/relay.h"
#include "util.h"

#define PROG "hsu-pulse-filter"
#define MAX_CLIENTS 64
#define ACCEPTS_PER_ROUND 16
#define USAGE                                                                                      \
  "usage: " PROG " --upstream PATH --listen PATH [--cookie FILE] [--record] [--sync-fd N]"

struct options {
  const char *upstream, *listen, *cookie;
  bool record;
  int sync_fd; /* -1: none */
};

__attribute__((format(printf, 2, 3))) static void say(int err, const char *fmt, ...) {
  char buf[8192];
  struct sbuf sb;
  sb_init(&sb, buf, sizeof(buf) - 1);
  sb_printf(&sb, PROG ": ");
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  if (err != 0)
    sb_printf(&sb, ": %s", hsu_strerror(err));
  buf[sb.len++] = '\n';
  (void)write_all(STDERR_FILENO, buf, sb.len);
}

#define fail(status, err, ...)                                                                     \
  do {                                                                                             \
    say(err, __VA_ARGS__);                                                                         \
    exit(status);                                                                                  \
  } while (0)

static void parse_args(int argc, char **argv, struct options *o) {
  static const struct option longopts[] = {{"upstream", required_argument, NULL, 'u'},
                                           {"listen", required_argument, NULL, 'l'},
                                           {"cookie", required_argument, NULL, 'c'},
                                           {"record", no_argument, NULL, 'r'},
                                           {"sync-fd", required_argument, NULL, 's'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  *o = (struct options){.sync_fd = -1};
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
    char *end;
    long n;
    switch (c) {
    case 'u':
      o->upstream = optarg;
      break;
    case 'l':
      o->listen = optarg;
      break;
    case 'c':
      o->cookie = optarg;
      break;
    case 'r':
      o->record = true;
      break;
    case 's':
      errno = 0;
      n = strtol(optarg, &end, 10);
      if (errno != 0 || end == optarg || *end != '\0' || n < 3 || n > INT_MAX)
        fail(2, 0, "--sync-fd wants a descriptor number of 3 or more, not %s (" USAGE ")",
             q(optarg));
      o->sync_fd = (int)n;
      break;
    case 'h':
      printf("%s\n", USAGE);
      exit(0);
    default:
      fail(2, 0, "unknown option or missing argument %s (" USAGE ")", q(argv[optind - 1]));
    }
  }
  if (optind < argc)
    fail(2, 0, "unexpected argument %s (" USAGE ")", q(argv[optind]));
  if (o->upstream == NULL || o->listen == NULL)
    fail(2, 0, "missing %s (" USAGE ")", o->upstream == NULL ? "--upstream" : "--listen");
}

static void read_cookie(const char *path, uint8_t *cookie) {
  autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    fail(1, errno, "cannot read the cookie %s", q(path));
  unsigned char *data;
  size_t len;
  int r = read_fd(fd, PA_NATIVE_COOKIE_LENGTH, &data, &len);
  if (r < 0 && r != -EFBIG)
    fail(1, -r, "cannot read the cookie %s", q(path));
  if (r == -EFBIG || len != PA_NATIVE_COOKIE_LENGTH)
    fail(1, 0, "cannot read the cookie %s: it is not %u bytes long", q(path),
         PA_NATIVE_COOKIE_LENGTH);
  memcpy(cookie, data, PA_NATIVE_COOKIE_LENGTH);
  memset(data, 0, len);
  free(data);
}

static int listen_on(const char *path, struct stat *st) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(sa.sun_path))
    fail(1, ENAMETOOLONG, "cannot listen on %s", q(path));
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail(1, errno, "cannot create a socket for %s", q(path));
  /* bind fails with EADDRINUSE when anything exists at path. */
  if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
    fail(1, errno, "cannot listen on %s", q(path));
  if (listen(fd, MAX_CLIENTS) < 0 || lstat(path, st) < 0) {
    int err = errno;
    unlink(path);
    fail(1, err, "cannot listen on %s", q(path));
  }
  return fd;
}

/* SIGTERM and SIGINT end the filter; they are read in the poll loop. */
static int signals_setup(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal(SIGPIPE, SIG_IGN);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
    fail(1, errno, "cannot block signals");
  int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0)
    fail(1, errno, "cannot create a signalfd");
  return fd;
}

struct state {
  const struct options *o;
  const uint8_t *cookie;
  struct relay conns[MAX_CLIENTS];
  size_t n;
};

static void accept_clients(struct state *s, int lfd) {
  for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
      return; /* EAGAIN, or a client that left before being accepted */
    if (s->n == MAX_CLIENTS) {
      close(fd);
      continue;
    }
    int r =
        relay_open(&s->conns[s->n], fd, s->o->upstream, s->o->record, s->cookie, monotonic_ms());
    if (r < 0) {
      say(-r, "cannot connect to %s", q(s->o->upstream));
      relay_close(&s->conns[s->n]);
      continue;
    }
    s->n++;
  }
}

/* Retries due connects; the poll timeout until the next one, or -1. */
static int retry_connects(struct state *s) {
  uint64_t now = monotonic_ms(), next = UINT64_MAX;
  for (size_t i = s->n; i-- > 0;) {
    struct relay *r = &s->conns[i];
    int err = relay_retry(r, now);
    if (err < 0) {
      say(-err, "cannot connect to %s", q(s->o->upstream));
      relay_close(r);
      s->conns[i] = s->conns[--s->n];
    } else if (relay_connecting(r) && r->next_try < next) {
      next = r->next_try;
    }
  }
  if (next == UINT64_MAX)
    return -1;
  return next <= now ? 0 : (int)(next - now);
}

/* Runs until a signal or the sync fd's peer ends it. */
static void serve(struct state *s, int lfd, int sfd) {
  struct pollfd pfd[3 + 2 * MAX_CLIENTS];
  for (;;) {
    int timeout = retry_connects(s);
    size_t n = 0;
    pfd[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
    pfd[n++] = (struct pollfd){.fd = lfd, .events = POLLIN};
    pfd[n++] = (struct pollfd){.fd = s->o->sync_fd, .events = 0}; /* -1: ignored */
    for (size_t i = 0; i < s->n; i++) {
      short ce, se;
      relay_events(&s->conns[i], &ce, &se);
      pfd[n++] = (struct pollfd){.fd = s->conns[i].client_fd, .events = ce};
      pfd[n++] = (struct pollfd){.fd = s->conns[i].server_fd, .events = se};
    }
    if (poll(pfd, n, timeout) < 0) {
      if (errno == EINTR)
        continue;
      fail(1, errno, "cannot poll");
    }
    if (pfd[0].revents & POLLIN)
      return;
    if (pfd[2].revents & (POLLHUP | POLLERR | POLLNVAL))
      return;
    /* Backwards, so that moving the last connection into a freed slot
     * leaves the slots still to visit untouched. */
    for (size_t i = s->n; i-- > 0;) {
      struct relay *r = &s->conns[i];
      if (relay_handle(r, pfd[3 + 2 * i].revents, pfd[4 + 2 * i].revents))
        continue;
      if (r->why != NULL)
        say(0, "dropped a client: %s%s",
            r->who == RELAY_CLIENT   ? "it sent "
            : r->who == RELAY_SERVER ? "the server sent "
                                     : "",
            r->why);
      relay_close(r);
      s->conns[i] = s->conns[--s->n];
    }
    if (pfd[1].revents & POLLIN)
      accept_clients(s, lfd);
  }
}

int main(int argc, char **argv) {
  struct options o;
  parse_args(argc, argv, &o);
  static uint8_t cookie[PA_NATIVE_COOKIE_LENGTH];
  if (o.cookie != NULL)
    read_cookie(o.cookie, cookie);
  if (o.sync_fd >= 0 && fcntl(o.sync_fd, F_SETFD, FD_CLOEXEC) < 0)
    fail(1, errno, "cannot use the sync fd %d", o.sync_fd);
  int sfd = signals_setup();
  struct stat st;
  int lfd = listen_on(o.listen, &st);
  if (o.sync_fd >= 0) {
    int r = write_all(o.sync_fd, "x", 1);
    if (r < 0) {
      unlink(o.listen);
      fail(1, -r, "cannot write to the sync fd %d", o.sync_fd);
    }
  }
  static struct state s;
  s.o = &o;
  s.cookie = o.cookie != NULL ? cookie : NULL;
  serve(&s, lfd, sfd);
  for (size_t i = 0; i < s.n; i++)
    relay_close(&s.conns[i]);
  /* Only the socket this process made, not one put there since. */
  struct stat now;
  if (lstat(o.listen, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
    unlink(o.listen);
  return 0;
}
