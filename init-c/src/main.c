/* hsu-init: arguments, process hygiene, the op loop, exit codes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enter.h"
#include "landlock.h"
#include "ns.h"
#include "ops.h"
#include "outer.h"
#include "pid1.h"
#include "plan.h"
#include "seccomp.h"
#include "signals.h"
#include "spawn.h"
#include "sys.h"
#include "util.h"

/* Our argv and environment strings as the kernel shows them in
 * /proc/PID/cmdline and environ: the sandbox's PID 1 wipes its copies. */
static struct {
  char *args, *env;
  size_t args_len, env_len;
} shown;

/* The bytes from v[0] to the end of the last string that follows on
 * contiguously (the kernel lays argv and envp out that way). */
static size_t strings_extent(char *const *v) {
  if (v == NULL || v[0] == NULL)
    return 0;
  char *const start = v[0];
  char *end = start;
  for (; *v != NULL && *v == end; v++)
    end += strlen(*v) + 1;
  return (size_t)(end - start);
}

static void remember_shown(char **argv) {
  shown.args = argv[0];
  shown.args_len = strings_extent(argv);
  shown.env = environ != NULL ? environ[0] : NULL;
  shown.env_len = strings_extent(environ);
}

/* /proc/1/cmdline is readable by everyone in the sandbox (environ is not:
 * PID 1 is not dumpable), and ours names host paths: hsu-init's own and the
 * plan's. What stays is "hsu-init". A last byte that is not NUL makes the
 * kernel read the area as a title that ends at its first NUL (the
 * setproctitle convention), so no run of NULs follows the name. */
static void wipe_shown(void) {
  static const char title[] = "hsu-init";
  if (shown.env_len > 0)
    memset(shown.env, 0, shown.env_len);
  if (shown.args_len == 0)
    return;
  memset(shown.args, 0, shown.args_len);
  if (shown.args_len >= sizeof(title) + 1) {
    memcpy(shown.args, title, sizeof(title));
    shown.args[shown.args_len - 1] = ' ';
  }
}

/* Why a user namespace is refused is the host's setting: hsu doctor names it and the fix. */
#define USERNS_BLOCKED                                                                             \
  "user namespaces are blocked on this host; 'hsu doctor' names the cause and the fix"

static const char usage[] =
    "usage: hsu-init --plan-fd FD | --plan FILE | --check-plan FILE | --dump-filter FILE | "
    "--enter DIR INIT_PID INIT_START [-- CMD [ARGS...]]";

static int parse_fd(const char *s) {
  if (*s == '\0' || strlen(s) > 9)
    return -1;
  for (const char *p = s; *p != '\0'; p++)
    if (*p < '0' || *p > '9')
      return -1;
  return atoi(s);
}

/* Nothing of the JVM that exec'd us may reach the sandbox: only 0, 1, 2 and
 * the plan stay open. 0, 1 and 2 are opened on /dev/null if missing so no
 * later fd lands there by accident. */
static void close_inherited_fds(int keep) {
  if (keep > 3)
    sys_close_range(3, (unsigned)keep - 1, 0);
  if (sys_close_range(keep >= 3 ? (unsigned)keep + 1 : 3, ~0u, 0) < 0) {
    for (int fd = keep >= 3 ? keep + 1 : 3; fd < 65536; fd++)
      close(fd);
  }
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) < 0) {
      int nfd = open("/dev/null", O_RDWR);
      if (nfd >= 0 && nfd != fd) {
        dup2(nfd, fd);
        close(nfd);
      }
    }
  }
}

static void read_plan(int fd, const char *name, struct plan *plan) {
  unsigned char *buf;
  size_t len;
  int r = read_fd(fd, PLAN_MAX_SIZE, &buf, &len);
  if (r == -EFBIG)
    die(EXIT_SETUP, "invalid plan: %s is larger than 16 MiB", name);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot read the plan from %s", name);
  struct hsu_error e;
  if (plan_parse(buf, len, plan, &e) < 0) {
    hsu_wrap(&e, "invalid plan");
    die_error(EXIT_SETUP, &e);
  }
  /* Kept: the plan points into it (plan->bytes, the nested plans). */
}

