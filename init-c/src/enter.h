/* hsu-init --enter: a new process in a running sandbox, with the app's
 * confinement (docs/instances.md). */
#pragma once

/* argv: hsu-init --enter DIR INIT_PID INIT_START [-- CMD [ARGS...]].
 * Exits with the command's status (128+N when killed by signal N), 125
 * when it cannot enter, 126 / 127 when the command cannot be executed or
 * is not found. */
_Noreturn void enter_main(int argc, char **argv);
