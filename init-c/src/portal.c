/* hsu-portal: files and links across the sandbox wall, through the desktop
 * portals on the session bus. On the host, hsu's launcher exports files to
 * a sandboxed app with the document portal; inside a sandbox, the same
 * binary stands in for xdg-open (hsu binds it over /usr/bin/xdg-open) and
 * asks the OpenURI portal. The usage texts below are the interface. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "portal.h"
#include "portal_names.h"
#include "util.h"

#define USAGE                                                                                      \
  "usage: hsu-portal export [--writable] APP_ID PATH...\n"                                         \
  "       hsu-portal add PATH\n"                                                                   \
  "       hsu-portal open FILE|URI     (the same as: xdg-open FILE|URI)\n"
#define HELP                                                                                       \
  USAGE                                                                                            \
  "\n"                                                                                             \
  "export  (on the host) exports each PATH, a file or a directory, to the sandboxed app APP_ID\n"  \
  "        through the document portal, read-only or, with --writable, read-write, and prints\n"   \
  "        one line DOC_ID/NAME for each: its path below $XDG_RUNTIME_DIR/doc/ in the sandbox.\n"  \
  "add     (in a sandbox) adds the file PATH to the document portal and prints its DOC_ID.\n"      \
  "        Both exit 0, 1 when something failed, 2 on a usage error.\n"                            \
  "open    opens FILE, a file: URI or any other URI through the desktop portal (OpenURI) and\n"    \
  "        waits up to 60 s ($HSU_PORTAL_TIMEOUT_MS) for its answer. Exit codes are xdg-open's:\n" \
  "        0 opened, 1 usage, 2 no such file, 3 no desktop portal on the session bus,\n"           \
  "        4 refused, cancelled or no answer.\n"                                                   \
  "The session bus is $DBUS_SESSION_BUS_ADDRESS (else $XDG_RUNTIME_DIR/bus).\n"
#define XDG_OPEN_USAGE                                                                             \
  "usage: xdg-open { FILE | URL }\n"                                                               \
  "       xdg-open { --help | --manual | --version }\n"
#define XDG_OPEN_HELP                                                                              \
  XDG_OPEN_USAGE                                                                                   \
  "\n"                                                                                             \
  "Opens FILE or URL in the user's preferred application, through the desktop portal\n"            \
  "(org.freedesktop.portal.OpenURI; this is hsu-portal). Exit codes: 0 opened, 1 usage,\n"         \
  "2 no such file, 3 no desktop portal on the session bus, 4 refused, cancelled or no answer.\n"

#define DEFAULT_TIMEOUT_MS 60000u

enum { OPEN_OK, OPEN_USAGE, OPEN_NOT_FOUND, OPEN_NO_PORTAL, OPEN_FAILED };

#define autobus __attribute__((cleanup(portal_bus_closep)))

static const char *prog = "hsu-portal";

/* The one place that prints a failure: "<prog>: <sentence>". */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...) {
  char buf[4096];
  struct sbuf sb;
  sb_init(&sb, buf, sizeof(buf) - 1);
  sb_printf(&sb, "%s: ", prog);
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  buf[sb.len++] = '\n';
  (void)write_all(STDERR_FILENO, buf, sb.len);
}

static int usage_error(const char *what) {
  say("%s", what);
  fputs(USAGE, stderr);
  return 2;
}

static int flush_stdout(void) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    say("cannot write to standard output: %s", strerror(errno));
    return 1;
  }
  return 0;
}

/* One PATH of an export. */
struct export {
  const char *arg;
  int fd;     /* O_PATH */
  bool dir;   /* exported with EXPORT_DIRECTORY */
  char *name; /* the name the portal shows: the basename of the resolved path */
  char *id;   /* the doc id */
};

/* Opens x->arg and learns its kind and name; -1 after saying why. */
static int export_open(struct export *x) {
  struct stat st;
  char link[64], path[PATH_MAX];
  const char *why = NULL;
  x->fd = open(x->arg, O_PATH | O_CLOEXEC);
  if (x->fd < 0 || fstat(x->fd, &st) < 0) {
    why = strerror(errno);
  } else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    why = "it is neither a regular file nor a directory";
  } else {
    /* The portal names the document after the path it reads from the fd:
     * the target of a symlink. */
    snprintf(link, sizeof(link), "/proc/self/fd/%d", x->fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    path[n > 0 ? n : 0] = '\0';
    const char *slash = strrchr(path, '/');
    if (n <= 0 || path[0] != '/')
      why = "cannot resolve its path in /proc/self/fd";
    else if (slash[1] == '\0')
      why = "the root directory cannot be exported";
    else if (strchr(slash, '\n') != NULL)
      why = "its name holds a newline";
    else if ((x->name = strdup(slash + 1)) == NULL)
      why = strerror(ENOMEM);
    x->dir = S_ISDIR(st.st_mode);
  }
  if (why == NULL)
    return 0;
  say("cannot export %s through the document portal: %s", q(x->arg), why);
  return -1;
}

