/* PID 1 of the sandbox: starts the daemons and the app, forwards signals,
 * reaps every child and passes the app's exit status through. */
#pragma once

#include <sys/types.h>

#include "plan.h"
#include "seccomp.h"

/* What every process PID 1 starts gets besides the plan. */
struct confine {
  int last_cap;
  mode_t umask;
  int landlock_abi;                 /* the kernel's, probed on the host */
  const struct sock_fprog *seccomp; /* compiled from the plan, or NULL */
  int ready_fd;                     /* a byte goes here once the app runs; or -1 */
};

/* Runs in the finished root; sfd reads the blocked forwarded signals. */
_Noreturn void pid1_run(const struct plan *p, int sfd, const struct confine *c);
/* exit status for a wait status: the code, or 128 + signal. */
int exit_code_of(int wstatus);
