/* The D-Bus calls of hsu-portal (portal_calls.c, on GLib's GDBus): one
 * function per portal method, on the session bus they share. GLib stays
 * behind this header. Each call returns 0, or -1 with err filled. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Documents.AddFull flags */
#define DOC_REUSE_EXISTING 1u
#define DOC_PERSISTENT 2u
#define DOC_EXPORT_DIRECTORY 8u

/* A connection to the session bus. */
struct portal_bus;

/* Why a call failed: the bus's or the portal's sentence, and whether the
 * portal is missing. */
enum portal_fault {
  PORTAL_FAILED,
  PORTAL_NO_SERVICE, /* the name is not on the bus and cannot be activated */
  PORTAL_NO_METHOD,  /* the service runs but does not offer the interface or method */
};
struct portal_error {
  enum portal_fault fault;
  char text[1024];
};

/* The session bus of $DBUS_SESSION_BUS_ADDRESS (else $XDG_RUNTIME_DIR/bus,
 * never an autolaunched one); NULL with err filled. */
struct portal_bus *portal_bus_open(struct portal_error *err);
/* Sends what is queued (a Request.Close) and closes. */
void portal_bus_close(struct portal_bus *bus);
void portal_bus_closep(struct portal_bus **bus);
/* The bus's name for this connection (":1.42"). */
const char *portal_bus_unique_name(struct portal_bus *bus);

/* Documents.AddFull (ahusas -> asa{sv}) for n fds, granting app_id "read"
 * (and "write"); *ids: the doc ids, a NULL-terminated strv, each string
 * and the array malloc'ed. */
int documents_add_full(struct portal_bus *bus, const int *fds, size_t n, uint32_t flags,
                       const char *app_id, bool writable, char ***ids, struct portal_error *err);
/* Documents.Add (hbb -> s), reusing an existing entry, persistent; *id
 * malloc'ed. */
int documents_add(struct portal_bus *bus, int fd, char **id, struct portal_error *err);

/* OpenURI.OpenURI (ssa{sv} -> o), or OpenURI.OpenFile (sha{sv} -> o) when
 * fd >= 0; *handle: the request's object path, malloc'ed. */
int open_uri(struct portal_bus *bus, const char *uri, int fd, const char *token,
             uint64_t timeout_ms, char **handle, struct portal_error *err);

/* The Request.Response of one request: got, and its code (0 success, 1
 * cancelled by the user, 2 ended otherwise). */
struct portal_response {
  bool got;
  uint32_t code;
};
/* Subscribes resp to the Response signal of the request at path, for as
 * long as the bus is open. */
void request_subscribe(struct portal_bus *bus, const char *path, struct portal_response *resp);
/* Runs the bus until resp arrives (0) or deadline_ms (monotonic_ms) passes
 * (-ETIMEDOUT), or the bus closes the connection (-ECONNRESET). */
int request_wait(struct portal_bus *bus, const struct portal_response *resp, uint64_t deadline_ms);
/* Request.Close, best effort (the request may be gone), sent on close. */
void request_close(struct portal_bus *bus, const char *handle);
