/* The plan parser: every check of docs/plan-format.md, every truncation. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "planbuf.h"
#include "tap.h"

static const char *const default_argv[] = {"sh", NULL};
static const char *const no_names[] = {NULL};

/* NULL when b parses, else the error sentence (static). */
static const char *parse(const unsigned char *buf, size_t len) {
  static struct hsu_error err;
  struct plan p;
  if (plan_parse(buf, len, &p, &err) == 0) {
    plan_free(&p);
    return NULL;
  }
  return err.msg;
}

static void expect(const struct pb *b, const char *want, const char *name) {
  const char *err = parse(b->buf, b->len);
  if (want == NULL) {
    if (!ok(err == NULL, "%s: accepted", name))
      printf("# got: %s\n", err);
  } else {
    if (!ok(err != NULL && strstr(err, want) != NULL, "%s: rejected with \"%s\"", name, want))
      printf("# got: %s\n", err ? err : "(accepted)");
  }
}

/* PARAMS (default), one record with payload, END. */
static void expect_op(uint16_t tag, struct pb *payload, const char *want, const char *name) {
  struct pb b;
  pb_init(&b);
  pb_params(&b, default_argv);
  pb_begin(&b, tag);
  pb_bytes(&b, payload->buf, payload->len);
  pb_end(&b);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, want, name);
  pb_free(&b);
  pb_free(payload);
}

struct params {
  uint32_t uid, gid, flags;
  const char *hostname, *cwd;
  const char *const *argv, *const *env;
};

static void expect_params(struct params pa, const char *want, const char *name) {
  static const char *const env[] = {"PATH=/bin", NULL};
  struct pb b;
  pb_init(&b);
  pb_begin(&b, TAG_PARAMS);
  pb_u32(&b, pa.uid);
  pb_u32(&b, pa.gid);
  pb_u32(&b, pa.flags);
  pb_str(&b, pa.hostname ? pa.hostname : "hsu");
  pb_str(&b, pa.cwd ? pa.cwd : "/");
  pb_strs(&b, pa.argv ? pa.argv : default_argv);
  pb_strs(&b, pa.env ? pa.env : env);
  pb_u64(&b, 0);
  pb_end(&b);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, want, name);
  pb_free(&b);
}

static void test_header(void) {
  struct pb b;
  pb_init(&b);
  pb_params(&b, default_argv);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, NULL, "minimal plan");

  ok(strstr(parse(b.buf, 0), "truncated") != NULL, "empty input rejected");
  ok(strstr(parse(b.buf, 15), "header alone needs 16") != NULL, "15-byte input rejected");

  b.buf[0] = 'X';
  expect(&b, "bad magic", "bad magic");
  b.buf[0] = 'H';
  b.buf[7] = '!';
  expect(&b, "bad magic", "magic without its NUL");
  b.buf[7] = 0;

  b.buf[8] = 3;
  expect(&b, "unsupported plan version 3", "version 3");
  b.buf[8] = 1;
  expect(&b, "unsupported plan version 1 (this hsu-init reads version 2)",
         "version 1 (before INSTANCE named the app)");
  b.buf[8] = 0;
  expect(&b, "unsupported plan version 0", "version 0");
  b.buf[8] = 2;

  b.buf[12]++;
  expect(&b, "does not match", "body_length one too big");
  b.buf[12] -= 2;
  expect(&b, "does not match", "body_length one too small");
  pb_free(&b);

  size_t big = PLAN_MAX_SIZE + 1;
  unsigned char *huge = calloc(1, big);
  memcpy(huge, "HSUPLAN\0\1\0\0\0", 12);
  ok(huge != NULL && strstr(parse(huge, big), "larger than 16 MiB") != NULL,
     "plan over 16 MiB rejected");
  free(huge);
}

static void test_records(void) {
  struct pb b;

  pb_init(&b);
  pb_finish(&b);
  expect(&b, "without an END record", "header only");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_finish(&b);
  expect(&b, "without an END record", "no END");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_bytes(&b, "\xff\xff\0", 3);
  pb_finish(&b);
  expect(&b, "record 2: record header is truncated", "truncated record header");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_end_record(&b);
  b.buf[b.len - 6] = 1;
  pb_finish(&b);
  expect(&b, "record 2 (END): reserved field is 1, must be 0", "nonzero reserved field");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_begin(&b, TAG_PROC);
  pb_str(&b, "/proc");
  pb_end(&b);
  b.buf[b.len - 9 - 4] += 1; /* length one beyond the data */
  pb_finish(&b);
  expect(&b, "exceeds the", "record length beyond the plan");
  pb_free(&b);

  static const uint16_t unknown[] = {0, 2, 15, 34, 0xFFFE};
  for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
    pb_init(&b);
    pb_params(&b, default_argv);
    pb_begin(&b, unknown[i]);
    pb_end(&b);
    pb_end_record(&b);
    pb_finish(&b);
    char want[64], name[64];
    snprintf(want, sizeof(want), "record 2: unknown tag %u", unknown[i]);
    snprintf(name, sizeof(name), "unknown tag %u", unknown[i]);
    expect(&b, want, name);
    pb_free(&b);
  }

  pb_init(&b);
  pb_begin(&b, TAG_PROC);
  pb_str(&b, "/proc");
  pb_end(&b);
  pb_params(&b, default_argv);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, "record 1 (PROC): the first record must be PARAMS", "op before PARAMS");
  pb_free(&b);

  pb_init(&b);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, "record 1 (END): the first record must be PARAMS", "END first");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_params(&b, default_argv);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, "record 2 (PARAMS): there is more than one PARAMS record", "two PARAMS");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_begin(&b, TAG_END);
  pb_u32(&b, 0);
  pb_end(&b);
  pb_finish(&b);
  expect(&b, "record 2 (END): length is 4, must be 0", "END with a payload");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_end_record(&b);
  pb_u32(&b, 0);
  pb_finish(&b);
  expect(&b, "4 bytes follow the END record", "bytes after END");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_end_record(&b);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, "8 bytes follow the END record", "two ENDs");
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, default_argv);
  pb_u32(&b, 0); /* one byte too many inside PARAMS */
  b.len -= 3;
  pb_end(&b);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, "record 1 (PARAMS): 1 unexpected bytes at the end of the record",
         "trailing byte in PARAMS");
  pb_free(&b);

  struct pb p = {0};
  pb_str(&p, "/proc");
  pb_u32(&p, 0);
  expect_op(TAG_PROC, &p, "record 2 (PROC): 4 unexpected bytes", "trailing bytes in an op");

  for (uint32_t n = PLAN_MAX_OPS; n <= PLAN_MAX_OPS + 1; n++) {
    pb_init(&b);
    pb_params(&b, default_argv);
    for (uint32_t i = 0; i < n; i++) {
      pb_begin(&b, TAG_PROC);
      pb_str(&b, "/proc");
      pb_end(&b);
    }
    pb_end_record(&b);
    pb_finish(&b);
    if (n == PLAN_MAX_OPS)
      expect(&b, NULL, "4096 ops");
    else
      expect(&b, "more than 4096 op records", "4097 ops");
    pb_free(&b);
  }
}

