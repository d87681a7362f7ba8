/* See bpf_eval.h. Only what seccomp allows in a program is interpreted. */
#include "bpf_eval.h"

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BPF_MAX_INSNS 4096u
#define BPF_SCRATCH 16u

static bool load_word(const struct seccomp_data *d, uint32_t k, uint32_t *out) {
  if (k % 4 != 0 || k + 4 > sizeof(*d))
    return false;
  memcpy(out, (const unsigned char *)d + k, 4);
  return true;
}

static int bad(const char **why, const char *what) {
  *why = what;
  return -1;
}

/* The ALU operations seccomp accepts; false for division by zero or others. */
static bool alu(uint16_t op, uint32_t *a, uint32_t v) {
  switch (op) {
  case BPF_ADD:
    *a += v;
    return true;
  case BPF_SUB:
    *a -= v;
    return true;
  case BPF_MUL:
    *a *= v;
    return true;
  case BPF_DIV:
    if (v == 0)
      return false;
    *a /= v;
    return true;
  case BPF_MOD:
    if (v == 0)
      return false;
    *a %= v;
    return true;
  case BPF_AND:
    *a &= v;
    return true;
  case BPF_OR:
    *a |= v;
    return true;
  case BPF_XOR:
    *a ^= v;
    return true;
  case BPF_LSH:
    *a = v < 32 ? *a << v : 0;
    return true;
  case BPF_RSH:
    *a = v < 32 ? *a >> v : 0;
    return true;
  case BPF_NEG:
    *a = -*a;
    return true;
  default:
    return false;
  }
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v, bool *known) {
  *known = true;
  switch (op) {
  case BPF_JEQ:
    return a == v;
  case BPF_JGT:
    return a > v;
  case BPF_JGE:
    return a >= v;
  case BPF_JSET:
    return (a & v) != 0;
  default:
    *known = false;
    return false;
  }
}

/* The static checks the kernel makes before it accepts a program: every jump
 * lands inside it, and it ends with a return. */
static int check_static(const struct sock_filter *prog, size_t n, const char **why) {
  if (n == 0 || n > BPF_MAX_INSNS)
    return bad(why, "program length out of range");
  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *f = &prog[pc];
    if (BPF_CLASS(f->code) != BPF_JMP)
      continue;
    size_t left = n - pc - 1;
    if (BPF_OP(f->code) == BPF_JA ? f->k >= left : (f->jt >= left || f->jf >= left))
      return bad(why, "jump out of the program");
  }
  if (BPF_CLASS(prog[n - 1].code) != BPF_RET)
    return bad(why, "the program does not end with a return");
  return 0;
}

int bpf_eval(const struct sock_filter *prog, size_t n, const struct seccomp_data *d,
             uint32_t *action, const char **why) {
  uint32_t a = 0, x = 0, mem[BPF_SCRATCH] = {0};
  if (check_static(prog, n, why) < 0)
    return -1;
  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *f = &prog[pc];
    uint16_t cls = BPF_CLASS(f->code);
    uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
    bool known;
    switch (cls) {
    case BPF_LD:
      if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
        if (!load_word(d, f->k, &a))
          return bad(why, "load outside seccomp_data");
      } else if (f->code == (BPF_LD | BPF_MEM) && f->k < BPF_SCRATCH) {
        a = mem[f->k];
      } else if (f->code == (BPF_LD | BPF_IMM)) {
        a = f->k;
      } else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
        a = sizeof(*d);
      } else {
        return bad(why, "unsupported load");
      }
      break;
    case BPF_LDX:
      if (f->code == (BPF_LDX | BPF_MEM) && f->k < BPF_SCRATCH)
        x = mem[f->k];
      else if (f->code == (BPF_LDX | BPF_IMM))
        x = f->k;
      else if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
        x = sizeof(*d);
      else
        return bad(why, "unsupported load into X");
      break;
    case BPF_ST:
    case BPF_STX:
      if (f->k >= BPF_SCRATCH)
        return bad(why, "store outside the scratch memory");
      mem[f->k] = cls == BPF_ST ? a : x;
      break;
    case BPF_ALU:
      if (!alu(BPF_OP(f->code), &a, src))
        return bad(why, "unsupported or failing ALU operation");
      break;
    case BPF_JMP:
      if (BPF_OP(f->code) == BPF_JA) {
        pc += f->k;
      } else {
        bool taken = jump_taken(BPF_OP(f->code), a, src, &known);
        if (!known)
          return bad(why, "unsupported jump");
        pc += taken ? f->jt : f->jf;
      }
      break;
    case BPF_RET:
      *action = BPF_RVAL(f->code) == BPF_A ? a : f->k;
      return 0;
    case BPF_MISC:
      if (BPF_MISCOP(f->code) == BPF_TAX)
        x = a;
      else if (BPF_MISCOP(f->code) == BPF_TXA)
        a = x;
      else
        return bad(why, "unsupported misc instruction");
      break;
    default:
      return bad(why, "unknown instruction class");
    }
  }
  return bad(why, "the program ends without a return");
}

