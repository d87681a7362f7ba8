/* Starting the app and the daemons: drop every privilege, then exec. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct spawn_req {
  char *const *argv;
  char *const *envp;
  bool search_path;  /* a bare argv[0] is looked up on envp's PATH */
  bool new_session;
  int last_cap;
  mode_t umask;
};

/* What the child reports on the pipe when it cannot exec. */
enum spawn_stage { SPAWN_PRIVILEGES = 1, SPAWN_EXEC = 2 };

/* Forks; the child drops privileges and execs. *report_fd is then read
 * with spawn_result. Returns the pid or -errno. */
pid_t spawn(const struct spawn_req *req, int *report_fd);
/* 0 once the child has exec'd; 1 when it failed (stage, err set); -errno. */
int spawn_result(int report_fd, int *stage, int *err);

/* Bounding set, ambient, effective, permitted, inheritable: all empty;
 * then no_new_privs. */
int drop_privileges(int last_cap);
/* From /proc/sys/kernel/cap_last_cap (read while /proc is still the host's). */
int read_last_cap(void);
/* execve, or, for a bare name, the PATH of envp like execvpe; returns -errno. */
int exec_search(char *const argv[], char *const envp[]);