static void test_paths(void) {
  static const struct {
    const char *path;
    const char *want;
  } cases[] = {
      {"/", NULL},
      {"/a", NULL},
      {"/a/b/c", NULL},
      {"/...", NULL},
      {"/.a/b.", NULL},
      {"/a b/\\,:", NULL},
      {"", "target path \"\" is empty"},
      {"a", "target path \"a\" is not absolute"},
      {"foo/bar", "is not absolute"},
      {"//", "ends with '/'"},
      {"//a", "contains '//'"},
      {"/a//b", "contains '//'"},
      {"/a/", "ends with '/'"},
      {"/.", "contains a '.' or '..' component"},
      {"/..", "contains a '.' or '..' component"},
      {"/a/./b", "contains a '.' or '..' component"},
      {"/a/../b", "contains a '.' or '..' component"},
      {"/a/..", "contains a '.' or '..' component"},
      {"/\n\x1b[1m", "target path \"/\\n\\x1b[1m\" is not absolute"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct pb p = {0};
    pb_str(&p, cases[i].path);
    char name[128];
    snprintf(name, sizeof(name), "PROC target path #%zu", i);
    if (i == sizeof(cases) / sizeof(cases[0]) - 1) {
      /* A control character is escaped in the message; this path is also
       * absolute, so check the escaping through a relative one. */
      pb_free(&p);
      pb_str(&p, "\n\x1b[1m");
      expect_op(TAG_PROC, &p, "target path \"\\n\\x1b[1m\" is not absolute", "escaped message");
      continue;
    }
    expect_op(TAG_PROC, &p, cases[i].want, name);
  }

  char *long_path = malloc(PLAN_MAX_PATH + 1);
  long_path[0] = '/';
  memset(long_path + 1, 'a', PLAN_MAX_PATH);
  for (size_t n = PLAN_MAX_PATH - 1; n <= PLAN_MAX_PATH; n++) {
    struct pb p = {0};
    pb_strn(&p, long_path, n);
    expect_op(TAG_PROC, &p, n < PLAN_MAX_PATH ? NULL : "is 4096 bytes or longer",
              n < PLAN_MAX_PATH ? "4095-byte path" : "4096-byte path");
  }
  free(long_path);

  struct pb p = {0};
  pb_strn(&p, "/a\0b", 4);
  expect_op(TAG_PROC, &p, "target contains a NUL byte", "path with NUL");

  p = (struct pb){0};
  pb_u32(&p, 10);
  pb_bytes(&p, "/abc", 4);
  expect_op(TAG_PROC, &p, "target is truncated: needs 10 bytes, 4 left", "string beyond record");

  p = (struct pb){0};
  pb_bytes(&p, "\x05\0", 2);
  expect_op(TAG_PROC, &p, "target is truncated: needs 4 bytes, 2 left", "truncated length");
}

static void test_strings_and_lists(void) {
  /* str: n <= 65536 (checked on an env entry) */
  char *big = malloc(PLAN_MAX_STR + 2);
  memset(big, 'x', PLAN_MAX_STR + 1);
  big[0] = 'A';
  big[1] = '=';
  for (size_t n = PLAN_MAX_STR; n <= PLAN_MAX_STR + 1; n++) {
    big[n] = '\0';
    const char *env[] = {big, NULL};
    expect_params((struct params){.env = env},
                  n == PLAN_MAX_STR ? NULL : "env[0] is 65537 bytes long, at most 65536",
                  n == PLAN_MAX_STR ? "65536-byte string" : "65537-byte string");
    big[n] = 'x';
  }
  free(big);

  struct pb p = {0};
  pb_str(&p, "/");
  pb_u32(&p, 0);
  pb_u32(&p, PLAN_MAX_LIST + 1);
  expect_op(TAG_AUTO_ROOT, &p, "exclude has 4097 entries, at most 4096", "names count > 4096");

  p = (struct pb){0};
  pb_str(&p, "/");
  pb_u32(&p, 0);
  pb_u32(&p, 3);
  pb_str(&p, "a");
  expect_op(TAG_AUTO_ROOT, &p, "exclude is truncated", "names count beyond the record");

  p = (struct pb){0};
  pb_str(&p, "/");
  pb_u32(&p, 0);
  pb_u32(&p, 2);
  pb_str(&p, "a");
  pb_u32(&p, 100);
  pb_str(&p, "b");
  expect_op(TAG_AUTO_ROOT, &p, "exclude[1] is truncated", "names entry beyond the record");

  static const struct {
    const char *name, *want;
  } names[] = {
      {"boot", NULL},
      {".hidden", NULL},
      {"...", NULL},
      {"", "exclude[0] name \"\" is empty"},
      {"a/b", "contains '/'"},
      {".", "is '.' or '..'"},
      {"..", "is '.' or '..'"},
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const char *list[] = {names[i].name, NULL};
    p = (struct pb){0};
    pb_str(&p, "/");
    pb_u32(&p, 0);
    pb_strs(&p, list);
    char name[64];
    snprintf(name, sizeof(name), "name #%zu", i);
    expect_op(TAG_AUTO_ROOT, &p, names[i].want, name);
  }
  char n255[257];
  memset(n255, 'n', 256);
  for (size_t n = 255; n <= 256; n++) {
    n255[n] = '\0';
    const char *list[] = {n255, NULL};
    p = (struct pb){0};
    pb_str(&p, "/etc");
    pb_strs(&p, list);
    pb_strs(&p, no_names);
    expect_op(TAG_AUTO_ETC, &p, n == 255 ? NULL : "only[0] name",
              n == 255 ? "255-byte name" : "256-byte name");
    n255[n] = 'n';
  }

  const char *many[PLAN_MAX_LIST + 2];
  for (size_t i = 0; i <= PLAN_MAX_LIST; i++)
    many[i] = "x";
  many[PLAN_MAX_LIST + 1] = NULL;
  expect_params((struct params){.argv = many}, "argv has 4097 entries", "strs count > 4096");
  many[PLAN_MAX_LIST] = NULL;
  expect_params((struct params){.argv = many}, NULL, "strs count 4096");

  p = (struct pb){0};
  pb_str(&p, "/f");
  pb_u32(&p, 0644);
  pb_u32(&p, PLAN_MAX_BYTES + 1);
  expect_op(TAG_PLACE, &p, "data is 8388609 bytes long, at most 8388608", "bytes > 8 MiB");

  unsigned char *mib8 = calloc(1, PLAN_MAX_BYTES);
  p = (struct pb){0};
  pb_str(&p, "/f");
  pb_u32(&p, 0644);
  pb_strn(&p, (const char *)mib8, PLAN_MAX_BYTES);
  expect_op(TAG_PLACE, &p, NULL, "8 MiB of NUL bytes");
  free(mib8);
}

static void test_params(void) {
  static const char *const empty_argv[] = {NULL};
  static const char *const empty_arg0[] = {"", "x", NULL};
  static const char *const bad_env1[] = {"PATH=/bin", "NOEQUALS", NULL};
  static const char *const bad_env2[] = {"=value", NULL};
  static const char *const ok_env[] = {"A=", "B==", NULL};
  expect_params((struct params){.uid = 65534, .gid = 0}, NULL, "uid 65534");
  expect_params((struct params){.uid = 65535}, "uid 65535 is larger than 65534", "uid 65535");
  expect_params((struct params){.gid = 0xFFFFFFFF}, "gid 4294967295 is larger", "gid -1");
  expect_params((struct params){.flags = 3}, NULL, "flags HOST_NET|KEEP_SESSION");
  expect_params((struct params){.flags = 7}, NULL, "flags HOST_NET|KEEP_SESSION|DIE_WITH_PARENT");
  expect_params((struct params){.flags = 8}, "flags 0x8 has unknown bits 0x8", "flags 8");
  expect_params((struct params){.hostname = ""}, NULL, "empty hostname");
  expect_params(
      (struct params){.hostname =
                          "0123456789012345678901234567890123456789012345678901234567890123"},
      NULL, "64-byte hostname");
  expect_params(
      (struct params){.hostname =
                          "01234567890123456789012345678901234567890123456789012345678901234"},
      "hostname is longer than 64 bytes", "65-byte hostname");
  expect_params((struct params){.cwd = "home"}, "cwd path \"home\" is not absolute",
                "relative cwd");
  expect_params((struct params){.argv = empty_argv}, "argv is empty", "empty argv");
  expect_params((struct params){.argv = empty_arg0}, "argv[0] is empty", "empty argv[0]");
  expect_params((struct params){.env = bad_env1}, "env[1] \"NOEQUALS\" is not of the form",
                "env without =");
  expect_params((struct params){.env = bad_env2}, "env[0] \"=value\" is not of the form",
                "env with empty name");
  expect_params((struct params){.env = ok_env}, NULL, "env with empty values");

  /* Truncated in each field: cut PARAMS payload at every length. */
  struct pb full = {0};
  pb_u32(&full, 1);
  pb_u32(&full, 2);
  pb_u32(&full, 0);
  pb_str(&full, "h");
  pb_str(&full, "/");
  pb_strs(&full, default_argv);
  pb_strs(&full, no_names);
  pb_u64(&full, 7);
  bool all = true;
  for (size_t cut = 0; cut < full.len; cut++) {
    struct pb b;
    pb_init(&b);
    pb_begin(&b, TAG_PARAMS);
    pb_bytes(&b, full.buf, cut);
    pb_end(&b);
    pb_end_record(&b);
    pb_finish(&b);
    const char *err = parse(b.buf, b.len);
    if (err == NULL || strstr(err, "record 1 (PARAMS):") == NULL) {
      printf("# cut %zu: %s\n", cut, err ? err : "accepted");
      all = false;
    }
    pb_free(&b);
  }
  ok(all, "PARAMS cut at every length is rejected as PARAMS");
  pb_free(&full);
}

static void test_ops(void) {
  struct pb p;
#define OP(tag, want, name, ...)                                                                   \
  do {                                                                                             \
    p = (struct pb){0};                                                                            \
    __VA_ARGS__;                                                                                   \
    expect_op(tag, &p, want, name);                                                                \
  } while (0)

  static const char *const excl[] = {"boot", NULL};
  OP(TAG_AUTO_ROOT, NULL, "AUTO_ROOT writable device", pb_str(&p, "/"), pb_u32(&p, 3),
     pb_strs(&p, excl));
  OP(TAG_AUTO_ROOT, "bind_flags 0x4 has unknown bits 0x4", "AUTO_ROOT optional", pb_str(&p, "/"),
     pb_u32(&p, BIND_OPTIONAL), pb_strs(&p, excl));
  OP(TAG_AUTO_ROOT, "bind_flags 0x8 has unknown bits", "AUTO_ROOT ensure", pb_str(&p, "/"),
     pb_u32(&p, BIND_ENSURE), pb_strs(&p, excl));
  OP(TAG_AUTO_ROOT, "host path \"host\" is not absolute", "AUTO_ROOT relative host",
     pb_str(&p, "host"), pb_u32(&p, 0), pb_strs(&p, excl));

  static const char *const only[] = {"passwd", "hosts", NULL};
  OP(TAG_AUTO_ETC, NULL, "AUTO_ETC only", pb_str(&p, "/etc"), pb_strs(&p, only),
     pb_strs(&p, no_names));
  OP(TAG_AUTO_ETC, "skip[1] name \"a/b\" contains '/'", "AUTO_ETC bad skip", pb_str(&p, "/etc"),
     pb_strs(&p, no_names), pb_strs(&p, (const char *const[]){"x", "a/b", NULL}));

  for (uint32_t f = 0; f < 16; f++) {
    char name[64];
    snprintf(name, sizeof(name), "BIND flags %u", f);
    OP(TAG_BIND, (f & 12) == 12 ? "OPTIONAL and ENSURE cannot be combined" : NULL, name,
       pb_str(&p, "/a"), pb_str(&p, "/b"), pb_u32(&p, f));
  }
  OP(TAG_BIND, "flags 0x10 has unknown bits 0x10", "BIND flags 16", pb_str(&p, "/a"),
     pb_str(&p, "/b"), pb_u32(&p, 16));
  OP(TAG_BIND, "record 2 (BIND): source path \"foo\" is not absolute", "BIND relative source",
     pb_str(&p, "foo"), pb_str(&p, "/b"), pb_u32(&p, 0));
  OP(TAG_BIND, "target path \"/b/\" ends with '/'", "BIND target with trailing slash",
     pb_str(&p, "/a"), pb_str(&p, "/b/"), pb_u32(&p, 0));
  OP(TAG_BIND, "flags is truncated: needs 4 bytes, 0 left", "BIND without flags", pb_str(&p, "/a"),
     pb_str(&p, "/b"));

  OP(TAG_TMPFS, NULL, "TMPFS", pb_str(&p, "/tmp"), pb_u64(&p, 0), pb_u32(&p, 07777), pb_u32(&p, 1));
  OP(TAG_TMPFS, "mode 010000 is larger than 07777", "TMPFS mode", pb_str(&p, "/tmp"), pb_u64(&p, 0),
     pb_u32(&p, 010000), pb_u32(&p, 0));
  OP(TAG_TMPFS, "flags 0x2 has unknown bits", "TMPFS flags", pb_str(&p, "/tmp"), pb_u64(&p, 0),
     pb_u32(&p, 0755), pb_u32(&p, 2));
  OP(TAG_TMPFS, "size_bytes is truncated: needs 8 bytes, 4 left", "TMPFS short size",
     pb_str(&p, "/tmp"), pb_u32(&p, 0));

  static const char *const one[] = {"/l1", NULL};
  static const char *const two[] = {"/l1", "/we,ird:pa\\th", NULL};
  static const char *const rel[] = {"/l1", "l2", NULL};
#define OVL(flags, up, wk, lw)                                                                     \
  pb_str(&p, "/o"), pb_u32(&p, flags), pb_str(&p, up), pb_str(&p, wk), pb_strs(&p, lw)
  OP(TAG_OVERLAY, NULL, "OVERLAY ephemeral", OVL(1, "", "", one));
  OP(TAG_OVERLAY, NULL, "OVERLAY persistent", OVL(2, "/u", "/w", two));
  OP(TAG_OVERLAY, NULL, "OVERLAY read-only, two lowers with \\ , :", OVL(4, "", "", two));
  OP(TAG_OVERLAY, "must be exactly one of", "OVERLAY flags 0", OVL(0, "", "", one));
  OP(TAG_OVERLAY, "must be exactly one of", "OVERLAY flags 3", OVL(3, "", "", one));
  OP(TAG_OVERLAY, "flags 0x8 has unknown bits", "OVERLAY flags 8", OVL(8, "", "", one));
  OP(TAG_OVERLAY, "upper and work must be empty", "OVERLAY ephemeral with upper",
     OVL(1, "/u", "", one));
  OP(TAG_OVERLAY, "upper and work must be empty", "OVERLAY read-only with work",
     OVL(4, "", "/w", two));
  OP(TAG_OVERLAY, "needs both upper and work", "OVERLAY persistent without work",
     OVL(2, "/u", "", one));
  OP(TAG_OVERLAY, "needs both upper and work", "OVERLAY persistent without upper",
     OVL(2, "", "/w", one));
  OP(TAG_OVERLAY, "upper path \"u\" is not absolute", "OVERLAY relative upper",
     OVL(2, "u", "/w", one));
  OP(TAG_OVERLAY, "needs at least two lowers", "OVERLAY read-only with one lower",
     OVL(4, "", "", one));
  OP(TAG_OVERLAY, "lowers is empty", "OVERLAY without lowers", OVL(1, "", "", no_names));
  OP(TAG_OVERLAY, "lowers[1] path \"l2\" is not absolute", "OVERLAY relative lower",
     OVL(1, "", "", rel));

  OP(TAG_MKDIR, NULL, "MKDIR", pb_str(&p, "/d"), pb_u32(&p, 0700));
  OP(TAG_MKDIR, "mode 0100000 is larger", "MKDIR mode", pb_str(&p, "/d"), pb_u32(&p, 0100000));
  OP(TAG_PLACE, NULL, "PLACE empty", pb_str(&p, "/f"), pb_u32(&p, 0444), pb_str(&p, ""));
  OP(TAG_PLACE, "mode 010000", "PLACE mode", pb_str(&p, "/f"), pb_u32(&p, 010000), pb_str(&p, ""));
  OP(TAG_PLACE, "data is truncated", "PLACE short data", pb_str(&p, "/f"), pb_u32(&p, 0444),
     pb_u32(&p, 10), pb_u32(&p, 0));

  OP(TAG_SYMLINK, NULL, "SYMLINK relative content", pb_str(&p, "/l"), pb_str(&p, "../x"),
     pb_u32(&p, 0));
  OP(TAG_SYMLINK, NULL, "SYMLINK dereference", pb_str(&p, "/l"), pb_str(&p, "/etc/localtime"),
     pb_u32(&p, 1));
  OP(TAG_SYMLINK, "link_name path \"x\" is not absolute", "SYMLINK dereference relative",
     pb_str(&p, "/l"), pb_str(&p, "x"), pb_u32(&p, 1));
  OP(TAG_SYMLINK, "link_name is empty", "SYMLINK empty", pb_str(&p, "/l"), pb_str(&p, ""),
     pb_u32(&p, 0));
  OP(TAG_SYMLINK, "flags 0x2 has unknown bits", "SYMLINK flags", pb_str(&p, "/l"), pb_str(&p, "x"),
     pb_u32(&p, 2));
  char *long_link = malloc(PLAN_MAX_PATH + 1);
  memset(long_link, 'l', PLAN_MAX_PATH);
  long_link[PLAN_MAX_PATH] = '\0';
  OP(TAG_SYMLINK, "link_name is 4096 bytes or longer", "SYMLINK long content", pb_str(&p, "/l"),
     pb_str(&p, long_link), pb_u32(&p, 0));
  free(long_link);

  OP(TAG_PROC, NULL, "PROC", pb_str(&p, "/proc"));
  OP(TAG_SYSFS, NULL, "SYSFS", pb_str(&p, "/sys"));
  OP(TAG_SYSFS, "target path \"sys\" is not absolute", "SYSFS relative", pb_str(&p, "sys"));
  {
    /* With the host's network namespace the kernel refuses a new sysfs. */
    static const char *const env[] = {"PATH=/bin", NULL};
    struct pb b;
    pb_init(&b);
    pb_begin(&b, TAG_PARAMS);
    pb_u32(&b, 1000);
    pb_u32(&b, 1000);
    pb_u32(&b, 1);
    pb_str(&b, "hsu");
    pb_str(&b, "/");
    pb_strs(&b, default_argv);
    pb_strs(&b, env);
    pb_u64(&b, 0);
    pb_end(&b);
    pb_begin(&b, TAG_SYSFS);
    pb_str(&b, "/sys");
    pb_end(&b);
    pb_end_record(&b);
    pb_finish(&b);
    expect(&b, "record 2 (SYSFS): a new sysfs needs the sandbox's own network namespace",
           "SYSFS with HOST_NET");
    pb_free(&b);
  }
  OP(TAG_DEV, NULL, "DEV mqueue writable", pb_str(&p, "/dev"), pb_u32(&p, 3));
  OP(TAG_DEV, "flags 0x4 has unknown bits", "DEV flags", pb_str(&p, "/dev"), pb_u32(&p, 4));
  OP(TAG_REMOUNT, NULL, "REMOUNT", pb_str(&p, "/"), pb_u32(&p, 7));
  OP(TAG_REMOUNT, "flags 0x8 has unknown bits", "REMOUNT flags", pb_str(&p, "/"), pb_u32(&p, 8));

  static const char *const dargv[] = {"/usr/bin/d", "-x", NULL};
  static const char *const drel[] = {"d", NULL};
  static const char *const denv[] = {"A=1", NULL};
  static const char *const dbadenv[] = {"A", NULL};
  OP(TAG_DAEMON, NULL, "DAEMON", pb_str(&p, "/run/r"), pb_u64(&p, 5000), pb_strs(&p, dargv),
     pb_strs(&p, denv));
  OP(TAG_DAEMON, "argv is empty", "DAEMON empty argv", pb_str(&p, "/run/r"), pb_u64(&p, 5000),
     pb_strs(&p, no_names), pb_strs(&p, denv));
  OP(TAG_DAEMON, "argv[0] path \"d\" is not absolute", "DAEMON relative argv[0]",
     pb_str(&p, "/run/r"), pb_u64(&p, 5000), pb_strs(&p, drel), pb_strs(&p, denv));
  OP(TAG_DAEMON, "env[0] \"A\" is not of the form", "DAEMON bad env", pb_str(&p, "/run/r"),
     pb_u64(&p, 5000), pb_strs(&p, dargv), pb_strs(&p, dbadenv));
  OP(TAG_DAEMON, "ready path \"r\" is not absolute", "DAEMON relative ready", pb_str(&p, "r"),
     pb_u64(&p, 5000), pb_strs(&p, dargv), pb_strs(&p, denv));
#undef OVL
#undef OP
}

static void test_full_plan(void) {
  struct pb b;
  pb_full_plan(&b);
  struct plan p;
  struct hsu_error err;
  bool parsed = plan_parse(b.buf, b.len, &p, &err) == 0;
  if (!ok(parsed, "full plan accepted"))
    printf("# %s\n", err.msg);
  if (parsed) {
    ok(p.uid == 1000 && p.gid == 1000 && strcmp(p.hostname, "hsu") == 0 &&
           strcmp(p.cwd, "/") == 0 && p.argv.n == 3 && strcmp(p.argv.v[2], "id") == 0 &&
           p.argv.v[3] == NULL && p.env.n == 2 && p.wait_delay_ms == 100,
       "full plan: PARAMS fields");
    ok(p.n_ops == 13, "full plan: 13 ops");
    ok(p.seccomp.present && p.seccomp.presets == 0x1F && p.seccomp.n_families == 1 &&
           p.seccomp.families[0] == 38 && p.seccomp.n_deny == 1 &&
           strcmp(p.seccomp.deny[0].name, "ptrace") == 0 && p.seccomp.deny[0].err == 1,
       "full plan: SECCOMP");
    ok(p.landlock.present && p.landlock.flags == 30 && p.landlock.n_fs == 1 &&
           strcmp(p.landlock.fs[0].path, "/usr") == 0 && p.landlock.n_net == 1 &&
           p.landlock.net[0].port == 443 && p.landlock.net[0].access == 2,
       "full plan: LANDLOCK");
    ok(p.ops[0].tag == TAG_AUTO_ROOT && p.ops[0].record == 4 && p.ops[0].u.auto_root.exclude.n == 2,
       "full plan: AUTO_ROOT");
    ok(p.ops[4].tag == TAG_OVERLAY && p.ops[4].u.overlay.upper == NULL &&
           strcmp(p.ops[4].u.overlay.lowers.v[1], "/opt/a,b:c\\d") == 0,
       "full plan: OVERLAY keeps \\ , : verbatim");
    ok(p.ops[6].tag == TAG_PLACE && p.ops[6].u.place.len == 35 &&
           memcmp(p.ops[6].u.place.data + 31, "\0nul", 4) == 0,
       "full plan: PLACE data with NUL");
    ok(p.ops[9].tag == TAG_SYSFS && strcmp(p.ops[9].u.sysfs.target, "/sys") == 0,
       "full plan: SYSFS");
    ok(p.ops[12].tag == TAG_DAEMON && p.ops[12].u.daemon.timeout_ms == 5000, "full plan: DAEMON");
    plan_free(&p);
  }

  /* Every truncation is rejected, with body_length left as it was and
   * with body_length patched to the shorter size. */
  bool all_plain = true, all_patched = true;
  for (size_t cut = 0; cut < b.len; cut++) {
    if (parse(b.buf, cut) == NULL)
      all_plain = false;
    if (cut >= PLAN_HEADER_SIZE) {
      unsigned char *copy = malloc(cut);
      memcpy(copy, b.buf, cut);
      uint32_t body = (uint32_t)(cut - PLAN_HEADER_SIZE);
      copy[12] = (unsigned char)body;
      copy[13] = (unsigned char)(body >> 8);
      copy[14] = (unsigned char)(body >> 16);
      copy[15] = (unsigned char)(body >> 24);
      if (parse(copy, cut) == NULL) {
        printf("# cut at %zu accepted\n", cut);
        all_patched = false;
      }
      free(copy);
    }
  }
  ok(all_plain, "every truncation of the full plan rejected");
  ok(all_patched, "every truncation with a matching body_length rejected");
  pb_free(&b);
}

/* PARAMS, then SECCOMP / LANDLOCK records as given, then maybe an op, END. */
static void expect_hardening(const struct pb *r1, const struct pb *r2, bool op_first,
                             const char *want, const char *name) {
  struct pb b;
  pb_init(&b);
  pb_params(&b, default_argv);
  if (op_first) {
    pb_begin(&b, TAG_PROC);
    pb_str(&b, "/proc");
    pb_end(&b);
  }
  pb_bytes(&b, r1->buf, r1->len);
  if (r2 != NULL)
    pb_bytes(&b, r2->buf, r2->len);
  pb_end_record(&b);
  pb_finish(&b);
  expect(&b, want, name);
  pb_free(&b);
}

struct seccomp_args {
  uint32_t presets, relax, family, err;
  const char *name;
  uint32_t deny_count; /* 0: one rule */
};

static struct pb seccomp_rec(struct seccomp_args a) {
  struct pb r = {0};
  pb_begin(&r, TAG_SECCOMP);
  pb_u32(&r, a.presets);
  pb_u32(&r, a.relax);
  pb_u32(&r, 1);
  pb_u32(&r, a.family ? a.family : 1);
  uint32_t n = a.deny_count ? a.deny_count : 1;
  pb_u32(&r, n);
  for (uint32_t i = 0; i < n; i++) {
    pb_str(&r, a.name ? a.name : "keyctl");
    pb_u32(&r, a.err ? a.err : 38);
  }
  pb_end(&r);
  return r;
}

struct landlock_args {
  uint32_t flags, port, net_count;
  uint64_t fs_access, net_access;
  const char *path;
};

static struct pb landlock_rec(struct landlock_args a) {
  struct pb r = {0};
  pb_begin(&r, TAG_LANDLOCK);
  pb_u32(&r, a.flags != 0 ? a.flags : LANDLOCK_PLAN_FS | LANDLOCK_PLAN_NET);
  pb_u32(&r, 1);
  pb_str(&r, a.path ? a.path : "/usr");
  pb_u64(&r, a.fs_access);
  uint32_t n = a.net_count ? a.net_count : 1;
  pb_u32(&r, n);
  for (uint32_t i = 0; i < n; i++) {
    pb_u32(&r, a.port);
    pb_u64(&r, a.net_access);
  }
  pb_end(&r);
  return r;
}

static void test_hardening(void) {
  struct pb s = seccomp_rec((struct seccomp_args){.presets = 0x1F, .relax = 7}),
            l = landlock_rec((struct landlock_args){
                .flags = 0x1F, .fs_access = 0xFFFF, .port = 65535, .net_access = 3});
  expect_hardening(&s, &l, false, NULL, "SECCOMP and LANDLOCK");
  expect_hardening(&l, &s, false, NULL, "LANDLOCK before SECCOMP");
  expect_hardening(&s, &s, false, "record 3 (SECCOMP): there is more than one SECCOMP record",
                   "two SECCOMP");
  expect_hardening(&l, &l, false, "there is more than one LANDLOCK record", "two LANDLOCK");
  expect_hardening(&s, NULL, true, "record 3 (SECCOMP): SECCOMP must come before the first op",
                   "SECCOMP after an op");
  expect_hardening(&l, NULL, true, "LANDLOCK must come before the first op",
                   "LANDLOCK after an op");
  pb_free(&s);
  pb_free(&l);

  static const struct {
    struct seccomp_args a;
    const char *want, *name;
  } sc[] = {
      {{.presets = 0x20}, "presets 0x20 has unknown bits", "SECCOMP preset 32"},
      {{.relax = 8}, "relax 0x8 has unknown bits", "SECCOMP relax 8"},
      {{.family = 45}, NULL, "SECCOMP family 45"},
      {{.family = 46}, "socket family 46 is not in 1..45", "SECCOMP family 46"},
      {{.name = "Open"}, "syscall name \"Open\" is not", "SECCOMP name with a capital"},
      {{.name = ""}, "is not [a-z0-9_]{1,64}", "SECCOMP empty name"},
      {{.name = "a234567890123456789012345678901234567890123456789012345678901234"},
       NULL,
       "SECCOMP 64-byte name"},
      {{.name = "a2345678901234567890123456789012345678901234567890123456789012345"},
       "is not [a-z0-9_]{1,64}",
       "SECCOMP 65-byte name"},
      {{.err = 4095}, NULL, "SECCOMP errno 4095"},
      {{.err = 4096}, "errno 4096 is not in 1..4095", "SECCOMP errno 4096"},
      {{.deny_count = 512}, NULL, "SECCOMP 512 deny rules"},
      {{.deny_count = 513}, "deny_count is 513, at most 512", "SECCOMP 513 deny rules"},
  };
  for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
    struct pb r = seccomp_rec(sc[i].a);
    expect_hardening(&r, NULL, false, sc[i].want, sc[i].name);
    pb_free(&r);
  }
  struct pb zero_errno = {0};
  pb_begin(&zero_errno, TAG_SECCOMP);
  pb_u32(&zero_errno, 0);
  pb_u32(&zero_errno, 0);
  pb_u32(&zero_errno, 0);
  pb_u32(&zero_errno, 1);
  pb_str(&zero_errno, "ptrace");
  pb_u32(&zero_errno, 0);
  pb_end(&zero_errno);
  expect_hardening(&zero_errno, NULL, false, "errno 0 is not in 1..4095", "SECCOMP errno 0");
  pb_free(&zero_errno);

  static const struct {
    struct landlock_args a;
    const char *want, *name;
  } ll[] = {
      {{.flags = 0x20}, "flags 0x20 has unknown bits", "LANDLOCK flags 32"},
      {{.fs_access = 0x10000}, "fs access 0x10000 has unknown bits", "LANDLOCK fs bit 16"},
      {{.path = "usr"}, "fs rule path \"usr\" is not absolute", "LANDLOCK relative path"},
      {{.port = 65536}, "port 65536 is larger than 65535", "LANDLOCK port 65536"},
      {{.net_access = 4}, "net access 0x4 has unknown bits", "LANDLOCK net bit 2"},
      {{.net_count = 1024}, NULL, "LANDLOCK 1024 net rules"},
      {{.net_count = 1025}, "net_count is 1025, at most 1024", "LANDLOCK 1025 net rules"},
      {{.flags = LANDLOCK_PLAN_NET}, "fs rules need the FS flag", "LANDLOCK fs rule without FS"},
      {{.flags = LANDLOCK_PLAN_FS}, "net rules need the NET flag", "LANDLOCK net rule without NET"},
      {{.flags = LANDLOCK_REQUIRED | LANDLOCK_PLAN_FS | LANDLOCK_PLAN_NET},
       NULL,
       "LANDLOCK rules with FS and NET"},
  };
  for (size_t i = 0; i < sizeof(ll) / sizeof(ll[0]); i++) {
    struct pb r = landlock_rec(ll[i].a);
    expect_hardening(&r, NULL, false, ll[i].want, ll[i].name);
    pb_free(&r);
  }
  struct pb many = {0};
  pb_begin(&many, TAG_LANDLOCK);
  pb_u32(&many, 0);
  pb_u32(&many, LANDLOCK_MAX_FS + 1);
  pb_end(&many);
  expect_hardening(&many, NULL, false, "fs_count is 4097, at most 4096", "LANDLOCK 4097 fs rules");
  pb_free(&many);
}