/* One AddFull for the paths of one kind (directories or files); -1 after
 * saying why. */
static int export_kind(struct portal_bus *bus, struct export *xs, size_t n, bool dir,
                       const char *app_id, bool writable) {
  autofree int *fds = calloc(n, sizeof(*fds));
  autofree size_t *at = calloc(n, sizeof(*at));
  if (fds == NULL || at == NULL) {
    say("cannot export %s through the document portal: %s", q(xs[0].arg), strerror(ENOMEM));
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (xs[i].dir == dir) {
      fds[k] = xs[i].fd;
      at[k++] = i;
    }
  if (k == 0)
    return 0;
  uint32_t flags = DOC_REUSE_EXISTING | DOC_PERSISTENT | (dir ? DOC_EXPORT_DIRECTORY : 0);
  struct portal_error err;
  char **ids = NULL;
  int r = documents_add_full(bus, fds, k, flags, app_id, writable, &ids, &err);
  size_t got = 0;
  while (r >= 0 && ids[got] != NULL && ids[got][0] != '\0')
    got++;
  if (r >= 0 && got == k && ids[k] == NULL) {
    for (size_t i = 0; i < k; i++)
      xs[at[i]].id = ids[i];
    free(ids);
    return 0;
  }
  for (size_t i = 0; r >= 0 && ids[i] != NULL; i++)
    free(ids[i]);
  free(ids);
  const char *why = r < 0 ? err.text : "it did not answer one id per path";
  if (k == 1)
    say("cannot export %s through the document portal: %s", q(xs[at[0]].arg), why);
  else
    say("cannot export %s and %zu more through the document portal: %s", q(xs[at[0]].arg), k - 1,
        why);
  return -1;
}

static int cmd_export(int argc, char **argv) {
  bool writable = argc > 0 && strcmp(argv[0], "--writable") == 0;
  argc -= writable;
  argv += writable;
  if (argc < 2)
    return usage_error("export needs an application id and at least one path");
  const char *app_id = argv[0];
  if (!valid_app_id(app_id)) {
    say("%s is not a valid application id (two or more dot-separated elements of A-Z a-z 0-9 _, "
        "'-' only in the last)",
        q(app_id));
    return 2;
  }
  size_t n = (size_t)argc - 1;
  autofree struct export *xs = calloc(n, sizeof(*xs));
  if (xs == NULL) {
    say("cannot export %s through the document portal: %s", q(argv[1]), strerror(ENOMEM));
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    xs[i].arg = argv[i + 1];
    if (export_open(&xs[i]) < 0)
      return 1;
  }
  struct portal_error err;
  autobus struct portal_bus *bus = portal_bus_open(&err);
  if (bus == NULL) {
    say("cannot export %s through the document portal: cannot connect to the session bus: %s",
        q(xs[0].arg), err.text);
    return 1;
  }
  if (export_kind(bus, xs, n, false, app_id, writable) < 0 ||
      export_kind(bus, xs, n, true, app_id, writable) < 0)
    return 1;
  for (size_t i = 0; i < n; i++)
    printf("%s/%s\n", xs[i].id, xs[i].name);
  return flush_stdout();
}

static int cmd_add(int argc, char **argv) {
  if (argc != 1)
    return usage_error("add needs exactly one path");
  autoclose int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    say("cannot add %s to the document portal: %s", q(argv[0]), strerror(errno));
    return 1;
  }
  struct portal_error err;
  autofree char *id = NULL;
  autobus struct portal_bus *bus = portal_bus_open(&err);
  if (bus == NULL) {
    say("cannot add %s to the document portal: cannot connect to the session bus: %s", q(argv[0]),
        err.text);
    return 1;
  }
  if (documents_add(bus, fd, &id, &err) < 0) {
    say("cannot add %s to the document portal: %s", q(argv[0]), err.text);
    return 1;
  }
  printf("%s\n", id);
  return flush_stdout();
}

static uint64_t timeout_ms(void) {
  const char *s = getenv("HSU_PORTAL_TIMEOUT_MS");
  char *end = NULL;
  errno = 0;
  unsigned long long v = s != NULL ? strtoull(s, &end, 10) : 0;
  return v > 0 && errno == 0 && *end == '\0' ? (uint64_t)v : DEFAULT_TIMEOUT_MS;
}

/* The request of OpenURI/OpenFile and its Response: subscribed before the
 * call, at the path the portal derives from our unique name and the token
 * (and at the path it returns, should an older portal choose another). */
