# TAP helpers of the shell test suites (sourced): ok, not_ok (shows $rc, $out and $err), check NAME
# COND..., skip NAME WHY (a failure under HSU_REQUIRE_ALL=1), finish, wait_for COND... (polls for up
# to $WAIT seconds).
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  echo "# rc=${rc:-}"; printf 'stdout: %s\nstderr: %s\n' "${out:-}" "${err:-}" | sed 's/^/# /'
}
check() { # check NAME COND...
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}
skip() {
  if [ -n "${HSU_REQUIRE_ALL:-}" ] && [ "${HSU_REQUIRE_ALL}" != 0 ]; then
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1 (required: $2)"
  else
    n=$((n + 1)); echo "ok $n - $1 # SKIP $2"
  fi
}
finish() { echo "1..$n"; [ "$failed" = 0 ]; exit $?; }
wait_for() {
  local i
  for i in $(seq $((WAIT * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
