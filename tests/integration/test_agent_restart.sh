# An agent killed with -9 while its job runs: the job's supervisor keeps it
# running, the restarted agent re-adopts it, and its completion reaches the
# controller exactly once. Agents started before the controller wait for it.
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"

script='touch started-$SLURM_JOB_ID; while [ ! -e release-$SLURM_JOB_ID ]; do sleep 0.05; done; echo done'
kill_agent() {
  local pid; pid=$(cat "$CLUSTER/run/droverd-node1.pid")
  kill -9 "$pid"
  wait_until 10 bash -c "! kill -0 $pid"
}

# 1. Restarted while the job runs: the new agent re-adopts the supervisor.
a=$(sbatch --parsable --wrap="$script")
wait_until 20 test -e "started-$a"
kill_agent
assert_eq RUNNING "$(job_state "$a")" "job state with its agent dead"
cluster_up 1    # restarts only the agent
wait_until 10 grep -q "job $a: re-adopted its supervisor" "$CLUSTER/log/droverd-node1.log"
touch "release-$a"
wait_until 20 job_done "$a"
assert_eq COMPLETED "$(job_state "$a")"

# 2. The job ends while no agent is there: its status waits on disk.
b=$(sbatch --parsable --wrap="$script")
wait_until 20 test -e "started-$b"
kill_agent
touch "release-$b"
wait_until 10 grep -q done "slurm-$b.out"
cluster_up 1
wait_until 20 job_done "$b"
assert_eq COMPLETED "$(job_state "$b")"
for id in "$a" "$b"; do
  assert_eq 1 "$(grep -c "job $id ended" "$CLUSTER/log/droverctld.log")" "completion reports of job $id"
done

# 3. The pid file lost (empty after a power cut, or never written: the agent
# killed right after starting the supervisor). A live supervisor is found by
# its directory and re-adopted; a dead one is reported, and the job's
# directory on the node goes once the controller has the report.
job_dir() { ls -d "$CLUSTER/nodes/node1/jobs/$1".*; }
c=$(sbatch --parsable --wrap="$script")
wait_until 20 test -e "started-$c"
kill_agent
: > "$(job_dir "$c")/stepd.pid"
cluster_up 1
wait_until 10 grep -q "job $c: re-adopted its supervisor" "$CLUSTER/log/droverd-node1.log"
touch "release-$c"
wait_until 20 job_done "$c"
assert_eq COMPLETED "$(job_state "$c")"

d=$(sbatch --parsable --wrap="$script")
wait_until 20 test -e "started-$d"
kill_agent
supervisor=$(cat "$(job_dir "$d")/stepd.pid")
kill -9 "$supervisor"
wait_until 10 bash -c "! kill -0 $supervisor"
: > "$(job_dir "$d")/stepd.pid"
touch "release-$d"
cluster_up 1
wait_until 20 job_done "$d"
assert_eq FAILED "$(job_state "$d")"
wait_until 10 bash -c "! ls -d '$CLUSTER/nodes/node1/jobs/$d'.* 2>/dev/null"

# Boot order: with the controller down, a restarted agent keeps retrying
# and registers as soon as the controller is back.
drover down --dir "$CLUSTER" >/dev/null 2>&1
droverd --config "$DROVER_CONF" --node-name node1 --state-dir "$CLUSTER/nodes/node1" \
  --auth-socket "$CLUSTER/run/node1.sock" >> "$CLUSTER/log/droverd-node1.log" 2>&1 &
echo $! > "$CLUSTER/run/droverd-node1.pid"
wait_until 10 grep -q "not reachable" "$CLUSTER/log/droverd-node1.log"
cluster_up 1    # starts the controller; the waiting agent registers
assert_eq idle "$(sinfo -h -o %t)"
pass
