#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *hsu_strerror(int err) {
  switch (err) {
  case HSU_ENOTOURS:
    return "refusing to create it outside a tmpfs made by hsu-init";
  case HSU_EROOT:
    return "the sandbox root cannot be a mount target";
  case HSU_ENOTDIR_HOST:
    return "Not a directory";
  case HSU_ENOSYSCALL:
    return "no such syscall on this architecture";
  case HSU_ECAPLEFT:
    return "a capability is still set after dropping them all";
  case HSU_ENONNP:
    return "no_new_privs is not set after setting it";
  default:
    return strerror(err);
  }
}

void sb_init(struct sbuf *sb, char *buf, size_t size) {
  sb->buf = buf;
  sb->size = size;
  sb->len = 0;
  sb->cut = false;
  if (size > 0)
    buf[0] = '\0';
}

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap) {
  if (sb->len + 1 >= sb->size) {
    sb->cut = sb->cut || *fmt != '\0';
    return;
  }
  int n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
  if (n < 0)
    return;
  sb->len += (size_t)n;
  if (sb->len >= sb->size) {
    sb->len = sb->size - 1;
    sb->cut = true;
  }
}

void sb_printf(struct sbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(sb, fmt, ap);
  va_end(ap);
}

static void sb_putc(struct sbuf *sb, char c) {
  if (sb->len + 1 < sb->size) {
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = '\0';
  } else {
    sb->cut = true;
  }
}

/* Code points a terminal may act on or that hide text: the format
 * characters (Unicode category Cf: bidirectional overrides, zero-width
 * characters, ...) and the line and paragraph separators. The same table is
 * in launcher/.../base/Quote.java; both tests read tests/escape_vectors.txt. */
static const uint32_t hidden[][2] = {
    {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
    {0x070F, 0x070F},   {0x08E2, 0x08E2},   {0x180E, 0x180E},   {0x200B, 0x200F},
    {0x2028, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},   {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x13438},
    {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
};

static bool is_hidden(uint32_t cp) {
  for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
    if (cp >= hidden[i][0] && cp <= hidden[i][1])
      return true;
  return false;
}

/* Length of the valid, printable UTF-8 sequence at s, or 0. C1 controls
 * (U+0080..U+009F) and the hidden code points count as unprintable. */
static size_t utf8_printable(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp <= 0x9F || is_hidden(cp))
    return 0;
  return len;
}

void sb_quote(struct sbuf *sb, const char *str, size_t n, size_t max_in) {
  const unsigned char *s = (const unsigned char *)str;
  size_t end = n < max_in ? n : max_in;
  sb_putc(sb, '"');
  for (size_t i = 0; i < end;) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      sb_putc(sb, '\\');
      sb_putc(sb, (char)c);
    } else if (c == '\n') {
      sb_printf(sb, "\\n");
    } else if (c == '\t') {
      sb_printf(sb, "\\t");
    } else if (c < 0x20 || c == 0x7F) {
      sb_printf(sb, "\\x%02x", c);
    } else if (c >= 0x80) {
      size_t len = utf8_printable(s + i, n - i);
      if (len == 0 || i + len > end) {
        sb_printf(sb, "\\x%02x", c);
      } else {
        for (size_t k = 0; k < len; k++)
          sb_putc(sb, (char)s[i + k]);
        i += len;
        continue;
      }
    } else {
      sb_putc(sb, (char)c);
    }
    i++;
  }
  if (end < n)
    sb_printf(sb, "...");
  sb_putc(sb, '"');
}

const char *q(const char *s) {
  /* Each input byte escapes to at most four. */
  static char bufs[4][4 * Q_MAX_IN + 16];
  static unsigned next;
  char *b = bufs[next++ % 4];
  struct sbuf sb;
  sb_init(&sb, b, sizeof(bufs[0]));
  if (s == NULL)
    sb_printf(&sb, "(null)");
  else
    sb_quote(&sb, s, strlen(s), Q_MAX_IN);
  return b;
}

/* A sentence that did not fit ends in "...". */
static void mark_cut(struct sbuf *sb) {
  if (sb->cut && sb->size > 4)
    memcpy(sb->buf + sb->size - 4, "...", 4);
}

int hsu_fail(struct hsu_error *e, int err, const char *fmt, ...) {
  int saved = errno;
  struct sbuf sb;
  sb_init(&sb, e->msg, sizeof(e->msg));
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  mark_cut(&sb);
  e->err = err;
  e->hint = NULL;
  errno = saved;
  return err != 0 ? -err : -1;
}

int hsu_fail_errno(struct hsu_error *e, int err) {
  hsu_error_clear(e);
  e->err = err;
  return -err;
}

int hsu_wrap(struct hsu_error *e, const char *fmt, ...) {
  int saved = errno;
  char inner[sizeof(e->msg)];
  memcpy(inner, e->msg, sizeof(inner));
  struct sbuf sb;
  sb_init(&sb, e->msg, sizeof(e->msg));
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  if (inner[0] != '\0')
    sb_printf(&sb, ": %s", inner);
  mark_cut(&sb);
  errno = saved;
  return e->err != 0 ? -e->err : -1;
}

void hsu_error_render(const struct hsu_error *e, struct sbuf *sb) {
  sb_printf(sb, "%s", e->msg);
  if (e->err != 0)
    sb_printf(sb, ": %s", hsu_strerror(e->err));
  if (e->hint != NULL)
    sb_printf(sb, " (%s)", e->hint);
}

static const char *context;

