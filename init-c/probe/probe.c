/* hsu-probe: a tiny static program run inside hsu sandboxes by the
 * end-to-end tests. Each subcommand answers one question with one
 * machine-readable line (a few, such as ls and env, print one item per
 * line) and exits 0, or prints "ERR <ENAME> <strerror>" and exits 1 when the
 * operation fails, so tests can assert the exact errno. Usage errors exit 2.
 *
 * To add a probe (e.g. an escape attempt): write one cmd_* function and
 * add a row to the commands table. */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { EXIT_ERR = 1, EXIT_USAGE = 2 };

struct name_num {
  const char *name;
  int num;
};

#define E(x)                                                                                       \
  { #x, x }
static const struct name_num errno_names[] = {
    E(EPERM),        E(ENOENT),          E(ESRCH),        E(EINTR),        E(EIO),
    E(ENXIO),        E(E2BIG),           E(ENOEXEC),      E(EBADF),        E(ECHILD),
    E(EAGAIN),       E(ENOMEM),          E(EACCES),       E(EFAULT),       E(ENOTBLK),
    E(EBUSY),        E(EEXIST),          E(EXDEV),        E(ENODEV),       E(ENOTDIR),
    E(EISDIR),       E(EINVAL),          E(ENFILE),       E(EMFILE),       E(ENOTTY),
    E(ETXTBSY),      E(EFBIG),           E(ENOSPC),       E(ESPIPE),       E(EROFS),
    E(EMLINK),       E(EPIPE),           E(EDOM),         E(ERANGE),       E(EDEADLK),
    E(ENAMETOOLONG), E(ENOLCK),          E(ENOSYS),       E(ENOTEMPTY),    E(ELOOP),
    E(ENOMSG),       E(ENODATA),         E(ENOTSUP),      E(EOVERFLOW),    E(EBADFD),
    E(EUSERS),       E(ENOTSOCK),        E(EDESTADDRREQ), E(EMSGSIZE),     E(EPROTOTYPE),
    E(ENOPROTOOPT),  E(EPROTONOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE),   E(EADDRNOTAVAIL),
    E(ENETDOWN),     E(ENETUNREACH),     E(ECONNABORTED), E(ECONNRESET),   E(ENOBUFS),
    E(EISCONN),      E(ENOTCONN),        E(ETIMEDOUT),    E(ECONNREFUSED), E(EHOSTUNREACH),
    E(EALREADY),     E(EINPROGRESS),     E(ESTALE),       E(EDQUOT),       E(ECANCELED),
    E(EOWNERDEAD),   E(ENOTRECOVERABLE), E(ERFKILL),      E(EHWPOISON),    E(ENOKEY),
    E(EKEYREVOKED),  E(EKEYREJECTED),
};

static const struct name_num signal_names[] = {
    E(SIGHUP),    E(SIGINT),  E(SIGQUIT),  E(SIGILL),  E(SIGTRAP), E(SIGABRT),
    E(SIGBUS),    E(SIGFPE),  E(SIGKILL),  E(SIGUSR1), E(SIGSEGV), E(SIGUSR2),
    E(SIGPIPE),   E(SIGALRM), E(SIGTERM),  E(SIGCHLD), E(SIGCONT), E(SIGSTOP),
    E(SIGTSTP),   E(SIGTTIN), E(SIGTTOU),  E(SIGURG),  E(SIGXCPU), E(SIGXFSZ),
    E(SIGVTALRM), E(SIGPROF), E(SIGWINCH), E(SIGIO),   E(SIGSYS),
};
#undef E

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *errno_name(int e) {
  for (size_t i = 0; i < N_ELEMS(errno_names); i++)
    if (errno_names[i].num == e)
      return errno_names[i].name;
  return NULL;
}

static const char *signal_name(int s) {
  for (size_t i = 0; i < N_ELEMS(signal_names); i++)
    if (signal_names[i].num == s)
      return signal_names[i].name;
  return NULL;
}

/* Prints "ERR <ENAME> <strerror>" for errno e and returns the failure status. */
static int fail_errno(int e) {
  const char *name = errno_name(e);
  if (name != NULL)
    printf("ERR %s %s\n", name, strerror(e));
  else
    printf("ERR E%d %s\n", e, strerror(e));
  fflush(stdout);
  return EXIT_ERR;
}

static int fail(void) {
  return fail_errno(errno);
}

static int usage(const char *text) {
  fprintf(stderr, "usage: hsu-probe %s\n", text);
  return EXIT_USAGE;
}

static int parse_long(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Accepts "TERM", "SIGTERM" or a number. */
static int parse_signal(const char *s) {
  long n;
  if (parse_long(s, 1, 64, &n) == 0)
    return (int)n;
  for (size_t i = 0; i < N_ELEMS(signal_names); i++) {
    const char *name = signal_names[i].name;
    if (strcmp(s, name) == 0 || strcmp(s, name + 3) == 0)
      return signal_names[i].num;
  }
  return -1;
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Copies fd to stdout; returns 0 or -1 with errno. */
static int copy_to_stdout(int fd) {
  char buf[65536];
  fflush(stdout);
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (n == 0)
      return 0;
    if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
      return -1;
  }
}

static int cat_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail();
  int r = copy_to_stdout(fd);
  int saved = errno;
  close(fd);
  if (r < 0)
    return fail_errno(saved);
  return 0;
}

static const char *file_type(mode_t m) {
  switch (m & S_IFMT) {
  case S_IFREG:
    return "reg";
  case S_IFDIR:
    return "dir";
  case S_IFLNK:
    return "lnk";
  case S_IFCHR:
    return "chr";
  case S_IFBLK:
    return "blk";
  case S_IFIFO:
    return "fifo";
  case S_IFSOCK:
    return "sock";
  default:
    return "unknown";
  }
}

/* ---- subcommands: each gets the arguments after its own name ---- */

/* stat PATH: lstat, so a symlink reports type=lnk. */
static int cmd_stat(int argc, char **argv) {
  (void)argc;
  struct stat st;
  if (lstat(argv[0], &st) < 0)
    return fail();
  printf("type=%s mode=%04o uid=%u gid=%u size=%lld dev=%u:%u rdev=%u:%u\n", file_type(st.st_mode),
         (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid,
         (long long)st.st_size, major(st.st_dev), minor(st.st_dev), major(st.st_rdev),
         minor(st.st_rdev));
  return 0;
}

static int cmd_read(int argc, char **argv) {
  (void)argc;
  return cat_file(argv[0]);
}

/* stdin: copies standard input (fd 0 as inherited, not reopened) to stdout. */
static int cmd_stdin(int argc, char **argv) {
  (void)argc;
  (void)argv;
  if (copy_to_stdout(STDIN_FILENO) < 0)
    return fail();
  return 0;
}

/* write PATH TEXT: create (0644) or truncate, write TEXT, print OK. */
static int cmd_write(int argc, char **argv) {
  (void)argc;
  int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail();
  if (write_all(fd, argv[1], strlen(argv[1])) < 0) {
    int saved = errno;
    close(fd);
    return fail_errno(saved);
  }
  if (close(fd) < 0)
    return fail();
  printf("OK\n");
  return 0;
}

/* mkdir PATH: create a 0755 directory, print OK. */
static int cmd_mkdir(int argc, char **argv) {
  (void)argc;
  if (mkdir(argv[0], 0755) < 0)
    return fail();
  printf("OK\n");
  return 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* ls DIR: entry names except . and .., sorted bytewise, one per line. */
static int cmd_ls(int argc, char **argv) {
  (void)argc;
  DIR *d = opendir(argv[0]);
  if (d == NULL)
    return fail();
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (grown == NULL)
        return fail_errno(ENOMEM);
      names = grown;
    }
    names[n] = strdup(e->d_name);
    if (names[n] == NULL)
      return fail_errno(ENOMEM);
    n++;
    errno = 0;
  }
  if (errno != 0)
    return fail();
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++)
    printf("%s\n", names[i]);
  return 0;
}

