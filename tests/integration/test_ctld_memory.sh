# Controller memory per pending job (issue 6): a submitted job's record keeps
# neither its environment nor its token string, live or after a restart,
# and pending jobs are kept packed (src/ctld/job_table.h). A full record
# cost ~1.3 KB (and ~6 KB before the environment was released); a packed
# one ~0.4 KB with everything the controller keeps per job. The bound
# (700 B at 10,000 jobs) fails if jobs stop being packed and leaves room
# for allocator noise and SQLite's page cache (256 KiB, ~25 B a job here).
source "$(dirname "$0")/lib.sh"
N=${MEMORY_TEST_JOBS:-10000}
BOUND=${MEMORY_TEST_BOUND:-700}
cluster_up 1
cd "$WORK"
pid() { cat "$CLUSTER/run/droverctld.pid"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$(pid)/status"; }

# A sizeable environment, as a real login shell has: what used to stay behind.
for i in $(seq 1 40); do export "DROVER_MEMORY_TEST_VAR_$i=$(printf '%060d' "$i")"; done
base=$(rss_kb)
seq "$N" | xargs -P 4 -n $(( (N + 3) / 4 )) sh -c \
  'for _ in "$@"; do sbatch -H --parsable -o /dev/null --wrap=true || exit 1; done' _ >ids || fail "a submission failed"
assert_eq "$N" "$(wc -l <ids | tr -d ' ')" "acknowledged"
# A second after the burst the store's worker hands back SQLite's page cache
# (2 MB at most, a fixed cost that dominates at this size) and free heap.
per_job() { echo $(( ($(rss_kb) - base) * 1024 / N )); }
at_most() { [ "$(per_job)" -le "$1" ]; }
echo "right after submitting: $(per_job) bytes per pending job"
wait_until 20 at_most "$BOUND"  # was ~6 KB (the environment), then ~1.3 KB (full records)
echo "after the burst: $(per_job) bytes per pending job"

# Its environment is not lost: it is in the store and reaches the job.
envjob=$(sbatch -H --parsable -o /dev/null --wrap='echo "$DROVER_MEMORY_TEST_VAR_7" >envout')

# After a restart: the same jobs, each once, from records without environments.
ctld=$(pid)
kill "$ctld"
wait_until 20 bash -c "! kill -0 $ctld"
cluster_up 1
wait_until 20 bash -c "[ \$(squeue -h -t pending -o %i | wc -l) -gt $N ]"
assert_eq "$( (cat ids; echo "$envjob") | sort -n)" "$(squeue -h -t pending -o %i | sort -n)" "the same jobs after a restart"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "recovered $((N + 1)) jobs ($((N + 1)) pending"
assert_contains "$(cat "$CLUSTER/log/droverctld.log")" "$((N + 1)) kept packed"
echo "after restart: $(per_job) bytes per pending job"
at_most "$BOUND" || fail "controller holds $(per_job) bytes per pending job after a restart (bound $BOUND)"

# A packed job is listed in full (from a copy, not unpacked) and unpacked
# for a change; the change shows and survives the job being packed again.
first=$(head -n 1 ids)
assert_eq "wrap PENDING JobHeldUser" "$(squeue -h -j "$first" -o '%j %T %r')" "a packed job listed"
assert_contains "$(scontrol show job "$first")" "WorkDir=$WORK"
scontrol update JobId="$first" Name=renamed TimeLimit=10
assert_contains "$(scontrol show job "$first")" "WorkDir=$WORK"
assert_eq "renamed PENDING JobHeldUser 10:00" "$(squeue -h -j "$first" -o '%j %T %r %l')" "changed and packed again"

scontrol release "$envjob"
wait_until 30 job_done "$envjob"
assert_eq "COMPLETED" "$(sacct -X -n -P -o State -j "$envjob")" "released job ran"
assert_eq "$(printf '%060d' 7)" "$(cat envout)" "the job's environment"
pass
