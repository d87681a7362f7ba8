/* The hand-written Wayland client: the wire encoding, bounds checks on what
 * it reads, and the whole security-context exchange against a scripted fake
 * compositor (a forked process on a unix socket) that checks every request
 * byte and the passed file descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "wayland.h"

static uint32_t word(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void test_encoding(void) {
  struct wl_msg m;
  wl_msg_begin(&m, 5, 2);
  wl_msg_str(&m, "org.x");
  ok(wl_msg_end(&m) == 0 && m.len == 20, "a 5-byte string takes 4 + 8 bytes after the header");
  ok(word(m.b) == 5 && word(m.b + 4) == (20u << 16 | 2),
     "header: object, then size << 16 | opcode");
  ok(word(m.b + 8) == 6 && memcmp(m.b + 12, "org.x\0\0\0", 8) == 0,
     "string: length with the NUL, bytes, NUL, zero padding");
  wl_msg_begin(&m, 1, 0);
  wl_msg_str(&m, "abc");
  wl_msg_end(&m);
  ok(m.len == 16 && word(m.b + 8) == 4 && memcmp(m.b + 12, "abc\0", 4) == 0,
     "a 3-byte string needs no padding");
  wl_msg_begin(&m, 2, 0);
  wl_msg_u32(&m, 7);
  wl_msg_str(&m, "wp_security_context_manager_v1");
  wl_msg_u32(&m, 1);
  wl_msg_u32(&m, 4);
  wl_msg_end(&m);
  ok(m.len == 8 + 4 + 4 + 32 + 4 + 4 && word(m.b + 12) == 31,
     "wl_registry.bind: name, interface, version, new_id");
  char big[5000];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  wl_msg_begin(&m, 1, 0);
  wl_msg_str(&m, big);
  ok(wl_msg_end(&m) < 0, "a message over 4096 bytes is refused");

  unsigned char h[8];
  unsigned obj, op, size;
  uint32_t w = 12u << 16 | 3;
  memcpy(h, "\x02\0\0\0", 4);
  memcpy(h + 4, &w, 4);
  ok(wl_header(h, &obj, &op, &size) == 0 && obj == 2 && op == 3 && size == 12, "header decoded");
  static const unsigned bad_sizes[] = {0, 4, 7, 10, 4100, 0xFFFF};
  int all = 1;
  for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
    w = bad_sizes[i] << 16;
    memcpy(h + 4, &w, 4);
    if (wl_header(h, &obj, &op, &size) == 0)
      all = 0;
  }
  ok(all, "sizes below 8, above 4096 or not a multiple of 4 are malformed");

  const char *s;
  unsigned char a1[] = {6, 0, 0, 0, 'o', 'r', 'g', '.', 'x', 0, 0, 0};
  struct wl_args a = {a1, sizeof(a1)};
  ok(wl_args_str(&a, &s) == 0 && strcmp(s, "org.x") == 0 && a.left == 0, "string argument read");
  unsigned char a2[] = {6, 0, 0, 0, 'o', 'r', 'g', '.', 'x', 'y', 0, 0};
  a = (struct wl_args){a2, sizeof(a2)};
  ok(wl_args_str(&a, &s) < 0, "a string without its NUL is malformed");
  unsigned char a3[] = {6, 0, 0, 0, 'o', 'r', 0, '.', 'x', 0, 0, 0};
  a = (struct wl_args){a3, sizeof(a3)};
  ok(wl_args_str(&a, &s) < 0, "a string with an inner NUL is malformed");
  unsigned char a4[] = {9, 0, 0, 0, 'o', 'r', 'g', '.', 'x', 0, 0, 0};
  a = (struct wl_args){a4, sizeof(a4)};
  ok(wl_args_str(&a, &s) < 0, "a string longer than the message is malformed");
  unsigned char a5[] = {0xFF, 0xFF, 0xFF, 0xFF};
  a = (struct wl_args){a5, sizeof(a5)};
  ok(wl_args_str(&a, &s) < 0, "a string length of 2^32-1 is malformed");
  unsigned char a6[] = {0, 0, 0, 0};
  a = (struct wl_args){a6, sizeof(a6)};
  ok(wl_args_str(&a, &s) == 0 && s == NULL, "a null string");
  unsigned x;
  a = (struct wl_args){a6, 3};
  ok(wl_args_u32(&a, &x) < 0, "a truncated uint is malformed");
}

/* --- the fake compositor --- */

