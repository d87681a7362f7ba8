#!/bin/bash
# Black-box tests of hsu-portal against the real portals (TAP): Debian's
# xdg-document-portal, xdg-desktop-portal and its GTK backend, D-Bus-activated
# on a private session bus with a private runtime directory, the document
# portal FUSE-mounted at $XDG_RUNTIME_DIR/doc. The GTK backend (it provides
# the AppChooser that xdg-desktop-portal 1.16 needs before it offers
# OpenURI) gets a display from Xvfb. URIs are opened in a test handler, a
# script that records its argument. The document portal and OpenURI are
# also asked through xdg-dbus-proxy, the session bus inside a sandbox. Run
# as an unprivileged user; as root,
# the script runs itself as $HSU_TEST_USER (default hsudev, created when
# missing). Something missing skips the tests, or fails them under
# HSU_REQUIRE_ALL=1. Exits non-zero when a test failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
portal=${1:-$(cd "$here/.." && pwd)/build/hsu-portal}
WAIT=${HSU_PORTAL_TEST_WAIT:-20} # seconds any single step may take

if [ "$(id -u)" = 0 ]; then
  user=${HSU_TEST_USER:-hsudev}
  id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
  copy=$(mktemp -d /tmp/hsu-portaltest.XXXXXX)
  cp "$0" "$here/tap.sh" "$portal" "$copy/"
  chmod -R a+rX "$copy"
  setpriv --reuid="$user" --regid="$user" --init-groups --reset-env -- env -i \
    HOME="$(getent passwd "$user" | cut -d: -f6)" PATH=/usr/bin:/bin \
    ${HSU_REQUIRE_ALL:+HSU_REQUIRE_ALL=$HSU_REQUIRE_ALL} bash "$copy/portal.sh" "$copy/hsu-portal"
  status=$?
  rm -rf "$copy"
  exit $status
fi

. "$here/tap.sh"
# run CMD...: rc, out, err of a command bounded by $WAIT.
run() {
  timeout "$WAIT" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  out=$(cat "$work/out") err=$(cat "$work/err")
}

missing=
[ -x "$portal" ] || missing="$missing $portal (make -C init-c build/hsu-portal)"
for tool in dbus-daemon fusermount3 gdbus Xvfb update-mime-database; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
for service in xdg-document-portal xdg-desktop-portal xdg-desktop-portal-gtk; do
  [ -x /usr/libexec/$service ] || missing="$missing /usr/libexec/$service"
done
[ -r /dev/fuse ] && [ -w /dev/fuse ] || missing="$missing read-write /dev/fuse"
if [ -n "$missing" ]; then
  skip "hsu-portal against the real portals" "missing:$missing"
  finish
fi

