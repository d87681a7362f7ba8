#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"
#include "util.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

#define HSU_LANDLOCK_CREATE_RULESET_VERSION 1u
#define HSU_LANDLOCK_RULE_PATH_BENEATH 1
#define HSU_LANDLOCK_RULE_NET_PORT 2

#define FS_EXECUTE (1ull << 0)
#define FS_WRITE_FILE (1ull << 1)
#define FS_READ_FILE (1ull << 2)
#define FS_TRUNCATE (1ull << 14)
#define FS_IOCTL_DEV (1ull << 15)
/* The only rights a rule on a non-directory may carry. */
#define FS_FILE_RIGHTS (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)

#define SCOPE_ABSTRACT_UNIX_SOCKET 1ull
#define SCOPE_SIGNAL 2ull

#define ABI_NET 4
#define ABI_SCOPES 6

struct hsu_landlock_ruleset_attr {
  uint64_t handled_access_fs, handled_access_net, scoped;
};

struct hsu_landlock_path_beneath_attr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

struct hsu_landlock_net_port_attr {
  uint64_t allowed_access, port;
};

int landlock_abi(void) {
  long v = syscall(SYS_landlock_create_ruleset, NULL, 0, HSU_LANDLOCK_CREATE_RULESET_VERSION);
  return v < 0 ? 0 : (int)v;
}

/* Every filesystem right abi knows: 13 in ABI 1, then REFER (2), TRUNCATE
 * (3), IOCTL_DEV (5). */
static uint64_t fs_rights(int abi) {
  if (abi <= 0)
    return 0;
  if (abi == 1)
    return (1ull << 13) - 1;
  if (abi == 2)
    return (1ull << 14) - 1;
  if (abi <= 4)
    return (1ull << 15) - 1;
  return (1ull << 16) - 1;
}

int landlock_missing(const struct landlock_rules *l, int abi, struct hsu_error *e) {
  static const struct {
    uint32_t flag;
    int abi;
    const char *what;
  } features[] = {
      {LANDLOCK_PLAN_FS, 1, "filesystem rules"},
      {LANDLOCK_PLAN_NET, ABI_NET, "TCP rules"},
      {LANDLOCK_PLAN_SCOPE_UNIX, ABI_SCOPES, "the abstract unix socket scope"},
      {LANDLOCK_PLAN_SCOPE_SIGNAL, ABI_SCOPES, "the signal scope"},
  };
  const size_t n = sizeof(features) / sizeof(features[0]);
  size_t lacking[sizeof(features) / sizeof(features[0])], n_lacking = 0;
  int need = 0;
  for (size_t i = 0; i < n; i++) {
    if ((l->flags & features[i].flag) != 0 && features[i].abi > abi) {
      lacking[n_lacking++] = i;
      if (features[i].abi > need)
        need = features[i].abi;
    }
  }
  hsu_error_clear(e);
  if (n_lacking == 0)
    return 0;
  struct sbuf sb;
  sb_init(&sb, e->msg, sizeof(e->msg));
  sb_printf(&sb, "Landlock ABI %d is needed for ", need);
  for (size_t i = 0; i < n_lacking; i++)
    sb_printf(&sb, "%s%s",
              i == 0               ? ""
              : i + 1 == n_lacking ? " and "
                                   : ", ",
              features[lacking[i]].what);
  if (abi == 0)
    sb_printf(&sb, ", the kernel has none");
  else
    sb_printf(&sb, ", the kernel has %d", abi);
  return need;
}

static int add_fs_rule(int ruleset, const char *path, uint64_t access, uint64_t handled,
                       struct hsu_error *e) {
  /* Followed like the app would follow it, but never through /proc magic
   * links. */
  autoclose int fd = sys_openat2(AT_FDCWD, path, O_PATH | O_CLOEXEC, HSU_RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
    return 0;
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    return hsu_fail(e, errno, "cannot open %s for a Landlock rule", q(path));
  access &= handled;
  if (!S_ISDIR(st.st_mode))
    access &= FS_FILE_RIGHTS;
  if (access == 0)
    return 0;
  struct hsu_landlock_path_beneath_attr attr = {.allowed_access = access, .parent_fd = fd};
  if (syscall(SYS_landlock_add_rule, ruleset, HSU_LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
    return hsu_fail(e, errno, "cannot add the Landlock rule for %s", q(path));
  return 0;
}

int landlock_build(const struct landlock_rules *l, int abi, int *out, struct hsu_error *e) {
  *out = -1;
  struct hsu_landlock_ruleset_attr attr = {0};
  if ((l->flags & LANDLOCK_PLAN_FS) != 0)
    attr.handled_access_fs = fs_rights(abi);
  if ((l->flags & LANDLOCK_PLAN_NET) != 0 && abi >= ABI_NET)
    attr.handled_access_net = LANDLOCK_NET_ACCESS;
  if (abi >= ABI_SCOPES) {
    if ((l->flags & LANDLOCK_PLAN_SCOPE_UNIX) != 0)
      attr.scoped |= SCOPE_ABSTRACT_UNIX_SOCKET;
    if ((l->flags & LANDLOCK_PLAN_SCOPE_SIGNAL) != 0)
      attr.scoped |= SCOPE_SIGNAL;
  }
  if (attr.handled_access_fs == 0 && attr.handled_access_net == 0 && attr.scoped == 0)
    return 0;
  autoclose int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
  if (ruleset < 0)
    return hsu_fail(e, errno, "cannot create the Landlock ruleset");
  int r;
  for (uint32_t i = 0; attr.handled_access_fs != 0 && i < l->n_fs; i++)
    if ((r = add_fs_rule(ruleset, l->fs[i].path, l->fs[i].access, attr.handled_access_fs, e)) < 0)
      return r;
  for (uint32_t i = 0; attr.handled_access_net != 0 && i < l->n_net; i++) {
    struct hsu_landlock_net_port_attr port = {
        .allowed_access = l->net[i].access & attr.handled_access_net, .port = l->net[i].port};
    if (port.allowed_access == 0)
      continue;
    if (syscall(SYS_landlock_add_rule, ruleset, HSU_LANDLOCK_RULE_NET_PORT, &port, 0) < 0)
      return hsu_fail(e, errno, "cannot add the Landlock rule for TCP port %u", l->net[i].port);
  }
  *out = steal_fd(&ruleset);
  return 0;
}

int landlock_enforce(int fd) {
  if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
    return -errno;
  return 0;
}
