/* Escaping of text shown in messages; hsu's runtime directory. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "util.h"

static void expect_quote(const char *in, size_t n, const char *want, const char *name) {
  char buf[256];
  struct sbuf sb;
  sb_init(&sb, buf, sizeof(buf));
  sb_quote(&sb, in, n, 64);
  if (!ok(strcmp(buf, want) == 0, "%s", name))
    printf("# got: %s\n# want: %s\n", buf, want);
}

/* The shared vectors (tests/escape_vectors.txt): the same rule as hsu's Java
 * Quote, which reads the same file. */
static void test_vectors(void) {
  FILE *f = fopen("tests/escape_vectors.txt", "r");
  if (!ok(f != NULL, "tests/escape_vectors.txt opens (run from init-c/)"))
    return;
  char line[1024];
  int checked = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    line[strcspn(line, "\n")] = '\0';
    char *tab = strchr(line, '\t');
    if (tab == NULL)
      continue;
    *tab = '\0';
    char *want = tab + 1;
    char *mark = strchr(want, '\t');
    if (mark != NULL)
      *mark = '\0';
    char in[256];
    size_t n = 0;
    for (const char *h = line; h[0] != '\0' && h[1] != '\0' && n < sizeof(in); h += 2) {
      char byte[3] = {h[0], h[1], '\0'};
      in[n++] = (char)strtoul(byte, NULL, 16);
    }
    char buf[512];
    struct sbuf sb;
    sb_init(&sb, buf, sizeof(buf));
    sb_quote(&sb, in, n, sizeof(in));
    if (!ok(strcmp(buf, want) == 0, "shared vector %s", line))
      printf("# got: %s\n# want: %s\n", buf, want);
    checked++;
  }
  fclose(f);
  ok(checked >= 30, "shared vectors checked: %d", checked);
}

static void expect_rule(const char *xdg, const char *run_user, uid_t uid, const char *want,
                        const char *name) {
  char got[256];
  runtime_dir_rule(xdg, run_user, uid, got, sizeof(got));
  if (!ok(strcmp(got, want) == 0, "runtime dir: %s", name))
    printf("# got: %s\n# want: %s\n", got, want);
}

static void expect_refused(const char *dir, uid_t uid, const char *sentence, const char *name) {
  for (int create = 0; create < 2; create++) {
    struct hsu_error e;
    hsu_error_clear(&e);
    int r = private_dir_check(dir, uid, create, &e);
    if (!ok(r < 0 && strstr(e.msg, sentence) != NULL, "%s (create %d)", name, create))
      printf("# got %d: %s\n# want: %s\n", r, e.msg, sentence);
  }
}

/* The rule and the fallback's checks, on a scratch directory. */
static void test_runtime_dir(void) {
  char base[] = "/tmp/hsu-test-util-XXXXXX", path[256], fallback[64];
  if (!ok(mkdtemp(base) != NULL, "scratch directory"))
    return;
  uid_t me = getuid();
  runtime_dir_fallback(me, fallback, sizeof(fallback));
  char want_fallback[64];
  snprintf(want_fallback, sizeof(want_fallback), "/tmp/hsu-%u", (unsigned)me);
  ok(strcmp(fallback, want_fallback) == 0, "the fallback is /tmp/hsu-UID");
  expect_rule("/x/rt", base, me, "/x/rt", "XDG_RUNTIME_DIR when absolute");
  expect_rule("relative", base, me, base, "a relative XDG_RUNTIME_DIR is ignored");
  expect_rule(NULL, base, me, base, "the session's directory when it is the user's");
  char other[64];
  runtime_dir_fallback(me + 1, other, sizeof(other));
  expect_rule(NULL, base, me + 1, other, "someone else's: the fallback");
  snprintf(path, sizeof(path), "%s/none", base);
  expect_rule(NULL, path, me, fallback, "no session directory: the fallback");

  struct hsu_error e;
  snprintf(path, sizeof(path), "%s/made", base);
  ok(private_dir_check(path, me, false, &e) == 0 && access(path, F_OK) < 0,
     "a missing fallback is not made without create");
  struct stat st;
  ok(private_dir_check(path, me, true, &e) == 0 && stat(path, &st) == 0 &&
         (st.st_mode & 07777) == 0700,
     "it is made 0700");
  ok(private_dir_check(path, me, true, &e) == 0, "and used as made");
  char link[256];
  snprintf(link, sizeof(link), "%s/link", base);
  ok(symlink(path, link) == 0, "a symlink to it");
  expect_refused(link, me, "refusing to use the runtime directory", "a symlink is refused");
  expect_refused(link, me, ": it is a symlink", "with the reason");
  expect_refused(path, me + 1, "it belongs to uid", "someone else's is refused");
  snprintf(path, sizeof(path), "%s/open", base);
  ok(mkdir(path, 0700) == 0 && chmod(path, 0755) == 0, "an open directory");
  expect_refused(path, me, "others may enter it (mode 0755, not 0700)", "it is refused");
  ok(private_dir_check(path, me, false, &e) < 0 && runtime_dir_check(path, true, &e) == 0,
     "only the fallback itself is checked");
  snprintf(path, sizeof(path), "%s/file", base);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  ok(fd >= 0 && close(fd) == 0, "a file");
  expect_refused(path, me, "it is not a directory", "a file is refused");
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
  ok(system(cmd) == 0, "scratch removed");
}

int main(void) {
  test_vectors();
  test_runtime_dir();
  expect_quote("/usr/bin", 8, "\"/usr/bin\"", "plain path");
  expect_quote("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash");
  expect_quote("\x1b[31mred\n\t\x7f", 11, "\"\\x1b[31mred\\n\\t\\x7f\"", "controls");
  expect_quote("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"", "valid UTF-8 kept");
  expect_quote("\xc2\x9b"
               "1m",
               4, "\"\\xc2\\x9b1m\"", "C1 control (CSI) escaped");
  expect_quote("\xff\xc3", 2, "\"\\xff\\xc3\"", "invalid UTF-8 escaped");
  expect_quote("\xe0\x80\xaf", 3, "\"\\xe0\\x80\\xaf\"", "overlong escaped");
  expect_quote("\xed\xa0\x80", 3, "\"\\xed\\xa0\\x80\"", "surrogate escaped");
  expect_quote("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"", "4-byte UTF-8 kept");
  char long_in[100];
  memset(long_in, 'a', sizeof(long_in));
  char want[80] = "\"";
  memset(want + 1, 'a', 64);
  strcpy(want + 65, "...\"");
  expect_quote(long_in, sizeof(long_in), want, "long input cut with ...");

  char small[8];
  struct sbuf sb;
  sb_init(&sb, small, sizeof(small));
  sb_printf(&sb, "0123456789");
  sb_quote(&sb, "xyz", 3, 10);
  ok(strlen(small) == 7 && strcmp(small, "0123456") == 0, "sbuf truncates safely");

  ok(strcmp(q("a\nb"), "\"a\\nb\"") == 0, "q() escapes");
  ok(strcmp(hsu_strerror(ENOENT), "No such file or directory") == 0, "hsu_strerror errno");
  ok(strstr(hsu_strerror(HSU_ENOTOURS), "tmpfs made by hsu-init") != NULL, "hsu_strerror ours");
  return tap_done();
}
