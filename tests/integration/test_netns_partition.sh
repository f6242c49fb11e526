# Real network loss between hosts: the controller and two agents each run in
# a network namespace of their own, joined by veth pairs to a bridge (the
# switch) in the controller's namespace. One agent's switch port is cut: the
# node goes DOWN after node_timeout and its job runs again on the other
# node. The port comes back: the agent reconnects, its stale copy of the job
# is killed and the node returns to service.
# Needs root and iproute2; otherwise the test is skipped.
skip() { echo "SKIP (test_netns_partition): $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "needs the ip command (iproute2)"
probe="drover-probe-$$"
ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces here (ip netns add failed)"
ip -n "$probe" link add port type veth peer name peer >/dev/null 2>&1 ||
  { ip netns del "$probe"; skip "cannot create veth pairs here"; }
ip -n "$probe" link add sw type bridge >/dev/null 2>&1 ||
  { ip netns del "$probe"; skip "cannot create bridges here"; }
ip netns del "$probe"

source "$(dirname "$0")/lib.sh"
# node_timeout above 10 s: an agent's first heartbeat after it starts comes 10 s
# after it registers, whatever heartbeat_s says (see test_node_failure.sh).
NODE_TIMEOUT=${NETNS_NODE_TIMEOUT:-12}
NET=10.231.0    # private addresses that exist only inside the namespaces below
NS_C="drover-$$-ctl"
NS_1="drover-$$-node1"
NS_2="drover-$$-node2"

netns_cleanup() {
  local ns
  for ns in "$NS_C" "$NS_1" "$NS_2"; do ip netns del "$ns" 2>/dev/null || true; done
}
# Daemons first (they run inside the namespaces), then the namespaces with
# every link in them; then what lib.sh cleans up.
on_exit() {
  local rc=$?
  set +e
  drover down --dir "$CLUSTER" >/dev/null 2>&1
  netns_cleanup
  (exit $rc)
  cleanup
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The network: NS_C holds the switch (bridge sw, the controller's address
# $NET.1) with one port per agent; agent k is $NET.1k on its eth0.
ip netns add "$NS_C" || fail "ip netns add $NS_C"
ip -n "$NS_C" link set lo up
ip -n "$NS_C" link add sw type bridge
ip -n "$NS_C" addr add "$NET.1/24" dev sw
ip -n "$NS_C" link set sw up
for k in 1 2; do
  ns="drover-$$-node$k"
  ip netns add "$ns" || fail "ip netns add $ns"
  ip -n "$ns" link set lo up
  ip -n "$NS_C" link add "port$k" type veth peer name eth0 netns "$ns"
  ip -n "$NS_C" link set "port$k" master sw up
  ip -n "$ns" addr add "$NET.1$k/24" dev eth0
  ip -n "$ns" link set eth0 up
done

# The configuration drover up writes, with the controller at $NET.1.
cluster_up 2 # node1: 4 CPUs, node2: 2 CPUs
drover down --dir "$CLUSTER" >/dev/null 2>&1
# No controller.socket: the commands reach the controller over the network too.
sed -i -e "s/host: 127.0.0.1/host: $NET.1/" -e 's/^heartbeat_s: .*/heartbeat_s: 1/' -e 's|, socket: [^}]*controller.sock}|}|' \
  -e "s/^node_timeout: .*/node_timeout: $NODE_TIMEOUT/" "$CLUSTER/drover.yaml"
echo "return_to_service: 1" >>"$CLUSTER/drover.yaml"
grep -q "host: $NET.1," "$CLUSTER/drover.yaml" || fail "could not set the controller's address in drover.yaml"

# Each daemon in its namespace, with its pid where drover down finds it.
start_in() { # namespace pid-file log command...
  local ns=$1 pid_file=$2 log=$3
  shift 3
  ip netns exec "$ns" "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$pid_file"
}
start_in "$NS_C" "$CLUSTER/run/droverctld.pid" "$CLUSTER/log/droverctld.log" droverctld --config "$DROVER_CONF"
for k in 1 2; do
  start_in "drover-$$-node$k" "$CLUSTER/run/droverd-node$k.pid" "$CLUSTER/log/droverd-node$k.log" \
    droverd --config "$DROVER_CONF" --node-name "node$k" --state-dir "$CLUSTER/nodes/node$k" \
    --auth-socket "$CLUSTER/run/node$k.sock"
done

# The commands run on the controller's host.
sbatch() { ip netns exec "$NS_C" "$DROVER_BIN/sbatch" "$@"; }
squeue() { ip netns exec "$NS_C" "$DROVER_BIN/squeue" "$@"; }
sinfo() { ip netns exec "$NS_C" "$DROVER_BIN/sinfo" "$@"; }
CTLD_LOG="$CLUSTER/log/droverctld.log"

node_state() { sinfo -N -h -o "%N %t" | awk -v n="$1" '$1 == n {print $2}'; }
node_is() { [ "$(node_state "$1")" == "$2" ]; }
node_is_down() { [[ "$(node_state "$1")" == down* ]]; }
wait_until 30 node_is node1 idle
wait_until 30 node_is node2 idle
assert_contains "$(grep 'node node1 registered' "$CTLD_LOG")" "from ::ffff:$NET.11:"
assert_contains "$(grep 'node node2 registered' "$CTLD_LOG")" "from ::ffff:$NET.12:"

cd "$WORK"
script='run=${SLURM_RESTART_COUNT:-0}
echo "SLURM_RESTART_COUNT=$run SLURMD_NODENAME=$SLURMD_NODENAME hostname=$(hostname)"
echo $$ > pid-$SLURM_JOB_ID.$run.tmp && mv pid-$SLURM_JOB_ID.$run.tmp pid-$SLURM_JOB_ID.$run
while [ ! -e release-$SLURM_JOB_ID ]; do sleep 0.05; done
echo done'
submit() { sbatch --parsable "$@" --wrap="$script"; }
job_where() { squeue -h -t all -j "$1" -o "%T %N" | head -n 1; }
runs_on() { [ "$(job_where "$1")" == "RUNNING $2" ] && [ -e "pid-$1.${3:-0}" ]; }
finish() { touch "release-$1"; wait_until 20 job_done "$1"; }

# Pin the job under test to node2 by capacity: node1 (4 CPUs) is filled first.
fill=$(submit -c 4)
wait_until 20 runs_on "$fill" node1
job=$(submit -c 1)
wait_until 20 runs_on "$job" node2
finish "$fill"
wait_until 10 node_is node1 idle

# node2's cable is pulled (its switch port goes down).
ip -n "$NS_C" link set port2 down
cut_at=$SECONDS
wait_until $((NODE_TIMEOUT + 30)) node_is_down node2
down_after=$((SECONDS - cut_at))
[ "$down_after" -ge $((NODE_TIMEOUT - 1)) ] ||
  fail "node2 was marked down ${down_after}s after the cut, before node_timeout (${NODE_TIMEOUT}s)"
assert_contains "$(cat "$CTLD_LOG")" "node node2 is DOWN: Not responding"
grep -q "node node1 is DOWN" "$CTLD_LOG" && fail "node1, still connected, was marked DOWN too"
assert_contains "$(grep "job $job: requeued" "$CTLD_LOG")" "node node2 is down: Not responding"
kill -0 "$(cat "pid-$job.0")" || fail "the first run of job $job ended on the cut-off node"

# The job runs again, on node1.
wait_until 20 runs_on "$job" node1 1
assert_contains "$(cat "slurm-$job.out")" "SLURM_RESTART_COUNT=1 SLURMD_NODENAME=node1 hostname=node1" \
  "output of the second run"
assert_eq "node2 down*" "$(sinfo -N -h -o "%N %t" | grep node2)" "node2 while cut off"

# The cable is back: the agent's connection to the controller is found dead,
# it registers again, its copy of the job is killed, node2 is back in service.
ip -n "$NS_C" link set port2 up
restored_at=$SECONDS
wait_until 120 grep -q "job $job.0: running on node2 but not known to run there; killing it" "$CTLD_LOG"
back_after=$((SECONDS - restored_at))
stale=$(cat "pid-$job.0")
wait_until 20 bash -c "! kill -0 $stale"
wait_until 20 node_is node2 idle
assert_contains "$(cat "$CTLD_LOG")" "node node2 returns to service (was DOWN: Not responding)"
assert_contains "$(grep 'node node2 registered' "$CTLD_LOG" | tail -n 1)" "from ::ffff:$NET.12:"

finish "$job"
assert_eq COMPLETED "$(job_state "$job")" "state of the requeued job"
assert_eq 1 "$(grep -c "job $job ended on" "$CTLD_LOG")" "completions of job $job"
assert_contains "$(grep "job $job ended on" "$CTLD_LOG")" "ended on node1: COMPLETED exit 0:0"
# The second run truncated the output file: it starts with that run's line
# and ends with its "done" (the killed first run may have appended a line).
out=$(cat "slurm-$job.out")
assert_eq "SLURM_RESTART_COUNT=1 SLURMD_NODENAME=node1 hostname=node1" "$(head -n 1 <<<"$out")" "output of the requeued job"
assert_eq done "$(tail -n 1 <<<"$out")" "last line of the requeued job's output"
assert_eq 1 "$(grep -c '^SLURM_RESTART_COUNT=' <<<"$out")" "runs writing to the requeued job's output"

# node2 runs jobs again: with node1 full, a 2-CPU job goes there.
fill=$(submit -c 4)
wait_until 20 runs_on "$fill" node1
again=$(submit -c 2)
wait_until 20 runs_on "$again" node2
assert_contains "$(cat "slurm-$again.out")" "SLURMD_NODENAME=node2 hostname=node2"
finish "$again"
finish "$fill"
assert_eq COMPLETED "$(job_state "$again")"
echo "test_netns_partition: node2 down ${down_after}s after its link was cut (node_timeout ${NODE_TIMEOUT}s)," \
  "its agent back ${back_after}s after the link was restored"
pass
