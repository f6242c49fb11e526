# Job arrays: one pending record until tasks start, the %N throttle,
# Slurm's array environment and output patterns; then the same cluster
# with a spool that is not shared (the launch order carries the script).
source "$(dirname "$0")/lib.sh"
cluster_up 3
cd "$WORK"

cat > task.sh <<'SCRIPT'
#!/bin/bash
echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_TASK_MIN $SLURM_ARRAY_TASK_MAX $SLURM_ARRAY_TASK_STEP $SLURM_JOB_NAME"
touch "running-$SLURM_ARRAY_TASK_ID"
while [ ! -e "release-$SLURM_ARRAY_TASK_ID" ]; do sleep 0.05; done
rm "running-$SLURM_ARRAY_TASK_ID"
SCRIPT

# Throttle: 1-7:2 is tasks 1,3,5,7, at most two at a time.
id=$(sbatch --parsable --array=1-7:2%2 -J arr -o "out-%A-%3a-%x.txt" task.sh)
wait_until 20 test -e running-1 -a -e running-3
assert_eq "${id}_[5,7%2]" "$(squeue -h -j "$id" -t pd -o %i)" "pending tasks with throttle"
assert_eq "(JobArrayTaskLimit)" "$(squeue -h -j "$id" -t pd -o %R)" "throttle reason"
assert_eq 2 "$(ls running-* | wc -l)" "tasks running under %2"
touch release-1
wait_until 20 test -e running-5
assert_eq 2 "$(ls running-* | wc -l)" "tasks running under %2 after one ended"
assert_eq "${id}_7" "$(squeue -h -j "$id" -t pd -o %i)" "last pending task"
touch release-3 release-5 release-7
wait_until 20 job_done "$id"
for t in 1 3 5 7; do
  f=$(printf "out-%s-%03d-arr.txt" "$id" "$t")
  assert_eq "$t 4 1 7 2 arr" "$(cat "$f")" "environment of task $t"
done
assert_eq "COMPLETED" "$(squeue -h -t all -j "${id}_7" -o %T)"

# No shared spool: the script travels in the launch order.
drover down --dir "$CLUSTER" >/dev/null 2>&1
sed -i 's/^spool_shared: true/spool_shared: false/' "$DROVER_CONF"
cluster_up 3
rm -f release-*
id2=$(sbatch --parsable --array=0-2 task.sh)
wait_until 20 test -e running-0 -a -e running-1 -a -e running-2
touch release-0 release-1 release-2
wait_until 20 job_done "$id2"
assert_eq "1 3 0 2 1 task.sh" "$(cat "slurm-${id2}_1.out")"
pass
