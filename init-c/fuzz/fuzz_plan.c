/* libFuzzer target: the parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct plan p;
  char err[512];
  if (plan_parse(data, size, &p, err, sizeof(err)) == 0) {
    /* Touch what a valid plan promises: NUL-terminated strings and lists. */
    size_t sum = strlen(p.hostname) + strlen(p.cwd);
    for (uint32_t i = 0; i < p.argv.n; i++)
      sum += strlen(p.argv.v[i]);
    if (p.argv.v[p.argv.n] != NULL)
      __builtin_trap();
    (void)sum;
    plan_free(&p);
  } else if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0') {
    __builtin_trap(); /* every rejection has a sentence */
  }
  return 0;
}
