#include "enter.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"
#include "pid1.h"
#include "plan.h"
#include "record.h"
#include "seccomp.h"
#include "signals.h"
#include "spawn.h"
#include "util.h"

#define ENTER_USAGE "usage: hsu-init --enter DIR INIT_PID INIT_START [-- CMD [ARGS...]]"

/* The plan the supervisor kept in the instance dir: a regular file of
 * ours, not followed if it is a link; parsed as strictly as any plan. */
static void read_kept_plan(const char *dir, struct plan *p) {
  autoclose int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat sb;
  if (dfd < 0 || fstat(dfd, &sb) < 0)
    die_err(EXIT_SETUP, errno == ELOOP ? ENOTDIR : errno, "cannot open the instance directory %s",
            q(dir));
  if (sb.st_uid != geteuid())
    die(EXIT_SETUP, "the instance directory %s belongs to uid %u, not %u", q(dir),
        (unsigned)sb.st_uid, (unsigned)geteuid());
  autoclose int fd = openat(dfd, RECORD_PLAN, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &sb) < 0)
    die_err(EXIT_SETUP, errno, "cannot open \"%s/%s\"", dir, RECORD_PLAN);
  if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid())
    die(EXIT_SETUP, "\"%s/%s\" is not a regular file of uid %u", dir, RECORD_PLAN,
        (unsigned)geteuid());
  unsigned char *buf;
  size_t len;
  int r = read_fd(fd, PLAN_MAX_SIZE, &buf, &len);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot read \"%s/%s\"", dir, RECORD_PLAN);
  struct hsu_error e;
  if (plan_parse(buf, len, p, &e) < 0) {
    hsu_wrap(&e, "invalid plan in \"%s/%s\"", dir, RECORD_PLAN);
    die_error(EXIT_SETUP, &e);
  }
  const char *slash = strrchr(dir, '/');
  if (!p->instance.present || strcmp(p->instance.id, slash != NULL ? slash + 1 : dir) != 0)
    die(EXIT_SETUP, "the plan in %s is not the plan of this instance", q(dir));
}

static unsigned long long parse_ull(const char *s) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
    die(EXIT_SETUP, "%s", ENTER_USAGE);
  return v;
}

/* The sandbox's init: the pid the record names, still the process that
 * started then, and PID 1 of a pid namespace of its own. */
static int open_init(const char *pid_arg, const char *start_arg) {
  unsigned long long pid = parse_ull(pid_arg);
  if (pid == 0 || pid > 0x3FFFFFFF)
    die(EXIT_SETUP, "%s", ENTER_USAGE);
  struct proc_id want = {.pid = (pid_t)pid, .start = parse_ull(start_arg)};
  struct hsu_error e;
  int pidfd = pidfd_verified(want, &e);
  if (pidfd < 0)
    die_error(EXIT_SETUP, &e);
  int r = proc_is_ns_init(want.pid);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot read the pid namespaces of process %d", (int)want.pid);
  if (r == 0)
    die(EXIT_SETUP, "process %d is not the init of a sandbox", (int)want.pid);
  return pidfd;
}

static const char *const default_argv[] = {"/bin/sh", NULL};

/* The command: the arguments after "--", else the sandbox's $SHELL, else
 * /bin/sh. */
static char *const *command(int argc, char **argv, const struct plan *p) {
  if (argc > 6)
    return argv + 6;
  static char *shell[2];
  for (uint32_t i = 0; i < p->env.n; i++) {
    if (strncmp(p->env.v[i], "SHELL=", 6) == 0 && p->env.v[i][6] == '/') {
      shell[0] = p->env.v[i] + 6;
      return shell;
    }
  }
  return (char *const *)(uintptr_t)default_argv;
}

static void check_confinement(const struct plan *p, int *abi) {
  *abi = 0;
  if (!p->landlock.present)
    return;
  *abi = landlock_abi();
  struct hsu_error e;
  if (landlock_missing(&p->landlock, *abi, &e) > 0) {
    if ((p->landlock.flags & LANDLOCK_REQUIRED) != 0)
      die_error(EXIT_SETUP, &e);
    warnx("warning: %s; continuing without them", e.msg);
  }
}

/* Forwards the signals a terminal or hsu sends until the child ends; its
 * status is ours. */
