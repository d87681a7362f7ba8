/* The seccomp filter, loaded in a child of the test (no namespaces needed),
 * and the Landlock ABI sentences. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#include "bpf_eval.h"
#include "landlock.h"
#include "seccomp.h"
#include "tap.h"
#include "util.h"

#define HIGH 0xdead00000000ul
#define X32_BIT 0x40000000

/* Probed once in main, each in a forked child: machines of this kind differ. */
static bool i386_abi, x32_abi;

static void expect_missing(uint32_t flags, int abi, int want_abi, const char *want,
                           const char *name) {
  struct landlock_rules l = {.present = true, .flags = flags};
  struct hsu_error e;
  int need = landlock_missing(&l, abi, &e);
  if (!ok(need == want_abi && strcmp(e.msg, want) == 0 && e.err == 0, "%s", name))
    printf("# got: %d %s\n# want: %d %s\n", need, e.msg, want_abi, want);
}

static void test_landlock_missing(void) {
  const uint32_t all =
      LANDLOCK_PLAN_FS | LANDLOCK_PLAN_NET | LANDLOCK_PLAN_SCOPE_UNIX | LANDLOCK_PLAN_SCOPE_SIGNAL;
  expect_missing(all, 7, 0, "", "ABI 7 has everything");
  expect_missing(all, 6, 0, "", "ABI 6 has everything");
  expect_missing(LANDLOCK_REQUIRED, 0, 0, "", "nothing asked: nothing missing");
  expect_missing(all, 0, 6,
                 "Landlock ABI 6 is needed for filesystem rules, TCP rules, the abstract unix "
                 "socket scope and the signal scope, the kernel has none",
                 "no Landlock at all");
  expect_missing(LANDLOCK_PLAN_FS | LANDLOCK_PLAN_NET, 3, 4,
                 "Landlock ABI 4 is needed for TCP rules, the kernel has 3", "TCP rules on ABI 3");
  expect_missing(LANDLOCK_PLAN_SCOPE_SIGNAL | LANDLOCK_PLAN_NET, 5, 6,
                 "Landlock ABI 6 is needed for the signal scope, the kernel has 5",
                 "signal scope on ABI 5");
  expect_missing(LANDLOCK_PLAN_FS, 0, 1,
                 "Landlock ABI 1 is needed for filesystem rules, the kernel has none",
                 "filesystem rules without Landlock");
  ok(landlock_abi() >= 0, "landlock_abi() answers (%d here)", landlock_abi());
}

static struct seccomp_rules rules(uint32_t presets, uint32_t relax) {
  return (struct seccomp_rules){.present = true, .presets = presets, .relax = relax};
}

static void test_build(void) {
  scmp_filter_ctx ctx;
  struct hsu_error err;
  char unknown[] = "no_such_call", vm86[] = "vm86";
  struct seccomp_rules r = rules(SECCOMP_PRESETS, 0);
  __typeof__(*r.deny) deny[2] = {{unknown, 1}, {vm86, 1}};
  r.deny = deny;
  r.n_deny = 1;
  int e = filter_build(&r, &ctx, &err);
  ok(e == -HSU_ENOSYSCALL && strcmp(err.msg, "unknown syscall \"no_such_call\"") == 0 &&
         err.err == 0,
     "an unknown syscall is named");
  r.deny = deny + 1;
  e = filter_build(&r, &ctx, &err);
#if defined(__x86_64__)
  ok(e == -HSU_ENOSYSCALL && strcmp(err.msg, "unknown syscall \"vm86\"") == 0,
     "a syscall of another architecture only (vm86) is unknown here");
#endif
  r = rules(SECCOMP_PRESETS, SECCOMP_RELAX);
  e = filter_build(&r, &ctx, &err);
  if (ok(e == 0, "every preset with every relaxation builds (%d)", e))
    seccomp_release(ctx);
}

/* What PID 1 loads is libseccomp's own program (bpf_export, the tests'
 * reader); a program of a wrong size is refused. */
