/* hsu-probe: a tiny static program run inside hsu sandboxes by the
 * end-to-end tests. Each subcommand answers one question with one
 * machine-readable line (a few, such as ls and env, print one item per
 * line) and exits 0, or prints "ERR <ENAME> <strerror>" and exits 1 when the
 * operation fails, so tests can assert the exact errno. Usage errors exit 2.
 *
 * To add a probe (e.g. an escape attempt): write one cmd_* function and
 * add a row to the commands table. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { EXIT_ERR = 1, EXIT_USAGE = 2 };

struct name_num {
  const char *name;
  int num;
};

#define E(x) {#x, x}
static const struct name_num errno_names[] = {
    E(EPERM),   E(ENOENT),    E(ESRCH),     E(EINTR),     E(EIO),        E(ENXIO),
    E(E2BIG),   E(ENOEXEC),   E(EBADF),     E(ECHILD),    E(EAGAIN),     E(ENOMEM),
    E(EACCES),  E(EFAULT),    E(ENOTBLK),   E(EBUSY),     E(EEXIST),     E(EXDEV),
    E(ENODEV),  E(ENOTDIR),   E(EISDIR),    E(EINVAL),    E(ENFILE),     E(EMFILE),
    E(ENOTTY),  E(ETXTBSY),   E(EFBIG),     E(ENOSPC),    E(ESPIPE),     E(EROFS),
    E(EMLINK),  E(EPIPE),     E(EDOM),      E(ERANGE),    E(EDEADLK),    E(ENAMETOOLONG),
    E(ENOLCK),  E(ENOSYS),    E(ENOTEMPTY), E(ELOOP),     E(ENOMSG),     E(ENODATA),
    E(ENOTSUP), E(EOVERFLOW), E(EBADFD),    E(EUSERS),    E(ENOTSOCK),   E(EDESTADDRREQ),
    E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EAFNOSUPPORT),
    E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ECONNABORTED),
    E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
    E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE), E(EDQUOT), E(ECANCELED),
    E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
};

static const struct name_num signal_names[] = {
    E(SIGHUP),  E(SIGINT),  E(SIGQUIT), E(SIGILL),    E(SIGTRAP), E(SIGABRT), E(SIGBUS),
    E(SIGFPE),  E(SIGKILL), E(SIGUSR1), E(SIGSEGV),   E(SIGUSR2), E(SIGPIPE), E(SIGALRM),
    E(SIGTERM), E(SIGCHLD), E(SIGCONT), E(SIGSTOP),   E(SIGTSTP), E(SIGTTIN), E(SIGTTOU),
    E(SIGURG),  E(SIGXCPU), E(SIGXFSZ), E(SIGVTALRM), E(SIGPROF), E(SIGWINCH), E(SIGIO),
    E(SIGSYS),
};
#undef E

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *errno_name(int e) {
  for (size_t i = 0; i < N_ELEMS(errno_names); i++)
    if (errno_names[i].num == e) return errno_names[i].name;
  return NULL;
}

static const char *signal_name(int s) {
  for (size_t i = 0; i < N_ELEMS(signal_names); i++)
    if (signal_names[i].num == s) return signal_names[i].name;
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

static int fail(void) { return fail_errno(errno); }

static int usage(const char *text) {
  fprintf(stderr, "usage: hsu-probe %s\n", text);
  return EXIT_USAGE;
}

static int parse_long(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return -1;
  *out = v;
  return 0;
}

/* Accepts "TERM", "SIGTERM" or a number. */
static int parse_signal(const char *s) {
  long n;
  if (parse_long(s, 1, 64, &n) == 0) return (int)n;
  for (size_t i = 0; i < N_ELEMS(signal_names); i++) {
    const char *name = signal_names[i].name;
    if (strcmp(s, name) == 0 || strcmp(s, name + 3) == 0) return signal_names[i].num;
  }
  return -1;
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
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
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) return 0;
    if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0) return -1;
  }
}

static int cat_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail();
  int r = copy_to_stdout(fd);
  int saved = errno;
  close(fd);
  if (r < 0) return fail_errno(saved);
  return 0;
}

static const char *file_type(mode_t m) {
  switch (m & S_IFMT) {
    case S_IFREG: return "reg";
    case S_IFDIR: return "dir";
    case S_IFLNK: return "lnk";
    case S_IFCHR: return "chr";
    case S_IFBLK: return "blk";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "sock";
    default: return "unknown";
  }
}

/* ---- subcommands: each gets the arguments after its own name ---- */

