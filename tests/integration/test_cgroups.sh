# cgroups v2: each job runs in a cgroup of its own, through which all of
# its processes are found and killed -- a daemon that left the job's
# process group and session included -- and which is removed when the job
# ends. Needs root and a writable cgroup2 mount; the memory limit (which
# needs the memory controller) is tested in test_cgroups_oom.sh.
mount=$(grep ' - cgroup2 ' /proc/self/mountinfo | head -n 1 | cut -d' ' -f5)
if [ -z "$mount" ] || [ "$(id -u)" != 0 ] || [ ! -w "$mount/cgroup.procs" ]; then
  echo "SKIP: needs root and a writable cgroup2 mount (found: '${mount:-none}', uid $(id -u))"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
log="$CLUSTER/log/droverd-node1.log"
wait_until 20 grep -q "cgroup" "$log"
assert_eq 1 "$(grep -c "cgroup v2" "$log")" "lines about cgroups in the agent's log"
assert_contains "$(cat "$log")" "jobs are tracked and killed through cgroup v2 under $mount/drover_node1_"

# gone PID: no such process, or only its zombie is left.
gone() { [ ! -e "/proc/$1" ] || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" == Z ]; }

cat > daemon.sh <<'SCRIPT'
#!/bin/bash
# A daemon: a new session, and a double fork so its parent is gone too.
setsid bash -c 'sleep 600 & echo $! > daemon.$SLURM_JOB_ID' </dev/null >/dev/null 2>&1 &
wait
[ "$1" == exit ] && exit 0
sleep 600
SCRIPT

# Cancelled: the daemon goes with the job.
id=$(sbatch --parsable daemon.sh)
wait_until 20 test -s "daemon.$id"
dpid=$(cat "daemon.$id")
kill -0 "$dpid" || fail "the daemon is not running"
shell=$(cat "$CLUSTER/nodes/node1/jobs/$id.0/job.pid")
[ "$(ps -o sid= -p "$dpid")" != "$(ps -o sid= -p "$shell")" ] || fail "the daemon did not leave the job's session"
cg=$(sed -n 's/^0:://p' "/proc/$dpid/cgroup")
assert_contains "$cg" "/drover_node1_" "the daemon's cgroup"
assert_contains "$cg" "/job_$id/step_batch" "the daemon's cgroup"
jobcg="$mount${cg%/step_batch}"
[ -d "$jobcg" ] || fail "$jobcg does not exist while the job runs"
grep -qx "$shell" "$mount$cg/cgroup.procs" || fail "the batch shell is not in $mount$cg"
scancel "$id"
wait_until 30 gone "$dpid"
wait_until 30 bash -c "[ ! -d '$jobcg' ]"
wait_until 30 job_done "$id"
assert_eq CANCELLED "$(job_state "$id")"

# Completed: what the script left running ends with it, as in Slurm.
id=$(sbatch --parsable daemon.sh exit)
wait_until 20 test -s "daemon.$id"
dpid=$(cat "daemon.$id")
wait_until 30 job_done "$id"
wait_until 30 gone "$dpid"
assert_eq COMPLETED "$(job_state "$id")"
wait_until 30 bash -c "[ ! -d '$jobcg' ] && ! ls -d '$mount${cg%/job_*}/job_$id' 2>/dev/null"

# An srun step's tasks run in a cgroup of the job's, removed with the step.
out=$(srun -N1 bash -c 'sed -n "s/^0:://p" /proc/self/cgroup')
assert_contains "$out" "/drover_node1_" "srun task's cgroup"
[[ "$out" =~ /job_([0-9]+)/step_0$ ]] || fail "srun task's cgroup: $out"
wait_until 30 bash -c "[ ! -d '$mount$out' ]"
wait_until 30 bash -c "[ ! -d '$mount${out%/step_0}' ]"
pass
