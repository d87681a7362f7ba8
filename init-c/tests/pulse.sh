#!/bin/bash
# Black-box tests of hsu-pulse-filter against real sound servers: PulseAudio
# and pipewire-pulse, each started here with a private runtime directory.
# Real clients (pactl, paplay, parecord) go through the filter with a wrong
# cookie; every attack is also run straight against the server (with the
# real cookie) to prove that it works there. Run as an unprivileged user; as
# root, the servers and clients run as $HSU_TEST_USER (default hsudev,
# created when missing). TAP output; exits non-zero when a test failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
filter=$(cd "$here/.." && pwd)/build/hsu-pulse-filter
helper=$here/pulse_client.py
if [ "$(id -u)" = 0 ]; then
  user=${HSU_TEST_USER:-hsudev}
  id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
else
  user=$(id -un)
fi
home=$(getent passwd "$user" | cut -d: -f6)
WAIT=${HSU_PTEST_WAIT:-10} # seconds any single step may take

work=$(mktemp -d /tmp/hsu-ptest.XXXXXX)
chmod 755 "$work"
cp "$filter" "$helper" "$work/"
filter=$work/hsu-pulse-filter helper=$work/pulse_client.py
[ "$(id -u)" = 0 ] && chown "$user" "$work"
pids=()

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$here/tap.sh"