static int cmd_ids(int argc, char **argv) {
  (void)argc;
  (void)argv;
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
    return fail();
  int n = getgroups(0, NULL);
  if (n < 0)
    return fail();
  gid_t *groups = calloc((size_t)n + 1, sizeof *groups);
  if (groups == NULL)
    return fail_errno(ENOMEM);
  n = getgroups(n, groups);
  if (n < 0)
    return fail();
  printf("ruid=%u euid=%u suid=%u rgid=%u egid=%u sgid=%u groups=", (unsigned)ru, (unsigned)eu,
         (unsigned)su, (unsigned)rg, (unsigned)eg, (unsigned)sg);
  for (int i = 0; i < n; i++)
    printf(i ? ",%u" : "%u", (unsigned)groups[i]);
  printf("\n");
  return 0;
}

/* caps: the capability sets as in /proc/self/status, plus no_new_privs. */
static int cmd_caps(int argc, char **argv) {
  (void)argc;
  (void)argv;
  static const char *const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
  char values[N_ELEMS(keys)][32];
  memset(values, 0, sizeof values);
  FILE *f = fopen("/proc/self/status", "re");
  if (f == NULL)
    return fail();
  char line[512];
  while (fgets(line, sizeof line, f) != NULL) {
    for (size_t i = 0; i < N_ELEMS(keys); i++) {
      size_t k = strlen(keys[i]);
      if (strncmp(line, keys[i], k) == 0 && line[k] == ':') {
        const char *v = line + k + 1;
        while (*v == ' ' || *v == '\t')
          v++;
        size_t len = strcspn(v, "\n");
        if (len >= sizeof values[i])
          len = sizeof values[i] - 1;
        memcpy(values[i], v, len);
      }
    }
  }
  fclose(f);
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (nnp < 0)
    return fail();
  for (size_t i = 0; i < N_ELEMS(keys); i++)
    printf("%s=%s ", keys[i], values[i][0] ? values[i] : "?");
  printf("no_new_privs=%d\n", nnp);
  return 0;
}

/* fds: every open descriptor as "N:TARGET", space-separated (the one reading the list left out). */
static int cmd_fds(int argc, char **argv) {
  (void)argc;
  (void)argv;
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return fail();
  int *fds = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long v;
    if (parse_long(e->d_name, 0, INT_MAX, &v) < 0 || v == dirfd(d))
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      int *grown = realloc(fds, cap * sizeof *fds);
      if (grown == NULL)
        return fail_errno(ENOMEM);
      fds = grown;
    }
    fds[n++] = (int)v;
  }
  closedir(d);
  qsort(fds, n, sizeof *fds, compare_ints);
  for (size_t i = 0; i < n; i++) {
    char path[64], target[PATH_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
    ssize_t len = readlink(path, target, sizeof target - 1);
    if (len < 0)
      len = 0;
    target[len] = '\0';
    printf(i ? " %d:%s" : "%d:%s", fds[i], target);
  }
  printf("\n");
  return 0;
}