#define ID "0123456789abcdef"
#define DIR "/run/user/1000/hsu/" ID

static struct pb instance_rec_full(const char *id, const char *dir, const char *app_id,
                                   const char *name, const char *profile, uint32_t grants) {
  struct pb r = {0};
  pb_begin(&r, TAG_INSTANCE);
  pb_str(&r, id);
  pb_str(&r, dir);
  pb_str(&r, app_id);
  pb_str(&r, name);
  pb_str(&r, profile);
  pb_u32(&r, grants);
  pb_end(&r);
  return r;
}

static struct pb instance_rec(const char *id, const char *dir) {
  return instance_rec_full(id, dir, "org.example.App", "Example", "", 0);
}

static struct pb wayland_rec(uint32_t flags, const char *compositor, const char *socket,
                             const char *app_id) {
  struct pb r = {0};
  pb_begin(&r, TAG_WAYLAND);
  pb_u32(&r, flags);
  pb_str(&r, compositor);
  pb_str(&r, socket);
  pb_str(&r, app_id);
  pb_end(&r);
  return r;
}

static void expect_instance(const char *id, const char *dir, const char *want, const char *name) {
  struct pb r = instance_rec(id, dir);
  expect_hardening(&r, NULL, false, want, name);
  pb_free(&r);
}