enum mode { NORMAL, NO_GLOBAL, REFUSE, MALFORMED, HANG_UP, SILENT, GLOBAL_REMOVED };

static int server_fd;
static char log_buf[4096];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...) {
  size_t n = strlen(log_buf);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(log_buf + n, sizeof(log_buf) - n, fmt, ap);
  va_end(ap);
}

static void send_event(int fd, struct wl_msg *m) {
  wl_msg_end(m);
  if (write(fd, m->b, m->len) != (ssize_t)m->len)
    _exit(3);
}

static void global(int fd, unsigned name, const char *iface, unsigned version) {
  struct wl_msg m;
  wl_msg_begin(&m, 2, 0);
  wl_msg_u32(&m, name);
  wl_msg_str(&m, iface);
  wl_msg_u32(&m, version);
  send_event(fd, &m);
}

static void done(int fd, unsigned cb) {
  struct wl_msg m;
  wl_msg_begin(&m, cb, 0);
  wl_msg_u32(&m, 0);
  send_event(fd, &m);
}

/* Reads one request; fds received go to fds[] (count in *n_fds). */
static int read_request(int fd, unsigned char *buf, unsigned *obj, unsigned *op, unsigned *size,
                        int *fds, int *n_fds) {
  union {
    struct cmsghdr align;
    char b[CMSG_SPACE(8 * sizeof(int))];
  } control;
  struct iovec iov = {.iov_base = buf, .iov_len = 8};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.b,
                      .msg_controllen = sizeof(control.b)};
  ssize_t n = recvmsg(fd, &mh, MSG_WAITALL);
  if (n != 8)
    return -1;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
    int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    memcpy(fds + *n_fds, CMSG_DATA(cm), (size_t)k * sizeof(int));
    *n_fds += k;
  }
  if (wl_header(buf, obj, op, size) < 0)
    return -1;
  if (*size > 8 && recv(fd, buf + 8, *size - 8, MSG_WAITALL) != (ssize_t)(*size - 8))
    return -1;
  return 0;
}

static void describe_fds(const int *fds, int n) {
  for (int i = 0; i < n; i++) {
    int listening = 0;
    socklen_t len = sizeof(listening);
    struct stat st;
    if (getsockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0)
      logf_(" fd%d:%s", i, listening ? "listening-socket" : "socket");
    else if (fstat(fds[i], &st) == 0 && S_ISFIFO(st.st_mode))
      logf_(" fd%d:%s", i, (fcntl(fds[i], F_GETFL) & O_ACCMODE) == O_RDONLY ? "pipe-read" : "pipe");
    else
      logf_(" fd%d:other", i);
  }
}

