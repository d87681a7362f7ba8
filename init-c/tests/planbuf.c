#include "planbuf.h"

#include <stdlib.h>
#include <string.h>

#include "plan.h"

void pb_init(struct pb *b) {
  memset(b, 0, sizeof(*b));
  pb_bytes(b, "HSUPLAN\0", 8);
  pb_u32(b, PLAN_VERSION);
  pb_u32(b, 0);
}

void pb_free(struct pb *b) {
  free(b->buf);
  memset(b, 0, sizeof(*b));
}

void pb_bytes(struct pb *b, const void *data, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 64;
    b->buf = realloc(b->buf, b->cap);
    if (b->buf == NULL)
      abort();
  }
  memcpy(b->buf + b->len, data, n);
  b->len += n;
}

void pb_u16(struct pb *b, uint16_t v) {
  unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  pb_bytes(b, x, 2);
}

void pb_u32(struct pb *b, uint32_t v) {
  unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                        (unsigned char)(v >> 24)};
  pb_bytes(b, x, 4);
}

void pb_u64(struct pb *b, uint64_t v) {
  pb_u32(b, (uint32_t)v);
  pb_u32(b, (uint32_t)(v >> 32));
}

void pb_strn(struct pb *b, const char *s, size_t n) {
  pb_u32(b, (uint32_t)n);
  pb_bytes(b, s, n);
}

void pb_str(struct pb *b, const char *s) {
  pb_strn(b, s, strlen(s));
}

void pb_strs(struct pb *b, const char *const *list) {
  uint32_t n = 0;
  while (list != NULL && list[n] != NULL)
    n++;
  pb_u32(b, n);
  for (uint32_t i = 0; i < n; i++)
    pb_str(b, list[i]);
}

void pb_begin(struct pb *b, uint16_t tag) {
  b->record = b->len;
  pb_u16(b, tag);
  pb_u16(b, 0);
  pb_u32(b, 0);
}

void pb_end(struct pb *b) {
  uint32_t n = (uint32_t)(b->len - b->record - 8);
  unsigned char *p = b->buf + b->record + 4;
  p[0] = (unsigned char)n;
  p[1] = (unsigned char)(n >> 8);
  p[2] = (unsigned char)(n >> 16);
  p[3] = (unsigned char)(n >> 24);
}

void pb_params(struct pb *b, const char *const *argv) {
  static const char *const env[] = {"PATH=/usr/bin:/bin", "HOME=/home/u", NULL};
  pb_begin(b, TAG_PARAMS);
  pb_u32(b, 1000);
  pb_u32(b, 1000);
  pb_u32(b, 0);
  pb_str(b, "hsu");
  pb_str(b, "/");
  pb_strs(b, argv);
  pb_strs(b, env);
  pb_u64(b, 100);
  pb_end(b);
}

void pb_end_record(struct pb *b) {
  pb_begin(b, TAG_END);
  pb_end(b);
}

void pb_finish(struct pb *b) {
  uint32_t n = (uint32_t)(b->len - PLAN_HEADER_SIZE);
  unsigned char *p = b->buf + 12;
  p[0] = (unsigned char)n;
  p[1] = (unsigned char)(n >> 8);
  p[2] = (unsigned char)(n >> 16);
  p[3] = (unsigned char)(n >> 24);
}

void pb_full_plan(struct pb *b) {
  static const char *const argv[] = {"sh", "-c", "id", NULL};
  static const char *const none[] = {NULL};
  static const char *const excl[] = {"boot", "srv", NULL};
  static const char *const skip[] = {"passwd", "group", "hostname", NULL};
  static const char *const lowers[] = {"/usr/share", "/opt/a,b:c\\d", NULL};
  static const char *const dargv[] = {"/usr/bin/daemon", "--flag", NULL};
  static const char *const denv[] = {"A=1", NULL};
  pb_init(b);
  pb_params(b, argv);
  pb_begin(b, TAG_SECCOMP);
  pb_u32(b, 0x1F);
  pb_u32(b, 4);
  pb_u32(b, 1);
  pb_u32(b, 38);
  pb_u32(b, 1);
  pb_str(b, "ptrace");
  pb_u32(b, 1);
  pb_end(b);
  pb_begin(b, TAG_LANDLOCK);
  pb_u32(b, 2 | 4 | 8 | 16);
  pb_u32(b, 1);
  pb_str(b, "/usr");
  pb_u64(b, 0x3);
  pb_u32(b, 1);
  pb_u32(b, 443);
  pb_u64(b, 2);
  pb_end(b);
  pb_begin(b, TAG_AUTO_ROOT);
  pb_str(b, "/");
  pb_u32(b, 0);
  pb_strs(b, excl);
  pb_end(b);
  pb_begin(b, TAG_AUTO_ETC);
  pb_str(b, "/etc");
  pb_strs(b, none);
  pb_strs(b, skip);
  pb_end(b);
  pb_begin(b, TAG_BIND);
  pb_str(b, "/home/u/Music");
  pb_str(b, "/home/u/Music");
  pb_u32(b, 1 | 4);
  pb_end(b);
  pb_begin(b, TAG_TMPFS);
  pb_str(b, "/tmp");
  pb_u64(b, 1 << 20);
  pb_u32(b, 01777);
  pb_u32(b, 0);
  pb_end(b);
  pb_begin(b, TAG_OVERLAY);
  pb_str(b, "/usr/share");
  pb_u32(b, 4);
  pb_str(b, "");
  pb_str(b, "");
  pb_strs(b, lowers);
  pb_end(b);
  pb_begin(b, TAG_MKDIR);
  pb_str(b, "/run/user/1000");
  pb_u32(b, 0700);
  pb_end(b);
  pb_begin(b, TAG_PLACE);
  pb_str(b, "/etc/passwd");
  pb_u32(b, 0644);
  pb_strn(b, "u:x:1000:1000::/home/u:/bin/sh\n\0nul", 35);
  pb_end(b);
  pb_begin(b, TAG_SYMLINK);
  pb_str(b, "/etc/localtime");
  pb_str(b, "/etc/localtime");
  pb_u32(b, 1);
  pb_end(b);
  pb_begin(b, TAG_PROC);
  pb_str(b, "/proc");
  pb_end(b);
  pb_begin(b, TAG_SYSFS);
  pb_str(b, "/sys");
  pb_end(b);
  pb_begin(b, TAG_DEV);
  pb_str(b, "/dev");
  pb_u32(b, 1);
  pb_end(b);
  pb_begin(b, TAG_REMOUNT);
  pb_str(b, "/");
  pb_u32(b, 1);
  pb_end(b);
  pb_begin(b, TAG_DAEMON);
  pb_str(b, "/run/daemon.sock");
  pb_u64(b, 5000);
  pb_strs(b, dargv);
  pb_strs(b, denv);
  pb_end(b);
  pb_end_record(b);
  pb_finish(b);
}
