# Dependencies, holds, --begin and sbatch --wait against real daemons:
# afterok chains, afternotok on a failing job, never-satisfied dependencies
# (pending, or cancelled with --kill-on-invalid-dep / kill_invalid_depend),
# singleton ordering (array tasks included), array-task and aftercorr
# dependencies, --begin now+N, -H and release, and --wait's exit codes.
# Jobs that must stay running wait for a file the test creates.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"

reason() { squeue -h -t all -j "$1" -o %r | head -n 1; }
dep_shown() { squeue -h -t all -j "$1" -o %E | head -n 1; }
is_state() { [ "$(job_state "$1")" == "$2" ]; }
has_reason() { [ "$(reason "$1")" == "$2" ]; }
hold_until() { echo "while [ ! -e $WORK/$1 ]; do sleep 0.1; done"; }

# --- bad input --------------------------------------------------------------
set +e
out=$(sbatch -d afterok:0 --wrap=true 2>&1); rc=$?
set -e
assert_eq 1 "$rc" "exit code for afterok:0"
assert_eq "sbatch: error: Batch job submission failed: Job dependency problem" "$out"
set +e
out=$(sbatch -d 'afterok:1,afterany:2?afterok:3' --wrap=true 2>&1); rc=$?
err=$(sbatch --begin=bogus --wrap=true 2>&1); brc=$?
set -e
assert_eq 1 "$rc" "exit code for mixed separators"
assert_eq 255 "$brc" "exit code for a bad --begin"
assert_eq $'Invalid time specification (pos=0): bogus\nsbatch: error: Invalid --begin specification' "$err"

# --- afterok chain ----------------------------------------------------------
a=$(sbatch --parsable -o /dev/null --wrap="$(hold_until go_a); echo a >>$WORK/chain.log")
b=$(sbatch --parsable -o /dev/null -d afterok:$a --wrap="echo b >>$WORK/chain.log")
c=$(sbatch --parsable -o /dev/null --dependency=afterok:$b --wrap="echo c >>$WORK/chain.log")
wait_until 20 is_state "$a" RUNNING
wait_until 10 has_reason "$b" Dependency
assert_eq "afterok:$a(unfulfilled)" "$(dep_shown "$b")" "squeue %E"
assert_contains "$(scontrol show job "$b")" "Reason=Dependency Dependency=afterok:$a(unfulfilled)"
assert_eq PENDING "$(job_state "$c")"
touch go_a
wait_until 30 job_done "$c"
assert_eq COMPLETED "$(job_state "$b")"
assert_eq COMPLETED "$(job_state "$c")"
assert_eq "(null)" "$(dep_shown "$c")" "dependency shown once satisfied"
assert_eq $'a\nb\nc' "$(cat chain.log)" "chain order"

# --- afternotok, and a dependency that can never be satisfied ---------------
f=$(sbatch --parsable --wrap='exit 3')
n=$(sbatch --parsable -d afternotok:$f --wrap=true)
k=$(sbatch --parsable -d afterok:$f --wrap=true)
kk=$(sbatch --parsable -d afterok:$f --kill-on-invalid-dep=yes --wrap=true)
wait_until 30 is_state "$n" COMPLETED
wait_until 10 has_reason "$k" DependencyNeverSatisfied
assert_eq "afterok:$f(failed)" "$(dep_shown "$k")"
wait_until 10 is_state "$kk" CANCELLED
assert_eq PENDING "$(job_state "$k")"
# '?': any one suffices, so a failed part does not doom the job.
any=$(sbatch --parsable -d "afterok:$f?afternotok:$f" --wrap=true)
wait_until 30 is_state "$any" COMPLETED
# after: once the other job has started, even while it still runs.
x=$(sbatch --parsable -o /dev/null --wrap="$(hold_until go_x)")
af=$(sbatch --parsable -d after:$x --wrap=true)
wait_until 30 is_state "$af" COMPLETED
assert_eq RUNNING "$(job_state "$x")" "the job 'after' waited for"
touch go_x
# A dependency on a job that is not in memory counts as satisfied.
u=$(sbatch --parsable -d afterok:999999 --wrap=true)
wait_until 30 is_state "$u" COMPLETED