static _Noreturn void serve(enum mode mode, int report) {
  int fd = accept(server_fd, NULL, NULL);
  if (fd < 0)
    _exit(2);
  if (mode == HANG_UP) {
    close(fd);
    _exit(0);
  }
  unsigned char buf[WAYLAND_MAX_MESSAGE];
  int fds[16], n_fds = 0;
  unsigned obj, op, size;
  while (read_request(fd, buf, &obj, &op, &size, fds, &n_fds) == 0) {
    struct wl_args a = {buf + 8, size - 8};
    unsigned u1, u2, u3;
    const char *s;
    logf_("%u.%u", obj, op);
    if (obj == 1 && op == 1 && wl_args_u32(&a, &u1) == 0) {
      logf_("(%u)", u1);
    } else if (obj == 1 && op == 0 && wl_args_u32(&a, &u1) == 0) {
      logf_("(%u)", u1);
      if (mode == SILENT)
        continue;
      if (u1 == 3) {
        global(fd, 1, "wl_compositor", 6);
        if (mode == MALFORMED) {
          if (write(fd, "\x02\0\0\0\0\0\x04\0", 8) != 8)
            _exit(3);
        }
        if (mode != NO_GLOBAL)
          global(fd, 9, "wp_security_context_manager_v1", 1);
        if (mode == GLOBAL_REMOVED) {
          struct wl_msg m;
          wl_msg_begin(&m, 2, 1);
          wl_msg_u32(&m, 9);
          send_event(fd, &m);
        }
        global(fd, 10, "zwlr_screencopy_manager_v1", 3);
      } else if (mode == REFUSE) {
        struct wl_msg m;
        wl_msg_begin(&m, 1, 0);
        wl_msg_u32(&m, 5);
        wl_msg_u32(&m, 3);
        wl_msg_str(&m, "invalid \"metadata\"");
        send_event(fd, &m);
        continue;
      }
      done(fd, u1);
    } else if (obj == 2 && op == 0 && wl_args_u32(&a, &u1) == 0 && wl_args_str(&a, &s) == 0 &&
               wl_args_u32(&a, &u2) == 0 && wl_args_u32(&a, &u3) == 0) {
      logf_("(%u,%s,%u,%u)", u1, s, u2, u3);
    } else if (obj == 4 && op == 1 && wl_args_u32(&a, &u1) == 0) {
      logf_("(%u)", u1);
      describe_fds(fds, n_fds);
    } else if (obj == 5 && op >= 1 && op <= 3 && wl_args_str(&a, &s) == 0) {
      logf_("(%s)", s);
    }
    if (a.left != 0)
      logf_("+%zu", a.left);
    logf_(" ");
  }
  if (write(report, log_buf, strlen(log_buf)) < 0)
    _exit(3);
  _exit(0);
}

struct outcome {
  int fd;
  char err[1024];
  char log[4096];
};

static struct outcome run(enum mode mode, const char *dir, int timeout_ms) {
  struct outcome o;
  memset(&o, 0, sizeof(o));
  char path[256], sock[256];
  snprintf(path, sizeof(path), "%s/compositor", dir);
  snprintf(sock, sizeof(sock), "%s/wayland-0", dir);
  unlink(path);
  unlink(sock);
  server_fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(sa.sun_path))
    abort();
  memcpy(sa.sun_path, path, strlen(path));
  if (bind(server_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(server_fd, 4) < 0)
    abort();
  int rep[2];
  if (pipe(rep) < 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(rep[0]);
    serve(mode, rep[1]);
  }
  close(rep[1]);
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct wayland_request req = {
      .compositor = path,
      .dir_fd = dfd,
      .socket = sock,
      .socket_name = "wayland-0",
      .engine = "hsu",
      .app_id = "org.example.App",
      .instance_id = "0123456789abcdef",
      .timeout_ms = timeout_ms,
  };
  struct hsu_error e;
  o.fd = wayland_security_context(&req, &e);
  if (o.fd < 0) {
    struct sbuf sb;
    sb_init(&sb, o.err, sizeof(o.err));
    hsu_error_render(&e, &sb);
  }
  close(dfd);
  if (mode == SILENT)
    kill(pid, SIGTERM);
  ssize_t n = read(rep[0], o.log, sizeof(o.log) - 1);
  o.log[n > 0 ? n : 0] = '\0';
  close(rep[0]);
  waitpid(pid, NULL, 0);
  close(server_fd);
  return o;
}

