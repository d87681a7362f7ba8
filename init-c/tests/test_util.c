/* Escaping of text shown in messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void) {
  test_vectors();
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