static void test_compile(void) {
  scmp_filter_ctx ctx;
  struct hsu_error err;
  struct seccomp_rules r = rules(SECCOMP_PRESETS, 0);
  if (!ok(filter_build(&r, &ctx, &err) == 0, "compile: the filter builds"))
    return;
  struct sock_fprog prog = {0, NULL};
  struct sock_filter *want = NULL;
  size_t n = 0;
  ok(filter_compile(ctx, &prog) == 0 && bpf_export(ctx, &want, &n) == 0 && prog.len == n &&
         n > 10 && memcmp(prog.filter, want, n * sizeof(*want)) == 0,
     "the compiled filter is libseccomp's program (%zu instructions)", n);
  seccomp_release(ctx);
  free(prog.filter);
  free(want);
  int fd = memfd_create("bad", MFD_CLOEXEC);
  ok(fd >= 0 && filter_read(fd, &prog) == -EINVAL, "an empty program is refused");
  ok(write(fd, "1234567", 7) == 7 && lseek(fd, 0, SEEK_SET) == 0 &&
         filter_read(fd, &prog) == -EINVAL,
     "a program of 7 bytes is refused");
  close(fd);
}

/* Runs checks in a child that loaded the filter; the child's TAP lines count. */
static void in_filtered_child(const struct seccomp_rules *r, const char *what,
                              void (*checks)(void)) {
  scmp_filter_ctx ctx;
  struct sock_fprog prog;
  struct hsu_error err;
  if (!ok(filter_build(r, &ctx, &err) == 0, "%s: filter builds", what))
    return;
  if (!ok(filter_compile(ctx, &prog) == 0, "%s: filter compiles", what))
    return;
  int fds[2];
  if (pipe(fds) < 0)
    return;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    bool loaded = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && filter_load(&prog) == 0;
    if (ok(loaded, "%s: filter loads", what))
      checks();
    fflush(stdout);
    int counts[2] = {tap_n, tap_failed};
    (void)write_all(fds[1], counts, sizeof(counts));
    _exit(0);
  }
  close(fds[1]);
  int counts[2];
  bool got = read(fds[0], counts, sizeof(counts)) == (ssize_t)sizeof(counts);
  close(fds[0]);
  waitpid(pid, NULL, 0);
  seccomp_release(ctx);
  free(prog.filter);
  if (ok(got, "%s: the child reported", what)) {
    tap_n = counts[0] + 1;
    tap_failed = counts[1];
  }
}

static bool fails(long r, int err) {
  return r < 0 && errno == err;
}

static void child_exit(long pid) {
  if (pid == 0)
    _exit(0);
  if (pid > 0)
    waitpid((pid_t)pid, NULL, 0);
}

static void checks_all(void) {
  ok(fails(unshare(CLONE_NEWUSER), EPERM), "unshare(CLONE_NEWUSER): EPERM");
  ok(fails(unshare(CLONE_NEWNS), EPERM), "unshare(CLONE_NEWNS): EPERM");
  static const unsigned long ns[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                     CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};
  for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
    long pid = syscall(SYS_clone, ns[i] | HIGH | SIGCHLD, NULL, NULL, NULL, NULL);
    int err = errno;
    child_exit(pid);
    errno = err;
    ok(fails(pid, EPERM), "clone with namespace flag 0x%lx (and high bits): EPERM", ns[i]);
  }
  long pid = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
  child_exit(pid);
  ok(pid > 0, "clone without namespace flags works");
  struct clone_args args = {.exit_signal = SIGCHLD};
  ok(fails(syscall(SYS_clone3, &args, sizeof(args)), ENOSYS), "clone3: ENOSYS");

  autoclose int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  char c = 'x';
  ok(fails(syscall(SYS_ioctl, null, (unsigned long)TIOCSTI, &c), EPERM), "TIOCSTI: EPERM");
  ok(fails(syscall(SYS_ioctl, null, TIOCSTI | HIGH, &c), EPERM), "TIOCSTI | high bits: EPERM");
  ok(fails(syscall(SYS_ioctl, null, TIOCLINUX | HIGH, &c), EPERM), "TIOCLINUX | high: EPERM");
  ok(fails(syscall(SYS_ioctl, null, (unsigned long)TIOCGWINSZ, &c), ENOTTY),
     "other ioctls reach the kernel (TIOCGWINSZ on /dev/null: ENOTTY)");

  static const unsigned long allowed[] = {0, 0xffffffffu, 0x100000000ul, ~0ul};
  for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
    ok(syscall(SYS_personality, allowed[i]) >= 0, "personality(0x%lx) works", allowed[i]);
  int denied = 0;
  for (unsigned i = 0; i < 32; i++)
    denied += fails(syscall(SYS_personality, 1ul << i), EPERM);
  ok(denied == 32, "personality of each single bit: EPERM (%d of 32)", denied);
  static const unsigned long others[] = {0x8,        0xfffffffe, 0x7fffffff,
                                         0x80000000, 0x0400000,  0x1fffffffeul};
  denied = 0;
  for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
    denied += fails(syscall(SYS_personality, others[i]), EPERM);
  ok(denied == 6, "personality of other values: EPERM (%d of 6)", denied);

  for (unsigned long f = 0; f <= 46; f++) {
    long fd = syscall(SYS_socket, f, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool allowed_family = f == 1 || f == 2 || f == 10 || f == 16 || f == 17;
    if (!allowed_family && !ok(fails(fd, EAFNOSUPPORT), "socket family %lu: EAFNOSUPPORT", f))
      printf("# errno %d\n", errno);
    if (allowed_family)
      ok(!fails(fd, EAFNOSUPPORT) || f == 17, "socket family %lu reaches the kernel", f);
    if (fd >= 0)
      close((int)fd);
  }
  ok(fails(syscall(SYS_socket, 1ul | HIGH, SOCK_DGRAM, 0), EAFNOSUPPORT),
     "socket(AF_UNIX | high bits): EAFNOSUPPORT");
  ok(fails(syscall(SYS_socket, ~0ul, SOCK_DGRAM, 0), EAFNOSUPPORT), "socket(-1): EAFNOSUPPORT");
  ok(fails(syscall(SYS_keyctl, 0, -3, 0), EPERM), "keyctl: EPERM");
  ok(fails(syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0), EPERM), "ptrace: EPERM");
  ok(fails(syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0), EPERM),
     "process_vm_readv: EPERM");
  ok(fails(syscall(SYS_reboot, 0, 0, 0, NULL), EPERM), "reboot: EPERM");
  ok(fails(syscall(SYS_swapoff, "/x"), EPERM), "swapoff: EPERM");
  ok(fails(chdir("/"), EIO), "the plan's rule: chdir gives EIO");
  if (x32_abi)
    ok(fails(syscall(SYS_getppid | X32_BIT), ENOSYS), "an x32 syscall: ENOSYS from the kernel");
