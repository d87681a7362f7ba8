/* Signal dispositions and the set of signals hsu-init forwards. */
#pragma once

#include <signal.h>
#include <stdbool.h>

/* Every disposition to default, nothing blocked. */
void signals_reset(void);
/* SIGTERM, SIGINT, SIGHUP, SIGQUIT, and SIGCHLD. */
void signals_forwarded_set(sigset_t *set);
bool signals_is_forwarded(int sig);
/* The other asynchronous signals that end a process by default (SIGUSR1,
 * SIGALRM, ...): the outer catches them to clean up before it dies. */
void signals_fatal_set(sigset_t *set);
/* What the outer gets when the process that started it dies (PARAMS
 * DIE_WITH_PARENT): one of the fatal set, so it kills the sandbox, cleans
 * up and dies. Not a forwarded one: the app could ignore that. */
#define SIGNAL_PARENT_DIED SIGUSR1
/* Blocks the forwarded signals and SIGCHLD; returns a signalfd or -errno. */
int signals_block_to_fd(void);
/* A pid namespace's init ignores signals it has no handler for, even from
 * its parent namespace: give it no-op handlers (the signals stay blocked
 * and are read from a signalfd). */
int signals_install_noop_handlers(void);
