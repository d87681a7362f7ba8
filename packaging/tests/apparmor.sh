#!/usr/bin/env bash
# Parses packaging/apparmor/hsu with apparmor_parser -Q (parse only: these kernels have no
# AppArmor). The profile's `userns` rule needs AppArmor 4 (Ubuntu 24.04, Debian 13), so it is
# parsed by Debian 13's parser from a small cached trixie tree; Debian 12's parser (3.0) must
# refuse it, which is why the package sets the profile aside there. Controls: a profile with an
# unknown rule is refused by the same parser, and the profile grants userns to hsu-init only.
# TAP on stdout; exit 1 when a check fails.
#
# Usage (root): packaging/tests/apparmor.sh
# Environment: HSU_APPARMOR_ROOT (default /var/cache/hsu-test/trixie-apparmor)
set -uo pipefail
here=$(cd -- "$(dirname -- "$0")/../.." && pwd -P)
profile=$here/packaging/apparmor/hsu
root=${HSU_APPARMOR_ROOT:-/var/cache/hsu-test/trixie-apparmor}
[ "$(id -u)" = 0 ] || { echo "apparmor.sh: needs root (debootstrap, chroot)" >&2; exit 2; }
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}

if [ ! -x "$root/usr/sbin/apparmor_parser" ] && [ ! -x "$root/sbin/apparmor_parser" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
  mkdir -p "$(dirname "$root")"
  if ! timeout 600 debootstrap --variant=minbase --include=apparmor trixie "$root" \
    http://deb.debian.org/debian >"$root.log" 2>&1; then
    not_ok "debootstrap a Debian 13 tree with apparmor" "see $root.log"; echo "1..$n"; exit 1
  fi
fi
version=$(chroot "$root" apparmor_parser --version 2>&1 | head -n 1)
ok "Debian 13's parser: $version"

parse13() { # FILE: parse it with Debian 13's parser, as /etc/apparmor.d/hsu of that tree
  cp "$1" "$root/tmp/hsu-under-test"
  timeout 60 chroot "$root" apparmor_parser -Q -K -I /etc/apparmor.d /tmp/hsu-under-test 2>&1
  local rc=$?
  rm -f "$root/tmp/hsu-under-test"
  return $rc
}

if out=$(parse13 "$profile"); then ok "apparmor_parser -Q (AppArmor 4) accepts packaging/apparmor/hsu"
else not_ok "apparmor_parser -Q (AppArmor 4) accepts packaging/apparmor/hsu" "$out"; fi

bad=$(mktemp)
sed 's/^  userns,$/  usernamespace_typo,/' "$profile" >"$bad"
if out=$(parse13 "$bad"); then not_ok "control: the same parser refuses an unknown rule" "$out"
else ok "control: the same parser refuses an unknown rule"; fi
rm -f "$bad"

names=$(grep -E '^profile ' "$profile")
if [ "$names" = "profile hsu /usr/libexec/hsu/hsu-init flags=(unconfined) {" ] \
  && [ "$(grep -cE '^\s*userns,' "$profile")" = 1 ]; then
  ok "one profile, attached to /usr/libexec/hsu/hsu-init only, granting userns"
else not_ok "one profile, attached to /usr/libexec/hsu/hsu-init only, granting userns" "$names"; fi

if command -v apparmor_parser >/dev/null || [ -x /sbin/apparmor_parser ]; then
  parser=$(command -v apparmor_parser || echo /sbin/apparmor_parser)
  if out=$("$parser" -Q -K "$profile" 2>&1); then
    note="$("$parser" --version | head -n 1)"
    ok "this host's parser ($note) reads it too"
  else
    ok "this host's parser ($("$parser" --version | head -n 1)) refuses it, as the postinst expects"
  fi
fi

echo "1..$n"
[ "$failed" = 0 ]
