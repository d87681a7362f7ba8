/* The instance record (docs/instances.md): what the supervisor writes in
 * the instance dir for hsu ps, info, enter, stop and wait, and the checks
 * that tie a recorded pid to the process it named. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "plan.h"
#include "util.h"

#define RECORD_VERSION 1
#define RECORD_NAME "record"
#define RECORD_PLAN "plan"
#define RECORD_EXIT "exit"

/* One process as the record names it: its host pid and the start time the
 * kernel shows in /proc/PID/stat (field 22, clock ticks since boot), which
 * a reused pid does not have. */
struct proc_id {
  pid_t pid;
  unsigned long long start;
};

/* Field 22 of /proc/PID/stat; -errno (-ESRCH when there is no such
 * process, -EPROTO when the line cannot be read). */
int proc_start_time(pid_t pid, unsigned long long *start);
/* 1 when pid is the init (PID 1) of a pid namespace below ours (its NSpid
 * line in /proc/PID/status ends in 1), 0 when not, -errno. */
int proc_is_ns_init(pid_t pid);
/* The parent pid (field 4). */
int proc_parent(pid_t pid, pid_t *ppid);

/* The record's JSON, in buf (NUL-terminated); -ENOSPC when it does not
 * fit. started: seconds since the epoch. */
int record_format(const struct plan *p, struct proc_id supervisor, struct proc_id init,
                  long long started, char *buf, size_t size);

/* Writes name in dfd atomically: a temporary file (0600, O_EXCL,
 * O_NOFOLLOW), then renameat over name. -errno. */
int record_write_file(int dfd, const char *name, const void *data, size_t len);

/* pidfd_open(2) for pid, then the check that it is still the process
 * that started at start: its start time is read after the pidfd pins it
 * and the pidfd shows it alive after that. Returns the pidfd, or -errno
 * with e saying why ("process 123 is not the one the record names: its
 * start time is 99, the record says 42"). */
int pidfd_verified(struct proc_id want, struct hsu_error *e);
