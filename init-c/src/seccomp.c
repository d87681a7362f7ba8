#include "seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define DENIED SCMP_ACT_ERRNO(EPERM)

static const char *const common[] = {
    "syslog",
    "uselib",
    "acct",
    "quotactl",
    "quotactl_fd",
    "add_key",
    "keyctl",
    "request_key",
    "move_pages",
    "mbind",
    "get_mempolicy",
    "set_mempolicy",
    "set_mempolicy_home_node",
    "migrate_pages",
    "userfaultfd",
    "bpf",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "lookup_dcookie",
    "vm86",
    "vm86old",
    NULL,
};
static const char *const ext[] = {
    "settimeofday",  "stime",
    "clock_settime", "clock_adjtime",
    "adjtimex",      "init_module",
    "finit_module",  "delete_module",
    "kexec_load",    "kexec_file_load",
    "reboot",        "swapon",
    "swapoff",       NULL,
};
/* Denied by deny-ns even with allow-userns. */
static const char *const mounts[] = {
    "mount",          "umount",        "umount2", "pivot_root", "open_tree",
    "open_tree_attr", "move_mount",    "fsopen",  "fsconfig",   "fsmount",
    "fspick",         "mount_setattr", NULL,
};
/* Denied by deny-ns unless allow-userns (with clone's namespace flags and clone3). */
static const char *const userns[] = {"unshare", "setns", "chroot", NULL};
static const unsigned long clone_ns_flags[] = {
    CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET,
};
static const char *const ptrace_calls[] = {"ptrace", "process_vm_readv", "process_vm_writev", NULL};

/* Syscalls newer than the libseccomp tables this may be built with, by
 * their native number (the same on both: newer syscalls share one table). */
static const struct {
  const char *name;
  int nr;
} newer[] = {
#if defined(__x86_64__) || defined(__aarch64__)
    {"open_tree_attr", 467},
#endif
    {NULL, 0},
};

struct rules {
  scmp_filter_ctx ctx;
  uint32_t arch; /* the one ABI ctx filters */
  bool native;
  const struct seccomp_rules *plan;
};

/* The number libseccomp wants for name (the native one, or its own pseudo
 * number for a syscall the native ABI lacks); false when r->arch lacks it. */
static bool resolve(const struct rules *r, const char *name, int *nr) {
  if (seccomp_syscall_resolve_name_arch(r->arch, name) >= 0) {
    *nr = seccomp_syscall_resolve_name(name);
    return true;
  }
  for (size_t i = 0; r->native && newer[i].name != NULL; i++) {
    if (strcmp(newer[i].name, name) == 0) {
      *nr = newer[i].nr;
      return true;
    }
  }
  return false;
}

/* The plan's own deny rule for a syscall replaces every preset rule for it. */
static bool planned(const struct seccomp_rules *plan, const char *name) {
  for (uint32_t i = 0; i < plan->n_deny; i++)
    if (strcmp(plan->deny[i].name, name) == 0)
      return true;
  return false;
}

static int deny(const struct rules *r, const char *name, uint32_t action,
                const struct scmp_arg_cmp *cmp) {
  int nr;
  if (planned(r->plan, name) || !resolve(r, name, &nr))
    return 0;
  return seccomp_rule_add_array(r->ctx, action, nr, cmp != NULL ? 1 : 0, cmp);
}

static int deny_all(const struct rules *r, const char *const *names) {
  for (; *names != NULL; names++) {
    int e = deny(r, *names, DENIED, NULL);
    if (e < 0)
      return e;
  }
  return 0;
}

