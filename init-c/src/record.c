#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* The fields after "(comm)" of /proc/PID/stat: comm may hold spaces and
 * parentheses, so they start after the last ')'. field 3 is the first. */
static int stat_fields(pid_t pid, char *buf, size_t size, char **rest) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? -ESRCH : -errno;
  ssize_t n = read(fd, buf, size - 1);
  if (n < 0)
    return errno == ESRCH ? -ESRCH : -errno;
  buf[n] = '\0';
  char *close_paren = strrchr(buf, ')');
  if (close_paren == NULL || close_paren[1] != ' ')
    return -EPROTO;
  *rest = close_paren + 2;
  return 0;
}

/* Field number `field` (3 or later) as an unsigned number. */
static int stat_field(pid_t pid, int field, unsigned long long *out) {
  char buf[1024], *p = NULL;
  int r = stat_fields(pid, buf, sizeof(buf), &p);
  if (r < 0)
    return r;
  for (int i = 3; i < field; i++) {
    p = strchr(p, ' ');
    if (p == NULL)
      return -EPROTO;
    p++;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, 10);
  if (end == p || errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
    return -EPROTO;
  *out = v;
  return 0;
}

int proc_start_time(pid_t pid, unsigned long long *start) {
  return stat_field(pid, 22, start);
}

int proc_is_ns_init(pid_t pid) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
  autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? -ESRCH : -errno;
  autofree unsigned char *buf = NULL;
  size_t len;
  int r = read_fd(fd, 65536, &buf, &len);
  if (r < 0)
    return r;
  const char *line = memmem(buf, len, "\nNSpid:", 7);
  if (line == NULL)
    return -EPROTO;
  line += 7;
  const char *end = memchr(line, '\n', len - (size_t)(line - (const char *)buf));
  if (end == NULL)
    return -EPROTO;
  int fields = 0;
  const char *last = NULL;
  for (const char *c = line; c < end; c++) {
    if ((*c >= '0' && *c <= '9') && (c == line || c[-1] == ' ' || c[-1] == '\t')) {
      fields++;
      last = c;
    }
  }
  return fields >= 2 && last != NULL && last[0] == '1' && last + 1 == end;
}

int proc_parent(pid_t pid, pid_t *ppid) {
  unsigned long long v;
  int r = stat_field(pid, 4, &v);
  if (r == 0)
    *ppid = (pid_t)v;
  return r;
}

/* A JSON string: quotes, backslashes and control characters escaped;
 * other bytes as they are (the plan's strings are UTF-8 from the
 * launcher). */
static void json_str(struct sbuf *sb, const char *s) {
  sb_printf(sb, "\"");
  for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
    if (*c == '"' || *c == '\\')
      sb_printf(sb, "\\%c", *c);
    else if (*c < 0x20 || *c == 0x7f)
      sb_printf(sb, "\\u%04x", *c);
    else
      sb_printf(sb, "%c", *c);
  }
  sb_printf(sb, "\"");
}

static const struct {
  uint32_t bit;
  const char *name;
} grants[] = {
    {INSTANCE_WAYLAND, "wayland"}, {INSTANCE_DBUS, "dbus"}, {INSTANCE_AUDIO, "audio"},
    {INSTANCE_X11, "x11"},         {INSTANCE_GPU, "gpu"},   {INSTANCE_NETWORK, "network"},
    {INSTANCE_PORTALS, "portals"},
};

int record_format(const struct plan *p, struct proc_id supervisor, struct proc_id init,
                  long long started, char *buf, size_t size) {
  const struct instance *in = &p->instance;
  struct sbuf sb;
  sb_init(&sb, buf, size);
  sb_printf(&sb, "{\"version\": %d, \"id\": ", RECORD_VERSION);
  json_str(&sb, in->id);
  sb_printf(&sb, ", \"app_id\": ");
  json_str(&sb, in->app_id);
  sb_printf(&sb, ", \"name\": ");
  json_str(&sb, in->name);
  sb_printf(&sb, ", \"profile\": ");
  json_str(&sb, in->profile);
  sb_printf(&sb, ", \"grants\": [");
  const char *sep = "";
  for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++) {
    if ((in->grants & grants[i].bit) != 0) {
      sb_printf(&sb, "%s\"%s\"", sep, grants[i].name);
      sep = ", ";
    }
  }
  sb_printf(&sb, "],\n \"supervisor\": {\"pid\": %d, \"start\": %llu}", (int)supervisor.pid,
            supervisor.start);
  sb_printf(&sb, ", \"init\": {\"pid\": %d, \"start\": %llu}", (int)init.pid, init.start);
  sb_printf(&sb,
            ", \"started\": %lld,\n \"uid\": %u, \"gid\": %u, \"host_net\": %s, "
            "\"wait_delay_ms\": %llu, \"cwd\": ",
            started, p->uid, p->gid, (p->flags & PARAMS_HOST_NET) != 0 ? "true" : "false",
            (unsigned long long)p->wait_delay_ms);
  json_str(&sb, p->cwd);
  sb_printf(&sb, ", \"plan\": \"%s\", \"exit\": \"%s\"}\n", RECORD_PLAN, RECORD_EXIT);
  return sb.cut ? -ENOSPC : 0;
}

int record_write_file(int dfd, const char *name, const void *data, size_t len) {
  char tmp[64];
  snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
  unlinkat(dfd, tmp, 0);
  autoclose int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return -errno;
  int r = write_all(fd, data, len);
  if (r == 0 && fchmod(fd, 0600) < 0)
    r = -errno;
  if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
    r = -errno;
  if (r < 0)
    unlinkat(dfd, tmp, 0);
  return r;
}

static bool pidfd_alive(int pidfd) {
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
  return poll(&pfd, 1, 0) == 0;
}

int pidfd_verified(struct proc_id want, struct hsu_error *e) {
  int pidfd = (int)syscall(SYS_pidfd_open, want.pid, 0);
  if (pidfd < 0)
    return hsu_fail(e, errno, "cannot open process %d", (int)want.pid);
  unsigned long long start;
  int r = proc_start_time(want.pid, &start);
  if (r < 0) {
    close(pidfd);
    return hsu_fail(e, -r, "cannot read the start time of process %d", (int)want.pid);
  }
  if (!pidfd_alive(pidfd)) {
    close(pidfd);
    return hsu_fail(e, ESRCH, "process %d ended", (int)want.pid);
  }
  if (start != want.start) {
    close(pidfd);
    hsu_fail(e, 0,
             "process %d is not the one the instance record names: it started at %llu, the "
             "record says %llu",
             (int)want.pid, start, want.start);
    return -ESRCH;
  }
  return pidfd;
}