/* signals: the blocked and ignored signal sets, as in /proc/self/status (hex masks). */
static int cmd_signals(int argc, char **argv) {
  (void)argc;
  (void)argv;
  sigset_t blocked;
  if (sigprocmask(SIG_BLOCK, NULL, &blocked) < 0)
    return fail();
  unsigned long long blk = 0, ign = 0;
  for (int sig = 1; sig <= 64; sig++) {
    struct sigaction sa;
    if (sigismember(&blocked, sig) == 1)
      blk |= 1ULL << (sig - 1);
    if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
      ign |= 1ULL << (sig - 1);
  }
  printf("SigBlk=%016llx SigIgn=%016llx\n", blk, ign);
  return 0;
}

static int cmd_mountinfo(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return cat_file("/proc/self/mountinfo");
}

/* ns NAME: the target of /proc/self/ns/NAME, e.g. "user:[4026531837]". */
static int cmd_ns(int argc, char **argv) {
  (void)argc;
  if (strchr(argv[0], '/') != NULL)
    return usage("ns NAME (a name such as user, mnt, net)");
  char path[PATH_MAX], target[PATH_MAX];
  snprintf(path, sizeof path, "/proc/self/ns/%s", argv[0]);
  ssize_t n = readlink(path, target, sizeof target - 1);
  if (n < 0)
    return fail();
  target[n] = '\0';
  printf("%s\n", target);
  return 0;
}

static int cmd_hostname(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct utsname u;
  if (uname(&u) < 0)
    return fail();
  printf("%s\n", u.nodename);
  return 0;
}

/* pids: the numeric entries of /proc, sorted, space-separated, then this pid. */
static int cmd_pids(int argc, char **argv) {
  (void)argc;
  (void)argv;
  DIR *d = opendir("/proc");
  if (d == NULL)
    return fail();
  int *pids = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long v;
    if (parse_long(e->d_name, 1, INT_MAX, &v) < 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      int *grown = realloc(pids, cap * sizeof *pids);
      if (grown == NULL)
        return fail_errno(ENOMEM);
      pids = grown;
    }
    pids[n++] = (int)v;
  }
  closedir(d);
  qsort(pids, n, sizeof *pids, compare_ints);
  printf("pids=");
  for (size_t i = 0; i < n; i++)
    printf(i ? ",%d" : "%d", pids[i]);
  printf(" self=%d\n", (int)getpid());
  return 0;
}

static int cmd_env(int argc, char **argv) {
  (void)argc;
  (void)argv;
  for (char **e = environ; *e != NULL; e++)
    printf("%s\n", *e);
  return 0;
}

/* argv [ARGS...]: "argc=N", then each argument after "argv" as "<length>:<bytes>\n",
 * so spaces, newlines and empty arguments are unambiguous. */
static int cmd_argv(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) {
    printf("%zu:", strlen(argv[i]));
    fwrite(argv[i], 1, strlen(argv[i]), stdout);
    printf("\n");
  }
  return 0;
}

static int cmd_exit(int argc, char **argv) {
  (void)argc;
  long n;
  if (parse_long(argv[0], 0, 255, &n) < 0)
    return usage("exit N (0..255)");
  fflush(stdout);
  _exit((int)n);
}

/* kill-self SIG: restore the default action, unblock, and raise. */
static int cmd_kill_self(int argc, char **argv) {
  (void)argc;
  int sig = parse_signal(argv[0]);
  if (sig < 0)
    return usage("kill-self SIG (TERM, SIGTERM or a number)");
  fflush(stdout);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  if (kill(getpid(), sig) < 0)
    return fail();
  /* A signal whose default is to ignore (or one that was not fatal) lands here. */
  printf("ERR SURVIVED still alive after %s\n", argv[0]);
  return EXIT_ERR;
}

/* sleep SECONDS [MARKER...]: prints "sleeping pid=N" once started, then sleeps.
 * Extra arguments are ignored, so tests can tag the process for /proc scans. */
static int cmd_sleep(int argc, char **argv) {
  (void)argc;
  long secs;
  if (parse_long(argv[0], 0, 86400, &secs) < 0)
    return usage("sleep SECONDS [MARKER...]");
  printf("sleeping pid=%d\n", (int)getpid());
  fflush(stdout);
  struct timespec ts = {.tv_sec = secs, .tv_nsec = 0};
  while (nanosleep(&ts, &ts) < 0)
    if (errno != EINTR)
      return fail();
  printf("OK\n");
  return 0;
}

/* spawn SECONDS MARKER: starts a child in its own session that runs "sleep SECONDS MARKER"
 * (this probe, re-executed), prints "spawned pid=N" and exits 0 at once, leaving the child
 * behind: a lingering process for the init to deal with. */
static int cmd_spawn(int argc, char **argv) {
  (void)argc;
  long secs;
  if (parse_long(argv[0], 0, 86400, &secs) < 0)
    return usage("spawn SECONDS MARKER");
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return fail();
  if (pid == 0) {
    setsid();
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull >= 0) {
      /* Let the launch's output pipes close when the app itself exits. */
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    char self[] = "hsu-probe", cmd[] = "sleep";
    char *const args[] = {self, cmd, argv[0], argv[1], NULL};
    execv("/proc/self/exe", args);
    _exit(127);
  }
  printf("spawned pid=%d\n", (int)pid);
  return 0;
}

/* wait-signal [SECONDS]: prints "ready" once the handlers are in place, then the
 * name of the first of SIGTERM/SIGINT/SIGHUP/SIGQUIT received, and exits 0.
 * Times out (default 60 s) with "ERR ETIMEDOUT ..." and status 1. */
