#!/bin/bash
# The plan cache end to end, as a user sees it (TAP): a hit runs no JVM, each kind of change makes a
# miss, a forged, corrupt or group-writable entry is a miss and replaced, two concurrent first
# launches both work and leave one entry. Run as a normal user from a built checkout.
set -u
cd "$(dirname "$0")/../../.."
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_RUNTIME_DIR="$work/run" XDG_CACHE_HOME="$work/cache"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
plans="$XDG_CACHE_HOME/hsu/plans"
p="$work/p.yaml"
cat > "$p" <<'YAML'
id: dev.hsu.test.Cache
command: [/bin/sh, -c, 'echo "args:$*:$CACHE_VAR"', sh]
env: {pass: [CACHE_VAR]}
YAML
nojvm() { HSU_JAVA=/nonexistent/java ./hsu launch "$p" "$@"; }
# A warm launch with no Java at all: the plan cache hit.
first=$(./hsu launch "$p" -- one 2>&1)
ok $? "the first launch (a miss) works: $first"
[ "$(find "$plans" -type f | wc -l)" = 1 ]
ok $? "it leaves one entry"
out=$(nojvm -- a 'b c' 2>&1)
[ "$out" = "args:a b c:" ]
ok $? "a hit runs without any JVM and passes the arguments after --: $out"
strace -f -qq -e trace=execve -o "$work/trace" ./hsu launch "$p" >/dev/null 2>&1
grep -q 'execve("[^"]*/hsu-init"' "$work/trace" && ! grep -E 'execve\("[^"]*/java"' "$work/trace" >/dev/null
ok $? "strace finds hsu-init and no java executed on a hit"
# Each kind of change is a miss: without Java it fails, with Java it gives the new result.
miss_then() { # what, command to change, expected output
  local why=$1 want=$3
  eval "$2"
  out=$(nojvm 2>&1)
  case $out in *"cannot run Java"*) ok 0 "$why: a miss";; *) ok 1 "$why: a miss (got $out)";; esac
  out=$(./hsu launch "$p" 2>&1)
  [ "$out" = "$want" ]
  ok $? "$why: the JVM's result ($out)"
  out=$(nojvm 2>&1)
  [ "$out" = "$want" ]
  ok $? "$why: the entry is replaced and hits again"
}
miss_then "a profile byte" "sed -i 's/args:/Args:/' '$p'" "Args::"
export CACHE_VAR=set
miss_then "a consulted variable" ":" "Args::set"
printf 'id: dev.hsu.test.Base\ncommand: [/bin/echo, base1]\n' > "$work/base.yaml"
printf 'extends: [base]\nid: dev.hsu.test.Ext\n' > "$work/q.yaml"
./hsu launch "$work/q.yaml" >/dev/null 2>&1
sed -i 's/base1/base2/' "$work/base.yaml"
out=$(HSU_JAVA=/nonexistent/java ./hsu launch "$work/q.yaml" 2>&1)
case $out in *"cannot run Java"*) ok 0 "an extends file: a miss";; *) ok 1 "an extends file: a miss (got $out)";; esac
out=$(./hsu launch "$work/q.yaml" 2>&1)
[ "$out" = base2 ]
ok $? "an extends file: the new result ($out)"
# A socket the profile needs is checked at every launch (a CHECK item of the entry, with the JVM's
# sentence), not compiled in: missing, it stops the launch (a miss here, then a hit); present, the
# next launch runs the same plan with no JVM, and the app has the socket.
cat > "$work/socket.yaml" <<'YAML'
id: dev.hsu.test.Socket
wayland: {direct: true}
command: [/bin/sh, -c, 'test -S "$XDG_RUNTIME_DIR/wayland-0" && echo socket']
YAML
sock="$work/wl-0"
out=$(WAYLAND_DISPLAY=$sock ./hsu launch "$work/socket.yaml" 2>&1); rc=$?
[ "$rc" = 125 ] && [ "$out" = "hsu: the profile asks for Wayland, but there is no Wayland compositor socket at \"$sock\" (from WAYLAND_DISPLAY and XDG_RUNTIME_DIR)" ]
ok $? "a missing socket stops the first launch (a miss) with its sentence and 125 ($rc: $out)"
out=$(WAYLAND_DISPLAY=$sock HSU_JAVA=/nonexistent/java ./hsu launch "$work/socket.yaml" 2>&1); rc=$?
[ "$rc" = 125 ] && [ "$out" = "hsu: the profile asks for Wayland, but there is no Wayland compositor socket at \"$sock\" (from WAYLAND_DISPLAY and XDG_RUNTIME_DIR)" ]
ok $? "and a hit with the same sentence and 125 ($rc: $out)"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
out=$(WAYLAND_DISPLAY=$sock HSU_JAVA=/nonexistent/java ./hsu launch "$work/socket.yaml" 2>&1)
[ "$out" = socket ]
ok $? "the socket now present, the next launch runs with no JVM and the app has it ($out)"
rm -rf "$plans" && ./hsu launch "$p" >/dev/null 2>&1 # from here on, one entry: p's
miss_then "hsu's version (hsu-init rebuilt)" "touch init-c/build/hsu-init" "Args::set"
entry=$(find "$plans" -type f)
miss_then "a corrupt entry" "printf x | dd of='$entry' bs=1 seek=40 conv=notrunc 2>/dev/null" "Args::set"
miss_then "a truncated entry" "truncate -s 100 '$entry'" "Args::set"
miss_then "a group-writable entry" "chmod 0620 '$entry'" "Args::set"
miss_then "an entry forged without the key" "cp '$entry' '$work/e' && printf '\\x00%.0s' {1..32} | dd of='$entry' bs=1 seek=\$((\$(stat -c %s '$entry') - 32)) conv=notrunc 2>/dev/null" "Args::set"
[ "$(stat -c %a "$entry")" = 600 ]
ok $? "the replaced entry is 0600"
rm -rf "$plans"
(./hsu launch "$p" >"$work/o1" 2>&1; echo $? >"$work/r1") &
(./hsu launch "$p" >"$work/o2" 2>&1; echo $? >"$work/r2") &
wait
[ "$(cat "$work/r1")$(cat "$work/r2")" = 00 ] && [ "$(cat "$work/o1")" = "Args::set" ] && [ "$(cat "$work/o2")" = "Args::set" ]
ok $? "two concurrent first launches both work"
[ "$(find "$plans" -type f | wc -l)" = 1 ] && [ "$(nojvm 2>&1)" = "Args::set" ]
ok $? "and leave one valid entry"
# A profile whose SHA-256 holds a zero byte (this content's does: 8e52c7...c300...) hits too:
# the entry's hashes are bytes, not strings.
printf 'id: dev.hsu.test.R20\ncommand: [/bin/echo, r]\n' > "$work/zero.yaml"
sha256sum "$work/zero.yaml" | cut -c1-64 | grep -Eq '^(..)*00'
ok $? "the zero-byte profile's hash has a zero byte (a precondition)"
./hsu launch "$work/zero.yaml" >/dev/null 2>&1
out=$(HSU_DEBUG=1 HSU_JAVA=/nonexistent/java ./hsu launch "$work/zero.yaml" 2>&1)
[ "$out" = r ]
ok $? "and its second launch hits ($(printf '%s' "$out" | tr '\n' '|'))"
# No sandbox sees or writes the cache, even one granted the whole real home (hsu-init covers
# ${XDG_CACHE_HOME:-~/.cache}/hsu with an empty read-only directory), on a miss and on a hit.
# 'home:' set to the real home itself is refused since hsu check guards hsu's own configuration.
h="$work/home"
mkdir -p "$h"
cat > "$work/real-home.yaml" <<YAML
id: dev.hsu.test.RealHome
home: ephemeral
filesystem: [{bind: $h, to: /mnt/h}]
command: [/bin/sh, -c, 'ls -A /mnt/h/.cache/hsu; echo listed; touch /mnt/h/.cache/hsu/x /mnt/h/.cache/hsu/plans/x 2>&1; mkdir /mnt/h/.cache/hsu/y 2>&1; echo done']
YAML
for run in miss hit; do
  out=$(env -u XDG_CACHE_HOME HOME="$h" ./hsu launch "$work/real-home.yaml" 2>&1)
  first=$(printf '%s\n' "$out" | grep -v '^hsu: warning' | head -1)
  [ "$first" = listed ] && [ ! -e "$h/.cache/hsu/x" ] && [ ! -e "$h/.cache/hsu/y" ] && [ ! -e "$h/.cache/hsu/plans/x" ] \
    && printf '%s\n' "$out" | grep -q "touch: cannot touch '/mnt/h/.cache/hsu/x'" && printf '%s\n' "$out" | grep -qx done
  ok $? "$run: a sandbox granted the real home lists nothing in ~/.cache/hsu and writes nothing there ($(printf '%s' "$out" | tr '\n' '|'))"
