/* The D-Bus calls of hsu-portal; see portal.h. The interfaces are
 * xdg-desktop-portal's data/org.freedesktop.portal.{Documents,OpenURI,
 * Request}.xml. GDBus, not sd-bus: inside a sandbox the session bus is
 * xdg-dbus-proxy, which before 0.1.6 (Debian 12 has 0.1.4) breaks on a
 * client that pipelines the SASL handshake as sd-bus does; GDBus waits for
 * each reply, as every GLib app does. */
#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "util.h"

#define DOCUMENTS "org.freedesktop.portal.Documents"
#define DOCUMENTS_PATH "/org/freedesktop/portal/documents"
#define DESKTOP "org.freedesktop.portal.Desktop"
#define DESKTOP_PATH "/org/freedesktop/portal/desktop"
#define REQUEST "org.freedesktop.portal.Request"

struct portal_bus {
  GDBusConnection *conn;
};

/* Fills err from e (a remote error's message without GDBus's
 * "GDBus.Error:NAME: " prefix) and frees e; -1. */
static int fail(struct portal_error *err, GError *e) {
  if (g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    err->fault = PORTAL_NO_SERVICE;
  else if (g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
           g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE) ||
           g_error_matches(e, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    err->fault = PORTAL_NO_METHOD;
  else
    err->fault = PORTAL_FAILED;
  g_dbus_error_strip_remote_error(e);
  snprintf(err->text, sizeof(err->text), "%s", e->message);
  g_error_free(e);
  return -1;
}

struct portal_bus *portal_bus_open(struct portal_error *err) {
  /* As sd_bus_open_user: GLib's session address would autolaunch a bus
   * (dbus-launch) where neither variable is set. */
  const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime = getenv("XDG_RUNTIME_DIR");
  char *own = NULL;
  if ((addr == NULL || addr[0] == '\0') && runtime != NULL && runtime[0] != '\0') {
    char *path = g_build_filename(runtime, "bus", NULL);
    char *escaped = g_dbus_address_escape_value(path);
    addr = own = g_strconcat("unix:path=", escaped, NULL);
    g_free(escaped);
    g_free(path);
  }
  if (addr == NULL || addr[0] == '\0') {
    err->fault = PORTAL_FAILED;
    snprintf(err->text, sizeof(err->text),
             "no session bus ($DBUS_SESSION_BUS_ADDRESS and $XDG_RUNTIME_DIR are unset)");
    return NULL;
  }
  GError *e = NULL;
  GDBusConnection *conn =
      g_dbus_connection_new_for_address_sync(addr,
                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                             NULL, NULL, &e);
  g_free(own);
  if (conn == NULL) {
    fail(err, e);
    return NULL;
  }
  struct portal_bus *bus = g_new0(struct portal_bus, 1);
  bus->conn = conn;
  return bus;
}

void portal_bus_close(struct portal_bus *bus) {
  if (bus == NULL)
    return;
  g_dbus_connection_flush_sync(bus->conn, NULL, NULL);
  g_object_unref(bus->conn);
  g_free(bus);
}

void portal_bus_closep(struct portal_bus **bus) {
  portal_bus_close(*bus);
}

const char *portal_bus_unique_name(struct portal_bus *bus) {
  return g_dbus_connection_get_unique_name(bus->conn);
}

/* A method call passing fds (none when n is 0); the reply, or NULL after
 * fail(). */
static GVariant *call(struct portal_bus *bus, const char *dest, const char *path, const char *iface,
                      const char *method, GVariant *args, const char *reply_type, const int *fds,
                      size_t n, int timeout_ms, struct portal_error *err) {
  GError *e = NULL;
  GUnixFDList *fd_list = n > 0 ? g_unix_fd_list_new() : NULL;
  for (size_t i = 0; i < n && e == NULL; i++)
    g_unix_fd_list_append(fd_list, fds[i], &e); /* a copy */
  GVariant *reply = NULL;
  if (e == NULL)
    reply = g_dbus_connection_call_with_unix_fd_list_sync(
        bus->conn, dest, path, iface, method, args, G_VARIANT_TYPE(reply_type),
        G_DBUS_CALL_FLAGS_NONE, timeout_ms, fd_list, NULL, NULL, &e);
  else
    g_variant_unref(g_variant_ref_sink(args));
  g_clear_object(&fd_list);
  if (reply == NULL)
    fail(err, e);
  return reply;
}

int documents_add_full(struct portal_bus *bus, const int *fds, size_t n, uint32_t flags,
                       const char *app_id, bool writable, char ***ids, struct portal_error *err) {
  static const char *const read_only[] = {"read", NULL};
  static const char *const read_write[] = {"read", "write", NULL};
  GVariantBuilder handles;
  g_variant_builder_init(&handles, G_VARIANT_TYPE("ah"));
  for (size_t i = 0; i < n; i++)
    g_variant_builder_add(&handles, "h", (gint32)i);
  GVariant *args =
      g_variant_new("(ahus^as)", &handles, flags, app_id, writable ? read_write : read_only);
  GVariant *reply = call(bus, DOCUMENTS, DOCUMENTS_PATH, DOCUMENTS, "AddFull", args, "(asa{sv})",
                         fds, n, -1, err);
  if (reply == NULL)
    return -1;
  GVariant *strv = g_variant_get_child_value(reply, 0);
  gsize k = 0;
  const char **got = g_variant_get_strv(strv, &k);
  char **copy = calloc(k + 1, sizeof(*copy));
  for (gsize i = 0; copy != NULL && i < k; i++)
    if ((copy[i] = strdup(got[i])) == NULL) {
      while (i > 0)
        free(copy[--i]);
      free(copy);
      copy = NULL;
    }
  g_free(got);
  g_variant_unref(strv);
  g_variant_unref(reply);
  if (copy == NULL) {
    err->fault = PORTAL_FAILED;
    snprintf(err->text, sizeof(err->text), "%s", strerror(ENOMEM));
    return -1;
  }
  *ids = copy;
  return 0;
}

/* *out = a malloc'ed copy of the reply's only string (s or o); frees reply. */
static int reply_string(GVariant *reply, char **out, struct portal_error *err) {
  if (reply == NULL)
    return -1;
  GVariant *s = g_variant_get_child_value(reply, 0);
  *out = strdup(g_variant_get_string(s, NULL));
  g_variant_unref(s);
  g_variant_unref(reply);
  if (*out != NULL)
    return 0;
  err->fault = PORTAL_FAILED;
  snprintf(err->text, sizeof(err->text), "%s", strerror(ENOMEM));
  return -1;
}

int documents_add(struct portal_bus *bus, int fd, char **id, struct portal_error *err) {
  GVariant *args = g_variant_new("(hbb)", 0, TRUE, TRUE);
  return reply_string(
      call(bus, DOCUMENTS, DOCUMENTS_PATH, DOCUMENTS, "Add", args, "(s)", &fd, 1, -1, err), id,
      err);
}

int open_uri(struct portal_bus *bus, const char *uri, int fd, const char *token,
             uint64_t timeout_ms, char **handle, struct portal_error *err) {
  GVariantBuilder options;
  g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token));
  GVariant *args = fd >= 0 ? g_variant_new("(sha{sv})", "", 0, &options)
                           : g_variant_new("(ssa{sv})", "", uri, &options);
  int timeout = timeout_ms < G_MAXINT ? (int)timeout_ms : G_MAXINT;
  GVariant *reply = call(bus, DESKTOP, DESKTOP_PATH, "org.freedesktop.portal.OpenURI",
                         fd >= 0 ? "OpenFile" : "OpenURI", args, "(o)", &fd, fd >= 0, timeout, err);
  return reply_string(reply, handle, err);
}

