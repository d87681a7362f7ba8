/* Frame descriptors of the native protocol and the limits the filter puts
 * on them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pulse/proto.h"

/* Control packets are read whole before they are judged, so their size
 * bounds the filter's memory. From the client: twice PulseAudio's largest
 * proplist value (MAX_TAG_SIZE, 64 KiB), so a packet carrying one maximal
 * property still fits. From the server: replies that list every sink or
 * source with its proplist and ports arrive as one packet; 1 MiB is far
 * above what a desktop produces. Memblocks are streamed through, never
 * held whole; their cap is PulseAudio's largest stream buffer
 * (MAX_MEMBLOCKQ_LENGTH, 4 MiB), below its own frame limit of 16 MiB. */
#define PF_MAX_CLIENT_PACKET (128u * 1024)
#define PF_MAX_SERVER_PACKET (1024u * 1024)
#define PF_MAX_MEMBLOCK (4u * 1024 * 1024)

struct pf_frame {
  uint32_t length, channel, offset_hi, offset_lo, flags;
};

enum pf_side { PF_FROM_CLIENT, PF_FROM_SERVER };

void frame_decode(const uint8_t *desc, struct pf_frame *f);
void frame_encode(const struct pf_frame *f, uint8_t *desc);
bool frame_is_packet(const struct pf_frame *f);

/* NULL when the frame may pass, else why not (a short static phrase). */
const char *frame_check(const struct pf_frame *f, enum pf_side from);
