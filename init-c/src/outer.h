/* The outer hsu-init: stays in the host namespaces, forwards signals to the
 * sandbox's PID 1 and exits with its status. */
#pragma once

#include <sys/types.h>

/* The forwarded signals and SIGCHLD must be blocked since before the clone. */
_Noreturn void outer_supervise(pid_t child);