# as_user ENV... CMD...: runs as the test user with a clean environment.
as_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid="$user" --regid="$user" --clear-groups --reset-env -- env -i HOME="$home" PATH=/usr/bin:/bin "$@"
  else
    env -i HOME="$home" PATH=/usr/bin:/bin "$@"
  fi
}
# bg LOG ENV... CMD...: as_user in the background; $! is the command itself.
bg() {
  local log=$1; shift
  if [ "$(id -u)" = 0 ]; then
    (exec setpriv --reuid="$user" --regid="$user" --clear-groups --reset-env -- env -i HOME="$home" PATH=/usr/bin:/bin "$@" >"$log" 2>&1 </dev/null) &
  else
    (exec env -i HOME="$home" PATH=/usr/bin:/bin "$@" >"$log" 2>&1 </dev/null) &
  fi
  pids+=($!)
}
gone() { ! kill -0 "$1" 2>/dev/null; }
# run CMD...: stdout+stderr in $out, status in $rc, bounded by $WAIT.
run() { out=$("$@" 2>&1); rc=$?; }
denied() { [ "$rc" != 0 ] && [[ $out == *"Access denied"* ]]; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { python3 -c 'import socket, sys; s = socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))' "$1"; }

# A 16-bit 48 kHz stereo tone of $2 seconds in $1, without sox.
make_wav() {
  python3 - "$1" "$2" <<'PY'
import math, struct, sys
rate, secs = 48000, float(sys.argv[2])
one = [int(6000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(rate)]
frames = bytearray()
for i in range(int(rate * secs)):
    frames += struct.pack("<hh", one[i % rate], one[i % rate])
hdr = b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVEfmt " + \
      struct.pack("<IHHIIHH", 16, 1, 2, rate, rate * 4, 4, 16) + b"data" + struct.pack("<I", len(frames))
open(sys.argv[1], "wb").write(hdr + frames)
PY
  chmod 644 "$1"
}

missing=
for tool in pactl paplay parecord python3 cc; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  skip "hsu-pulse-filter tests" "needs$missing (pulseaudio-utils, python3, gcc)"
  echo "1..$n"; [ "$failed" = 0 ]; exit
fi
make_wav "$work/tone.wav" 3
make_wav "$work/long.wav" 6
# Another app's stream must still play when the steps under load reach the move (killed after).
make_wav "$work/other.wav" 30
head -c 256 /dev/urandom >"$work/wrong-cookie"
chmod 644 "$work/wrong-cookie"

# The ladspa "plugin": its constructor leaves a marker, so loading it at all
# is running the attacker's code in the sound server.
cat >"$work/evil.c" <<'C'
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void evil(void) {
  int fd = open(MARKER, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0)
    close(fd);
}
C

# Per server: $sdir (its files), $upstream (its socket), $server_pid, and
# direct_env (a client's environment straight to it, with the real cookie).
new_server_dir() {
  sdir=$work/$1
  mkdir -p "$sdir/rt" "$sdir/home" "$sdir/crt" "$sdir/chome"
  chmod 755 "$sdir"
  chmod 700 "$sdir/rt" "$sdir/crt"
  [ "$(id -u)" = 0 ] && chown -R "$user" "$sdir"
}

start_pulseaudio() {
  new_server_dir pa
  head -c 256 /dev/urandom >"$sdir/cookie"
  chmod 600 "$sdir/cookie"
  [ "$(id -u)" = 0 ] && chown "$user" "$sdir/cookie"
  upstream=$sdir/rt/native
  bg "$sdir/server.log" XDG_RUNTIME_DIR="$sdir/rt" HOME="$sdir/home" \
    pulseaudio --daemonize=no -n --exit-idle-time=-1 --use-pid-file=no --disallow-exit=no \
    --disallow-module-loading=no --realtime=no --high-priority=no --log-target=stderr \
    -L "module-native-protocol-unix socket=$upstream auth-cookie-enabled=1 auth-cookie=$sdir/cookie" \
    -L "module-null-sink sink_name=hsutest"
  server_pid=$!
  direct_env=(XDG_RUNTIME_DIR="$sdir/rt" HOME="$sdir/home" PULSE_SERVER="unix:$upstream" PULSE_COOKIE="$sdir/cookie")
  filter_args=(--cookie "$sdir/cookie")
  if ! wait_for test -S "$upstream"; then
    out=$(cat "$sdir/server.log"); not_ok "PulseAudio starts"; return 1
  fi
  ok "PulseAudio $(pulseaudio --version | cut -d' ' -f2) starts with a cookie and a null sink"
}

start_pipewire() {
  new_server_dir pw
  local rt=$sdir/rt
  local common=(XDG_RUNTIME_DIR="$rt" HOME="$sdir/home" DBUS_SESSION_BUS_ADDRESS="unix:path=$rt/bus")
  # wireplumber, which links streams to sinks, wants a session bus.
  bg "$sdir/dbus.log" "${common[@]}" dbus-daemon --session --address="unix:path=$rt/bus" --nofork --nopidfile
  wait_for test -S "$rt/bus"
  bg "$sdir/pipewire.log" "${common[@]}" pipewire
  wait_for test -S "$rt/pipewire-0"
  bg "$sdir/wireplumber.log" "${common[@]}" wireplumber
  bg "$sdir/server.log" "${common[@]}" pipewire-pulse
  server_pid=$!
  upstream=$rt/pulse/native
  direct_env=("${common[@]}" PULSE_SERVER="unix:$upstream")
  filter_args=()
  if ! wait_for test -S "$upstream" || ! wait_for D pactl info >/dev/null 2>&1; then
    out=$(cat "$sdir"/*.log); not_ok "pipewire-pulse starts"; return 1
  fi
  run D pactl load-module module-null-sink sink_name=hsutest
  wait_for sink_index hsutest >/dev/null && run D pactl set-default-sink hsutest
  expect "pipewire $(pipewire --version | sed -n 's/.*libpipewire \([0-9.]*\).*/\1/p' | head -1) with pipewire-pulse and wireplumber starts, a null sink made default" \
    '[ "$(D pactl get-default-sink 2>/dev/null)" = hsutest ]'
}

# D: a client straight to the server; F: through the filter socket $fsock,
# with a wrong cookie, in a runtime dir and home of its own.
D() { as_user "${direct_env[@]}" timeout "$WAIT" "$@"; }
F() { Fs "$fsock" "$@"; }
Fs() {
  local sock=$1; shift
  as_user XDG_RUNTIME_DIR="$sdir/crt" HOME="$sdir/chome" PULSE_SERVER="unix:$sock" \
    PULSE_COOKIE="$work/wrong-cookie" timeout "$WAIT" "$@"
}
expect() { # expect NAME SHELL-CONDITION
  if eval "$2"; then ok "$1"; else not_ok "$1"; fi
}
# start_filter NAME ARGS...: a filter on $sdir/NAME.sock; sets fsock, filter_pid.
start_filter() {
  local name=$1; shift
  fsock=$sdir/$name.sock
  bg "$sdir/$name.log" "$filter" --upstream "$upstream" --listen "$fsock" "${filter_args[@]}" "$@"
  filter_pid=$!
  wait_for test -S "$fsock"
}
sink_index() { D pactl list sinks short 2>/dev/null | awk -v n="$1" '$2 == n { print $1; f = 1 } END { exit !f }'; }
# The sink inputs on sink $1 (index), as "index client" lines.
has_input() { inputs_on "$1" | grep -q .; }
inputs_on() { D pactl list sink-inputs short 2>/dev/null | awk -v s="$1" '$2 == s { print $1 }'; }
module_loaded() { D pactl list modules short 2>/dev/null | awk -v i="$1" '$1 == i { f = 1 } END { exit !f }'; }
# The Mute: line of sink input $1: yes or no.
input_mute() { D pactl list sink-inputs 2>/dev/null | awk -v id="Sink Input #$1" '$0 == id { f = 1 } f && $1 == "Mute:" { print $2; exit }'; }
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

suite_play() {
  local S=$1 sink
  run F pactl info
  expect "$S: pactl info through the filter" '[ $rc = 0 ] && [[ $out == *"Server Name"* ]]'
  run F pactl list sinks short
  expect "$S: pactl list sinks short through the filter" '[ $rc = 0 ] && [[ $out == *hsutest* ]]'
  sink=$(sink_index hsutest)
  F paplay "$work/tone.wav" >"$sdir/paplay.out" 2>&1 &
  local player=$!
  expect "$S: while paplay plays through the filter, its sink input is on the null sink" \
    'wait_for has_input "$sink"'
  expect "$S: ... and it is paplay's (its client properties passed through)" \
    'D pactl list sink-inputs | grep -q "application.name = \"paplay\""'
  wait "$player"; rc=$? out=$(cat "$sdir/paplay.out")
  expect "$S: paplay through the filter succeeds" '[ $rc = 0 ]'
}

suite_modules() {
  local S=$1 port idx
  cc -shared -fPIC -DMARKER="\"$sdir/ladspa-marker\"" -o "$sdir/evil.so" "$work/evil.c"
  chmod 755 "$sdir/evil.so"
  run F pactl load-module module-ladspa-sink sink_name=hsuladspa plugin="$sdir/evil.so" label=x
  expect "$S: load-module module-ladspa-sink plugin=evil.so through the filter: access denied" denied
  expect "$S: ... and the plugin's code did not run" '[ ! -e "$sdir/ladspa-marker" ]'
  run D pactl load-module module-ladspa-sink sink_name=hsuladspa plugin="$sdir/evil.so" label=x
  expect "$S: control: straight to the server, the plugin's constructor runs in the server" \
    'wait_for test -e "$sdir/ladspa-marker"'

  port=$(free_port)
  run F pactl load-module module-native-protocol-tcp port="$port" listen=127.0.0.1
  expect "$S: load-module module-native-protocol-tcp through the filter: access denied" denied
  sleep 0.3
  expect "$S: ... and nothing listens on port $port" '! listening "$port"'
  run D pactl load-module module-native-protocol-tcp port="$port" listen=127.0.0.1
  expect "$S: control: straight to the server, a TCP listener opens on port $port" 'wait_for listening "$port"'

  run F pactl load-module module-pipe-sink file="$sdir/fifo" sink_name=hsupipe
  expect "$S: load-module module-pipe-sink file=... through the filter: access denied" denied
  expect "$S: ... and no FIFO was made" '[ ! -e "$sdir/fifo" ]'
  run D pactl load-module module-pipe-sink file="$sdir/fifo" sink_name=hsupipe
  idx=$out
  expect "$S: control: straight to the server, the FIFO is made" 'wait_for test -p "$sdir/fifo"'

  run F pactl unload-module "$idx"
  expect "$S: unload-module through the filter: access denied" denied
  expect "$S: ... and the module is still loaded" 'module_loaded "$idx"'
  run D pactl unload-module "$idx"
  expect "$S: control: straight to the server, the module is unloaded" 'wait_for eval "! module_loaded $idx"'
}

suite_admin() {
  local S=$1
  run D pactl load-module module-null-sink sink_name=hsuother
  wait_for sink_index hsuother >/dev/null
  run F pactl set-default-sink hsuother
  expect "$S: set-default-sink through the filter: access denied" denied
  expect "$S: ... and the default sink is unchanged" '[ "$(D pactl get-default-sink)" = hsutest ]'
  run D pactl set-default-sink hsuother
  expect "$S: control: straight to the server, the default sink changes" \
    'wait_for eval "[ \"\$(D pactl get-default-sink)\" = hsuother ]"'
  D pactl set-default-sink hsutest >/dev/null 2>&1
  wait_for eval '[ "$(D pactl get-default-sink)" = hsutest ]'

  run F pactl list clients
  expect "$S: list clients (other apps' command lines) through the filter: access denied" denied
  run D pactl list clients
  expect "$S: control: straight to the server, the clients are listed" '[ $rc = 0 ] && [[ $out == *"Client #"* ]]'

  # Another app's stream, played straight to the server. Its own name: the
  # move below is remembered per application (pipewire's stream restore).
  D paplay --client-name=hsu-other-app "$work/other.wav" >/dev/null 2>&1 &
  local other=$! sink si
  sink=$(sink_index hsutest)
  wait_for has_input "$sink"
  si=$(inputs_on "$sink" | head -1)
  run F pactl list sink-inputs
  expect "$S: list sink-inputs (other apps' streams) through the filter: access denied" denied
  run F pactl set-sink-input-mute "$si" 1
  expect "$S: set-sink-input-mute of another app's stream through the filter: access denied" denied
  expect "$S: ... and it is not muted" '[ "$(input_mute "$si")" = no ]'
  run D pactl set-sink-input-mute "$si" 1
  expect "$S: control: straight to the server, it is muted" 'wait_for eval "[ \"\$(input_mute $si)\" = yes ]"'
  run F pactl move-sink-input "$si" hsuother
  expect "$S: move-sink-input of another app's stream through the filter: access denied" denied
  expect "$S: ... and it stays on its sink" 'inputs_on "$sink" | grep -qx "$si"'
  run D pactl move-sink-input "$si" hsuother
  # pipewire-pulse may give a moved stream a new index: any stream on the
  # other sink (nothing else plays there) is the moved one. With PipeWire the
  # session manager (wireplumber) relinks it, which a loaded machine can
  # delay past the wait: then the move is asked once more, of what plays on
  # the first sink (an index pipewire-pulse may have changed meanwhile).
  moved() { inputs_on "$(sink_index hsuother)" | grep -q .; }
  if ! wait_for moved; then
    si=$(inputs_on "$sink" | head -1)
    [ -n "$si" ] && run D pactl move-sink-input "$si" hsuother
  fi
  expect "$S: control: straight to the server, it moves" \
    'wait_for moved || { out="$out | streams: $(D pactl list sink-inputs short 2>&1 | tr "\n" ";") | $(tail -3 "$sdir/wireplumber.log" 2>/dev/null | tr "\n" ";")"; false; }'
  kill "$other" 2>/dev/null
  wait "$other" 2>/dev/null

  run F pactl set-sink-volume hsutest 10%
  expect "$S: set-sink-volume through the filter: access denied" denied
  expect "$S: ... and the volume is unchanged" '[[ $(D pactl get-sink-volume hsutest) == *" 100% "* ]]'
  run D pactl set-sink-volume hsutest 10%
  expect "$S: control: straight to the server, the volume changes" \
    'wait_for eval "[[ \$(D pactl get-sink-volume hsutest) == *\" 10% \"* ]]"'
  D pactl set-sink-volume hsutest 100% >/dev/null 2>&1
  run F pactl suspend-sink hsuother 1
  expect "$S: suspend-sink through the filter: access denied" denied
  run D pactl suspend-sink hsuother 1
  expect "$S: control: straight to the server, suspend-sink works" '[ $rc = 0 ]'

  run F pactl upload-sample "$work/tone.wav" hsusample
  expect "$S: upload-sample through the filter: access denied" denied
  run D pactl upload-sample "$work/tone.wav" hsusample
  expect "$S: control: straight to the server, the sample is uploaded" '[ $rc = 0 ]'
  run F pactl play-sample hsusample hsutest
  expect "$S: play-sample of a cached sample through the filter is allowed" '[ $rc = 0 ]'
}

suite_record() {
  local S=$1 plain=$fsock
  run F timeout 3 parecord -d hsutest.monitor "$sdir/rec-filtered.wav"
  expect "$S: parecord of the sink monitor through the filter: access denied" denied
  expect "$S: ... and nothing was recorded" '[ "$(file_size "$sdir/rec-filtered.wav")" -le 44 ]'
  start_filter record --record
  run F timeout 3 parecord -d hsutest.monitor "$sdir/rec-allowed.wav"
  expect "$S: with --record, parecord through that filter records" \
    '[ $rc = 124 ] && [ "$(file_size "$sdir/rec-allowed.wav")" -gt 4096 ]'
  run D timeout 3 parecord -d hsutest.monitor "$sdir/rec-direct.wav"
  expect "$S: control: straight to the server, parecord records" \
    '[ "$(file_size "$sdir/rec-direct.wav")" -gt 4096 ]'
  fsock=$plain
}

suite_exit() {
  local S=$1
  run F pactl exit
  expect "$S: exit through the filter: access denied" denied
  sleep 0.3
  expect "$S: ... and the server still runs" 'kill -0 "$server_pid" && D pactl info >/dev/null 2>&1'
  run D pactl exit
  if [ "$S" = pipewire ]; then
    # pipewire-pulse refuses EXIT on its own: there is no attack to stop.
    expect "$S: control: pipewire-pulse itself refuses exit (access denied, still running)" \
      'denied && kill -0 "$server_pid"'
  else
    expect "$S: control: straight to the server, exit stops it" '[ $rc = 0 ] && wait_for gone "$server_pid"'
  fi
}

suite() {
  local S=$1
  if ! start_filter main; then
    out=$(cat "$sdir/main.log"); not_ok "$S: the filter listens"; return
  fi
  suite_play "$S"
  suite_modules "$S"
  suite_admin "$S"
  suite_record "$S"
  suite_robust "$S"
  [ "$S" = pulseaudio ] && suite_cookie
  suite_exit "$S"
}

suite_robust() {
  local S=$1 sink t player
  sink=$(sink_index hsutest)
  F paplay "$work/long.wav" >"$sdir/paplay-long.out" 2>&1 &
  player=$!
  wait_for has_input "$sink"
  for t in garbage huge shm notag passfd; do
    run as_user timeout "$WAIT" python3 "$helper" "$t" "$fsock"
    case $t in
      garbage) expect "$S: a client sending garbage is dropped" '[ $rc = 0 ]' ;;
      huge) expect "$S: a client sending a 2 GiB frame is dropped" '[ $rc = 0 ]' ;;
      shm) expect "$S: a client sending a shared-memory memblock is dropped" '[ $rc = 0 ]' ;;
      notag) expect "$S: a client sending a packet without a tag is dropped" '[ $rc = 0 ]' ;;
      passfd) expect "$S: a file descriptor passed to the filter is closed at once" '[ $rc = 0 ]' ;;
    esac
  done
  expect "$S: ... meanwhile the other client still plays" 'has_input "$sink" && kill -0 "$player"'
  wait "$player"; rc=$? out=$(cat "$sdir/paplay-long.out")
  expect "$S: ... and its paplay finishes successfully" '[ $rc = 0 ]'
  out=$(cat "$sdir/main.log")
  expect "$S: the filter said why it dropped them" \
    '[[ $out == *"dropped a client: it sent a shared-memory frame"* ]] && [[ $out == *"dropped a client: it sent an oversized control packet"* ]]'
  run as_user timeout "$WAIT" python3 "$helper" flood "$fsock" 70 64
  expect "$S: of 70 concurrent clients, 64 are served and 6 closed at once" '[ $rc = 0 ]'
  run F pactl info
  expect "$S: the filter still serves afterwards" '[ $rc = 0 ]'
}

