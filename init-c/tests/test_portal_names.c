/* The names hsu-portal checks: application ids as xdg-desktop-portal
 * accepts them, URI schemes, file: URIs. */
#include <limits.h>
#include <string.h>

#include "portal_names.h"
#include "tap.h"

static void app_id(const char *id, bool want) {
  ok(valid_app_id(id) == want, "app id \"%.40s\" is %s", id, want ? "valid" : "invalid");
}

static void scheme(const char *s, size_t want) {
  size_t got = uri_scheme_len(s);
  if (!ok(got == want, "scheme of \"%s\": %zu bytes", s, want))
    printf("# got %zu\n", got);
}

static void file_uri(const char *uri, const char *want) {
  char out[PATH_MAX];
  bool r = file_uri_path(uri, out, sizeof(out));
  if (!ok(want == NULL ? !r : r && strcmp(out, want) == 0, "file URI \"%s\": %s", uri,
          want == NULL ? "refused" : want))
    printf("# r=%d out=%s\n", r, r ? out : "");
}

int main(void) {
  char long_id[300];
  app_id("org.example.App", true);
  app_id("org.example.My_App2", true);
  app_id("a.b", true);
  app_id("snap.0ad", true);
  app_id("org.example.app-name", true);
  app_id("org.example-site.App", false);
  app_id("OnlyOne", false);
  app_id("", false);
  app_id(".org.App", false);
  app_id("org.App.", false);
  app_id("org..App", false);
  app_id("org.ex ample.App", false);
  app_id("org.example.App/x", false);
  app_id("org.exämple.App", false);
  memset(long_id, 'a', sizeof(long_id));
  long_id[1] = '.';
  long_id[255] = '\0';
  app_id(long_id, true);
  long_id[255] = 'a';
  long_id[256] = '\0';
  app_id(long_id, false);

  scheme("https://example.org/", 5);
  scheme("mailto:someone@example.org", 6);
  scheme("x-scheme+1.2-3:x", 14);
  scheme("FILE:///tmp", 4);
  scheme("/tmp/a:b", 0);
  scheme("a file:x", 0);
  scheme("1http://x", 0);
  scheme(":x", 0);
  scheme("report.pdf", 0);
  scheme("", 0);

  file_uri("file:///tmp/a%20b.txt", "/tmp/a b.txt");
  file_uri("file://localhost/tmp/x", "/tmp/x");
  file_uri("FILE://LocalHost/tmp/x", "/tmp/x");
  file_uri("file:/tmp/x", "/tmp/x");
  file_uri("file:///a%2Fb%c3%a4%41", "/a/b\xc3\xa4"
                                     "A");
  file_uri("file:///", "/");
  file_uri("file://elsewhere/tmp/x", NULL);
  file_uri("file://", NULL);
  file_uri("file:tmp/x", NULL);
  file_uri("file:///a%zz", NULL);
  file_uri("file:///a%4", NULL);
  file_uri("file:///a%00b", NULL);
  file_uri("https:///tmp/x", NULL);
  return tap_done();
}