static scmp_filter_ctx build_filter(const struct plan *p);
static void read_plan(int fd, const char *name, struct plan *plan);

/* PID 1 in its finished namespaces: builds the root and runs the app. */
static _Noreturn void sandbox_build(struct plan *p, struct confine *c) {
  struct hsu_error e;
  int r;
  if ((r = signals_install_noop_handlers()) < 0)
    die_err(EXIT_SETUP, -r, "cannot install signal handlers");
  int sfd = signals_block_to_fd();
  if (sfd < 0)
    die_err(EXIT_SETUP, -sfd, "cannot create a signalfd");
  c->last_cap = read_last_cap();
  if (c->last_cap < 0)
    die_err(EXIT_SETUP, -c->last_cap, "cannot read \"/proc/sys/kernel/cap_last_cap\"");

  struct build *b = malloc(sizeof(*b));
  if (b == NULL)
    die_err(EXIT_SETUP, ENOMEM, "cannot build the root");
  build_init(b, p);
  for (uint32_t i = 0; i < p->n_ops; i++)
    if (op_early(&p->ops[i], &e) < 0)
      die_error(EXIT_SETUP, &e);
  if (ns_enter_intermediate_root(&e) < 0 || build_sysroot(b, &e) < 0)
    die_error(EXIT_SETUP, &e);
  for (uint32_t i = 0; i < p->n_ops; i++)
    if (op_apply(b, &p->ops[i], &e) < 0)
      die_error(EXIT_SETUP, &e);
  if (build_finish(b, &e) < 0)
    die_error(EXIT_SETUP, &e);
  free(b);
  wipe_shown();
  if (ns_enter_sysroot(p->cwd, &e) < 0)
    die_error(EXIT_SETUP, &e);
  pid1_run(p, sfd, c);
}

/* The kernel lets a process join the namespaces of a non-dumpable one (a
 * setns through its pidfd, as hsu enter does) only with CAP_SYS_PTRACE in
 * the user namespace its memory belongs to: the one it last executed in.
 * So PID 1 executes hsu-init again once it is in the sandbox's user
 * namespace: the app, with no capability there, still cannot read or trace
 * it, and the user who owns the namespace can enter it. The capabilities
 * the setup needs survive the exec as ambient ones; the plan's bytes, the
 * pipes and the settings go along as fds and arguments. */
static _Noreturn void reexec_in_userns(const struct plan *p, const struct confine *c, int death_fd,
                                       int ready_fd) {
  int last_cap = read_last_cap();
  if (last_cap < 0)
    die_err(EXIT_SETUP, -last_cap, "cannot read \"/proc/sys/kernel/cap_last_cap\"");
  int plan_fd = memfd_create("hsu-plan", 0);
  if (plan_fd < 0)
    die_err(EXIT_SETUP, errno, "cannot keep the plan for the sandbox's init");
  int r = write_all(plan_fd, p->bytes, p->len);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot keep the plan for the sandbox's init");
  /* The filter goes along compiled: PID 1 neither builds nor compiles it. */
  int filter_fd = -1;
  if (c->seccomp != NULL) {
    filter_fd = memfd_create("hsu-seccomp", 0);
    if (filter_fd < 0 || (r = write_all(filter_fd, c->seccomp->filter,
                                        c->seccomp->len * sizeof(struct sock_filter))) < 0)
      die_err(EXIT_SETUP, filter_fd < 0 ? errno : -r,
              "cannot keep the seccomp filter for the "
              "sandbox's init");
  }
  const int keep[] = {death_fd, ready_fd, p->sync_fd};
  for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
    if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, 0) < 0)
      die_err(EXIT_SETUP, errno, "cannot keep fd %d for the sandbox's init", keep[i]);
  if ((r = keep_caps_across_exec(last_cap)) < 0)
    die_err(EXIT_SETUP, -r, "cannot keep the capabilities of the sandbox's init");
  char args[8][24];
  const int values[] = {plan_fd,       death_fd,        ready_fd, p->sync_fd, (int)p->sync_target,
                        (int)c->umask, c->landlock_abi, filter_fd};
  for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
    snprintf(args[i], sizeof(args[i]), "%d", values[i]);
  char name[] = "hsu-init", opt[] = "--sandbox-init", context[64];
  snprintf(context, sizeof(context), "%s", message_context() != NULL ? message_context() : "");
  char *argv[] = {name,    opt,     args[0], args[1], args[2], args[3],
                  args[4], args[5], args[6], args[7], context, NULL};
  execve("/proc/self/exe", argv, environ);
  die_err(EXIT_SETUP, errno, "cannot execute hsu-init again inside the sandbox");
}

