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
# The fast path runs the very plan the JVM runs: an hsu-init stand-in (HSU_INIT, which both paths
# honour) keeps the plan it is given; the JVM's (a miss) and the front's (a hit) are the same bytes
# but for the instance id, which is fresh on each launch.
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
same() { # where the plan goes, then launch's arguments
  KEEP_PLAN=$1 HSU_DEBUG=1 HSU_INIT="$work/keep-plan" HSU_JAVA=$java ./hsu launch "$work/same.yaml" -- x 'y z' >"$1.out" 2>&1
}
ids() { grep -ao "$XDG_RUNTIME_DIR/hsu/[0-9a-f]\{16\}" "$1" | head -1 | sed 's|.*/||'; }
java=java same "$work/plan.jvm" && java=/nonexistent/java same "$work/plan.front" \
  && java=/nonexistent/java same "$work/plan.front2"
ok $? "a miss and two hits give hsu-init a plan, the hits with no JVM ($(cat "$work"/plan.*.out | tr '\n' '|'))"
id1=$(ids "$work/plan.jvm") id2=$(ids "$work/plan.front") id3=$(ids "$work/plan.front2")
[ -n "$id1" ] && [ -n "$id2" ] && [ -n "$id3" ] && [ "$id1" != "$id2" ] && [ "$id2" != "$id3" ] && [ "$id1" != "$id3" ]
ok $? "each launch has a fresh instance id ($id1 $id2 $id3)"
perl -0777 -pe "s/$id1/ID/g" "$work/plan.jvm" > "$work/plan.jvm.n"
perl -0777 -pe "s/$id2/ID/g" "$work/plan.front" > "$work/plan.front.n"
[ -s "$work/plan.jvm.n" ] && cmp "$work/plan.jvm.n" "$work/plan.front.n"
ok $? "the front's plan is the JVM's plan, byte for byte, but for the instance id ($(stat -c %s "$work/plan.jvm") bytes)"
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