/* stat PATH: lstat, so a symlink reports type=lnk. */
static int cmd_stat(int argc, char **argv) {
  (void)argc;
  struct stat st;
  if (lstat(argv[0], &st) < 0) return fail();
  printf("type=%s mode=%04o uid=%u gid=%u size=%lld dev=%u:%u rdev=%u:%u\n",
         file_type(st.st_mode), (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
         (unsigned)st.st_gid, (long long)st.st_size, major(st.st_dev), minor(st.st_dev),
         major(st.st_rdev), minor(st.st_rdev));
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
  if (copy_to_stdout(STDIN_FILENO) < 0) return fail();
  return 0;
}

/* write PATH TEXT: create (0644) or truncate, write TEXT, print OK. */
static int cmd_write(int argc, char **argv) {
  (void)argc;
  int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail();
  if (write_all(fd, argv[1], strlen(argv[1])) < 0) {
    int saved = errno;
    close(fd);
    return fail_errno(saved);
  }
  if (close(fd) < 0) return fail();
  printf("OK\n");
  return 0;
}

/* mkdir PATH: create a 0755 directory, print OK. */
static int cmd_mkdir(int argc, char **argv) {
  (void)argc;
  if (mkdir(argv[0], 0755) < 0) return fail();
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
  if (d == NULL) return fail();
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (grown == NULL) return fail_errno(ENOMEM);
      names = grown;
    }
    names[n] = strdup(e->d_name);
    if (names[n] == NULL) return fail_errno(ENOMEM);
    n++;
    errno = 0;
  }
  if (errno != 0) return fail();
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++) printf("%s\n", names[i]);
  return 0;
}

static int cmd_ids(int argc, char **argv) {
  (void)argc;
  (void)argv;
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0) return fail();
  int n = getgroups(0, NULL);
  if (n < 0) return fail();
  gid_t *groups = calloc((size_t)n + 1, sizeof *groups);
  if (groups == NULL) return fail_errno(ENOMEM);
  n = getgroups(n, groups);
  if (n < 0) return fail();
  printf("ruid=%u euid=%u suid=%u rgid=%u egid=%u sgid=%u groups=", (unsigned)ru, (unsigned)eu,
         (unsigned)su, (unsigned)rg, (unsigned)eg, (unsigned)sg);
  for (int i = 0; i < n; i++) printf(i ? ",%u" : "%u", (unsigned)groups[i]);
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
  if (f == NULL) return fail();
  char line[512];
  while (fgets(line, sizeof line, f) != NULL) {
    for (size_t i = 0; i < N_ELEMS(keys); i++) {
      size_t k = strlen(keys[i]);
      if (strncmp(line, keys[i], k) == 0 && line[k] == ':') {
        const char *v = line + k + 1;
        while (*v == ' ' || *v == '\t') v++;
        size_t len = strcspn(v, "\n");
        if (len >= sizeof values[i]) len = sizeof values[i] - 1;
        memcpy(values[i], v, len);
      }
    }
  }
  fclose(f);
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (nnp < 0) return fail();
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
  if (d == NULL) return fail();
  int *fds = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long v;
    if (parse_long(e->d_name, 0, INT_MAX, &v) < 0 || v == dirfd(d)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      int *grown = realloc(fds, cap * sizeof *fds);
      if (grown == NULL) return fail_errno(ENOMEM);
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
    if (len < 0) len = 0;
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
  if (sigprocmask(SIG_BLOCK, NULL, &blocked) < 0) return fail();
  unsigned long long blk = 0, ign = 0;
  for (int sig = 1; sig <= 64; sig++) {
    struct sigaction sa;
    if (sigismember(&blocked, sig) == 1) blk |= 1ULL << (sig - 1);
    if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) ign |= 1ULL << (sig - 1);
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
  if (strchr(argv[0], '/') != NULL) return usage("ns NAME (a name such as user, mnt, net)");
  char path[PATH_MAX], target[PATH_MAX];
  snprintf(path, sizeof path, "/proc/self/ns/%s", argv[0]);
  ssize_t n = readlink(path, target, sizeof target - 1);
  if (n < 0) return fail();
  target[n] = '\0';
  printf("%s\n", target);
  return 0;
}

static int cmd_hostname(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct utsname u;
  if (uname(&u) < 0) return fail();
  printf("%s\n", u.nodename);
  return 0;
}

/* pids: the numeric entries of /proc, sorted, space-separated, then this pid. */
static int cmd_pids(int argc, char **argv) {
  (void)argc;
  (void)argv;
  DIR *d = opendir("/proc");
  if (d == NULL) return fail();
  int *pids = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    long v;
    if (parse_long(e->d_name, 1, INT_MAX, &v) < 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      int *grown = realloc(pids, cap * sizeof *pids);
      if (grown == NULL) return fail_errno(ENOMEM);
      pids = grown;
    }
    pids[n++] = (int)v;
  }
  closedir(d);
  qsort(pids, n, sizeof *pids, compare_ints);
  printf("pids=");
  for (size_t i = 0; i < n; i++) printf(i ? ",%d" : "%d", pids[i]);
  printf(" self=%d\n", (int)getpid());
  return 0;
}