static int deny_ns(const struct rules *r) {
  int e = deny_all(r, mounts);
  if (e < 0 || (r->plan->relax & SECCOMP_ALLOW_USERNS) != 0)
    return e;
  if ((e = deny_all(r, userns)) < 0)
    return e;
  for (size_t i = 0; i < sizeof(clone_ns_flags) / sizeof(clone_ns_flags[0]); i++) {
    struct scmp_arg_cmp flag = {0, SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]};
    if ((e = deny(r, "clone", DENIED, &flag)) < 0)
      return e;
  }
  /* Its flags are in memory a filter cannot read: ENOSYS makes libc fall
   * back to clone, whose flags are checked. */
  return deny(r, "clone3", SCMP_ACT_ERRNO(ENOSYS), NULL);
}

static int deny_tty(const struct rules *r) {
  /* The kernel takes the request as an int: compare the low 32 bits only,
   * so a request with high bits set is caught too. */
  static const unsigned long requests[] = {TIOCSTI, TIOCLINUX};
  for (size_t i = 0; i < 2; i++) {
    struct scmp_arg_cmp req = {1, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, requests[i]};
    int e = deny(r, "ioctl", DENIED, &req);
    if (e < 0)
      return e;
  }
  return 0;
}

static int deny_devel(const struct rules *r) {
  int e = deny(r, "perf_event_open", DENIED, NULL);
  if (e < 0)
    return e;
  if ((r->plan->relax & SECCOMP_ALLOW_PTRACE) == 0 && (e = deny_all(r, ptrace_calls)) < 0)
    return e;
  /* personality(2) takes an unsigned int; allowed are 0 (PER_LINUX) and
   * 0xffffffff (the query). A 32-bit value is neither exactly when some bit
   * is set and the next one (cyclically) is clear: one masked rule per bit,
   * since libseccomp allows one comparison per argument and rule. */
  for (unsigned i = 0; i < 32; i++) {
    uint64_t bit = 1ull << i, next = 1ull << ((i + 1) % 32);
    struct scmp_arg_cmp pers = {0, SCMP_CMP_MASKED_EQ, bit | next, bit};
    if ((e = deny(r, "personality", DENIED, &pers)) < 0)
      return e;
  }
  return 0;
}

static bool family_allowed(const struct seccomp_rules *plan, uint64_t family) {
  if (family == 1 || family == 2 || family == 10 || family == 16)
    return true;
  for (uint32_t i = 0; i < plan->n_families; i++)
    if (plan->families[i] == family)
      return true;
  return false;
}

static int deny_families(const struct rules *r) {
  /* socket(2) takes an int: a value with high bits set is above every
   * family and caught by the last rule. */
  for (uint64_t f = 0; f <= SECCOMP_MAX_FAMILY; f++) {
    if (family_allowed(r->plan, f))
      continue;
    struct scmp_arg_cmp fam = {0, SCMP_CMP_EQ, f, 0};
    int e = deny(r, "socket", SCMP_ACT_ERRNO(EAFNOSUPPORT), &fam);
    if (e < 0)
      return e;
  }
  struct scmp_arg_cmp above = {0, SCMP_CMP_GT, SECCOMP_MAX_FAMILY, 0};
  return deny(r, "socket", SCMP_ACT_ERRNO(EAFNOSUPPORT), &above);
}

static int add_rules(const struct rules *r, struct hsu_error *err) {
  const struct seccomp_rules *p = r->plan;
  int e;
  for (uint32_t i = 0; i < p->n_deny; i++) {
    int nr;
    bool later = false;
    for (uint32_t j = i + 1; j < p->n_deny && !later; j++)
      later = strcmp(p->deny[j].name, p->deny[i].name) == 0;
    if (later)
      continue; /* the last rule for a syscall wins (a profile's over its base's) */
    if (!resolve(r, p->deny[i].name, &nr)) {
      if (!r->native)
        continue;
      hsu_fail(err, 0, "unknown syscall %s", q(p->deny[i].name));
      return -HSU_ENOSYSCALL;
    }
    if ((e = seccomp_rule_add(r->ctx, SCMP_ACT_ERRNO(p->deny[i].err), nr, 0)) < 0)
      return e;
  }
  if ((p->presets & SECCOMP_COMMON) != 0 && (e = deny_all(r, common)) < 0)
    return e;
  if ((p->presets & SECCOMP_EXT) != 0 && (e = deny_all(r, ext)) < 0)
    return e;
  if ((p->presets & SECCOMP_DENY_NS) != 0 && (e = deny_ns(r)) < 0)
    return e;
  if ((p->presets & SECCOMP_DENY_TTY) != 0 && (e = deny_tty(r)) < 0)
    return e;
  if ((p->presets & SECCOMP_DENY_DEVEL) != 0 && (e = deny_devel(r)) < 0)
    return e;
  /* i386 code reaches socket(2) through socketcall(2), whose arguments sit
   * in memory: filtering it by family would deny every socket. */
  if (r->arch != SCMP_ARCH_X86 && (e = deny_families(r)) < 0)
    return e;
  return 0;
}