done
[ "$(find "$h/.cache/hsu/plans" -type f | wc -l)" = 1 ] && [ "$(env -u XDG_CACHE_HOME HOME="$h" HSU_JAVA=/nonexistent/java ./hsu launch "$work/real-home.yaml" 2>&1 | grep -v '^hsu: warning' | head -1)" = listed ]
ok $? "while the host has that profile's entry, and it hits"
printf 'id: dev.hsu.test.RealHome\nhome: %s\ncommand: [/bin/true]\n' "$h" > "$work/home-is-home.yaml"
out=$(env -u XDG_CACHE_HOME HOME="$h" ./hsu launch "$work/home-is-home.yaml" 2>&1)
printf '%s\n' "$out" | grep -q "hsu refuses it"
ok $? "'home:' set to the real home is refused, so the app cannot rewrite hsu's configuration ($(printf '%s' "$out" | tr '\n' '|'))"
cat > "$work/bind-cache.yaml" <<YAML
id: dev.hsu.test.BindCache
filesystem: [{bind: $XDG_CACHE_HOME, to: /mnt/c, writable: true}]
command: [/bin/sh, -c, 'ls -A /mnt/c/hsu; echo listed; touch /mnt/c/hsu/x 2>/dev/null || echo refused']
YAML
out=$(./hsu launch "$work/bind-cache.yaml" 2>&1)
[ "$out" = "$(printf 'listed\nrefused')" ] && [ ! -e "$XDG_CACHE_HOME/hsu/x" ]
ok $? "a writable bind of \$XDG_CACHE_HOME shows an empty, read-only hsu/ ($(printf '%s' "$out" | tr '\n' '|'))"
# hsu desktop install and hsu systemd install warm the cache for the launch their files run.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
for how in desktop systemd; do
  printf 'id: dev.hsu.test.Installed%s\ncommand: [/bin/echo, installed-%s]\n' "$how" "$how" > "$work/$how.yaml"
  ./hsu "$how" install "$work/$how.yaml" >"$work/install.out" 2>&1
  out=$(HSU_JAVA=/nonexistent/java ./hsu launch "$work/$how.yaml" 2>&1)
  [ "$out" = "installed-$how" ]
  ok $? "hsu $how install warms the cache: the installed launch runs with no JVM ($out; $(tr '\n' '|' <"$work/install.out"))"