static int cmd_env(int argc, char **argv) {
  (void)argc;
  (void)argv;
  for (char **e = environ; *e != NULL; e++) printf("%s\n", *e);
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
  if (parse_long(argv[0], 0, 255, &n) < 0) return usage("exit N (0..255)");
  fflush(stdout);
  _exit((int)n);
}

/* kill-self SIG: restore the default action, unblock, and raise. */
static int cmd_kill_self(int argc, char **argv) {
  (void)argc;
  int sig = parse_signal(argv[0]);
  if (sig < 0) return usage("kill-self SIG (TERM, SIGTERM or a number)");
  fflush(stdout);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  if (kill(getpid(), sig) < 0) return fail();
  /* A signal whose default is to ignore (or one that was not fatal) lands here. */
  printf("ERR SURVIVED still alive after %s\n", argv[0]);
  return EXIT_ERR;
}

/* sleep SECONDS [MARKER...]: prints "sleeping pid=N" once started, then sleeps.
 * Extra arguments are ignored, so tests can tag the process for /proc scans. */
static int cmd_sleep(int argc, char **argv) {
  (void)argc;
  long secs;
  if (parse_long(argv[0], 0, 86400, &secs) < 0) return usage("sleep SECONDS [MARKER...]");
  printf("sleeping pid=%d\n", (int)getpid());
  fflush(stdout);
  struct timespec ts = {.tv_sec = secs, .tv_nsec = 0};
  while (nanosleep(&ts, &ts) < 0)
    if (errno != EINTR) return fail();
  printf("OK\n");
  return 0;
}

/* spawn SECONDS MARKER: starts a child in its own session that runs "sleep SECONDS MARKER"
 * (this probe, re-executed), prints "spawned pid=N" and exits 0 at once, leaving the child
 * behind: a lingering process for the init to deal with. */
static int cmd_spawn(int argc, char **argv) {
  (void)argc;
  long secs;
  if (parse_long(argv[0], 0, 86400, &secs) < 0) return usage("spawn SECONDS MARKER");
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return fail();
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
  if (argc > 0 && parse_long(argv[0], 1, 86400, &secs) < 0) return usage("wait-signal [SECONDS]");
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < N_ELEMS(sigs); i++) sigaddset(&set, sigs[i]);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return fail();
  printf("ready pid=%d\n", (int)getpid());
  fflush(stdout);
  struct timespec ts = {.tv_sec = secs, .tv_nsec = 0};
  int sig;
  do sig = sigtimedwait(&set, NULL, &ts);
  while (sig < 0 && errno == EINTR);
  if (sig < 0) return fail_errno(errno == EAGAIN ? ETIMEDOUT : errno);
  printf("%s\n", signal_name(sig));
  return 0;
}

static int cmd_sid(int argc, char **argv) {
  (void)argc;
  (void)argv;
  pid_t sid = getsid(0);
  if (sid < 0) return fail();
  printf("sid=%d pgrp=%d pid=%d ppid=%d\n", (int)sid, (int)getpgrp(), (int)getpid(),
         (int)getppid());
  return 0;
}

/* netifs: "name:up" or "name:down" for every interface, by index, space-separated. */
static int cmd_netifs(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct if_nameindex *ifs = if_nameindex();
  if (ifs == NULL) return fail();
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return fail();
  const char *sep = "";
  for (struct if_nameindex *i = ifs; i->if_index != 0 && i->if_name != NULL; i++) {
    struct ifreq req;
    memset(&req, 0, sizeof req);
    snprintf(req.ifr_name, sizeof req.ifr_name, "%s", i->if_name);
    if (ioctl(s, SIOCGIFFLAGS, &req) < 0) return fail();
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
  if (getcwd(buf, sizeof buf) == NULL) return fail();
  printf("%s\n", buf);
  return 0;
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
};

static void list_commands(FILE *out) {
  fprintf(out, "usage: hsu-probe COMMAND [ARGS...]\ncommands:\n");
  for (size_t i = 0; i < N_ELEMS(commands); i++)
    fprintf(out, "  %s %s\n", commands[i].name, commands[i].args);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    list_commands(stderr);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < N_ELEMS(commands); i++) {
    const struct command *c = &commands[i];
    if (strcmp(argv[1], c->name) != 0) continue;
    int n = argc - 2;
    if (n < c->min_args || (c->max_args >= 0 && n > c->max_args)) {
      fprintf(stderr, "usage: hsu-probe %s %s\n", c->name, c->args);
      return EXIT_USAGE;
    }
    int status = c->run(n, argv + 2);
    if (fflush(stdout) != 0 && status == 0) return fail();
    return status;
  }
  fprintf(stderr, "hsu-probe: unknown command \"%s\"\n", argv[1]);
  list_commands(stderr);
  return EXIT_USAGE;
}
