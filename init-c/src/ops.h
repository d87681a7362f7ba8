/* The ops: early (host root, resolve and check) and apply (build /sysroot
 * from /host inside the intermediate root). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"
#include "util.h"

#define MAX_OWN_DEVS 4200

/* State shared by the ops while the root is built. */
struct build {
  struct plan *plan;
  int root_fd;  /* O_PATH, /sysroot in the intermediate root */
  unsigned seq; /* unique names in the intermediate root */
  /* st_dev of every tmpfs hsu-init mounted: only there may it create
   * directories, files and symlinks. */
  dev_t own_devs[MAX_OWN_DEVS];
  size_t n_own_devs;
  /* Mounts made read-only after the last op (so later ops can still add
   * mount points under them). */
  int ro_later[MAX_OWN_DEVS];
  size_t n_ro_later;
  /* Host directories no sandbox may reach, by their real host path and
   * identity (read in the host root): ${XDG_RUNTIME_DIR}/hsu, where every
   * sandbox's instance record and the plan cache's key are, and
   * ${XDG_CACHE_HOME:-~/.cache}/hsu, the plan cache. */
  struct hidden_dir {
    char path[PLAN_MAX_PATH];
    dev_t dev;
    ino_t ino;
    const char *what;
  } hidden[2];
  size_t n_hidden;
};

void build_init(struct build *b, struct plan *plan);
/* "bind "/a" on "/b"": what the op does, for messages. */
void op_describe(const struct op *op, char *buf, size_t size);

/* Each returns 0, or -errno (or one of util.h's HSU_E*) with e saying what
 * failed: the precise action, or else the op itself ("cannot bind ..."). */
int op_early(struct op *op, struct hsu_error *e);
/* Mounts the sysroot tmpfs; run in the intermediate root. */
int build_sysroot(struct build *b, struct hsu_error *e);
int op_apply(struct build *b, struct op *op, struct hsu_error *e);
/* Covers the instance records' directory and the plan cache wherever a
 * bind (or a mirrored root entry) made them reachable; then makes the
 * tmpfs mounts marked for it, and the root, read-only. */
int build_finish(struct build *b, struct hsu_error *e);