done
# The fast path runs the very plan the JVM runs: an hsu-init stand-in (HSU_INIT, which every path
# honours) keeps the plan it is given. A miss (the front runs the entry the JVM hands it), two hits
# (the front runs the cached entry) and a launch the JVM does alone (an option before PROFILE, here
# `--`: dev.hsu.launch.Launch) give the same bytes but for the instance id, fresh on each launch.
cat > "$work/keep-plan" <<'SH'
#!/bin/sh
[ "$1" = --plan-fd ] && cat "/proc/self/fd/$2" > "$KEEP_PLAN"
SH
chmod +x "$work/keep-plan"
cat > "$work/same.yaml" <<YAML
id: dev.hsu.test.Same
command: [/bin/echo, same]
env: {pass: [CACHE_VAR], set: {A: b}}
filesystem: [{bind: $work, to: /mnt/w}]
YAML
same() { # where the plan goes, then launch's options
  KEEP_PLAN=$1 HSU_DEBUG=1 HSU_INIT="$work/keep-plan" HSU_JAVA=$java ./hsu launch "${@:2}" "$work/same.yaml" -- x 'y z' >"$1.out" 2>&1
}
ids() { grep -ao "$XDG_RUNTIME_DIR/hsu/[0-9a-f]\{16\}" "$1" | head -1 | sed 's|.*/||'; }
java=java same "$work/plan.miss" && java=/nonexistent/java same "$work/plan.front" \
  && java=/nonexistent/java same "$work/plan.front2" && java=java same "$work/plan.jvm" --
