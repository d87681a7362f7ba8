/* A minimal Wayland client written from the protocol's wire format: just
 * enough to ask a compositor for a security context (security-context-v1). */
#pragma once

#include <stddef.h>

#include "util.h"

struct wayland_request {
  const char *compositor;  /* the compositor's socket */
  int dir_fd;              /* the directory the listening socket is created in */
  const char *socket;      /* its full path (for bind when it fits, and messages) */
  const char *socket_name; /* its name in dir_fd */
  const char *engine, *app_id, *instance_id;
  int timeout_ms; /* for the whole exchange */
};

/* Creates the listening socket, registers it with the compositor and
 * returns the write end of the close pipe: the compositor accepts clients
 * on the socket until it is closed. On failure returns -1 with e set; the
 * socket may then exist (the caller removes its dir). */
int wayland_security_context(const struct wayland_request *req, struct hsu_error *e);

/* The wire format, exposed for the unit tests. A message is at most this long. */
#define WAYLAND_MAX_MESSAGE 4096u

struct wl_msg {
  unsigned char b[WAYLAND_MAX_MESSAGE];
  size_t len;
  int overflow;
};

void wl_msg_begin(struct wl_msg *m, unsigned object, unsigned opcode);
void wl_msg_u32(struct wl_msg *m, unsigned v);
/* A non-NULL string: length with the NUL, the bytes, the NUL, padding to 4. */
void wl_msg_str(struct wl_msg *m, const char *s);
/* Patches the size into the header; 0, or -1 when the message overflowed. */
int wl_msg_end(struct wl_msg *m);

/* Reading a received message's arguments, bounds-checked. */
struct wl_args {
  const unsigned char *p;
  size_t left;
};

int wl_args_u32(struct wl_args *a, unsigned *out);
/* A string argument: *out points into the message (NUL-terminated), NULL
 * for a null string; -1 when malformed. */
int wl_args_str(struct wl_args *a, const char **out);
/* The header of the message at buf: -1 when the size is not 8..4096 and a
 * multiple of 4. */
int wl_header(const unsigned char *buf, unsigned *object, unsigned *opcode, unsigned *size);
