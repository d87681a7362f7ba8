/* Early and apply steps of every op. Mounts use the new mount API: a
 * detached mount is made (open_tree or fsopen/fsmount), its attributes set
 * recursively, then it is moved onto a target that was opened below the
 * sysroot with RESOLVE_IN_ROOT, so no symlink can point a mount outside. */
#include "ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountinfo.h"
#include "sys.h"
#include "util.h"

#define JOIN_MAX (PLAN_MAX_PATH + 512)

/* In the intermediate root: what hidden things are covered with. */
#define COVER_DIR "/cover"
#define COVER_FILE "/cover-file"

enum want { W_EXIST, W_DIR, W_FILE };

static const char *const auto_root_skipped[] = {
    "proc", "dev", "tmp", "run", "etc", "home", "root", "mnt", "media", "lost+found", NULL,
};

/* How fs_log's kernel explanation begins. */
#define KERNEL_SAYS " (kernel: "

/* Names the action that failed with r, "cannot <action>", unless a helper
 * already did (its sentence is more precise); a kernel explanation alone
 * (fs_log) stays after it. */
static int name_failure(struct hsu_error *e, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int name_failure(struct hsu_error *e, int r, const char *fmt, ...) {
  if (e->msg[0] != '\0' && strncmp(e->msg, KERNEL_SAYS, strlen(KERNEL_SAYS)) != 0)
    return r;
  char action[HSU_ERROR_SIZE], kernel[HSU_ERROR_SIZE];
  memcpy(kernel, e->msg, sizeof(kernel));
  struct sbuf sb;
  sb_init(&sb, action, sizeof(action));
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  const char *hint = e->hint;
  hsu_fail(e, -r, "cannot %s%s", action, kernel);
  e->hint = hint;
  return r;
}

/* ~/.cache exists (made 0700 when missing, as the XDG spec says): 0 or -1. */
static int mkdir_cache(const char *home) {
  char dir[PLAN_MAX_PATH];
  int n = snprintf(dir, sizeof(dir), "%s/.cache", home);
  if (n < 0 || (size_t)n >= sizeof(dir))
    return -1;
  return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Notes the directory at path (made 0700 when missing, as hsu would make it)
 * as one no sandbox may reach. */
static void hide_dir(struct build *b, const char *path, const char *what) {
  struct hidden_dir *h = &b->hidden[b->n_hidden];
  struct stat st;
  if (mkdir(path, 0700) < 0 && errno != EEXIST)
    return;
  if (realpath(path, h->path) == NULL || stat(h->path, &st) < 0 || !S_ISDIR(st.st_mode))
    return;
  h->dev = st.st_dev;
  h->ino = st.st_ino;
  h->what = what;
  b->n_hidden++;
}

void build_init(struct build *b, struct plan *plan) {
  memset(b, 0, sizeof(*b));
  b->plan = plan;
  b->root_fd = -1;
  char dir[PLAN_MAX_PATH];
  /* The plan cache, where the launcher finds it (init-c/src/front.c); this
   * runs in the host root with the launcher's environment. */
  const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  int n = -1;
  if (cache != NULL && cache[0] == '/')
    n = snprintf(dir, sizeof(dir), "%s/hsu", cache);
  else if (home != NULL && home[0] == '/' && mkdir_cache(home) == 0)
    n = snprintf(dir, sizeof(dir), "%s/.cache/hsu", home);
  if (n > 0 && (size_t)n < sizeof(dir))
    hide_dir(b, dir, "the plan cache");
  if (!plan->instance.present)
    return;
  snprintf(dir, sizeof(dir), "%s", plan->instance.dir);
  *strrchr(dir, '/') = '\0';
  /* The supervisor made it before the clone. */
  hide_dir(b, dir[0] != '\0' ? dir : "/", "the instance records");
}

void op_describe(const struct op *op, char *buf, size_t size) {
  struct sbuf sb;
  sb_init(&sb, buf, size);
  switch (op->tag) {
  case TAG_AUTO_ROOT:
    sb_printf(&sb, "mirror %s on \"/\"", q(op->u.auto_root.host));
    break;
  case TAG_AUTO_ETC:
    sb_printf(&sb, "mirror %s on \"/etc\"", q(op->u.auto_etc.host));
    break;
  case TAG_BIND:
    sb_printf(&sb, "bind %s on %s", q(op->u.bind.source), q(op->u.bind.target));
    break;
  case TAG_TMPFS:
    sb_printf(&sb, "mount tmpfs on %s", q(op->u.tmpfs.target));
    break;
  case TAG_OVERLAY:
    sb_printf(&sb, "mount overlay on %s", q(op->u.overlay.target));
    break;
  case TAG_MKDIR:
    sb_printf(&sb, "create directory %s", q(op->u.mkdir.target));
    break;
  case TAG_PLACE:
    sb_printf(&sb, "place a file on %s", q(op->u.place.target));
    break;
  case TAG_SYMLINK:
    sb_printf(&sb, "create symlink %s -> %s", q(op->u.symlink.target),
              q(op->link != NULL ? op->link : op->u.symlink.link_name));
    break;
  case TAG_PROC:
    sb_printf(&sb, "mount proc on %s", q(op->u.proc.target));
    break;
  case TAG_SYSFS:
    sb_printf(&sb, "mount a new sysfs on %s", q(op->u.sysfs.target));
    break;
  case TAG_DEV:
    sb_printf(&sb, "set up devices on %s", q(op->u.dev.target));
    break;
  case TAG_REMOUNT:
    sb_printf(&sb, "remount %s", q(op->u.remount.target));
    break;
  case TAG_DAEMON:
    sb_printf(&sb, "start daemon %s", q(op->u.daemon.argv.v[0]));
    break;
  case TAG_PARAMS:
  case TAG_SECCOMP:
  case TAG_LANDLOCK:
  case TAG_INSTANCE:
  case TAG_WAYLAND:
  case TAG_PROXY:
  case TAG_END:
    sb_printf(&sb, "%s", plan_tag_name(op->tag));
    break;
  }
}

/* dir + "/" + name (dir "/" gives "/name"), into buf of JOIN_MAX bytes. */
static int join(char *buf, const char *dir, const char *name) {
  int n = snprintf(buf, JOIN_MAX, "%s%s%s", strcmp(dir, "/") == 0 ? "" : dir,
                   name[0] == '/' ? "" : "/", name);
  if (n < 0 || (size_t)n >= JOIN_MAX)
    return -ENAMETOOLONG;
  return 0;
}

/* "/host" + an absolute host path. */
static int host_path(char *buf, const char *path) {
  return join(buf, "/host", path);
}

/* ---- early phase ---- */

static int mkdir_p_host(const char *path, struct hsu_error *e) {
  char buf[PLAN_MAX_PATH];
  size_t len = strlen(path);
  if (len >= sizeof(buf))
    return -ENAMETOOLONG;
  memcpy(buf, path, len + 1);
  for (size_t i = 1; i <= len; i++) {
    if (buf[i] != '/' && buf[i] != '\0')
      continue;
    char saved = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
      return hsu_fail(e, errno, "cannot create directory %s", q(buf));
    buf[i] = saved;
  }
  return 0;
}

static int resolve_host(const char *path, char **out) {
  char *r = realpath(path, NULL);
  if (r == NULL)
    return -errno;
  *out = r;
  return 0;
}

static bool in_list(const char *const *list, const char *name) {
  for (; list != NULL && *list != NULL; list++)
    if (strcmp(*list, name) == 0)
      return true;
  return false;
}

static int cmp_entry(const void *a, const void *b) {
  return strcmp(((const struct dir_entry *)a)->name, ((const struct dir_entry *)b)->name);
}

static int add_entry(int dfd, const char *name, struct op *op, size_t *cap) {
  struct stat st;
  if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : -errno;
  unsigned char type;
  if (S_ISDIR(st.st_mode))
    type = DT_DIR;
  else if (S_ISREG(st.st_mode))
    type = DT_REG;
  else if (S_ISLNK(st.st_mode))
    type = DT_LNK;
  else
    return 0; /* sockets, fifos and devices are not mirrored */
  char *link = NULL;
  if (type == DT_LNK) {
    char buf[PATH_MAX];
    ssize_t n = readlinkat(dfd, name, buf, sizeof(buf) - 1);
    if (n < 0)
      return -errno;
    buf[n] = '\0';
    if ((link = strdup(buf)) == NULL)
      return -ENOMEM;
  }
  if (op->n_entries == *cap) {
    *cap = *cap ? *cap * 2 : 32;
    struct dir_entry *e = realloc(op->entries, *cap * sizeof(*e));
    if (e == NULL)
      return -ENOMEM;
    op->entries = e;
  }
  char *dup = strdup(name);
  if (dup == NULL)
    return -ENOMEM;
  op->entries[op->n_entries++] = (struct dir_entry){.name = dup, .link = link, .type = type};
  return 0;
}

/* Lists a host directory for AUTO_ROOT / AUTO_ETC. The lists live as long
 * as the process. */
static int list_host_dir(struct op *op, char *const *only, char *const *skip,
                         const char *const *fixed_skip) {
  autoclose int dfd = open(op->resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return errno == ENOTDIR ? -HSU_ENOTDIR_HOST : -errno;
  size_t cap = 0;
  int r;
  if (only != NULL && only[0] != NULL) {
    for (; *only != NULL; only++) {
      if (in_list((const char *const *)skip, *only) || in_list(fixed_skip, *only))
        continue;
      if ((r = add_entry(dfd, *only, op, &cap)) < 0)
        return r;
    }
  } else {
    DIR *d = fdopendir(dfd);
    if (d == NULL)
      return -errno;
    dfd = -1; /* owned by d now */
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
          in_list((const char *const *)skip, de->d_name) || in_list(fixed_skip, de->d_name))
        continue;
      if ((r = add_entry(dirfd(d), de->d_name, op, &cap)) < 0) {
        closedir(d);
        return r;
      }
      errno = 0;
    }
    r = errno;
    closedir(d);
    if (r != 0)
      return -r;
  }
  if (op->n_entries > 0)
    qsort(op->entries, op->n_entries, sizeof(*op->entries), cmp_entry);
  return 0;
}

static int early_one(struct op *op, struct hsu_error *e) {
  int r;
  switch (op->tag) {
  case TAG_AUTO_ROOT:
    if ((r = resolve_host(op->u.auto_root.host, &op->resolved)) < 0)
      return r;
    return list_host_dir(op, NULL, op->u.auto_root.exclude.v, auto_root_skipped);
  case TAG_AUTO_ETC: {
    static const char *const etc_skipped[] = {"mtab", ".host", NULL};
    if ((r = resolve_host(op->u.auto_etc.host, &op->resolved)) < 0)
      return r;
    return list_host_dir(op, op->u.auto_etc.only.v, op->u.auto_etc.skip.v, etc_skipped);
  }
  case TAG_BIND: {
    const char *src = op->u.bind.source;
    r = resolve_host(src, &op->resolved);
    if (r == -ENOENT && (op->u.bind.flags & BIND_OPTIONAL) != 0) {
      op->skip = true;
      return 0;
    }
    if (r == -ENOENT && (op->u.bind.flags & BIND_ENSURE) != 0) {
      if ((r = mkdir_p_host(src, e)) < 0)
        return r;
      r = resolve_host(src, &op->resolved);
    }
    return r;
  }
  case TAG_OVERLAY: {
    __typeof__(op->u.overlay) *o = &op->u.overlay;
    op->resolved_lowers = calloc((size_t)o->lowers.n + 1, sizeof(char *));
    if (op->resolved_lowers == NULL)
      return -ENOMEM;
    for (uint32_t i = 0; i < o->lowers.n; i++) {
      if ((r = resolve_host(o->lowers.v[i], &op->resolved_lowers[i])) < 0)
        return hsu_fail(e, -r, "cannot find lower %s of the overlay on %s", q(o->lowers.v[i]),
                        q(o->target));
    }
    if (o->upper != NULL && (r = resolve_host(o->upper, &op->resolved_upper)) < 0)
      return hsu_fail(e, -r, "cannot find upper %s of the overlay on %s", q(o->upper),
                      q(o->target));
    if (o->work != NULL && (r = resolve_host(o->work, &op->resolved_work)) < 0)
      return hsu_fail(e, -r, "cannot find work %s of the overlay on %s", q(o->work), q(o->target));
    return 0;
  }
  case TAG_SYMLINK:
    if ((op->u.symlink.flags & SYMLINK_DEREFERENCE) != 0) {
      char buf[PATH_MAX];
      ssize_t n = readlink(op->u.symlink.link_name, buf, sizeof(buf) - 1);
      if (n < 0)
        return hsu_fail(e, errno, "cannot read symlink %s", q(op->u.symlink.link_name));
      buf[n] = '\0';
      if ((op->link = strdup(buf)) == NULL)
        return -ENOMEM;
    } else {
      op->link = op->u.symlink.link_name;
    }
    return 0;
  case TAG_TMPFS:
  case TAG_MKDIR:
  case TAG_PLACE:
  case TAG_PROC:
  case TAG_SYSFS:
  case TAG_DEV:
  case TAG_REMOUNT:
  case TAG_DAEMON:
  case TAG_PARAMS:
  case TAG_SECCOMP:
  case TAG_LANDLOCK:
  case TAG_INSTANCE:
  case TAG_WAYLAND:
  case TAG_PROXY:
  case TAG_END:
    return 0;
  }
  return 0;
}

/* The op's own sentence ("cannot bind "/a" on "/b""), unless a helper gave
 * a more precise one. */
static int name_op_failure(struct hsu_error *e, int r, const struct op *op) {
  char what[HSU_ERROR_SIZE];
  op_describe(op, what, sizeof(what));
  return name_failure(e, r, "%s", what);
}

int op_early(struct op *op, struct hsu_error *e) {
  hsu_error_clear(e);
  int r = early_one(op, e);
  return r < 0 ? name_op_failure(e, r, op) : 0;
}

/* ---- apply phase ---- */

static bool is_own(struct build *b, int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0)
    return false;
  for (size_t i = 0; i < b->n_own_devs; i++)
    if (b->own_devs[i] == st.st_dev)
      return true;
  return false;
}

