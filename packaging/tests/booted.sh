#!/usr/bin/env bash
# The package's proof on a real system: boots a Debian 12 with systemd as PID 1
# (../shared/tools/booted-debian), installs the .deb with apt (dependencies from the archive), and
# checks as a normal user with a real `systemd --user`: hsu doctor, hsu launch by name, a user
# unit with --enable --now running sandboxed, its removal, transient scopes with and without
# limits, a menu entry naming /usr/bin/hsu, the exit status where user namespaces are blocked,
# and that apt-get purge leaves nothing of the package behind. TAP on stdout; exit 1 when a check
# fails. Every step is bounded by a timeout; the container is stopped on exit.
#
# Usage (root): packaging/tests/booted.sh packaging/target/hsu_<version>_amd64.deb
# Environment: HSU_DEBIAN_ROOT (the tree; default /var/cache/hsu-test/bookworm-booted),
# HSU_BOOTED_APT_CACHE (downloaded .debs kept between runs; default /var/cache/hsu-test/booted-apt).
set -uo pipefail
here=$(cd -- "$(dirname -- "$0")/../.." && pwd -P)
deb=${1:?usage: booted.sh HSU.deb}
deb=$(readlink -f -- "$deb")
[ "$(id -u)" = 0 ] || { echo "booted.sh: needs root (systemd-nspawn)" >&2; exit 2; }
[ -f "$deb" ] || { echo "booted.sh: no such file: $deb" >&2; exit 2; }
tool=${HSU_BOOTED_DEBIAN:-$here/../shared/tools/booted-debian}
[ -x "$tool" ] || { echo "booted.sh: booted-debian not found at $tool" >&2; exit 2; }
root=${HSU_DEBIAN_ROOT:-/var/cache/hsu-test/bookworm-booted}
apt_cache=${HSU_BOOTED_APT_CACHE:-/var/cache/hsu-test/booted-apt}
user=tester
started=$(date +%s)

n=0
failed=0
pid=
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}
note() { printf '# %s\n' "$*"; }
# check NAME SECONDS CMD...: a step, bounded, its output shown when it fails.
check() {
  local name=$1 secs=$2 out rc
  shift 2
  # Through bash, so that a step may be one of the functions below (exported).
  out=$(timeout --kill-after=5 "$secs" bash -c '"$@"' step "$@" 2>&1); rc=$?
  if [ $rc = 0 ]; then ok "$name"; else not_ok "$name (exit $rc)" "$out"; fi
  last_out=$out
  return $rc
}
as_root() { "$tool" run "$pid" root "$@"; }
as_user() { "$tool" run "$pid" "$user" "$@"; }
# The user's shell steps: sh -c SCRIPT, as a service of the user's own manager.
user_sh() { as_user /bin/sh -c "$1"; }
root_sh() { as_root /bin/sh -c "$1"; }
export -f as_root as_user user_sh root_sh
export tool user

