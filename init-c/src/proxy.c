#include "proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pid1.h"
#include "sys.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define MAX_WAIT_MS (24u * 3600 * 1000)
#define STOP_GRACE_MS 3000u
#define SYNC_FD 3

void proxy_child(const struct proxy *px, int write_fd, pid_t parent, proxy_runner run) {
  message_set_context(proxy_name(px));
  /* Killed with the supervisor, even by SIGKILL: its own namespaces follow. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_err(EXIT_SETUP, errno, "cannot set the parent-death signal");
  if (getppid() != parent)
    _exit(EXIT_SETUP);
  (void)setpgid(0, 0);
  if (write_fd != SYNC_FD) {
    if (dup3(write_fd, SYNC_FD, O_CLOEXEC) < 0)
      die_err(EXIT_SETUP, errno, "cannot move the sync fd");
  }
  /* The supervisor's other fds (instance dir, other helpers' pipes, the
   * main sandbox's death pipe) are not the helper's. */
  if (sys_close_range(SYNC_FD + 1, ~0u, 0) < 0) {
    for (int fd = SYNC_FD + 1; fd < 65536; fd++)
      close(fd);
  }
  struct plan *nested = px->plan;
  nested->sync_fd = SYNC_FD;
  nested->sync_target = px->sync_fd;
  run(nested);
}

/* 1 when pid exited within timeout_ms (status set), 0 if not, -errno. */
static int wait_exit(pid_t pid, uint64_t timeout_ms, int *status) {
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  uint64_t deadline = monotonic_ms() + timeout_ms;
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      int err = errno;
      if (pidfd >= 0)
        close(pidfd);
      return r == pid ? 1 : -err;
    }
    uint64_t now = monotonic_ms();
    if (now >= deadline) {
      if (pidfd >= 0)
        close(pidfd);
      return 0;
    }
    uint64_t left = deadline - now;
    /* Without a pidfd (kernels before 5.3), poll the status. */
    int tick = pidfd >= 0 ? (left > 1000 ? 1000 : (int)left) : (left > 10 ? 10 : (int)left);
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    if (pidfd >= 0)
      (void)poll(&pfd, 1, tick);
    else
      usleep((useconds_t)tick * 1000);
  }
}

static _Noreturn void exited(const struct proxy *px, int status) {
  int code = exit_code_of(status);
  /* The nested hsu-init has already said why in one sentence. */
  if (code == EXIT_SETUP || code == EXIT_CANNOT_EXEC || code == EXIT_NOT_FOUND)
    die_quietly(EXIT_SETUP);
  die(EXIT_SETUP, "the %s exited with status %d before it was ready", proxy_name(px), code);
}

void proxy_wait_ready(const struct proxy *px, struct proxy_handle *h, int sfd) {
  uint64_t timeout = px->timeout_ms < MAX_WAIT_MS ? px->timeout_ms : MAX_WAIT_MS;
  uint64_t deadline = monotonic_ms() + timeout;
  for (;;) {
    int status;
    if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
      h->pid = -1;
      exited(px, status);
    }
    uint64_t now = monotonic_ms();
    if (now >= deadline)
      die(EXIT_SETUP, "the %s did not become ready within %llu ms", proxy_name(px),
          (unsigned long long)px->timeout_ms);
    uint64_t left = deadline - now;
    int tick = sfd >= 0 ? (left > 1000 ? 1000 : (int)left) : (left > 20 ? 20 : (int)left);
    struct pollfd pfd[2] = {{.fd = h->read_fd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
    if (poll(pfd, 2, tick) < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for the %s", proxy_name(px));
    if (sfd >= 0 && (pfd[1].revents & POLLIN) != 0) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        if (si.ssi_signo != SIGCHLD)
          die(128 + (int)si.ssi_signo, "interrupted by signal %d before the app started",
              (int)si.ssi_signo);
    }
    if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
      continue;
    char byte;
    ssize_t n = read(h->read_fd, &byte, 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n < 0)
      die_err(EXIT_SETUP, errno, "cannot read from the %s's sync fd", proxy_name(px));
    if (n == 0) {
      /* Every write end is gone: the helper has exited or is about to. */
      uint64_t at = monotonic_ms();
      int r = wait_exit(h->pid, at + 1000 > deadline ? 1000 : deadline - at, &status);
      if (r == 1) {
        h->pid = -1;
        exited(px, status);
      }
      die(EXIT_SETUP, "the %s closed its sync fd before it was ready", proxy_name(px));
    }
    struct stat sb;
    if (lstat(px->ready, &sb) < 0 || !S_ISSOCK(sb.st_mode))
      die(EXIT_SETUP, "the %s is ready but did not create the socket %s", proxy_name(px),
          q(px->ready));
    return;
  }
}

void proxy_stop(struct proxy_handle *h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (h[i].read_fd >= 0) {
      close(h[i].read_fd);
      h[i].read_fd = -1;
    }
    if (h[i].pid > 0)
      kill(h[i].pid, SIGTERM);
  }
  uint64_t deadline = monotonic_ms() + STOP_GRACE_MS;
  for (size_t i = 0; i < n; i++) {
    if (h[i].pid <= 0)
      continue;
    uint64_t now = monotonic_ms();
    int status;
    int r = wait_exit(h[i].pid, now < deadline ? deadline - now : 0, &status);
    if (r == 0) {
      warnx("the %s did not stop within %u ms; killing it", h[i].name, STOP_GRACE_MS);
      kill(h[i].pid, SIGKILL);
      while (waitpid(h[i].pid, &status, 0) < 0 && errno == EINTR)
        ;
    }
    h[i].pid = -1;
  }
}