static int add_own(struct build *b, int mnt_fd) {
  struct stat st;
  if (fstat(mnt_fd, &st) < 0)
    return -errno;
  if (b->n_own_devs == MAX_OWN_DEVS)
    return -EMFILE;
  b->own_devs[b->n_own_devs++] = st.st_dev;
  return 0;
}

static int open_below_root(struct build *b, const char *rel) {
  return sys_openat2(b->root_fd, rel, O_PATH | O_CLOEXEC,
                     HSU_RESOLVE_IN_ROOT | HSU_RESOLVE_NO_MAGICLINKS);
}

/* Opens path (inside the sandbox) as O_PATH below the sysroot, symlinks
 * resolved inside it. Missing components are created (parents 0755, the
 * last one per want with mode) when their directory is on a tmpfs we made. */
static int open_in_root(struct build *b, const char *path, enum want want, mode_t mode, int *out,
                        struct hsu_error *e) {
  char buf[JOIN_MAX];
  size_t len = strlen(path);
  if (len >= sizeof(buf))
    return -ENAMETOOLONG;
  memcpy(buf, path, len + 1);
  autoclose int dir = fcntl(b->root_fd, F_DUPFD_CLOEXEC, 3);
  if (dir < 0)
    return -errno;
  size_t pos = 1;
  while (pos < len) {
    size_t end = pos;
    while (end < len && buf[end] != '/')
      end++;
    bool last = end == len;
    buf[end] = '\0';
    const char *name = buf + pos;
    int fd = open_below_root(b, buf + 1);
    if (fd < 0 && errno == ENOENT && want != W_EXIST) {
      if (!is_own(b, dir))
        return hsu_fail(e, HSU_ENOTOURS, "cannot create %s", q(buf));
      int r;
      if (!last || want == W_DIR) {
        r = mkdirat(dir, name, last ? mode : 0755);
      } else {
        r = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
        if (r >= 0)
          r = close(r);
      }
      if (r < 0)
        return hsu_fail(e, errno, "cannot create %s", q(buf));
      fd = open_below_root(b, buf + 1);
    }
    if (fd < 0 && (errno != ENOENT || !last))
      return hsu_fail(e, errno, "cannot open %s", q(buf));
    if (fd < 0)
      return -errno;
    close(dir);
    dir = fd;
    buf[end] = '/';
    pos = end + 1;
  }
  *out = steal_fd(&dir);
  return 0;
}

