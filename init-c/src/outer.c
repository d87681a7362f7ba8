#include "outer.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pid1.h"
#include "signals.h"
#include "util.h"

void outer_supervise(pid_t child) {
  int sfd = signals_block_to_fd();
  if (sfd < 0) {
    /* Without a signalfd we can still wait; signals just are not forwarded. */
    warn_err(-sfd, "cannot read signals");
  }
  for (;;) {
    int status;
    pid_t pid = waitpid(child, &status, sfd >= 0 ? WNOHANG : 0);
    if (pid == child)
      _exit(exit_code_of(status));
    if (pid < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for the sandbox");
    if (sfd < 0)
      continue;
    struct pollfd pfd = {.fd = sfd, .events = POLLIN};
    if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for signals");
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
      if (signals_is_forwarded((int)si.ssi_signo))
        kill(child, (int)si.ssi_signo);
    }
  }
}
