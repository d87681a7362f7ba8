/* libFuzzer target: hsu-pulse-filter's relay on arbitrary bytes from both
 * sides, then a check of everything it would write: whole, valid frames,
 * only forwardable client commands, AUTH without shm/memfd and with the
 * configured cookie, no shared-memory offers towards the client.
 *
 * Input: one byte of options (bit 0 --record, bit 1 --cookie), then chunks
 * of [u16 big-endian: bit 15 from the server, bits 0..14 length][bytes]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pulse/relay.h"
#include "pulse/tagstruct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t cookie[PA_NATIVE_COOKIE_LENGTH] = {1, 2, 3, 4, 5, 6, 7, 8};

/* The verifier's view of one output stream. */
struct check {
  enum pf_side from;
  uint32_t memblock_left;
};

static void check_packet(const struct relay *r, const struct check *k, const uint8_t *p,
                         uint32_t n) {
  struct ts t;
  uint32_t command, tag, version, len;
  const uint8_t *c;
  ts_init(&t, p, n);
  if (ts_u32(&t, &command) < 0 || ts_u32(&t, &tag) < 0)
    __builtin_trap();
  if (k->from == PF_FROM_CLIENT) {
    if (!pf_forwardable(&r->policy, command))
      __builtin_trap();
    if (command == PA_COMMAND_AUTH) {
      if (ts_u32(&t, &version) < 0 || (version & ~PA_PROTOCOL_VERSION_MASK) != 0 ||
          ts_arbitrary(&t, &c, &len) < 0 || len != PA_NATIVE_COOKIE_LENGTH)
        __builtin_trap();
      static const uint8_t zeros[PA_NATIVE_COOKIE_LENGTH];
      if (memcmp(c, r->policy.cookie != NULL ? cookie : zeros, len) != 0)
        __builtin_trap();
    }
  } else if (command == PA_COMMAND_ENABLE_SRBCHANNEL || command == PA_COMMAND_DISABLE_SRBCHANNEL ||
             command == PA_COMMAND_REGISTER_MEMFD_SHMID) {
    __builtin_trap();
  }
}

/* Walks what the relay queued for one side, then forgets it (as if sent). */
static void check_out(const struct relay *r, struct check *k, struct buf *out) {
  const uint8_t *p = buf_head(out);
  size_t left = buf_len(out);
  while (left > 0) {
    if (k->memblock_left > 0) {
      size_t m = left < k->memblock_left ? left : k->memblock_left;
      k->memblock_left -= (uint32_t)m;
      p += m;
      left -= m;
      continue;
    }
    if (left < PA_DESC_SIZE) /* descriptors are queued whole */
      __builtin_trap();
    struct pf_frame f;
    frame_decode(p, &f);
    if (frame_check(&f, k->from) != NULL)
      __builtin_trap();
    p += PA_DESC_SIZE;
    left -= PA_DESC_SIZE;
    if (!frame_is_packet(&f)) {
      if (k->from == PF_FROM_SERVER && !r->policy.record)
        __builtin_trap();
      k->memblock_left = f.length;
      continue;
    }
    if (left < f.length) /* packets are queued whole */
      __builtin_trap();
    check_packet(r, k, p, f.length);
    p += f.length;
    left -= f.length;
  }
  buf_consume(out, buf_len(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  struct relay *r = malloc(sizeof(*r));
  if (r == NULL)
    return 0;
  relay_init(r, -1, (data[0] & 1) != 0, (data[0] & 2) != 0 ? cookie : NULL);
  struct check up = {.from = PF_FROM_CLIENT}, down = {.from = PF_FROM_SERVER};
  size_t i = 1;
  while (size - i >= 2) {
    uint16_t h = (uint16_t)(data[i] << 8 | data[i + 1]);
    i += 2;
    size_t n = h & 0x7FFF;
    if (n > size - i)
      n = size - i;
    bool ok = relay_input(r, (h & 0x8000) ? PF_FROM_SERVER : PF_FROM_CLIENT, data + i, n);
    i += n;
    if (r->policy.n_pending > PF_MAX_PENDING || r->policy.n_streams > PF_MAX_STREAMS ||
        r->policy.n_creating > r->policy.n_pending || r->n_refusals > RELAY_MAX_REFUSALS)
      __builtin_trap();
    if (!ok) {
      if (r->why == NULL)
        __builtin_trap(); /* every drop has a reason */
      break;
    }
    check_out(r, &up, &r->up.out);
    check_out(r, &down, &r->down.out);
  }
  relay_close(r);
  free(r);
  return 0;
}
