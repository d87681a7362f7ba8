#!/bin/bash
# Black-box tests of hsu-init in real namespaces. Run as an unprivileged
# user; as root, the tests run as $HSU_TEST_USER (default hsudev).
# TAP output; exits non-zero when a test failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
init=$(cd "$here/.." && pwd)/build/hsu-init
mkplan=$here/mkplan.py
# As root the tests run as this user; otherwise as whoever runs them.
if [ "$(id -u)" = 0 ]; then user=${HSU_TEST_USER:-hsudev}; else user=$(id -un); fi

as_user() {
  # setpriv execs in place (runuser would stay as a parent and eat signals).
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid="$user" --regid="$user" --clear-groups --reset-env -- "$@"
  else
    "$@"
  fi
}

# For background jobs: $! is then hsu-init itself.
as_user_exec() {
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid="$user" --regid="$user" --clear-groups --reset-env -- "$@"
  else
    exec "$@"
  fi
}

work=$(mktemp -d /tmp/hsu-itest.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown "$user" "$work"
sway_pid= weston_pid= bus_pid=
# Compositors and the bus the tests started go too, even when the script stops early.
trap '[ -n "$sway_pid" ] && kill "$sway_pid" 2>/dev/null; [ -n "$weston_pid" ] && kill "$weston_pid" 2>/dev/null; [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null; rm -rf "$work"' EXIT

. "$here/tap.sh"

# Common ops: a plain desktop-like root.
base_ops='{"op": "auto_root"}, {"op": "auto_etc", "skip": ["passwd"]},
  {"op": "place", "target": "/etc/passwd", "data": "u:x:1000:1000::/home/u:/bin/sh\n"},
  {"op": "proc"}, {"op": "dev", "flags": 1}, {"op": "tmpfs", "target": "/tmp", "mode": 1023},
  {"op": "tmpfs", "target": "/run"}'

# plan NAME ARGV-JSON [EXTRA-OPS-JSON] [EXTRA-PARAMS-JSON]
plan() {
  local extra=${3:+, $3} params=${4:-'"uid": 1000'}
  python3 "$mkplan" "$work/$1.plan" <<JSON || exit 1
{"hostname": "sandbox", "cwd": "/", "argv": $2, "env": ["PATH=/usr/bin:/bin"],
 "wait_delay_ms": 300, $params, "ops": [$base_ops $extra]}
JSON
  chmod 644 "$work/$1.plan"
}

# run NAME: runs plan NAME as the user, stdout in $out, stderr in $err, status in $rc
run() {
  as_user "$init" --plan "$work/$1.plan" >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

# What this kernel offers (machines of this kind differ): printed, and asked
# below instead of assumed.
features=$(as_user "$here/../build/kernel-features")
printf '%s\n' "$features" | sed 's/^/# kernel: /'
feature() { printf '%s\n' "$features" | sed -n "s/^$1: //p"; }

findmnt -rn >"$work/mounts.before"

plan id '["/bin/sh", "-c", "id -u; id -g; hostname; grep -E \"^Cap(Eff|Prm|Bnd|Amb|Inh)\" /proc/self/status | sort -u | cut -f2 | sort -u; cat /proc/sys/kernel/ns_last_pid 2>/dev/null; echo $$"]'
run id
check "app runs as the plan's uid" [ "$(echo "$out" | sed -n 1p)" = 1000 ]
check "app runs as the plan's gid" [ "$(echo "$out" | sed -n 2p)" = 1000 ]
check "hostname set" [ "$(echo "$out" | sed -n 3p)" = sandbox ]
check "no capabilities at all" [ "$(echo "$out" | sed -n 4p)" = 0000000000000000 ]
check "app is pid 2 of its own pid namespace" [ "$(echo "$out" | tail -1)" = 2 ]
check "exit 0" [ "$rc" = 0 ]

plan nnp '["/bin/sh", "-c", "grep NoNewPrivs /proc/self/status | cut -f2; grep -c . /proc/net/dev; ps -o sid= -p $$ 2>/dev/null || cat /proc/self/stat | cut -d\" \" -f6"]'
run nnp
check "no_new_privs set" [ "$(echo "$out" | sed -n 1p)" = 1 ]
check "own network namespace: only lo" [ "$(echo "$out" | sed -n 2p)" = 3 ]
check "app leads a new session" [ "$(echo "$out" | sed -n 3p | tr -d ' ')" = 2 ]

plan hostnet '["/bin/sh", "-c", "grep -c . /proc/net/dev"]' "" '"flags": 1'
run hostnet
check "HOST_NET shares the host network" [ "$out" = "$(grep -c . /proc/net/dev)" ]

plan ro '["/bin/sh", "-c", "touch /usr/x 2>/dev/null && echo usr-writable; touch /newfile 2>/dev/null && echo root-writable; touch /tmp/x && echo tmp-ok; echo hi >/dev/null && echo devnull-ok; touch /dev/x 2>/dev/null && echo dev-writable; touch /dev/shm/x && echo shm-ok; test -L /etc/mtab && readlink /etc/mtab; test -d /dev/mqueue && echo mqueue; test -e /dev/pts/ptmx && echo pts"]'
run ro
check "binds are read-only" sh -c '! echo "$0" | grep -q usr-writable' "$out"
check "the root is read-only" sh -c '! echo "$0" | grep -q root-writable' "$out"
check "tmpfs writable" sh -c 'echo "$0" | grep -q tmp-ok' "$out"
check "/dev/null writable" sh -c 'echo "$0" | grep -q devnull-ok' "$out"
check "/dev is read-only" sh -c '! echo "$0" | grep -q dev-writable' "$out"
check "/dev/shm writable" sh -c 'echo "$0" | grep -q shm-ok' "$out"
check "/etc/mtab -> /proc/self/mounts" sh -c 'echo "$0" | grep -qx /proc/self/mounts' "$out"
check "mqueue and devpts" sh -c 'echo "$0" | grep -q mqueue && echo "$0" | grep -q pts' "$out"

plan mounts '["/bin/sh", "-c", "cat /proc/self/mountinfo"]'
run mounts
check "every mount nosuid" sh -c '! echo "$0" | awk "{print \$6}" | grep -v nosuid | grep -q .' "$out"

plan exit7 '["/bin/sh", "-c", "exit 7"]'
run exit7
check "exit status passes through (7)" [ "$rc" = 7 ]

plan kill9 '["/bin/sh", "-c", "kill -9 $$"]'
run kill9
check "killed app gives 128+9" [ "$rc" = 137 ]

plan notfound '["no-such-command-xyz"]'
run notfound
check "command not found: 127" [ "$rc" = 127 ]
check "command not found: message" [ "$err" = 'hsu-init: cannot execute "no-such-command-xyz": No such file or directory' ]

plan notexec '["/etc/passwd"]'
run notexec
check "not executable: 126" [ "$rc" = 126 ]

plan path '["sh", "-c", "exit 3"]'
run path
check "bare argv[0] searched on PATH" [ "$rc" = 3 ]

plan missing '["/bin/true"]' '{"op": "bind", "source": "/nonexistent/x", "target": "/y"}'
run missing
check "missing bind source: 125" [ "$rc" = 125 ]
check "missing bind source: message" [ "$err" = 'hsu-init: cannot bind "/nonexistent/x" on "/y": No such file or directory' ]

plan optional '["/bin/sh", "-c", "test -e /y && echo present"]' '{"op": "bind", "source": "/nonexistent/x", "target": "/y", "flags": 4}'
run optional
check "OPTIONAL missing source skipped" [ "$rc:$out" = "1:" ]

mkdir -p "$work/home" && chmod 777 "$work/home"
plan ensure '["/bin/sh", "-c", "echo data >/data/f && echo written"]' "{\"op\": \"bind\", \"source\": \"$work/home/a/b\", \"target\": \"/data\", \"flags\": 9}"
run ensure
check "ENSURE creates the source (0700) and binds it writable" sh -c '[ "$0" = written ] && [ "$(stat -c %a "$1")" = 700 ] && [ "$(cat "$1/f")" = data ]' "$out" "$work/home/a/b"

plan cwd '["/bin/true"]' "" '"uid": 1000, "cwd": "/nonexistent"'
run cwd
check "missing cwd: message and 125" [ "$rc:$err" = '125:hsu-init: cannot change directory to "/nonexistent": No such file or directory' ]

plan cwd2 '["/bin/pwd"]' "" '"uid": 1000, "cwd": "/usr/share"'
run cwd2
check "cwd applied" [ "$out" = /usr/share ]

plan uid0 '["/bin/sh", "-c", "id -u"]' "" '"uid": 0, "gid": 0'
run uid0
check "uid 0 inside maps to the caller" [ "$out" = 0 ]

plan misc '["/bin/sh", "-c", "readlink /a/link; stat -c %a /a/dir; cat /a/placed; stat -c %a /a/placed; touch /ro/x 2>/dev/null || echo ro-ok"]' \
  '{"op": "symlink", "target": "/a/link", "link_name": "../target"},
   {"op": "mkdir", "target": "/a/dir", "mode": 448},
   {"op": "place", "target": "/a/placed", "data": "hello", "mode": 256},
   {"op": "tmpfs", "target": "/ro", "flags": 1}'
run misc
check "SYMLINK, MKDIR, PLACE, read-only TMPFS" [ "$(echo $out)" = "../target 700 hello400 ro-ok" ]

ln -s /some/where "$work/deref"
plan deref '["/bin/readlink", "/l"]' "{\"op\": \"symlink\", \"target\": \"/l\", \"link_name\": \"$work/deref\", \"flags\": 1}"
run deref
check "SYMLINK DEREFERENCE reads the host link" [ "$out" = /some/where ]

# A symlink identical to what is there is a no-op (bubblewrap 0.10 too);
# one with other content, or something that is not a symlink, is an error.
plan link_twice '["/bin/readlink", "/a/twice"]' \
  '{"op": "symlink", "target": "/a/twice", "link_name": "../t"}, {"op": "symlink", "target": "/a/twice", "link_name": "../t"}'
run link_twice
check "the same SYMLINK twice is a no-op" [ "$rc:$out" = "0:../t" ]
host_link=$(ls / | while read -r e; do [ -L "/$e" ] && echo "$e" && break; done)
if [ -n "$host_link" ]; then
  host_to=$(readlink "/$host_link")
  plan link_root '["/bin/readlink", "/'"$host_link"'"]' \
    "{\"op\": \"symlink\", \"target\": \"/$host_link\", \"link_name\": \"$host_to\"}"
  run link_root
  check "a SYMLINK identical to the AUTO_ROOT's (/$host_link -> $host_to) is a no-op" [ "$rc:$out" = "0:$host_to" ]
  plan link_root_other '["/bin/true"]' \
    "{\"op\": \"symlink\", \"target\": \"/$host_link\", \"link_name\": \"/elsewhere\"}"
  run link_root_other
  check "a SYMLINK conflicting with the AUTO_ROOT's is an error" \
    [ "$rc:$err" = "125:hsu-init: cannot create symlink \"/$host_link\" -> \"/elsewhere\" over the symlink to \"$host_to\": File exists" ]
else
  echo "# the host's / has no symlink: the AUTO_ROOT cases are not run"
fi
plan link_conflict '["/bin/true"]' \
  '{"op": "symlink", "target": "/a/c", "link_name": "one"}, {"op": "symlink", "target": "/a/c", "link_name": "two"}'
run link_conflict
check "a second SYMLINK with other content is an error" \
  [ "$rc:$err" = '125:hsu-init: cannot create symlink "/a/c" -> "two" over the symlink to "one": File exists' ]
plan link_on_dir '["/bin/true"]' '{"op": "mkdir", "target": "/a/d"}, {"op": "symlink", "target": "/a/d", "link_name": "x"}'
run link_on_dir
check "a SYMLINK on a directory is an error" [ "$rc:$err" = '125:hsu-init: cannot create symlink "/a/d" -> "x": File exists' ]

mkdir -p "$work/rw" && chmod 777 "$work/rw"
plan remount '["/bin/sh", "-c", "touch /w/a && echo w-ok; touch /w/sub/b 2>/dev/null || echo sub-ro"]' \
  "{\"op\": \"bind\", \"source\": \"$work/rw\", \"target\": \"/w\", \"flags\": 1},
   {\"op\": \"mkdir\", \"target\": \"/w/sub\"}, {\"op\": \"remount\", \"target\": \"/w/sub\", \"flags\": 1}"
mkdir -p "$work/rw/sub" && chmod 777 "$work/rw/sub"
run remount
check "REMOUNT of a subdirectory leaves its parent writable" [ "$(echo $out)" = "w-ok sub-ro" ]

plan notours '["/bin/true"]' "{\"op\": \"bind\", \"source\": \"$work/rw\", \"target\": \"/w\", \"flags\": 1}, {\"op\": \"mkdir\", \"target\": \"/w/new/dir\"}"
run notours
check "no directories created on host binds" sh -c '[ "$0" = 125 ] && [ ! -e "$1/new" ]' "$rc" "$work/rw"

# Overlays, as the user.
for d in lower1 lower2 'we,ird:lo\wer' upper work pupper pwork; do mkdir -p "$work/ovl/$d"; done
echo one >"$work/ovl/lower1/a"; echo two >"$work/ovl/lower2/b"; echo three >"$work/ovl/we,ird:lo\\wer/c"
mkdir "$work/ovl/lower1/dir"; echo x >"$work/ovl/lower1/dir/f"
[ "$(id -u)" = 0 ] && chown -R "$user:$user" "$work/ovl"
lw=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$work/ovl/we,ird:lo\\wer")
plan ovl_eph '["/bin/sh", "-c", "cat /o/a /o/c; echo new >/o/n && cat /o/n; rm -r /o/dir && echo rm-ok"]' \
  "{\"op\": \"overlay\", \"target\": \"/o\", \"flags\": 1, \"lowers\": [\"$work/ovl/lower1\", $lw]}"
run ovl_eph
check "ephemeral overlay (lower with , : and \\)" [ "$(echo $out)" = "one three new rm-ok" ]
check "ephemeral overlay leaves the lowers alone" [ -e "$work/ovl/lower1/dir/f" ] && [ ! -e "$work/ovl/lower1/n" ]
plan ovl_per '["/bin/sh", "-c", "echo kept >/o/k; cat /o/a"]' \
  "{\"op\": \"overlay\", \"target\": \"/o\", \"flags\": 2, \"upper\": \"$work/ovl/pupper\", \"work\": \"$work/ovl/pwork\", \"lowers\": [\"$work/ovl/lower1\"]}"
run ovl_per
check "persistent overlay writes its upper" sh -c '[ "$0" = one ] && [ "$(cat "$1")" = kept ]' "$out" "$work/ovl/pupper/k"
echo first >"$work/ovl/lower1/same"; echo second >"$work/ovl/lower2/same"
[ "$(id -u)" = 0 ] && chown "$user:$user" "$work/ovl/lower1/same" "$work/ovl/lower2/same"
plan ovl_order '["/bin/cat", "/o/same"]' \
  "{\"op\": \"overlay\", \"target\": \"/o\", \"flags\": 4, \"lowers\": [\"$work/ovl/lower1\", \"$work/ovl/lower2\"]}"
run ovl_order
check "lowers[0] is the topmost layer" [ "$out" = first ]
plan ovl_ro '["/bin/sh", "-c", "cat /o/a /o/b; touch /o/z 2>/dev/null || echo ro-ok"]' \
  "{\"op\": \"overlay\", \"target\": \"/o\", \"flags\": 4, \"lowers\": [\"$work/ovl/lower1\", \"$work/ovl/lower2\"]}"
run ovl_ro
check "read-only overlay with two lowers" [ "$(echo $out)" = "one two ro-ok" ]

# Every character mount options treat specially (space, ", :, , and \), in
# every path of an overlay: lower, upper, work and target. The kernel
# unescapes upperdir and workdir, not lowerdir+.
odd='sp ace"quo:col,com\back'
for d in "l1 $odd" "l2 $odd" "up $odd" "wk $odd"; do mkdir -p "$work/ovl/$d"; done
echo odd-one >"$work/ovl/l1 $odd/a"; echo odd-two >"$work/ovl/l2 $odd/b"
[ "$(id -u)" = 0 ] && chown -R "$user:$user" "$work/ovl"
js() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
ol1=$(js "$work/ovl/l1 $odd") ol2=$(js "$work/ovl/l2 $odd") oup=$(js "$work/ovl/up $odd")
owk=$(js "$work/ovl/wk $odd") otg=$(js "/o $odd") oarg=$(js "$odd")
plan ovl_odd '["/bin/sh", "-c", "cd \"/o $0\" && cat a b && echo w >w && echo written",  '"$oarg"']' \
  "{\"op\": \"overlay\", \"target\": $otg, \"flags\": 2, \"upper\": $oup, \"work\": $owk, \"lowers\": [$ol1, $ol2]}"
run ovl_odd
check "persistent overlay with space, \", :, , and \\ in lower, upper, work and target" \
  sh -c '[ "$(echo $0)" = "odd-one odd-two written" ] && [ "$(cat "$1/w")" = w ]' "$out" "$work/ovl/up $odd"
plan ovl_odd_ro '["/bin/sh", "-c", "cat \"/o $0/a\" \"/o $0/b\"",  '"$oarg"']' \
  "{\"op\": \"overlay\", \"target\": $otg, \"flags\": 4, \"lowers\": [$ol1, $ol2]}"
run ovl_odd_ro
check "read-only overlay with the same characters in both lowers and the target" [ "$(echo $out)" = "odd-one odd-two" ]
plan ovl_odd_eph '["/bin/sh", "-c", "echo e >\"/o $0/e\" && cat \"/o $0/e\" \"/o $0/a\"",  '"$oarg"']' \
  "{\"op\": \"overlay\", \"target\": $otg, \"flags\": 1, \"lowers\": [$ol1]}"
run ovl_odd_eph
check "ephemeral overlay with the same characters in the lower and the target" [ "$(echo $out)" = "e odd-one" ]

plan daemon '["/bin/sh", "-c", "cat /run/ready; sleep 0.2"]' \
  '{"op": "daemon", "ready": "/run/ready", "timeout_ms": 5000, "argv": ["/bin/sh", "-c", "sleep 0.3; echo up >/run/ready; exec sleep 987"], "env": ["PATH=/bin"]}'
run daemon
check "daemon started before the app" [ "$rc:$out" = "0:up" ]
check "daemon killed with the sandbox" sh -c '! pgrep -f "[s]leep 987" >/dev/null'
plan daemon_to '["/bin/true"]' \
  '{"op": "daemon", "ready": "/run/never", "timeout_ms": 300, "argv": ["/bin/sleep", "100"]}'
run daemon_to
check "daemon timeout: message and 125" [ "$rc:$err" = '125:hsu-init: daemon "/bin/sleep" did not create "/run/never" within 300 ms' ]

plan linger '["/bin/sh", "-c", "sleep 100 & exit 5"]'
start=$(date +%s%N)
run linger
elapsed=$((($(date +%s%N) - start) / 1000000))
check "lingering children bounded by wait_delay_ms" [ "$rc" = 5 ] && [ "$elapsed" -lt 3000 ]

# Signals: SIGTERM to the outer reaches the app.
plan term '["/bin/sh", "-c", "trap \"exit 42\" TERM; echo ready; while :; do sleep 0.05; done"]'
as_user_exec "$init" --plan "$work/term.plan" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"; rc=$?
check "SIGTERM to the outer reaches the app" [ "$rc" = 42 ]

plan kill_outer '["/bin/sh", "-c", "echo ready; exec sleep 9876"]'
as_user_exec "$init" --plan "$work/kill_outer.plan" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
kill -KILL "$pid"
sleep 0.5
check "kill -9 of the outer kills the app" sh -c '! pgrep -f "[s]leep 9876" >/dev/null'
wait "$pid" 2>/dev/null

# DIE_WITH_PARENT: kill -9 of the shell that started hsu-init ends the
# sandbox; without the flag the sandbox goes on (reparented).
gone_within() { # gone_within TENTHS PATTERN: no process matches PATTERN within TENTHS/10 s
  for _ in $(seq "$1"); do pgrep -f "$2" >/dev/null || return 0; sleep 0.1; done
  return 1
}
dwp_dir=$work/dwp-rt/hsu/00000000000000d4
mkdir -p "$work/dwp-rt" && chmod 700 "$work/dwp-rt"
[ "$(id -u)" = 0 ] && chown "$user" "$work/dwp-rt"
for flags in 4 0; do
  plan "parent$flags" '["/bin/sh", "-c", "echo ready; exec sleep 987'"$flags"'"]' "" \
    "\"uid\": 1000, \"flags\": $flags, \"instance\": {\"id\": \"00000000000000d$flags\", \"dir\": \"$work/dwp-rt/hsu/00000000000000d$flags\"}"
  as_user_exec /bin/sh -c '"$0" --plan "$1" & wait' "$init" "$work/parent$flags.plan" >"$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
  out=$(cat "$work/out")
  check "the sandbox runs (flags $flags)" [ "$out" = ready ]
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  if [ "$flags" = 4 ]; then
    check "DIE_WITH_PARENT: kill -9 of the parent ends the sandbox within 3 s" gone_within 30 "[s]leep 9874"
    check "DIE_WITH_PARENT: no hsu-init left" sh -c '! pgrep -f "[h]su-init --plan $0" >/dev/null' "$work/parent4.plan"
    check "DIE_WITH_PARENT: the instance dir is removed" [ ! -e "$dwp_dir" ]
  else
    sleep 1
    check "without DIE_WITH_PARENT the sandbox outlives its parent" pgrep -f "[s]leep 9870"
    for p in $(pgrep -f "[h]su-init --plan $work/parent0.plan"); do kill -TERM "$p"; done
    check "(and ends on SIGTERM to its hsu-init)" gone_within 30 "[s]leep 9870"
  fi
done

# Process hygiene: inherited fds closed, signal state reset.
plan fds '["/bin/sh", "-c", "ls /proc/self/fd | sort -n | tr \"\\n\" \" \"; grep -E \"^Sig(Blk|Ign)\" /proc/self/status | cut -f2 | tr \"\\n\" \" \""]'
as_user bash -c "trap '' TERM HUP; exec 7</etc/hostname 9</etc/hostname; exec '$init' --plan '$work/fds.plan'" >"$work/out" 2>&1
out=$(cat "$work/out")
check "only 0 1 2 inherited; no signal blocked or ignored" [ "$out" = "0 1 2 3 0000000000000000 0000000000000000 " ]

# --plan-fd with a memfd whose offset is at the end, as the launcher leaves it.
as_user python3 - "$init" "$work/id.plan" >"$work/out" 2>&1 <<'PY'
import os, sys
fd = os.memfd_create("plan", 0)
os.write(fd, open(sys.argv[2], "rb").read())
os.set_inheritable(fd, True)
os.execv(sys.argv[1], [sys.argv[1], "--plan-fd", str(fd)])
PY
check "--plan-fd reads a memfd from offset 0" [ "$(sed -n 3p "$work/out")" = sandbox ]

as_user "$init" --plan-fd 99 >/dev/null 2>"$work/err"; rc=$?
check "--plan-fd of a closed fd: 125" [ "$rc:$(cat "$work/err")" = "125:hsu-init: cannot use plan fd 99: Bad file descriptor" ]
"$init" --bogus >/dev/null 2>"$work/err"; rc=$?
check "usage: 125" [ "$rc" = 125 ] && grep -q usage "$work/err"
printf 'HSUPLAN\0\2\0\0\0\0\0\0\0' >"$work/bad.plan"
"$init" --check-plan "$work/bad.plan" >/dev/null 2>"$work/err"; rc=$?
check "--check-plan of a bad plan: 125 and a sentence" [ "$rc:$(cat "$work/err")" = "125:hsu-init: invalid plan: plan ends after record 0 without an END record" ]
out=$("$init" --check-plan "$work/id.plan"); rc=$?
check "--check-plan of a good plan: ok, 0" [ "$rc:$out" = "0:ok" ]

# --- Hardening: seccomp and Landlock, tried from inside with tests/attempt.c,
# which prints "ok" or the errno name of its one attempt.
cp "$here/../build/attempt" "$work/attempt" && chmod 755 "$work/attempt"
attempt_op="{\"op\": \"bind\", \"source\": \"$work/attempt\", \"target\": \"/attempt\"}"
presets='"seccomp": {"presets": 31}'
# try NAME PARAMS ARGS...: runs "/attempt ARGS" with PARAMS added to the plan
try() {
  local name=$1 params=$2 argv; shift 2
  argv=$(python3 -c 'import json, sys; print(json.dumps(["/attempt"] + sys.argv[1:]))' "$@")
  plan "$name" "$argv" "$attempt_op" "\"uid\": 1000${params:+, $params}"
  run "$name"
}
# on_host ARGS...: what the attempt answers outside any sandbox (the kernel's
# own answer, which sysctls such as perf_event_paranoid decide).
on_host() { as_user "$work/attempt" "$@" 2>/dev/null </dev/null; }
# expect DESCRIPTION PARAMS WANT ARGS...: the attempt printed WANT, exit 0
expect() {
  local what=$1 params=$2 want=$3; shift 3
  try t "$params" "$@"
  check "$what" [ "$rc:$out" = "0:$want" ]
}

host_tiocsti=$(on_host tiocsti)
expect "no filter: TIOCSTI on our own tty answers as on the host ($host_tiocsti; legacy_tiocsti $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo absent))" \
  "" "$host_tiocsti" tiocsti
expect "deny-tty: TIOCSTI fails with EPERM" "$presets" EPERM tiocsti
expect "deny-tty: TIOCSTI with high bits set fails with EPERM" "$presets" EPERM tiocsti high
expect "deny-tty: TIOCLINUX fails with EPERM" "$presets" EPERM tioclinux
expect "deny-tty: TIOCLINUX with high bits set fails with EPERM" "$presets" EPERM tioclinux high
expect "deny-tty alone, keeping the session: TIOCSTI fails with EPERM" \
  '"flags": 2, "seccomp": {"presets": 8}' EPERM tiocsti high
expect "no filter: unshare(CLONE_NEWUSER) works" "" ok unshare-user
expect "deny-ns: unshare(CLONE_NEWUSER) fails with EPERM" "$presets" EPERM unshare-user
expect "deny-ns: clone(CLONE_NEWUSER) fails with EPERM" "$presets" EPERM clone-user
expect "no filter: clone3 works" "" ok clone3
expect "deny-ns: clone3 fails with ENOSYS" "$presets" ENOSYS clone3
expect "deny-ns: setns fails with EPERM" "$presets" EPERM setns
expect "deny-ns: chroot fails with EPERM" "$presets" EPERM chroot
expect "deny-ns: mount fails with EPERM" "$presets" EPERM mount
expect "deny-ns: fsopen fails with EPERM" "$presets" EPERM fsopen
expect "deny-ns: pivot_root fails with EPERM" "$presets" EPERM pivot_root
expect "no filter: mount works in a nested user namespace" "" ok userns-mount
expect "allow-userns: nested user namespace, but mount still fails with EPERM" \
  '"seccomp": {"presets": 31, "relax": 2}' EPERM userns-mount
expect "allow-userns: clone3 works" '"seccomp": {"presets": 31, "relax": 2}' ok clone3
host_keyctl=$(on_host keyctl)
expect "no filter: keyctl answers as on the host ($host_keyctl)" "" "$host_keyctl" keyctl
expect "common: keyctl fails with EPERM" "$presets" EPERM keyctl
expect "common: add_key fails with EPERM" "$presets" EPERM add_key
expect "common: bpf fails with EPERM" "$presets" EPERM bpf
expect "common: io_uring_setup fails with EPERM" "$presets" EPERM io_uring
expect "common: userfaultfd fails with EPERM" "$presets" EPERM userfaultfd
expect "ext: clock_settime fails with EPERM" "$presets" EPERM clock_settime
host_perf=$(on_host perf)
expect "no filter: perf_event_open answers as on the host ($host_perf; perf_event_paranoid $(feature perf-event-paranoid))" \
  "" "$host_perf" perf
expect "deny-devel: perf_event_open fails with EPERM" "$presets" EPERM perf
expect "deny-devel: ptrace of PID 1 fails with EPERM" "$presets" EPERM ptrace-attach 1
expect "deny-devel: PTRACE_TRACEME fails with EPERM" "$presets" EPERM ptrace-child
expect "allow-ptrace: a child can be ptraced" '"seccomp": {"presets": 31, "relax": 1}' ok ptrace-child
expect "allow-ptrace: PID 1 still cannot be ptraced" '"seccomp": {"presets": 31, "relax": 1}' \
  EPERM ptrace-attach 1
expect "deny-devel: personality(PER_LINUX32) fails with EPERM" "$presets" EPERM personality 8
expect "deny-devel: personality(READ_IMPLIES_EXEC) fails with EPERM" "$presets" EPERM \
  personality 0x400000
expect "deny-devel: personality(PER_LINUX) works" "$presets" ok personality 0
expect "deny-devel: personality(0xffffffff) query works" "$presets" ok personality 0xffffffff
# The secondary ABIs. The filter's own answer (its BPF, as hsu-init dumps it,
# evaluated by tests/bpf_eval.c) is checked on every kernel; the kernel's
# answer only where the kernel has the ABI (where it lacks it, int $0x80 kills
# the caller with SIGSEGV before any filter runs, and an x32 call is ENOSYS
# with or without a filter).
# filter_says DESCRIPTION PARAMS WANT ABI NR: the plan's dumped filter answers WANT
filter_says() {
  local what=$1 params=$2 want=$3
  plan bpf '["/bin/true"]' "" "\"uid\": 1000${params:+, $params}"
  out=$("$init" --dump-filter "$work/bpf.plan" 2>"$work/err" | "$here/../build/bpf-eval" "$4" "$5")
  rc=$?
  err=$(cat "$work/err")
  check "$what" [ "$rc:$out" = "0:$want" ]
}
multiarch='"seccomp": {"presets": 31, "relax": 4}'
if [ "$(feature i386-abi)" = present ]; then
  i386=" (i386 ABI present: the kernel agrees)"
  expect "no filter: an i386 syscall (int 0x80) works" "" ok int80-getpid
  expect "i386 syscalls fail with ENOSYS" "$presets" ENOSYS int80-getpid
  expect "i386 syscalls fail with ENOSYS without any preset" '"seccomp": {}' ENOSYS int80-getpid
  expect "multiarch: i386 syscalls work" "$multiarch" ok int80-getpid
else
  i386=" (i386 ABI absent on this kernel: the filter's BPF only)"
fi
filter_says "the filter answers ENOSYS to an i386 getpid$i386" "$presets" "errno ENOSYS" i386 20
filter_says "the filter answers ENOSYS to an i386 getpid without any preset$i386" '"seccomp": {}' \
  "errno ENOSYS" i386 20
filter_says "multiarch: the filter allows an i386 getpid$i386" "$multiarch" allow i386 20
filter_says "multiarch: the filter keeps the presets for i386 (keyctl)$i386" "$multiarch" \
  "errno EPERM" i386 288
if [ "$(feature x32-abi)" = present ]; then
  x32=" (x32 ABI present: the kernel agrees)"
  expect "no filter: an x32 syscall works" "" ok x32-getpid
  expect "x32 syscalls fail with ENOSYS" "$presets" ENOSYS x32-getpid
  expect "multiarch: x32 syscalls work" "$multiarch" ok x32-getpid
else
  x32=" (x32 ABI absent on this kernel: the filter's BPF only)"
fi
filter_says "the filter answers ENOSYS to an x32 getpid$x32" "$presets" "errno ENOSYS" x32 39
filter_says "multiarch: the filter allows an x32 getpid$x32" "$multiarch" allow x32 39
filter_says "the filter allows a native getpid" "$presets" allow x86_64 39
expect "no filter: AF_PACKET is refused by the kernel (EPERM)" "" EPERM socket 17
expect "socket(AF_PACKET) fails with EAFNOSUPPORT" "$presets" EAFNOSUPPORT socket 17
expect "socket(AF_PACKET) with high bits set fails with EAFNOSUPPORT" "$presets" EAFNOSUPPORT \
  socket 17 high
expect "socket(AF_VSOCK) fails with EAFNOSUPPORT" '"seccomp": {}' EAFNOSUPPORT socket 40
expect "socket(AF_UNIX) works" "$presets" ok socket 1
expect "an extra family reaches the kernel" '"seccomp": {"presets": 31, "families": [17]}' EPERM \
  socket 17
expect "a deny rule gives its errno" '"seccomp": {"deny": [["chdir", 13]]}' EACCES chdir /
expect "the last deny rule for a syscall wins" '"seccomp": {"deny": [["chdir", 13], ["chdir", 5]]}' \
  EIO chdir /
expect "a deny rule replaces the preset's" '"seccomp": {"presets": 31, "deny": [["ptrace", 3]]}' \
  ESRCH ptrace-attach 1
try unknown '"seccomp": {"deny": [["no_such_call", 1]]}' chdir /
check "unknown syscall in a deny rule: 125 and a sentence" \
  [ "$rc:$err" = '125:hsu-init: cannot build the seccomp filter: unknown syscall "no_such_call"' ]
"$init" --check-plan "$work/unknown.plan" >/dev/null 2>&1; rc=$?
check "--check-plan also refuses an unknown syscall" [ "$rc" = 125 ]
try noexec '"seccomp": {"deny": [["execve", 1]]}' ok
check "exec failure under the filter is still reported" \
  [ "$rc:$err" = '126:hsu-init: cannot execute "/attempt": Operation not permitted' ]
plan caps '["/bin/sh", "-c", "grep -E \"^(Cap(Eff|Prm|Bnd|Amb|Inh)|NoNewPrivs|Seccomp):\" /proc/self/status | cut -f2 | sort -u | tr \"\\n\" \" \""]' \
  "" "\"uid\": 1000, $presets, \"landlock\": {\"flags\": 6}"
run caps
check "hardened app: no capability, no_new_privs, seccomp filter mode" \
  [ "$rc:$out" = "0:0000000000000000 1 2 " ]

plan dumpable '["/bin/sh", "-c", "cat /proc/1/environ >/dev/null 2>&1 || echo init-hidden; test -r /proc/self/environ && echo self-ok"]' \
  "" "\"uid\": 1000, $presets, \"landlock\": {\"flags\": 6}"
run dumpable
check "PID 1 is not dumpable (its environ unreadable); the app's own /proc is" \
  [ "$rc:$(echo $out)" = "0:init-hidden self-ok" ]

# --- Host identity (docs/security.md 16): what a bind carries along,
# what sits beside the files a plan places, what PID 1 shows.
# plan_ops NAME ARGV-JSON OPS-JSON [EXTRA-PARAMS-JSON]: a plan with exactly these ops.
plan_ops() {
  python3 "$mkplan" "$work/$1.plan" <<JSON || exit 1
{"hostname": "sandbox", "cwd": "/", "argv": $2, "env": ["PATH=/usr/bin:/bin"],
 "wait_delay_ms": 300, "uid": 1000${4:+, $4}, "ops": [$3]}
JSON
  chmod 644 "$work/$1.plan"
}
ifs='["/bin/sh", "-c", "ls /sys/class/net | tr \"\\n\" \" \"; echo; ls /sys/devices/virtual/net | tr \"\\n\" \" \""]'
host_ifs=$(ls /sys/class/net | tr '\n' ' ')
plan_ops sysfs "$ifs" '{"op": "auto_root", "exclude": ["sys"]}, {"op": "sysfs"}'
run sysfs
check "SYSFS: only lo in /sys/class/net and /sys/devices/virtual/net" [ "$rc:$(echo $out)" = "0:lo lo" ]
plan_ops sysfs_mirror "$ifs" '{"op": "auto_root"}'
run sysfs_mirror
check "control: the mirrored host /sys shows the host's interfaces ($host_ifs)" \
  sh -c '[ "$0" = "$1" ] && [ "$1" != "lo " ]' "$(echo "$out" | head -1)" "$host_ifs"
plan_ops sysfs_stacked "$ifs" '{"op": "auto_root"}, {"op": "sysfs"}'
run sysfs_stacked
check "SYSFS on top of a mirrored /sys: only lo" [ "$rc:$(echo $out)" = "0:lo lo" ]
plan_ops sysfs_hostnet "$ifs" '{"op": "auto_root", "exclude": ["sys"]}, {"op": "sysfs"}' '"flags": 1'
"$init" --check-plan "$work/sysfs_hostnet.plan" >/dev/null 2>"$work/err"; rc=$?
check "SYSFS with HOST_NET: the plan is refused" \
  [ "$rc:$(cat "$work/err")" = "125:hsu-init: invalid plan: record 3 (SYSFS): a new sysfs needs the sandbox's own network namespace (PARAMS has HOST_NET)" ]

# Where a mount hides part of the host's /sys (as a container runtime's
# masks do), the kernel refuses a new sysfs: one sentence, no fallback.
as_user unshare -Urm /bin/sh -c 'mount -t tmpfs none /sys/devices/virtual &&
  exec unshare -U --map-user="$1" --map-group="$2" "$3" --plan "$4"' \
  sh "$(as_user id -u)" "$(as_user id -g)" "$init" "$work/sysfs.plan" >"$work/out" 2>"$work/err" </dev/null
rc=$? err=$(cat "$work/err")
check "SYSFS refused by the kernel (part of /sys hidden): 125 and a sentence" \
  [ "$rc:$err" = '125:hsu-init: cannot mount a new sysfs on "/sys": Operation not permitted (the kernel refuses a new sysfs where parts of the host'"'"'s /sys are hidden, as in some containers; a profile with root.exclude: [sys] has no /sys)' ]

# The host's cgroup mounts live beneath /sys/fs/cgroup: a mirrored /sys
# (as with the host network) covers them.
cg='["/bin/sh", "-c", "find /sys/fs/cgroup -name cgroup.procs 2>/dev/null | wc -l; ls /sys/fs/cgroup | wc -l"]'
plan_ops cgroup "$cg" '{"op": "auto_root"}, {"op": "dev"}' '"flags": 1'
run cgroup
host_cg=$(find /sys/fs/cgroup -name cgroup.procs 2>/dev/null | wc -l)
check "mirrored /sys: no cgroup file beneath /sys/fs/cgroup (the host has $host_cg)" \
  sh -c '[ "$0" -gt 0 ] && [ "$1" = 0 ]' "$host_cg" "$(echo "$out" | head -1)"
cg_mount=$(findmnt -rn -t cgroup2,cgroup -o TARGET | head -1)
plan_ops cgroup_named "$cg" "{\"op\": \"auto_root\", \"exclude\": [\"sys\"]}, {\"op\": \"dev\"}, {\"op\": \"bind\", \"source\": \"$cg_mount\", \"target\": \"/sys/fs/cgroup\"}" '"flags": 1'
run cgroup_named
check "control: a bind that names a cgroup mount ($cg_mount) shows the host's cgroups" \
  sh -c '[ "$0" -gt 0 ]' "$(echo "$out" | head -1)"

# A fake /etc: a placed name that is a file, one that is an absolute
# symlink (NixOS style, resolved inside the sandbox), one a relative symlink.
mkdir -p "$work/etc/static" "$work/etc/sub"
echo 'root:x:0:0:root:/root:/bin/sh' >"$work/etc/passwd"
echo 'real-host-name' >"$work/etc/static/hostname"
ln -s /etc/static/hostname "$work/etc/hostname"
echo '10.0.0.1 real-host-name' >"$work/etc/sub/hosts"
ln -s sub/hosts "$work/etc/hosts"
echo 'kept' >"$work/etc/kept"
chmod -R a+rX "$work/etc"
etc_read='["/bin/sh", "-c", "cat /etc/.host/passwd /etc/.host/hostname /etc/.host/hosts /etc/.host/static/hostname /etc/.host/sub/hosts /etc/kept 2>&1; ls /etc | tr \"\\n\" \" \""]'
plan_ops etc_hide "$etc_read" "{\"op\": \"auto_root\"}, {\"op\": \"auto_etc\", \"host\": \"$work/etc\", \"skip\": [\"passwd\", \"hostname\", \"hosts\", \"absent\"]}"
run etc_hide
check "AUTO_ETC: the skipped names' originals are empty in .host, through symlinks too" \
  [ "$rc:$(echo $out)" = "0:kept kept mtab static sub" ]
plan_ops etc_shown "$etc_read" "{\"op\": \"auto_root\"}, {\"op\": \"auto_etc\", \"host\": \"$work/etc\"}"
run etc_shown
check "control: without skip, .host shows the host's accounts and name" \
  sh -c 'echo "$0" | grep -q "^root:x:0:0" && echo "$0" | grep -q "10.0.0.1 real-host-name"' "$out"
plan etc_real '["/bin/sh", "-c", "cat /etc/.host/passwd | wc -c; cat /etc/passwd"]'
run etc_real
check "the real /etc: .host/passwd is empty, /etc/passwd the placed one" \
  [ "$rc:$(echo $out)" = "0:0 u:x:1000:1000::/home/u:/bin/sh" ]

# A pseudo filesystem mounted beneath a directory a plan binds, as a chroot
# tool leaves one: the host's /proc bound in an outer user and mount
# namespace of the test user (root cannot be asked for), then hsu-init in a
# user namespace of its own inside, with the test user's ids.
vt=$(mktemp -d /var/tmp/hsu-itest.XXXXXX)
trap '[ -n "$sway_pid" ] && kill "$sway_pid" 2>/dev/null; [ -n "$weston_pid" ] && kill "$weston_pid" 2>/dev/null; [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null; rm -rf "$work" "$vt"' EXIT
mkdir -p "$work/chroot/proc" "$work/chroot/data" "$vt/proc"
echo data >"$work/chroot/data/f"
chmod -R a+rwX "$work/chroot" && chmod 755 "$vt" "$vt/proc"
[ "$(id -u)" = 0 ] && chown -R "$user" "$work/chroot" "$vt"
uid=$(as_user id -u) gid=$(as_user id -g)
# run_beneath NAME: run NAME with a host /proc at $work/chroot/proc and $vt/proc
run_beneath() {
  as_user unshare -Urm /bin/sh -c 'mount --rbind /proc "$1" && mount --rbind /proc "$2" &&
    exec unshare -U --map-user="$3" --map-group="$4" "$5" --plan "$6"' \
    sh "$work/chroot/proc" "$vt/proc" "$uid" "$gid" "$init" "$work/$1.plan" \
    >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}
count="ls DIR | grep -c '^[0-9]'; test -e DIR/1/cmdline && echo host-init || true"
plan_ops beneath_bind "[\"/bin/sh\", \"-c\", \"${count//DIR//c/proc}; cat /c/data/f\"]" \
  "{\"op\": \"auto_root\"}, {\"op\": \"bind\", \"source\": \"$work/chroot\", \"target\": \"/c\"}"
run_beneath beneath_bind
check "a host proc beneath a bound directory is covered (empty), the rest is there" \
  [ "$rc:$(echo $out)" = "0:0 data" ]
plan_ops beneath_named "[\"/bin/sh\", \"-c\", \"${count//DIR//p}\"]" \
  "{\"op\": \"auto_root\"}, {\"op\": \"bind\", \"source\": \"$work/chroot/proc\", \"target\": \"/p\"}"
run_beneath beneath_named
check "control: a bind that names the proc mount shows every host process" \
  sh -c '[ "$0" = 0 ] && [ "$(echo "$1" | head -1)" -gt 10 ] && echo "$1" | grep -qx host-init' "$rc" "$out"
plan_ops beneath_root "[\"/bin/sh\", \"-c\", \"${count//DIR/$vt/proc}\"]" '{"op": "auto_root"}'
run_beneath beneath_root
check "a host proc beneath a directory AUTO_ROOT mirrors is covered" [ "$rc:$(echo $out)" = "0:0" ]
plan_ops beneath_etc "[\"/bin/sh\", \"-c\", \"${count//DIR//etc/.host/proc}\"]" \
  "{\"op\": \"auto_root\"}, {\"op\": \"auto_etc\", \"host\": \"$work/chroot\"}"
run_beneath beneath_etc
check "a host proc beneath the AUTO_ETC source is covered" [ "$rc:$(echo $out)" = "0:0" ]

# PID 1 keeps running hsu-init's code, but its argv named host paths.
plan_ops pid1 '["/bin/sh", "-c", "tr \"\\0\" \"|\" </proc/1/cmdline; echo; for f in environ maps; do cat /proc/1/$f >/dev/null 2>&1 || echo no-$f; done; for l in exe cwd root; do readlink /proc/1/$l >/dev/null 2>&1 || echo no-$l; done; echo ready; sleep 1"]' \
  '{"op": "auto_root"}, {"op": "proc"}, {"op": "dev"}' '"landlock": {"flags": 6}'
as_user_exec "$init" --plan "$work/pid1.plan" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
outer_cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
wait "$pid"; rc=$?
out=$(cat "$work/out")
check "/proc/1/cmdline inside is \"hsu-init\" alone" [ "$(echo "$out" | head -1)" = "hsu-init|" ]
check "control: the same argv outside names hsu-init's host path and the plan's" \
  [ "$outer_cmdline" = "$init --plan $work/pid1.plan " ]
check "PID 1's environ, maps, exe, cwd and root are unreadable" \
  [ "$rc:$(echo $out | cut -d' ' -f2-)" = "0:no-environ no-maps no-exe no-cwd no-root ready" ]

# Daemons get the same filter and Landlock domain rules; each process
# hsu-init starts is its own Landlock domain.
daemon_op="$attempt_op, {\"op\": \"daemon\", \"ready\": \"/run/ready\", \"timeout_ms\": 5000, \"argv\": [\"/bin/sh\", \"-c\", \"/attempt unshare-user >/run/r; /attempt kill 1 >>/run/r; echo \$\$ >>/run/r; mv /run/r /run/ready; exec sleep 100\"]}"
plan daemon_hard '["/bin/sh", "-c", "cat /run/ready; /attempt kill $(tail -1 /run/ready)"]' "$daemon_op" \
  "\"uid\": 1000, $presets, \"landlock\": {\"flags\": 4}"
run daemon_hard
check "daemon: seccomp and Landlock applied; the app cannot signal it" \
  [ "$rc:$(echo $out | sed 's/ [0-9]* / PID /')" = "0:EPERM EPERM PID EPERM" ]
plan daemon_soft '["/bin/sh", "-c", "/attempt kill $(tail -1 /run/ready)"]' "$daemon_op" \
  "\"uid\": 1000, \"landlock\": {\"flags\": 0}"
run daemon_soft
check "without the signal scope the app can signal the daemon" [ "$rc:$out" = "0:ok" ]

expect "signal scope: kill of PID 1 (outside the domain) fails with EPERM" \
  '"landlock": {"flags": 4}' EPERM kill 1
expect "no signal scope: kill of PID 1 works" '"landlock": {"flags": 0}' ok kill 1

# Host listeners, as the user: an abstract unix socket and two TCP ports.
abstract=hsu-itest-$$
as_user_exec /usr/bin/python3 -c '
import socket, sys, time
u = socket.socket(socket.AF_UNIX); u.bind("\0" + sys.argv[1]); u.listen(8)
a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen(8)
b = socket.socket(); b.bind(("127.0.0.1", 0)); b.listen(8)
print(a.getsockname()[1], b.getsockname()[1], flush=True)
time.sleep(120)' "$abstract" >"$work/ports" &
listener=$!
for _ in $(seq 50); do [ -s "$work/ports" ] && break; sleep 0.1; done
read -r port_ok port_no <"$work/ports"
expect "host network, no scope: a host abstract socket is reachable" \
  '"flags": 1, "landlock": {"flags": 4}' ok abstract "$abstract"
expect "abstract unix scope: a host abstract socket fails with EPERM" \
  '"flags": 1, "landlock": {"flags": 2}' EPERM abstract "$abstract"
expect "own network namespace: a host abstract socket is not there" "" ECONNREFUSED \
  abstract "$abstract"
expect "TCP rules: a granted port connects" \
  "\"flags\": 1, \"landlock\": {\"flags\": 16, \"net\": [[$port_ok, 2]]}" ok connect "$port_ok"
expect "TCP rules: another port fails with EACCES" \
  "\"flags\": 1, \"landlock\": {\"flags\": 16, \"net\": [[$port_ok, 2]]}" EACCES connect "$port_no"
expect "no TCP rules: any port connects" '"flags": 1, "landlock": {"flags": 6}' ok connect "$port_no"
kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null

# / read and execute, /run writable, /dev/null writable (a file rule: the
# directory rights in 65535 are dropped for it), a missing path skipped.
fs='"landlock": {"flags": 8, "fs": [["/", 13], ["/run", 65535], ["/dev/null", 65535], ["/nonexistent", 3]]}'
expect "fs rules: writing a writable tmpfs outside the grants fails with EACCES" "$fs" EACCES \
  write /tmp/x
expect "fs rules: writing beneath a granted path works" "$fs" ok write /run/x
expect "fs rules: a file rule grants that file" "$fs" ok write /dev/null
expect "fs rules: a device without a rule fails with EACCES" "$fs" EACCES write /dev/zero
expect "fs rules: reading beneath / works" "$fs" ok read /etc/hostname
expect "no fs rules: writing /tmp works" '"landlock": {"flags": 6}' ok write /tmp/x

# --- Wayland against real compositors: sway 1.10 (Debian 13, through
# ../shared/tools/real-sway; it speaks security-context-v1) and weston 10
# (Debian 12; it does not). The client inside is Debian's wayland-info.
skip() {
  if [ -n "${HSU_REQUIRE_ALL:-}" ]; then
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1 (required: $2)"
  else
    n=$((n + 1)); echo "ok $n - $1 # SKIP $2"
  fi
}
real_sway=${HSU_REAL_SWAY:-$(cd "$here/../../.." && pwd)/shared/tools/real-sway}
# chroot lives in /usr/sbin, which a normal user's PATH may lack.
sway_path=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
rt=$work/rt
mkdir -p "$rt" && chmod 700 "$rt"
[ "$(id -u)" = 0 ] && chown "$user" "$rt"
id=0123456789abcdef
idir=$rt/hsu/$id
inner_env='XDG_RUNTIME_DIR=/run/user/1000 WAYLAND_DISPLAY=wayland-0'
globals='wayland-info 2>&1 | grep -o "interface: .[a-z_0-9]*" | cut -c13- | sort | tr "\n" " "'
# wl_plan NAME SCRIPT COMPOSITOR-SOCKET [FLAGS] [EXTRA-OPS]: a plan with INSTANCE, WAYLAND and the
# socket bound at /run/user/1000/wayland-0; SCRIPT runs in sh with the Wayland environment.
wl_plan() {
  local name=$1 script=$2 c=${3:-$comp} flags=${4:-0} sock
  sock=$idir/wayland-0
  [ "$flags" = 1 ] && sock=$c
  local argv
  argv=$(python3 -c 'import json, sys; print(json.dumps(["/usr/bin/env"] + sys.argv[2].split() + ["/bin/sh", "-c", sys.argv[1]]))' "$script" "$inner_env")
  plan "$name" "$argv" "{\"op\": \"mkdir\", \"target\": \"/run/user/1000\", \"mode\": 448},
    {\"op\": \"bind\", \"source\": \"$sock\", \"target\": \"/run/user/1000/wayland-0\"}${5:+, $5}" \
    "\"uid\": 1000, \"instance\": {\"id\": \"$id\", \"dir\": \"$idir\"},
     \"wayland\": {\"flags\": $flags, \"compositor\": \"$c\", \"socket\": \"$sock\", \"app_id\": \"org.example.App\"}"
}
# refused SOCKET-PATH: 0 when connecting to it is refused (the listener is closed), waiting up to 3 s
refused() {
  as_user python3 -c '
import socket, sys, time
for _ in range(30):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(sys.argv[1])
    except ConnectionRefusedError:
        sys.exit(0)
    finally:
        s.close()
    time.sleep(0.1)
sys.exit(1)' "$1"
}

if [ ! -x "$real_sway" ] || ! command -v wayland-info >/dev/null; then
  skip "Wayland tests" "needs $real_sway and wayland-info (wayland-utils)"
elif ! started=$(as_user env PATH=$sway_path "$real_sway" start "$rt" 2>"$work/sway.err"); then
  skip "Wayland tests" "real-sway did not start: $(cat "$work/sway.err")"
else
  eval "$started" # WAYLAND_DISPLAY=... PID=...
  sway_pid=$PID display=$WAYLAND_DISPLAY
  comp=$rt/$display
  raw=$(as_user env XDG_RUNTIME_DIR="$rt" WAYLAND_DISPLAY="$display" sh -c "$globals")
  privileged="wp_security_context_manager_v1 zwlr_screencopy_manager_v1 zwp_virtual_keyboard_manager_v1"
  out=$raw
  check "sway lists the privileged globals on its raw socket" \
    sh -c 'for g in $1; do echo " $0 " | grep -q " $g " || exit 1; done' "$raw" "$privileged"

  wl_plan wl "ls /run/user/1000; $globals" "$comp"
  run wl
  check "security context: wayland-info connects through hsu's socket" \
    sh -c '[ "$0" = 0 ] && echo "$1" | grep -q " wl_compositor "' "$rc" "$(echo $out)"
  check "security context: sway hides its privileged globals inside" \
    sh -c 'for g in $1; do echo " $0 " | grep -q " $g " && exit 1; done; exit 0' "$out" "$privileged"
  check "security context: only wayland-0 in the runtime dir" [ "$(echo "$out" | sed -n 1p)" = wayland-0 ]
  check "security context: the instance dir is removed at the end" [ ! -e "$idir" ]

  # The compositor stops accepting on the listener once the sandbox ends:
  # a hard link to the socket outlives the instance dir and tells.
  wl_plan wl_hold 'echo ready; trap "exit 0" TERM; while :; do sleep 0.05; done'
  as_user_exec "$init" --plan "$work/wl_hold.plan" >"$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
  as_user ln "$idir/wayland-0" "$rt/held"
  check "instance dir: 0700, pid holds the supervisor's pid" \
    [ "$(stat -c %a "$idir"):$(cat "$idir/pid" 2>/dev/null)" = "700:$pid" ]
  out=$(as_user env WAYLAND_DISPLAY="$rt/held" sh -c "$globals")
  check "while the sandbox runs, the listener accepts clients (restricted)" \
    sh -c 'echo " $0 " | grep -q " wl_compositor " && ! echo " $0 " | grep -q " zwlr_screencopy_manager_v1 "' "$out"
  kill -TERM "$pid"
  wait "$pid"; rc=$?
  check "after the sandbox ends: exit 0, the instance dir is gone" [ "$rc" = 0 ] && [ ! -e "$idir" ]
  check "after the sandbox ends: the compositor no longer accepts on the listener" refused "$rt/held"
  rm -f "$rt/held"

  plan wl_none "[\"/bin/sh\", \"-c\", \"env XDG_RUNTIME_DIR=/run WAYLAND_DISPLAY=$comp wayland-info >/dev/null 2>&1 || echo unreachable; ls /run\"]"
  run wl_none
  check "without WAYLAND: the compositor socket is unreachable inside" [ "$rc:$(echo $out)" = "0:unreachable" ]

  wl_plan wl_direct "$globals" "$comp" 1
  run wl_direct
  check "DIRECT on sway: the raw socket, privileged globals listed" \
    sh -c '[ "$0" = 0 ] && echo " $1 " | grep -q " zwlr_screencopy_manager_v1 "' "$rc" "$(echo $out)"
  check "DIRECT: the instance dir is removed at the end" [ ! -e "$idir" ]

  wl_plan wl_missing true "$rt/wayland-none"
  run wl_missing
  check "missing compositor: 125 and a sentence" [ "$rc:$err" = "125:hsu-init: cannot connect to the Wayland compositor at \"$rt/wayland-none\": No such file or directory" ]
  check "missing compositor: no instance dir left" [ ! -e "$idir" ]

  wl_plan wl_setup true "$comp" 0 '{"op": "bind", "source": "/nonexistent/x", "target": "/y"}'
  run wl_setup
  check "a setup error after the negotiation: 125, no instance dir left" \
    sh -c '[ "$0" = 125 ] && [ ! -e "$1" ]' "$rc" "$idir"

  # Paths longer than sun_path (108 bytes), on both sides.
  long=$rt/$(printf 'l%.0s' $(seq 100))
  as_user mkdir -p "$long"
  as_user ln "$comp" "$long/$display"
  saved_idir=$idir idir=$long/hsu/$id
  wl_plan wl_long "$globals" "$long/$display"
  run wl_long
  check "socket paths longer than sun_path work" \
    sh -c '[ "$0" = 0 ] && echo " $1 " | grep -q " wl_compositor " && [ ! -e "$2" ]' "$rc" "$(echo $out)" "$idir"
  idir=$saved_idir
  as_user rm -rf "$long"

  as_user mkdir -p "$idir"
  as_user sh -c "echo 999999999 >'$idir/pid'; echo x >'$idir/junk'; mkdir '$idir/d'; ln -s /etc '$idir/d/l'"
  wl_plan wl_stale 'ls /run/user/1000'
  run wl_stale
  check "a stale instance dir of a dead process is reused and removed" \
    sh -c '[ "$0:$1" = 0:wayland-0 ] && [ ! -e "$2" ] && [ -e /etc/hostname ]' "$rc" "$out" "$idir"

  as_user_exec sleep 30 &
  live=$!
  as_user mkdir -p "$idir"
  as_user sh -c "echo $live >'$idir/pid'"
  run wl_stale
  check "a live instance dir is refused" [ "$rc:$err" = "125:hsu-init: the instance directory \"$idir\" is in use by process $live" ]
  check "a live instance dir is left alone" [ -e "$idir/pid" ]
  kill "$live"; wait "$live" 2>/dev/null
  as_user rm -rf "$idir"
  as_user ln -s /tmp "$idir"
  run wl_stale
  check "a symlink as instance dir is refused" [ "$rc:$err" = "125:hsu-init: cannot open the instance directory \"$idir\": Not a directory" ]
  as_user rm -f "$idir"

  # A fatal signal to the supervisor: the sandbox dies and the dir goes.
  as_user_exec "$init" --plan "$work/wl_hold.plan" >"$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
  kill -USR1 "$pid"
  wait "$pid"; rc=$?
  sleep 0.2
  check "SIGUSR1 to the supervisor: it dies of it, the app too, the dir is removed" \
    sh -c '[ "$0" = 138 ] && [ ! -e "$1" ] && ! pgrep -f "[w]hile :; do sleep 0.05" >/dev/null' "$rc" "$idir"

  if ! command -v weston >/dev/null; then
    skip "weston tests" "needs weston"
  else
    as_user_exec env XDG_RUNTIME_DIR="$rt" weston --backend=headless-backend.so --socket=weston-hsu \
      >"$work/weston.log" 2>&1 &
    weston_pid=$!
    for _ in $(seq 50); do [ -S "$rt/weston-hsu" ] && break; sleep 0.1; done
    wl_plan wl_weston true "$rt/weston-hsu"
    run wl_weston
    check "weston 10 lacks security-context-v1: 125 and a sentence" [ "$rc:$err" = "125:hsu-init: the Wayland compositor at \"$rt/weston-hsu\" does not offer wp_security_context_manager_v1 (set wayland: {direct: true} to pass the raw socket)" ]
    check "weston 10: no instance dir left" [ ! -e "$idir" ]
    wl_plan wl_weston_direct "$globals" "$rt/weston-hsu" 1
    run wl_weston_direct
    check "DIRECT on weston 10: wayland-info connects" \
      sh -c '[ "$0" = 0 ] && echo " $1 " | grep -q " wl_compositor "' "$rc" "$(echo $out)"
    kill "$weston_pid"; wait "$weston_pid" 2>/dev/null
    weston_pid=
  fi
  as_user "$real_sway" stop "$sway_pid"
  sway_pid=
fi

# --- PROXY: xdg-dbus-proxy in its own sandbox (a nested plan), against a
# real dbus-daemon. D-Bus authenticates by uid, so the sandbox keeps the
# user's own.
uid=$(as_user id -u) gid=$(as_user id -g)
# px_plan NAME SCRIPT [PROXY-ARGV-JSON] [TIMEOUT-MS] [SYNC-FD] [EXTRA-OPS]: SCRIPT runs in sh
# with DBUS_SESSION_BUS_ADDRESS on the proxy's socket, bound at /run/user/$uid/bus.
px_plan() {
  local name=$1 script=$2 pargv=${3:-} timeout=${4:-5000} fd=${5:-3} argv
  [ -n "$pargv" ] || pargv="[\"/usr/bin/xdg-dbus-proxy\", \"--fd=$fd\", \"unix:path=$rt/bus\", \"$idir/bus\", \"--filter\", \"--own=org.example.App.*\"]"
  argv=$(python3 -c 'import json, sys; print(json.dumps(["/usr/bin/env", "DBUS_SESSION_BUS_ADDRESS=unix:path=" + sys.argv[2], "/bin/sh", "-c", sys.argv[1]]))' "$script" "/run/user/$uid/bus")
  plan "$name" "$argv" "{\"op\": \"mkdir\", \"target\": \"/run/user/$uid\", \"mode\": 448},
    {\"op\": \"bind\", \"source\": \"$idir/bus\", \"target\": \"/run/user/$uid/bus\"}${6:+, $6}" \
    "\"uid\": $uid, \"gid\": $gid, \"instance\": {\"id\": \"$id\", \"dir\": \"$idir\"},
     \"proxies\": [{\"sync_fd\": $fd, \"ready\": \"$idir/bus\", \"timeout_ms\": $timeout, \"plan\": {
       \"uid\": $uid, \"gid\": $gid, \"hostname\": \"\", \"cwd\": \"/\", \"argv\": $pargv, \"env\": [],
       \"wait_delay_ms\": 200, \"seccomp\": {\"presets\": 31},
       \"landlock\": {\"flags\": 14, \"fs\": [[\"/\", 13], [\"$idir\", 65535]]},
       \"ops\": [{\"op\": \"auto_root\"}, {\"op\": \"proc\"}, {\"op\": \"dev\"},
         {\"op\": \"bind\", \"source\": \"$rt/bus\", \"target\": \"$rt/bus\"},
         {\"op\": \"bind\", \"source\": \"$idir\", \"target\": \"$idir\", \"flags\": 1}]}}]"
}
# leftovers: the processes and files an instance may leave; empty when none.
leftovers() {
  pgrep -u "$user" -a xdg-dbus-proxy
  pgrep -u "$user" -af "sleep 4[0-9]"
  [ -e "$idir" ] && echo "$idir"
  return 0
}
# gone: 0 once leftovers is empty (within 2 s); else $out holds them.
gone() {
  for _ in $(seq 20); do out=$(leftovers); [ -z "$out" ] && return 0; sleep 0.1; done
  return 1
}
list_names='dbus-send --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames | grep -o "string \"[^\"]*\"" | cut -d\" -f2 | grep -v "^:" | tr "\n" " "'
request_name='gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.RequestName'

python3 "$mkplan" "$work/px_check.plan" <<JSON
{"argv": ["/bin/true"], "instance": {"id": "$id", "dir": "$idir"},
 "proxies": [{"ready": "$idir/bus", "plan": {"argv": ["/bin/true"], "seccomp": {"deny": [["nosuchcall", 1]]}}}]}
JSON
chmod 644 "$work/px_check.plan"
as_user "$init" --check-plan "$work/px_check.plan" >"$work/out" 2>"$work/err"
rc=$? err=$(cat "$work/err")
check "PROXY: --check-plan builds the nested plan's seccomp filter too" \
  [ "$rc:$err" = "125:hsu-init: D-Bus proxy: cannot build the seccomp filter: unknown syscall \"nosuchcall\"" ]

if ! command -v dbus-daemon >/dev/null || ! command -v xdg-dbus-proxy >/dev/null || ! command -v gdbus >/dev/null; then
  skip "PROXY tests" "needs dbus-daemon (dbus-daemon or dbus), xdg-dbus-proxy and gdbus (libglib2.0-bin)"
else
  as_user_exec dbus-daemon --session --nofork --address="unix:path=$rt/bus" >"$work/bus.log" 2>&1 &
  bus_pid=$!
  for _ in $(seq 50); do [ -S "$rt/bus" ] && break; sleep 0.1; done

  px_plan px "ls /run/user/$uid; $list_names; echo; $request_name org.example.App.x 0; $request_name org.example.Other 0 2>&1 | grep -c ^Error:"
  run px
  check "PROXY: the app reaches the bus through the proxy's socket" \
    sh -c '[ "$0" = 0 ] && [ "$(echo "$1" | sed -n 1p)" = bus ] && [ "$(echo "$1" | sed -n 2p)" = "org.freedesktop.DBus " ]' "$rc" "$out"
  check "PROXY: the filter lets the app own org.example.App.x" [ "$(echo "$out" | sed -n 3p)" = "(uint32 1,)" ]
  check "PROXY: the filter denies owning another name" [ "$(echo "$out" | sed -n 4p)" = 1 ]
  check "PROXY: no proxy and no instance dir left after the app exits" gone

  px_plan px_fd7 "$list_names" "" 5000 7
  run px_fd7
  check "PROXY: sync_fd 7 is the proxy's fd 7" sh -c '[ "$0:$1" = "0:org.freedesktop.DBus " ] ' "$rc" "$out"

  px_plan px_inside 'ls -l /proc/*/exe 2>/dev/null | grep -c xdg-dbus-proxy; ls /run/user/*/hsu 2>&1 | grep -c "No such"'
  run px_inside
  check "PROXY: neither the proxy nor the instance dir is visible inside the app's sandbox" \
    [ "$rc:$(echo $out)" = "0:0 1" ]

  px_plan px_timeout true '["/bin/sleep", "40"]' 500
  run px_timeout
  check "PROXY: a proxy that never signals: 125 and a sentence" [ "$rc:$err" = "125:hsu-init: the D-Bus proxy did not become ready within 500 ms" ]
  check "PROXY: timeout: nothing left behind" gone

  px_plan px_false true '["/bin/false"]'
  run px_false
  check "PROXY: a proxy that exits: 125 and a sentence" [ "$rc:$err" = "125:hsu-init: the D-Bus proxy exited with status 1 before it was ready" ]
  check "PROXY: exit: nothing left behind" gone

  px_plan px_nosock true '["/bin/sh", "-c", "echo x >&3; exec sleep 41"]'
  run px_nosock
  check "PROXY: ready without the socket: 125 and a sentence" [ "$rc:$err" = "125:hsu-init: the D-Bus proxy is ready but did not create the socket \"$idir/bus\"" ]
  check "PROXY: no socket: nothing left behind" gone

  px_plan px_missing true '["/nonexistent/xdg-dbus-proxy"]'
  run px_missing
  check "PROXY: a missing proxy binary: 125 and the nested sandbox's sentence" [ "$rc:$err" = "125:hsu-init: D-Bus proxy: cannot execute \"/nonexistent/xdg-dbus-proxy\": No such file or directory" ]

  px_plan px_nested_bad true "" 5000 3 '{"op": "bind", "source": "/nonexistent/x", "target": "/y"}'
  run px_nested_bad
  check "PROXY: a setup error of the main sandbox after the proxy is ready: 125, nothing left behind" \
    sh -c '[ "$0" = 125 ] && [ "$1" = "hsu-init: cannot bind \"/nonexistent/x\" on \"/y\": No such file or directory" ]' "$rc" "$err"
  check "PROXY: setup error: nothing left behind" gone

  hold='echo ready; trap "exit 0" TERM; while :; do sleep 0.05; done'
  px_plan px_hold "$hold"
  for sig in TERM USR1 KILL; do
    as_user_exec "$init" --plan "$work/px_hold.plan" >"$work/out" 2>&1 &
    pid=$!
    for _ in $(seq 50); do grep -q ready "$work/out" 2>/dev/null && break; sleep 0.1; done
    running=$(pgrep -u "$user" -c xdg-dbus-proxy)
    kill -"$sig" "$pid"
    wait "$pid"; rc=$?
    [ "$sig" = KILL ] && { sleep 0.3; as_user rm -rf "$idir"; } # only SIGKILL leaves the dir
    case $sig in TERM) want=0 ;; USR1) want=138 ;; KILL) want=137 ;; esac
    check "PROXY: SIG$sig to the supervisor: exit $want, the proxy and the app are gone" \
      sh -c '[ "$0:$1" = "1:$2" ] && ! pgrep -f "[w]hile :; do sleep 0.05" >/dev/null' "$running" "$rc" "$want"
    check "PROXY: SIG$sig: nothing left behind" gone
  done

  # The proxy's own sandbox: the host bus and the instance dir, nothing of the home.
  px_plan px_confined true "[\"/bin/sh\", \"-c\", \"ls -d /home 2>&1 | grep -c 'No such'; touch /dev/shm/x 2>&1 | grep -c denied; touch $idir/x && echo dir-ok; ls $rt\"]"
  run px_confined
  check "PROXY: the nested sandbox: no home, the host bus; only the instance dir writable" \
    [ "$(echo $out)" = "1 1 dir-ok bus hsu" ]
  gone

  kill "$bus_pid"; wait "$bus_pid" 2>/dev/null
  bus_pid=
fi

# The instance record, and hsu-init --enter into the running sandbox.
ert=$work/enter-rt eid=00000000000e47e1
edir=$ert/hsu/$eid
as_user mkdir -p "$ert"
as_user chmod 700 "$ert"
plan enter_app '["/bin/sh", "-c", "echo secret >/tmp/m; exec sleep 30"]' "" \
  "\"uid\": 1000, \"seccomp\": {\"presets\": 31}, \"instance\": {\"id\": \"$eid\", \"dir\": \"$edir\", \"app_id\": \"org.x.Enter\"}"
as_user_exec "$init" --plan "$work/enter_app.plan" >"$work/eout" 2>&1 &
epid=$!
for _ in $(seq 100); do [ -e "$edir/record" ] && break; sleep 0.1; done
rec=$(as_user python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["app_id"], r["supervisor"]["pid"], r["init"]["pid"], r["init"]["start"])' "$edir/record")
set -- $rec
ipid=${3:-0} istart=${4:-0}
check "record: written once the app runs, 0600, names the app and the supervisor" \
  [ "$1:$2:$(stat -c %a "$edir/record"):$(stat -c %a "$edir/plan")" = "org.x.Enter:$epid:600:600" ]
enter() { as_user "$init" --enter "$edir" "$@" >"$work/out" 2>"$work/err" </dev/null; rc=$?; out=$(cat "$work/out"); err=$(cat "$work/err"); }
enter "$ipid" "$istart" -- /bin/sh -c 'cat /tmp/m; hostname; grep -E "^(NoNewPrivs|Seccomp|CapEff):" /proc/self/status | cut -f2'
check "--enter: the app's /tmp and hostname, no_new_privs, the seccomp filter, no capability" \
  [ "$(echo $out)" = "secret sandbox 0000000000000000 1 2" ]
enter "$ipid" "$istart" -- /bin/sh -c 'exit 5'
check "--enter: the command's exit status" [ "$rc" = 5 ]
enter "$ipid" 1 -- /bin/true
check "--enter: a start time that does not match is refused" \
  [ "$rc:$err" = "125:hsu-init: process $ipid is not the one the instance record names: it started at $istart, the record says 1" ]
sstart=$(cut -d' ' -f22 "/proc/$epid/stat")
enter "$epid" "$sstart" -- /bin/true
check "--enter: a process that is not a sandbox's init is refused" \
  [ "$rc:$err" = "125:hsu-init: process $epid is not the init of a sandbox" ]
kill -TERM "$epid"; wait "$epid"; rc=$?
check "the record goes with the sandbox" sh -c '[ "$0" = 143 ] && [ ! -e "$1" ]' "$rc" "$edir"

findmnt -rn >"$work/mounts.after"
out=$(diff "$work/mounts.before" "$work/mounts.after")
check "host mounts unchanged" [ -z "$out" ]

echo "1..$n"
[ "$failed" = 0 ] || { echo "# $failed of $n failed"; exit 1; }
