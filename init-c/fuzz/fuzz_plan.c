/* libFuzzer target: the parser on arbitrary bytes, then what hsu-init
 * derives from a valid plan without syscalls (the seccomp filter, the
 * Landlock ABI sentences). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "landlock.h"
#include "plan.h"
#include "seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct plan p;
  struct hsu_error err;
  if (plan_parse(data, size, &p, &err) == 0) {
    /* Touch what a valid plan promises: NUL-terminated strings and lists. */
    size_t sum = strlen(p.hostname) + strlen(p.cwd);
    for (uint32_t i = 0; i < p.argv.n; i++)
      sum += strlen(p.argv.v[i]);
    if (p.argv.v[p.argv.n] != NULL)
      __builtin_trap();
    if (p.wayland.present) {
      /* Promised by the parser: an INSTANCE, and a socket in its dir unless DIRECT. */
      if (!p.instance.present || strlen(p.instance.id) != 16)
        __builtin_trap();
      size_t d = strlen(p.instance.dir);
      if ((p.wayland.flags & WAYLAND_DIRECT) == 0 &&
          (strncmp(p.wayland.socket, p.instance.dir, d) != 0 || p.wayland.socket[d] != '/'))
        __builtin_trap();
      sum += strlen(p.wayland.compositor) + strlen(p.wayland.app_id);
    }
    for (uint32_t i = 0; i < p.n_proxies; i++) {
      /* Promised: an INSTANCE, the ready socket in its dir, a nested plan
       * without INSTANCE, WAYLAND or PROXY. */
      const struct plan *n = p.proxies[i].plan;
      size_t d = strlen(p.instance.dir);
      if (!p.instance.present || strncmp(p.proxies[i].ready, p.instance.dir, d) != 0 ||
          p.proxies[i].ready[d] != '/' || n == NULL || n->instance.present || n->wayland.present ||
          n->n_proxies != 0 || n->argv.v[n->argv.n] != NULL ||
          p.proxies[i].sync_fd < PROXY_MIN_FD || p.proxies[i].sync_fd > PROXY_MAX_FD)
        __builtin_trap();
      sum += strlen(n->argv.v[0]) + n->n_ops;
    }
    (void)sum;
    if (p.seccomp.present) {
      scmp_filter_ctx ctx;
      if (filter_build(&p.seccomp, &ctx, &err) == 0)
        seccomp_release(ctx);
    }
    for (int abi = 0; p.landlock.present && abi <= 7; abi++)
      (void)landlock_missing(&p.landlock, abi, &err);
    plan_free(&p);
  } else if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL || err.msg[0] == '\0') {
    __builtin_trap(); /* every rejection has a sentence */
  }
  return 0;
}
