#include "outer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flatpak.h"
#include "pid1.h"
#include "proxy.h"
#include "record.h"
#include "signals.h"
#include "util.h"
#include "wayland.h"

#define WAYLAND_TIMEOUT_MS 10000
#define MAX_DEPTH 16

static struct {
  const char *dir;  /* the instance dir, for messages */
  const char *name; /* its name in parent_fd */
  int parent_fd, dir_fd;
  bool created; /* ours to remove */
  int close_fd; /* the Wayland security context lives while it is open */
  struct proxy_handle proxies[PROXY_MAX];
  size_t n_proxies;
  sigset_t saved_mask; /* the mask before outer_prepare, for the child */
  const struct plan *plan;
  int exit_fd; /* the exit file, once the record is written */
} st = {.parent_fd = -1, .dir_fd = -1, .close_fd = -1, .exit_fd = -1};

/* Removes everything beneath dfd without following a symlink. */
static int remove_contents(int dfd, int depth) {
  if (depth > MAX_DEPTH)
    return -ELOOP;
  int fd = dup(dfd);
  if (fd < 0)
    return -errno;
  DIR *d = fdopendir(fd);
  if (d == NULL) {
    int saved = errno;
    close(fd);
    return -saved;
  }
  rewinddir(d); /* the dup shares dfd's offset, which an earlier pass left at the end */
  int r = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (unlinkat(dfd, e->d_name, 0) == 0 || errno == ENOENT)
      continue;
    if (errno != EISDIR) {
      r = -errno;
      continue;
    }
    int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) {
      r = -errno;
      continue;
    }
    int rr = remove_contents(sub, depth + 1);
    close(sub);
    if (rr < 0)
      r = rr;
    else if (unlinkat(dfd, e->d_name, AT_REMOVEDIR) < 0)
      r = -errno;
  }
  closedir(d);
  return r;
}

static void cleanup(void) {
  flatpak_instance_remove();
  /* The helpers go first: their sockets live in the instance dir. */
  proxy_stop(st.proxies, st.n_proxies);
  st.n_proxies = 0;
  if (st.close_fd >= 0) {
    close(st.close_fd);
    st.close_fd = -1;
  }
  if (st.created) {
    st.created = false;
    int r = remove_contents(st.dir_fd, 0);
    if (r == 0 && unlinkat(st.parent_fd, st.name, AT_REMOVEDIR) < 0)
      r = -errno;
    if (r < 0)
      warn_err(-r, "cannot remove the instance directory %s", q(st.dir));
  }
  if (st.dir_fd >= 0)
    close(st.dir_fd);
  if (st.parent_fd >= 0)
    close(st.parent_fd);
  st.dir_fd = st.parent_fd = -1;
}

