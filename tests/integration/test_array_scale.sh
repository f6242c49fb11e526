# Arrays at scale and large queues (issue 6, items 4 and 5): a 1,000,000-task
# held array is one record; squeue folds its pending tasks into one line and
# -r expands them; task ids work in squeue, scontrol, scancel and sacct;
# max_array_size is enforced with a message naming the limit; the throttle
# shows and can be changed; filtered listings (-u, -p, -t, -n, -w, -j)
# come from the controller's indexes and must still be right; finished jobs
# leave memory after MinJobAge. Correctness only: timings are in
# docs/performance.md, not asserted here.
source "$(dirname "$0")/lib.sh"
cluster_up 2
drover down --dir "$CLUSTER" >/dev/null 2>&1
echo "min_job_age_s: 2" >>"$DROVER_CONF"
cluster_up 2
cd "$WORK"
me=$(id -un)

# A million held tasks: one line without -r, a million with it.
big=$(sbatch --parsable --array=0-999999 --wrap=true -H) || fail "1M-task array refused"
assert_eq "${big}_[0-999999]" "$(squeue -h -j "$big" -o %i)" "folded array line"
assert_eq "(JobHeldUser)" "$(squeue -h -j "$big" -o %R)" "held reason"
assert_eq 1000000 "$(squeue -h -r -j "$big" -o %i | wc -l)" "squeue -r lines"
assert_eq "${big}_999999" "$(squeue -h -r -j "$big" -o %i | tail -n 1)" "last expanded task"
assert_eq "${big}_777777" "$(squeue -h -j "${big}_777777" -o %i)" "squeue -j ID_T"
assert_contains "$(scontrol show job "${big}_777777")" "ArrayTaskId=777777"

# scancel of a task range, a single task and a list; squeue -r agrees.
scancel "${big}_[5-10]" "${big}_999999" || fail "scancel task range"
assert_eq "${big}_[0-4,11-999998]" "$(squeue -h -j "$big" -o %i)" "array after scancel of tasks"
assert_eq 999993 "$(squeue -h -r -j "$big" -o %i | wc -l)" "squeue -r after scancel of tasks"
rc=0; squeue -h -j "${big}_7" -o %i >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "a cancelled pending task is unknown to squeue"

# max_array_size: Slurm's leading words, then the task id, limit and key.
rc=0; out=$(sbatch --array=0-2000000 --wrap=true 2>&1) || rc=$?
assert_eq 1 "$rc" "sbatch over max_array_size"
assert_eq "sbatch: error: Batch job submission failed: Invalid job array specification (task id 2000000 is not below max_array_size=1000001 in $DROVER_CONF)" "$out"
rc=0; sbatch --array=0-1000000 --wrap=true -H >/dev/null 2>&1 || rc=$?
assert_eq 0 "$rc" "task id 1000000 is below the default max_array_size"

# Throttle: shown on the folded line, changed with scontrol update.
thr=$(sbatch --parsable --array=8-1000000%10 -H --wrap=true)
assert_eq "${thr}_[8-1000000%10]" "$(squeue -h -j "$thr" -o %i)" "throttle in squeue"
scontrol update JobId="$thr" ArrayTaskThrottle=3 || fail "ArrayTaskThrottle update"
assert_eq "${thr}_[8-1000000%3]" "$(squeue -h -j "$thr" -o %i)" "updated throttle"
assert_contains "$(scontrol show job "$thr")" "ArrayTaskThrottle=3"

# Filters answered through the indexes: a running job among held ones.
cat > hold.sh <<'SCRIPT'
#!/bin/bash
touch started
while [ ! -e release ]; do sleep 0.05; done
SCRIPT
run=$(sbatch --parsable -J runner hold.sh)
wait_until 20 test -e started
is_running() { [ "$(squeue -h -j "$1" -o %t)" = R ]; }
wait_until 20 is_running "$run"
held=()
for i in 1 2 3; do held+=("$(sbatch --parsable -H -J "held$i" --wrap=true)"); done
node=$(squeue -h -j "$run" -o %N)
assert_eq "$run" "$(squeue -h -w "$node" -o %i)" "squeue -w lists the running job only"
assert_eq "$run" "$(squeue -h -t R -o %i)" "squeue -t R"
assert_eq 6 "$(squeue -h -t PD -o %i | wc -l)" "squeue -t PD: three arrays and three jobs"
assert_eq "${held[1]}" "$(squeue -h -n HELD2 -o %i)" "squeue -n, any case"
assert_eq 7 "$(squeue -h -u "$me" -o %i | wc -l)" "squeue -u"
assert_eq 7 "$(squeue -h --me -o %i | wc -l)" "squeue --me"
assert_eq 7 "$(squeue -h -p picluster -o %i | wc -l)" "squeue -p"
assert_eq 0 "$(squeue -h -p nosuch -o %i 2>/dev/null | wc -l)" "squeue -p of an unknown partition"
assert_eq 0 "$(squeue -h -u nobody -o %i 2>/dev/null | wc -l)" "squeue -u of a user without jobs"
assert_eq "$(printf '%s\n' "${held[0]}" "${held[2]}")" "$(squeue -h -j "${held[2]},${held[0]},${held[2]}" -o %i)" "squeue -j list, each once"

# scancel of a list and by filter; sacct answers for jobs still in memory.
scancel "${held[0]}" "${held[1]}" || fail "scancel of a list"
assert_eq "CANCELLED" "$(job_state "${held[0]}")" "first of the list"
assert_eq "CANCELLED" "$(job_state "${held[1]}")" "second of the list"
scancel -n held3 || fail "scancel -n"
assert_eq "CANCELLED" "$(job_state "${held[2]}")" "scancel by name"
assert_contains "$(sacct -n -X -j "${held[0]}" -o State)" "CANCELLED"
assert_contains "$(sacct -n -X -j "${big}" -o JobID | head -n 1)" "${big}_"

# MinJobAge: finished jobs leave memory (squeue -t all), the queue stays.
completed() { [ "$(job_state "$1")" = COMPLETED ]; }
gone() { [ -z "$(squeue -h -t all -j "$1" -o %i 2>/dev/null)" ]; }
touch release
wait_until 20 completed "$run"
wait_until 20 gone "$run"
wait_until 20 gone "${held[0]}"
assert_eq "${big}_[0-4,11-999998]" "$(squeue -h -j "$big" -o %i)" "the big array stays"
assert_contains "$(sacct -n -X -j "$run" -o State)" "COMPLETED"

# The whole array goes with its id.
scancel "$big" "$thr" || fail "scancel of whole arrays"
rc=0; out=$(squeue -h -j "$big" -o %i 2>&1) || rc=$?
assert_eq "" "$(squeue -h -o %i | grep -E "^(${big}|${thr})_" || true)" "cancelled arrays gone from the default listing"
pass
