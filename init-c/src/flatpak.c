#include "flatpak.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "util.h"

#define FLATPAK_DIR ".flatpak"
#define FLATPAK_INFO "/.flatpak-info"

static struct {
  int base_fd; /* ${XDG_RUNTIME_DIR}/.flatpak */
  int ref_fd;  /* .ref, read-locked while we live */
  char id[INSTANCE_ID_LEN + 1];
} fl = {.base_fd = -1, .ref_fd = -1};

/* The data the plan places at /.flatpak-info, or NULL. */
static const struct op *info_op(const struct plan *p) {
  for (uint32_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].tag == TAG_PLACE && strcmp(p->ops[i].u.place.target, FLATPAK_INFO) == 0)
      return &p->ops[i];
  return NULL;
}

/* The inode of /proc/PID/ns/NAME, or 0. */
static unsigned long long ns_inode(pid_t pid, const char *name) {
  char path[64];
  struct stat sb;
  snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
  return stat(path, &sb) == 0 ? (unsigned long long)sb.st_ino : 0;
}

/* A directory of ours below dfd, made 0700 when missing; -errno. */
static int own_dir(int dfd, const char *name, bool must_be_new) {
  bool made = mkdirat(dfd, name, 0700) == 0;
  if (!made && (errno != EEXIST || must_be_new))
    return -errno;
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) < 0) {
    int err = errno == ELOOP ? ENOTDIR : errno;
    if (fd >= 0)
      close(fd);
    return -err;
  }
  if (sb.st_uid != geteuid() || (sb.st_mode & 0022) != 0) {
    close(fd);
    return -EPERM;
  }
  return fd;
}

/* Whether name is an instance of hsu's (an hsu instance id; Flatpak's are
 * decimal) whose .ref nobody holds: its supervisor is gone. */
static bool stale(int base, const char *name) {
  if (strlen(name) != INSTANCE_ID_LEN || strspn(name, "0123456789abcdef") != INSTANCE_ID_LEN)
    return false;
  autoclose int dfd = openat(base, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return false;
  autoclose int ref = openat(dfd, ".ref", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  return ref >= 0 && fcntl(ref, F_GETLK, &lock) == 0 && lock.l_type == F_UNLCK;
}

/* Removes what a killed supervisor left, as Flatpak's own cleanup would. */
static void remove_stale(int base) {
  int fd = dup(base);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (d == NULL) {
    if (fd >= 0)
      close(fd);
    return;
  }
  static const char *const names[] = {"bwrapinfo.json", "info", "pid", ".ref", ".ref.new"};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!stale(base, e->d_name))
      continue;
    autoclose int dfd = openat(base, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    for (size_t i = 0; dfd >= 0 && i < sizeof(names) / sizeof(names[0]); i++)
      unlinkat(dfd, names[i], 0);
    unlinkat(base, e->d_name, AT_REMOVEDIR);
  }
  closedir(d);
}

static int write_files(int dfd, const struct op *info, pid_t child) {
  /* .ref appears already locked (a locked temporary file renamed into
   * place), so no cleanup ever takes a live entry for a stale one. */
  fl.ref_fd = openat(dfd, ".ref.new", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  struct flock lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
  if (fl.ref_fd < 0 || fcntl(fl.ref_fd, F_SETLK, &lock) < 0 ||
      renameat(dfd, ".ref.new", dfd, ".ref") < 0)
    return -errno;
  char json[512], pid[32];
  snprintf(json, sizeof(json),
           "{\n  \"child-pid\": %d,\n  \"mnt-namespace\": %llu,\n  \"net-namespace\": %llu,\n"
           "  \"pid-namespace\": %llu\n}\n",
           (int)child, ns_inode(child, "mnt"), ns_inode(child, "net"), ns_inode(child, "pid"));
  snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
  int r = record_write_file(dfd, "info", info->u.place.data, info->u.place.len);
  if (r == 0)
    r = record_write_file(dfd, "bwrapinfo.json", json, strlen(json));
  if (r == 0)
    r = record_write_file(dfd, "pid", pid, strlen(pid));
  return r;
}

void flatpak_instance_write(const struct plan *p, pid_t child) {
  const struct op *info = info_op(p);
  if (!p->instance.present || (p->instance.grants & INSTANCE_PORTALS) == 0 || info == NULL)
    return;
  /* The instance dir is ${XDG_RUNTIME_DIR}/hsu/ID. */
  char rt[PLAN_MAX_PATH];
  snprintf(rt, sizeof(rt), "%s", p->instance.dir);
  for (int i = 0; i < 2; i++) {
    char *slash = strrchr(rt, '/');
    if (slash == NULL || slash == rt)
      return;
    *slash = '\0';
  }
  autoclose int rt_fd = open(rt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int base = rt_fd < 0 ? -errno : own_dir(rt_fd, FLATPAK_DIR, false);
  if (base < 0) {
    warn_err(-base, "cannot use %s/%s for the portals", q(rt), FLATPAK_DIR);
    return;
  }
  remove_stale(base);
  int dfd = own_dir(base, p->instance.id, true);
  if (dfd < 0) {
    warn_err(-dfd, "cannot create %s/%s/%s for the portals", q(rt), FLATPAK_DIR, p->instance.id);
    close(base);
    return;
  }
  fl.base_fd = base;
  snprintf(fl.id, sizeof(fl.id), "%s", p->instance.id);
  int r = write_files(dfd, info, child);
  close(dfd);
  if (r < 0) {
    warn_err(-r, "cannot write the portals' instance metadata in %s/%s/%s", q(rt), FLATPAK_DIR,
             fl.id);
    flatpak_instance_remove();
  }
}

void flatpak_instance_remove(void) {
  if (fl.base_fd < 0)
    return;
  static const char *const names[] = {"bwrapinfo.json", "info", "pid", ".ref", ".ref.new"};
  int dfd = openat(fl.base_fd, fl.id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd >= 0) {
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
      unlinkat(dfd, names[i], 0);
    close(dfd);
  }
  if (unlinkat(fl.base_fd, fl.id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    warn_err(errno, "cannot remove the portals' instance metadata %s/%s", FLATPAK_DIR, fl.id);
  if (fl.ref_fd >= 0)
    close(fl.ref_fd);
  close(fl.base_fd);
  fl.base_fd = fl.ref_fd = -1;
}
