#include "mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const pseudo_types[] = {
    "autofs",    "binder",  "binfmt_misc", "bpf",      "cgroup",  "cgroup2",    "configfs",
    "debugfs",   "devpts",  "devtmpfs",    "efivarfs", "fusectl", "hugetlbfs",  "mqueue",
    "nfsd",      "nsfs",    "proc",        "pstore",   "resctrl", "rpc_pipefs", "securityfs",
    "selinuxfs", "smackfs", "sysfs",       "tracefs",  "xenfs",   NULL,
};

bool mountinfo_is_pseudo(const char *fstype) {
  /* A FUSE filesystem is served by a host process that sees every access
   * (gvfs, the document portal, lxcfs, sshfs): hidden unless named. fuseblk
   * is a disk filesystem (ntfs-3g, exfat) that happens to run in FUSE. */
  if (strcmp(fstype, "fuse") == 0 || strncmp(fstype, "fuse.", 5) == 0)
    return true;
  for (const char *const *t = pseudo_types; *t != NULL; t++)
    if (strcmp(fstype, *t) == 0)
      return true;
  return false;
}

/* The kernel writes ' ', '\t', '\n' and '\\' in these fields as \ooo. Any
 * other backslash, or an escaped NUL, means the line is not what we think. */
static bool unescape(char *s) {
  char *w = s;
  for (const char *r = s; *r != '\0'; r++) {
    if (*r != '\\') {
      *w++ = *r;
      continue;
    }
    unsigned v = 0;
    for (int i = 1; i <= 3; i++) {
      if (r[i] < '0' || r[i] > '7')
        return false;
      v = v * 8 + (unsigned)(r[i] - '0');
    }
    if (v == 0 || v > 0377)
      return false;
    *w++ = (char)v;
    r += 3;
  }
  *w = '\0';
  return true;
}

static bool parse_u32(const char *s, uint32_t *out) {
  if (*s == '\0' || strlen(s) > 10)
    return false;
  uint64_t v = 0;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (uint64_t)(*s - '0');
  }
  if (v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* Splits the line at single spaces into at most max fields; returns the count. */
static size_t split(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *sp = strchr(p, ' ');
    if (sp == NULL)
      break;
    *sp = '\0';
    p = sp + 1;
  }
  return n;
}

/* id parent major:minor root mount_point options [optional...] - fstype source super_options */
static bool parse_line(char *line, struct mount_info *m) {
  enum { MAX_FIELDS = 64 };
  char *f[MAX_FIELDS];
  size_t n = split(line, f, MAX_FIELDS);
  if (n < 10 || !parse_u32(f[0], &m->id) || !parse_u32(f[1], &m->parent))
    return false;
  size_t dash = 6;
  while (dash < n && strcmp(f[dash], "-") != 0)
    dash++;
  if (dash >= n || n != dash + 4) /* fstype, source, super options, and no more */
    return false;
  m->mount_point = f[4];
  m->fstype = f[dash + 1];
  return m->mount_point[0] == '/' && unescape(m->mount_point) && m->fstype[0] != '\0' &&
         unescape(m->fstype);
}

int mountinfo_parse(char *buf, size_t len, struct mount_info **out, size_t *n, size_t *bad_line) {
  *out = NULL;
  *n = 0;
  *bad_line = 0;
  if (memchr(buf, '\0', len) != NULL) {
    *bad_line = 1;
    return -EINVAL;
  }
  size_t lines = 0;
  for (size_t i = 0; i < len; i++)
    lines += buf[i] == '\n';
  if (len > 0 && buf[len - 1] != '\n') {
    *bad_line = lines + 1; /* the last line is cut off */
    return -EINVAL;
  }
  struct mount_info *v = calloc(lines + 1, sizeof(*v));
  if (v == NULL)
    return -ENOMEM;
  char *p = buf;
  for (size_t i = 0; i < lines; i++) {
    char *nl = memchr(p, '\n', (size_t)(buf + len - p));
    *nl = '\0';
    if (!parse_line(p, &v[i])) {
      free(v);
      *bad_line = i + 1;
      return -EINVAL;
    }
    p = nl + 1;
  }
  *out = v;
  *n = lines;
  return 0;
}
