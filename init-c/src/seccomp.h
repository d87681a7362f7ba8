/* The seccomp filter of the SECCOMP record (docs/plan-format.md), built
 * with libseccomp once in hsu-init and loaded by every process it starts. */
#pragma once

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

/* Loads the filter into the calling process: the last step before execve. */
int filter_load(scmp_filter_ctx ctx);
