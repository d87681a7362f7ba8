/* Starting the app and the daemons: drop every privilege, enforce Landlock,
 * load the seccomp filter, then exec. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "seccomp.h"

struct spawn_req {
  char *const *argv;
  char *const *envp;
  bool search_path; /* a bare argv[0] is looked up on envp's PATH */
  bool new_session;
  int last_cap;
  mode_t umask;
  int landlock_fd;                  /* a ruleset to enforce, or -1 */
  const struct sock_fprog *seccomp; /* a compiled filter to load, or NULL */
  int pass_fd;                      /* an fd the program gets as pass_to, or -1 */
  int pass_to;
};

/* What the child reports on the pipe when it cannot exec. */
enum spawn_stage { SPAWN_PRIVILEGES = 1, SPAWN_EXEC = 2, SPAWN_LANDLOCK = 3, SPAWN_SECCOMP = 4 };

/* Forks; the child drops privileges and execs. *report_fd is then read
 * with spawn_result. Returns the pid or -errno. */
pid_t spawn(const struct spawn_req *req, int *report_fd);
/* 0 once the child has exec'd; 1 when it failed (stage, err set); -errno. */
int spawn_result(int report_fd, int *stage, int *err);

/* Bounding set, ambient, effective, permitted, inheritable: all empty;
 * then no_new_privs; then check_privileges. */
int drop_privileges(int last_cap);
/* Every capability this process has kept across the next execve (as
 * ambient capabilities; an exec by a uid other than 0 drops the others). */
int keep_caps_across_exec(int last_cap);
/* Every capability set read back empty and no_new_privs set, or
 * -HSU_ECAPLEFT / -HSU_ENONNP / -errno. */
int check_privileges(int last_cap);
/* From /proc/sys/kernel/cap_last_cap (read while /proc is still the host's). */
int read_last_cap(void);
/* execve, or, for a bare name, the PATH of envp like execvpe; returns -errno. */
int exec_search(char *const argv[], char *const envp[]);
