#!/bin/bash
# The shipped units (systemd/*.service) under a real systemd as PID 1: a
# minimal Debian tree (mmdebstrap, cached in the build directory) booted with
# systemd-nspawn, the build's binaries bind-mounted at /usr/local/bin, driven
# from the host with `nsenter -t <container pid 1> -a systemctl ...`.
#
# Checks, in this order: droverd started before droverctld waits and says so
# in STATUS=, and comes up once the controller starts; a job runs; `systemctl
# reload` of both daemons keeps it; kill -9 of the controller is undone by
# Restart=on-failure and the job is still known; a stopped (SIGSTOP)
# controller is killed by the watchdog and restarted; `systemctl stop`
# flushes and stops the controller cleanly, and stopping the agent leaves the
# job running (KillMode=process) for the restarted agent to re-adopt; a
# controller whose port is taken waits and says so; an agent without a
# controller becomes ready after --ready-wait-s so boot is not held up.
#
# Needs root, systemd-nspawn (systemd-container), mmdebstrap and nsenter, and
# the Debian mirror the first time (to build the tree, ~15 s; later runs
# reuse it). Exits 77 with "SKIP: why" when the machine cannot run it.
# The container shares the host's network namespace: the controller listens
# on a free loopback port and the host's CLIs talk to it.
set -euo pipefail
export LC_ALL=C

skip() {
  echo "SKIP (test_systemd): $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (systemd-nspawn boots a container)"
for tool in systemd-nspawn mmdebstrap nsenter; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (scripts/deps.sh installs it)"
done

source "$(dirname "$0")/lib.sh"
SRC=${DROVER_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}

# --- The tree: built once, kept beside the build's bin directory. ---------
PACKAGES=systemd,systemd-sysv,dbus,procps,libprotobuf32,libspdlog1.10,libfmt9,libyaml-cpp0.7,libsodium23,libsqlite3-0
TREE_DIR=$(cd "$DROVER_BIN/.." && pwd)/systemd-tree
TREE=$TREE_DIR/rootfs
if [ "$(cat "$TREE_DIR/packages" 2>/dev/null)" != "$PACKAGES" ] || [ ! -x "$TREE/lib/systemd/systemd" ]; then
  rm -rf "$TREE_DIR"
  mkdir -p "$TREE_DIR"
  sources=()
  [ -f /etc/apt/sources.list.d/debian.sources ] && sources=(/etc/apt/sources.list.d/debian.sources)
  echo "building the container tree in $TREE (mmdebstrap)" >&2
  if ! timeout 300 mmdebstrap --variant=minbase --include="$PACKAGES" bookworm "$TREE.new" "${sources[@]}" \
       >"$TREE_DIR/mmdebstrap.log" 2>&1; then
    tail -n 5 "$TREE_DIR/mmdebstrap.log" >&2
    rm -rf "$TREE.new"
    skip "mmdebstrap could not build a Debian tree (no mirror reachable?); see $TREE_DIR/mmdebstrap.log"
  fi
  # No fixed host name: the container takes the one nspawn gives it.
  rm -f "$TREE.new/etc/hostname"
  mv "$TREE.new" "$TREE"
  echo "$PACKAGES" >"$TREE_DIR/packages"
fi

# --- The cluster's files, staged for the container. -----------------------
NODE=sdnode1
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
       2>/dev/null || echo $((20000 + RANDOM % 20000)))
STAGE=$WORK/stage
mkdir -p "$STAGE/etc" "$STAGE/units"
head -c 64 /dev/urandom >"$STAGE/etc/drover.key"
chmod 0400 "$STAGE/etc/drover.key"
write_config() {  # key_file auth_socket
  cat <<EOF
cluster: sdtest
controller: {host: 127.0.0.1, port: $PORT}
auth: {key_file: $1, ttl_s: 300, max_clock_skew_s: 60, socket: $2}
spool_shared: true
heartbeat_s: 1
node_timeout: 30
nodes:
  - {names: $NODE, cpus: 1, memory_mb: 256}
partitions:
  - {name: debug, nodes: $NODE, default: true, max_time: "1:00:00"}
EOF
}
write_config /etc/drover/drover.key /run/drover/drover.sock >"$STAGE/etc/drover.yaml"
cp "$SRC/systemd/droverctld.service" "$SRC/systemd/droverd.service" "$STAGE/units/"
# Test-only drop-ins: a short watchdog and quick restarts, so the failure
# checks take seconds. Everything else is the shipped unit as it is.
mkdir -p "$STAGE/units/droverctld.service.d"
printf '[Service]\nWatchdogSec=3\nRestartSec=1\n' >"$STAGE/units/droverctld.service.d/test.conf"
# The host's CLIs use the same key through a copy of the config.
cp -p "$STAGE/etc/drover.key" "$WORK/drover.key"
write_config "$WORK/drover.key" "$WORK/no-local-auth.sock" >"$WORK/drover.yaml"
export DROVER_CONF=$WORK/drover.yaml