static _Noreturn void supervise(pid_t child, int sfd) {
  for (;;) {
    int status;
    pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child)
      exit(exit_code_of(status));
    if (r < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for the entered process");
    struct pollfd pfd = {.fd = sfd, .events = POLLIN};
    if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for signals");
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
      if (si.ssi_signo != SIGCHLD && signals_is_forwarded((int)si.ssi_signo))
        kill(child, (int)si.ssi_signo);
  }
}

static void check_spawned(pid_t pid, int report_fd, const char *argv0) {
  int stage, err;
  if (pid < 0)
    die_err(EXIT_SETUP, -pid, "cannot start %s in the sandbox", q(argv0));
  int r = spawn_result(report_fd, &stage, &err);
  close(report_fd);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot start %s in the sandbox", q(argv0));
  if (r == 0)
    return;
  switch ((enum spawn_stage)stage) {
  case SPAWN_PRIVILEGES:
    die_err(EXIT_SETUP, err, "cannot drop privileges for %s", q(argv0));
  case SPAWN_LANDLOCK:
    die_err(EXIT_SETUP, err, "cannot enforce the Landlock rules for %s", q(argv0));
  case SPAWN_SECCOMP:
    die_err(EXIT_SETUP, err, "cannot load the seccomp filter for %s", q(argv0));
  case SPAWN_EXEC:
    break;
  }
  die_err(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, err, "cannot execute %s", q(argv0));
}

_Noreturn void enter_main(int argc, char **argv) {
  if (argc < 5 || (argc > 5 && strcmp(argv[5], "--") != 0))
    die(EXIT_SETUP, "%s", ENTER_USAGE);
  static struct plan plan;
  read_kept_plan(argv[2], &plan);
  scmp_filter_ctx filter = NULL;
  struct sock_fprog prog;
  struct hsu_error e;
  if (plan.seccomp.present && filter_build(&plan.seccomp, &filter, &e) < 0) {
    hsu_wrap(&e, "cannot build the seccomp filter");
    die_error(EXIT_SETUP, &e);
  }
  int compiled = filter != NULL ? filter_compile(filter, &prog) : 0;
  if (compiled < 0)
    die_err(EXIT_SETUP, -compiled, "cannot compile the seccomp filter");
  if (filter != NULL)
    seccomp_release(filter);
  int abi;
  check_confinement(&plan, &abi);
  int last_cap = read_last_cap();
  if (last_cap < 0)
    die_err(EXIT_SETUP, -last_cap, "cannot read \"/proc/sys/kernel/cap_last_cap\"");
  char *const *cmd = command(argc, argv, &plan);
  if (cmd[0][0] == '\0')
    die(EXIT_SETUP, "%s", ENTER_USAGE);

  /* One call joins them all, the user namespace first (the kernel's
   * order): a pidfd names the process, so a reused pid cannot redirect it. */
  int pidfd = open_init(argv[3], argv[4]);
  int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
              CLONE_NEWCGROUP | ((plan.flags & PARAMS_HOST_NET) != 0 ? 0 : CLONE_NEWNET);
  if (setns(pidfd, flags) < 0)
    die_err(EXIT_SETUP, errno, "cannot join the namespaces of the sandbox (process %s)", argv[3]);
  close(pidfd);
  /* Joining the mount namespace put us at its root; the app's directory. */
  if (chdir(plan.cwd) < 0)
    die_err(EXIT_SETUP, errno, "cannot change directory to %s", q(plan.cwd));
  int landlock_fd = -1;
  if (plan.landlock.present && landlock_build(&plan.landlock, abi, &landlock_fd, &e) < 0)
    die_error(EXIT_SETUP, &e);
  int sfd = signals_block_to_fd();
  if (sfd < 0)
    die_err(EXIT_SETUP, -sfd, "cannot create a signalfd");
  mode_t mask = umask(0);
  umask(mask);
  struct spawn_req req = {
      .argv = cmd,
      .envp = plan.env.v,
      .search_path = true,
      .new_session = true,
      .last_cap = last_cap,
      .umask = mask,
      .landlock_fd = landlock_fd,
      .seccomp = filter != NULL ? &prog : NULL,
      .pass_fd = -1,
  };
  int report_fd = -1;
  /* Forked after the setns: the child is inside the pid namespace. */
  pid_t pid = spawn(&req, &report_fd);
  check_spawned(pid, report_fd, cmd[0]);
  if (landlock_fd >= 0)
    close(landlock_fd);
  /* We only wait now: nothing of the sandbox's user namespace stays ours. */
  int r = drop_privileges(last_cap);
  if (r < 0)
    warn_err(-r, "cannot drop privileges");
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  supervise(pid, sfd);
}