/* The pid in dir/pid when that process still exists, else 0. */
static pid_t live_owner(int dfd) {
  int fd = openat(dfd, "pid", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return 0;
  char buf[32];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  char *end;
  long pid = strtol(buf, &end, 10);
  if (pid <= 0 || pid > 0x3FFFFFFF || (*end != '\n' && *end != '\0'))
    return 0;
  if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
    return (pid_t)pid;
  return 0;
}

static void instance_create(const struct instance *in) {
  const char *slash = strrchr(in->dir, '/');
  char parent[PLAN_MAX_PATH];
  size_t n = slash == in->dir ? 1 : (size_t)(slash - in->dir);
  memcpy(parent, in->dir, n);
  parent[n] = '\0';
  st.dir = in->dir;
  st.name = slash + 1;
  uid_t uid = geteuid();

  /* RUNTIME/hsu: made on first use. The runtime dir must exist, but for
   * the fallback without a login session, made here when missing. */
  char runtime[PLAN_MAX_PATH];
  snprintf(runtime, sizeof(runtime), "%s", parent);
  char *cut = strrchr(runtime, '/');
  if (cut != NULL && cut != runtime) {
    *cut = '\0';
    struct hsu_error e;
    if (runtime_dir_check(runtime, true, &e) < 0)
      die_error(EXIT_SETUP, &e);
  }
  bool made_parent = mkdir(parent, 0700) == 0;
  if (!made_parent && errno != EEXIST)
    die_err(EXIT_SETUP, errno, "cannot create directory %s", q(parent));
  st.parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat sb;
  if (st.parent_fd < 0 || fstat(st.parent_fd, &sb) < 0)
    die_err(EXIT_SETUP, errno == ELOOP ? ENOTDIR : errno, "cannot open directory %s", q(parent));
  if (sb.st_uid != uid)
    die(EXIT_SETUP, "cannot use directory %s: it belongs to uid %u, not %u", q(parent),
        (unsigned)sb.st_uid, (unsigned)uid);
  if (made_parent && fchmod(st.parent_fd, 0700) < 0)
    die_err(EXIT_SETUP, errno, "cannot change the mode of %s", q(parent));

  bool exists = mkdirat(st.parent_fd, st.name, 0700) < 0;
  if (exists && errno != EEXIST)
    die_err(EXIT_SETUP, errno, "cannot create the instance directory %s", q(in->dir));
  st.dir_fd = openat(st.parent_fd, st.name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (st.dir_fd < 0 || fstat(st.dir_fd, &sb) < 0) {
    int err = errno;
    if (!exists)
      unlinkat(st.parent_fd, st.name, AT_REMOVEDIR);
    die_err(EXIT_SETUP, err == ELOOP ? ENOTDIR : err, "cannot open the instance directory %s",
            q(in->dir));
  }
  if (exists) {
    /* Only a relaunch of a compiled plan reuses an id: a stale dir of ours
     * is emptied, a live one is refused. */
    if (sb.st_uid != uid)
      die(EXIT_SETUP, "cannot use the instance directory %s: it belongs to uid %u, not %u",
          q(in->dir), (unsigned)sb.st_uid, (unsigned)uid);
    pid_t owner = live_owner(st.dir_fd);
    if (owner != 0)
      die(EXIT_SETUP, "the instance directory %s is in use by process %d", q(in->dir), (int)owner);
  }
  st.created = true;
  die_set_cleanup(cleanup);
  int r = exists ? remove_contents(st.dir_fd, 0) : 0;
  if (r < 0)
    die_err(EXIT_SETUP, -r, "cannot empty the stale instance directory %s", q(in->dir));
  if (fchmod(st.dir_fd, 0700) < 0)
    die_err(EXIT_SETUP, errno, "cannot change the mode of %s", q(in->dir));

  char pid[32];
  snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
  autoclose int fd =
      openat(st.dir_fd, "pid", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 || (r = write_all(fd, pid, strlen(pid))) < 0)
    die_err(EXIT_SETUP, fd < 0 ? errno : -r, "cannot write \"%s/pid\"", st.dir);
}

static void wayland_prepare(const struct plan *p) {
  const struct wayland *w = &p->wayland;
  if (!w->present || (w->flags & WAYLAND_DIRECT) != 0)
    return;
  struct wayland_request req = {
      .compositor = w->compositor,
      .dir_fd = st.dir_fd,
      .socket = w->socket,
      .socket_name = strrchr(w->socket, '/') + 1,
      .engine = "hsu",
      .app_id = w->app_id,
      .instance_id = p->instance.id,
      .timeout_ms = WAYLAND_TIMEOUT_MS,
  };
  struct hsu_error e;
  st.close_fd = wayland_security_context(&req, &e);
  if (st.close_fd < 0)
    die_error(EXIT_SETUP, &e);
}

static void outer_signal_set(sigset_t *set) {
  sigset_t fatal;
  signals_forwarded_set(set);
  signals_fatal_set(&fatal);
  for (int sig = 1; sig < NSIG; sig++)
    if (sigismember(&fatal, sig) == 1)
      sigaddset(set, sig);
}

/* One after the other, each ready before the next starts. */
static void proxies_start(const struct plan *p, proxy_runner run) {
  if (p->n_proxies == 0)
    return;
  sigset_t set;
  outer_signal_set(&set);
  /* Without a signalfd the wait still ends: by the timeout at the latest. */
  autoclose int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  for (uint32_t i = 0; i < p->n_proxies; i++) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
      die_err(EXIT_SETUP, errno, "cannot create a pipe for the %s", proxy_name(&p->proxies[i]));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
      int err = errno;
      close(fds[0]);
      close(fds[1]);
      die_err(EXIT_SETUP, err, "cannot start the %s", proxy_name(&p->proxies[i]));
    }
    if (pid == 0) {
      close(fds[0]);
      if (sfd >= 0)
        close(sfd);
      outer_forget();
      proxy_child(&p->proxies[i], fds[1], parent, run);
    }
    close(fds[1]);
    struct proxy_handle *h = &st.proxies[st.n_proxies++];
    *h = (struct proxy_handle){.pid = pid, .read_fd = fds[0], .name = proxy_name(&p->proxies[i])};
    proxy_wait_ready(&p->proxies[i], h, sfd);
  }
}

void outer_prepare(const struct plan *p, proxy_runner run) {
  sigset_t set;
  outer_signal_set(&set);
  sigprocmask(SIG_BLOCK, &set, &st.saved_mask);
  /* Writes to a closed peer must fail, not kill us before the cleanup. */
  signal(SIGPIPE, SIG_IGN);
  st.plan = p;
  if (p->instance.present)
    instance_create(&p->instance);
  wayland_prepare(p);
  proxies_start(p, run);
}

