#include "pid1.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"
#include "signals.h"
#include "spawn.h"
#include "util.h"

#define MAX_WAIT_MS (24u * 3600 * 1000)

struct daemon {
  pid_t pid;
  bool exited;
  int status;
};

struct pid1 {
  pid_t app;
  bool app_exited;
  int app_status;
  struct daemon *daemons;
  size_t n_daemons;
};

int exit_code_of(int wstatus) {
  if (WIFEXITED(wstatus))
    return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus))
    return 128 + WTERMSIG(wstatus);
  return EXIT_SETUP;
}

/* Reaps every exited child; returns false once there are no children. */
static bool reap(struct pid1 *s) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0)
      return true;
    if (pid < 0) {
      if (errno == EINTR)
        continue;
      if (errno != ECHILD)
        warn_err(errno, "cannot wait for children");
      return errno != ECHILD;
    }
    if (pid == s->app) {
      s->app_exited = true;
      s->app_status = status;
    }
    for (size_t i = 0; i < s->n_daemons; i++) {
      if (s->daemons[i].pid == pid) {
        s->daemons[i].exited = true;
        s->daemons[i].status = status;
      }
    }
  }
}

/* The next pending forwarded signal (SIGCHLD is skipped), or 0. */
static int next_signal(int sfd) {
  struct signalfd_siginfo si;
  for (;;) {
    ssize_t n = read(sfd, &si, sizeof(si));
    if (n != (ssize_t)sizeof(si))
      return 0;
    if (signals_is_forwarded((int)si.ssi_signo))
      return (int)si.ssi_signo;
  }
}

static void wait_signal(int sfd, int timeout_ms) {
  struct pollfd pfd = {.fd = sfd, .events = POLLIN};
  if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) {
    warn_err(errno, "cannot wait for signals");
    usleep(100000); /* do not spin on a persistent error */
  }
}

static _Noreturn void interrupted(int sig) {
  die(128 + sig, "interrupted by signal %d before the app started", sig);
}

/* Dies with a sentence when the child could not exec. */
static void check_started(pid_t pid, int report_fd, const char *kind, const char *argv0) {
  int stage, err;
  if (pid < 0)
    die_err(EXIT_SETUP, -pid, "cannot start %s%s", kind, q(argv0));
  int r = spawn_result(report_fd, &stage, &err);
  close(report_fd);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot start %s%s", kind, q(argv0));
  if (r == 0)
    return;
  switch ((enum spawn_stage)stage) {
  case SPAWN_PRIVILEGES:
    die_err(EXIT_SETUP, err, "cannot drop privileges for %s%s", kind, q(argv0));
  case SPAWN_LANDLOCK:
    die_err(EXIT_SETUP, err, "cannot enforce the Landlock rules for %s%s", kind, q(argv0));
  case SPAWN_SECCOMP:
    die_err(EXIT_SETUP, err, "cannot load the seccomp filter for %s%s", kind, q(argv0));
  case SPAWN_EXEC:
    break;
  }
  if (*kind != '\0')
    die_err(EXIT_SETUP, err, "cannot execute %s%s", kind, q(argv0));
  die_err(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, err, "cannot execute %s", q(argv0));
}

static void start_daemon(struct pid1 *s, const struct op *op, int sfd, const struct confine *c,
                         int landlock_fd) {
  const __typeof__(op->u.daemon) *d = &op->u.daemon;
  const char *argv0 = d->argv.v[0];
  struct spawn_req req = {
      .argv = d->argv.v,
      .envp = d->env.v,
      .search_path = false,
      .new_session = true,
      .last_cap = c->last_cap,
      .umask = c->umask,
      .landlock_fd = landlock_fd,
      .seccomp = c->seccomp,
      .pass_fd = -1,
  };
  int report_fd = -1;
  pid_t pid = spawn(&req, &report_fd);
  if (pid > 0)
    s->daemons[s->n_daemons++] = (struct daemon){.pid = pid};
  check_started(pid, report_fd, "daemon ", argv0);
  const struct daemon *slot = &s->daemons[s->n_daemons - 1];

  uint64_t timeout = d->timeout_ms < MAX_WAIT_MS ? d->timeout_ms : MAX_WAIT_MS;
  uint64_t deadline = monotonic_ms() + timeout;
  for (;;) {
    struct stat st;
    if (fstatat(AT_FDCWD, d->ready, &st, AT_SYMLINK_NOFOLLOW) == 0)
      return;
    reap(s);
    if (slot->exited)
      die(EXIT_SETUP, "daemon %s exited with status %d before creating %s", q(argv0),
          exit_code_of(slot->status), q(d->ready));
    uint64_t now = monotonic_ms();
    if (now >= deadline)
      die(EXIT_SETUP, "daemon %s did not create %s within %llu ms", q(argv0), q(d->ready),
          (unsigned long long)d->timeout_ms);
    wait_signal(sfd, deadline - now < 10 ? (int)(deadline - now) : 10);
    int sig = next_signal(sfd);
    if (sig != 0)
      interrupted(sig);
  }
}

