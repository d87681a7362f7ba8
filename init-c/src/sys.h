/* Raw syscalls glibc may not wrap (or wraps only in newer versions), and the
 * constants they need, so the build does not depend on header versions. */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

#define HSU_OPEN_TREE_CLONE 1u
#define HSU_OPEN_TREE_CLOEXEC O_CLOEXEC
#define HSU_AT_RECURSIVE 0x8000
#define HSU_MOVE_MOUNT_F_EMPTY_PATH 0x4u
#define HSU_MOVE_MOUNT_T_EMPTY_PATH 0x40u
#define HSU_FSOPEN_CLOEXEC 1u
#define HSU_FSMOUNT_CLOEXEC 1u
#define HSU_FSCONFIG_SET_FLAG 0u
#define HSU_FSCONFIG_SET_STRING 1u
#define HSU_FSCONFIG_CMD_CREATE 6u

#define HSU_MOUNT_ATTR_RDONLY 0x1u
#define HSU_MOUNT_ATTR_NOSUID 0x2u
#define HSU_MOUNT_ATTR_NODEV 0x4u
#define HSU_MOUNT_ATTR_NOEXEC 0x8u

#define HSU_RESOLVE_NO_MAGICLINKS 0x02u
#define HSU_RESOLVE_NO_SYMLINKS 0x04u
#define HSU_RESOLVE_IN_ROOT 0x10u

#define HSU_STATX_MNT_ID 0x1000u

/* The kernel's struct statx (glibc before 2.38 does not name stx_mnt_id). */
struct hsu_statx {
  uint32_t mask, blksize;
  uint64_t attributes;
  uint32_t nlink, uid, gid;
  uint16_t mode, spare0;
  uint64_t ino, size, blocks, attributes_mask;
  struct {
    int64_t sec;
    uint32_t nsec;
    int32_t spare;
  } atime, btime, ctime, mtime;
  uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  uint64_t mnt_id;
  uint64_t spare2[13];
};
_Static_assert(sizeof(struct hsu_statx) == 256, "struct statx is 256 bytes");

struct hsu_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

struct hsu_open_how {
  uint64_t flags, mode, resolve;
};

static inline int sys_open_tree(int dfd, const char *path, unsigned flags) {
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}
static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                                 unsigned flags) {
  return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}
static inline int sys_fsopen(const char *fs, unsigned flags) {
  return (int)syscall(SYS_fsopen, fs, flags);
}
static inline int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux) {
  return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
static inline int sys_fsmount(int fd, unsigned flags, unsigned attrs) {
  return (int)syscall(SYS_fsmount, fd, flags, attrs);
}
static inline int sys_close_range(unsigned first, unsigned last, unsigned flags) {
  return (int)syscall(SYS_close_range, first, last, flags);
}
static inline int sys_openat2(int dfd, const char *path, uint64_t flags, uint64_t resolve) {
  struct hsu_open_how how = {.flags = flags, .resolve = resolve};
  return (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}
static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags, uint64_t set,
                                    uint64_t clr) {
  struct hsu_mount_attr attr = {.attr_set = set, .attr_clr = clr};
  return (int)syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof(attr));
}
/* The id of the mount fd is on, as /proc/self/mountinfo numbers it. */
static inline int sys_mount_id(int fd, uint64_t *id) {
  struct hsu_statx stx;
  if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, HSU_STATX_MNT_ID, &stx) < 0)
    return -errno;
  if ((stx.mask & HSU_STATX_MNT_ID) == 0)
    return -ENOSYS;
  *id = stx.mnt_id;
  return 0;
}
static inline int sys_pivot_root(const char *new_root, const char *put_old) {
  return (int)syscall(SYS_pivot_root, new_root, put_old);
}
