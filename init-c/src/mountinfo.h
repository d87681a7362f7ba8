/* /proc/self/mountinfo (proc_pid_mountinfo(5)), parsed without syscalls so it
 * can be unit-tested; and the filesystem types hsu-init hides beneath binds. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* hsu-init reads at most this much of mountinfo; more is an error. */
#define MOUNTINFO_MAX_SIZE (16u * 1024 * 1024)

struct mount_info {
  uint32_t id, parent;
  char *mount_point; /* unescaped, inside the buffer given to mountinfo_parse */
  char *fstype;      /* unescaped, e.g. "proc", "fuse.sshfs" */
};

/* Parses len bytes of mountinfo in place (fields are unescaped and
 * NUL-terminated in buf). On success *out (malloc'd, freed by the caller)
 * holds *n entries in file order. Returns 0, -ENOMEM, or -EINVAL for a
 * malformed line, whose 1-based number is then in *bad_line. */
int mountinfo_parse(char *buf, size_t len, struct mount_info **out, size_t *n, size_t *bad_line);

/* A filesystem that shows kernel or host-process state rather than files:
 * beneath a bind, hsu-init covers it (docs/plan-format.md lists them). */
bool mountinfo_is_pseudo(const char *fstype);