#if defined(__x86_64__)
  if (i386_abi) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "cc", "r8", "r9", "r10", "r11");
    ok(r == -ENOSYS, "an i386 syscall (int 0x80): ENOSYS from the kernel (%ld)", r);
  }
#endif
  ok(write_all(STDOUT_FILENO, "", 0) == 0 && getpid() > 0, "write and getpid still work");
}

static void checks_relaxed(void) {
  ok(!fails(unshare(CLONE_NEWUSER), EPERM), "allow-userns: unshare(CLONE_NEWUSER) passes");
  struct clone_args args = {.exit_signal = SIGCHLD};
  long pid = syscall(SYS_clone3, &args, sizeof(args));
  child_exit(pid);
  ok(pid > 0, "allow-userns: clone3 works");
  ok(fails(syscall(SYS_fsopen, "tmpfs", 0), EPERM) || errno == EPERM,
     "allow-userns: fsopen still EPERM");
  ok(!fails(syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0), EPERM),
     "allow-ptrace: process_vm_readv passes");
  ok(fails(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM),
     "allow-ptrace: perf_event_open still EPERM");
#if defined(__x86_64__)
  if (i386_abi) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "cc", "r8", "r9", "r10", "r11");
    ok(r == getpid(), "multiarch: an i386 getpid works in the kernel (%ld)", r);
  }
#endif
  if (x32_abi)
    ok(syscall(SYS_getpid | X32_BIT) == getpid(), "multiarch: an x32 getpid works in the kernel");
}

/* What the filter's own BPF answers for one syscall: the proof that does not
 * need the kernel to have the ABI. */
static void expect_bpf(const struct seccomp_rules *r, uint32_t arch, int nr, uint64_t arg0,
                       const char *want, const char *name) {
  scmp_filter_ctx ctx;
  struct hsu_error unused;
  const char *why = "";
  struct sock_filter *prog = NULL;
  size_t n = 0;
  uint32_t action = 0;
  char got[64] = "(no answer)";
  struct seccomp_data d = {.nr = nr, .arch = arch, .args = {arg0}};
  if (filter_build(r, &ctx, &unused) == 0) {
    if (bpf_export(ctx, &prog, &n) == 0 && bpf_eval(prog, n, &d, &action, &why) == 0)
      bpf_action_name(action, got, sizeof(got));
    seccomp_release(ctx);
  }
  if (!ok(strcmp(got, want) == 0, "the filter's BPF: %s: %s", name, want))
    printf("# got: %s %s\n", got, why);
  free(prog);
}