ok $? "a miss, two hits and a launch of the JVM alone give hsu-init a plan, the hits with no JVM ($(cat "$work"/plan.*.out | tr '\n' '|'))"
id1=$(ids "$work/plan.miss") id2=$(ids "$work/plan.front") id3=$(ids "$work/plan.front2") id4=$(ids "$work/plan.jvm")
[ -n "$id1" ] && [ -n "$id2" ] && [ -n "$id3" ] && [ -n "$id4" ] && [ "$(printf '%s\n' "$id1" "$id2" "$id3" "$id4" | sort -u | wc -l)" = 4 ]
ok $? "each launch has a fresh instance id ($id1 $id2 $id3 $id4)"
perl -0777 -pe "s/$id1/ID/g" "$work/plan.miss" > "$work/plan.miss.n"
perl -0777 -pe "s/$id2/ID/g" "$work/plan.front" > "$work/plan.front.n"
perl -0777 -pe "s/$id4/ID/g" "$work/plan.jvm" > "$work/plan.jvm.n"
[ -s "$work/plan.jvm.n" ] && cmp "$work/plan.jvm.n" "$work/plan.front.n" && cmp "$work/plan.miss.n" "$work/plan.front.n"
ok $? "the plans of a miss, of a hit and of the JVM alone are the same, byte for byte, but for the instance id ($(stat -c %s "$work/plan.jvm") bytes)"
# A miss's JVM only compiles: picocli's command line (Java 5 classes, which no CDS archive can
# hold), JNA's native side and dbus-java are not loaded on the way of a plain launch (the verifier
# may load a few of their small exception and interface types).
HSU_NO_PLAN_CACHE=1 HSU_JAVA_OPTS="-Xlog:class+load=info:file=$work/classes" ./hsu launch "$p" >/dev/null 2>&1
loaded=$(grep -E ' (picocli\.CommandLine|com\.sun\.jna\.Native|org\.freedesktop\.[^ ]*) source' "$work/classes" | awk '{print $2}' | tr '\n' ' ')
[ -s "$work/classes" ] && grep -q ' dev\.hsu\.cli\.Warming ' "$work/classes" && [ -z "$loaded" ]
ok $? "a miss loads neither picocli's CommandLine, JNA's Native nor dbus-java ($loaded)"
# Without a login session (no XDG_RUNTIME_DIR, no /run/user/UID: su, runuser, cron), hsu's runtime
# dir is /tmp/hsu-UID (docs/instances.md). Checked in a private mount namespace whose /tmp and
# /run/user are empty tmpfs, so the host's own /tmp/hsu-UID is never touched: an outer user
# namespace (root there) mounts them, an inner one maps the caller's uid back.
skip() { if [ -n "${HSU_REQUIRE_ALL:-}" ]; then ok 1 "$1 (needed: $2)"; else n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; fi; }
nosession=$(cat <<'SH'
set -u
uid=$(id -u)
fb=/tmp/hsu-$uid
unset XDG_RUNTIME_DIR
export XDG_CACHE_HOME=/tmp/cache
printf 'id: dev.hsu.test.NoSession\ncommand: [/bin/sh, -c, %s]\n' "'echo \"rt=\$XDG_RUNTIME_DIR\"; sleep 30'" > /tmp/ns.yaml
seen() { # launches (JAVA) in the background until hsu ps lists it, then stops it
  HSU_JAVA=$1 ./hsu launch /tmp/ns.yaml >/tmp/out 2>&1 &
  for _ in $(seq 100); do ./hsu ps 2>&1 | grep -q dev.hsu.test.NoSession && break; sleep 0.1; done
  echo "ps($2): $(./hsu ps 2>&1 | grep -c dev.hsu.test.NoSession)"
  ./hsu stop --all >/dev/null 2>&1
  wait
  echo "app($2): $(head -1 /tmp/out)"
}
seen java miss
seen /nonexistent/java hit
echo "fallback: $(stat -c '%a %u' "$fb")"
try() { # what; command: prints its status and first line
  out=$("${@:2}" 2>&1); echo "$1: $? $(printf '%s' "$out" | head -1)"
}
./hsu compile /tmp/ns.yaml -o /tmp/ns.plan >/dev/null 2>&1
chmod 0755 "$fb"
try open-front ./hsu launch /tmp/ns.yaml
try open-jvm env HSU_NO_PLAN_CACHE=1 ./hsu launch /tmp/ns.yaml
try open-ps ./hsu ps
try open-init init-c/build/hsu-init --plan /tmp/ns.plan
chmod 0700 "$fb"
mv "$fb" /tmp/elsewhere && ln -s /tmp/elsewhere "$fb"
try link-front ./hsu launch /tmp/ns.yaml
try link-jvm env HSU_NO_PLAN_CACHE=1 ./hsu launch /tmp/ns.yaml
try link-init init-c/build/hsu-init --plan /tmp/ns.plan
rm "$fb"
mkdir -m 0700 "/run/user/$uid"
try session ./hsu launch /tmp/ns.yaml
SH
)
if unshare --help 2>/dev/null | grep -q -- --map-user && unshare -rm true 2>/dev/null; then
  out=$(unshare -rm sh -c 'mount -t tmpfs tmpfs /tmp && mkdir -p /run/user && mount -t tmpfs tmpfs /run/user &&
    exec unshare --map-user="$1" --map-group="$2" bash -c "$3"' sh "$(id -u)" "$(id -g)" "$nosession" 2>&1)
  line() { printf '%s\n' "$out" | grep "^$1: " | head -1 | sed "s/^$1: //"; }
  all=$(printf '%s' "$out" | tr '\n' '|')
  [ "$(line 'ps(miss)')" = 1 ] && [ "$(line 'app(miss)')" = "rt=/tmp/hsu-$(id -u)" ]
  ok $? "no XDG_RUNTIME_DIR nor /run/user/UID: a launch (a miss) runs in /tmp/hsu-UID and hsu ps lists it ($all)"
  [ "$(line 'ps(hit)')" = 1 ] && [ "$(line 'app(hit)')" = "rt=/tmp/hsu-$(id -u)" ]
  ok $? "and so does a hit, with no JVM"
  [ "$(line fallback)" = "700 $(id -u)" ]
  ok $? "/tmp/hsu-UID is made 0700 and the user's ($(line fallback))"
  sentence="refusing to use the runtime directory \"/tmp/hsu-$(id -u)\""
  [ "$(line open-front)" = "125 hsu: $sentence: others may enter it (mode 0755, not 0700)" ] \
    && [ "$(line open-jvm)" = "125 hsu: $sentence: others may enter it (mode 0755, not 0700)" ] \
    && [ "$(line open-init)" = "125 hsu-init: $sentence: others may enter it (mode 0755, not 0700)" ]
  ok $? "a /tmp/hsu-UID others may enter is refused with one sentence and 125 by the front, the JVM and hsu-init"
  [ "$(line open-ps)" = "1 hsu: $sentence: others may enter it (mode 0755, not 0700)" ]
  ok $? "and by hsu ps, with 1"
  [ "$(line link-front)" = "125 hsu: $sentence: it is a symlink" ] && [ "$(line link-jvm)" = "125 hsu: $sentence: it is a symlink" ] \
    && [ "$(line link-init)" = "125 hsu-init: $sentence: it is a symlink" ]
  ok $? "a /tmp/hsu-UID that is a symlink is refused with one sentence and 125"
  [ "$(line session)" = "0 rt=/run/user/$(id -u)" ]
  ok $? "once /run/user/UID is the user's directory, the runtime dir is that one"
else
  skip "the runtime dir without a login session" "unshare with --map-user and unprivileged user namespaces"
fi
# With portals (docs/portals.md), a hit checks the portals like the JVM does, and an argument naming
# a host file goes to the JVM, which hands it over through the document portal. This bus has no
# portals (no service directory), so both paths say so and the file passes as given.
cat > "$work/bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=$work/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
<allow own="*"/></policy></busconfig>
XML
dbus-daemon --config-file="$work/bus.conf" --fork --print-pid=3 3>"$work/bus.pid"
cat > "$work/portals.yaml" <<'YAML'
id: dev.hsu.test.Portals
command: [/bin/sh, -c, 'echo "args:$*"', sh]
portals: true
YAML
echo "a host file" > "$work/file.txt"
portals() { DBUS_SESSION_BUS_ADDRESS="unix:path=$work/bus" HSU_DEBUG=1 ./hsu launch "$work/portals.yaml" "$@" 2>&1; }
out=$(portals) && out2=$(HSU_JAVA=/nonexistent/java portals -- --flag)
[ $? = 0 ] && printf '%s\n' "$out" | grep -q '^args:$' && printf '%s\n' "$out2" | grep -q '^args:--flag$' \
  && printf '%s\n' "$out" | grep -q 'notice: no document portal on the session bus (org.freedesktop.portal.Documents: The name .* was not provided by any .service files)' \
  && printf '%s\n' "$out2" | grep -q 'notice: no document portal on the session bus (org.freedesktop.portal.Documents: The name'
ok $? "a portals profile hits without a file argument, and both paths say there is no portal ($(printf '%s' "$out2" | tr '\n' '|'))"
out=$(HSU_JAVA=/nonexistent/java portals -- "$work/file.txt")
[ $? != 0 ] && printf '%s\n' "$out" | grep -q 'a file argument'
ok $? "a file argument is a miss: the JVM hands files over ($(printf '%s' "$out" | tr '\n' '|'))"
out=$(portals -- "$work/file.txt")
[ $? = 0 ] && printf '%s\n' "$out" | grep -q "^args:$work/file.txt\$" \
  && printf '%s\n' "$out" | grep -q 'notice: cannot hand .* to the app through the document portal'
ok $? "without a document portal the file passes as given, with a notice ($(printf '%s' "$out" | tr '\n' '|'))"
kill "$(cat "$work/bus.pid")"
echo "1..$n"
[ "$failed" = 0 ]
