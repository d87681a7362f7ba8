/* hsu-launch: the front door of `hsu launch`. It runs a plan from the plan
 * cache without a JVM when every fact the compile consulted still holds,
 * doing in C what the JVM's launch does around the plan; on any miss it
 * becomes the JVM (argv[2..]), which compiles and fills the cache.
 *
 * Usage: hsu-launch INIT JAVA [JAVA_ARGS...] dev.hsu.cli.Main launch ARGS...
 * The entry format is docs/plan-cache.md; the writer is Warming.java. */
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "plan.h"
#include "sha256.h"
#include "util.h"

#define FORMAT 1
#define MAX_ENTRY (32u << 20)
#define MAX_FILE (16u << 20)
#define MAIN_CLASS "dev.hsu.cli.Main"

enum {
  T_STAMP = 1,
  T_ENV,
  T_FILE,
  T_KIND,
  T_CWD,
  T_IDS,
  T_ARG,
  T_CHECK = 10,
  T_ENSURE,
  T_POINT,
  T_SCOPE,
  T_INSTANCE,
  T_PLAN
};

struct cur {
  const uint8_t *p;
  size_t n;
  bool bad;
};

static uint64_t get_int(struct cur *c, size_t size) {
  uint64_t v = 0;
  if (c->n < size) {
    c->bad = true;
    return 0;
  }
  for (size_t i = 0; i < size; i++)
    v |= (uint64_t)c->p[i] << (8 * i);
  c->p += size;
  c->n -= size;
  return v;
}

/* Length-prefixed bytes, which may hold NULs (a hash): a pointer into the
 * entry, *len set. */
static const uint8_t *get_bytes(struct cur *c, size_t *len) {
  size_t n = (size_t)get_int(c, 4);
  if (c->bad || n > c->n) {
    c->bad = true;
    *len = 0;
    return c->p;
  }
  const uint8_t *b = c->p;
  c->p += n;
  c->n -= n;
  *len = n;
  return b;
}

/* A length-prefixed string, copied and NUL-terminated (the process execs
 * soon: nothing is freed). */
static const char *get_str(struct cur *c, size_t *len) {
  size_t n = (size_t)get_int(c, 4);
  if (c->bad || n > c->n || memchr(c->p, '\0', n) != NULL) {
    c->bad = true;
    return "";
  }
  char *s = malloc(n + 1);
  if (s == NULL)
    abort();
  memcpy(s, c->p, n);
  s[n] = '\0';
  c->p += n;
  c->n -= n;
  if (len != NULL)
    *len = n;
  return s;
}

static bool miss_debug;

/* Says why the cache missed when HSU_DEBUG=1; returns false. */
__attribute__((format(printf, 1, 2))) static bool miss(const char *fmt, ...) {
  if (miss_debug) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hsu: debug: plan cache miss: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
  }
  return false;
}

/* Reads a file of the caller that nobody else may write: a regular file,
 * not through a symlink, owned by uid, without group or other bits. */
static uint8_t *read_private(int dirfd, const char *name, size_t max, size_t *len) {
  autoclose int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    return NULL;
  if (!S_ISREG(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077) != 0 ||
      (size_t)st.st_size > max) {
    miss("%s is not a private regular file of yours", q(name));
    return NULL;
  }
  uint8_t *buf = malloc((size_t)st.st_size + 1);
  if (buf == NULL)
    return NULL;
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
    if (r <= 0) {
      free(buf);
      return NULL;
    }
    got += (size_t)r;
  }
  *len = got;
  return buf;
}

/* A directory of the caller's that nobody else may write, not a symlink. */
static int open_private_dir(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0)
    return -1;
  if (fstat(fd, &st) < 0 || st.st_uid != getuid() || (st.st_mode & 077) != 0) {
    miss("%s is not a private directory of yours", q(path));
    close(fd);
    return -1;
  }
  return fd;
}

static const char *env_abs(const char *name) {
  const char *v = getenv(name);
  return v != NULL && v[0] == '/' ? v : NULL;
}

/* The entry for `hsu launch arg`, its HMAC checked; NULL on any doubt. */
static uint8_t *load_entry(const char *arg, size_t *len) {
  char dir[PATH_MAX], name[2 * SHA256_SIZE + 1], key_dir[PATH_MAX];
  const char *cache = env_abs("XDG_CACHE_HOME"), *home = env_abs("HOME");
  if (cache != NULL)
    snprintf(dir, sizeof(dir), "%s/hsu/plans", cache);
  else if (home != NULL)
    snprintf(dir, sizeof(dir), "%s/.cache/hsu/plans", home);
  else
    return NULL;
  char input[PATH_MAX + 64];
  int n = snprintf(input, sizeof(input), "hsu plan cache 1%c%u%c%s", 0, (unsigned)getuid(), 0, arg);
  if (n < 0 || (size_t)n >= sizeof(input))
    return NULL;
  uint8_t h[SHA256_SIZE];
  sha256(input, (size_t)n, h);
  for (int i = 0; i < SHA256_SIZE; i++)
    snprintf(name + 2 * i, 3, "%02x", h[i]);
  autoclose int dfd = open_private_dir(dir);
  runtime_dir(key_dir, sizeof(key_dir));
  strncat(key_dir, "/hsu", sizeof(key_dir) - strlen(key_dir) - 1);
  autoclose int kfd = open_private_dir(key_dir);
  if (dfd < 0 || kfd < 0)
    return (uint8_t *)(uintptr_t)miss("no cache directory or key directory");
  size_t key_len = 0;
  autofree uint8_t *key = read_private(kfd, "plan-cache.key", 32, &key_len);
  uint8_t *e = read_private(dfd, name, MAX_ENTRY, len);
  if (key == NULL || key_len != 32 || e == NULL || *len < 16 + SHA256_SIZE) {
    free(e);
    return (uint8_t *)(uintptr_t)miss("no entry for %s", q(arg));
  }
  uint8_t mac[SHA256_SIZE];
  hmac_sha256(key, key_len, e, *len - SHA256_SIZE, mac);
  struct cur c = {e + 8, 8, false};
  uint64_t format = get_int(&c, 4), body = get_int(&c, 4);
  if (memcmp(e, "HSUCACHE", 8) != 0 || format != FORMAT || body != *len - 16 - SHA256_SIZE ||
      memcmp(mac, e + *len - SHA256_SIZE, SHA256_SIZE) != 0) {
    free(e);
    return (uint8_t *)(uintptr_t)miss("the entry is corrupt, foreign or of another format");
  }
  return e;
}

