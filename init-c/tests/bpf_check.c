/* bpf-eval ABI NR [ARG0] < FILTER: what a raw seccomp BPF program (as
 * `hsu-init --dump-filter` writes it) answers for one system call of the
 * x86_64, i386 or x32 ABI: "allow", "errno ENOSYS", ... For the tests, which
 * check the filter hsu-init loads even where this kernel lacks the ABI. */
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_eval.h"

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: bpf-eval x86_64|i386|x32 NR [ARG0] < FILTER\n");
    return 2;
  }
  struct seccomp_data d = {.nr = (int)strtol(argv[2], NULL, 0)};
  if (strcmp(argv[1], "x86_64") == 0) {
    d.arch = AUDIT_ARCH_X86_64;
  } else if (strcmp(argv[1], "x32") == 0) {
    d.arch = AUDIT_ARCH_X86_64;
    d.nr |= 0x40000000;
  } else if (strcmp(argv[1], "i386") == 0) {
    d.arch = AUDIT_ARCH_I386;
  } else {
    fprintf(stderr, "bpf-eval: unknown ABI %s\n", argv[1]);
    return 2;
  }
  if (argc == 4)
    d.args[0] = strtoull(argv[3], NULL, 0);
  struct sock_filter *prog;
  size_t n;
  int e = bpf_read(STDIN_FILENO, &prog, &n);
  if (e < 0) {
    fprintf(stderr, "bpf-eval: cannot read a BPF program from stdin: %s\n", strerror(-e));
    return 1;
  }
  uint32_t action;
  const char *why;
  if (bpf_eval(prog, n, &d, &action, &why) < 0) {
    fprintf(stderr, "bpf-eval: malformed program: %s\n", why);
    return 1;
  }
  char buf[64];
  printf("%s\n", bpf_action_name(action, buf, sizeof(buf)));
  free(prog);
  return 0;
}