# --- Boot. ------------------------------------------------------------------
MACHINE=drover-sd-$$
NSPAWN_LOG=$WORK/nspawn.log
# Its own session and no inherited stdout: `$(...)` callers must not wait on it.
setsid timeout 600 systemd-nspawn --boot -D "$TREE" --machine="$MACHINE" --hostname="$NODE" \
  --register=no --keep-unit --console=read-only --volatile=overlay \
  --bind-ro="$DROVER_BIN:/usr/local/bin" --bind-ro="$STAGE:/stage" \
  </dev/null >"$NSPAWN_LOG" 2>&1 &
TIMEOUT_PID=$!
C=""
teardown() {
  if [ -n "$C" ] && [ -d "/proc/$C" ]; then
    nsenter -t "$C" -a journalctl --no-pager -u droverctld -u droverd >"$WORK/journal.log" 2>&1 || true
    nsenter -t "$C" -a systemctl poweroff >/dev/null 2>&1 || true
  fi
  local deadline=$((SECONDS + 20))
  while kill -0 "$TIMEOUT_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -TERM "$TIMEOUT_PID" 2>/dev/null || true
}
on_exit() {
  local rc=$?
  teardown
  if [ $rc -ne 0 ] && [ -f "$WORK/journal.log" ]; then tail -n 40 "$WORK/journal.log" >&2; fi
  (exit $rc)
  cleanup  # lib.sh's: keeps $WORK when the test failed
}
trap on_exit EXIT

container_pid() {  # the container's systemd, once its private bus is up
  local nspawn pid
  nspawn=$(pgrep -P "$TIMEOUT_PID" -x systemd-nspawn | head -n 1) || return 1
  pid=$(pgrep -P "$nspawn" | head -n 1) || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && [ -S "/proc/$pid/root/run/systemd/private" ] || return 1
  C=$pid
}
deadline=$((SECONDS + 60))
until container_pid; do
  kill -0 "$TIMEOUT_PID" 2>/dev/null || { cat "$NSPAWN_LOG" >&2; fail "systemd-nspawn exited during boot"; }
  [ $SECONDS -lt $deadline ] || { cat "$NSPAWN_LOG" >&2; fail "the container's systemd did not come up in 60 s"; }
  sleep 0.1
done
in_c() { nsenter -t "$C" -a "$@"; }
in_c systemctl is-system-running --wait >/dev/null 2>&1 || true  # "degraded" is fine for us
unit_prop() { in_c systemctl show -P "$2" "$1"; }
prop_is() { [ "$(unit_prop "$1" "$2")" = "$3" ]; }
prop_has() { [[ "$(unit_prop "$1" "$2")" == *"$3"* ]]; }
journal_has() { in_c journalctl --no-pager -q -u "$1" | grep -q -- "$2"; }