static void test_exchange(void) {
  char dir[] = "/tmp/hsu-wl-test.XXXXXX";
  if (mkdtemp(dir) == NULL)
    abort();
  char comp[300];
  snprintf(comp, sizeof(comp), "\"%s/compositor\"", dir);

  struct outcome o = run(NORMAL, dir, 5000);
  ok(o.fd >= 0 && o.err[0] == '\0', "security context negotiated");
  const char *want = "1.1(2) 1.0(3) 2.0(9,wp_security_context_manager_v1,1,4) "
                     "4.1(5) fd0:listening-socket fd1:pipe-read 5.1(hsu) 5.2(org.example.App) "
                     "5.3(0123456789abcdef) 5.4 1.0(6) ";
  if (!ok(strcmp(o.log, want) == 0, "requests: get_registry, sync, bind, create_listener with "
                                    "the listening socket and the pipe's read end, engine, app id, "
                                    "instance id, commit, sync"))
    printf("# got:  %s\n# want: %s\n", o.log, want);
  struct stat st;
  char sock[300];
  snprintf(sock, sizeof(sock), "%s/wayland-0", dir);
  ok(stat(sock, &st) == 0 && S_ISSOCK(st.st_mode), "the listening socket exists");
  ok(o.fd >= 0 && (fcntl(o.fd, F_GETFL) & O_ACCMODE) == O_WRONLY &&
         (fcntl(o.fd, F_GETFD) & FD_CLOEXEC) != 0,
     "returns the close pipe's write end, close-on-exec");
  if (o.fd >= 0)
    close(o.fd);

  o = run(NO_GLOBAL, dir, 5000);
  char want_err[1024];
  snprintf(want_err, sizeof(want_err),
           "the Wayland compositor at %s does not offer wp_security_context_manager_v1 "
           "(set wayland: {direct: true} to pass the raw socket)",
           comp);
  if (!ok(o.fd < 0 && strcmp(o.err, want_err) == 0, "no global: the sentence"))
    printf("# got: %s\n", o.err);
  ok(strcmp(o.log, "1.1(2) 1.0(3) ") == 0 && stat(sock, &st) < 0,
     "no global: nothing more sent, no socket created");

  o = run(GLOBAL_REMOVED, dir, 5000);
  ok(o.fd < 0 && strstr(o.err, "does not offer") != NULL, "a removed global is not used");

  o = run(REFUSE, dir, 5000);
  snprintf(
      want_err, sizeof(want_err),
      "the Wayland compositor at %s refused the security context: \"invalid \\\"metadata\\\"\" "
      "(error 3 on object 5)",
      comp);
  if (!ok(o.fd < 0 && strcmp(o.err, want_err) == 0, "a protocol error: the sentence"))
    printf("# got: %s\n", o.err);

  o = run(MALFORMED, dir, 5000);
  snprintf(want_err, sizeof(want_err), "the Wayland compositor at %s sent a malformed message",
           comp);
  ok(o.fd < 0 && strcmp(o.err, want_err) == 0, "a malformed event: the sentence");

  o = run(HANG_UP, dir, 5000);
  snprintf(want_err, sizeof(want_err), "the Wayland compositor at %s closed the connection", comp);
  if (!ok(o.fd < 0 && strcmp(o.err, want_err) == 0, "a hang-up: the sentence"))
    printf("# got: %s\n", o.err);

  o = run(SILENT, dir, 300);
  snprintf(want_err, sizeof(want_err), "the Wayland compositor at %s did not answer in time", comp);
  ok(o.fd < 0 && strcmp(o.err, want_err) == 0, "a silent compositor: a timeout");

  char path[300];
  snprintf(path, sizeof(path), "%s/compositor", dir);
  unlink(path);
  unlink(sock);
  int dfd = open(dir, O_PATH | O_DIRECTORY);
  struct wayland_request req = {
      .compositor = path,
      .dir_fd = dfd,
      .socket = sock,
      .socket_name = "wayland-0",
      .engine = "hsu",
      .app_id = "a",
      .instance_id = "0123456789abcdef",
      .timeout_ms = 100,
  };
  char err[1024] = "";
  struct hsu_error e;
  int fd = wayland_security_context(&req, &e);
  if (fd < 0) {
    struct sbuf sb;
    sb_init(&sb, err, sizeof(err));
    hsu_error_render(&e, &sb);
  }
  snprintf(want_err, sizeof(want_err),
           "cannot connect to the Wayland compositor at %s: No such file or directory", comp);
  ok(fd < 0 && strcmp(err, want_err) == 0, "no compositor: the sentence");
  close(dfd);
  rmdir(dir);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  test_encoding();
  test_exchange();
  return tap_done();
}
