/* PROXY records: a helper (xdg-dbus-proxy, or hsu's PulseAudio filter) run as its own sandbox from
 * a nested plan, tied to the main sandbox through a pipe. The helper holds the write end (its sync
 * fd: one byte when ready, and it stops when the read end goes away); the supervisor holds the read
 * end while the main sandbox runs. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "plan.h"

/* Runs a plan as hsu-init --plan would; never returns. */
typedef void __attribute__((noreturn)) (*proxy_runner)(struct plan *);

struct proxy_handle {
  pid_t pid;        /* the nested supervisor, until reaped; else -1 */
  int read_fd;      /* the read end of the sync pipe, or -1 */
  const char *name; /* proxy_name() of its record */
};

/* In the forked child, after the parent's state is forgotten: dies with the
 * parent, leaves its process group (a terminal's ^C is for the app), keeps
 * only 0, 1, 2 and the write end (as fd 3), then runs the nested plan. */
_Noreturn void proxy_child(const struct proxy *px, int write_fd, pid_t parent, proxy_runner run);

/* Waits for the ready byte and the ready socket, within the timeout; sfd
 * reads the supervisor's blocked signals. Dies with one sentence on failure
 * (the caller's cleanup then stops the helper). */
void proxy_wait_ready(const struct proxy *px, struct proxy_handle *h, int sfd);

/* Closes each read end (the helper exits on that), asks each nested
 * supervisor to stop and reaps it; SIGKILL after a grace period. */
void proxy_stop(struct proxy_handle *h, size_t n);