/* Moves the detached mount mnt onto target (inside the sandbox). */
static int attach(struct build *b, int mnt, const char *target, enum want want,
                  struct hsu_error *e) {
  if (strcmp(target, "/") == 0)
    return -HSU_EROOT;
  autoclose int tfd = -1;
  int r = open_in_root(b, target, want, want == W_DIR ? 0755 : 0444, &tfd, e);
  if (r < 0)
    return r;
  if (sys_move_mount(mnt, "", tfd, "", HSU_MOVE_MOUNT_F_EMPTY_PATH | HSU_MOVE_MOUNT_T_EMPTY_PATH) <
      0)
    return -errno;
  return 0;
}

/* Recursively binds src (a path in the intermediate root, normally under
 * /host, already free of symlinks) on target. *top (when not NULL) gets the
 * id of the bound tree's top mount, for hide_pseudo_beneath. */
static int bind_path(struct build *b, const char *src, const char *target, uint32_t flags,
                     uint64_t *top, struct hsu_error *e) {
  autoclose int sfd = sys_openat2(AT_FDCWD, src, O_PATH | O_CLOEXEC, HSU_RESOLVE_NO_SYMLINKS);
  if (sfd < 0)
    return -errno;
  struct stat st;
  if (fstat(sfd, &st) < 0)
    return -errno;
  autoclose int tree = sys_open_tree(
      sfd, "", HSU_OPEN_TREE_CLONE | HSU_OPEN_TREE_CLOEXEC | HSU_AT_RECURSIVE | AT_EMPTY_PATH);
  if (tree < 0)
    return -errno;
  uint64_t set = HSU_MOUNT_ATTR_NOSUID;
  if ((flags & BIND_WRITABLE) == 0)
    set |= HSU_MOUNT_ATTR_RDONLY;
  if ((flags & BIND_DEVICE) == 0)
    set |= HSU_MOUNT_ATTR_NODEV;
  if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | HSU_AT_RECURSIVE, set, 0) < 0)
    return -errno;
  int r;
  if (top != NULL && (r = sys_mount_id(tree, top)) < 0)
    return r;
  return attach(b, tree, target, S_ISDIR(st.st_mode) ? W_DIR : W_FILE, e);
}

/* ---- hiding what binds carry along ---- */