static int cmd_wait_signal(int argc, char **argv) {
  long secs = 60;
  if (argc > 0 && parse_long(argv[0], 1, 86400, &secs) < 0)
    return usage("wait-signal [SECONDS]");
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < N_ELEMS(sigs); i++)
    sigaddset(&set, sigs[i]);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
    return fail();
  printf("ready pid=%d\n", (int)getpid());
  fflush(stdout);
  struct timespec ts = {.tv_sec = secs, .tv_nsec = 0};
  int sig;
  do
    sig = sigtimedwait(&set, NULL, &ts);
  while (sig < 0 && errno == EINTR);
  if (sig < 0)
    return fail_errno(errno == EAGAIN ? ETIMEDOUT : errno);
  printf("%s\n", signal_name(sig));
  return 0;
}

static int cmd_sid(int argc, char **argv) {
  (void)argc;
  (void)argv;
  pid_t sid = getsid(0);
  if (sid < 0)
    return fail();
  printf("sid=%d pgrp=%d pid=%d ppid=%d\n", (int)sid, (int)getpgrp(), (int)getpid(),
         (int)getppid());
  return 0;
}

/* netifs: "name:up" or "name:down" for every interface, by index, space-separated. */
static int cmd_netifs(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct if_nameindex *ifs = if_nameindex();
  if (ifs == NULL)
    return fail();
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return fail();
  const char *sep = "";
  for (struct if_nameindex *i = ifs; i->if_index != 0 && i->if_name != NULL; i++) {
    struct ifreq req;
    memset(&req, 0, sizeof req);
    snprintf(req.ifr_name, sizeof req.ifr_name, "%s", i->if_name);
    if (ioctl(s, SIOCGIFFLAGS, &req) < 0)
      return fail();
    printf("%s%s:%s", sep, i->if_name, (req.ifr_flags & IFF_UP) ? "up" : "down");
    sep = " ";
  }
  printf("\n");
  close(s);
  if_freenameindex(ifs);
  return 0;
}

static int cmd_cwd(int argc, char **argv) {
  (void)argc;
  (void)argv;
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == NULL)
    return fail();
  printf("%s\n", buf);
  return 0;
}

/* ---- escape attempts: each makes one raw syscall a sandboxed app should not get through ---- */

/* Set in the upper half of an ioctl request: the kernel only looks at the low 32 bits, so a
 * filter that compares all 64 would let the call through. */
#define HIGH_BITS 0xdead00000000ul

/* Turns a raw syscall result into the probe's output: OK, or ERR with errno. */
static int ok_or_fail(long r) {
  if (r < 0)
    return fail();
  printf("OK\n");
  return 0;
}

static int parse_fd_arg(const char *s) {
  long v;
  return parse_long(s, 0, INT_MAX, &v) < 0 ? -1 : (int)v;
}

static int high_bits_arg(int argc, char **argv, unsigned long *hi) {
  *hi = 0;
  if (argc < 2)
    return 0;
  if (strcmp(argv[1], "high") != 0)
    return -1;
  *hi = HIGH_BITS;
  return 0;
}

/* tty: whether fd 0 is a terminal and whether this process has a controlling one. */
static int cmd_tty(int argc, char **argv) {
  (void)argc;
  (void)argv;
  int ctty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  const char *why = ctty >= 0 ? "yes" : errno_name(errno);
  printf("isatty0=%d ctty=%s\n", isatty(STDIN_FILENO), why != NULL ? why : "?");
  if (ctty >= 0)
    close(ctty);
  return 0;
}

/* tiocsti FD [high]: push one space into the terminal's input queue. */
static int cmd_tiocsti(int argc, char **argv) {
  int fd = parse_fd_arg(argv[0]);
  unsigned long hi;
  if (fd < 0 || high_bits_arg(argc, argv, &hi) < 0)
    return usage("tiocsti FD [high]");
  char c = ' ';
  return ok_or_fail(syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI | hi, &c));
}

/* tioclinux FD [high]: TIOCL_GETSHIFTSTATE, the harmless subcommand (a pty answers ENOTTY or
 * EINVAL when the call gets through). */
static int cmd_tioclinux(int argc, char **argv) {
  int fd = parse_fd_arg(argv[0]);
  unsigned long hi;
  if (fd < 0 || high_bits_arg(argc, argv, &hi) < 0)
    return usage("tioclinux FD [high]");
  char sub = 6; /* TIOCL_GETSHIFTSTATE */
  return ok_or_fail(syscall(SYS_ioctl, fd, (unsigned long)TIOCLINUX | hi, &sub));
}

/* tiocsctty FD: make the terminal on FD this session's controlling terminal (without stealing
 * it: argument 0). */
static int cmd_tiocsctty(int argc, char **argv) {
  (void)argc;
  int fd = parse_fd_arg(argv[0]);
  if (fd < 0)
    return usage("tiocsctty FD");
  return ok_or_fail(ioctl(fd, TIOCSCTTY, 0));
}

/* "@name" is an abstract address, anything else a path. */
static socklen_t unix_address(const char *name, struct sockaddr_un *sa) {
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  size_t n = strlen(name);
  if (n == 0 || n >= sizeof sa->sun_path)
    return 0;
  memcpy(sa->sun_path, name, n);
  if (name[0] == '@') {
    sa->sun_path[0] = '\0';
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
  }
  return (socklen_t)sizeof *sa;
}

/* connect-unix @NAME|PATH: connect a stream socket. */
static int cmd_connect_unix(int argc, char **argv) {
  (void)argc;
  struct sockaddr_un sa;
  socklen_t len = unix_address(argv[0], &sa);
  if (len == 0)
    return usage("connect-unix @NAME|PATH");
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return fail();
  return ok_or_fail(connect(fd, (struct sockaddr *)&sa, len));
}

