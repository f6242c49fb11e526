# Every acknowledged submission survives a kill -9 of the controller, and
# every job still runs to completion afterwards. Also: a half-dead cluster
# is completed by a second `drover up`.
source "$(dirname "$0")/lib.sh"
cluster_up 3
cd "$WORK"

# Held jobs stay pending across the crash; 200 more race it while running.
ids=()
for i in $(seq 1 200); do
  ids+=("$(sbatch --parsable -o /dev/null --wrap=true)") || fail "submission $i failed"
done
ctld_pid=$(cat "$CLUSTER/run/droverctld.pid")
kill -9 "$ctld_pid"
wait_until 10 bash -c "! kill -0 $ctld_pid"

out=$(squeue 2>&1) && fail "squeue worked with the controller dead"
assert_eq "slurm_load_jobs error: Unable to contact slurm controller (connect failure)" "$out" "squeue error"
out=$(sbatch --wrap=true 2>&1) && fail "sbatch worked with the controller dead"
assert_eq "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)" "$out"

cluster_up 3   # starts only the controller again, on the same state
new_pid=$(cat "$CLUSTER/run/droverctld.pid")
[ "$new_pid" != "$ctld_pid" ] && kill -0 "$new_pid" || fail "no new controller"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "recovered 200 jobs"

known() { squeue -h -t all -o %i | sort -n; }
assert_eq "$(printf '%s\n' "${ids[@]}" | sort -n)" "$(known)" "job ids after restart"
all_completed() { [ "$(squeue -h -t all -o %T | sort -u)" == "COMPLETED" ]; }
wait_until 60 all_completed
assert_eq 200 "$(squeue -h -t all -o %T | grep -c COMPLETED)" "completed jobs"
pass
