/* The outer hsu-init: stays in the host namespaces, holds what the running
 * sandbox needs on the host (the instance dir, the Wayland security
 * context's close fd), forwards signals to the sandbox's PID 1, exits with
 * its status and removes the instance dir. */
#pragma once

#include <sys/types.h>

#include "plan.h"

/* Blocks the signals the outer handles (the forwarded ones, SIGCHLD and the
 * fatal ones) and ignores SIGPIPE; then creates the instance dir and
 * negotiates the Wayland security context, as the plan says. Dies with a
 * sentence (and removes what it made) on failure; from here until the
 * outer exits, any die() removes the instance dir. Call before the clone. */
void outer_prepare(const struct plan *p);
/* In the cloned child: closes what the outer holds, forgets the cleanup and
 * restores the signal mask and SIGPIPE the child had before outer_prepare. */
void outer_forget(void);
_Noreturn void outer_supervise(pid_t child);
