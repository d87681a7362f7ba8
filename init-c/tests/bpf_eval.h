/* A classic BPF interpreter for seccomp programs, and the kernel ABIs a
 * test can exercise: the tests prove what the filter hsu-init loads answers
 * for the i386 and x32 ABIs even on a kernel that lacks them. */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs prog on d as the kernel's seccomp would; 0 with *action set, or -1
 * when the program is malformed (a bad instruction, a jump or load out of
 * range, or no return), with *why saying which. */
int bpf_eval(const struct sock_filter *prog, size_t n, const struct seccomp_data *d,
             uint32_t *action, const char **why);

/* The raw BPF of a libseccomp filter; 0, or -errno. *prog is malloc'd. */
int bpf_export(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *n);

/* Reads a raw BPF program from fd (at most 4096 instructions); 0, or -errno. */
int bpf_read(int fd, struct sock_filter **prog, size_t *n);

/* "allow", "errno ENOSYS", "kill-process", ...: what an action means. */
const char *bpf_action_name(uint32_t action, char *buf, size_t size);

/* Whether this kernel runs a system call through each secondary ABI with no
 * filter at all. Each probe runs in a forked child that exits right after, so
 * a kernel that kills the caller instead (int $0x80 without IA-32 emulation
 * delivered: SIGSEGV) harms nothing. */
bool abi_i386_works(void);
bool abi_x32_works(void);