/* listen-unix @NAME|PATH SECONDS: a server for connect-unix, run on the host by the tests.
 * Prints "listening pid=N", accepts and closes connections, exits after SECONDS. */
static int cmd_listen_unix(int argc, char **argv) {
  (void)argc;
  struct sockaddr_un sa;
  socklen_t len = unix_address(argv[0], &sa);
  long secs;
  if (len == 0 || parse_long(argv[1], 1, 86400, &secs) < 0)
    return usage("listen-unix @NAME|PATH SECONDS");
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 16) < 0)
    return fail();
  printf("listening pid=%d\n", (int)getpid());
  fflush(stdout);
  alarm((unsigned)secs);
  for (;;) {
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (c >= 0)
      close(c);
  }
}

/* connect-tcp ADDRESS PORT: IPv4 or IPv6. */
static int cmd_connect_tcp(int argc, char **argv) {
  (void)argc;
  long port;
  if (parse_long(argv[1], 1, 65535, &port) < 0)
    return usage("connect-tcp ADDRESS PORT");
  struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
  struct sockaddr *sa;
  socklen_t len;
  if (inet_pton(AF_INET, argv[0], &v4.sin_addr) == 1) {
    sa = (struct sockaddr *)&v4;
    len = sizeof v4;
  } else if (inet_pton(AF_INET6, argv[0], &v6.sin6_addr) == 1) {
    sa = (struct sockaddr *)&v6;
    len = sizeof v6;
  } else {
    return usage("connect-tcp ADDRESS PORT");
  }
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return fail();
  return ok_or_fail(connect(fd, sa, len));
}

/* kill PID SIG: SIG as for kill-self, or 0 (only the permission check). */
static int cmd_kill(int argc, char **argv) {
  (void)argc;
  long pid;
  int sig = strcmp(argv[1], "0") == 0 ? 0 : parse_signal(argv[1]);
  if (parse_long(argv[0], 1, INT_MAX, &pid) < 0 || sig < 0)
    return usage("kill PID SIG");
  return ok_or_fail(kill((pid_t)pid, sig));
}

/* ptrace-attach PID: PTRACE_ATTACH, then detach again when it worked. */
static int cmd_ptrace_attach(int argc, char **argv) {
  (void)argc;
  long pid;
  if (parse_long(argv[0], 1, INT_MAX, &pid) < 0)
    return usage("ptrace-attach PID");
  if (ptrace(PTRACE_ATTACH, (pid_t)pid, NULL, NULL) < 0)
    return fail();
  int status;
  waitpid((pid_t)pid, &status, __WALL);
  ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
  printf("OK\n");
  return 0;
}

/* ptrace-child: forks a child that waits, attaches to it as a debugger would, reads one word
 * of its memory (PTRACE_PEEKDATA), detaches and kills it. */
static int cmd_ptrace_child(int argc, char **argv) {
  (void)argc;
  (void)argv;
  static long marker = 0x6873752d70726f62L; /* "hsu-prob", read back from the child */
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return fail();
  if (pid == 0) {
    for (;;)
      pause();
  }
  int saved = 0;
  long word = 0;
  if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
    saved = errno;
  } else {
    int status;
    if (waitpid(pid, &status, 0) < 0)
      saved = errno;
    errno = 0;
    if (saved == 0)
      word = ptrace(PTRACE_PEEKDATA, pid, (void *)&marker, NULL);
    if (saved == 0 && errno != 0)
      saved = errno;
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  if (saved != 0)
    return fail_errno(saved);
  printf(word == marker ? "OK\n" : "ERR EBADMSG read a wrong word\n");
  return word == marker ? 0 : EXIT_ERR;
}

static const struct name_num ns_flags[] = {
    {"user", CLONE_NEWUSER},     {"mnt", CLONE_NEWNS},  {"pid", CLONE_NEWPID},
    {"net", CLONE_NEWNET},       {"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC},
    {"cgroup", CLONE_NEWCGROUP},
};

/* "user,mnt" -> CLONE_NEWUSER | CLONE_NEWNS; "none" -> 0; -1 on an unknown name. */
static long parse_ns_flags(const char *list) {
  if (strcmp(list, "none") == 0)
    return 0;
  long flags = 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  char *save = NULL;
  for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
    size_t i = 0;
    while (i < N_ELEMS(ns_flags) && strcmp(t, ns_flags[i].name) != 0)
      i++;
    if (i == N_ELEMS(ns_flags))
      return -1;
    flags |= ns_flags[i].num;
  }
  return flags;
}

/* unshare NS[,NS...] (user, mnt, pid, net, uts, ipc, cgroup). */
static int cmd_unshare(int argc, char **argv) {
  (void)argc;
  long flags = parse_ns_flags(argv[0]);
  if (flags <= 0)
    return usage("unshare NS[,NS...] (user, mnt, pid, net, uts, ipc, cgroup)");
  return ok_or_fail(unshare((int)flags));
}

/* A raw clone / clone3 with these flags; the child exits at once. */
static int clone_and_reap(int use_clone3, long flags) {
  fflush(stdout);
  long pid;
  if (use_clone3) {
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = (uint64_t)flags;
    args.exit_signal = SIGCHLD;
    pid = syscall(SYS_clone3, &args, sizeof args);
  } else {
    pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  }
  if (pid == 0)
    _exit(0);
  if (pid < 0)
    return fail();
  waitpid((pid_t)pid, NULL, 0);
  printf("OK\n");
  return 0;
}

/* clone NS[,NS...]|none: clone(2) with those namespace flags. */
static int cmd_clone(int argc, char **argv) {
  (void)argc;
  long flags = parse_ns_flags(argv[0]);
  if (flags < 0)
    return usage("clone NS[,NS...]|none");
  return clone_and_reap(0, flags);
}

