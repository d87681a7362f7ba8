/* The outer hsu-init: stays in the host namespaces, holds what the running
 * sandbox needs on the host (the instance dir, the Wayland security
 * context's close fd, the D-Bus proxies and their sync pipes), forwards signals to the sandbox's
 * PID 1, exits with its status and removes the instance dir. */
#pragma once

#include <sys/types.h>

#include "plan.h"
#include "proxy.h"

/* Blocks the signals the outer handles (the forwarded ones, SIGCHLD and the
 * fatal ones) and ignores SIGPIPE; then creates the instance dir,
 * negotiates the Wayland security context and starts the proxies (each
 * nested plan run by run in a forked child), as the plan says. Dies with a
 * sentence (and stops and removes what it made) on failure; from here until
 * the outer exits, any die() does that. Call before the clone. */
void outer_prepare(const struct plan *p, proxy_runner run);
/* In the cloned child: closes what the outer holds, forgets the cleanup and
 * restores the signal mask and SIGPIPE the child had before outer_prepare. */
void outer_forget(void);
/* Waits for the sandbox's PID 1 (child), forwarding signals. When
 * ready_fd (or -1) gives a byte, the app runs: the supervisor writes the
 * instance record, a copy of the plan (what hsu enter applies) and an empty
 * exit file in the instance dir; at the end the exit file gets the exit
 * status, just before the dir is removed. */
_Noreturn void outer_supervise(pid_t child, int ready_fd);