int bpf_read(int fd, struct sock_filter **prog, size_t *n) {
  size_t cap = BPF_MAX_INSNS * sizeof(struct sock_filter) + 1, len = 0;
  unsigned char *buf = malloc(cap);
  if (buf == NULL)
    return -ENOMEM;
  for (;;) {
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      return -e;
    }
    if (r == 0)
      break;
    len += (size_t)r;
    if (len == cap) {
      free(buf);
      return -EFBIG;
    }
  }
  if (len == 0 || len % sizeof(struct sock_filter) != 0) {
    free(buf);
    return -EINVAL;
  }
  *prog = (struct sock_filter *)(void *)buf;
  *n = len / sizeof(struct sock_filter);
  return 0;
}

int bpf_export(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *n) {
  int fd = memfd_create("bpf", MFD_CLOEXEC);
  if (fd < 0)
    return -errno;
  int e = seccomp_export_bpf(ctx, fd);
  if (e == 0 && lseek(fd, 0, SEEK_SET) < 0)
    e = -errno;
  if (e == 0)
    e = bpf_read(fd, prog, n);
  close(fd);
  return e;
}

const char *bpf_action_name(uint32_t action, char *buf, size_t size) {
  uint32_t data = action & SECCOMP_RET_DATA;
  switch (action & SECCOMP_RET_ACTION_FULL) {
  case SECCOMP_RET_ALLOW:
    snprintf(buf, size, "allow");
    break;
  case SECCOMP_RET_KILL_PROCESS:
    snprintf(buf, size, "kill-process");
    break;
  case SECCOMP_RET_KILL_THREAD:
    snprintf(buf, size, "kill-thread");
    break;
  case SECCOMP_RET_TRAP:
    snprintf(buf, size, "trap");
    break;
  case SECCOMP_RET_LOG:
    snprintf(buf, size, "log");
    break;
  case SECCOMP_RET_TRACE:
    snprintf(buf, size, "trace %u", data);
    break;
  case SECCOMP_RET_USER_NOTIF:
    snprintf(buf, size, "user-notif");
    break;
  case SECCOMP_RET_ERRNO: {
    const char *name = strerrorname_np((int)data);
    if (name != NULL)
      snprintf(buf, size, "errno %s", name);
    else
      snprintf(buf, size, "errno %u", data);
    break;
  }
  default:
    snprintf(buf, size, "action 0x%x", action);
    break;
  }
  return buf;
}

/* The child's only job: one system call, then _exit. Every register the
 * i386 entry may clobber in a 64-bit process is declared. */
static bool in_child(int (*attempt)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    /* A sanitizer's handler would report the kernel's SIGSEGV as our bug. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    _exit(attempt());
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int try_i386(void) {
#if defined(__x86_64__)
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "cc", "r8", "r9", "r10", "r11");
  return r == getpid() ? 0 : 1;
#else
  return 1;
#endif
}

static int try_x32(void) {
#if defined(__x86_64__)
  return syscall(0x40000000L | SYS_getpid) == getpid() ? 0 : 1;
#else
  return 1;
#endif
}

bool abi_i386_works(void) {
  return in_child(try_i386);
}

bool abi_x32_works(void) {
  return in_child(try_x32);
}