/* The child: PID 1 of the new namespaces. */
static _Noreturn void sandbox_main(struct plan *p, struct confine *c, uid_t outer_uid,
                                   gid_t outer_gid, int death_fd, int ready_fd) {
  struct hsu_error e;
  c->umask = umask(0);
  int r = ns_init_child(p, outer_uid, outer_gid, death_fd, &e);
  if (r < 0 && (r == -EPERM || r == -EACCES) && strstr(e.msg, "/proc/self/") != NULL)
    e.hint = USERNS_BLOCKED;
  if (r < 0)
    die_error(EXIT_SETUP, &e);
  reexec_in_userns(p, c, death_fd, ready_fd);
}

/* A decimal number, -1 allowed (an fd that is not there). */
static int parse_int_arg(const char *s) {
  return strcmp(s, "-1") == 0 ? -1 : parse_fd(s);
}

/* --sandbox-init PLAN_FD DEATH_FD READY_FD SYNC_FD SYNC_TARGET UMASK ABI
 * FILTER_FD CONTEXT: PID 1 executed again by reexec_in_userns (never by a
 * user). */
static _Noreturn void sandbox_init_main(int argc, char **argv) {
  if (argc != 11)
    die(EXIT_SETUP, "%s", usage);
  int plan_fd = parse_fd(argv[2]), death_fd = parse_fd(argv[3]);
  int ready_fd = parse_int_arg(argv[4]), sync_fd = parse_int_arg(argv[5]);
  int sync_target = parse_int_arg(argv[6]), mask = parse_int_arg(argv[7]);
  int abi = parse_int_arg(argv[8]), filter_fd = parse_int_arg(argv[9]);
  if (argv[10][0] != '\0')
    message_set_context(strdup(argv[10])); /* argv is wiped later */
  if (plan_fd < 0 || death_fd < 0 || mask < 0 || abi < 0)
    die(EXIT_SETUP, "%s", usage);
  /* Kept open across the exec only: nothing PID 1 starts inherits them. */
  const int kept[] = {ready_fd, sync_fd};
  for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
    if (kept[i] >= 0 && fcntl(kept[i], F_SETFD, FD_CLOEXEC) < 0)
      die_err(EXIT_SETUP, errno, "cannot use fd %d", kept[i]);
  static struct plan plan;
  read_plan(plan_fd, "the sandbox's init", &plan);
  close(plan_fd);
  plan.sync_fd = sync_fd;
  plan.sync_target = sync_target < 0 ? 0 : (uint32_t)sync_target;
  static struct sock_fprog filter;
  if (plan.seccomp.present != (filter_fd >= 0))
    die(EXIT_SETUP, "%s", usage);
  int r = filter_fd >= 0 ? filter_read(filter_fd, &filter) : 0;
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot read the seccomp filter of the sandbox's init");
  if (filter_fd >= 0)
    close(filter_fd);
  struct confine c = {.seccomp = filter_fd >= 0 ? &filter : NULL,
                      .landlock_abi = abi,
                      .umask = (mode_t)mask,
                      .ready_fd = ready_fd};
  /* The exec made us dumpable again; the parent may have died meanwhile. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_err(EXIT_SETUP, errno, "cannot make the init not dumpable");
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_err(EXIT_SETUP, errno, "cannot set the parent-death signal");
  struct pollfd pfd = {.fd = death_fd, .events = POLLIN};
  if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR)) != 0)
    _exit(EXIT_SETUP);
  close(death_fd);
  sandbox_build(&plan, &c);
}

/* Built before anything else, so --check-plan also rejects a deny rule
 * naming a syscall this architecture lacks. */
static scmp_filter_ctx build_filter(const struct plan *p) {
  if (!p->seccomp.present)
    return NULL;
  scmp_filter_ctx ctx;
  struct hsu_error e;
  if (filter_build(&p->seccomp, &ctx, &e) < 0) {
    hsu_wrap(&e, "cannot build the seccomp filter");
    die_error(EXIT_SETUP, &e);
  }
  return ctx;
}

/* --dump-filter: the filter the app would get, as the raw BPF program the
 * kernel runs, on stdout (for tests and audits on any kernel). */
static int dump_filter(scmp_filter_ctx filter, const char *name) {
  if (filter == NULL)
    die(EXIT_SETUP, "the plan %s has no seccomp filter", q(name));
  int r = seccomp_export_bpf(filter, STDOUT_FILENO);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot write the seccomp filter");
  seccomp_release(filter);
  return 0;
}

/* The kernel's Landlock ABI; dies or warns once when it lacks what the plan
 * needs. */
static int probe_landlock(const struct plan *p) {
  if (!p->landlock.present)
    return 0;
  int abi = landlock_abi();
  struct hsu_error e;
  if (landlock_missing(&p->landlock, abi, &e) > 0) {
    if ((p->landlock.flags & LANDLOCK_REQUIRED) != 0) {
      e.hint = "see 'hsu doctor'";
      die_error(EXIT_SETUP, &e);
    }
    warnx("warning: %s; continuing without them", e.msg);
  }
  return abi;
}

/* Our parent when main() began: the process that ran hsu launch, or hsu-init. */
static pid_t started_by;

/* PARAMS DIE_WITH_PARENT. The launcher set SIGKILL as our parent-death
 * signal before its execve (it holds nothing to clean up); from here on we
 * do, so the signal becomes one the outer reads, kills the sandbox on and
 * cleans up after. A parent that died before the prctl has left us
 * reparented: getppid() tells. */
static void die_with_parent(void) {
  if (prctl(PR_SET_PDEATHSIG, SIGNAL_PARENT_DIED, 0, 0, 0) < 0)
    die_err(EXIT_SETUP, errno, "cannot set the parent-death signal");
  if (getppid() != started_by)
    die(EXIT_SETUP, "the process that started the sandbox (pid %d) is gone (die-with-parent)",
        (int)started_by);
}

static _Noreturn void run(struct plan *p, scmp_filter_ctx filter);

/* A PROXY's nested plan, in the forked child of the supervisor. */
static _Noreturn void run_nested(struct plan *p) {
  run(p, build_filter(p));
}

/* The filter compiled once, for every process this plan starts (NULL: none). */
static const struct sock_fprog *compile_filter(scmp_filter_ctx filter) {
  static struct sock_fprog prog;
  if (filter == NULL)
    return NULL;
  int r = filter_compile(filter, &prog);
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot compile the seccomp filter");
  seccomp_release(filter);
  return &prog;
}

static _Noreturn void run(struct plan *p, scmp_filter_ctx filter) {
  if ((p->flags & PARAMS_DIE_WITH_PARENT) != 0)
    die_with_parent();
  struct confine c = {
      .seccomp = compile_filter(filter), .landlock_abi = probe_landlock(p), .ready_fd = -1};
  uid_t uid = geteuid();
  gid_t gid = getegid();
  /* The child polls this pipe after setting its parent-death signal: a hang
   * up means we are already gone. Our end stays open until we exit. */
  int death[2];
  if (pipe2(death, O_CLOEXEC) < 0)
    die_err(EXIT_SETUP, errno, "cannot create a pipe");
  /* PID 1 writes a byte here once the app runs: then the supervisor writes
   * the instance record. */
  int ready[2] = {-1, -1};
  if (p->instance.present && pipe2(ready, O_CLOEXEC) < 0)
    die_err(EXIT_SETUP, errno, "cannot create a pipe");
  /* The instance dir, the Wayland socket and the proxies' sockets exist
   * before the clone, so the BIND ops of the early phase find them. */
  outer_prepare(p, run_nested);
  pid_t pid = ns_clone((p->flags & PARAMS_HOST_NET) != 0);
  if (pid == -EPERM || pid == -EACCES || pid == -ENOSPC || pid == -EUSERS)
    die(EXIT_SETUP, "cannot create the sandbox namespaces: %s (%s)", hsu_strerror(-pid),
        USERNS_BLOCKED);
  if (pid < 0)
    die_err(EXIT_SETUP, -pid, "cannot create the sandbox namespaces");
  if (pid == 0) {
    outer_forget();
    sigset_t set;
    signals_forwarded_set(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
    close(death[1]);
    if (ready[0] >= 0)
      close(ready[0]);
    sandbox_main(p, &c, uid, gid, death[0], ready[1]);
  }
  close(death[0]);
  if (ready[1] >= 0)
    close(ready[1]);
  if (p->sync_fd >= 0)
    close(p->sync_fd); /* PID 1 passes it on to the app */
  outer_supervise(pid, ready[0]);
}

int main(int argc, char **argv) {
  started_by = getppid();
  remember_shown(argv);
  /* PID 1 executed again keeps its blocked, pending signals. */
  if (argc >= 2 && strcmp(argv[1], "--sandbox-init") == 0)
    sandbox_init_main(argc, argv);
  signals_reset();
  if (argc >= 2 && strcmp(argv[1], "--enter") == 0) {
    close_inherited_fds(-1);
    enter_main(argc, argv);
  }
  if (argc != 3)
    die(EXIT_SETUP, "%s", usage);
  const char *opt = argv[1], *arg = argv[2];
  struct plan plan;
  if (strcmp(opt, "--plan-fd") == 0) {
    int fd = parse_fd(arg);
    if (fd < 0)
      die(EXIT_SETUP, "--plan-fd needs a file descriptor number, not %s", q(arg));
    close_inherited_fds(fd);
    if (fcntl(fd, F_GETFD) < 0)
      die_err(EXIT_SETUP, errno, "cannot use plan fd %d", fd);
    char name[32];
    snprintf(name, sizeof(name), "fd %d", fd);
    read_plan(fd, name, &plan);
    if (fd > 2)
      close(fd);
    else
      close_inherited_fds(-1); /* a plan on stdin: nothing else to close */
    run(&plan, build_filter(&plan));
  }
  if (strcmp(opt, "--plan") == 0 || strcmp(opt, "--check-plan") == 0 ||
      strcmp(opt, "--dump-filter") == 0) {
    close_inherited_fds(-1);
    int fd = open(arg, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      die_err(EXIT_SETUP, errno, "cannot open %s", q(arg));
    read_plan(fd, q(arg), &plan);
    close(fd);
    scmp_filter_ctx filter = build_filter(&plan);
    if (strcmp(opt, "--dump-filter") == 0)
      return dump_filter(filter, arg);
    if (strcmp(opt, "--check-plan") == 0) {
      /* The nested plans' filters are built in their own processes at
       * launch; checking builds them here too. */
      for (uint32_t i = 0; i < plan.n_proxies; i++) {
        message_set_context(proxy_name(&plan.proxies[i]));
        scmp_filter_ctx nested = build_filter(plan.proxies[i].plan);
        if (nested != NULL)
          seccomp_release(nested);
      }
      message_set_context(NULL);
      if (write_all(STDOUT_FILENO, "ok\n", 3) < 0)
        return EXIT_SETUP;
      return 0;
    }
    run(&plan, filter);
  }
  die(EXIT_SETUP, "%s", usage);
}