static int open_through_portal(const char *target, int fd) {
  struct portal_error err;
  autobus struct portal_bus *bus = portal_bus_open(&err);
  if (bus == NULL) {
    say("cannot open %s: cannot connect to the session bus: %s", q(target), err.text);
    return OPEN_NO_PORTAL;
  }
  const char *unique = portal_bus_unique_name(bus);
  uint64_t rnd = 0;
  if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
    rnd = (uint64_t)getpid() << 32 ^ monotonic_ms();
  char token[32], sender[256], predicted[512];
  snprintf(token, sizeof(token), "hsu_%016llx", (unsigned long long)rnd);
  snprintf(sender, sizeof(sender), "%s", unique + (unique[0] == ':'));
  for (char *c = sender; *c != '\0'; c++)
    if (*c == '.')
      *c = '_';
  snprintf(predicted, sizeof(predicted), "/org/freedesktop/portal/desktop/request/%s/%s", sender,
           token);
  struct portal_response resp = {false, 0};
  uint64_t timeout = timeout_ms(), deadline = monotonic_ms() + timeout;
  autofree char *handle = NULL;
  request_subscribe(bus, predicted, &resp);
  int r = open_uri(bus, target, fd, token, timeout, &handle, &err);
  if (r < 0 && err.fault == PORTAL_NO_SERVICE) {
    say("cannot open %s: no xdg-desktop-portal is running on the session bus", q(target));
    return OPEN_NO_PORTAL;
  }
  if (r < 0 && err.fault == PORTAL_NO_METHOD) {
    say("cannot open %s: the desktop portal offers no OpenURI (no portal backend for this "
        "desktop?): %s",
        q(target), err.text);
    return OPEN_NO_PORTAL;
  }
  if (r < 0) {
    say("cannot open %s through the desktop portal: %s", q(target), err.text);
    return OPEN_FAILED;
  }
  if (strcmp(handle, predicted) != 0)
    request_subscribe(bus, handle, &resp);
  r = request_wait(bus, &resp, deadline);
  if (r == -ETIMEDOUT) {
    request_close(bus, handle);
    unsigned long long t = timeout % 1000 == 0 ? timeout / 1000 : timeout;
    say("cannot open %s: the desktop portal did not answer within %llu %s", q(target), t,
        timeout % 1000 == 0 ? "s" : "ms");
    return OPEN_FAILED;
  }
  if (r < 0) {
    say("cannot open %s: lost the desktop portal's answer: %s", q(target), strerror(-r));
    return OPEN_FAILED;
  }
  if (resp.code == 0)
    return OPEN_OK;
  if (resp.code == 1)
    say("cannot open %s: cancelled", q(target));
  else
    say("cannot open %s: the desktop portal could not open it (response %u)", q(target),
        (unsigned)resp.code);
  return OPEN_FAILED;
}

/* xdg-open's command line: one FILE or URL, or --help, --manual, --version. */
static int cmd_open(int argc, char **argv) {
  if (argc == 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "--manual") == 0)) {
    fputs(XDG_OPEN_HELP, stdout);
    return flush_stdout() == 0 ? OPEN_OK : OPEN_USAGE;
  }
  if (argc == 1 && strcmp(argv[0], "--version") == 0) {
    puts("xdg-open (hsu-portal, through org.freedesktop.portal.OpenURI)");
    return flush_stdout() == 0 ? OPEN_OK : OPEN_USAGE;
  }
  if (argc != 1 || (argv[0][0] == '-' && argv[0][1] != '\0')) {
    if (argc == 1)
      say("unknown option %s", q(argv[0]));
    else
      say("%s", argc == 0 ? "a file or URL to open is missing"
                          : "only one file or URL can be opened at a time");
    fputs(XDG_OPEN_USAGE, stderr);
    return OPEN_USAGE;
  }
  const char *target = argv[0], *path = target;
  char buf[PATH_MAX];
  size_t scheme = uri_scheme_len(target);
  if (scheme == 4 && strncasecmp(target, "file", 4) == 0) {
    if (!file_uri_path(target, buf, sizeof(buf))) {
      say("cannot open %s: it is not the URI of a local file", q(target));
      return OPEN_USAGE;
    }
    path = buf;
  } else if (scheme > 0) {
    path = NULL;
  }
  autoclose int fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  if (path != NULL && fd < 0) {
    int e = errno;
    say("cannot open %s: %s", q(target), strerror(e));
    return e == ENOENT || e == ENOTDIR ? OPEN_NOT_FOUND : OPEN_FAILED;
  }
  return open_through_portal(target, fd);
}

int main(int argc, char **argv) {
  const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
  base = base != NULL ? base + 1 : argc > 0 ? argv[0] : "";
  if (strcmp(base, "xdg-open") == 0) {
    prog = "xdg-open";
    return cmd_open(argc - 1, argv + 1);
  }
  if (argc < 2)
    return usage_error("a mode is missing");
  const char *mode = argv[1];
  if (strcmp(mode, "--help") == 0 || strcmp(mode, "-h") == 0) {
    fputs(HELP, stdout);
    return flush_stdout() == 0 ? 0 : 2;
  }
  if (strcmp(mode, "export") == 0)
    return cmd_export(argc - 2, argv + 2);
  if (strcmp(mode, "add") == 0)
    return cmd_add(argc - 2, argv + 2);
  if (strcmp(mode, "open") == 0)
    return cmd_open(argc - 2, argv + 2);
  say("unknown mode %s", q(mode));
  fputs(USAGE, stderr);
  return 2;
}
