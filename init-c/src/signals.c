#include "signals.h"

#include <errno.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};

void signals_reset(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP)
      continue;
    if (sigaction(sig, &sa, NULL) < 0 && errno == EINVAL) {
      /* glibc refuses to touch the signals it reserves for itself (32, 33),
       * yet a parent may have left them ignored. An all-zero kernel
       * sigaction is SIG_DFL with no flags on every architecture. */
      unsigned long zero[8] = {0};
      (void)syscall(SYS_rt_sigaction, sig, zero, NULL, (size_t)(_NSIG / 8));
    }
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

void signals_forwarded_set(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    sigaddset(set, forwarded[i]);
  sigaddset(set, SIGCHLD);
}

/* Asynchronous signals whose default action ends a process. */
static const int fatal[] = {SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
                            SIGIO,   SIGXCPU, SIGXFSZ, SIGPWR,    SIGSTKFLT};

void signals_fatal_set(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
    sigaddset(set, fatal[i]);
}

bool signals_is_forwarded(int sig) {
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    if (forwarded[i] == sig)
      return true;
  return false;
}

int signals_block_to_fd(void) {
  sigset_t set;
  signals_forwarded_set(&set);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
    return -errno;
  int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  return fd < 0 ? -errno : fd;
}

static void noop(int sig) {
  (void)sig;
}

int signals_install_noop_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = noop;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    if (sigaction(forwarded[i], &sa, NULL) < 0)
      return -errno;
  return 0;
}