static void expect_wayland(uint32_t flags, const char *compositor, const char *socket,
                           const char *app_id, const char *want, const char *name) {
  struct pb i = instance_rec(ID, DIR), w = wayland_rec(flags, compositor, socket, app_id);
  expect_hardening(&i, &w, false, want, name);
  pb_free(&i);
  pb_free(&w);
}

static void test_desktop(void) {
  expect_instance(ID, DIR, NULL, "INSTANCE");
  expect_instance(ID, "/" ID, NULL, "INSTANCE directly under /");
  expect_instance("0123456789ABCDEF", "/run/hsu/0123456789ABCDEF",
                  "record 2 (INSTANCE): instance_id \"0123456789ABCDEF\" is not 16 lowercase hex",
                  "INSTANCE upper-case id");
  expect_instance("0123456789abcde", "/run/hsu/0123456789abcde", "is not 16 lowercase hex digits",
                  "INSTANCE 15-digit id");
  expect_instance("0123456789abcdef0", "/run/0123456789abcdef0", "is not 16 lowercase hex",
                  "INSTANCE 17-digit id");
  expect_instance("../456789abcdef", "/run/x", "is not 16 lowercase hex", "INSTANCE id with /");
  expect_instance(
      ID, "/run/user/1000/hsu/fedcba9876543210",
      "dir path \"/run/user/1000/hsu/fedcba9876543210\" does not end with the instance_id",
      "INSTANCE dir of another id");
  expect_instance(ID, "run/" ID, "dir path \"run/" ID "\" is not absolute",
                  "INSTANCE relative dir");
  expect_instance(ID, "/run/../" ID, "contains a '.' or '..' component", "INSTANCE dir with ..");
  struct {
    const char *app_id, *name, *profile;
    uint32_t grants;
    const char *want, *what;
  } fields[] = {
      {"org.x", "", "", INSTANCE_GRANTS, NULL, "INSTANCE every grant, empty name and profile"},
      {"org.x", "Fancy \x1b[31m name", "/home/u/app.yaml", 0, NULL,
       "INSTANCE any name, a profile path"},
      {"", "n", "", 0, "record 2 (INSTANCE): app_id is 0 bytes long, it must be 1..255",
       "INSTANCE empty app_id"},
      {"org.\nx", "n", "", 0, "app_id contains a control character", "INSTANCE app_id with \\n"},
      {"org.x", "n", "app.yaml", 0, "profile path \"app.yaml\" is not absolute",
       "INSTANCE relative profile"},
      {"org.x", "n", "/a/../b.yaml", 0, "contains a '.' or '..' component", "INSTANCE profile .."},
      {"org.x", "n", "", 0x80, "grants 0x80 has unknown bits 0x80", "INSTANCE unknown grant"},
  };
  for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
    struct pb r = instance_rec_full(ID, DIR, fields[k].app_id, fields[k].name, fields[k].profile,
                                    fields[k].grants);
    expect_hardening(&r, NULL, false, fields[k].want, fields[k].what);
    pb_free(&r);
  }
  char long_app[300];
  memset(long_app, 'a', 256);
  long_app[256] = '\0';
  struct pb lr = instance_rec_full(ID, DIR, long_app, "n", "", 0);
  expect_hardening(&lr, NULL, false, "app_id is 256 bytes long", "INSTANCE 256-byte app_id");
  pb_free(&lr);

  struct pb i = instance_rec(ID, DIR),
            w = wayland_rec(0, "/run/user/1000/wayland-1", DIR "/wayland-0", "org.example.App");
  expect_hardening(&i, &i, false, "there is more than one INSTANCE record", "two INSTANCE");
  expect_hardening(&i, NULL, true, "INSTANCE must come before the first op",
                   "INSTANCE after an op");
  expect_hardening(&w, &i, false, "record 2 (WAYLAND): WAYLAND needs an INSTANCE record before it",
                   "WAYLAND before INSTANCE");
  expect_hardening(&w, NULL, false, "WAYLAND needs an INSTANCE record", "WAYLAND alone");
  struct pb iw = {0};
  pb_bytes(&iw, i.buf, i.len);
  pb_bytes(&iw, w.buf, w.len);
  expect_hardening(&iw, &w, false, "record 4 (WAYLAND): there is more than one WAYLAND record",
                   "two WAYLAND");
  expect_hardening(&iw, NULL, false, NULL, "INSTANCE then WAYLAND");
  struct pb sc = seccomp_rec((struct seccomp_args){.presets = 1});
  expect_hardening(&iw, &sc, false, NULL, "INSTANCE, WAYLAND, then SECCOMP");
  expect_hardening(&sc, &iw, false, NULL, "SECCOMP, INSTANCE, WAYLAND");
  pb_free(&sc);
  pb_free(&iw);
  pb_free(&i);
  pb_free(&w);

  const char *comp = "/run/user/1000/wayland-1";
  expect_wayland(0, comp, DIR "/wayland-0", "org.example.App", NULL, "WAYLAND");
  expect_wayland(WAYLAND_DIRECT, comp, comp, "org.example.App", NULL, "WAYLAND DIRECT");
  expect_wayland(2, comp, DIR "/wayland-0", "a", "flags 0x2 has unknown bits",
                 "WAYLAND unknown flag");
  expect_wayland(WAYLAND_DIRECT, comp, DIR "/wayland-0", "a",
                 "with DIRECT, socket must be the compositor path", "WAYLAND DIRECT elsewhere");
  expect_wayland(0, comp, "/run/user/1000/wayland-0", "a",
                 "socket path \"/run/user/1000/wayland-0\" is not directly inside the instance dir",
                 "WAYLAND socket outside the dir");
  expect_wayland(0, comp, DIR "/sub/wayland-0", "a", "is not directly inside the instance dir",
                 "WAYLAND socket in a subdirectory");
  expect_wayland(0, comp, DIR "0/wayland-0", "a", "is not directly inside the instance dir",
                 "WAYLAND socket in a sibling with a longer name");
  expect_wayland(0, comp, DIR, "a", "is not directly inside the instance dir",
                 "WAYLAND socket is the dir");
  expect_wayland(0, "wayland-1", DIR "/wayland-0", "a",
                 "compositor path \"wayland-1\" is not absolute", "WAYLAND relative compositor");
  expect_wayland(0, comp, DIR "/wayland-0", "", "app_id is 0 bytes long, it must be 1..255",
                 "WAYLAND empty app_id");
  char long_id[257];
  memset(long_id, 'a', 256);
  long_id[256] = '\0';
  expect_wayland(0, comp, DIR "/wayland-0", long_id, "app_id is 256 bytes long",
                 "WAYLAND 256-byte app_id");
  long_id[255] = '\0';
  expect_wayland(0, comp, DIR "/wayland-0", long_id, NULL, "WAYLAND 255-byte app_id");
  expect_wayland(0, comp, DIR "/wayland-0", "org.x\n", "app_id contains a control character",
                 "WAYLAND app_id with a newline");

  /* A truncated WAYLAND record never parses. */
  struct pb full = {0};
  pb_init(&full);
  pb_params(&full, default_argv);
  struct pb i2 = instance_rec(ID, DIR), w2 = wayland_rec(0, comp, DIR "/wayland-0", "org.x");
  pb_bytes(&full, i2.buf, i2.len);
  size_t wstart = full.len;
  pb_bytes(&full, w2.buf, w2.len);
  pb_end_record(&full);
  pb_finish(&full);
  bool all = true;
  for (size_t cut = wstart + 8; cut < wstart + w2.len; cut++) {
    struct pb t = {0};
    pb_init(&t);
    pb_bytes(&t, full.buf + PLAN_HEADER_SIZE, wstart - PLAN_HEADER_SIZE);
    pb_begin(&t, TAG_WAYLAND);
    pb_bytes(&t, full.buf + wstart + 8, cut - wstart - 8);
    pb_end(&t);
    pb_end_record(&t);
    pb_finish(&t);
    if (parse(t.buf, t.len) == NULL)
      all = false;
    pb_free(&t);
  }
  ok(all, "every truncated WAYLAND payload rejected");
  struct plan p;
  struct hsu_error err;
  bool parsed = plan_parse(full.buf, full.len, &p, &err) == 0;
  ok(parsed && p.instance.present && strcmp(p.instance.id, ID) == 0 &&
         strcmp(p.instance.dir, DIR) == 0 && strcmp(p.instance.app_id, "org.example.App") == 0 &&
         strcmp(p.instance.name, "Example") == 0 && p.instance.profile[0] == '\0' &&
         p.instance.grants == 0 && p.bytes == full.buf && p.len == full.len && p.wayland.present &&
         p.wayland.flags == 0 && strcmp(p.wayland.compositor, comp) == 0 &&
         strcmp(p.wayland.socket, DIR "/wayland-0") == 0 &&
         strcmp(p.wayland.app_id, "org.x") == 0 && p.n_ops == 0,
     "INSTANCE and WAYLAND fields");
  if (parsed)
    plan_free(&p);
  pb_free(&i2);
  pb_free(&w2);
  pb_free(&full);
}

