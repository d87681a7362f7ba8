/* Namespaces, id maps and the two pivots. Each returns 0, or -errno with
 * e saying what failed ("cannot write \"/proc/self/uid_map\""). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"
#include "util.h"

/* Fork-style clone into new user, mount, pid, ipc, uts, cgroup (and net
 * unless host_net) namespaces: like fork, returns 0 in the child. */
pid_t ns_clone(bool host_net);
/* In the child: die with the parent, map ids, hostname, private mounts, lo. */
int ns_init_child(const struct plan *p, uid_t outer_uid, gid_t outer_gid, int death_fd,
                  struct hsu_error *e);
/* A tmpfs on /tmp becomes the root; the host root stays reachable at /host. */
int ns_enter_intermediate_root(struct hsu_error *e);
/* Detaches /host, makes /sysroot the root and changes to cwd. */
int ns_enter_sysroot(const char *cwd, struct hsu_error *e);
