/* Whether the desktop portals answer on the session bus (docs/portals.md),
 * for hsu launch's notice and hsu doctor. */
#pragma once

#include <stddef.h>

/* Asks the document portal for its mount point, which D-Bus-activates it
 * (as Flatpak does before it starts an app: the app's document view must
 * exist when hsu-init binds it), and whether xdg-desktop-portal is running
 * or activatable. 0 when both are there; -1 with a sentence in msg that
 * says what is missing and what the app will lack. */
int portal_check(const char *address, char *msg, size_t size);