/* A nested plan: PARAMS with argv, then the given records, END. */
static struct pb nested_plan(const struct pb *extra) {
  static const char *const proxy_argv[] = {"/usr/bin/xdg-dbus-proxy", "--fd=3", NULL};
  struct pb b;
  pb_init(&b);
  pb_params(&b, proxy_argv);
  if (extra != NULL)
    pb_bytes(&b, extra->buf, extra->len);
  pb_end_record(&b);
  pb_finish(&b);
  return b;
}

static struct pb proxy_rec(uint32_t flags, uint32_t sync_fd, const char *ready,
                           const struct pb *nested) {
  struct pb r = {0};
  pb_begin(&r, TAG_PROXY);
  pb_u32(&r, flags);
  pb_u32(&r, sync_fd);
  pb_str(&r, ready);
  pb_u64(&r, 5000);
  pb_u32(&r, (uint32_t)nested->len);
  if (nested->len > 0)
    pb_bytes(&r, nested->buf, nested->len);
  pb_end(&r);
  return r;
}

/* INSTANCE, then the PROXY record, as the only records after PARAMS. */
static void expect_proxy(uint32_t flags, uint32_t sync_fd, const char *ready,
                         const struct pb *nested, const char *want, const char *name) {
  struct pb i = instance_rec(ID, DIR), x = proxy_rec(flags, sync_fd, ready, nested);
  expect_hardening(&i, &x, false, want, name);
  pb_free(&i);
  pb_free(&x);
}

