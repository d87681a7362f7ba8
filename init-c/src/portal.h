/* The D-Bus calls of hsu-portal (portal_calls.c): one function per portal
 * method, on the session bus they share. Each returns 0, or a negative
 * errno with err set when the bus or the portal answered with an error. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

/* Documents.AddFull flags */
#define DOC_REUSE_EXISTING 1u
#define DOC_PERSISTENT 2u
#define DOC_EXPORT_DIRECTORY 8u

/* The session bus of $DBUS_SESSION_BUS_ADDRESS (or $XDG_RUNTIME_DIR/bus). */
int portal_bus_open(sd_bus **bus);
/* A sentence for a failed call: the bus's message, else strerror. */
const char *portal_error_text(const sd_bus_error *err, int r);
/* The name is not on the bus and cannot be activated. */
bool portal_error_no_service(const sd_bus_error *err);
/* The service runs but does not offer the interface or method. */
bool portal_error_no_method(const sd_bus_error *err);

/* Documents.AddFull (ahusas -> asa{sv}) for n fds, granting app_id "read"
 * (and "write"); *ids: the doc ids, a NULL-terminated malloc'ed strv. */
int documents_add_full(sd_bus *bus, const int *fds, size_t n, uint32_t flags, const char *app_id,
                       bool writable, char ***ids, sd_bus_error *err);
/* Documents.Add (hbb -> s), reusing an existing entry, persistent. */
int documents_add(sd_bus *bus, int fd, char **id, sd_bus_error *err);

/* OpenURI.OpenURI (ssa{sv} -> o), or OpenURI.OpenFile (sha{sv} -> o) when
 * fd >= 0; *handle: the request's object path, malloc'ed. */
int open_uri(sd_bus *bus, const char *uri, int fd, const char *token, uint64_t timeout_usec,
             char **handle, sd_bus_error *err);

/* The Request.Response of one request: got, and its code (0 success, 1
 * cancelled by the user, 2 ended otherwise). */
struct portal_response {
  bool got;
  uint32_t code;
};
/* Subscribes resp to the Response signal of the request at path. */
int request_subscribe(sd_bus *bus, const char *path, struct portal_response *resp);
/* Runs the bus until resp arrives or deadline_ms (monotonic_ms) passes
 * (-ETIMEDOUT). */
int request_wait(sd_bus *bus, const struct portal_response *resp, uint64_t deadline_ms);
/* Request.Close, best effort (the request may be gone). */
void request_close(sd_bus *bus, const char *handle);
