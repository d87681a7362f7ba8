/* Landlock (docs/plan-format.md, LANDLOCK): the kernel's ABI is probed once;
 * the ruleset is built once inside the sandbox and enforced by every process
 * hsu-init starts. The constants are our own: distribution headers lag. */
#pragma once

#include <stddef.h>

#include "plan.h"
#include "util.h"

/* The kernel's Landlock ABI version; 0 when it has no Landlock (not built
 * in, or disabled at boot). */
int landlock_abi(void);

/* When the plan needs features abi lacks: the ABI they need, and a sentence
 * naming them in e ("Landlock ABI 6 is needed for ..., the kernel has 4";
 * no errno). 0 when abi has everything. */
int landlock_missing(const struct landlock_rules *l, int abi, struct hsu_error *e);

/* The ruleset in *fd (O_CLOEXEC), with whatever of the plan abi supports;
 * -1 when there is nothing to enforce. Rule paths are opened here (inside
 * the sandbox): a missing one is skipped; rights are narrowed to what abi
 * knows and, for a non-directory, to the rights of files. Returns 0, or
 * -errno with e saying what failed ("cannot open \"/x\" for a Landlock
 * rule"). */
int landlock_build(const struct landlock_rules *l, int abi, int *fd, struct hsu_error *e);

/* landlock_restrict_self; needs no_new_privs. Returns 0 or -errno. */
int landlock_enforce(int fd);
