/* Small shared helpers: cleanup attributes, messages, escaping. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define EXIT_SETUP 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

/* Errors of our own, beyond errno; hsu_strerror knows their text. */
#define HSU_ERR_BASE 0x10000
enum {
  HSU_ENOTOURS = HSU_ERR_BASE, /* would create something outside a tmpfs hsu-init made */
  HSU_EROOT,                   /* a mount target is the sandbox root itself */
  HSU_ENOTDIR_HOST,            /* an auto-root/auto-etc source is not a directory */
  HSU_ENOSYSCALL,              /* a seccomp rule names a syscall this architecture lacks */
  HSU_ECAPLEFT,                /* a capability is still set after dropping all of them */
  HSU_ENONNP,                  /* no_new_privs did not stick */
};

static inline void cleanup_freep(void *p) {
  free(*(void **)p);
}
static inline void cleanup_closep(const int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
#define autofree __attribute__((cleanup(cleanup_freep)))
#define autoclose __attribute__((cleanup(cleanup_closep)))

/* Hands the value out of a cleanup variable. */
static inline int steal_fd(int *fd) {
  int r = *fd;
  *fd = -1;
  return r;
}

/* Appending, truncating string builder over a caller's buffer. */
struct sbuf {
  char *buf;
  size_t size, len;
  bool cut; /* something did not fit */
};
void sb_init(struct sbuf *sb, char *buf, size_t size);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends "s" quoted, with control characters, quotes, backslashes and
 * invalid UTF-8 escaped; at most max_in input bytes, then "...". */
void sb_quote(struct sbuf *sb, const char *s, size_t n, size_t max_in);

const char *hsu_strerror(int err);

/* What failed, made where it failed: an errno (or one of ours; 0 when the
 * sentence says it all) and one sentence ("cannot bind "/a" on "/b""),
 * which callers that know more wrap as "outer: inner". Only the op loop and
 * main print one (die_error), as "hsu-init: <msg>: <strerror>[ (<hint>)]".
 * Paths in a sentence are quoted with q(), whose input limit keeps a
 * sentence with two of them whole; a longer one ends in "...". */
#define HSU_ERROR_SIZE 1024
struct hsu_error {
  int err;
  const char *hint; /* what the user can do about it, or NULL */
  char msg[HSU_ERROR_SIZE];
};
static inline void hsu_error_clear(struct hsu_error *e) {
  e->err = 0;
  e->hint = NULL;
  e->msg[0] = '\0';
}
/* Sets e (a fresh sentence, no hint) and returns -err, or -1 when err is
 * 0; errno is kept. */
int hsu_fail(struct hsu_error *e, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An errno without a sentence: the caller's hsu_wrap names the action. */
int hsu_fail_errno(struct hsu_error *e, int err);
/* "outer: inner", or just "outer" when e has no sentence yet; returns what
 * hsu_fail would. */
int hsu_wrap(struct hsu_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The printed form without "hsu-init: ": msg, strerror, hint. */
void hsu_error_render(const struct hsu_error *e, struct sbuf *sb);

/* Quoted, escaped copy of s in one of a few rotating static buffers:
 * good for up to four arguments of one message. At most Q_MAX_IN bytes of
 * s are shown, then "...": a sentence with two paths fits in a
 * struct hsu_error. */
#define Q_MAX_IN 400
const char *q(const char *s);

/* Messages read "hsu-init: <what>: ..." from now on (NULL: no context). */
void message_set_context(const char *what);
const char *message_context(void);
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "hsu-init: <msg>: <strerror(err)>"; err may be one of ours. */
void warn_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* die and die_err run fn (once) before exiting; NULL clears it. */
void die_set_cleanup(void (*fn)(void));
/* Runs the cleanup and exits without a message (one was already given). */
_Noreturn void die_quietly(int status);
_Noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_err(int status, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void die_error(int status, const struct hsu_error *e);
void warn_error(const struct hsu_error *e);

/* Writes all of data to path (O_WRONLY|O_TRUNC); -errno on failure. */
int write_file(const char *path, const char *data);
/* Reads all of fd, at most max bytes; -EFBIG when there is more. */
int read_fd(int fd, size_t max, unsigned char **out, size_t *out_len);
/* write(2) until done; -errno on failure. */
int write_all(int fd, const void *buf, size_t len);

uint64_t monotonic_ms(void);

/* hsu's runtime directory, one rule (docs/instances.md; RuntimeDir.java has
 * the same): $XDG_RUNTIME_DIR when it is absolute; else /run/user/UID when
 * that is a directory of the caller's; else the fallback /tmp/hsu-UID, the
 * same path whatever TMPDIR says. */
void runtime_dir(char *buf, size_t size);
/* The rule, with run_user standing for /run/user/UID. */
void runtime_dir_rule(const char *xdg, const char *run_user, uid_t uid, char *buf, size_t size);
void runtime_dir_fallback(uid_t uid, char *buf, size_t size);
/* Before hsu uses dir: when it is the fallback, makes it (0700) if create
 * and it is missing, and refuses it unless it is a directory of the
 * caller's, not a symlink, closed to group and others. A session's or the
 * environment's directory is taken as it is. 0, or negative with e. */
int runtime_dir_check(const char *dir, bool create, struct hsu_error *e);
/* runtime_dir_check's test of the fallback, on any path. */
int private_dir_check(const char *dir, uid_t uid, bool create, struct hsu_error *e);