/* The rules for one secondary ABI, merged into ctx. */
static int add_secondary(scmp_filter_ctx ctx, const struct seccomp_rules *plan, uint32_t arch) {
  struct hsu_error unused;
  scmp_filter_ctx sub = seccomp_init(SCMP_ACT_ALLOW);
  if (sub == NULL)
    return -ENOMEM;
  int e = seccomp_arch_remove(sub, SCMP_ARCH_NATIVE);
  if (e == 0)
    e = seccomp_arch_add(sub, arch);
  struct rules r = {.ctx = sub, .arch = arch, .native = false, .plan = plan};
  if (e == 0)
    e = add_rules(&r, &unused);
  if (e == 0)
    return seccomp_merge(ctx, sub); /* frees sub */
  seccomp_release(sub);
  return e;
}

int filter_build(const struct seccomp_rules *plan, scmp_filter_ctx *out, struct hsu_error *err) {
  hsu_error_clear(err);
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return hsu_fail_errno(err, ENOMEM);
  uint32_t native = seccomp_arch_native();
  struct rules r = {.ctx = ctx, .arch = native, .native = true, .plan = plan};
  int e = add_rules(&r, err);
  if (e == 0 && (plan->relax & SECCOMP_MULTIARCH) != 0 && native == SCMP_ARCH_X86_64) {
    e = add_secondary(ctx, plan, SCMP_ARCH_X86);
    if (e == 0)
      e = add_secondary(ctx, plan, SCMP_ARCH_X32);
  }
  /* Every ABI not in the filter (without multiarch: i386 and x32) gets
   * ENOSYS for every syscall: what a kernel without that ABI answers, so a
   * program probing for it carries on, and nothing of it reaches the kernel. */
  if (e == 0)
    e = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
  /* spawn.c sets no_new_privs itself and checks it: loading must fail
   * rather than set it behind our back if it somehow is not set. */
  if (e == 0)
    e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (e == 0)
    e = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  if (e == 0)
    e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (e < 0) {
    seccomp_release(ctx);
    return err->msg[0] != '\0' ? e : hsu_fail_errno(err, -e);
  }
  *out = ctx;
  return 0;
}

int filter_read(int fd, struct sock_fprog *out) {
  unsigned char *buf;
  size_t len;
  int e = read_fd(fd, 65535 * sizeof(struct sock_filter), &buf, &len);
  if (e < 0)
    return e;
  if (len == 0 || len % sizeof(struct sock_filter) != 0) {
    free(buf);
    return -EINVAL;
  }
  out->len = (unsigned short)(len / sizeof(struct sock_filter));
  out->filter = (struct sock_filter *)(void *)buf;
  return 0;
}

int filter_compile(scmp_filter_ctx ctx, struct sock_fprog *out) {
  autoclose int fd = memfd_create("hsu-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return -errno;
  int e = seccomp_export_bpf(ctx, fd);
  if (e < 0)
    return e;
  return lseek(fd, 0, SEEK_SET) < 0 ? -errno : filter_read(fd, out);
}

int filter_load(const struct sock_fprog *prog) {
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0 ? -errno : 0;
}