static void start_app(struct pid1 *s, const struct plan *p, const struct confine *c,
                      int landlock_fd) {
  struct spawn_req req = {
      .argv = p->argv.v,
      .envp = p->env.v,
      .search_path = true,
      .new_session = (p->flags & PARAMS_KEEP_SESSION) == 0,
      .last_cap = c->last_cap,
      .umask = c->umask,
      .landlock_fd = landlock_fd,
      .seccomp = c->seccomp,
      .pass_fd = p->sync_fd,
      .pass_to = (int)p->sync_target,
  };
  int report_fd = -1;
  pid_t pid = spawn(&req, &report_fd);
  s->app = pid;
  check_started(pid, report_fd, "", p->argv.v[0]);
  /* Only the helper holds the write end: its exit is then an EOF for the
   * supervisor waiting on the read end. */
  if (p->sync_fd >= 0)
    close(p->sync_fd);
}

void pid1_run(const struct plan *p, int sfd, const struct confine *c) {
  struct pid1 s = {.app = -1};
  int sig = next_signal(sfd);
  if (sig != 0)
    interrupted(sig);
  /* One ruleset, built in the finished root, enforced by each child. */
  int landlock_fd = -1;
  if (p->landlock.present) {
    struct hsu_error e;
    int r = landlock_build(&p->landlock, c->landlock_abi, &landlock_fd, &e);
    if (r < 0)
      die_error(EXIT_SETUP, &e);
  }

  size_t n_daemons = 0;
  for (uint32_t i = 0; i < p->n_ops; i++)
    n_daemons += p->ops[i].tag == TAG_DAEMON;
  s.daemons = calloc(n_daemons + 1, sizeof(*s.daemons));
  if (s.daemons == NULL)
    die_err(EXIT_SETUP, ENOMEM, "cannot start daemons");
  for (uint32_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].tag == TAG_DAEMON)
      start_daemon(&s, &p->ops[i], sfd, c, landlock_fd);

  start_app(&s, p, c, landlock_fd);
  /* The supervisor writes the instance record now: what hsu enter joins is
   * finished. */
  if (c->ready_fd >= 0) {
    int r = write_all(c->ready_fd, "r", 1);
    if (r < 0)
      warn_err(-r, "cannot tell the supervisor that the app runs");
    close(c->ready_fd);
  }
  /* From here on PID 1 never dies on an error: it warns and keeps reaping.
   * It needs no privilege any more either. */
  int r = drop_privileges(c->last_cap);
  if (r < 0)
    warn_err(-r, "cannot drop the init's privileges");

  uint64_t wait_ms = p->wait_delay_ms < MAX_WAIT_MS ? p->wait_delay_ms : MAX_WAIT_MS;
  uint64_t deadline = 0;
  bool was_exited = false;
  for (;;) {
    bool children = reap(&s);
    if (s.app_exited && !was_exited) {
      was_exited = true;
      deadline = monotonic_ms() + wait_ms;
      for (size_t i = 0; i < s.n_daemons; i++)
        if (!s.daemons[i].exited)
          kill(s.daemons[i].pid, SIGTERM);
    }
    int timeout = -1;
    if (s.app_exited) {
      uint64_t now = monotonic_ms();
      if (!children || now >= deadline)
        _exit(exit_code_of(s.app_status));
      timeout = deadline - now > 1000 ? 1000 : (int)(deadline - now);
    }
    wait_signal(sfd, timeout);
    while ((sig = next_signal(sfd)) != 0) {
      if (s.app_exited)
        _exit(exit_code_of(s.app_status)); /* asked to stop waiting */
      if (kill(s.app, sig) < 0 && errno != ESRCH)
        warn_err(errno, "cannot forward signal %d", sig);
    }
  }
}
