/* The seccomp filter of the SECCOMP record (docs/plan-format.md), built
 * with libseccomp once in hsu-init, compiled to BPF there, and loaded by
 * every process it starts. */
#pragma once

#include <linux/filter.h>
#include <seccomp.h>

#include "plan.h"
#include "util.h"

/* Builds the filter: default ALLOW on the native ABI, the presets, the
 * socket families, the plan's deny rules; the secondary ABIs (x32, i386)
 * get ENOSYS for every syscall unless MULTIARCH. Returns 0, or -errno with
 * e set (no sentence: the caller names the action); a deny rule naming a
 * syscall this architecture lacks gives -HSU_ENOSYSCALL and the sentence
 * "unknown syscall "name"". */
int filter_build(const struct seccomp_rules *rules, scmp_filter_ctx *out, struct hsu_error *e);

/* The BPF program seccomp_load would give the kernel for ctx, in memory
 * (out->filter is malloc'd): what PID 1 gets from the supervisor, so that
 * it neither builds nor compiles the filter again. 0, or -errno. */
int filter_compile(scmp_filter_ctx ctx, struct sock_fprog *out);
/* A compiled program from fd (at most 65535 instructions); 0 or -errno. */
int filter_read(int fd, struct sock_fprog *out);
/* Loads a compiled filter into the calling process, as seccomp_load does
 * with hsu's attributes (no flags; no_new_privs is already set): the last
 * step before execve. 0, or -errno. */
int filter_load(const struct sock_fprog *prog);
