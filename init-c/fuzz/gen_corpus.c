/* Writes valid plans (and a few near-misses) as fuzzing seeds into a directory. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "plan.h"
#include "planbuf.h"

static void save(const char *dir, const char *name, const struct pb *b) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(b->buf, 1, b->len, f) != b->len || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gen-corpus DIR\n");
    return 2;
  }
  static const char *const argv_sh[] = {"/bin/sh", NULL};
  struct pb b;

  pb_full_plan(&b);
  save(argv[1], "full", &b);
  pb_free(&b);

  pb_init(&b);
  pb_params(&b, argv_sh);
  pb_end_record(&b);
  pb_finish(&b);
  save(argv[1], "minimal", &b);
  pb_free(&b);

  static const char *const lowers[] = {"/a", NULL};
  pb_init(&b);
  pb_params(&b, argv_sh);
  pb_begin(&b, TAG_OVERLAY);
  pb_str(&b, "/x");
  pb_u32(&b, OVERLAY_PERSISTENT);
  pb_str(&b, "/up");
  pb_str(&b, "/work");
  pb_strs(&b, lowers);
  pb_end(&b);
  pb_begin(&b, TAG_BIND);
  pb_str(&b, "/src");
  pb_str(&b, "/dst");
  pb_u32(&b, BIND_ENSURE | BIND_WRITABLE);
  pb_end(&b);
  pb_end_record(&b);
  pb_finish(&b);
  save(argv[1], "overlay-persistent", &b);
  pb_free(&b);

  for (uint32_t flags = 0; flags <= WAYLAND_DIRECT; flags++) {
    pb_init(&b);
    pb_params(&b, argv_sh);
    pb_begin(&b, TAG_INSTANCE);
    pb_str(&b, "0123456789abcdef");
    pb_str(&b, "/run/user/1000/hsu/0123456789abcdef");
    pb_end(&b);
    pb_begin(&b, TAG_WAYLAND);
    pb_u32(&b, flags);
    pb_str(&b, "/run/user/1000/wayland-1");
    pb_str(&b, flags ? "/run/user/1000/wayland-1" : "/run/user/1000/hsu/0123456789abcdef/wayland-0");
    pb_str(&b, "org.example.App");
    pb_end(&b);
    pb_begin(&b, TAG_BIND);
    pb_str(&b, flags ? "/run/user/1000/wayland-1" : "/run/user/1000/hsu/0123456789abcdef/wayland-0");
    pb_str(&b, "/run/user/1000/wayland-0");
    pb_u32(&b, 0);
    pb_end(&b);
    pb_end_record(&b);
    pb_finish(&b);
    save(argv[1], flags ? "wayland-direct" : "wayland", &b);
    pb_free(&b);
  }
  return 0;
}