work=$(mktemp -d /tmp/hsu-portaltest.XXXXXX)
chmod 700 "$work"
bus_pid= x_pid= bare_pid= proxy_pid=
cleanup() {
  fusermount3 -u "$work/run/doc" 2>/dev/null
  local p
  for p in $proxy_pid $bus_pid $bare_pid $x_pid; do kill "$p" 2>/dev/null; done
  [ -z "$x_pid" ] || wait "$x_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The environment of the bus and so of every service it activates: all of the portals' state (the
# document and permission stores, the MIME and application databases) in $work.
unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY DISPLAY
export XDG_RUNTIME_DIR=$work/run XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config \
  XDG_CACHE_HOME=$work/cache XDG_CURRENT_DESKTOP=gnome GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
  GSETTINGS_BACKEND=memory
mkdir -m 0700 "$XDG_RUNTIME_DIR"
mkdir -p "$XDG_DATA_HOME/applications" "$XDG_DATA_HOME/mime/packages" "$XDG_CONFIG_HOME" \
  "$XDG_CACHE_HOME" "$work/host"

# The test handler: hsutest: URIs and *.hsutest files (a MIME type of our own), each of them with
# no other handler, which lets xdg-desktop-portal skip the app chooser; hsutest2: has two handlers,
# so it asks the chooser, which nobody answers.
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >>"%s/got"\n' "$work" >"$work/recorder"
chmod 755 "$work/recorder"
desktop() { # NAME MIME-TYPES
  printf '[Desktop Entry]\nType=Application\nName=%s\nExec=%s %%u\nMimeType=%s\n' \
    "$1" "$work/recorder" "$2" >"$XDG_DATA_HOME/applications/$1.desktop"
}
desktop hsu-test-handler 'x-scheme-handler/hsutest;application/x-hsu-test;x-scheme-handler/hsutest2;'
desktop hsu-test-other 'x-scheme-handler/hsutest2;'
cat >"$XDG_CONFIG_HOME/mimeapps.list" <<'EOF'
[Default Applications]
x-scheme-handler/hsutest=hsu-test-handler.desktop
application/x-hsu-test=hsu-test-handler.desktop
[Added Associations]
x-scheme-handler/hsutest=hsu-test-handler.desktop;
application/x-hsu-test=hsu-test-handler.desktop;
x-scheme-handler/hsutest2=hsu-test-handler.desktop;hsu-test-other.desktop;
EOF
cat >"$XDG_DATA_HOME/mime/packages/hsu-test.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-hsu-test">
    <comment>hsu-portal test file</comment>
    <glob pattern="*.hsutest"/>
  </mime-type>
</mime-info>
EOF
update-mime-database "$XDG_DATA_HOME/mime"

Xvfb -displayfd 5 -nolisten tcp -screen 0 640x480x24 5>"$work/display" 2>"$work/xvfb.log" &
x_pid=$!
wait_for test -s "$work/display"
export DISPLAY=:$(cat "$work/display")
dbus-daemon --session --fork --print-address=3 --print-pid=4 3>"$work/bus" 4>"$work/bus.pid"
bus_pid=$(cat "$work/bus.pid")
DBUS_SESSION_BUS_ADDRESS=$(cat "$work/bus")
export DBUS_SESSION_BUS_ADDRESS
docs=(--session -d org.freedesktop.portal.Documents -o /org/freedesktop/portal/documents
  -m org.freedesktop.portal.Documents)

# --- the document portal
run gdbus call "${docs[@]}.GetMountPoint"
check "GetMountPoint activates xdg-document-portal, mounted at \$XDG_RUNTIME_DIR/doc" \
  test "$out" = "(b'$XDG_RUNTIME_DIR/doc',)" -a "$(findmnt -n -o FSTYPE "$XDG_RUNTIME_DIR/doc")" = fuse.portal
by_app=$XDG_RUNTIME_DIR/doc/by-app
host=$work/host
printf 'read-only \0 bytes\n' >"$host/ro.pdf"
printf 'old' >"$host/rw.txt"
mkdir "$host/dir" && printf 'inner' >"$host/dir/inner.txt"
ln -s ro.pdf "$host/link-to-ro"

run "$portal" export org.example.A "$host/ro.pdf"
ro=$out
check "export prints DOC_ID/NAME" eval '[ "$rc" = 0 ] && [[ "$ro" =~ ^[0-9a-f]+/ro\.pdf$ ]] && [ -z "$err" ]'
check "the file appears with the same bytes below by-app/org.example.A/" \
  cmp -s "$host/ro.pdf" "$by_app/org.example.A/$ro"
check "and not below by-app/org.example.B/" test ! -e "$by_app/org.example.B/$ro"
check "a read-only export is not writable through the portal" \
  eval '! printf x 2>/dev/null >>"$by_app/org.example.A/$ro" && cmp -s "$host/ro.pdf" <(printf "read-only \0 bytes\n")'
run "$portal" export --writable org.example.A "$host/rw.txt"
rw=$out
check "export --writable: writable through the portal, the host file changes" \
  eval '[ "$rc" = 0 ] && printf new >"$by_app/org.example.A/$rw" && [ "$(cat "$host/rw.txt")" = new ]'
run "$portal" export org.example.A "$host/dir"
dir=$out
check "a directory export: DOC_ID/dir, its files below it" \
  eval '[ "$rc" = 0 ] && [[ "$dir" =~ ^[0-9a-f]+/dir$ ]] && cmp -s "$host/dir/inner.txt" "$by_app/org.example.A/$dir/inner.txt"'
check "and not below by-app/org.example.B/" test ! -e "$by_app/org.example.B/$dir"
run "$portal" export org.example.C "$host/dir" "$host/ro.pdf" "$host/link-to-ro"
mapfile -t lines <<<"$out"
check "files and directories mixed: one line per path, in order; a symlink named after its target" \
  eval '[ "$rc" = 0 ] && [ "${#lines[@]}" = 3 ] && [[ "${lines[0]}" = */dir ]] && [ "${lines[1]}" = "${lines[2]}" ] && [[ "${lines[1]}" = */ro.pdf ]] && cmp -s "$host/ro.pdf" "$by_app/org.example.C/${lines[2]}"'
run "$portal" export org.example.A "$host/ro.pdf" "$host/missing.pdf"
check "a missing path: exit 1, the sentence, nothing printed" eval '[ "$rc" = 1 ] && [ -z "$out" ] &&
  [ "$err" = "hsu-portal: cannot export \"$host/missing.pdf\" through the document portal: No such file or directory" ]'
for id in org..A OnlyOne .org.A org.A. org.ex-ample.A "$(printf 'a.%0255d' 0)" ''; do
  run "$portal" export "$id" "$host/ro.pdf"
  check "an invalid app id ${id:0:20}: exit 2 with a sentence" \
    eval '[ "$rc" = 2 ] && [[ "$err" = "hsu-portal: \"${id:0:10}"*" is not a valid application id"* ]]'
done
run "$portal" export org.example.app-b_1 "$host/ro.pdf"
check "a valid app id with '-' in its last element" test "$rc" = 0
run "$portal" export org.example.A
check "export without a path: usage, exit 2" test "$rc" = 2
run "$portal" export
check "export without anything: usage, exit 2" test "$rc" = 2

printf 'added' >"$host/added.txt"
run "$portal" add "$host/added.txt"
added=$out
check "add prints a doc id" eval '[ "$rc" = 0 ] && [[ "$added" =~ ^[0-9a-f]+$ ]]'
run gdbus call "${docs[@]}.Lookup" "b'$host/added.txt'"
check "Documents.Lookup knows it" test "$out" = "('$added',)"
run gdbus call "${docs[@]}.Info" "$added"
check "Documents.Info gives its host path" eval '[[ "$out" = "(b'"'"'$host/added.txt'"'"', "* ]]'
run "$portal" add "$host/missing.txt"
check "add of a missing file: exit 1 and the sentence" eval '[ "$rc" = 1 ] &&
  [ "$err" = "hsu-portal: cannot add \"$host/missing.txt\" to the document portal: No such file or directory" ]'

# --- OpenURI
got() { [ -f "$work/got" ] && [ "$(cat "$work/got")" = "$1" ] || { out=$(cat "$work/got" 2>/dev/null); false; }; }
url='hsutest://x/y?z=1'
run "$portal" open "$url"
check "open $url: exit 0" eval '[ "$rc" = 0 ] && [ -z "$err$out" ]'
check "the handler got exactly that URL" wait_for got "$url"
rm -f "$work/got"
ln -s "$portal" "$work/xdg-open"
url2='HSUTEST:second?a=b&c=%20d#frag'
run "$work/xdg-open" "$url2"
check "as xdg-open (argv[0]): exit 0, the handler got $url2" eval '[ "$rc" = 0 ] && wait_for got "$url2"'
rm -f "$work/got"
printf 'x' >"$host/a file.hsutest"
run "$work/xdg-open" "file://$host/a%20file.hsutest"
# GIO hands a local file to an Exec=... %u handler as a path.
check "xdg-open file://...%20... (OpenFile): exit 0, the handler got the file" \
  eval '[ "$rc" = 0 ] && wait_for got "$host/a file.hsutest"'
rm -f "$work/got"
cd "$host" || exit 1
run "$work/xdg-open" "a file.hsutest"
cd "$OLDPWD" || exit 1
check "xdg-open of a relative path (OpenFile): exit 0, the handler got the file" \
  eval '[ "$rc" = 0 ] && wait_for got "$host/a file.hsutest"'
run "$work/xdg-open" "$host/missing.hsutest"
check "xdg-open of a missing file: exit 2 and the sentence" eval '[ "$rc" = 2 ] &&
  [ "$err" = "xdg-open: cannot open \"$host/missing.hsutest\": No such file or directory" ]'
run "$work/xdg-open" "file:///nonexistent/x%2Fy"
check "xdg-open of a missing file: URI: exit 2" test "$rc" = 2
run "$work/xdg-open" "file://elsewhere/x"
check "xdg-open of a remote file: URI: exit 1" test "$rc" = 1
run env HSU_PORTAL_TIMEOUT_MS=1500 "$portal" open hsutest2://chooser
check "no answer (an app chooser nobody answers) within HSU_PORTAL_TIMEOUT_MS: exit 4 and the sentence" \
  eval '[ "$rc" = 4 ] && [ "$err" = "hsu-portal: cannot open \"hsutest2://chooser\": the desktop portal did not answer within 1500 ms" ]'
run "$work/xdg-open" --help
check "xdg-open --help: exit 0, usage on stdout" eval '[ "$rc" = 0 ] && [[ "$out" = "usage: xdg-open"* ]]'
run "$work/xdg-open" --version
check "xdg-open --version: exit 0" eval '[ "$rc" = 0 ] && [ -n "$out" ]'
run "$work/xdg-open"
check "xdg-open without an argument: exit 1" test "$rc" = 1
run "$work/xdg-open" a b
check "xdg-open with two arguments: exit 1" test "$rc" = 1
run "$work/xdg-open" --bogus
check "xdg-open --bogus: exit 1" test "$rc" = 1
run "$portal" --help
check "hsu-portal --help: exit 0" eval '[ "$rc" = 0 ] && [[ "$out" = "usage: hsu-portal export"* ]]'
run "$portal" frobnicate
check "an unknown mode: exit 2" test "$rc" = 2

# --- through xdg-dbus-proxy, the session bus inside a sandbox (Debian 12's 0.1.4 cannot take a
# pipelined SASL handshake, as sd-bus sends it; fixed in 0.1.6)
if command -v xdg-dbus-proxy >/dev/null; then
  xdg-dbus-proxy "$DBUS_SESSION_BUS_ADDRESS" "$work/proxy.sock" --filter \
    --talk=org.freedesktop.portal.Desktop --talk=org.freedesktop.portal.Documents \
    2>"$work/proxy.log" &
  proxy_pid=$!
  wait_for test -S "$work/proxy.sock"
  proxied=unix:path=$work/proxy.sock
  printf 'proxied' >"$host/proxied.txt"
  run env DBUS_SESSION_BUS_ADDRESS="$proxied" "$portal" add "$host/proxied.txt"
  check "add through xdg-dbus-proxy $(xdg-dbus-proxy --version | tr -dc 0-9.): a doc id" \
    eval '[ "$rc" = 0 ] && [[ "$out" =~ ^[0-9a-f]+$ ]] && [ -z "$err" ]'
  rm -f "$work/got"
  url3='hsutest://proxied/path'
  run env DBUS_SESSION_BUS_ADDRESS="$proxied" "$portal" open "$url3"
  check "open through xdg-dbus-proxy: exit 0, the handler got $url3" \
    eval '[ "$rc" = 0 ] && [ -z "$err$out" ] && wait_for got "$url3"'
  kill "$proxy_pid" 2>/dev/null
  wait "$proxy_pid" 2>/dev/null
  proxy_pid=
else
  skip "hsu-portal through xdg-dbus-proxy" "missing: xdg-dbus-proxy"
fi

# --- without portals: a bus that activates nothing, and no bus at all
cat >"$work/bare.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/bare-bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$work/bare.conf" --fork --print-pid=4 4>"$work/bare.pid"
bare_pid=$(cat "$work/bare.pid")
bare=unix:path=$work/bare-bus
run env DBUS_SESSION_BUS_ADDRESS="$bare" "$portal" open "$url"
check "open on a bus without portals: exit 3, the sentence" eval '[ "$rc" = 3 ] &&
  [ "$err" = "hsu-portal: cannot open \"$url\": no xdg-desktop-portal is running on the session bus" ]'
run env DBUS_SESSION_BUS_ADDRESS="$bare" "$work/xdg-open" "$host/ro.pdf"
check "xdg-open of a file there: exit 3" eval '[ "$rc" = 3 ] && [[ "$err" = "xdg-open: "*"no xdg-desktop-portal is running"* ]]'
run env DBUS_SESSION_BUS_ADDRESS="$bare" "$portal" export org.example.A "$host/ro.pdf"
check "export there: exit 1, the sentence names the path and the bus's error" eval '[ "$rc" = 1 ] &&
  [[ "$err" = "hsu-portal: cannot export \"$host/ro.pdf\" through the document portal: "*org.freedesktop.portal.Documents* ]]'
run env DBUS_SESSION_BUS_ADDRESS="unix:path=$work/no-bus" "$portal" open "$url"
check "open with no bus at all: exit 3, the sentence" eval '[ "$rc" = 3 ] &&
  [[ "$err" = "hsu-portal: cannot open \"$url\": cannot connect to the session bus: "* ]]'

# --- nothing left behind: the services exit with their bus, the mount goes
pids=
for name in org.freedesktop.portal.Documents org.freedesktop.portal.Desktop \
  org.freedesktop.impl.portal.desktop.gtk org.freedesktop.impl.portal.PermissionStore; do
  p=$(gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
    -m org.freedesktop.DBus.GetConnectionUnixProcessID "$name" 2>/dev/null | tr -dc 0-9)
  pids="$pids $p"
done
fusermount3 -u "$XDG_RUNTIME_DIR/doc"
kill "$bus_pid" "$bare_pid"
gone() { # PID...: each has exited (or is a zombie its parent has not reaped yet)
  local p
  for p in "$@"; do
    [ -z "$p" ] || ! ps -o stat= -p "$p" | grep -qv Z || return 1
  done
}
check "the services ran (pids:$pids)" test "$(echo $pids | wc -w)" = 4
check "they exit with their bus, and \$XDG_RUNTIME_DIR/doc is unmounted" \
  eval 'wait_for gone $bus_pid $bare_pid $pids && ! findmnt "$XDG_RUNTIME_DIR/doc" >/dev/null'
for p in $pids; do kill "$p" 2>/dev/null; done
bus_pid= bare_pid=
finish
