/* The Flatpak instance metadata xdg-desktop-portal reads (docs/portals.md):
 * with the portals grant, the supervisor keeps ${XDG_RUNTIME_DIR}/.flatpak/ID/
 * while the sandbox runs, as Flatpak does for its apps: "info" (the same
 * metadata the sandbox has at /.flatpak-info), "bwrapinfo.json" (the host
 * pid of the sandbox's PID 1 and its namespaces, which the portals map pids
 * with), "pid" (the supervisor) and ".ref", which stays read-locked while
 * the instance lives so that Flatpak's own cleanup leaves it alone. Each
 * write also removes the entries of hsu's instances whose supervisor was
 * killed (an unlocked .ref), as Flatpak's cleanup does with its own. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "plan.h"

/* The metadata of p's instance, whose PID 1 is child; a failure is a
 * warning (the portals then take the app for a stranger and refuse it). */
void flatpak_instance_write(const struct plan *p, pid_t child);

/* Removes what flatpak_instance_write made; a no-op when it made nothing. */
void flatpak_instance_remove(void);