/* What a hit runs: the launch steps are kept as cursors over their items. */
struct entry {
  struct cur steps; /* CHECK, ENSURE, POINT items, in order */
  const char *unit_id, *description;
  uint32_t limit_flags;
  uint64_t limits[3];
  const char *id;
  uint32_t n_offsets;
  const uint8_t *offsets;
  const uint8_t *plan;
  size_t plan_len;
  bool self_stamped, init_stamped;
};

static int kind_of(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0)
    return lstat(path, &st) == 0 ? 4 : 0;
  return S_ISREG(st.st_mode) ? 1 : S_ISDIR(st.st_mode) ? 2 : S_ISSOCK(st.st_mode) ? 3 : 4;
}

/* SHA-256 of a regular file (symlinks followed); false when it is none. */
static bool hash_file(const char *path, uint8_t out[SHA256_SIZE]) {
  if (kind_of(path) != 1)
    return false;
  autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return false;
  struct sha256 s;
  sha256_init(&s);
  uint8_t buf[65536];
  size_t total = 0;
  ssize_t r;
  while ((r = read(fd, buf, sizeof(buf))) > 0 && (total += (size_t)r) <= MAX_FILE)
    sha256_update(&s, buf, (size_t)r);
  sha256_final(&s, out);
  return r == 0;
}

static bool stamp_holds(struct cur *c, const char *self, const char *init, struct entry *e) {
  const char *path = get_str(c, NULL);
  uint64_t v[7];
  for (int i = 0; i < 7; i++)
    v[i] = get_int(c, 8);
  struct stat st;
  if (c->bad || stat(path, &st) < 0 || v[0] != st.st_dev || v[1] != st.st_ino ||
      v[2] != (uint64_t)st.st_size || v[3] != (uint64_t)st.st_mtim.tv_sec ||
      v[4] != (uint64_t)st.st_mtim.tv_nsec || v[5] != (uint64_t)st.st_ctim.tv_sec ||
      v[6] != (uint64_t)st.st_ctim.tv_nsec)
    return miss("%s changed since the plan was compiled", q(path));
  e->self_stamped |= strcmp(path, self) == 0;
  e->init_stamped |= strcmp(path, init) == 0;
  return true;
}

/* One fact item (tag, payload in c); true when it still holds. */
static bool fact_holds(uint16_t tag, struct cur *c, const char *arg, const char *self,
                       const char *init, struct entry *e) {
  switch (tag) {
  case T_STAMP:
    return stamp_holds(c, self, init, e);
  case T_ENV: {
    const char *name = get_str(c, NULL);
    uint64_t set = get_int(c, 4);
    const char *value = get_str(c, NULL), *now = getenv(name);
    if ((now != NULL) != (set != 0) || (now != NULL && strcmp(now, value) != 0))
      return miss("$%s changed", name);
    return true;
  }
  case T_FILE: {
    const char *path = get_str(c, NULL);
    uint64_t present = get_int(c, 4);
    size_t n = 0;
    const uint8_t *want = get_bytes(c, &n);
    uint8_t h[SHA256_SIZE];
    bool is = hash_file(path, h);
    if (c->bad || n != SHA256_SIZE || is != (present != 0) || (is && memcmp(h, want, n) != 0))
      return miss("%s changed", q(path));
    return true;
  }
  case T_KIND: {
    const char *path = get_str(c, NULL);
    if ((uint64_t)kind_of(path) != get_int(c, 4))
      return miss("what is at %s changed", q(path));
    return true;
  }
  case T_CWD: {
    char cwd[PATH_MAX];
    return getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, get_str(c, NULL)) == 0
               ? true
               : miss("another working directory");
  }
  case T_IDS:
    return get_int(c, 4) == getuid() && get_int(c, 4) == getgid() ? true : miss("another user");
  case T_ARG:
    return strcmp(get_str(c, NULL), arg) == 0 ? true : miss("the entry names another profile");
  default:
    return miss("unknown item %u", tag);
  }
}

/* Walks the entry's items: every fact must hold; the rest is kept in e. A
 * fresh entry, which the JVM just made for this launch, has its facts
 * skipped: they are what this launch found. */
