# Scheduling on a real cluster (issue 6): EASY backfill by time limits (a
# long job blocked, a short one backfilled in front of it, a long lower one
# not), pending reasons as Slurm names them, partition priority and limits,
# and requests that can never run refused at submit with Slurm's words.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
cat >>"$DROVER_CONF" <<'YAML'
  - {name: one, nodes: node1, max_time: "2:00:00"}
  - {name: small, nodes: "node[1-2]", max_nodes: 1, priority: 5}
  - {name: closed, nodes: node1, state: inactive}
  - {name: drained, nodes: node1, state: drain}
  - {name: stopped, nodes: node2, state: down}
YAML
scontrol reconfigure || fail "reconfigure with the new partitions"

reason() { squeue -h -j "$1" -o %r; }
reason_is() { [ "$(reason "$1")" == "$2" ]; }
state_is() { [ "$(job_state "$1")" == "$2" ]; }
state_is_not() { [ "$(job_state "$1")" != "$2" ]; }

# node1 has 4 CPUs: a 10-minute job holds 3 of them.
running=$(sbatch --parsable -p one -c 3 -t 10 --wrap 'exec sleep 600')
wait_until 20 state_is "$running" RUNNING
# The top job needs the whole node: it waits for resources, with a
# reservation when the running job's limit ends.
top=$(sbatch --parsable -p one -c 4 -t 60 --wrap "exec sleep 600")
long=$(sbatch --parsable -p one -c 1 -t 60 --wrap 'exec sleep 600')
short=$(sbatch --parsable -p one -c 1 -t 5 --wrap 'exec sleep 600')
wait_until 20 state_is "$short" RUNNING
wait_until 20 reason_is "$top" Resources
wait_until 20 reason_is "$long" Priority
assert_eq PENDING "$(job_state "$top")" "the top job"
assert_eq PENDING "$(job_state "$long")" "a long lower job must not delay the top one"
# The top job shows its reservation as its start time: when the running
# job's 10-minute limit ends (squeue --start, %S); the others show N/A.
end=$(squeue -h -j "$running" -o %e)
assert_eq "$end" "$(squeue -h -j "$top" -o %S)" "the top job's expected start"
assert_eq "N/A" "$(squeue -h -j "$long" -o %S)" "a job without a reservation"
# ...and the nodes it holds (%Y SCHEDNODES, scontrol SchedNodeList= and the
# StartTime/EndTime it expects).
assert_eq "node1" "$(squeue -h -j "$top" -o %Y)" "the top job's planned nodes"
assert_eq "(null)" "$(squeue -h -j "$long" -o %Y)" "planned nodes of a job without a reservation"
assert_eq "(null)" "$(squeue -h -j "$running" -o %Y)" "planned nodes of a running job"
shown=$(scontrol show job "$top")
assert_contains "$shown" "NodeList=(null) SchedNodeList=node1"
assert_contains "$shown" "StartTime=$end "
# squeue %Q and scontrol show the same multifactor priority.
q=$(squeue -h -j "$top" -o %Q)
[ "$q" -gt 1 ] || fail "priority $q"
assert_contains "$(scontrol show job "$top")" "Priority=$q "

# Requests that can never run are refused (EnforcePartLimits=ALL).
refused() {  # expected-message sbatch-args...
  local want=$1; shift
  local out
  if out=$(sbatch "$@" --wrap true 2>&1); then fail "accepted: sbatch $* ($out)"; fi
  assert_contains "$out" "sbatch: error: Batch job submission failed: $want" "sbatch $*"
}
refused "Requested time limit is invalid (missing or exceeds some limit)" -p one -t 3:00:00
refused "Node count specification invalid" -p small -N 2
refused "Node count specification invalid" -N 3
refused "Requested node configuration is not available" -c 64
refused "Required partition not available (inactive or drain)" -p closed
refused "Required partition not available (inactive or drain)" -p drained

# A DOWN partition takes jobs but starts none.
down=$(sbatch --parsable -p stopped --wrap true)
wait_until 20 reason_is "$down" PartitionDown
# -w naming a drained node: ReqNodeNotAvail with the node's name, as Slurm shows it.
scontrol update NodeName=node2 State=DRAIN Reason=maintenance
pinned=$(sbatch --parsable -w node2 --wrap true)
wait_until 20 reason_is "$pinned" "ReqNodeNotAvail, UnavailableNodes:node2"
# A job queued before its partition's limit was lowered waits with PartitionTimeLimit.
queued=$(sbatch --parsable -p one -c 1 -t 90 --wrap true)
wait_until 20 reason_is "$queued" Resources  # node1 is full now
sed -i 's/{name: one, nodes: node1, max_time: "2:00:00"}/{name: one, nodes: node1, max_time: "1:00:00"}/' "$DROVER_CONF"
scontrol reconfigure || fail "reconfigure with a lower MaxTime"
wait_until 20 reason_is "$queued" PartitionTimeLimit

part=$(scontrol show partition small)
assert_contains "$part" "MaxNodes=1 "
assert_contains "$part" "PriorityJobFactor=5 PriorityTier=5"
assert_contains "$(scontrol show partition one)" "MaxTime=01:00:00"

# When the jobs on node1 end (the backfilled one too), the top job starts
# there, ahead of the long job that came before the backfilled one.
scancel "$running" "$short"
wait_until 20 state_is_not "$top" PENDING
assert_eq PENDING "$(job_state "$long")" "the long job waits for the top one"
scancel "$top" "$long" "$down" "$pinned" "$queued"
pass
