# A node whose agent goes silent (frozen with SIGSTOP) is marked DOWN after
# node_timeout: its requeueable job goes back to PENDING and runs again on
# another node, its --no-requeue job ends NODE_FAIL. When the agent wakes
# up it reconnects, the controller kills the copies it still runs, and the
# node returns to service (return_to_service: 1).
source "$(dirname "$0")/lib.sh"
cluster_up 2 # node1: 4 CPUs, node2: 2 CPUs
drover down --dir "$CLUSTER" >/dev/null 2>&1
sed -i -e 's/^heartbeat_s: .*/heartbeat_s: 1/' -e 's/^node_timeout: .*/node_timeout: 3/' "$CLUSTER/drover.yaml"
echo "return_to_service: 1" >>"$CLUSTER/drover.yaml"
grep -qx 'heartbeat_s: 1' "$CLUSTER/drover.yaml" && grep -qx 'node_timeout: 3' "$CLUSTER/drover.yaml" ||
  fail "could not set heartbeat_s and node_timeout in drover.yaml"
cluster_up 2
cd "$WORK"
CTLD_LOG="$CLUSTER/log/droverctld.log"

frozen_pid=
# On failure with the agent still frozen, it is killed (a woken agent
# could start the launch orders queued for it while the cluster stops).
on_exit() {
  local rc=$?
  set +e
  [ -z "$frozen_pid" ] || kill -KILL "$frozen_pid" 2>/dev/null
  (exit $rc)
  cleanup
}
trap on_exit EXIT

# Each run of a job records its pid and where it runs, then waits for its
# release file: the test decides when anything ends.
script='run=${SLURM_RESTART_COUNT:-0}
echo "SLURM_RESTART_COUNT=$run SLURMD_NODENAME=$SLURMD_NODENAME hostname=$(hostname)"
echo $$ > pid-$SLURM_JOB_ID.$run.tmp && mv pid-$SLURM_JOB_ID.$run.tmp pid-$SLURM_JOB_ID.$run
while [ ! -e release-$SLURM_JOB_ID ]; do sleep 0.05; done
echo done'
submit() { sbatch --parsable "$@" --wrap="$script"; }
node_state() { sinfo -N -h -o "%N %t" | awk -v n="$1" '$1 == n {print $2}'; }
node_is() { [ "$(node_state "$1")" == "$2" ]; }
node_is_down() { [[ "$(node_state "$1")" == down* ]]; }
job_where() { squeue -h -t all -j "$1" -o "%T %N" | head -n 1; }
runs_on() { [ "$(job_where "$1")" == "RUNNING $2" ] && [ -e "pid-$1.${3:-0}" ]; }
state_is() { [ "$(job_state "$1")" == "$2" ]; }
finish() { touch "release-$1"; wait_until 20 job_done "$1"; }

# Pin the jobs under test to node1 by capacity: a 4-CPU job fills node1
# (the only node that size), a 2-CPU blocker then takes node2, node1 is
# freed, and the two 1-CPU jobs can only start on node1.
fill=$(submit -c 4)
wait_until 20 runs_on "$fill" node1
blocker=$(submit -c 2)
wait_until 20 runs_on "$blocker" node2
finish "$fill"
requeued=$(submit)
nofail=$(submit --no-requeue)
wait_until 20 runs_on "$requeued" node1
wait_until 20 runs_on "$nofail" node1
assert_eq "node1 mix" "$(sinfo -N -h -o "%N %t" | grep node1)" "node1 before the freeze"

# The agent of node1 goes silent; its jobs' processes keep running.
frozen_pid=$(cat "$CLUSTER/run/droverd-node1.pid")
kill -STOP "$frozen_pid"
frozen_at=$SECONDS
wait_until 20 node_is_down node1
down_after=$((SECONDS - frozen_at))
# Silent for more than node_timeout (3 s) since its last heartbeat, which
# came at most heartbeat_s (1 s) before the freeze.
[ "$down_after" -ge 2 ] || fail "node1 was marked down ${down_after}s after its agent froze: before node_timeout (3s)"
assert_contains "$(cat "$CTLD_LOG")" "node node1 is DOWN: Not responding"
if grep -q "node node2 is DOWN" "$CTLD_LOG"; then
  fail "node2, whose agent was never stopped, was marked DOWN too:"$'\n'"$(grep -E 'node2|heartbeat' "$CTLD_LOG")"
fi
assert_eq "node2 alloc" "$(sinfo -N -h -o "%N %t" | grep node2)" "node2 with the blocker"

# The requeueable job waits (node2 is still busy), the other one failed.
wait_until 10 state_is "$requeued" PENDING
wait_until 10 state_is "$nofail" NODE_FAIL
assert_contains "$(grep "job $requeued: requeued" "$CTLD_LOG")" "node node1 is down: Not responding"
assert_contains "$(grep "job $nofail: NODE_FAIL" "$CTLD_LOG")" "node node1 is down: Not responding"
kill -0 "$(cat "pid-$requeued.0")" || fail "the first run of job $requeued ended with its agent frozen"

# Once node2 is free, the requeued job runs there, for the second time.
finish "$blocker"
assert_eq COMPLETED "$(job_state "$blocker")" "blocker state"
wait_until 20 runs_on "$requeued" node2 1
out=$(cat "slurm-$requeued.out")
assert_contains "$out" "SLURM_RESTART_COUNT=1 SLURMD_NODENAME=node2 hostname=node2" "output of the second run"
assert_eq NODE_FAIL "$(job_state "$nofail")" "state of the --no-requeue job"

# The agent wakes up: it reconnects and reports the runs it still has; the
# controller kills them, and the node is back in service.
kill -CONT "$frozen_pid"
frozen_pid=
for id in "$requeued" "$nofail"; do
  wait_until 20 grep -q "job $id.0: running on node1 but not known to run there; killing it" "$CTLD_LOG"
  stale=$(cat "pid-$id.0")
  wait_until 20 bash -c "! kill -0 $stale"
done
wait_until 20 node_is node1 idle
assert_contains "$(cat "$CTLD_LOG")" "node node1 returns to service (was DOWN: Not responding)"
assert_eq RUNNING "$(job_state "$requeued")" "the requeued job, after its stale copy was killed"

# The second run completes normally, once.
finish "$requeued"
assert_eq COMPLETED "$(job_state "$requeued")" "requeued job state"
# The second run truncated the output file: it starts with that run's line
# and ends with its "done" (the killed first run may have appended a line).
out=$(cat "slurm-$requeued.out")
assert_eq "SLURM_RESTART_COUNT=1 SLURMD_NODENAME=node2 hostname=node2" "$(head -n 1 <<<"$out")" "output of the requeued job"
assert_eq done "$(tail -n 1 <<<"$out")" "last line of the requeued job's output"
assert_eq 1 "$(grep -c '^SLURM_RESTART_COUNT=' <<<"$out")" "runs writing to the requeued job's output"
assert_eq 1 "$(grep -c "job $requeued ended on" "$CTLD_LOG")" "completions of job $requeued"
assert_contains "$(grep "job $requeued ended on" "$CTLD_LOG")" "ended on node2: COMPLETED exit 0:0"
assert_eq 0 "$(grep -c "job $nofail ended on" "$CTLD_LOG" || true)" "completions of the NODE_FAIL job"
assert_eq NODE_FAIL "$(job_state "$nofail")" "state of the --no-requeue job at the end"

# node1 takes work again.
again=$(submit -c 4)
wait_until 20 runs_on "$again" node1
finish "$again"
assert_eq COMPLETED "$(job_state "$again")"
pass