static void on_response(GDBusConnection *conn, const char *sender, const char *path,
                        const char *iface, const char *signal, GVariant *args, gpointer data) {
  (void)conn, (void)sender, (void)path, (void)iface, (void)signal;
  struct portal_response *resp = data;
  if (g_variant_is_of_type(args, G_VARIANT_TYPE("(ua{sv})"))) {
    g_variant_get_child(args, 0, "u", &resp->code);
    resp->got = true;
  }
}

void request_subscribe(struct portal_bus *bus, const char *path, struct portal_response *resp) {
  /* Dispatched in the default main context, where request_wait runs. */
  g_dbus_connection_signal_subscribe(bus->conn, DESKTOP, REQUEST, "Response", path, NULL,
                                     G_DBUS_SIGNAL_FLAGS_NONE, on_response, resp, NULL);
}

static gboolean on_deadline(gpointer data) {
  *(bool *)data = true;
  return G_SOURCE_REMOVE;
}

int request_wait(struct portal_bus *bus, const struct portal_response *resp, uint64_t deadline_ms) {
  uint64_t now = monotonic_ms();
  bool late = now >= deadline_ms;
  guint timer =
      late ? 0
           : g_timeout_add(deadline_ms - now < G_MAXUINT ? (guint)(deadline_ms - now) : G_MAXUINT,
                           on_deadline, &late);
  /* A closed connection wakes the loop too: GDBus emits "closed" there. */
  while (!resp->got && !late && !g_dbus_connection_is_closed(bus->conn))
    g_main_context_iteration(NULL, TRUE);
  if (!late)
    g_source_remove(timer);
  return resp->got ? 0 : late ? -ETIMEDOUT : -ECONNRESET;
}

void request_close(struct portal_bus *bus, const char *handle) {
  /* No callback: sent without expecting a reply. */
  g_dbus_connection_call(bus->conn, DESKTOP, handle, REQUEST, "Close", NULL, NULL,
                         G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}
