/* PID 1 of the sandbox: starts the daemons and the app, forwards signals,
 * reaps every child and passes the app's exit status through. */
#pragma once

#include <sys/types.h>

#include "plan.h"

/* Runs in the finished root; sfd reads the blocked forwarded signals. */
_Noreturn void pid1_run(const struct plan *p, int sfd, int last_cap, mode_t umask);
/* exit status for a wait status: the code, or 128 + signal. */
int exit_code_of(int wstatus);