/* clone3 NS[,NS...]|none: clone3(2) with those namespace flags. */
static int cmd_clone3(int argc, char **argv) {
  (void)argc;
  long flags = parse_ns_flags(argv[0]);
  if (flags < 0)
    return usage("clone3 NS[,NS...]|none");
  return clone_and_reap(1, flags);
}

/* setns PATH: join the namespace of a /proc/PID/ns/NAME file. */
static int cmd_setns(int argc, char **argv) {
  (void)argc;
  int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail();
  return ok_or_fail(setns(fd, 0));
}

/* mount-tmpfs PATH */
static int cmd_mount_tmpfs(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(mount("none", argv[0], "tmpfs", 0, NULL));
}

/* bind-mount SRC DST: a plain bind. */
static int cmd_bind_mount(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(mount(argv[0], argv[1], NULL, MS_BIND, NULL));
}

/* pivot-root NEW OLD */
static int cmd_pivot_root(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(syscall(SYS_pivot_root, argv[0], argv[1]));
}

static int cmd_chroot(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(chroot(argv[0]));
}

static int dispatch(int argc, char **argv);

/* in-userns COMMAND [ARGS...]: unshare a user and a mount namespace (printing "userns OK"),
 * then run another probe command in them, where this process holds every capability. */
static int cmd_in_userns(int argc, char **argv) {
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
    return fail();
  printf("userns OK\n");
  fflush(stdout);
  return dispatch(argc, argv);
}

/* exec-creds PATH [ARGS...]: runs PATH (output discarded), and once it exited reads the
 * credentials it ran with from its zombie's /proc entry:
 * "name=N uid=R,E,S,FS gid=R,E,S,FS status=S" (as in /proc/PID/status). */
static int cmd_exec_creds(int argc, char **argv) {
  (void)argc;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    return fail();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    execv(argv[0], argv);
    _exit(127);
  }
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0)
    return fail();
  char path[64], line[512], name[64] = "?", uid[128] = "?", gid[128] = "?";
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "re");
  if (f == NULL)
    return fail();
  while (fgets(line, sizeof line, f) != NULL) {
    char *dst = NULL;
    size_t cap = 0;
    const char *v = NULL;
    if (strncmp(line, "Name:", 5) == 0)
      dst = name, cap = sizeof name, v = line + 5;
    if (strncmp(line, "Uid:", 4) == 0)
      dst = uid, cap = sizeof uid, v = line + 4;
    if (strncmp(line, "Gid:", 4) == 0)
      dst = gid, cap = sizeof gid, v = line + 4;
    if (dst == NULL)
      continue;
    size_t n = 0;
    for (; *v != '\0' && *v != '\n' && n + 1 < cap; v++) {
      if (*v == ' ' || *v == '\t') {
        if (n > 0 && dst[n - 1] != ',')
          dst[n++] = ',';
      } else {
        dst[n++] = *v;
      }
    }
    if (n > 0 && dst[n - 1] == ',')
      n--;
    dst[n] = '\0';
  }
  fclose(f);
  waitpid(pid, NULL, 0);
  printf("name=%s uid=%s gid=%s status=%d\n", name, uid, gid, info.si_status);
  return 0;
}

/* keyctl: KEYCTL_GET_KEYRING_ID of the user keyring (created when missing). */
static int cmd_keyctl(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return ok_or_fail(syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -4 /* USER_KEYRING */, 1));
}

/* bpf: BPF_MAP_CREATE of a one-entry array. */
static int cmd_bpf(int argc, char **argv) {
  (void)argc;
  (void)argv;
  uint32_t attr[32];
  memset(attr, 0, sizeof attr);
  attr[0] = 2; /* map_type BPF_MAP_TYPE_ARRAY */
  attr[1] = 4; /* key_size */
  attr[2] = 4; /* value_size */
  attr[3] = 1; /* max_entries */
  return ok_or_fail(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr));
}

/* perf-open: a task-clock counter on this process, user space only (what
 * perf_event_paranoid <= 2 allows an unprivileged process). */
static int cmd_perf_open(int argc, char **argv) {
  (void)argc;
  (void)argv;
  uint32_t attr[32]; /* struct perf_event_attr, as far as this needs */
  memset(attr, 0, sizeof attr);
  attr[0] = 1;                  /* type PERF_TYPE_SOFTWARE */
  attr[1] = sizeof attr;        /* size */
  attr[2] = 1;                  /* config PERF_COUNT_SW_TASK_CLOCK (low half) */
  attr[10] = 1u << 5 | 1u << 6; /* exclude_kernel, exclude_hv */
  return ok_or_fail(syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
}

/* int80-getpid: getpid (20) through the i386 entry, int $0x80; prints "pid=N". */
static int cmd_int80_getpid(int argc, char **argv) {
  (void)argc;
  (void)argv;
#if defined(__x86_64__)
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "cc", "r8", "r9", "r10", "r11");
  if (r < 0 && r > -4096)
    return fail_errno((int)-r);
  printf("pid=%ld\n", r);
  return 0;
#else
  return fail_errno(ENOTSUP);
#endif
}

/* x32-getpid: getpid with the x32 ABI bit set; prints "pid=N". */
static int cmd_x32_getpid(int argc, char **argv) {
  (void)argc;
  (void)argv;
#if defined(__x86_64__)
  long r = syscall(0x40000000L | SYS_getpid);
  if (r < 0)
    return fail();
  printf("pid=%ld\n", r);
  return 0;
#else
  return fail_errno(ENOTSUP);
#endif
}

