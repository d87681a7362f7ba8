#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "seccomp.h"
#include "signals.h"
#include "util.h"

int read_last_cap(void) {
  autoclose int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  char buf[16];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0)
    return n < 0 ? -errno : -EINVAL;
  buf[n] = '\0';
  char *end;
  long v = strtol(buf, &end, 10);
  if (end == buf || v < 0 || v > 255)
    return -EINVAL;
  return (int)v;
}

int drop_privileges(int last_cap) {
  for (int cap = 0; cap <= last_cap; cap++)
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return -errno;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return -errno;
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof(data));
  if (syscall(SYS_capset, &hdr, data) < 0)
    return -errno;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -errno;
  return check_privileges(last_cap);
}

int keep_caps_across_exec(int last_cap) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) < 0)
    return -errno;
  for (int i = 0; i < 2; i++)
    data[i].inheritable = data[i].permitted;
  if (syscall(SYS_capset, &hdr, data) < 0)
    return -errno;
  for (int cap = 0; cap <= last_cap; cap++)
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EINVAL)
      return -errno;
  return 0;
}

/* Reads every set back: a drop that failed silently must not go unnoticed. */
int check_privileges(int last_cap) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) < 0)
    return -errno;
  for (int i = 0; i < 2; i++)
    if (data[i].effective != 0 || data[i].permitted != 0 || data[i].inheritable != 0)
      return -HSU_ECAPLEFT;
  for (int cap = 0; cap <= last_cap; cap++) {
    int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding < 0 && errno != EINVAL)
      return -errno;
    int ambient = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (ambient < 0 && errno != EINVAL)
      return -errno;
    if (in_bounding > 0 || ambient > 0)
      return -HSU_ECAPLEFT;
  }
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (nnp < 0)
    return -errno;
  return nnp == 1 ? 0 : -HSU_ENONNP;
}

static const char *env_get(char *const envp[], const char *name) {
  size_t n = strlen(name);
  for (; envp != NULL && *envp != NULL; envp++)
    if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
      return *envp + n + 1;
  return NULL;
}

int exec_search(char *const argv[], char *const envp[]) {
  const char *file = argv[0];
  if (strchr(file, '/') != NULL) {
    execve(file, argv, envp);
    return -errno;
  }
  const char *path = env_get(envp, "PATH");
  if (path == NULL)
    path = "/usr/local/bin:/usr/bin:/bin";
  bool denied = false;
  size_t flen = strlen(file);
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    size_t dlen = (size_t)(end - p);
    char buf[4096 + 256];
    if (dlen + 1 + flen < sizeof(buf)) {
      if (dlen == 0) { /* an empty PATH entry is the current directory */
        memcpy(buf, file, flen + 1);
      } else {
        memcpy(buf, p, dlen);
        buf[dlen] = '/';
        memcpy(buf + dlen + 1, file, flen + 1);
      }
      execve(buf, argv, envp);
      switch (errno) {
      case EACCES:
        denied = true;
        break;
      case ENOENT:
      case ENOTDIR:
      case ESTALE:
      case ENODEV:
      case ETIMEDOUT:
      case ELOOP:
      case ENAMETOOLONG:
        break;
      default:
        return -errno;
      }
    }
    if (*end == '\0')
      break;
    p = end;
  }
  return denied ? -EACCES : -ENOENT;
}

pid_t spawn(const struct spawn_req *req, int *report_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return -errno;
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    return -err;
  }
  if (pid == 0) {
    close(fds[0]);
    int report_to = fds[1];
    /* Out of the way of the passed fd's number (at most 63). */
    if (req->pass_fd >= 0 && report_to < 64) {
      int moved = fcntl(report_to, F_DUPFD_CLOEXEC, 64);
      if (moved >= 0) {
        close(report_to);
        report_to = moved;
      }
    }
    int report[2] = {SPAWN_PRIVILEGES, 0};
    signals_reset();
    umask(req->umask);
    if (req->new_session && setsid() < 0) {
      report[1] = errno;
    } else {
      int r = drop_privileges(req->last_cap);
      if (r == 0 && req->landlock_fd >= 0) {
        report[0] = SPAWN_LANDLOCK;
        r = landlock_enforce(req->landlock_fd);
      }
      /* The last step: nothing of ours runs under the filter but the
       * execve calls, the report below (write) and _exit. */
      if (r == 0 && req->seccomp != NULL) {
        report[0] = SPAWN_SECCOMP;
        r = filter_load(req->seccomp);
      }
      /* Last, as what it replaces (the ruleset fd, say) is no longer needed. */
      if (r == 0 && req->pass_fd >= 0) {
        report[0] = SPAWN_EXEC;
        if (req->pass_fd == req->pass_to)
          r = fcntl(req->pass_fd, F_SETFD, 0) < 0 ? -errno : 0;
        else
          r = dup2(req->pass_fd, req->pass_to) < 0 ? -errno : 0;
      }
      if (r < 0) {
        report[1] = -r;
      } else {
        report[0] = SPAWN_EXEC;
        if (req->search_path) {
          report[1] = -exec_search(req->argv, req->envp);
        } else {
          execve(req->argv[0], req->argv, req->envp);
          report[1] = errno;
        }
      }
    }
    (void)write_all(report_to, report, sizeof(report));
    _exit(EXIT_NOT_FOUND);
  }
  close(fds[1]);
  *report_fd = fds[0];
  return pid;
}

int spawn_result(int report_fd, int *stage, int *err) {
  int report[2];
  size_t got = 0;
  while (got < sizeof(report)) {
    ssize_t n = read(report_fd, (char *)report + got, sizeof(report) - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    if (n == 0)
      break;
    got += (size_t)n;
  }
  if (got == 0)
    return 0;
  if (got != sizeof(report))
    return -EPROTO;
  *stage = report[0];
  *err = report[1];
  return 1;
}
