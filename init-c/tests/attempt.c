/* attempt ACTION [ARG...]: tries one thing a sandboxed app should (not) be
 * able to do and prints "ok" or the errno name (EPERM, ...). Exit status 0
 * whenever the attempt was made; 2 on bad usage or a failed preparation.
 * For the integration tests (tests/integration.sh) and nothing else. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HIGH_BITS 0xdead00000000ul

static int result(long r) {
  if (r < 0) {
    const char *name = strerrorname_np(errno);
    printf("%s\n", name != NULL ? name : "E?");
  } else {
    printf("ok\n");
  }
  return 0;
}

static _Noreturn void usage(void) {
  fprintf(stderr, "attempt: bad usage\n");
  exit(2);
}

/* A new pty as the controlling terminal (the app leads its own session). */
static int controlling_pty(void) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
    perror("attempt: pty");
    exit(2);
  }
  setsid(); /* fails when already a session leader: fine */
  int s = open(ptsname(m), O_RDWR);
  if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0) {
    perror("attempt: controlling tty");
    exit(2);
  }
  return s;
}

static int attempt_ptrace_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
      _exit(errno);
    raise(SIGSTOP);
    _exit(0);
  }
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    usage();
  if (WIFSTOPPED(status)) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return result(0);
  }
  errno = WIFEXITED(status) ? WEXITSTATUS(status) : EINVAL;
  return result(-1);
}

static int attempt_clone_user(void) {
  long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    _exit(0);
  if (pid > 0)
    waitpid((pid_t)pid, NULL, 0);
  return result(pid);
}

static int attempt_clone3(void) {
  struct clone_args args;
  memset(&args, 0, sizeof(args));
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof(args));
  if (pid == 0)
    _exit(0);
  if (pid > 0)
    waitpid((pid_t)pid, NULL, 0);
  return result(pid);
}

static int attempt_int80(long nr) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr) : "memory", "cc", "r8", "r9", "r10", "r11");
  if (r < 0 && r > -4096) {
    errno = (int)-r;
    return result(-1);
  }
  return result(0);
}

static int attempt_perf(void) {
  /* struct perf_event_attr, only what a software task clock needs. */
  uint32_t attr[32];
  memset(attr, 0, sizeof(attr));
  attr[0] = 1;                  /* type PERF_TYPE_SOFTWARE */
  attr[1] = sizeof(attr);       /* size */
  attr[2] = 1;                  /* config PERF_COUNT_SW_TASK_CLOCK (low half) */
  attr[10] = 1u << 5 | 1u << 6; /* exclude_kernel, exclude_hv */
  return result(syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
}

static int attempt_abstract(const char *name) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  size_t n = strlen(name);
  if (fd < 0 || n + 1 > sizeof(sa.sun_path))
    usage();
  memcpy(sa.sun_path + 1, name, n);
  return result(connect(fd, (struct sockaddr *)&sa, (socklen_t)(sizeof(sa.sun_family) + 1 + n)));
}

static int attempt_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_port = htons((uint16_t)port),
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (fd < 0)
    usage();
  return result(connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
}

int main(int argc, char **argv) {
  if (argc < 2)
    usage();
  const char *a = argv[1];
  bool high = argc > 2 && strcmp(argv[argc - 1], "high") == 0;
  unsigned long hi = high ? HIGH_BITS : 0;
  if (strcmp(a, "tiocsti") == 0) {
    int fd = controlling_pty();
    char c = ' ';
    return result(syscall(SYS_ioctl, fd, TIOCSTI | hi, &c));
  }
  if (strcmp(a, "tioclinux") == 0) {
    int fd = controlling_pty();
    char sub = 12; /* TIOCL_GETSHIFTSTATE */
    return result(syscall(SYS_ioctl, fd, TIOCLINUX | hi, &sub));
  }
  if (strcmp(a, "unshare-user") == 0)
    return result(unshare(CLONE_NEWUSER));
  if (strcmp(a, "clone-user") == 0)
    return attempt_clone_user();
  if (strcmp(a, "clone3") == 0)
    return attempt_clone3();
  if (strcmp(a, "setns") == 0)
    return result(setns(open("/proc/self/ns/uts", O_RDONLY), 0));
  if (strcmp(a, "chroot") == 0)
    return result(chroot("/"));
  if (strcmp(a, "mount") == 0)
    return result(mount("none", "/tmp", "tmpfs", 0, NULL));
  if (strcmp(a, "fsopen") == 0)
    return result(syscall(SYS_fsopen, "tmpfs", 0));
  if (strcmp(a, "pivot_root") == 0)
    return result(syscall(SYS_pivot_root, "/tmp", "/tmp"));
  if (strcmp(a, "userns-mount") == 0) {
    /* Inside a new user namespace the mount itself would be allowed. */
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
      printf("unshare:");
      return result(-1);
    }
    return result(mount("none", "/tmp", "tmpfs", 0, NULL));
  }
  if (strcmp(a, "keyctl") == 0)
    return result(syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 0));
  if (strcmp(a, "add_key") == 0)
    return result(syscall(SYS_add_key, "user", "hsu", "x", 1, -3));
  if (strcmp(a, "bpf") == 0) {
    char attr[128];
    memset(attr, 0, sizeof(attr));
    return result(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof(attr)));
  }
  if (strcmp(a, "io_uring") == 0) {
    char params[120];
    memset(params, 0, sizeof(params));
    return result(syscall(SYS_io_uring_setup, 1, params));
  }
  if (strcmp(a, "userfaultfd") == 0)
    return result(syscall(SYS_userfaultfd, 0));
  if (strcmp(a, "perf") == 0)
    return attempt_perf();
  if (strcmp(a, "clock_settime") == 0) {
    struct timespec ts = {0, 0};
    return result(syscall(SYS_clock_settime, 0, &ts));
  }
  if (strcmp(a, "ptrace-attach") == 0 && argc == 3)
    return result(ptrace(PTRACE_ATTACH, atoi(argv[2]), NULL, NULL));
  if (strcmp(a, "ptrace-child") == 0)
    return attempt_ptrace_child();
  if (strcmp(a, "personality") == 0 && argc == 3)
    return result(syscall(SYS_personality, strtoul(argv[2], NULL, 0)));
  if (strcmp(a, "int80-getpid") == 0)
    return attempt_int80(20);
  if (strcmp(a, "x32-getpid") == 0)
    return result(syscall(0x40000000 | SYS_getpid));
  if (strcmp(a, "socket") == 0 && argc >= 3)
    return result(syscall(SYS_socket, strtoul(argv[2], NULL, 0) | hi, SOCK_DGRAM, 0));
  if (strcmp(a, "chdir") == 0 && argc == 3)
    return result(chdir(argv[2]));
  if (strcmp(a, "abstract") == 0 && argc == 3)
    return attempt_abstract(argv[2]);
  if (strcmp(a, "connect") == 0 && argc == 3)
    return attempt_connect(atoi(argv[2]));
  if (strcmp(a, "kill") == 0 && argc == 3)
    return result(kill(atoi(argv[2]), 0));
  if (strcmp(a, "write") == 0 && argc == 3) {
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return result(fd < 0 ? -1 : write(fd, "x", 1));
  }
  if (strcmp(a, "read") == 0 && argc == 3)
    return result(open(argv[2], O_RDONLY | O_CLOEXEC));
  usage();
}
