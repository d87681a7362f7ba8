/* The plan (docs/plan-format.md): parsed from untrusted bytes, no syscalls. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define PLAN_MAX_SIZE (16u * 1024 * 1024)
#define PLAN_HEADER_SIZE 16u
#define PLAN_VERSION 2u
#define PLAN_MAX_OPS 4096u
#define PLAN_MAX_STR 65536u
#define PLAN_MAX_PATH 4096u /* exclusive */
#define PLAN_MAX_NAME 255u
#define PLAN_MAX_LIST 4096u
#define PLAN_MAX_BYTES (8u * 1024 * 1024)
#define PLAN_MAX_HOSTNAME 64u
#define PLAN_MAX_ID 65534u

enum plan_tag {
  TAG_PARAMS = 1,
  TAG_AUTO_ROOT = 16,
  TAG_AUTO_ETC = 17,
  TAG_BIND = 18,
  TAG_TMPFS = 19,
  TAG_OVERLAY = 20,
  TAG_MKDIR = 21,
  TAG_PLACE = 22,
  TAG_SYMLINK = 23,
  TAG_PROC = 24,
  TAG_DEV = 25,
  TAG_REMOUNT = 26,
  TAG_DAEMON = 27,
  TAG_SECCOMP = 28,
  TAG_LANDLOCK = 29,
  TAG_INSTANCE = 30,
  TAG_WAYLAND = 31,
  TAG_PROXY = 32,
  TAG_SYSFS = 33,
  TAG_END = 0xFFFF,
};

#define PARAMS_HOST_NET 1u
#define PARAMS_KEEP_SESSION 2u
#define PARAMS_DIE_WITH_PARENT 4u

#define BIND_WRITABLE 1u
#define BIND_DEVICE 2u
#define BIND_OPTIONAL 4u
#define BIND_ENSURE 8u

#define TMPFS_READ_ONLY 1u

#define OVERLAY_EPHEMERAL 1u
#define OVERLAY_PERSISTENT 2u
#define OVERLAY_READ_ONLY 4u

#define SYMLINK_DEREFERENCE 1u

#define DEV_MQUEUE 1u
#define DEV_WRITABLE 2u

#define REMOUNT_READ_ONLY 1u
#define REMOUNT_NOEXEC 2u
#define REMOUNT_NODEV 4u

#define SECCOMP_COMMON 1u
#define SECCOMP_EXT 2u
#define SECCOMP_DENY_NS 4u
#define SECCOMP_DENY_TTY 8u
#define SECCOMP_DENY_DEVEL 16u
#define SECCOMP_PRESETS 0x1Fu
#define SECCOMP_ALLOW_PTRACE 1u
#define SECCOMP_ALLOW_USERNS 2u
#define SECCOMP_MULTIARCH 4u
#define SECCOMP_RELAX 0x7u
#define SECCOMP_MAX_FAMILY 45u
#define SECCOMP_MAX_DENY 512u
#define SECCOMP_MAX_NAME 64u
#define LANDLOCK_REQUIRED 1u
#define LANDLOCK_PLAN_SCOPE_UNIX 2u /* SCOPE_ABSTRACT_UNIX */
#define LANDLOCK_PLAN_SCOPE_SIGNAL 4u
#define LANDLOCK_PLAN_FS 8u
#define LANDLOCK_PLAN_NET 16u
#define LANDLOCK_FLAGS 0x1Fu
#define LANDLOCK_FS_ACCESS 0xFFFFull
#define LANDLOCK_NET_ACCESS 0x3ull
#define LANDLOCK_MAX_FS 4096u
#define LANDLOCK_MAX_NET 1024u
#define INSTANCE_ID_LEN 16u
#define INSTANCE_MAX_APP_ID 255u
#define INSTANCE_WAYLAND 1u
#define INSTANCE_DBUS 2u
#define INSTANCE_AUDIO 4u
#define INSTANCE_X11 8u
#define INSTANCE_GPU 16u
#define INSTANCE_NETWORK 32u
#define INSTANCE_PORTALS 64u
#define INSTANCE_GRANTS 0x7Fu
#define WAYLAND_DIRECT 1u
#define WAYLAND_MAX_APP_ID 255u
#define PROXY_MAX 4u
#define PROXY_MAX_PLAN (1024u * 1024)
#define PROXY_MIN_FD 3u
#define PROXY_MAX_FD 63u

struct strs {
  char **v; /* NULL-terminated */
  uint32_t n;
};

/* What the early phase found on the host; filled by ops.c, not the parser. */
struct dir_entry {
  char *name;
  char *link;         /* symlink content, or NULL */
  unsigned char type; /* DT_DIR, DT_REG, DT_LNK */
};