static void test_proxy(void) {
  struct pb n = nested_plan(NULL);
  expect_proxy(0, 3, DIR "/bus", &n, NULL, "PROXY");
  expect_proxy(0, 63, DIR "/bus", &n, NULL, "PROXY sync_fd 63");
  expect_proxy(PROXY_PULSE, 3, DIR "/pulse", &n, NULL, "PROXY of the PulseAudio filter");
  expect_proxy(2, 3, DIR "/bus", &n, "record 3 (PROXY): flags 0x2 has unknown bits",
               "PROXY unknown flag");
  expect_proxy(0, 2, DIR "/bus", &n, "sync_fd 2 is not in 3..63", "PROXY sync_fd 2");
  expect_proxy(0, 64, DIR "/bus", &n, "sync_fd 64 is not in 3..63", "PROXY sync_fd 64");
  expect_proxy(0, 3, "/run/user/1000/bus", &n,
               "ready path \"/run/user/1000/bus\" is not directly inside the instance dir",
               "PROXY ready outside the dir");
  expect_proxy(0, 3, DIR "/a/bus", &n, "is not directly inside the instance dir",
               "PROXY ready in a subdirectory");
  expect_proxy(0, 3, DIR "0/bus", &n, "is not directly inside the instance dir",
               "PROXY ready in a sibling with a longer name");
  expect_proxy(0, 3, "bus", &n, "ready path \"bus\" is not absolute", "PROXY relative ready");

  struct pb i = instance_rec(ID, DIR), x = proxy_rec(0, 3, DIR "/bus", &n);
  expect_hardening(&x, NULL, false, "record 2 (PROXY): PROXY needs an INSTANCE record before it",
                   "PROXY alone");
  expect_hardening(&x, &i, false, "PROXY needs an INSTANCE record before it",
                   "PROXY before INSTANCE");
  struct pb after = {0};
  pb_bytes(&after, i.buf, i.len);
  pb_begin(&after, TAG_PROC);
  pb_str(&after, "/proc");
  pb_end(&after);
  expect_hardening(&after, &x, false, "record 4 (PROXY): PROXY must come before the first op",
                   "PROXY after an op");
  pb_free(&after);
  struct pb four = {0}, five = {0};
  pb_bytes(&four, i.buf, i.len);
  for (int k = 0; k < 4; k++)
    pb_bytes(&four, x.buf, x.len);
  expect_hardening(&four, NULL, false, NULL, "four PROXY records");
  expect_hardening(&four, &x, false, "record 7 (PROXY): there are more than 4 PROXY records",
                   "five PROXY records");
  pb_bytes(&five, four.buf, four.len);
  struct pb sc = seccomp_rec((struct seccomp_args){.presets = 1});
  expect_hardening(&five, &sc, false, NULL, "four PROXY records, then SECCOMP");
  pb_free(&sc);
  pb_free(&four);
  pb_free(&five);

  /* The nested plan: parsed as strictly as the main one. */
  struct pb bad = nested_plan(NULL);
  bad.buf[6] = 'X';
  expect_proxy(0, 3, DIR "/bus", &bad, "record 3 (PROXY): nested plan: bad magic",
               "PROXY nested plan with a bad magic");
  pb_free(&bad);
  struct pb empty = {0};
  expect_proxy(0, 3, DIR "/bus", &empty, "nested plan: plan is truncated",
               "PROXY empty nested plan");
  struct pb full = {0};
  pb_full_plan(&full);
  expect_proxy(0, 3, DIR "/bus", &full, NULL, "PROXY with a full nested plan");
  pb_free(&full);
  struct pb op = {0};
  pb_begin(&op, TAG_BIND);
  pb_str(&op, "/a");
  pb_str(&op, "b");
  pb_u32(&op, 0);
  pb_end(&op);
  struct pb nop = nested_plan(&op);
  expect_proxy(0, 3, DIR "/bus", &nop,
               "record 3 (PROXY): nested plan: record 2 (BIND): target path \"b\" is not absolute",
               "PROXY nested plan with a bad op");
  pb_free(&op);
  pb_free(&nop);
  struct pb ni = nested_plan(&i);
  expect_proxy(0, 3, DIR "/bus", &ni,
               "nested plan: record 2 (INSTANCE): a nested plan cannot contain INSTANCE",
               "PROXY nested INSTANCE");
  pb_free(&ni);
  struct pb w = wayland_rec(WAYLAND_DIRECT, "/w", "/w", "a");
  struct pb nw = nested_plan(&w);
  expect_proxy(0, 3, DIR "/bus", &nw, "a nested plan cannot contain WAYLAND",
               "PROXY nested WAYLAND");
  pb_free(&w);
  pb_free(&nw);
  struct pb nx = nested_plan(&x);
  expect_proxy(0, 3, DIR "/bus", &nx,
               "nested plan: record 2 (PROXY): a nested plan cannot contain PROXY",
               "PROXY nested PROXY");
  pb_free(&nx);
  struct pb nd = nested_plan(NULL);
  nd.buf[16 + 8 + 8] = PARAMS_DIE_WITH_PARENT; /* header, record header, uid, gid: flags */
  expect_proxy(0, 3, DIR "/bus", &nd,
               "nested plan: record 1 (PARAMS): a nested plan cannot have DIE_WITH_PARENT",
               "PROXY nested DIE_WITH_PARENT");
  pb_free(&nd);
  /* 1 MiB at most: a PLACE op fills the nested plan up to the limit, then one more byte. */
  for (size_t extra = 0; extra <= 1; extra++) {
    struct pb place = {0};
    pb_begin(&place, TAG_PLACE);
    pb_str(&place, "/f");
    pb_u32(&place, 0644);
    size_t fixed = n.len + 8 + 4 + 2 + 4 + 4; /* plan, record header, target, mode, length */
    size_t data = PROXY_MAX_PLAN - fixed + extra;
    char *fill = calloc(1, data);
    pb_strn(&place, fill, data);
    free(fill);
    pb_end(&place);
    struct pb big = nested_plan(&place);
    expect_proxy(0, 3, DIR "/bus", &big,
                 extra ? "plan is 1048577 bytes long, at most 1048576" : NULL,
                 extra ? "PROXY nested plan of 1 MiB + 1" : "PROXY nested plan of 1 MiB");
    pb_free(&place);
    pb_free(&big);
  }

  /* Every truncated PROXY payload is rejected; the fields are what was written. */
  struct pb whole = {0};
  pb_init(&whole);
  pb_params(&whole, default_argv);
  pb_bytes(&whole, i.buf, i.len);
  size_t xstart = whole.len;
  pb_bytes(&whole, x.buf, x.len);
  pb_end_record(&whole);
  pb_finish(&whole);
  bool all = true;
  for (size_t cut = xstart + 8; cut < xstart + x.len; cut++) {
    struct pb t = {0};
    pb_init(&t);
    pb_bytes(&t, whole.buf + PLAN_HEADER_SIZE, xstart - PLAN_HEADER_SIZE);
    pb_begin(&t, TAG_PROXY);
    pb_bytes(&t, whole.buf + xstart + 8, cut - xstart - 8);
    pb_end(&t);
    pb_end_record(&t);
    pb_finish(&t);
    if (parse(t.buf, t.len) == NULL)
      all = false;
    pb_free(&t);
  }
  ok(all, "every truncated PROXY payload rejected");
  struct plan p;
  struct hsu_error err;
  bool parsed = plan_parse(whole.buf, whole.len, &p, &err) == 0;
  ok(parsed && p.n_proxies == 1 && p.proxies[0].flags == 0 && p.proxies[0].sync_fd == 3 &&
         strcmp(p.proxies[0].ready, DIR "/bus") == 0 && p.proxies[0].timeout_ms == 5000 &&
         p.proxies[0].plan->argv.n == 2 &&
         strcmp(p.proxies[0].plan->argv.v[0], "/usr/bin/xdg-dbus-proxy") == 0 &&
         p.proxies[0].plan->n_proxies == 0 && p.proxies[0].plan->sync_fd == -1 && p.sync_fd == -1,
     "PROXY fields and its nested plan");
  if (parsed)
    plan_free(&p);
  pb_free(&whole);
  pb_free(&i);
  pb_free(&x);
  pb_free(&n);
}

int main(void) {
  test_desktop();
  test_proxy();
  test_hardening();
  test_header();
  test_records();
  test_paths();
  test_strings_and_lists();
  test_params();
  test_ops();
  test_full_plan();
  return tap_done();
}