/* Mounts an empty read-only directory or file (as fd is) over fd. */
static int cover(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0)
    return -errno;
  autoclose int tree = sys_open_tree(AT_FDCWD, S_ISDIR(st.st_mode) ? COVER_DIR : COVER_FILE,
                                     HSU_OPEN_TREE_CLONE | HSU_OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return -errno;
  uint64_t set =
      HSU_MOUNT_ATTR_RDONLY | HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV | HSU_MOUNT_ATTR_NOEXEC;
  if (sys_mount_setattr(tree, "", AT_EMPTY_PATH, set, 0) < 0)
    return -errno;
  unsigned move = HSU_MOVE_MOUNT_F_EMPTY_PATH | HSU_MOVE_MOUNT_T_EMPTY_PATH;
  if (sys_move_mount(tree, "", fd, "", move) < 0)
    return -errno;
  return 0;
}

static int cmp_id(const void *a, const void *b) {
  uint32_t x = ((const struct mount_info *)a)->id, y = ((const struct mount_info *)b)->id;
  return (x > y) - (x < y);
}

static const struct mount_info *find_id(const struct mount_info *sorted, size_t n, uint32_t id) {
  struct mount_info key = {.id = id};
  return bsearch(&key, sorted, n, sizeof(*sorted), cmp_id);
}

/* How many mounts down from one of tops m is (0: m is a top), or -1. */
static long depth_below(const struct mount_info *sorted, size_t n, const struct mount_info *m,
                        const uint64_t *tops, size_t n_tops) {
  for (size_t d = 0; d <= n && m != NULL; d++) {
    for (size_t i = 0; i < n_tops; i++)
      if (tops[i] == m->id)
        return (long)d;
    if (m->parent == m->id)
      return -1;
    m = find_id(sorted, n, m->parent);
  }
  return -1;
}

struct hidden {
  const struct mount_info *m;
  long depth;
};

static int cmp_depth(const void *a, const void *b) {
  long x = ((const struct hidden *)a)->depth, y = ((const struct hidden *)b)->depth;
  return (x > y) - (x < y);
}

static int read_mountinfo(char **buf, struct mount_info **m, size_t *n, struct hsu_error *e) {
  static const char path[] = "/host/proc/self/mountinfo";
  autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t len = 0, bad = 0;
  int r = fd < 0 ? -errno : read_fd(fd, MOUNTINFO_MAX_SIZE, (unsigned char **)buf, &len);
  if (r == 0)
    r = mountinfo_parse(*buf, len, m, n, &bad);
  if (r == -EINVAL && bad > 0)
    return hsu_fail(e, -r,
                    "cannot read \"/proc/self/mountinfo\" (line %zu is not what the kernel writes)",
                    bad);
  if (r < 0)
    return hsu_fail(e, -r, "cannot read \"/proc/self/mountinfo\"");
  return 0;
}

/* A bind carries every mount beneath its source along (recursively, and in
 * a user namespace the kernel locks them to their parents: no umount). Each
 * one of a pseudo filesystem type below one of the trees with these top
 * mount ids gets an empty read-only cover, if the sandbox can reach it: the
 * top itself is what the plan named, and stays. */
static int hide_pseudo_beneath(struct build *b, const uint64_t *tops, size_t n_tops,
                               struct hsu_error *e) {
  if (n_tops == 0)
    return 0;
  autofree char *buf = NULL;
  autofree struct mount_info *m = NULL;
  size_t n = 0;
  int r = read_mountinfo(&buf, &m, &n, e);
  if (r < 0)
    return r;
  qsort(m, n, sizeof(*m), cmp_id);
  autofree struct hidden *h = calloc(n + 1, sizeof(*h));
  if (h == NULL)
    return -ENOMEM;
  size_t n_h = 0;
  for (size_t i = 0; i < n; i++) {
    if (!mountinfo_is_pseudo(m[i].fstype))
      continue;
    long d = depth_below(m, n, &m[i], tops, n_tops);
    if (d > 0)
      h[n_h++] = (struct hidden){&m[i], d};
  }
  /* Outer mounts first: what a cover hides needs no cover of its own. */
  qsort(h, n_h, sizeof(*h), cmp_depth);
  for (size_t i = 0; i < n_h; i++) {
    const char *mp = h[i].m->mount_point;
    if (strncmp(mp, "/sysroot/", 9) != 0)
      continue;
    autoclose int fd =
        sys_openat2(b->root_fd, mp + 9, O_PATH | O_CLOEXEC,
                    HSU_RESOLVE_IN_ROOT | HSU_RESOLVE_NO_SYMLINKS | HSU_RESOLVE_NO_MAGICLINKS);
    uint64_t id = 0;
    /* Out of reach: under a cover already, or under another mount, or in a
     * directory hsu-init cannot enter (then neither can the app). */
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == EACCES))
      continue;
    r = fd < 0 ? -errno : sys_mount_id(fd, &id);
    /* Only the mount the path leads to is visible: one stacked on it is
     * judged on its own. */
    if (r == 0 && id != h[i].m->id)
      continue;
    if (r == 0)
      r = cover(fd);
    if (r < 0)
      return hsu_fail(e, -r, "cannot hide the %s mount on %s", h[i].m->fstype, q(mp + 8));
  }
  return 0;
}

/* Appends the kernel's own explanation of an fsconfig failure to e's
 * sentence (or keeps it for name_failure when there is none yet). */
