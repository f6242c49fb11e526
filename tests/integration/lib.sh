# Shared helpers for integration tests: each test starts a real cluster
# (droverctld + droverd agents on loopback ports chosen at run time) in a
# fresh directory and drives it only through the real CLIs.
set -euo pipefail

: "${DROVER_BIN:?set DROVER_BIN to the bin directory of a build}"
export PATH="$DROVER_BIN:$PATH"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/drover-${TEST_NAME}.XXXXXX")
chmod 755 "$WORK"
CLUSTER="$WORK/cluster"

fail() {
  echo "FAIL ($TEST_NAME): $*" >&2
  if [ -d "$CLUSTER/log" ]; then
    for log in "$CLUSTER"/log/*.log; do echo "--- $log" >&2; tail -n 20 "$log" >&2; done
  fi
  exit 1
}

cleanup() {
  local rc=$?
  drover down --dir "$CLUSTER" >/dev/null 2>&1 || true
  if [ $rc -eq 0 ]; then rm -rf "$WORK"; else echo "left $WORK for inspection" >&2; fi
}
trap cleanup EXIT

# cluster_up [nodes]: start (or complete) the cluster and point the CLIs at it.
cluster_up() {
  local out
  out=$(drover up --dir "$CLUSTER" --nodes "${1:-3}") || fail "drover up failed"
  eval "$out"
  [ -n "${DROVER_CONF:-}" ] || fail "drover up printed no export line"
}

# wait_until TIMEOUT_S COMMAND...: poll a condition until it holds or the deadline passes.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${timeout}s waiting for: $*"
    sleep 0.05
  done
}

assert_eq() {  # expected actual [what]
  [ "$1" == "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

assert_contains() {  # haystack needle [what]
  [[ "$1" == *"$2"* ]] || fail "${3:-output}: expected to contain [$2], got [$1]"
}

# The state of a job or array task as squeue shows it (long form), even after it ended.
job_state() { squeue -h -t all -j "$1" -o "%T" | head -n 1; }

# True when no job of this id (or array) is pending or running any more.
job_done() { [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; }

pass() { echo "PASS ($TEST_NAME)"; }