static const struct name_num socket_families[] = {
    {"unix", AF_UNIX},       {"inet", AF_INET},     {"inet6", AF_INET6},
    {"netlink", AF_NETLINK}, {"packet", AF_PACKET}, {"bluetooth", AF_BLUETOOTH},
    {"alg", AF_ALG},         {"vsock", AF_VSOCK},   {"key", AF_KEY},
};

static const struct name_num socket_types[] = {
    {"stream", SOCK_STREAM},
    {"dgram", SOCK_DGRAM},
    {"raw", SOCK_RAW},
    {"seqpacket", SOCK_SEQPACKET},
};

/* socket FAMILY TYPE: a family name (unix, packet, ...) or number; a type name. */
static int cmd_socket(int argc, char **argv) {
  (void)argc;
  long family = -1, type = -1;
  for (size_t i = 0; i < N_ELEMS(socket_families); i++)
    if (strcmp(argv[0], socket_families[i].name) == 0)
      family = socket_families[i].num;
  for (size_t i = 0; i < N_ELEMS(socket_types); i++)
    if (strcmp(argv[1], socket_types[i].name) == 0)
      type = socket_types[i].num;
  if (family < 0 && parse_long(argv[0], 0, INT_MAX, &family) < 0)
    family = -1;
  if (family < 0 || type < 0)
    return usage("socket FAMILY TYPE");
  int fd = socket((int)family, (int)type | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return fail();
  close(fd);
  printf("OK\n");
  return 0;
}

/* symlink TARGET LINK */
static int cmd_symlink(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(symlink(argv[0], argv[1]));
}

/* handle-open PATH [INODE]: name_to_handle_at(PATH) (printing "handle OK type=T bytes=N"),
 * then open_by_handle_at with that handle, or with its first 32 bits replaced by INODE (the
 * inode field of ext4's and tmpfs's handles), and print the first line of what it opened. */
static int cmd_handle_open(int argc, char **argv) {
  long ino = -1;
  if (argc > 1 && parse_long(argv[1], 0, UINT32_MAX, &ino) < 0)
    return usage("handle-open PATH [INODE]");
  struct {
    struct file_handle h;
    unsigned char bytes[MAX_HANDLE_SZ];
  } fh;
  memset(&fh, 0, sizeof fh);
  fh.h.handle_bytes = MAX_HANDLE_SZ;
  int mount_id;
  if (name_to_handle_at(AT_FDCWD, argv[0], &fh.h, &mount_id, 0) < 0)
    return fail();
  printf("handle OK type=%d bytes=%u\n", fh.h.handle_type, fh.h.handle_bytes);
  fflush(stdout);
  if (ino >= 0) {
    uint32_t v = (uint32_t)ino;
    memcpy(fh.h.f_handle, &v, sizeof v);
  }
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", argv[0]);
  char *slash = strrchr(dir, '/');
  if (slash == NULL)
    return usage("handle-open PATH [INODE] (PATH with a directory)");
  slash[slash == dir ? 1 : 0] = '\0';
  int mount_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mount_fd < 0)
    return fail();
  int fd = open_by_handle_at(mount_fd, &fh.h, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail();
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n < 0)
    return fail();
  buf[n] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  printf("opened %s\n", buf);
  return 0;
}

/* mknod-char PATH MAJOR MINOR: a character device node (0 0 is an overlayfs whiteout, which
 * needs no capability, only the right to create it there). */
static int cmd_mknod_char(int argc, char **argv) {
  (void)argc;
  long maj, min;
  if (parse_long(argv[1], 0, 4095, &maj) < 0 || parse_long(argv[2], 0, 1048575, &min) < 0)
    return usage("mknod-char PATH MAJOR MINOR");
  return ok_or_fail(mknod(argv[0], S_IFCHR | 0600, makedev((unsigned)maj, (unsigned)min)));
}

static int cmd_rmdir(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(rmdir(argv[0]));
}

static int cmd_unlink(int argc, char **argv) {
  (void)argc;
  return ok_or_fail(unlink(argv[0]));
}

/* pidfd-kill PID SIG: the same as kill, through pidfd_open and pidfd_send_signal. */
static int cmd_pidfd_kill(int argc, char **argv) {
  (void)argc;
  long pid;
  int sig = strcmp(argv[1], "0") == 0 ? 0 : parse_signal(argv[1]);
  if (parse_long(argv[0], 1, INT_MAX, &pid) < 0 || sig < 0)
    return usage("pidfd-kill PID SIG");
  int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
  if (fd < 0)
    return fail();
  return ok_or_fail(syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0));
}

/* personality HEX: set the execution domain flags (e.g. 0x0040000 ADDR_NO_RANDOMIZE). */
static int cmd_personality(int argc, char **argv) {
  (void)argc;
  char *end;
  errno = 0;
  unsigned long v = strtoul(argv[0], &end, 16);
  if (errno != 0 || end == argv[0] || *end != '\0')
    return usage("personality HEX");
  return ok_or_fail(syscall(SYS_personality, v));
}

/* io-uring: io_uring_setup with one entry. */
static int cmd_io_uring(int argc, char **argv) {
  (void)argc;
  (void)argv;
  unsigned char params[120]; /* struct io_uring_params */
  memset(params, 0, sizeof params);
  return ok_or_fail(syscall(SYS_io_uring_setup, 1, params));
}

/* userfaultfd: with UFFD_USER_MODE_ONLY (what an unprivileged process may ask for). */
static int cmd_userfaultfd(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return ok_or_fail(syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */));
}

/* ---- dispatch ---- */