static void fs_log(int fs, struct hsu_error *e) {
  char buf[512];
  ssize_t n = read(fs, buf, sizeof(buf) - 1);
  if (n <= 2)
    return;
  buf[n] = '\0';
  if (buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  struct sbuf sb = {e->msg, sizeof(e->msg), strlen(e->msg), false};
  sb_printf(&sb, KERNEL_SAYS);
  sb_quote(&sb, buf + 2, strlen(buf + 2), 400);
  sb_printf(&sb, ")");
}

struct fs_opt {
  const char *key, *value; /* value NULL: a flag */
};

/* A new detached mount of a filesystem; *out is its mount fd. */
static int new_fs(const char *type, const struct fs_opt *opts, size_t n, unsigned attrs, int *out,
                  struct hsu_error *e) {
  autoclose int fs = sys_fsopen(type, HSU_FSOPEN_CLOEXEC);
  if (fs < 0)
    return -errno;
  for (size_t i = 0; i < n; i++) {
    unsigned cmd = opts[i].value != NULL ? HSU_FSCONFIG_SET_STRING : HSU_FSCONFIG_SET_FLAG;
    if (sys_fsconfig(fs, cmd, opts[i].key, opts[i].value, 0) < 0) {
      int err = errno;
      fs_log(fs, e);
      return -err;
    }
  }
  if (sys_fsconfig(fs, HSU_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    int err = errno;
    fs_log(fs, e);
    return -err;
  }
  int mnt = sys_fsmount(fs, HSU_FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0)
    return -errno;
  *out = mnt;
  return 0;
}

static int ro_later(struct build *b, int mnt) {
  if (b->n_ro_later == MAX_OWN_DEVS)
    return -EMFILE;
  int fd = fcntl(mnt, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    return -errno;
  b->ro_later[b->n_ro_later++] = fd;
  return 0;
}

/* A tmpfs of ours: hsu-init may create entries in it. */
static int new_tmpfs(struct build *b, mode_t mode, uint64_t size, unsigned attrs, int *out,
                     struct hsu_error *e) {
  char mode_s[16], size_s[32];
  snprintf(mode_s, sizeof(mode_s), "%o", (unsigned)mode);
  snprintf(size_s, sizeof(size_s), "%llu", (unsigned long long)size);
  struct fs_opt opts[] = {{"mode", mode_s}, {"size", size_s}};
  autoclose int mnt = -1;
  int r = new_fs("tmpfs", opts, size > 0 ? 2 : 1, attrs, &mnt, e);
  if (r < 0 || (r = add_own(b, mnt)) < 0)
    return r;
  *out = steal_fd(&mnt);
  return 0;
}

static int mount_sysroot(struct build *b, struct hsu_error *e) {
  if (mkdir(COVER_DIR, 0755) < 0)
    return -errno;
  autoclose int cover_file = open(COVER_FILE, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
  if (cover_file < 0)
    return -errno;
  autoclose int mnt = -1;
  int r = new_tmpfs(b, 0755, 0, HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV, &mnt, e);
  if (r < 0)
    return r;
  if (mkdir("/sysroot", 0755) < 0)
    return -errno;
  if (sys_move_mount(mnt, "", AT_FDCWD, "/sysroot", HSU_MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return -errno;
  b->root_fd = open("/sysroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  return b->root_fd < 0 ? -errno : 0;
}

int build_sysroot(struct build *b, struct hsu_error *e) {
  int r = mount_sysroot(b, e);
  return r < 0 ? hsu_fail(e, -r, "cannot mount tmpfs on \"/sysroot\"") : 0;
}

/* The directory target is in, opened (created when missing) for symlinks:
 * one of hsu-init's own tmpfs mounts. *name points into target. */
static int open_link_dir(struct build *b, const char *target, int *dir, const char **name,
                         struct hsu_error *e) {
  if (strcmp(target, "/") == 0)
    return -EEXIST;
  char parent[JOIN_MAX];
  snprintf(parent, sizeof(parent), "%s", target);
  char *slash = strrchr(parent, '/');
  *name = target + (slash - parent) + 1;
  if (slash == parent)
    slash[1] = '\0';
  else
    *slash = '\0';
  int r = open_in_root(b, parent, W_DIR, 0755, dir, e);
  if (r < 0)
    return r;
  if (!is_own(b, *dir)) {
    close(*dir);
    *dir = -1;
    return hsu_fail(e, HSU_ENOTOURS, "cannot create symlink %s", q(target));
  }
  return 0;
}

/* The symlink name -> content in dir (open_link_dir's), target for messages. */
static int link_in(int dir, const char *name, const char *content, const char *target,
                   struct hsu_error *e) {
  if (symlinkat(content, dir, name) == 0)
    return 0;
  int err = errno;
  if (err != EEXIST)
    return hsu_fail(e, err, "cannot create symlink %s -> %s", q(target), q(content));
  /* An identical link is a no-op, as in bubblewrap 0.10: a profile may
   * repeat what the auto-root or an earlier entry already made. */
  char old[PLAN_MAX_PATH + 1];
  ssize_t n = readlinkat(dir, name, old, sizeof(old));
  if (n < 0 || (size_t)n >= sizeof(old))
    return hsu_fail(e, err, "cannot create symlink %s -> %s", q(target), q(content));
  old[n] = '\0';
  if (strcmp(old, content) == 0)
    return 0;
  return hsu_fail(e, err, "cannot create symlink %s -> %s over the symlink to %s", q(target),
                  q(content), q(old));
}

static int make_symlink(struct build *b, const char *content, const char *target,
                        struct hsu_error *e) {
  autoclose int dir = -1;
  const char *name;
  int r = open_link_dir(b, target, &dir, &name, e);
  return r < 0 ? r : link_in(dir, name, content, target, e);
}

static int apply_auto_root(struct build *b, struct op *op, struct hsu_error *e) {
  autofree uint64_t *tops = calloc(op->n_entries + 1, sizeof(*tops));
  size_t n_tops = 0;
  if (tops == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < op->n_entries; i++) {
    const struct dir_entry *ent = &op->entries[i];
    char target[JOIN_MAX], host_dir[JOIN_MAX], src[JOIN_MAX];
    int r = join(target, "/", ent->name);
    if (r == 0 && ent->type == DT_LNK) {
      r = make_symlink(b, ent->link, target, e);
    } else if (r == 0 && (r = host_path(host_dir, op->resolved)) == 0 &&
               (r = join(src, host_dir, ent->name)) == 0) {
      r = bind_path(b, src, target, op->u.auto_root.flags, &tops[n_tops], e);
      if (r == 0)
        n_tops++;
      if (r < 0) {
        char shown[JOIN_MAX];
        join(shown, op->resolved, ent->name);
        name_failure(e, r, "bind %s on %s", q(shown), q(target));
      }
    }
    if (r < 0)
      return r;
  }
  return hide_pseudo_beneath(b, tops, n_tops, e);
}

/* The skipped names are what the plan places or wants gone (host accounts,
 * the host's name): their originals are covered in .host too, wherever a
 * host symlink there leads inside the sandbox. */
static int hide_etc_originals(struct build *b, struct op *op, struct hsu_error *e) {
  for (char *const *name = op->u.auto_etc.skip.v; name != NULL && *name != NULL; name++) {
    char path[JOIN_MAX];
    int r = join(path, "/etc/.host", *name);
    autoclose int fd = -1;
    if (r == 0)
      r = open_in_root(b, path, W_EXIST, 0, &fd, e);
    if (r == -ENOENT || r == -ENOTDIR || r == -EACCES) {
      hsu_error_clear(e);
      continue;
    }
    if (r == 0 && is_own(b, fd))
      continue; /* a link into the sandbox's own tmpfs ("/", "/etc") leads to nothing of the host */
    if (r == 0)
      r = cover(fd);
    if (r < 0)
      return hsu_fail(e, -r, "cannot hide %s", q(path));
  }
  return 0;
}

static int apply_auto_etc(struct build *b, struct op *op, struct hsu_error *e) {
  char src[JOIN_MAX];
  uint64_t top = 0;
  int r = host_path(src, op->resolved);
  if (r < 0 || (r = bind_path(b, src, "/etc/.host", 0, &top, e)) < 0) {
    return name_failure(e, r, "bind %s on \"/etc/.host\"", q(op->resolved));
  }
  if ((r = hide_pseudo_beneath(b, &top, 1, e)) < 0)
    return r;
  /* /etc is opened once for its hundreds of links. */
  autoclose int etc = -1;
  const char *unused;
  if ((r = open_link_dir(b, "/etc/.host", &etc, &unused, e)) < 0)
    return r;
  for (size_t i = 0; i < op->n_entries; i++) {
    char target[JOIN_MAX], content[JOIN_MAX];
    const struct dir_entry *ent = &op->entries[i];
    if ((r = join(target, "/etc", ent->name)) < 0)
      return r;
    /* A host symlink is copied as it is: a relative one such as
     * os-release -> ../usr/lib/os-release would dangle if it were reached
     * through .host/, where ".." is /etc itself. */
    if (ent->type == DT_LNK) {
      if ((r = link_in(etc, ent->name, ent->link, target, e)) < 0)
        return r;
      continue;
    }
    if ((r = join(content, ".host", ent->name)) < 0 ||
        (r = link_in(etc, ent->name, content, target, e)) < 0)
      return r;
  }
  if ((r = make_symlink(b, "/proc/self/mounts", "/etc/mtab", e)) < 0)
    return r;
  /* Last: an absolute host symlink there leads through the links above. */
  return hide_etc_originals(b, op, e);
}

static int apply_bind(struct build *b, struct op *op, struct hsu_error *e) {
  if (op->skip)
    return 0;
  char src[JOIN_MAX];
  uint64_t top = 0;
  int r = host_path(src, op->resolved);
  if (r < 0 || (r = bind_path(b, src, op->u.bind.target, op->u.bind.flags, &top, e)) < 0)
    return r;
  return hide_pseudo_beneath(b, &top, 1, e);
}

static int apply_tmpfs(struct build *b, struct op *op, struct hsu_error *e) {
  __typeof__(op->u.tmpfs) *o = &op->u.tmpfs;
  autoclose int mnt = -1;
  int r = new_tmpfs(b, o->mode, o->size, HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV, &mnt, e);
  if (r < 0 || (r = attach(b, mnt, o->target, W_DIR, e)) < 0)
    return r;
  return (o->flags & TMPFS_READ_ONLY) != 0 ? ro_later(b, mnt) : 0;
}

/* The kernel unescapes upperdir= and workdir= (not lowerdir+=) even when
 * they come through fsconfig: a backslash there must be doubled. */
static int overlay_escape(char *out, size_t size, const char *path) {
  size_t n = 0;
  for (const char *p = path; *p != '\0'; p++) {
    if (n + 3 > size)
      return -ENAMETOOLONG;
    if (*p == '\\')
      out[n++] = '\\';
    out[n++] = *p;
  }
  out[n] = '\0';
  return 0;
}

static int overlay_dirs(int fs, const char *upper, const char *work) {
  static const char *const keys[] = {"upperdir", "workdir"};
  const char *paths[] = {upper, work};
  char buf[2 * JOIN_MAX];
  for (int i = 0; i < 2; i++) {
    int r = overlay_escape(buf, sizeof(buf), paths[i]);
    if (r < 0)
      return r;
    if (sys_fsconfig(fs, HSU_FSCONFIG_SET_STRING, keys[i], buf, 0) < 0)
      return -errno;
  }
  return 0;
}

static int apply_overlay(struct build *b, struct op *op, struct hsu_error *e) {
  __typeof__(op->u.overlay) *o = &op->u.overlay;
  char upper[JOIN_MAX], work[JOIN_MAX], path[JOIN_MAX];
  int r;
  if (o->flags == OVERLAY_EPHEMERAL) {
    char dir[64];
    snprintf(dir, sizeof(dir), "/overlay-%u", b->seq++);
    autoclose int tmp = -1;
    if ((r = new_tmpfs(b, 0755, 0, HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV, &tmp, e)) < 0)
      return r;
    if (mkdir(dir, 0700) < 0 ||
        sys_move_mount(tmp, "", AT_FDCWD, dir, HSU_MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return -errno;
    snprintf(upper, sizeof(upper), "%s/upper", dir);
    snprintf(work, sizeof(work), "%s/work", dir);
    if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
      return -errno;
  } else if (o->flags == OVERLAY_PERSISTENT) {
    if ((r = host_path(upper, op->resolved_upper)) < 0 ||
        (r = host_path(work, op->resolved_work)) < 0)
      return r;
  }
  autoclose int fs = sys_fsopen("overlay", HSU_FSOPEN_CLOEXEC);
  if (fs < 0)
    return -errno;
  for (uint32_t i = 0; i < o->lowers.n; i++) {
    if ((r = host_path(path, op->resolved_lowers[i])) < 0)
      return r;
    if (sys_fsconfig(fs, HSU_FSCONFIG_SET_STRING, "lowerdir+", path, 0) < 0) {
      hsu_fail(e, errno, "cannot add lower %s to the overlay on %s", q(o->lowers.v[i]),
               q(o->target));
      fs_log(fs, e);
      return -e->err;
    }
  }
  if (o->flags != OVERLAY_READ_ONLY && (r = overlay_dirs(fs, upper, work)) < 0) {
    hsu_fail(e, -r, "cannot set the upper and work directories of the overlay on %s", q(o->target));
    fs_log(fs, e);
    return -e->err;
  }
  /* Without userxattr, an overlay in a user namespace fails with EIO when a
   * lower directory is deleted (trusted.* xattrs are out of reach). */
  if (sys_fsconfig(fs, HSU_FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
      sys_fsconfig(fs, HSU_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    hsu_fail(e, errno, "cannot mount overlay on %s", q(o->target));
    fs_log(fs, e);
    return -e->err;
  }
  unsigned attrs = HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV;
  if (o->flags == OVERLAY_READ_ONLY)
    attrs |= HSU_MOUNT_ATTR_RDONLY;
  autoclose int mnt = sys_fsmount(fs, HSU_FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0)
    return -errno;
  return attach(b, mnt, o->target, W_DIR, e);
}

static int apply_mkdir(struct build *b, struct op *op, struct hsu_error *e) {
  autoclose int fd = -1;
  int r = open_in_root(b, op->u.mkdir.target, W_DIR, op->u.mkdir.mode, &fd, e);
  if (r < 0)
    return r;
  struct stat st;
  if (fstat(fd, &st) < 0)
    return -errno;
  return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int apply_place(struct build *b, struct op *op, struct hsu_error *e) {
  __typeof__(op->u.place) *o = &op->u.place;
  char path[64];
  snprintf(path, sizeof(path), "/place-%u", b->seq++);
  {
    autoclose int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
      return -errno;
    int r = write_all(fd, o->data, o->len);
    if (r < 0)
      return r;
    if (fchmod(fd, o->mode) < 0)
      return -errno;
  }
  return bind_path(b, path, o->target, 0, NULL, e);
}

static int apply_proc(struct build *b, struct op *op, struct hsu_error *e) {
  autoclose int mnt = -1;
  int r = new_fs("proc", NULL, 0,
                 HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV | HSU_MOUNT_ATTR_NOEXEC, &mnt, e);
  return r < 0 ? r : attach(b, mnt, op->u.proc.target, W_DIR, e);
}

static int apply_sysfs(struct build *b, struct op *op, struct hsu_error *e) {
  autoclose int mnt = -1;
  unsigned attrs =
      HSU_MOUNT_ATTR_RDONLY | HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV | HSU_MOUNT_ATTR_NOEXEC;
  int r = new_fs("sysfs", NULL, 0, attrs, &mnt, e);
  if (r == -EPERM)
    /* The kernel wants the network namespace to be ours, and a sysfs
     * already mounted in full (mount_too_revealing): a container that hides
     * parts of /sys from us fails here. */
    e->hint = "the kernel refuses a new sysfs where parts of the host's /sys are hidden, as in "
              "some containers; a profile with root.exclude: [sys] has no /sys";
  if (r < 0)
    return name_failure(e, r, "mount a new sysfs on %s", q(op->u.sysfs.target));
  return attach(b, mnt, op->u.sysfs.target, W_DIR, e);
}

static int apply_dev(struct build *b, struct op *op, struct hsu_error *e) {
  static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  static const char *const links[][2] = {
      {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},         {"core", "/proc/kcore"},
  };
  const char *dev = op->u.dev.target;
  char path[JOIN_MAX], src[JOIN_MAX];
  int r;
  {
    autoclose int mnt = -1;
    unsigned attrs = HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NOEXEC;
    if ((r = new_tmpfs(b, 0755, 0, attrs, &mnt, e)) < 0 || (r = attach(b, mnt, dev, W_DIR, e)) < 0)
      return r;
    if ((op->u.dev.flags & DEV_WRITABLE) == 0 && (r = ro_later(b, mnt)) < 0)
      return r;
  }
  for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
    /* mknod is not allowed in a user namespace: bind the host's nodes. */
    if ((r = join(path, dev, nodes[i])) < 0 || (r = join(src, "/host/dev", nodes[i])) < 0)
      return r;
    if ((r = bind_path(b, src, path, BIND_WRITABLE | BIND_DEVICE, NULL, e)) < 0) {
      return name_failure(e, r, "bind \"/dev/%s\" on %s", nodes[i], q(path));
    }
  }
  for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
    if ((r = join(path, dev, links[i][0])) < 0 || (r = make_symlink(b, links[i][1], path, e)) < 0)
      return r;
  }
  {
    static const struct fs_opt pts_opts[] = {
        {"newinstance", NULL}, {"ptmxmode", "0666"}, {"mode", "620"}};
    autoclose int mnt = -1;
    if ((r = join(path, dev, "pts")) < 0)
      return r;
    if ((r = new_fs("devpts", pts_opts, 3, HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NOEXEC, &mnt,
                    e)) < 0 ||
        (r = attach(b, mnt, path, W_DIR, e)) < 0) {
      return name_failure(e, r, "mount devpts on %s", q(path));
    }
  }
  {
    autoclose int mnt = -1;
    if ((r = join(path, dev, "shm")) < 0)
      return r;
    if ((r = new_tmpfs(b, 01777, 0, HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV, &mnt, e)) < 0 ||
        (r = attach(b, mnt, path, W_DIR, e)) < 0) {
      return name_failure(e, r, "mount tmpfs on %s", q(path));
    }
  }
  if ((op->u.dev.flags & DEV_MQUEUE) != 0) {
    autoclose int mnt = -1;
    if ((r = join(path, dev, "mqueue")) < 0)
      return r;
    if ((r = new_fs("mqueue", NULL, 0,
                    HSU_MOUNT_ATTR_NOSUID | HSU_MOUNT_ATTR_NODEV | HSU_MOUNT_ATTR_NOEXEC, &mnt,
                    e)) < 0 ||
        (r = attach(b, mnt, path, W_DIR, e)) < 0) {
      return name_failure(e, r, "mount mqueue on %s", q(path));
    }
  }
  return 0;
}

static bool is_mount_root(int fd) {
  struct statx stx;
  if (statx(fd, "", AT_EMPTY_PATH, 0, &stx) < 0)
    return false;
  return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 &&
         (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

static int apply_remount(struct build *b, struct op *op, struct hsu_error *e) {
  const char *target = op->u.remount.target;
  uint32_t flags = op->u.remount.flags;
  autoclose int fd = -1;
  int r = open_in_root(b, target, W_EXIST, 0, &fd, e);
  if (r < 0)
    return r;
  if (!is_mount_root(fd)) {
    /* Remounting a plain directory would change the mount it lies on:
     * make it a mount of its own first. */
    autoclose int tree = sys_open_tree(
        fd, "", HSU_OPEN_TREE_CLONE | HSU_OPEN_TREE_CLOEXEC | HSU_AT_RECURSIVE | AT_EMPTY_PATH);
    if (tree < 0)
      return -errno;
    if (sys_move_mount(tree, "", fd, "",
                       HSU_MOVE_MOUNT_F_EMPTY_PATH | HSU_MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return -errno;
    close(fd);
    fd = -1;
    if ((r = open_in_root(b, target, W_EXIST, 0, &fd, e)) < 0)
      return r;
  }
  uint64_t set = HSU_MOUNT_ATTR_NOSUID;
  if ((flags & REMOUNT_READ_ONLY) != 0)
    set |= HSU_MOUNT_ATTR_RDONLY;
  if ((flags & REMOUNT_NOEXEC) != 0)
    set |= HSU_MOUNT_ATTR_NOEXEC;
  if ((flags & REMOUNT_NODEV) != 0)
    set |= HSU_MOUNT_ATTR_NODEV;
  if (sys_mount_setattr(fd, "", AT_EMPTY_PATH | HSU_AT_RECURSIVE, set, 0) < 0)
    return -errno;
  return 0;
}

static int apply_one(struct build *b, struct op *op, struct hsu_error *e) {
  switch (op->tag) {
  case TAG_AUTO_ROOT:
    return apply_auto_root(b, op, e);
  case TAG_AUTO_ETC:
    return apply_auto_etc(b, op, e);
  case TAG_BIND:
    return apply_bind(b, op, e);
  case TAG_TMPFS:
    return apply_tmpfs(b, op, e);
  case TAG_OVERLAY:
    return apply_overlay(b, op, e);
  case TAG_MKDIR:
    return apply_mkdir(b, op, e);
  case TAG_PLACE:
    return apply_place(b, op, e);
  case TAG_SYMLINK:
    return make_symlink(b, op->link, op->u.symlink.target, e);
  case TAG_PROC:
    return apply_proc(b, op, e);
  case TAG_SYSFS:
    return apply_sysfs(b, op, e);
  case TAG_DEV:
    return apply_dev(b, op, e);
  case TAG_REMOUNT:
    return apply_remount(b, op, e);
  case TAG_DAEMON: /* started by pid1 once the root is finished */
  case TAG_PARAMS:
  case TAG_SECCOMP:
  case TAG_LANDLOCK:
  case TAG_INSTANCE:
  case TAG_WAYLAND:
  case TAG_PROXY:
  case TAG_END:
    return 0;
  }
  return 0;
}

int op_apply(struct build *b, struct op *op, struct hsu_error *e) {
  hsu_error_clear(e);
  int r = apply_one(b, op, e);
  return r < 0 ? name_op_failure(e, r, op) : 0;
}

/* Where the host directory src, bound at target, shows the hidden directory
 * h inside: 1 with the path in buf, 0 when it does not contain it. */
static int hidden_beneath(const struct hidden_dir *h, const char *src, const char *target,
                          char *buf) {
  size_t n = strcmp(src, "/") == 0 ? 0 : strlen(src);
  if (strncmp(h->path, src, n) != 0 || (h->path[n] != '/' && h->path[n] != '\0'))
    return 0;
  return join(buf, target, h->path[n] != '\0' ? h->path + n : "/") == 0;
}

static int hide_at(struct build *b, const struct hidden_dir *h, const char *path,
                   struct hsu_error *e) {
  autoclose int fd =
      sys_openat2(b->root_fd, path[1] != '\0' ? path + 1 : ".", O_PATH | O_CLOEXEC,
                  HSU_RESOLVE_IN_ROOT | HSU_RESOLVE_NO_SYMLINKS | HSU_RESOLVE_NO_MAGICLINKS);
  struct stat st;
  /* Out of reach (under another mount or a cover), or not the directory. */
  if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != h->dev || st.st_ino != h->ino)
    return 0;
  int r = cover(fd);
  return r < 0 ? hsu_fail(e, -r, "cannot hide %s at %s", h->what, q(path)) : 0;
}

/* Where op shows the hidden directory h inside the sandbox, it is covered. */
static int hide_in_op(struct build *b, const struct op *op, const struct hidden_dir *h,
                      struct hsu_error *e) {
  char path[JOIN_MAX], src[JOIN_MAX], target[JOIN_MAX];
  int r = 0;
  if (op->tag == TAG_BIND && !op->skip && hidden_beneath(h, op->resolved, op->u.bind.target, path))
    r = hide_at(b, h, path, e);
  for (size_t k = 0; op->tag == TAG_AUTO_ROOT && r == 0 && k < op->n_entries; k++) {
    const struct dir_entry *ent = &op->entries[k];
    if (ent->type != DT_LNK && join(src, op->resolved, ent->name) == 0 &&
        join(target, "/", ent->name) == 0 && hidden_beneath(h, src, target, path))
      r = hide_at(b, h, path, e);
  }
  return r;
}

/* The instance records of every sandbox of the user (and what hsu enter
 * applies), the plan cache and its key are never inside a sandbox: a
 * profile that binds the runtime dir, /run, the real home or a parent of
 * them gets those directories covered with an empty read-only one. */
static int hide_dirs(struct build *b, struct hsu_error *e) {
  for (size_t h = 0; h < b->n_hidden; h++)
    for (uint32_t i = 0; i < b->plan->n_ops; i++) {
      int r = hide_in_op(b, &b->plan->ops[i], &b->hidden[h], e);
      if (r < 0)
        return r;
    }
  return 0;
}

int build_finish(struct build *b, struct hsu_error *e) {
  int r = hide_dirs(b, e);
  if (r < 0)
    return r;
  for (size_t i = 0; i < b->n_ro_later; i++) {
    if (sys_mount_setattr(b->ro_later[i], "", AT_EMPTY_PATH, HSU_MOUNT_ATTR_RDONLY, 0) < 0)
      return hsu_fail(e, errno, "cannot make a tmpfs read-only");
    close(b->ro_later[i]);
  }
  b->n_ro_later = 0;
  if (sys_mount_setattr(b->root_fd, "", AT_EMPTY_PATH, HSU_MOUNT_ATTR_RDONLY, 0) < 0)
    return hsu_fail(e, errno, "cannot make the sandbox root read-only");
  close(b->root_fd);
  b->root_fd = -1;
  return 0;
}
