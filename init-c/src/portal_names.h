/* The names hsu-portal checks before it asks a portal: application ids and
 * URIs. Pure functions, unit-tested (tests/test_portal_names.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* xdg-desktop-portal's xdp_is_valid_app_id: 1-255 bytes, at least two
 * non-empty elements of [A-Za-z0-9_] separated by dots, '-' only in the
 * last. */
bool valid_app_id(const char *s);
/* The length of the scheme of a URI (RFC 3986: ALPHA *( ALPHA / DIGIT /
 * "+" / "-" / "." ) ":"); 0 when s has none (a path). */
size_t uri_scheme_len(const char *s);
/* The local path of a file: URI ("file:///p", "file://localhost/p",
 * "file:/p"), percent-decoded into out; false when it names no local path,
 * is malformed (a bad or NUL escape), or does not fit. */
bool file_uri_path(const char *uri, char *out, size_t size);
