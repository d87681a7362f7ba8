#include "ns.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"
#include "util.h"

pid_t ns_clone(bool host_net) {
  unsigned long flags =
      CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
  if (!host_net)
    flags |= CLONE_NEWNET;
  /* No new stack: the child continues on a copy of ours, like fork(). */
  long pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  return pid < 0 ? -errno : (pid_t)pid;
}

static int loopback_up(void) {
  autoclose int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
    return -errno;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
    return -errno;
  return 0;
}

int ns_init_child(const struct plan *p, uid_t outer_uid, gid_t outer_gid, int death_fd,
                  struct hsu_error *e) {
  int r;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return hsu_fail(e, errno, "cannot set the parent-death signal");
  /* The parent may have died before the prctl: its end of the pipe is then
   * closed. (getppid() is 0 in a new pid namespace, so it cannot tell.) */
  struct pollfd pfd = {.fd = death_fd, .events = POLLIN};
  if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR)) != 0)
    _exit(EXIT_SETUP);

  char map[64];
  if ((r = write_file("/proc/self/setgroups", "deny")) < 0)
    return hsu_fail(e, -r, "cannot write \"/proc/self/setgroups\"");
  snprintf(map, sizeof(map), "%u %u 1\n", p->uid, (unsigned)outer_uid);
  if ((r = write_file("/proc/self/uid_map", map)) < 0)
    return hsu_fail(e, -r, "cannot write \"/proc/self/uid_map\"");
  snprintf(map, sizeof(map), "%u %u 1\n", p->gid, (unsigned)outer_gid);
  if ((r = write_file("/proc/self/gid_map", map)) < 0)
    return hsu_fail(e, -r, "cannot write \"/proc/self/gid_map\"");
  /* Not dumpable: nothing in the sandbox may ptrace or read the init. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return hsu_fail(e, errno, "cannot make the init not dumpable");
  if (p->hostname[0] != '\0' && sethostname(p->hostname, strlen(p->hostname)) < 0)
    return hsu_fail(e, errno, "cannot set the hostname");
  /* Slave, not private: host unmounts (a removed USB disk) still reach us,
   * nothing of ours reaches the host. */
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return hsu_fail(e, errno, "cannot make \"/\" a recursive slave mount");
  if ((p->flags & PARAMS_HOST_NET) == 0 && (r = loopback_up()) < 0)
    return hsu_fail(e, -r, "cannot bring up the loopback interface");
  return 0;
}

int ns_enter_intermediate_root(struct hsu_error *e) {
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
    return hsu_fail(e, errno, "cannot mount tmpfs on \"/tmp\"");
  if (chdir("/tmp") < 0)
    return hsu_fail(e, errno, "cannot change directory to \"/tmp\"");
  if (mkdir("host", 0755) < 0)
    return hsu_fail(e, errno, "cannot create directory \"/tmp/host\"");
  if (sys_pivot_root(".", "host") < 0)
    return hsu_fail(e, errno, "cannot pivot_root into \"/tmp\"");
  if (chdir("/") < 0)
    return hsu_fail(e, errno, "cannot change directory to \"/\"");
  return 0;
}

int ns_enter_sysroot(const char *cwd, struct hsu_error *e) {
  if (umount2("/host", MNT_DETACH) < 0)
    return hsu_fail(e, errno, "cannot detach \"/host\"");
  if (chdir("/sysroot") < 0)
    return hsu_fail(e, errno, "cannot change directory to \"/sysroot\"");
  /* pivot_root(".", ".") stacks the old root on the new one; detaching "."
   * then drops the old root (see pivot_root(2)). */
  if (sys_pivot_root(".", ".") < 0)
    return hsu_fail(e, errno, "cannot pivot_root into \"/sysroot\"");
  if (umount2(".", MNT_DETACH) < 0)
    return hsu_fail(e, errno, "cannot detach the intermediate root");
  if (chdir("/") < 0)
    return hsu_fail(e, errno, "cannot change directory to \"/\"");
  if (chdir(cwd) < 0)
    return hsu_fail(e, errno, "cannot change directory to %s", q(cwd));
  return 0;
}
