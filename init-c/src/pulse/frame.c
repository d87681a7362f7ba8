#include "pulse/frame.h"

#include <stddef.h>

#include "pulse/tagstruct.h"

void frame_decode(const uint8_t *desc, struct pf_frame *f) {
  f->length = be32_get(desc);
  f->channel = be32_get(desc + 4);
  f->offset_hi = be32_get(desc + 8);
  f->offset_lo = be32_get(desc + 12);
  f->flags = be32_get(desc + 16);
}

void frame_encode(const struct pf_frame *f, uint8_t *desc) {
  be32_put(desc, f->length);
  be32_put(desc + 4, f->channel);
  be32_put(desc + 8, f->offset_hi);
  be32_put(desc + 12, f->offset_lo);
  be32_put(desc + 16, f->flags);
}

bool frame_is_packet(const struct pf_frame *f) {
  return f->channel == PA_CHANNEL_CONTROL;
}

const char *frame_check(const struct pf_frame *f, enum pf_side from) {
  /* Shared-memory frames (data, release, revoke) refer to memory the
   * filter never negotiated; they would bypass it. */
  if ((f->flags & PA_FLAG_SHMMASK) != 0)
    return "a shared-memory frame";
  if (f->length == 0)
    return "an empty frame";
  if (frame_is_packet(f)) {
    if (f->flags != 0)
      return "a control packet with flags";
    uint32_t max = from == PF_FROM_CLIENT ? PF_MAX_CLIENT_PACKET : PF_MAX_SERVER_PACKET;
    if (f->length > max)
      return "an oversized control packet";
    return NULL;
  }
  if ((f->flags & ~PA_FLAG_SEEKMASK) != 0 || (f->flags & PA_FLAG_SEEKMASK) > PA_SEEK_RELATIVE_END)
    return "a memblock with invalid flags";
  if (f->length > PF_MAX_MEMBLOCK)
    return "an oversized memblock";
  return NULL;
}