# The filter as another uid than the server (root here): the server no
# longer trusts its credentials, so only the cookie given with --cookie can
# get it in; the client's own cookie is wrong.
suite_cookie() {
  if [ "$(id -u)" != 0 ]; then
    # Not a missing tool: the fake-server test below checks the cookie too.
    n=$((n + 1)); echo "ok $n - pulseaudio: --cookie authenticates a filter of another uid # SKIP needs root"
    return
  fi
  local sock=$work/root-filter.sock nock=$work/root-nocookie.sock p q
  (umask 0; exec "$filter" --upstream "$upstream" --listen "$sock" --cookie "$sdir/cookie" 2>"$work/root-filter.log") &
  p=$!; pids+=("$p")
  (umask 0; exec "$filter" --upstream "$upstream" --listen "$nock" 2>"$work/root-nocookie.log") &
  q=$!; pids+=("$q")
  wait_for test -S "$sock" && wait_for test -S "$nock"
  run Fs "$sock" pactl info
  expect "pulseaudio: a filter of another uid gets in with --cookie (the client's wrong cookie replaced)" '[ $rc = 0 ]'
  run Fs "$nock" pactl info
  expect "pulseaudio: ... and without --cookie it does not" 'denied'
  kill "$p" "$q"
}

# The command line and the process contract, against a socket that need not answer.
contract() {
  local d=$work/contract sock rc2
  mkdir -p "$d" && chmod 777 "$d"
  run as_user "$filter" --upstream "$d/none" --listen "$work"
  expect "an existing --listen path: exit 1 and one sentence" \
    "[ \$rc = 1 ] && [ \"\$out\" = 'hsu-pulse-filter: cannot listen on \"$work\": Address already in use' ]"
  run as_user "$filter" --listen "$d/x"
  expect "no --upstream: usage error, exit 2" '[ $rc = 2 ] && [[ $out == "hsu-pulse-filter: missing --upstream"* ]]'
  run as_user "$filter" --upstream "$d/none" --listen "$d/x" --cookie "$work/tone.wav"
  expect "a cookie that is not 256 bytes: exit 1" \
    "[ \$rc = 1 ] && [[ \$out == 'hsu-pulse-filter: cannot read the cookie \"$work/tone.wav\": it is not 256 bytes long' ]]"
  run as_user "$filter" --upstream "$d/none" --listen "$d/x" --cookie "$d/missing"
  expect "a missing cookie: exit 1" \
    "[ \$rc = 1 ] && [ \"\$out\" = 'hsu-pulse-filter: cannot read the cookie \"$d/missing\": No such file or directory' ]"
  run as_user "$filter" --upstream "$d/none" --listen "$d/x" --sync-fd 9
  expect "a closed --sync-fd: exit 1" '[ $rc = 1 ] && [[ $out == "hsu-pulse-filter: cannot use the sync fd 9: Bad file descriptor" ]]'
  head -c 256 /dev/urandom >"$d/cookie"
  chmod 644 "$d/cookie"
  run as_user timeout "$WAIT" python3 "$helper" fakeserver "$filter" "$d" "$d/cookie"
  expect "a fake server sees AUTH without shm/memfd flags and with the --cookie; the client sees a reply without them; a descriptor from the server is closed; an srbchannel offer drops the connection" '[ $rc = 0 ]'
  run as_user timeout "$WAIT" python3 "$helper" syncfd "$filter" "$d/none" "$d/sync.sock"
  expect "--sync-fd: one byte once listening, exit 0 when the other end closes" '[ $rc = 0 ]'
  sock=$d/term.sock
  bg "$d/term.log" "$filter" --upstream "$d/none" --listen "$sock"
  local p=$!
  wait_for test -S "$sock"
  kill -TERM "$p"
  wait_for gone "$p"
  wait "$p"; rc2=$?
  expect "SIGTERM: exit 0, its socket removed" '[ $rc2 = 0 ] && [ ! -e "$sock" ]'
}

only=${HSU_PTEST_ONLY:-} # pulseaudio or pipewire: that suite alone
if [ "$only" = pipewire ]; then
  :
elif ! command -v pulseaudio >/dev/null; then
  skip "PulseAudio suite" "needs pulseaudio"
else
  start_pulseaudio && suite pulseaudio
fi
if [ "$only" = pulseaudio ]; then
  :
elif ! command -v pipewire >/dev/null || ! command -v pipewire-pulse >/dev/null ||
   ! command -v wireplumber >/dev/null || ! command -v dbus-daemon >/dev/null; then
  skip "pipewire-pulse suite" "needs pipewire, pipewire-pulse, wireplumber and dbus-daemon"
else
  start_pipewire && suite pipewire
fi

contract

echo "1..$n"
[ "$failed" = 0 ]