in_c sh -ec '
  mkdir -p /etc/drover /var/spool/drover
  cp /stage/etc/drover.yaml /stage/etc/drover.key /etc/drover/
  chmod 0400 /etc/drover/drover.key
  cp -r /stage/units/* /etc/systemd/system/
  systemctl daemon-reload'

# 1. The agent first: it waits for the controller, says so, and is not yet ready.
in_c systemctl start --no-block droverd
wait_until 20 prop_has droverd StatusText "waiting for controller 127.0.0.1:$PORT"
state=$(unit_prop droverd ActiveState)
assert_eq activating "$state" "droverd before its controller (READY=1 waits for registration)"
in_c systemctl start droverctld  # returns once droverctld sent READY=1
assert_eq active "$(unit_prop droverctld ActiveState)" "droverctld after start"
assert_contains "$(unit_prop droverctld StatusText)" "serving," "droverctld STATUS="
# READY=1 means listening: the CLIs work at once.
sinfo -h -o %N >/dev/null || fail "droverctld was READY but sinfo could not reach it"
wait_until 30 prop_has droverd StatusText "registered with 127.0.0.1:$PORT"
wait_until 10 prop_is droverd ActiveState active

# 2. A job runs (and runs on through everything below).
out=$(sbatch -D / --wrap 'sleep 300') || fail "sbatch failed"
JOB=${out##* }
wait_until 30 eval '[ "$(job_state "$JOB")" = RUNNING ]'
wait_until 10 prop_has droverctld StatusText "1 running"

# 3. Reload both: the job stays, the daemons stay up and say they reloaded.
in_c systemctl reload droverctld
in_c systemctl reload droverd
wait_until 10 journal_has droverctld "reconfigured from /etc/drover/drover.yaml by SIGHUP"
wait_until 10 journal_has droverd "SIGHUP: reloaded /etc/drover/drover.yaml"
assert_eq active "$(unit_prop droverctld ActiveState)" "droverctld after reload"
assert_eq active "$(unit_prop droverd ActiveState)" "droverd after reload"
assert_eq 0 "$(unit_prop droverctld NRestarts)" "droverctld restarts after reload"
assert_eq RUNNING "$(job_state "$JOB")" "job $JOB after reload"

# 4. kill -9 of the controller: Restart=on-failure brings it back with the job.
pid_before=$(unit_prop droverctld MainPID)
in_c systemctl kill -s KILL --kill-whom=main droverctld
wait_until 30 prop_is droverctld NRestarts 1
wait_until 30 prop_is droverctld ActiveState active
[ "$(unit_prop droverctld MainPID)" != "$pid_before" ] || fail "droverctld has the same pid after kill -9"
wait_until 20 eval '[ "$(job_state "$JOB")" = RUNNING ]'

# 5. A hung controller (SIGSTOP: no more watchdog pings) is killed by the
#    watchdog (WatchdogSec=3 in the drop-in) and restarted.
in_c systemctl kill -s STOP --kill-whom=main droverctld
wait_until 30 prop_is droverctld NRestarts 2
wait_until 30 prop_is droverctld ActiveState active
wait_until 10 journal_has droverctld "Watchdog timeout"
wait_until 20 eval '[ "$(job_state "$JOB")" = RUNNING ]'

# 6. Stops. The agent's stop leaves the job's supervisor running
#    (KillMode=process); the restarted agent re-adopts it.
in_c systemctl stop droverd
assert_eq inactive "$(unit_prop droverd ActiveState)" "droverd after stop"
in_c pgrep -x drover-stepd >/dev/null || fail "stopping droverd ended the job's supervisor"
in_c systemctl start droverd
wait_until 30 prop_has droverd StatusText "1 jobs running here"
in_c systemctl stop droverctld
assert_eq inactive "$(unit_prop droverctld ActiveState)" "droverctld after stop"
assert_eq success "$(unit_prop droverctld Result)" "droverctld stop result"
journal_has droverctld "job state flushed" || fail "droverctld did not flush its state on SIGTERM"
in_c systemctl start droverctld
assert_eq RUNNING "$(job_state "$JOB")" "job $JOB after the controller's stop and start"

# 7. The controller's port taken (the network not ready, in effect): it waits,
#    not READY, saying so; it comes up once the port is free.
in_c systemctl stop droverd droverctld
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past the old connections in TIME_WAIT
s.bind(("::", int(sys.argv[1]))); s.listen(); print("bound", flush=True); time.sleep(120)' "$PORT" \
  >"$WORK/holder.out" 2>&1 &
HOLDER=$!
wait_until 10 grep -q bound "$WORK/holder.out"
in_c systemctl start --no-block droverctld
wait_until 20 prop_has droverctld StatusText "waiting for network: cannot bind port $PORT"
assert_eq activating "$(unit_prop droverctld ActiveState)" "droverctld while its port is taken"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
wait_until 30 prop_is droverctld ActiveState active

# 8. An agent whose controller does not answer becomes ready anyway after
#    --ready-wait-s (1 s here) so boot goes on, still saying what it waits for.
in_c systemctl stop droverctld
in_c sh -ec '
  mkdir -p /etc/systemd/system/droverd.service.d
  printf "[Service]\nExecStart=\nExecStart=/usr/local/bin/droverd --config /etc/drover/drover.yaml --ready-wait-s 1\n" \
    >/etc/systemd/system/droverd.service.d/ready-wait.conf
  systemctl daemon-reload'
in_c systemctl start droverd  # returns at READY=1: no controller, so after 1 s
assert_eq active "$(unit_prop droverd ActiveState)" "droverd without a controller after --ready-wait-s"
assert_contains "$(unit_prop droverd StatusText)" "waiting for controller 127.0.0.1:$PORT" "droverd STATUS="
in_c systemctl start droverctld
wait_until 30 prop_has droverd StatusText "registered with 127.0.0.1:$PORT"
assert_eq RUNNING "$(job_state "$JOB")" "job $JOB at the end"
scancel "$JOB"
wait_until 30 job_done "$JOB"
in_c systemctl stop droverctld droverd
pass
