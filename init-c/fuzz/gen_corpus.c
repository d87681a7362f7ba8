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
    pb_str(&b, "org.example.App");
    pb_str(&b, "Example");
    pb_str(&b, "");
    pb_u32(&b, 0);
    pb_end(&b);
    pb_begin(&b, TAG_WAYLAND);
    pb_u32(&b, flags);
    pb_str(&b, "/run/user/1000/wayland-1");
    pb_str(&b,
           flags ? "/run/user/1000/wayland-1" : "/run/user/1000/hsu/0123456789abcdef/wayland-0");
    pb_str(&b, "org.example.App");
    pb_end(&b);
    pb_begin(&b, TAG_BIND);
    pb_str(&b,
           flags ? "/run/user/1000/wayland-1" : "/run/user/1000/hsu/0123456789abcdef/wayland-0");
    pb_str(&b, "/run/user/1000/wayland-0");
    pb_u32(&b, 0);
    pb_end(&b);
    pb_end_record(&b);
    pb_finish(&b);
    save(argv[1], flags ? "wayland-direct" : "wayland", &b);
    pb_free(&b);
  }

  /* PROXY: the nested plan a D-Bus proxy runs in, inside the main plan. */
  static const char *const proxy_argv[] = {"/usr/bin/xdg-dbus-proxy",
                                           "--fd=3",
                                           "unix:path=/run/user/1000/bus",
                                           "/run/user/1000/hsu/0123456789abcdef/bus",
                                           "--filter",
                                           NULL};
  struct pb nested;
  pb_init(&nested);
  pb_params(&nested, proxy_argv);
  pb_begin(&nested, TAG_AUTO_ROOT);
  pb_str(&nested, "/");
  pb_u32(&nested, 0);
  pb_u32(&nested, 0);
  pb_end(&nested);
  pb_begin(&nested, TAG_BIND);
  pb_str(&nested, "/run/user/1000/hsu/0123456789abcdef");
  pb_str(&nested, "/run/user/1000/hsu/0123456789abcdef");
  pb_u32(&nested, BIND_WRITABLE);
  pb_end(&nested);
  pb_end_record(&nested);
  pb_finish(&nested);
  save(argv[1], "proxy-nested", &nested);
  pb_init(&b);
  pb_params(&b, argv_sh);
  pb_begin(&b, TAG_INSTANCE);
  pb_str(&b, "0123456789abcdef");
  pb_str(&b, "/run/user/1000/hsu/0123456789abcdef");
  pb_str(&b, "org.example.App");
  pb_str(&b, "Example");
  pb_str(&b, "/home/u/.config/hsu/profiles/app.yaml");
  pb_u32(&b, INSTANCE_WAYLAND | INSTANCE_DBUS);
  pb_end(&b);
  pb_begin(&b, TAG_PROXY);
  pb_u32(&b, 0);
  pb_u32(&b, 3);
  pb_str(&b, "/run/user/1000/hsu/0123456789abcdef/bus");
  pb_u64(&b, 5000);
  pb_u32(&b, (uint32_t)nested.len);
  pb_bytes(&b, nested.buf, nested.len);
  pb_end(&b);
  pb_begin(&b, TAG_BIND);
  pb_str(&b, "/run/user/1000/hsu/0123456789abcdef/bus");
  pb_str(&b, "/run/user/1000/bus");
  pb_u32(&b, 0);
  pb_end(&b);
  pb_end_record(&b);
  pb_finish(&b);
  save(argv[1], "proxy", &b);
  pb_free(&b);
  pb_free(&nested);
  return 0;
}
