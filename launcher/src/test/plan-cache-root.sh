#!/bin/bash
# The plan cache against files of another user (TAP), which only root can make: an entry or a
# plans/ directory that is not the user's is never trusted (a miss: the JVM compiles, the launch
# gives the right result), a foreign entry is replaced by one of the user's, and nothing is written
# into a foreign plans/. Run as root in a checkout USER has built: plan-cache-root.sh USER (.ci/run
# runs it after USER's suite). Without root it skips, and fails under HSU_REQUIRE_ALL=1.
set -u
cd "$(dirname "$0")/../../.."
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
user=${1:-${HSU_TEST_USER:-hsudev}}
if [ "$(id -u)" != 0 ] || ! id "$user" >/dev/null 2>&1; then
  why="root and the user $user (a foreign owner takes root to make)"
  if [ -n "${HSU_REQUIRE_ALL:-}" ]; then ok 1 "the plan cache against foreign files (needed: $why)"; else echo "ok 1 - the plan cache against foreign files # SKIP $why"; n=1; fi
  echo "1..$n"
  [ "$failed" = 0 ]
  exit
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
mkdir -m 0700 "$work/run" "$work/cache"
chown "$user:" "$work/run" "$work/cache"
home=$(getent passwd "$user" | cut -d: -f6)
as_user() { # COMMAND...: as USER, with the test's runtime and cache dirs
  runuser -u "$user" -- env -i HOME="$home" USER="$user" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    XDG_RUNTIME_DIR="$work/run" XDG_CACHE_HOME="$work/cache" "$@"
}
printf 'id: dev.hsu.test.Foreign\ncommand: [/bin/echo, foreign]\n' >"$work/p.yaml"
chmod 0644 "$work/p.yaml"
plans=$work/cache/hsu/plans
out=$(as_user ./hsu launch "$work/p.yaml" 2>&1)
entry=$(find "$plans" -type f 2>/dev/null)
[ "$out" = foreign ] && [ -n "$entry" ] && [ "$(stat -c %U "$entry")" = "$user" ]
ok $? "the first launch works and leaves the user's entry ($out)"
# Readable, so that the front reads it and refuses it for its owner (and mode), not for EACCES.
chown root: "$entry"
chmod 0644 "$entry"
out=$(as_user env HSU_DEBUG=1 ./hsu launch "$work/p.yaml" 2>&1)
printf '%s\n' "$out" | grep -q '^hsu: debug: plan cache miss: .* is not a private regular file of yours' \
  && [ "$(printf '%s\n' "$out" | tail -1)" = foreign ]
ok $? "an entry root owns is a miss, and the launch gives the right result ($(printf '%s' "$out" | tr '\n' '|'))"
[ "$(stat -c '%U %a' "$entry")" = "$user 600" ] && [ "$(as_user env HSU_JAVA=/nonexistent/java ./hsu launch "$work/p.yaml" 2>&1)" = foreign ]
ok $? "and it is replaced by an entry of the user's, 0600, which hits ($(stat -c '%U %a' "$entry"))"
rm -rf "$plans"
install -d -m 0700 -o root -g root "$plans"
out=$(as_user env HSU_DEBUG=1 ./hsu launch "$work/p.yaml" 2>&1)
printf '%s\n' "$out" | grep -q '^hsu: debug: plan cache miss' && [ "$(printf '%s\n' "$out" | tail -1)" = foreign ] \
  && [ -z "$(find "$plans" -type f)" ]
ok $? "a plans/ directory root owns is a miss, the launch works, and nothing is written there ($(printf '%s' "$out" | tr '\n' '|'))"
out=$(as_user env HSU_JAVA=/nonexistent/java ./hsu launch "$work/p.yaml" 2>&1)
case $out in *"cannot run Java"*) ok 0 "so the next launch misses again";; *) ok 1 "so the next launch misses again ($out)";; esac
echo "1..$n"
[ "$failed" = 0 ]