struct command {
  const char *name;
  int min_args;
  int max_args; /* -1: unbounded */
  const char *args;
  int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"stat", 1, 1, "PATH", cmd_stat},
    {"read", 1, 1, "PATH", cmd_read},
    {"stdin", 0, 0, "", cmd_stdin},
    {"write", 2, 2, "PATH TEXT", cmd_write},
    {"mkdir", 1, 1, "PATH", cmd_mkdir},
    {"ls", 1, 1, "DIR", cmd_ls},
    {"ids", 0, 0, "", cmd_ids},
    {"caps", 0, 0, "", cmd_caps},
    {"mountinfo", 0, 0, "", cmd_mountinfo},
    {"fds", 0, 0, "", cmd_fds},
    {"signals", 0, 0, "", cmd_signals},
    {"ns", 1, 1, "NAME", cmd_ns},
    {"hostname", 0, 0, "", cmd_hostname},
    {"pids", 0, 0, "", cmd_pids},
    {"env", 0, 0, "", cmd_env},
    {"argv", 0, -1, "[ARGS...]", cmd_argv},
    {"exit", 1, 1, "N", cmd_exit},
    {"kill-self", 1, 1, "SIG", cmd_kill_self},
    {"sleep", 1, -1, "SECONDS [MARKER...]", cmd_sleep},
    {"wait-signal", 0, 1, "[SECONDS]", cmd_wait_signal},
    {"spawn", 2, 2, "SECONDS MARKER", cmd_spawn},
    {"sid", 0, 0, "", cmd_sid},
    {"netifs", 0, 0, "", cmd_netifs},
    {"cwd", 0, 0, "", cmd_cwd},
    {"tty", 0, 0, "", cmd_tty},
    {"tiocsti", 1, 2, "FD [high]", cmd_tiocsti},
    {"tioclinux", 1, 2, "FD [high]", cmd_tioclinux},
    {"tiocsctty", 1, 1, "FD", cmd_tiocsctty},
    {"connect-unix", 1, 1, "@NAME|PATH", cmd_connect_unix},
    {"listen-unix", 2, 2, "@NAME|PATH SECONDS", cmd_listen_unix},
    {"connect-tcp", 2, 2, "ADDRESS PORT", cmd_connect_tcp},
    {"kill", 2, 2, "PID SIG", cmd_kill},
    {"pidfd-kill", 2, 2, "PID SIG", cmd_pidfd_kill},
    {"ptrace-attach", 1, 1, "PID", cmd_ptrace_attach},
    {"ptrace-child", 0, 0, "", cmd_ptrace_child},
    {"unshare", 1, 1, "NS[,NS...]", cmd_unshare},
    {"clone", 1, 1, "NS[,NS...]|none", cmd_clone},
    {"clone3", 1, 1, "NS[,NS...]|none", cmd_clone3},
    {"setns", 1, 1, "PATH", cmd_setns},
    {"mount-tmpfs", 1, 1, "PATH", cmd_mount_tmpfs},
    {"bind-mount", 2, 2, "SRC DST", cmd_bind_mount},
    {"pivot-root", 2, 2, "NEW OLD", cmd_pivot_root},
    {"chroot", 1, 1, "PATH", cmd_chroot},
    {"in-userns", 1, -1, "COMMAND [ARGS...]", cmd_in_userns},
    {"exec-creds", 1, -1, "PATH [ARGS...]", cmd_exec_creds},
    {"keyctl", 0, 0, "", cmd_keyctl},
    {"personality", 1, 1, "HEX", cmd_personality},
    {"io-uring", 0, 0, "", cmd_io_uring},
    {"userfaultfd", 0, 0, "", cmd_userfaultfd},
    {"bpf", 0, 0, "", cmd_bpf},
    {"perf-open", 0, 0, "", cmd_perf_open},
    {"int80-getpid", 0, 0, "", cmd_int80_getpid},
    {"x32-getpid", 0, 0, "", cmd_x32_getpid},
    {"socket", 2, 2, "FAMILY TYPE", cmd_socket},
    {"symlink", 2, 2, "TARGET LINK", cmd_symlink},
    {"mknod-char", 3, 3, "PATH MAJOR MINOR", cmd_mknod_char},
    {"rmdir", 1, 1, "PATH", cmd_rmdir},
    {"unlink", 1, 1, "PATH", cmd_unlink},
    {"handle-open", 1, 2, "PATH [INODE]", cmd_handle_open},
};

static void list_commands(FILE *out) {
  fprintf(out, "usage: hsu-probe COMMAND [ARGS...]\ncommands:\n");
  for (size_t i = 0; i < N_ELEMS(commands); i++)
    fprintf(out, "  %s %s\n", commands[i].name, commands[i].args);
}

/* Runs the command named by argv[0] with the rest as its arguments. */
static int dispatch(int argc, char **argv) {
  for (size_t i = 0; i < N_ELEMS(commands); i++) {
    const struct command *c = &commands[i];
    if (strcmp(argv[0], c->name) != 0)
      continue;
    int n = argc - 1;
    if (n < c->min_args || (c->max_args >= 0 && n > c->max_args)) {
      fprintf(stderr, "usage: hsu-probe %s %s\n", c->name, c->args);
      return EXIT_USAGE;
    }
    int status = c->run(n, argv + 1);
    if (fflush(stdout) != 0 && status == 0)
      return fail();
    return status;
  }
  fprintf(stderr, "hsu-probe: unknown command \"%s\"\n", argv[0]);
  list_commands(stderr);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    list_commands(stderr);
    return EXIT_USAGE;
  }
  return dispatch(argc - 1, argv + 1);
}
