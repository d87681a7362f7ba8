/* The D-Bus calls of hsu-portal; see portal.h. The interfaces are
 * xdg-desktop-portal's data/org.freedesktop.portal.{Documents,OpenURI,
 * Request}.xml. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "util.h"

#define DOCUMENTS "org.freedesktop.portal.Documents"
#define DOCUMENTS_PATH "/org/freedesktop/portal/documents"
#define DESKTOP "org.freedesktop.portal.Desktop"
#define DESKTOP_PATH "/org/freedesktop/portal/desktop"
#define REQUEST "org.freedesktop.portal.Request"

#define automsg __attribute__((cleanup(sd_bus_message_unrefp)))

int portal_bus_open(sd_bus **bus) {
  return sd_bus_open_user(bus);
}

const char *portal_error_text(const sd_bus_error *err, int r) {
  if (err != NULL && err->message != NULL)
    return err->message;
  if (r == -ENOMEDIUM) /* sd_bus_open_user: neither variable is set */
    return "no session bus ($DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR are unset)";
  return strerror(-r);
}

bool portal_error_no_service(const sd_bus_error *err) {
  return sd_bus_error_has_name(err, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
         sd_bus_error_has_name(err, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
}

bool portal_error_no_method(const sd_bus_error *err) {
  return sd_bus_error_has_name(err, SD_BUS_ERROR_UNKNOWN_METHOD) ||
         sd_bus_error_has_name(err, SD_BUS_ERROR_UNKNOWN_INTERFACE) ||
         sd_bus_error_has_name(err, SD_BUS_ERROR_UNKNOWN_OBJECT);
}

int documents_add_full(sd_bus *bus, const int *fds, size_t n, uint32_t flags, const char *app_id,
                       bool writable, char ***ids, sd_bus_error *err) {
  automsg sd_bus_message *call = NULL;
  automsg sd_bus_message *reply = NULL;
  int r =
      sd_bus_message_new_method_call(bus, &call, DOCUMENTS, DOCUMENTS_PATH, DOCUMENTS, "AddFull");
  if (r >= 0)
    r = sd_bus_message_open_container(call, 'a', "h");
  for (size_t i = 0; r >= 0 && i < n; i++)
    r = sd_bus_message_append(call, "h", fds[i]);
  if (r >= 0)
    r = sd_bus_message_close_container(call);
  if (r >= 0)
    r = writable ? sd_bus_message_append(call, "usas", flags, app_id, 2, "read", "write")
                 : sd_bus_message_append(call, "usas", flags, app_id, 1, "read");
  if (r >= 0)
    r = sd_bus_call(bus, call, 0, err, &reply);
  if (r >= 0)
    r = sd_bus_message_read_strv(reply, ids);
  return r < 0 ? r : 0;
}

int documents_add(sd_bus *bus, int fd, char **id, sd_bus_error *err) {
  automsg sd_bus_message *reply = NULL;
  const char *s = NULL;
  int r = sd_bus_call_method(bus, DOCUMENTS, DOCUMENTS_PATH, DOCUMENTS, "Add", err, &reply, "hbb",
                             fd, 1, 1);
  if (r >= 0)
    r = sd_bus_message_read(reply, "s", &s);
  if (r >= 0 && (*id = strdup(s)) == NULL)
    r = -ENOMEM;
  return r < 0 ? r : 0;
}

int open_uri(sd_bus *bus, const char *uri, int fd, const char *token, uint64_t timeout_usec,
             char **handle, sd_bus_error *err) {
  automsg sd_bus_message *call = NULL;
  automsg sd_bus_message *reply = NULL;
  const char *path = NULL;
  int r = sd_bus_message_new_method_call(bus, &call, DESKTOP, DESKTOP_PATH,
                                         "org.freedesktop.portal.OpenURI",
                                         fd >= 0 ? "OpenFile" : "OpenURI");
  if (r >= 0)
    r = fd >= 0 ? sd_bus_message_append(call, "sh", "", fd)
                : sd_bus_message_append(call, "ss", "", uri);
  if (r >= 0)
    r = sd_bus_message_append(call, "a{sv}", 1, "handle_token", "s", token);
  if (r >= 0)
    r = sd_bus_call(bus, call, timeout_usec, err, &reply);
  if (r >= 0)
    r = sd_bus_message_read(reply, "o", &path);
  if (r >= 0 && (*handle = strdup(path)) == NULL)
    r = -ENOMEM;
  return r < 0 ? r : 0;
}

static int on_response(sd_bus_message *m, void *data, sd_bus_error *err) {
  (void)err;
  struct portal_response *resp = data;
  uint32_t code;
  if (sd_bus_message_read(m, "u", &code) >= 0) {
    resp->got = true;
    resp->code = code;
  }
  return 0;
}

int request_subscribe(sd_bus *bus, const char *path, struct portal_response *resp) {
  /* Floating: the slot lives as long as the bus. */
  return sd_bus_match_signal(bus, NULL, DESKTOP, path, REQUEST, "Response", on_response, resp);
}

int request_wait(sd_bus *bus, const struct portal_response *resp, uint64_t deadline_ms) {
  while (!resp->got) {
    int r = sd_bus_process(bus, NULL);
    if (r < 0)
      return r;
    if (r > 0)
      continue;
    uint64_t now = monotonic_ms();
    if (now >= deadline_ms)
      return -ETIMEDOUT;
    r = sd_bus_wait(bus, (deadline_ms - now) * 1000u);
    if (r < 0)
      return r;
  }
  return 0;
}

void request_close(sd_bus *bus, const char *handle) {
  automsg sd_bus_message *call = NULL;
  if (sd_bus_message_new_method_call(bus, &call, DESKTOP, handle, REQUEST, "Close") >= 0 &&
      sd_bus_message_set_expect_reply(call, 0) >= 0)
    sd_bus_send(bus, call, NULL);
}
