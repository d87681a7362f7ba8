/* The names hsu-portal checks; see portal_names.h. */
#include <string.h>
#include <strings.h>

#include "portal_names.h"

bool valid_app_id(const char *s) {
  size_t len = strlen(s);
  const char *last_dot = strrchr(s, '.');
  if (len == 0 || len > 255 || s[0] == '.' || last_dot == NULL)
    return false;
  for (const char *p = s; *p != '\0'; p++) {
    if (*p == '.') {
      if (p[1] == '\0' || p[1] == '.')
        return false;
      continue;
    }
    bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || (*p == '-' && p > last_dot);
    if (!ok)
      return false;
  }
  return true;
}

size_t uri_scheme_len(const char *s) {
  size_t i = 0;
  while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')))
    i++;
  return i > 0 && s[i] == ':' ? i : 0;
}

static int hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
    return (c | 0x20) - 'a' + 10;
  return -1;
}

bool file_uri_path(const char *uri, char *out, size_t size) {
  if (strncasecmp(uri, "file:", 5) != 0)
    return false;
  const char *p = uri + 5;
  if (strncmp(p, "//", 2) == 0) {
    const char *slash = strchr(p + 2, '/');
    size_t host = slash != NULL ? (size_t)(slash - p - 2) : 0;
    if (slash == NULL || (host != 0 && (host != 9 || strncasecmp(p + 2, "localhost", 9) != 0)))
      return false;
    p = slash;
  }
  if (*p != '/')
    return false;
  size_t n = 0;
  for (; *p != '\0'; p++) {
    int c = (unsigned char)*p;
    if (c == '%') {
      int hi = hex(p[1]), lo = hi < 0 ? -1 : hex(p[2]);
      if (lo < 0 || (c = hi * 16 + lo) == 0)
        return false;
      p += 2;
    }
    if (n + 1 >= size)
      return false;
    out[n++] = (char)c;
  }
  out[n] = '\0';
  return true;
}
