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

const char *hsu_strerror(int err);

/* Appending, truncating string builder over a caller's buffer. */
struct sbuf {
  char *buf;
  size_t size, len;
};
void sb_init(struct sbuf *sb, char *buf, size_t size);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends "s" quoted, with control characters, quotes, backslashes and
 * invalid UTF-8 escaped; at most max_in input bytes, then "...". */
void sb_quote(struct sbuf *sb, const char *s, size_t n, size_t max_in);

/* Quoted, escaped copy of s in one of a few rotating static buffers:
 * good for up to four arguments of one message. */
const char *q(const char *s);

/* Messages read "hsu-init: <what>: ..." from now on (NULL: no context). */
void message_set_context(const char *what);
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "hsu-init: <msg>: <strerror(err)>"; err may be one of ours. */
void warn_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* die and die_err run fn (once) before exiting; NULL clears it. */
void die_set_cleanup(void (*fn)(void));
/* Runs the cleanup and exits without a message (one was already given). */
_Noreturn void die_quietly(int status);
_Noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void die_err(int status, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes all of data to path (O_WRONLY|O_TRUNC); -errno on failure. */
int write_file(const char *path, const char *data);
/* Reads all of fd, at most max bytes; -EFBIG when there is more. */
int read_fd(int fd, size_t max, unsigned char **out, size_t *out_len);
/* write(2) until done; -errno on failure. */
int write_all(int fd, const void *buf, size_t len);

uint64_t monotonic_ms(void);
