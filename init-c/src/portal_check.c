#include "portal_check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define DESKTOP "org.freedesktop.portal.Desktop"
#define DOCUMENTS "org.freedesktop.portal.Documents"
/* A document portal that takes longer to start is taken as missing. */
#define CALL_TIMEOUT_US (5 * 1000000ull)

/* Whether name has an owner or a service file on the bus. */
static bool offered(sd_bus *bus, const char *name) {
  sd_bus_message *reply = NULL;
  int owned = 0;
  if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "NameHasOwner", NULL, &reply, "s", name) >= 0)
    sd_bus_message_read(reply, "b", &owned);
  reply = sd_bus_message_unref(reply);
  if (owned)
    return true;
  bool found = false;
  if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "ListActivatableNames", NULL, &reply, "") >= 0 &&
      sd_bus_message_enter_container(reply, 'a', "s") >= 0) {
    const char *s;
    while (!found && sd_bus_message_read(reply, "s", &s) > 0)
      found = strcmp(s, name) == 0;
  }
  sd_bus_message_unref(reply);
  return found;
}

int portal_check(const char *address, char *msg, size_t size) {
  sd_bus *bus = NULL;
  sd_bus_error err = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_new(&bus);
  if (r >= 0 && (r = sd_bus_set_address(bus, address)) >= 0 &&
      (r = sd_bus_set_bus_client(bus, 1)) >= 0 &&
      (r = sd_bus_set_method_call_timeout(bus, CALL_TIMEOUT_US)) >= 0)
    r = sd_bus_start(bus);
  if (r < 0) {
    snprintf(msg, size,
             "cannot reach the session bus for the portals (%s): file dialogs, links and files"
             " handed over will not work in the sandbox",
             strerror(-r));
    goto out;
  }
  r = sd_bus_call_method(bus, DOCUMENTS, "/org/freedesktop/portal/documents", DOCUMENTS,
                         "GetMountPoint", &err, &reply, "");
  if (r < 0) {
    snprintf(msg, size,
             "no document portal on the session bus (%s: %s): files the user picks or hsu hands"
             " over will not appear in the sandbox (Debian: apt install xdg-desktop-portal fuse3)",
             DOCUMENTS, err.message != NULL ? err.message : strerror(-r));
    goto out;
  }
  if (!offered(bus, DESKTOP)) {
    snprintf(msg, size,
             "no %s on the session bus: file dialogs and opening links will not work in the"
             " sandbox (Debian: apt install xdg-desktop-portal and a backend such as"
             " xdg-desktop-portal-gtk)",
             DESKTOP);
    r = -1;
    goto out;
  }
  r = 0;
out:
  sd_bus_error_free(&err);
  sd_bus_message_unref(reply);
  sd_bus_flush_close_unref(bus);
  return r < 0 ? -1 : 0;
}
