/* kernel-features: what this kernel offers that the test suites depend on,
 * one "name: value" line each. Machines of one kind differ (one delivers
 * i386 system calls, another kills the caller), so the suites ask instead of
 * assuming, print the answers, and prove what they can with what is there. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_eval.h"

static int landlock_abi(void) {
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : (int)abi;
}

static void print_sysctl(const char *name, const char *path) {
  char buf[64] = "";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
  if (fd >= 0)
    close(fd);
  if (r <= 0) {
    printf("%s: absent\n", name);
    return;
  }
  buf[r] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  printf("%s: %s\n", name, buf);
}

/* In a child: a user and mount namespace, a tmpfs, and an overlay with
 * userxattr on it, as hsu-init mounts its overlays. */
static int try_overlay(void) {
  uid_t uid = getuid();
  gid_t gid = getgid();
  char map[64];
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
    return 2;
  int fd = open("/proc/self/setgroups", O_WRONLY);
  if (fd >= 0) {
    (void)!write(fd, "deny", 4);
    close(fd);
  }
  int n = snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
  fd = open("/proc/self/uid_map", O_WRONLY);
  if (fd < 0 || write(fd, map, (size_t)n) != n)
    return 3;
  close(fd);
  n = snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
  fd = open("/proc/self/gid_map", O_WRONLY);
  if (fd < 0 || write(fd, map, (size_t)n) != n)
    return 3;
  close(fd);
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("tmpfs", "/tmp", "tmpfs", 0, NULL) < 0)
    return 4;
  if (mkdir("/tmp/l", 0755) < 0 || mkdir("/tmp/u", 0755) < 0 || mkdir("/tmp/w", 0755) < 0 ||
      mkdir("/tmp/m", 0755) < 0)
    return 5;
  return mount("overlay", "/tmp/m", "overlay", 0,
               "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") < 0
             ? 1
             : 0;
}

static const char *overlay_userxattr(void) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0)
    _exit(try_overlay());
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
    return "unknown";
  switch (WEXITSTATUS(status)) {
  case 0:
    return "yes";
  case 1:
    return "no";
  default:
    return "unknown (no user namespace to try it in)";
  }
}

static const char *fuse(void) {
  int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return "usable";
  }
  return errno == ENOENT ? "absent" : "not usable by this user";
}

int main(void) {
  printf("i386-abi: %s\n", abi_i386_works() ? "present" : "absent");
  printf("x32-abi: %s\n", abi_x32_works() ? "present" : "absent");
  printf("landlock-abi: %d\n", landlock_abi());
  printf("overlay-userxattr: %s\n", overlay_userxattr());
  printf("fuse: %s\n", fuse());
  print_sysctl("perf-event-paranoid", "/proc/sys/kernel/perf_event_paranoid");
  print_sysctl("io-uring-disabled", "/proc/sys/kernel/io_uring_disabled");
  print_sysctl("unprivileged-userns-clone", "/proc/sys/kernel/unprivileged_userns_clone");
  print_sysctl("max-user-namespaces", "/proc/sys/user/max_user_namespaces");
  return 0;
}