void message_set_context(const char *what) {
  context = what;
}

const char *message_context(void) {
  return context;
}

__attribute__((format(printf, 2, 0))) static void vmessage(int err, const char *fmt, va_list ap) {
  int saved = errno;
  char buf[20000];
  struct sbuf sb;
  sb_init(&sb, buf, sizeof(buf));
  sb_printf(&sb, "hsu-init: ");
  if (context != NULL)
    sb_printf(&sb, "%s: ", context);
  sb_vprintf(&sb, fmt, ap);
  if (err != 0)
    sb_printf(&sb, ": %s", hsu_strerror(err));
  sb_putc(&sb, '\n');
  if (sb.len > 0 && buf[sb.len - 1] != '\n')
    buf[sb.len - 1] = '\n';
  (void)write_all(STDERR_FILENO, buf, sb.len);
  errno = saved;
}

void warnx(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmessage(0, fmt, ap);
  va_end(ap);
}

void warn_err(int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmessage(err, fmt, ap);
  va_end(ap);
}

void warn_error(const struct hsu_error *e) {
  char buf[HSU_ERROR_SIZE + 512];
  struct sbuf sb;
  sb_init(&sb, buf, sizeof(buf));
  hsu_error_render(e, &sb);
  warnx("%s", buf);
}

static void (*die_cleanup)(void);

void die_set_cleanup(void (*fn)(void)) {
  die_cleanup = fn;
}

static _Noreturn void die_exit(int status) {
  void (*fn)(void) = die_cleanup;
  die_cleanup = NULL; /* once, even if the cleanup dies */
  if (fn != NULL)
    fn();
  _exit(status);
}

void die_quietly(int status) {
  die_exit(status);
}

void die(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmessage(0, fmt, ap);
  va_end(ap);
  die_exit(status);
}

void die_err(int status, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmessage(err, fmt, ap);
  va_end(ap);
  die_exit(status);
}

void die_error(int status, const struct hsu_error *e) {
  warn_error(e);
  die_exit(status);
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int write_file(const char *path, const char *data) {
  autoclose int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  return write_all(fd, data, strlen(data));
}

int read_fd(int fd, size_t max, unsigned char **out, size_t *out_len) {
  size_t cap = 65536, len = 0;
  autofree unsigned char *buf = malloc(cap);
  if (buf == NULL)
    return -ENOMEM;
  /* A memfd the launcher just wrote has its offset at the end: read from 0
   * with pread, and fall back to read for pipes. */
  bool seekable = true;
  for (;;) {
    if (len == cap) {
      if (cap > max)
        return -EFBIG;
      cap *= 2;
      unsigned char *nb = realloc(buf, cap);
      if (nb == NULL)
        return -ENOMEM;
      buf = nb;
    }
    ssize_t n =
        seekable ? pread(fd, buf + len, cap - len, (off_t)len) : read(fd, buf + len, cap - len);
    if (n < 0 && seekable && errno == ESPIPE && len == 0) {
      seekable = false;
      continue;
    }
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (n == 0)
      break;
    len += (size_t)n;
    if (len > max)
      return -EFBIG;
  }
  *out = buf;
  buf = NULL;
  *out_len = len;
  return 0;
}

uint64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void runtime_dir_fallback(uid_t uid, char *buf, size_t size) {
  snprintf(buf, size, "/tmp/hsu-%u", (unsigned)uid);
}

void runtime_dir_rule(const char *xdg, const char *run_user, uid_t uid, char *buf, size_t size) {
  struct stat st;
  if (xdg != NULL && xdg[0] == '/')
    snprintf(buf, size, "%s", xdg);
  else if (stat(run_user, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid)
    snprintf(buf, size, "%s", run_user);
  else
    runtime_dir_fallback(uid, buf, size);
}

void runtime_dir(char *buf, size_t size) {
  char run_user[64];
  snprintf(run_user, sizeof(run_user), "/run/user/%u", (unsigned)getuid());
  runtime_dir_rule(getenv("XDG_RUNTIME_DIR"), run_user, getuid(), buf, size);
}

int private_dir_check(const char *dir, uid_t uid, bool create, struct hsu_error *e) {
  if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
    return hsu_fail(e, errno, "cannot create the runtime directory %s", q(dir));
  struct stat st;
  if (lstat(dir, &st) < 0)
    return errno == ENOENT ? 0 : hsu_fail(e, errno, "cannot use the runtime directory %s", q(dir));
  if (S_ISLNK(st.st_mode))
    return hsu_fail(e, 0, "refusing to use the runtime directory %s: it is a symlink", q(dir));
  if (!S_ISDIR(st.st_mode))
    return hsu_fail(e, 0, "refusing to use the runtime directory %s: it is not a directory",
                    q(dir));
  if (st.st_uid != uid)
    return hsu_fail(e, 0, "refusing to use the runtime directory %s: it belongs to uid %u, not %u",
                    q(dir), (unsigned)st.st_uid, (unsigned)uid);
  if ((st.st_mode & 077) != 0)
    return hsu_fail(e, 0,
                    "refusing to use the runtime directory %s: others may enter it (mode %04o, "
                    "not 0700)",
                    q(dir), (unsigned)(st.st_mode & 07777));
  return 0;
}

int runtime_dir_check(const char *dir, bool create, struct hsu_error *e) {
  char fallback[64];
  runtime_dir_fallback(getuid(), fallback, sizeof(fallback));
  return strcmp(dir, fallback) == 0 ? private_dir_check(dir, getuid(), create, e) : 0;
}