static bool entry_holds(const uint8_t *buf, size_t len, const char *arg, const char *self,
                        const char *init, bool fresh, struct entry *e) {
  struct cur all = {buf + 16, len - 16 - SHA256_SIZE, false};
  memset(e, 0, sizeof(*e));
  while (all.n > 0) {
    uint16_t tag = (uint16_t)get_int(&all, 2);
    uint64_t zero = get_int(&all, 2), n = get_int(&all, 4);
    if (all.bad || zero != 0 || n > all.n)
      return miss("a malformed item");
    struct cur c = {all.p, (size_t)n, false};
    all.p += n;
    all.n -= n;
    if (tag >= T_CHECK && tag <= T_POINT) {
      if (e->steps.p == NULL)
        e->steps.p = c.p - 8;
      e->steps.n = (size_t)(c.p + c.n - e->steps.p);
      continue;
    }
    if (tag == T_SCOPE) {
      e->unit_id = get_str(&c, NULL);
      e->description = get_str(&c, NULL);
      e->limit_flags = (uint32_t)get_int(&c, 4);
      for (int i = 0; i < 3; i++)
        e->limits[i] = get_int(&c, 8);
    } else if (tag == T_INSTANCE) {
      e->id = get_str(&c, NULL);
      e->n_offsets = (uint32_t)get_int(&c, 4);
      e->offsets = c.p;
      c.n = c.n >= 4ul * e->n_offsets ? c.n - 4ul * e->n_offsets : (c.bad = true, 0);
    } else if (tag == T_PLAN) {
      e->plan_len = (size_t)get_int(&c, 4);
      e->plan = c.p;
      c.n = c.n >= e->plan_len ? c.n - e->plan_len : (c.bad = true, 0);
    } else if (fresh) {
      continue;
    } else if (!fact_holds(tag, &c, arg, self, init, e)) {
      return false;
    }
    if (c.bad)
      return miss("a malformed item %u", tag);
  }
  if (e->plan == NULL || e->id == NULL || e->unit_id == NULL || strlen(e->id) != 16)
    return miss("an incomplete entry");
  if (!fresh && (!e->self_stamped || !e->init_stamped))
    return miss("the entry was made for another hsu-launch or hsu-init");
  return true;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

static bool is_id(const char *s) {
  size_t n = strlen(s);
  return n == 16 && strspn(s, "0123456789abcdef") == 16;
}

/* Removes instance dirs whose supervisor is gone, as StaleInstances.java. */
static void remove_stale(void) {
  char base[PATH_MAX];
  runtime_dir(base, sizeof(base));
  strncat(base, "/hsu", sizeof(base) - strlen(base) - 1);
  DIR *d = opendir(base);
  if (d == NULL)
    return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    struct stat st;
    char pidbuf[32] = "";
    if (!is_id(de->d_name) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISDIR(st.st_mode) || st.st_uid != getuid())
      continue;
    char pidpath[PATH_MAX + 32];
    snprintf(pidpath, sizeof(pidpath), "%s/pid", de->d_name);
    int fd = openat(dirfd(d), pidpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat pst;
    if (fd >= 0) {
      if (fstat(fd, &pst) == 0 && S_ISREG(pst.st_mode) && read(fd, pidbuf, sizeof(pidbuf) - 1) < 0)
        pidbuf[0] = '\0';
      close(fd);
    }
    char *end;
    long pid = strtol(pidbuf, &end, 10);
    bool stale;
    if (fd < 0 || end == pidbuf || pid <= 0)
      stale = fd < 0 && st.st_mtime < time(NULL) - 60;
    else
      stale = kill((pid_t)pid, 0) < 0 && errno == ESRCH;
    char path[PATH_MAX * 2];
    snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
    if (stale)
      nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  }
  closedir(d);
}

static int fail(const char *msg) {
  fprintf(stderr, "hsu: %s\n", msg);
  return EXIT_SETUP;
}

static char *sysctl_value(const char *name, char *buf, size_t size) {
  autoclose int fd = open(name, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
  if (n < 0)
    return NULL;
  buf[n] = '\0';
  buf[strcspn(buf, " \t\n")] = '\0';
  return buf;
}

/* Launch.usernsBlocked, same sentence. */
static int userns_check(void) {
  char v[64];
  const char *sysctl = NULL,
             *a = sysctl_value("/proc/sys/kernel/unprivileged_userns_clone", v, sizeof(v));
  if (a != NULL && strcmp(a, "0") == 0)
    sysctl = "kernel.unprivileged_userns_clone = 0";
  else if ((a = sysctl_value("/proc/sys/user/max_user_namespaces", v, sizeof(v))) != NULL &&
           strcmp(a, "0") == 0)
    sysctl = "user.max_user_namespaces = 0";
  if (sysctl == NULL)
    return 0;
  fprintf(stderr,
          "hsu: every sandbox needs an unprivileged user namespace, and this host allows none "
          "(%s); 'hsu doctor' says how to allow them\n",
          sysctl);
  return EXIT_SETUP;
}

/* Sys.ensureDirBeneath / ensureFileBeneath: creates dir (or file) below
 * trusted, following no symlink below trusted, with the same sentences. */
static int ensure_beneath(const char *trusted, const char *path, bool file) {
  size_t tn = strlen(trusted);
  if (strncmp(path, trusted, tn) != 0 || (path[tn] != '/' && path[tn] != '\0'))
    return fail("internal error: a path is not below its base");
  char done[PATH_MAX];
  snprintf(done, sizeof(done), "%s", trusted);
  for (char *p = done + 1; *p != '\0'; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(done, 0700) < 0 && errno != EEXIST)
      break;
    *p = '/';
  }
  if (mkdir(done, 0700) < 0 && errno != EEXIST) {
    fprintf(stderr, "hsu: cannot create directory %s: %s\n", q(trusted), strerror(errno));
    return EXIT_SETUP;
  }
  int fd = open(trusted, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "hsu: cannot open directory %s: %s\n", q(trusted), strerror(errno));
    return EXIT_SETUP;
  }
  const char *rest = path + tn;
  while (*rest == '/') {
    rest++;
    size_t n = strcspn(rest, "/");
    char name[NAME_MAX + 1];
    snprintf(name, sizeof(name), "%.*s", (int)n, rest);
    snprintf(done + strlen(done), sizeof(done) - strlen(done), "/%s", name);
    bool last = rest[n] == '\0';
    int next;
    if (last && file) {
      next = openat(fd, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    } else {
      if (mkdirat(fd, name, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "hsu: cannot create directory %s: %s\n", q(done), strerror(errno));
        close(fd);
        return EXIT_SETUP;
      }
      next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    int err = errno;
    close(fd);
    if (next < 0) {
      fprintf(stderr, "hsu: %s %s: %s\n",
              err == ELOOP || err == ENOTDIR ? "refusing to use"
              : file && last                 ? "cannot create file"
                                             : "cannot open directory",
              q(done),
              err == ELOOP || err == ENOTDIR
                  ? (file && last ? "it is a symlink" : "it is a symlink or not a directory")
                  : strerror(err));
      return EXIT_SETUP;
    }
    fd = next;
    rest += n;
  }
  close(fd);
  return 0;
}

/* The CHECK, ENSURE and POINT items, in order, as Launch.run does them. */
static int run_steps(struct cur all) {
  while (all.n > 0) {
    uint16_t tag = (uint16_t)get_int(&all, 2);
    get_int(&all, 2);
    size_t n = (size_t)get_int(&all, 4);
    struct cur c = {all.p, n, all.bad || n > all.n};
    if (c.bad)
      return fail("internal error: a malformed plan cache entry");
    all.p += n;
    all.n -= n;
    int r = 0;
    if (tag == T_CHECK) {
      uint64_t kind = get_int(&c, 4);
      const char *path = get_str(&c, NULL), *sentence = get_str(&c, NULL);
      bool holds = kind == 1 ? kind_of(path) == 3 : kind == 2 ? access(path, X_OK) == 0 : false;
      r = holds ? 0 : fail(sentence);
    } else if (tag == T_ENSURE) {
      const char *base = get_str(&c, NULL);
      r = ensure_beneath(base, get_str(&c, NULL), false);
    } else if (tag == T_POINT) {
      const char *base = get_str(&c, NULL), *path = get_str(&c, NULL);
      uint64_t how = get_int(&c, 4);
      const char *source = get_str(&c, NULL);
      uint64_t optional = get_int(&c, 4);
      int kind = how == 2 ? kind_of(source) : 0;
      if (!(how == 2 && optional && kind == 0))
        r = ensure_beneath(base, path, how == 1 || (how == 2 && kind == 1));
    }
    if (r != 0)
      return r;
  }
  return 0;
}

/* Scopes.reachable: false only when every address is a missing unix path. */
static bool reachable(const char *addresses) {
  char buf[4096];
  snprintf(buf, sizeof(buf), "%s", addresses);
  char *save = NULL;
  for (char *a = strtok_r(buf, ";", &save); a != NULL; a = strtok_r(NULL, ";", &save)) {
    if (strncmp(a, "unix:", 5) != 0)
      return true;
    char *kv_save = NULL;
    for (char *kv = strtok_r(a + 5, ",", &kv_save); kv != NULL;
         kv = strtok_r(NULL, ",", &kv_save)) {
      if (strncmp(kv, "abstract=", 9) == 0 || strncmp(kv, "runtime=", 8) == 0 ||
          strncmp(kv, "dir=", 4) == 0 || strncmp(kv, "tmpdir=", 7) == 0)
        return true;
      if (strncmp(kv, "path=", 5) == 0 && access(kv + 5, F_OK) == 0)
        return true;
    }
  }
  return false;
}

/* libsystemd's sd-bus, loaded when a scope is started: a launch without a
 * systemd user manager (su, cron, a container) does not pay for mapping it
 * and its libraries (lzma, zstd, lz4, gcrypt, cap). */
#define SD_FUNCS(X)                                                                                \
  X(sd_bus_call)                                                                                   \
  X(sd_bus_call_method)                                                                            \
  X(sd_bus_error_free)                                                                             \
  X(sd_bus_error_has_name)                                                                         \
  X(sd_bus_flush_close_unref)                                                                      \
  X(sd_bus_match_signal)                                                                           \
  X(sd_bus_message_append)                                                                         \
  X(sd_bus_message_close_container)                                                                \
  X(sd_bus_message_enter_container)                                                                \
  X(sd_bus_message_new_method_call)                                                                \
  X(sd_bus_message_open_container)                                                                 \
  X(sd_bus_message_read)                                                                           \
  X(sd_bus_message_unref)                                                                          \
  X(sd_bus_new)                                                                                    \
  X(sd_bus_process)                                                                                \
  X(sd_bus_set_address)                                                                            \
  X(sd_bus_set_bus_client)                                                                         \
  X(sd_bus_set_method_call_timeout)                                                                \
  X(sd_bus_start)                                                                                  \
  X(sd_bus_wait)
#define SD_FIELD(f) __typeof__(f) *f;
static struct { SD_FUNCS(SD_FIELD) } sd;

/* NULL once sd is filled, else why not. */
static const char *sd_load(void) {
  void *lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL)
    return dlerror();
#define SD_SYMBOL(f)                                                                               \
  if ((sd.f = (__typeof__(sd.f))dlsym(lib, #f)) == NULL)                                           \
    return dlerror();
  SD_FUNCS(SD_SYMBOL)
  return NULL;
}

static int job_removed(sd_bus_message *m, void *data, sd_bus_error *err) {
  (void)err;
  char **want = data;
  uint32_t id;
  const char *job, *unit, *result;
  if (sd.sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) >= 0 && want[0] != NULL &&
      strcmp(job, want[0]) == 0)
    want[1] = strdup(result);
  return 0;
}

/* DbusScopes.start; returns 0, or -1 with the sentence in msg. */
static int start_scope(const char *address, const char *unit, const struct entry *e, char *msg,
                       size_t size) {
  sd_bus *bus = NULL;
  sd_bus_message *call = NULL, *reply = NULL;
  sd_bus_error err = SD_BUS_ERROR_NULL;
  char *want[2] = {NULL, NULL};
  const char *missing = sd_load();
  if (missing != NULL) {
    snprintf(msg, size, "cannot load libsystemd: %s", missing);
    return -1;
  }
  int r = sd.sd_bus_new(&bus);
  if (r >= 0 && (r = sd.sd_bus_set_address(bus, address)) >= 0 &&
      (r = sd.sd_bus_set_bus_client(bus, 1)) >= 0)
    r = sd.sd_bus_start(bus);
  if (r < 0) {
    snprintf(msg, size, "cannot reach the session bus: %s", strerror(-r));
    goto out;
  }
  sd.sd_bus_match_signal(bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                         "org.freedesktop.systemd1.Manager", "JobRemoved", job_removed, want);
  sd.sd_bus_message_new_method_call(bus, &call, "org.freedesktop.systemd1",
                                    "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                    "StartTransientUnit");
  sd.sd_bus_message_append(call, "ss", unit, "fail");
  sd.sd_bus_message_open_container(call, 'a', "(sv)");
  sd.sd_bus_message_append(call, "(sv)(sv)(sv)", "Description", "s", e->description, "PIDs", "au",
                           1, (uint32_t)getpid(), "CollectMode", "s", "inactive-or-failed");
  static const char *const names[3] = {"MemoryMax", "TasksMax", "CPUWeight"};
  for (int i = 0; i < 3; i++)
    if (e->limit_flags & (1u << i))
      sd.sd_bus_message_append(call, "(sv)", names[i], "t", e->limits[i]);
  sd.sd_bus_message_close_container(call);
  r = sd.sd_bus_message_append(call, "a(sa(sv))", 0);
  if (r >= 0)
    r = sd.sd_bus_call(bus, call, 10 * 1000000ull, &err, &reply);
  if (r < 0) {
    bool none = sd.sd_bus_error_has_name(&err, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                sd.sd_bus_error_has_name(&err, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
    snprintf(msg, size,
             none ? "the session bus has no systemd user manager"
                  : "the systemd user manager refused the scope: %s",
             err.message != NULL ? err.message : strerror(-r));
    goto out;
  }
  const char *job = NULL;
  sd.sd_bus_message_read(reply, "o", &job);
  want[0] = job != NULL ? strdup(job) : NULL;
  uint64_t deadline = (uint64_t)time(NULL) + 10;
  while (want[1] == NULL && (uint64_t)time(NULL) < deadline) {
    if (sd.sd_bus_process(bus, NULL) > 0)
      continue;
    if (sd.sd_bus_wait(bus, 1000000) < 0)
      break;
  }
  r = 0;
  if (want[1] == NULL) {
    snprintf(msg, size, "the systemd user manager did not finish starting %s within 10 s", q(unit));
    r = -1;
  } else if (strcmp(want[1], "done") != 0) {
    snprintf(msg, size, "the systemd user manager could not start %s: its job ended with %s",
             q(unit), q(want[1]));
    r = -1;
  }
out:
  sd.sd_bus_error_free(&err);
  sd.sd_bus_message_unref(call);
  sd.sd_bus_message_unref(reply);
  sd.sd_bus_flush_close_unref(bus);
  return r < 0 ? -1 : 0;
}

/* Scopes.unitName: app-hsu-<id, '-' as \x2d, shortened>-<pid>.scope. */
static void unit_name(const char *id, char *out, size_t size) {
  char esc[1024] = "", tail[32];
  for (const char *p = id; *p != '\0' && strlen(esc) < sizeof(esc) - 5; p++)
    strncat(esc, *p == '-' ? "\\x2d" : (char[]){*p, 0}, sizeof(esc) - strlen(esc) - 1);
  snprintf(tail, sizeof(tail), "-%ld.scope", (long)getpid());
  size_t room = 255 - strlen("app-hsu-") - strlen(tail);
  if (strlen(esc) > room) {
    esc[room] = '\0';
    char *cut = strrchr(esc, '\\');
    if (cut != NULL && (size_t)(cut - esc) > room - 4)
      *cut = '\0';
  }
  snprintf(out, size, "app-hsu-%s%s", esc, tail);
}

/* Scopes.start: quiet without a bus, a notice without a manager or on failure,
 * an error when the profile's limits need the scope. */
/* The session bus's address as the JVM finds it: $DBUS_SESSION_BUS_ADDRESS when
 * reachable, else $XDG_RUNTIME_DIR/bus when present; "" when neither. */
static void session_address(char *address, size_t size) {
  const char *given = getenv("DBUS_SESSION_BUS_ADDRESS"), *rt = env_abs("XDG_RUNTIME_DIR");
  char path[PATH_MAX];
  address[0] = '\0';
  if (given != NULL && given[strspn(given, " \t\n\r\f\v")] != '\0') {
    if (reachable(given))
      snprintf(address, size, "%s", given);
  } else if (rt != NULL) {
    snprintf(path, sizeof(path), "%s/bus", rt);
    if (access(path, F_OK) == 0)
      snprintf(address, size, "unix:path=%s", path);
  }
}

static int scope(const struct entry *e) {
  bool required = (e->limit_flags & 8) != 0;
  const char *rt = env_abs("XDG_RUNTIME_DIR");
  char address[PATH_MAX + 16] = "", path[PATH_MAX], msg[2048], unit[300];
  session_address(address, sizeof(address));
  if (address[0] == '\0') {
    if (required)
      return fail("the profile sets 'limits', which needs the systemd user manager, but there is"
                  " no session bus (DBUS_SESSION_BUS_ADDRESS is unset or names a missing socket,"
                  " and $XDG_RUNTIME_DIR/bus does not exist)");
    return 0;
  }
  snprintf(path, sizeof(path), "%s/systemd/private", rt != NULL ? rt : "");
  if ((rt == NULL || access(path, F_OK) != 0) && !required) {
    fprintf(stderr, "hsu: notice: no systemd user manager (no $XDG_RUNTIME_DIR/systemd/private);"
                    " the sandbox runs without its own scope\n");
    return 0;
  }
  unit_name(e->unit_id, unit, sizeof(unit));
  if (start_scope(address, unit, e, msg, sizeof(msg)) == 0)
    return 0;
  if (required) {
    fprintf(stderr, "hsu: the profile sets 'limits', which needs its own systemd scope: %s\n", msg);
    return EXIT_SETUP;
  }
  fprintf(stderr, "hsu: notice: %s; the sandbox runs without its own scope\n", msg);
  return 0;
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The cached plan with a fresh instance id at its offsets and the extra
 * arguments appended to PARAMS' argv (counts and lengths fixed up). */
static uint8_t *fill_plan(const struct entry *e, char **extra, int n_extra, size_t *len) {
  size_t add = 0;
  for (int i = 0; i < n_extra; i++)
    add += 4 + strlen(extra[i]);
  uint8_t *p = malloc(e->plan_len + add);
  if (p == NULL || e->plan_len < 24 + 12)
    return NULL;
  memcpy(p, e->plan, e->plan_len);
  uint8_t raw[8];
  char id[17];
  if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
    return NULL;
  for (int i = 0; i < 8; i++)
    snprintf(id + 2 * i, 3, "%02x", raw[i]);
  for (uint32_t i = 0; i < e->n_offsets; i++) {
    uint32_t o = get32(e->offsets + 4 * i);
    if (o > e->plan_len - 16 || memcmp(p + o, e->id, 16) != 0)
      return NULL;
    memcpy(p + o, id, 16);
  }
  /* header 16, PARAMS record header 8, uid gid flags 12, hostname, cwd, argv */
  size_t at = 16 + 8 + 12;
  for (int k = 0; k < 2; k++)
    at += 4 + (at + 4 <= e->plan_len ? get32(p + at) : e->plan_len);
  if (at + 4 > e->plan_len)
    return NULL;
  size_t count_at = at;
  uint32_t count = get32(p + at);
  at += 4;
  for (uint32_t k = 0; k < count && at + 4 <= e->plan_len; k++)
    at += 4 + get32(p + at);
  if (at > e->plan_len)
    return NULL;
  memmove(p + at + add, p + at, e->plan_len - at);
  for (int i = 0; i < n_extra; i++) {
    size_t n = strlen(extra[i]);
    put32(p + at, (uint32_t)n);
    memcpy(p + at + 4, extra[i], n);
    at += 4 + n;
  }
  put32(p + count_at, count + (uint32_t)n_extra);
  put32(p + 12, get32(p + 12) + (uint32_t)add);
  put32(p + 20, get32(p + 20) + (uint32_t)add);
  *len = e->plan_len + add;
  return p;
}

#define PORTAL_DESKTOP "org.freedesktop.portal.Desktop"
#define PORTAL_DOCUMENTS "org.freedesktop.portal.Documents"
/* A document portal that takes longer to start is taken as missing. */
#define PORTAL_TIMEOUT_US (5 * 1000000ull)

/* Whether name has an owner or a service file on the bus. */
static bool portal_offered(sd_bus *bus, const char *name) {
  sd_bus_message *reply = NULL;
  int owned = 0;
  if (sd.sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "NameHasOwner", NULL, &reply, "s", name) >= 0)
    sd.sd_bus_message_read(reply, "b", &owned);
  reply = sd.sd_bus_message_unref(reply);
  if (owned)
    return true;
  bool found = false;
  if (sd.sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "ListActivatableNames", NULL, &reply,
                            "") >= 0 &&
      sd.sd_bus_message_enter_container(reply, 'a', "s") >= 0) {
    const char *s;
    while (!found && sd.sd_bus_message_read(reply, "s", &s) > 0)
      found = strcmp(s, name) == 0;
  }
  sd.sd_bus_message_unref(reply);
  return found;
}

/* Asks the document portal for its mount point, which D-Bus-activates it
 * (as Flatpak does before it starts an app: the app's document view must
 * exist when hsu-init binds it), and whether xdg-desktop-portal is running
 * or activatable. 0 when both are there; -1 with a sentence in msg. */
static int portal_check(const char *address, char *msg, size_t size) {
  const char *unloaded = sd_load();
  if (unloaded != NULL) {
    snprintf(msg, size, "cannot load libsystemd to ask the session bus for the portals: %s",
             unloaded);
    return -1;
  }
  sd_bus *bus = NULL;
  sd_bus_error err = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd.sd_bus_new(&bus);
  if (r >= 0 && (r = sd.sd_bus_set_address(bus, address)) >= 0 &&
      (r = sd.sd_bus_set_bus_client(bus, 1)) >= 0 &&
      (r = sd.sd_bus_set_method_call_timeout(bus, PORTAL_TIMEOUT_US)) >= 0)
    r = sd.sd_bus_start(bus);
  if (r < 0) {
    snprintf(msg, size,
             "cannot reach the session bus for the portals (%s): file dialogs, links and files"
             " handed over will not work in the sandbox",
             strerror(-r));
    goto out;
  }
  r = sd.sd_bus_call_method(bus, PORTAL_DOCUMENTS, "/org/freedesktop/portal/documents",
                            PORTAL_DOCUMENTS, "GetMountPoint", &err, &reply, "");
  if (r < 0) {
    snprintf(msg, size,
             "no document portal on the session bus (%s: %s): files the user picks or hsu hands"
             " over will not appear in the sandbox (Debian: apt install xdg-desktop-portal fuse3)",
             PORTAL_DOCUMENTS, err.message != NULL ? err.message : strerror(-r));
    goto out;
  }
  if (!portal_offered(bus, PORTAL_DESKTOP)) {
    snprintf(msg, size,
             "no %s on the session bus: file dialogs and opening links will not work in the"
             " sandbox (Debian: apt install xdg-desktop-portal and a backend such as"
             " xdg-desktop-portal-gtk)",
             PORTAL_DESKTOP);
    r = -1;
    goto out;
  }
  r = 0;
out:
  sd.sd_bus_error_free(&err);
  sd.sd_bus_message_unref(reply);
  sd.sd_bus_flush_close_unref(bus);
  return r < 0 ? -1 : 0;
}

/* With the portals grant: the document portal started, or a notice (both
 * launch paths and hsu doctor run this, docs/portals.md). */
static void portal_notice(void) {
  char address[PATH_MAX + 16], msg[2048];
  session_address(address, sizeof(address));
  if (address[0] == '\0')
    snprintf(msg, sizeof(msg),
             "no session bus for the portals (DBUS_SESSION_BUS_ADDRESS is unset or names a"
             " missing socket, and $XDG_RUNTIME_DIR/bus does not exist): file dialogs, links and"
             " files handed over will not work in the sandbox");
  else if (portal_check(address, msg, sizeof(msg)) == 0)
    return;
  fprintf(stderr, "hsu: notice: %s\n", msg);
}

/* The INSTANCE record's grants in the cached plan (0 when it has none). */
static uint32_t plan_grants(const struct entry *e) {
  size_t at = 16;
  while (at + 8 <= e->plan_len) {
    uint32_t tag = get32(e->plan + at), n = get32(e->plan + at + 4);
    if (n > e->plan_len - at - 8)
      return 0;
    if (tag == TAG_INSTANCE) {
      /* id, dir, app id, name, profile: each a u32 length and its bytes; then the grants */
      size_t p = at + 8, end = at + 8 + n;
      for (int i = 0; i < 5; i++) {
        if (p + 4 > end || get32(e->plan + p) > end - p - 4)
          return 0;
        p += 4 + get32(e->plan + p);
      }
      return p + 4 <= end ? get32(e->plan + p) : 0;
    }
    at += 8 + n;
  }
  return 0;
}

/* Whether an argument names a host file that hsu launch would hand over
 * (docs/portals.md): the JVM exports it through the document portal. */
static bool names_host_file(char **args, int n) {
  for (int i = 0; i < n; i++) {
    const char *a = args[i];
    struct stat st;
    if (strncmp(a, "file:", 5) == 0 ||
        (a[0] != '-' && a[0] != '\0' && strstr(a, "://") == NULL && stat(a, &st) == 0))
      return true;
  }
  return false;
}

/* With portals, an argument naming a host file makes the JVM do the whole
 * launch: it hands the file over through the document portal
 * (docs/portals.md). */
static bool hands_over(const struct entry *e, char **extra, int n_extra) {
  if ((plan_grants(e) & INSTANCE_PORTALS) == 0 || !names_host_file(extra, n_extra))
    return false;
  miss("a file argument, which the JVM hands over through the document portal");
  return true;
}

/* What follows `dev.hsu.cli.Main launch` in argv: the profile at *arg. */
static int launch_args(int argc, char **argv) {
  for (int i = 3; i + 1 < argc; i++)
    if (strcmp(argv[i], MAIN_CLASS) == 0 && strcmp(argv[i + 1], "launch") == 0)
      return i + 2;
  return -1;
}

/* Who ran hsu launch: the script's -Dhsu.parent=PID, else our parent now. */
static pid_t launch_parent(int argc, char **argv) {
  for (int i = 3; i < argc && strcmp(argv[i], MAIN_CLASS) != 0; i++)
    if (strncmp(argv[i], "-Dhsu.parent=", 13) == 0) {
      char *end;
      long pid = strtol(argv[i] + 13, &end, 10);
      if (*end == '\0' && pid > 0 && pid <= 0x3FFFFFFF)
        return (pid_t)pid;
    }
  return getppid();
}

/* The plan's PARAMS DIE_WITH_PARENT, as LaunchHost.dieWithParent: from now
 * on we (and hsu-init after the execve) get SIGKILL when the process that
 * ran hsu launch ends; one that ended already stops the launch. */
static int die_with_parent(const struct entry *e, pid_t parent) {
  if (e->plan_len < 36 || (get32(e->plan + 32) & PARAMS_DIE_WITH_PARENT) == 0)
    return 0;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
    fprintf(stderr, "hsu: cannot set the parent-death signal: %s\n", strerror(errno));
    return EXIT_SETUP;
  }
  if (getppid() == parent)
    return 0;
  fprintf(stderr,
          "hsu: the process that ran hsu launch (pid %d) is gone, so the sandbox does not start "
          "(die-with-parent)\n",
          (int)parent);
  return EXIT_SETUP;
}

/* Runs the entry's launch: what Launch.run does around the plan, then the
 * execve of hsu-init. */
static _Noreturn void launch(const struct entry *e, char **extra, int n_extra, const char *init,
                             pid_t parent) {
  size_t plan_len = 0;
  int r = die_with_parent(e, parent);
  if (r == 0)
    remove_stale();
  if (r == 0)
    r = userns_check();
  if (r == 0)
    r = run_steps(e->steps);
  if (r == 0)
    r = scope(e);
  if (r != 0)
    exit(r);
  if ((plan_grants(e) & INSTANCE_PORTALS) != 0)
    portal_notice();
  uint8_t *plan = fill_plan(e, extra, n_extra, &plan_len);
  if (plan == NULL)
    exit(fail("internal error: the cached plan does not match its entry"));
  int fd = memfd_create("hsu-plan", 0);
  if (fd < 0 || write(fd, plan, plan_len) != (ssize_t)plan_len)
    exit(fail("cannot pass the plan to hsu-init"));
  char fdstr[16];
  snprintf(fdstr, sizeof(fdstr), "%d", fd);
  char init_copy[PATH_MAX], flag[] = "--plan-fd";
  snprintf(init_copy, sizeof(init_copy), "%s", init);
  char *init_argv[] = {init_copy, flag, fdstr, NULL};
  execv(init, init_argv);
  fprintf(stderr, "hsu: cannot run hsu-init %s: %s\n", q(init), strerror(errno));
  exit(EXIT_SETUP);
}

/* A miss: the JVM (argv[2..]) runs as our child with -Dhsu.entry-fd, compiles
 * the profile, fills the cache and writes the entry of that compile to a
 * memfd, then exits; the launch goes on here as a hit's does, so the JVM
 * needs neither JNA nor D-Bus. Returns the entry; when the JVM fails (the
 * profile's diagnostics are printed), exits with its status. */
static uint8_t *compile_entry(int argc, char **argv, size_t *len) {
  int fd = memfd_create("hsu-entry", 0);
  if (fd < 0)
    exit(fail("cannot make a memfd for the JVM's plan"));
  char prop[64];
  snprintf(prop, sizeof(prop), "-Dhsu.entry-fd=%d", fd);
  char **child = calloc((size_t)argc + 1, sizeof(*child));
  if (child == NULL)
    abort();
  child[0] = argv[2];
  child[1] = prop;
  memcpy(child + 2, argv + 3, sizeof(*child) * (size_t)(argc - 3));
  pid_t pid = fork();
  if (pid < 0)
    exit(fail("cannot start Java: fork failed"));
  if (pid == 0) {
    execvp(child[0], child);
    fprintf(stderr, "hsu: cannot run Java %s: %s\n", q(child[0]), strerror(errno));
    _exit(EXIT_SETUP);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      exit(fail("cannot wait for Java"));
  if (WIFSIGNALED(status))
    exit(128 + WTERMSIG(status));
  if (WEXITSTATUS(status) != 0)
    exit(WEXITSTATUS(status));
  unsigned char *buf = NULL;
  int r = lseek(fd, 0, SEEK_SET) < 0 ? -errno : read_fd(fd, MAX_ENTRY, &buf, len);
  close(fd);
  if (r < 0 || *len < 16 + SHA256_SIZE || memcmp(buf, "HSUCACHE", 8) != 0)
    exit(fail("internal error: Java gave no plan for the launch"));
  return buf;
}

/* `hsu launch PROFILE [ARGS...]`: a hit runs the cached plan, a miss the
 * plan the JVM compiles; neither returns. Anything else (options before
 * PROFILE) returns, and the JVM does the whole launch. */
static void front_launch(int argc, char **argv) {
  int a = launch_args(argc, argv);
  if (a < 0 || a >= argc || argv[a][0] == '-' || argv[a][0] == '\0')
    return;
  const char *arg = argv[a], *init = getenv("HSU_INIT");
  init = init != NULL && init[0] != '\0' ? init : argv[1];
  char **extra = argv + a + 1;
  int n_extra = argc - a - 1;
  if (n_extra > 0 && strcmp(extra[0], "--") == 0) {
    extra++;
    n_extra--;
  }
  pid_t parent = launch_parent(argc, argv);
  /* The key and the instance records are there: a hostile fallback is
   * refused before anything is read from it, with the JVM's sentence. */
  char runtime[PATH_MAX];
  struct hsu_error err;
  runtime_dir(runtime, sizeof(runtime));
  if (runtime_dir_check(runtime, true, &err) < 0) {
    char msg[2 * HSU_ERROR_SIZE];
    struct sbuf sb;
    sb_init(&sb, msg, sizeof(msg));
    hsu_error_render(&err, &sb);
    exit(fail(msg));
  }
  size_t len = 0;
  struct entry e;
  uint8_t *buf = getenv("HSU_NO_PLAN_CACHE") == NULL ? load_entry(arg, &len) : NULL;
  if (buf != NULL && entry_holds(buf, len, arg, argv[0], init, false, &e)) {
    if (hands_over(&e, extra, n_extra))
      return;
    launch(&e, extra, n_extra, init, parent);
  }
  buf = compile_entry(argc, argv, &len);
  if (!entry_holds(buf, len, arg, argv[0], init, true, &e))
    exit(fail("internal error: Java gave an incomplete plan for the launch"));
  if (hands_over(&e, extra, n_extra))
    return;
  launch(&e, extra, n_extra, init, parent);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--portal-check") == 0) {
    /* For the JVM's launches and hsu doctor: the same check, the same notice. */
    portal_notice();
    return 0;
  }
  if (argc < 3 || argv[0][0] != '/') {
    fprintf(stderr, "usage: /path/to/hsu-launch INIT JAVA [ARGS...] " MAIN_CLASS " launch ...\n");
    return EXIT_SETUP;
  }
  const char *debug = getenv("HSU_DEBUG");
  miss_debug = debug != NULL && strcmp(debug, "1") == 0;
  front_launch(argc, argv);
  execvp(argv[2], argv + 2);
  fprintf(stderr, "hsu: cannot run Java %s: %s\n", q(argv[2]), strerror(errno));
  return EXIT_SETUP;
}