cleanup() {
  if [ -n "$pid" ]; then
    timeout 60 "$tool" stop "$pid" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! check "booted-debian build (cached at $root)" 600 "$tool" build "$root"; then
  echo "1..$n"; exit 1
fi
mkdir -p "$apt_cache/partial"
# A pristine system each run: the tree is the lower layer of an overlay whose writes vanish.
# systemd-nspawn's own seccomp filter refuses Landlock (systemd 252): allow it, as a host would.
if out=$(timeout 120 "$tool" start "$root" --volatile=overlay --bind-ro="$(dirname "$deb"):/mnt/hsu-deb" \
  --bind="$apt_cache:/var/cache/apt/archives" \
  --system-call-filter="landlock_create_ruleset landlock_add_rule landlock_restrict_self" 2>&1); then
  pid=${out##*PID=}
  export pid
  ok "boot Debian 12 with systemd as PID 1 (pid $pid)"
else
  not_ok "boot Debian 12 with systemd as PID 1" "$out"; echo "1..$n"; exit 1
fi

# ---- install, as a user of Debian would ----
check "apt-get update" 300 as_root apt-get update -q
# apparmor: a Debian 12 system has it; its parser predates 'userns', which the postinst handles.
# desktop-file-utils: desktop-file-validate, for a check below.
check "apt-get install apparmor desktop-file-utils (test tools)" 300 \
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q apparmor desktop-file-utils
debname=$(basename "$deb")
if ! check "apt-get install ./$debname (dependencies from the archive)" 600 \
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/mnt/hsu-deb/$debname"; then
  echo "1..$n"; exit 1
fi
check "the JRE and the recommended xdg-dbus-proxy came from the archive" 30 \
  root_sh 'dpkg -s default-jre-headless xdg-dbus-proxy libsystemd0 >/dev/null && java -version'
check "the postinst made the CDS archive /var/cache/hsu/hsu.jsa" 30 root_sh 'test -s /var/cache/hsu/hsu.jsa'
check "the postinst set the AppArmor profile aside for Debian 12's parser (no userns rule)" 30 \
  root_sh 'test -L /etc/apparmor.d/disable/hsu && test -f /var/lib/hsu/apparmor-disabled-by-package'
check "/usr/bin/hsu, the runtime in /usr/libexec/hsu, profiles in /usr/share/hsu" 30 root_sh \
  'test -x /usr/bin/hsu && test -x /usr/libexec/hsu/hsu-init && test -x /usr/libexec/hsu/hsu-launch \
   && test -x /usr/libexec/hsu/hsu-pulse-filter \
   && test -f /usr/share/hsu/profiles/apps/demo.yaml && test -f /usr/share/hsu/schemas/profile.schema.json \
   && test -f /usr/share/bash-completion/completions/hsu && test -f /usr/share/man/man1/hsu.1.gz'

if ! check "a normal user with a running systemd --user" 60 "$tool" adduser "$pid" "$user"; then
  echo "1..$n"; exit 1
fi

# ---- as the user ----
if check "hsu doctor exits 0" 120 as_user hsu doctor; then
  doctor=$last_out
  note "hsu doctor:"; printf '%s\n' "$doctor" | sed 's/^/#   /'
  for c in sandbox "user namespaces" apparmor landlock seccomp overlayfs "session bus" xdg-dbus-proxy \
    systemd java; do
    if printf '%s\n' "$doctor" | grep -Eq "^ok +$c "; then ok "hsu doctor: $c is ok"
    else not_ok "hsu doctor: $c is ok" "$(printf '%s\n' "$doctor" | grep -E "^[a-z]+ +$c ")"; fi
  done
fi
check "hsu doctor --json says ok" 120 user_sh 'hsu doctor --json | grep -q "^{\"ok\": true, "'

if check "hsu launch demo (by name, from /usr/share/hsu/profiles/apps)" 120 as_user hsu launch demo; then
  if printf '%s\n' "$last_out" | grep -q "Inside an hsu sandbox"; then ok "the demo ran inside its sandbox"
  else not_ok "the demo ran inside its sandbox" "$last_out"; fi
fi
# The first launch filled the plan cache: /usr/bin/hsu sends launch through hsu-launch, which runs the
# cached plan with no JVM at all (a java that does not exist would fail a miss).
if check "a second hsu launch demo is a plan cache hit: it runs with no JVM" 60 user_sh \
  'HSU_JAVA=/nonexistent/java hsu launch demo'; then
  if printf '%s\n' "$last_out" | grep -q "Inside an hsu sandbox"; then ok "the cached demo ran inside its sandbox"
  else not_ok "the cached demo ran inside its sandbox" "$last_out"; fi
fi

# Profiles of the user's own: a service, one with limits, one without.
user_sh 'mkdir -p ~/.config/hsu/profiles && cd ~/.config/hsu/profiles &&
cat >sleeper.yaml <<EOF
id: org.example.Sleeper
name: Sleeper
home: ephemeral
command: [/bin/sleep, infinity]
EOF
cat >limited.yaml <<EOF
id: org.example.Limited
name: Limited
home: ephemeral
command: [/bin/sleep, "4"]
limits:
  memory: 256M
  tasks: 64
  cpu-weight: 50
EOF
cat >plain.yaml <<EOF
id: org.example.Plain
name: Plain
home: ephemeral
command: [/bin/sleep, "4"]
EOF' >/dev/null 2>&1

unit=hsu-org.example.Sleeper.service
check "hsu systemd install sleeper --enable --now" 120 as_user hsu systemd install sleeper --enable --now
check "the unit is active and enabled" 30 user_sh \
  "for i in \$(seq 50); do [ \"\$(systemctl --user is-active $unit)\" = active ] && break; sleep 0.2; done;
   systemctl --user is-active $unit && systemctl --user is-enabled $unit"
check "ExecStart names /usr/bin/hsu" 30 user_sh "grep -q '^ExecStart=\"\\?/usr/bin/hsu\"\\? ' ~/.config/systemd/user/$unit"
# The unit's sleep, seen from outside: its own user and mount namespaces, no_new_privs, a seccomp
# filter; and it belongs to the unit (its main process is the unit's hsu-init).
# The user's sleep processes (minbase has no pgrep).
sleeps='sleeps() { for d in /proc/[0-9]*; do [ "$(cat $d/comm 2>/dev/null)" = sleep ] \
  && [ "$(stat -c %U $d)" = '$user' ] && echo ${d#/proc/}; done; }'
sandboxed=$sleeps'
  main=$(runuser -u '$user' -- env XDG_RUNTIME_DIR=/run/user/$(id -u '$user') systemctl --user show -P MainPID '$unit')
  [ "$(cat /proc/$main/comm 2>/dev/null)" = hsu-init ] || { echo "the main process $main is not hsu-init"; exit 1; }
  for p in $(sleeps); do
    [ "$(readlink /proc/$p/ns/user)" != "$(readlink /proc/1/ns/user)" ] || { echo "sleep $p shares the host user namespace"; exit 1; }
    [ "$(readlink /proc/$p/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || { echo "sleep $p shares the host mount namespace"; exit 1; }
    grep -q "^NoNewPrivs:.*1" /proc/$p/status || { echo "sleep $p lacks no_new_privs"; exit 1; }
    grep -q "^Seccomp:.*2" /proc/$p/status || { echo "sleep $p has no seccomp filter"; exit 1; }
    echo "sleep $p (under hsu-init $main) runs sandboxed"; exit 0
  done; echo "no sleep runs"; exit 1'
check "the unit's process runs in a sandbox (own user and mount namespaces, no_new_privs, seccomp)" 30 \
  root_sh "for i in \$(seq 50); do ($sandboxed) >/dev/null 2>&1 && break; sleep 0.2; done; $sandboxed"
check "hsu systemd remove sleeper" 120 as_user hsu systemd remove sleeper
check "the unit is stopped, disabled and gone, its sandbox too" 30 user_sh "$sleeps
  ! systemctl --user is-active -q $unit && ! systemctl --user is-enabled -q $unit 2>/dev/null \
   && ! test -e ~/.config/systemd/user/$unit && [ -z \"\$(sleeps)\" ]"

# A launch in the background; its scope, seen from the user's manager while it runs.
scope_of() { # PROFILE ID
  # shellcheck disable=SC2016
  user_sh "hsu launch $1 >/tmp/launch.out 2>&1 & l=\$!
    unit=app-hsu-$2-\$l.scope
    for i in \$(seq 100); do systemctl --user is-active -q \$unit && break; sleep 0.1; done
    systemctl --user show -p Id -p ActiveState -p MemoryMax -p TasksMax -p CPUWeight \$unit
    wait \$l; echo launch-exit=\$?; cat /tmp/launch.out"
}
export -f scope_of
if check "hsu launch limited (limits: memory 256M, tasks 64, cpu-weight 50)" 60 scope_of limited org.example.Limited; then
  for want in ActiveState=active MemoryMax=268435456 TasksMax=64 CPUWeight=50 launch-exit=0; do
    if printf '%s\n' "$last_out" | grep -qx "$want"; then ok "its scope app-hsu-org.example.Limited-<pid>.scope: $want"
    else not_ok "its scope app-hsu-org.example.Limited-<pid>.scope: $want" "$last_out"; fi
  done
fi
if check "hsu launch plain (no limits)" 60 scope_of plain org.example.Plain; then
  for want in ActiveState=active MemoryMax=infinity launch-exit=0; do
    if printf '%s\n' "$last_out" | grep -qx "$want"; then ok "its own scope app-hsu-org.example.Plain-<pid>.scope: $want"
    else not_ok "its own scope app-hsu-org.example.Plain-<pid>.scope: $want" "$last_out"; fi
  done
fi

user_sh 'cat >~/viewer.desktop <<EOF
[Desktop Entry]
Type=Application
Name=Viewer
Comment=Looks at files
Exec=viewer %F
Icon=viewer
Categories=Utility;
EOF' >/dev/null 2>&1
check "hsu desktop install demo --entry viewer.desktop" 60 as_user hsu desktop install demo --entry /home/$user/viewer.desktop
entry=/home/$user/.local/share/applications/hsu.dev.hsu.Demo.desktop
check "the entry's Exec runs /usr/bin/hsu launch with the installed profile" 30 user_sh \
  "grep -x 'Exec=/usr/bin/hsu launch /usr/share/hsu/profiles/apps/demo.yaml -- %F' $entry || { cat $entry; exit 1; }"
check "desktop-file-validate accepts it" 30 as_user desktop-file-validate "$entry"
check "hsu desktop remove demo" 60 as_user hsu desktop remove demo

# Where the host allows no user namespace. The container's /proc/sys is read-only, so this runs the
# package's own files (dpkg-deb -x) on this host, in a user namespace whose max_user_namespaces is 0.
extracted=$(mktemp -d)
cleanup_extracted() { rm -rf "$extracted"; }
dpkg-deb -x "$deb" "$extracted"
blocked="echo 0 >/proc/sys/user/max_user_namespaces && XDG_RUNTIME_DIR=$extracted/run $extracted/usr/bin/hsu"
if check "hsu launch where user namespaces are blocked (runs)" 60 unshare -Ur sh -c "$blocked launch demo; echo exit=\$?"; then
  if printf '%s\n' "$last_out" | grep -qx "exit=125" && printf '%s\n' "$last_out" | grep -q "user.max_user_namespaces = 0.*hsu doctor"; then
    ok "it exits 125 with a sentence naming the cause and hsu doctor"
  else not_ok "it exits 125 with a sentence naming the cause and hsu doctor" "$last_out"; fi
fi
if check "hsu doctor where user namespaces are blocked (runs)" 120 unshare -Ur sh -c "$blocked doctor; echo exit=\$?"; then
  if printf '%s\n' "$last_out" | grep -qx "exit=1" && printf '%s\n' "$last_out" | grep -q "^fail  user namespaces .*Fix: sudo sysctl -w user.max_user_namespaces="; then
    ok "it fails the user namespace check and names the fix"
  else not_ok "it fails the user namespace check and names the fix" "$last_out"; fi
fi
cleanup_extracted

# ---- purge ----
root_sh 'dpkg-query -L hsu >/tmp/hsu.files' >/dev/null 2>&1
check "apt-get purge hsu" 300 as_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hsu
check "no file of the package is left" 60 root_sh \
  'left=0; while read -r f; do [ -d "$f" ] && [ ! -L "$f" ] && continue; if [ -e "$f" ] || [ -L "$f" ]; then echo "left: $f"; left=1; fi; done </tmp/hsu.files
   for d in /usr/share/hsu /usr/libexec/hsu /var/cache/hsu /var/lib/hsu /etc/apparmor.d/hsu /etc/apparmor.d/disable/hsu; do
     if [ -e "$d" ] || [ -L "$d" ]; then echo "left: $d"; left=1; fi; done
   extra=$(find / -xdev \( -path /proc -o -path /sys -o -path /home -o -path /tmp -o -path /run -o -path /mnt \
     -o -path /var/lib/dpkg -o -path /var/log -o -path /var/cache/apt -o -path /var/lib/apt \) -prune \
     -o \( -name "*hsu*" -print \))
   [ -z "$extra" ] || { echo "left: $extra"; left=1; }
   exit $left'

echo "1..$n"
note "$((n - failed)) of $n passed in $(( $(date +%s) - started )) s"
[ "$failed" = 0 ]