# --- singleton: one at a time per user and name, array tasks included -------
arr=$(sbatch --parsable -J single -a 1-2 -o /dev/null --wrap="$(hold_until go_s)")
log_run="echo start \$SLURM_JOB_ID >>$WORK/single.log; sleep 0.5; echo end \$SLURM_JOB_ID >>$WORK/single.log"
s1=$(sbatch --parsable -J single -d singleton -o /dev/null --wrap="$log_run")
s2=$(sbatch --parsable -J single -d singleton -o /dev/null --wrap="$log_run")
wait_until 20 is_state "${arr}_2" RUNNING
wait_until 10 has_reason "$s1" Dependency
wait_until 10 has_reason "$s2" Dependency
assert_eq "singleton(unfulfilled)" "$(dep_shown "$s1")"
touch go_s
wait_until 30 job_done "$s2"
assert_eq $"start $s1"$'\n'"end $s1"$'\n'"start $s2"$'\n'"end $s2" "$(cat single.log)" "singletons ran one after the other"

# --- array tasks: afterok on one task, on the whole array, and aftercorr -----
p=$(sbatch --parsable -a 1-3 -o /dev/null \
  --wrap="if [ \$SLURM_ARRAY_TASK_ID = 2 ]; then $(hold_until go_p); fi")
one=$(sbatch --parsable -d afterok:${p}_1 --wrap=true)
all=$(sbatch --parsable -d afterok:$p --wrap=true)
corr=$(sbatch --parsable -a 1-3 -o /dev/null -d aftercorr:$p --wrap=true)
wait_until 30 is_state "$one" COMPLETED
wait_until 30 is_state "${corr}_1" COMPLETED
wait_until 30 is_state "${corr}_3" COMPLETED
assert_eq RUNNING "$(job_state "${p}_2")" "task 2 still held"
assert_eq PENDING "$(job_state "${corr}_2")" "aftercorr task 2 waits for task 2"
assert_eq PENDING "$(job_state "$all")"
assert_eq "afterok:${p}_*(unfulfilled)" "$(dep_shown "$all")"
touch go_p
wait_until 30 job_done "$all"
wait_until 30 job_done "$corr"
assert_eq COMPLETED "$(job_state "$all")"
assert_eq COMPLETED "$(job_state "${corr}_2")"

# --- --begin now+N ----------------------------------------------------------
submitted=$(date +%s)
bt=$(sbatch --parsable --begin=now+3 -o begin.out --wrap='date +%s')
wait_until 10 has_reason "$bt" BeginTime
assert_contains "$(scontrol show job "$bt")" "EligibleTime=$(date -d @$((submitted + 3)) +%Y-%m-%dT%H:%M)"
wait_until 30 is_state "$bt" COMPLETED
started=$(cat begin.out)
[ "$started" -ge $((submitted + 3)) ] || fail "--begin=now+3 job ran at $started, submitted at $submitted"

# --- -H and release ---------------------------------------------------------
h=$(sbatch --parsable -H --wrap=true)
wait_until 10 has_reason "$h" JobHeldUser
assert_eq PENDING "$(job_state "$h")"
scontrol release "$h"
wait_until 30 is_state "$h" COMPLETED

# --- sbatch --wait ----------------------------------------------------------
set +e
out=$(sbatch --wait -o /dev/null --wrap='exit 7'); rc=$?
assert_eq 7 "$rc" "--wait exit code"
assert_contains "$out" "Submitted batch job "
sbatch -W -Q -o /dev/null --wrap='kill -9 $$'; rc=$?
assert_eq 1 "$rc" "--wait on a job killed by a signal"
sbatch --wait -Q -a 1-3 -o /dev/null --wrap='exit $SLURM_ARRAY_TASK_ID'; rc=$?
assert_eq 3 "$rc" "--wait on an array: highest task exit code"
# rslurm's wait job.
sbatch --nodes=1 --output=/dev/null --time=00:01:00 --dependency=singleton --job-name=single --wait \
  --wrap=hostname >/dev/null; rc=$?
set -e
assert_eq 0 "$rc" "rslurm-style singleton --wait"

# --- kill_invalid_depend, and a failed dependency survives a restart --------
drover down --dir "$CLUSTER" >/dev/null 2>&1
echo "kill_invalid_depend: true" >>"$CLUSTER/drover.yaml"
cluster_up 2
assert_eq PENDING "$(job_state "$k")" "never-satisfied job after restart"
assert_eq DependencyNeverSatisfied "$(reason "$k")"
kc=$(sbatch --parsable -d afterok:$f --wrap=true)
kn=$(sbatch --parsable -d afterok:$f --kill-on-invalid-dep=no --wrap=true)
wait_until 10 is_state "$kc" CANCELLED
wait_until 10 has_reason "$kn" DependencyNeverSatisfied
assert_eq PENDING "$(job_state "$kn")" "--kill-on-invalid-dep=no overrides the config"
pass