struct op {
  enum plan_tag tag;
  uint32_t record; /* 1-based record number, for messages */
  union {
    struct {
      char *host;
      uint32_t flags;
      struct strs exclude;
    } auto_root;
    struct {
      char *host;
      struct strs only, skip;
    } auto_etc;
    struct {
      char *source, *target;
      uint32_t flags;
    } bind;
    struct {
      char *target;
      uint64_t size;
      uint32_t mode, flags;
    } tmpfs;
    struct {
      char *target;
      uint32_t flags;
      char *upper, *work;
      struct strs lowers;
    } overlay;
    struct {
      char *target;
      uint32_t mode;
    } mkdir;
    struct {
      char *target;
      uint32_t mode;
      const unsigned char *data;
      uint32_t len;
    } place;
    struct {
      char *target, *link_name;
      uint32_t flags;
    } symlink;
    struct {
      char *target;
    } proc;
    struct {
      char *target;
    } sysfs;
    struct {
      char *target;
      uint32_t flags;
    } dev;
    struct {
      char *target;
      uint32_t flags;
    } remount;
    struct {
      char *ready;
      uint64_t timeout_ms;
      struct strs argv, env;
    } daemon;
  } u;
  /* Early-phase results. */
  bool skip;
  char *resolved; /* host source resolved (BIND, AUTO_ROOT, AUTO_ETC) */
  char *resolved_upper, *resolved_work;
  char **resolved_lowers;
  char *link;                /* SYMLINK content to create */
  struct dir_entry *entries; /* AUTO_ROOT, AUTO_ETC */
  size_t n_entries;
};

struct seccomp_rules {
  bool present;
  uint32_t presets, relax;
  uint32_t *families, n_families;
  struct {
    char *name;
    uint32_t err;
  } * deny;
  uint32_t n_deny;
};

struct landlock_rules {
  bool present;
  uint32_t flags;
  struct {
    char *path;
    uint64_t access;
  } * fs;
  uint32_t n_fs;
  struct {
    uint32_t port;
    uint64_t access;
  } * net;
  uint32_t n_net;
};

/* The per-instance host directory the outer hsu-init owns, and what the
 * instance record it writes there says of the app. */
struct instance {
  bool present;
  char *id;      /* 16 lowercase hex digits */
  char *dir;     /* a path whose last component is id */
  char *app_id;  /* 1..255 bytes, no control character */
  char *name;    /* any text (shown escaped) */
  char *profile; /* an absolute path, or "" when not known */
  uint32_t grants;
};

struct wayland {
  bool present;
  uint32_t flags;
  char *compositor; /* host socket */
  char *socket;     /* DIRECT: the compositor itself; else dir/<name> */
  char *app_id;
};

struct plan;

/* A helper (xdg-dbus-proxy) run in its own sandbox for as long as the main
 * one runs. */
/* PROXY.flags: which helper it is, so messages name it. */
#define PROXY_PULSE 1u /* hsu's PulseAudio filter; without it, the D-Bus proxy */

struct proxy {
  uint32_t flags;
  uint32_t sync_fd; /* the fd number the helper sees */
  char *ready;      /* host path: dir/<name> */
  uint64_t timeout_ms;
  struct plan *plan; /* the nested plan: no INSTANCE, WAYLAND or PROXY */
};

struct plan {
  /* The plan's own bytes (the supervisor keeps a copy in the instance dir,
   * and PID 1 re-executes itself with them); not owned. */
  const unsigned char *bytes;
  size_t len;
  uint32_t uid, gid, flags;
  char *hostname, *cwd;
  struct strs argv, env;
  uint64_t wait_delay_ms;
  struct seccomp_rules seccomp;
  struct landlock_rules landlock;
  struct instance instance;
  struct wayland wayland;
  struct proxy proxies[PROXY_MAX];
  uint32_t n_proxies;
  /* Not from the bytes: set by the supervisor of a nested plan. The fd (in
   * this process, or -1) the app gets as fd number sync_target. */
  int sync_fd;
  uint32_t sync_target;
  struct op *ops;
  uint32_t n_ops;
  void *arena; /* every allocation of the parser, freed by plan_free */
};

/* The helper's name in sentences: "D-Bus proxy" or "PulseAudio filter". */
static inline const char *proxy_name(const struct proxy *px) {
  return (px->flags & PROXY_PULSE) != 0 ? "PulseAudio filter" : "D-Bus proxy";
}

/* Parses len bytes; on failure returns -1 with the sentence in e (no
 * errno): "record 3 (BIND): target path "x" is not absolute". */
int plan_parse(const unsigned char *buf, size_t len, struct plan *out, struct hsu_error *e);
void plan_free(struct plan *p);
const char *plan_tag_name(uint32_t tag);

/* Zeroed memory that lives as long as the plan; NULL when out of memory. */
void *plan_alloc(struct plan *p, size_t n);
/* NULL when s is a valid plan path, else what is wrong with it. */
const char *plan_path_problem(const char *s, size_t n);
