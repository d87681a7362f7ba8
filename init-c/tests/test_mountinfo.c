/* The mountinfo parser and the list of hidden filesystem types. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "tap.h"

/* Parses text (copied: the parser writes into its buffer). */
static int parse(const char *text, size_t len, struct mount_info **v, size_t *n, size_t *bad,
                 char **buf) {
  *buf = malloc(len + 1);
  memcpy(*buf, text, len);
  (*buf)[len] = '\0';
  return mountinfo_parse(*buf, len, v, n, bad);
}

static void expect_bad(const char *text, size_t want_line, const char *name) {
  struct mount_info *v;
  size_t n, bad;
  char *buf;
  int r = parse(text, strlen(text), &v, &n, &bad, &buf);
  if (!ok(r == -EINVAL && bad == want_line, "%s", name))
    printf("# r=%d bad_line=%zu (want line %zu)\n", r, bad, want_line);
  free(buf);
}

static const char sample[] =
    "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
    "26 1 254:0 / / rw,relatime shared:1 master:2 - ext4 /dev/vda rw,discard\n"
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "65 45 0:20 / /var/tmp/a\\040b\\011c\\012d\\134e/proc rw - proc proc rw\n"
    "66 65 0:50 / /home/u/remote rw,nosuid,nodev - fuse.sshfs u@host:/x rw,user_id=1000\n"
    "4294967295 0 0:1 /deleted\\040(deleted) /x\\040(deleted) rw unbindable - tmpfs none rw\n";

int main(void) {
  struct mount_info *v;
  size_t n, bad;
  char *buf;
  int r = parse(sample, sizeof(sample) - 1, &v, &n, &bad, &buf);
  ok(r == 0 && n == 7, "sample parses into 7 entries");
  if (r == 0 && n == 7) {
    ok(v[0].id == 21 && v[0].parent == 26 && strcmp(v[0].mount_point, "/proc") == 0 &&
           strcmp(v[0].fstype, "proc") == 0,
       "ids, mount point, type");
    ok(strcmp(v[1].mount_point, "/") == 0 && strcmp(v[1].fstype, "ext4") == 0,
       "optional fields before the dash are skipped");
    ok(strcmp(v[3].fstype, "cgroup2") == 0 && v[3].parent == 30, "a child's parent id");
    ok(strcmp(v[4].mount_point, "/var/tmp/a b\tc\nd\\e/proc") == 0,
       "octal escapes: space, tab, newline, backslash");
    ok(strcmp(v[5].fstype, "fuse.sshfs") == 0, "fuse subtype kept");
    ok(v[6].id == 4294967295u && strcmp(v[6].mount_point, "/x (deleted)") == 0,
       "largest id; a deleted mount point");
    free(v);
  }
  free(buf);

  r = parse("", 0, &v, &n, &bad, &buf);
  ok(r == 0 && n == 0, "empty input: no entries");
  free(v);
  free(buf);

  expect_bad("21 26 0:20 / /proc rw - proc proc rw", 1, "a line without its newline");
  expect_bad("21 26 0:20 / /proc rw - proc proc rw\nx\n", 2, "a short line (its number)");
  expect_bad("21 26 0:20 / /proc rw proc proc rw x y\n", 1, "no dash separator");
  expect_bad("21 26 0:20 / /proc rw - proc proc\n", 1, "dash without three fields after it");
  expect_bad("21 26 0:20 / /proc rw - proc proc rw extra\n", 1, "a field after the options");
  expect_bad("2a 26 0:20 / /proc rw - proc proc rw\n", 1, "id not a number");
  expect_bad("21 4294967296 0:20 / /proc rw - proc proc rw\n", 1, "parent id over 32 bits");
  expect_bad("21  26 0:20 / /proc rw - proc proc rw\n", 1, "two spaces");
  expect_bad("21 26 0:20 / proc rw - proc proc rw\n", 1, "relative mount point");
  expect_bad("21 26 0:20 / /a\\b rw - proc proc rw\n", 1, "backslash not followed by octal");
  expect_bad("21 26 0:20 / /a\\04 rw - proc proc rw\n", 1, "escape cut short");
  expect_bad("21 26 0:20 / /a\\000b rw - proc proc rw\n", 1, "escaped NUL");
  expect_bad("21 26 0:20 / /a\\777 rw - proc proc rw\n", 1, "escape over 0377");
  expect_bad("21 26 0:20 / /a rw - pr\\oc proc rw\n", 1, "bad escape in the type");
  expect_bad("21 26 0:20 / /a rw -  proc rw\n", 1, "empty type");
  {
    static const char with_nul[] = "21 26 0:20 / /a\0b rw - proc proc rw\n";
    r = parse(with_nul, sizeof(with_nul) - 1, &v, &n, &bad, &buf);
    ok(r == -EINVAL, "a NUL byte in the input");
    free(buf);
  }
  {
    /* 70 fields: more optional fields than the parser keeps. */
    char line[1024] = "1 2 0:1 / /a rw";
    for (int i = 0; i < 64; i++)
      strcat(line, " shared:1");
    strcat(line, " - proc proc rw\n");
    expect_bad(line, 1, "too many fields");
  }

  {
    /* Whatever this machine mounts, the kernel's own text parses. */
    FILE *f = fopen("/proc/self/mountinfo", "r");
    char *text = NULL;
    size_t len = 0;
    if (f != NULL) {
      text = malloc(MOUNTINFO_MAX_SIZE);
      len = fread(text, 1, MOUNTINFO_MAX_SIZE, f);
      fclose(f);
    }
    r = text != NULL ? parse(text, len, &v, &n, &bad, &buf) : -1;
    ok(r == 0 && n > 0, "this system's /proc/self/mountinfo parses (%zu entries)", n);
    if (r == 0)
      free(v);
    if (text != NULL)
      free(buf);
    free(text);
  }

  ok(mountinfo_is_pseudo("proc") && mountinfo_is_pseudo("sysfs") && mountinfo_is_pseudo("cgroup") &&
         mountinfo_is_pseudo("cgroup2") && mountinfo_is_pseudo("devpts") &&
         mountinfo_is_pseudo("mqueue") && mountinfo_is_pseudo("binfmt_misc") &&
         mountinfo_is_pseudo("autofs") && mountinfo_is_pseudo("nsfs") &&
         mountinfo_is_pseudo("tracefs"),
     "kernel pseudo filesystems are hidden");
  ok(mountinfo_is_pseudo("fuse") && mountinfo_is_pseudo("fuse.sshfs") &&
         mountinfo_is_pseudo("fuse.portal") && mountinfo_is_pseudo("fusectl"),
     "FUSE and its control filesystem are hidden");
  ok(!mountinfo_is_pseudo("fuseblk") && !mountinfo_is_pseudo("ext4") &&
         !mountinfo_is_pseudo("tmpfs") && !mountinfo_is_pseudo("overlay") &&
         !mountinfo_is_pseudo("btrfs") && !mountinfo_is_pseudo("fusex") &&
         !mountinfo_is_pseudo("procx") && !mountinfo_is_pseudo(""),
     "disk filesystems, tmpfs and near names are not");
  return tap_done();
}
