# scancel: a running job is signalled (TERM, then KILL after kill_wait) and
# ends CANCELLED; pending array tasks leave the array; unknown ids are silent.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"

cat > stubborn.sh <<'SCRIPT'
#!/bin/bash
trap 'echo got TERM; sleep 60' TERM
touch running
while true; do sleep 0.1; done
SCRIPT
id=$(sbatch --parsable -J stubborn stubborn.sh)
wait_until 20 test -e running
assert_eq RUNNING "$(job_state "$id")"
scancel "$id" || fail "scancel exited $?"
assert_eq COMPLETING "$(job_state "$id")" "state while its processes are killed"
assert_eq CG "$(squeue -h -j "$id" -o %t)" "compact state while completing"
# The script ignores TERM, so it ends by KILL after kill_wait (5 s in drover up).
wait_until 20 grep -q "CANCELLED AT" "slurm-$id.out"
assert_contains "$(cat "slurm-$id.out")" "got TERM"
assert_contains "$(cat "slurm-$id.out")" "error: *** JOB $id ON node1 CANCELLED AT"
wait_until 20 bash -c "[ \"\$(sinfo -h -o %t | sort -u)\" == idle ]"
assert_eq CANCELLED "$(job_state "$id")" "state once the job is gone"

# Array: hold the whole thing, cancel two pending tasks, then the rest.
arr=$(sbatch --parsable -H --array=1-5 --wrap=true)
assert_eq "${arr}_[1-5]" "$(squeue -h -j "$arr" -o %i)" "held array"
assert_eq "(JobHeldUser)" "$(squeue -h -j "$arr" -o %R)" "held reason"
scancel "${arr}_[2-3]"
assert_eq "${arr}_[1,4-5]" "$(squeue -h -j "$arr" -o %i)" "array after cancelling tasks 2-3"
scancel "${arr}_4"
assert_eq "${arr}_[1,5]" "$(squeue -h -j "$arr" -o %i)" "array after cancelling task 4"
scancel "$arr"
assert_eq "" "$(squeue -h -j "$arr" -o %i)" "array after scancel of its id"

# By name and by user.
a=$(sbatch --parsable -H -J victim --wrap=true)
b=$(sbatch --parsable -H -J keeper --wrap=true)
scancel -n victim
assert_eq CANCELLED "$(job_state "$a")"
assert_eq PENDING "$(job_state "$b")"
scancel -u "$(id -un)"
assert_eq CANCELLED "$(job_state "$b")"

# Errors as Slurm words them.
scancel 99999 || fail "cancelling an unknown job should exit 0"
assert_eq "" "$(scancel 99999 2>&1)" "unknown id is silent"
assert_eq "scancel: error: Kill job error on job id 99999: Invalid job id specified" "$(scancel -v 99999 2>&1)"
out=$(scancel abc 2>&1) && fail "scancel abc succeeded"
assert_eq "scancel: error: Invalid job id abc" "$out"
out=$(scancel 2>&1) && fail "scancel with nothing succeeded"
assert_eq "scancel: error: No job identification provided" "$out"
pass