void outer_forget(void) {
  die_set_cleanup(NULL);
  st.created = false;
  for (size_t i = 0; i < st.n_proxies; i++)
    if (st.proxies[i].read_fd >= 0)
      close(st.proxies[i].read_fd);
  st.n_proxies = 0;
  if (st.close_fd >= 0)
    close(st.close_fd);
  if (st.dir_fd >= 0)
    close(st.dir_fd);
  if (st.parent_fd >= 0)
    close(st.parent_fd);
  st.close_fd = st.dir_fd = st.parent_fd = -1;
  signal(SIGPIPE, SIG_DFL);
  sigprocmask(SIG_SETMASK, &st.saved_mask, NULL);
}

/* For hsu wait, which holds the exit file open: the status, before the dir
 * (and the file's name) goes. */
static void record_exit(int code) {
  if (st.exit_fd < 0)
    return;
  char buf[16];
  int n = snprintf(buf, sizeof(buf), "%d\n", code);
  if (pwrite(st.exit_fd, buf, (size_t)n, 0) != n)
    warn_err(errno, "cannot write the exit status in \"%s/%s\"", st.dir, RECORD_EXIT);
  close(st.exit_fd);
  st.exit_fd = -1;
}

/* The app runs: the record, after what it names (plan, exit), so a reader
 * that finds the record finds the rest. Best effort: a sandbox without a
 * record still runs, it is only not listed. */
static void record_write(pid_t child) {
  if (!st.created || st.exit_fd >= 0)
    return;
  struct proc_id sup = {.pid = getpid()}, init = {.pid = child};
  int r = proc_start_time(sup.pid, &sup.start);
  if (r == 0)
    r = proc_start_time(init.pid, &init.start);
  if (r < 0) {
    warn_err(-r, "cannot write the instance record: cannot read a start time");
    return;
  }
  int fd = openat(st.dir_fd, RECORD_EXIT, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    warn_err(errno, "cannot create \"%s/%s\"", st.dir, RECORD_EXIT);
    return;
  }
  static char json[16384];
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  r = record_write_file(st.dir_fd, RECORD_PLAN, st.plan->bytes, st.plan->len);
  if (r == 0)
    r = record_format(st.plan, sup, init, (long long)now.tv_sec, json, sizeof(json));
  if (r == 0)
    r = record_write_file(st.dir_fd, RECORD_NAME, json, strlen(json));
  if (r < 0) {
    warn_err(-r, "cannot write the instance record in %s", q(st.dir));
    close(fd);
    return;
  }
  st.exit_fd = fd;
  flatpak_instance_write(st.plan, child);
}

static _Noreturn void exit_cleanly(int code) {
  die_set_cleanup(NULL);
  record_exit(code);
  cleanup();
  _exit(code);
}

/* A fatal signal: the sandbox dies, then we clean up and die of it too. */
static _Noreturn void die_of(pid_t child, int sig) {
  die_set_cleanup(NULL);
  kill(child, SIGKILL);
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
    ;
  record_exit(128 + sig);
  cleanup();
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
  _exit(128 + sig);
}

/* Reads the ready byte: the record is written on it; EOF closes the pipe. */
static void on_ready(int *ready_fd, pid_t child) {
  char c;
  ssize_t n = read(*ready_fd, &c, 1);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n == 1)
    record_write(child);
  close(*ready_fd);
  *ready_fd = -1;
}

void outer_supervise(pid_t child, int ready_fd) {
  sigset_t set;
  outer_signal_set(&set);
  int sfd = -1;
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
      (sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
    /* Without a signalfd we can still wait; signals just are not forwarded. */
    warn_err(errno, "cannot read signals");
  }
  for (;;) {
    int status;
    pid_t pid = waitpid(child, &status, sfd >= 0 || ready_fd >= 0 ? WNOHANG : 0);
    if (pid == child)
      exit_cleanly(exit_code_of(status));
    if (pid < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for the sandbox");
    if (sfd < 0 && ready_fd < 0)
      continue;
    struct pollfd pfd[2] = {{.fd = sfd, .events = POLLIN}, {.fd = ready_fd, .events = POLLIN}};
    /* Without a signalfd, the child's end is noticed within a second. */
    if (poll(pfd, 2, sfd >= 0 ? -1 : 1000) < 0 && errno != EINTR)
      die_err(EXIT_SETUP, errno, "cannot wait for signals");
    if (ready_fd >= 0 && pfd[1].revents != 0)
      on_ready(&ready_fd, child);
    if (sfd < 0)
      continue;
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
      int sig = (int)si.ssi_signo;
      if (signals_is_forwarded(sig))
        kill(child, sig);
      else if (sig != SIGCHLD)
        die_of(child, sig);
    }
  }
}