/* The evaluator refuses what the kernel would refuse, rather than guess. */
static void test_bpf_eval_itself(void) {
  struct seccomp_data d = {.nr = 39, .arch = AUDIT_ARCH_X86_64};
  uint32_t action;
  const char *why;
  struct sock_filter no_ret[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
  struct sock_filter far[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 5, 0),
                              BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_filter outside[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
                                  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_filter eq[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
                             BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
                             BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
                             BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  ok(bpf_eval(no_ret, 1, &d, &action, &why) < 0, "bpf_eval: a program without return is refused");
  ok(bpf_eval(far, 2, &d, &action, &why) < 0, "bpf_eval: a jump past the end is refused");
  ok(bpf_eval(outside, 2, &d, &action, &why) < 0, "bpf_eval: a load past seccomp_data is refused");
  ok(bpf_eval(eq, 4, &d, &action, &why) == 0 && action == (SECCOMP_RET_ERRNO | EPERM),
     "bpf_eval: a matching compare takes the true branch");
  d.nr = 40;
  ok(bpf_eval(eq, 4, &d, &action, &why) == 0 && action == SECCOMP_RET_ALLOW,
     "bpf_eval: another syscall takes the false branch");
}

static void test_bpf(void) {
  struct seccomp_rules all = rules(SECCOMP_PRESETS, 0);
  struct seccomp_rules none = rules(0, 0);
  struct seccomp_rules multi = rules(SECCOMP_PRESETS, SECCOMP_MULTIARCH);
  const char *i386_note = i386_abi ? "" : " (i386 ABI absent on this kernel: BPF only)";
  const char *x32_note = x32_abi ? "" : " (x32 ABI absent on this kernel: BPF only)";
  char name[160];
  expect_bpf(&all, AUDIT_ARCH_X86_64, SYS_getpid, 0, "allow", "x86_64 getpid");
  expect_bpf(&all, AUDIT_ARCH_X86_64, SYS_keyctl, 0, "errno EPERM", "x86_64 keyctl (common)");
  snprintf(name, sizeof(name), "i386 getpid, all presets%s", i386_note);
  expect_bpf(&all, AUDIT_ARCH_I386, 20, 0, "errno ENOSYS", name);
  snprintf(name, sizeof(name), "i386 getpid, no preset%s", i386_note);
  expect_bpf(&none, AUDIT_ARCH_I386, 20, 0, "errno ENOSYS", name);
  snprintf(name, sizeof(name), "x32 getpid, all presets%s", x32_note);
  expect_bpf(&all, AUDIT_ARCH_X86_64, SYS_getpid | X32_BIT, 0, "errno ENOSYS", name);
  snprintf(name, sizeof(name), "x32 getpid, no preset%s", x32_note);
  expect_bpf(&none, AUDIT_ARCH_X86_64, SYS_getpid | X32_BIT, 0, "errno ENOSYS", name);
  snprintf(name, sizeof(name), "multiarch: i386 getpid%s", i386_note);
  expect_bpf(&multi, AUDIT_ARCH_I386, 20, 0, "allow", name);
  snprintf(name, sizeof(name), "multiarch: i386 keyctl (288) keeps the presets%s", i386_note);
  expect_bpf(&multi, AUDIT_ARCH_I386, 288, 0, "errno EPERM", name);
  snprintf(name, sizeof(name), "multiarch: x32 getpid%s", x32_note);
  expect_bpf(&multi, AUDIT_ARCH_X86_64, SYS_getpid | X32_BIT, 0, "allow", name);
  expect_bpf(&all, AUDIT_ARCH_AARCH64, 172, 0, "errno ENOSYS", "another architecture altogether");
}

int main(void) {
  i386_abi = abi_i386_works();
  x32_abi = abi_x32_works();
  printf("# kernel: i386 ABI %s, x32 ABI %s\n",
         i386_abi ? "present" : "absent (int $0x80 kills a process even without a filter)",
         x32_abi ? "present" : "absent");
  test_landlock_missing();
  test_bpf_eval_itself();
  test_bpf();
  test_build();
  test_compile();

  char chdir_name[] = "chdir";
  __typeof__(*((struct seccomp_rules *)0)->deny) deny[2] = {{chdir_name, EACCES},
                                                            {chdir_name, EIO}};
  uint32_t packet = 17;
  struct seccomp_rules all = rules(SECCOMP_PRESETS, 0);
  all.deny = deny;
  all.n_deny = 2;
  all.families = &packet;
  all.n_families = 1;
  in_filtered_child(&all, "all presets", checks_all);
  struct seccomp_rules relaxed = rules(SECCOMP_PRESETS, SECCOMP_RELAX);
  in_filtered_child(&relaxed, "every relaxation", checks_relaxed);
  return tap_done();
}
