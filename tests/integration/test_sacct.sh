# sacct: job and batch-step lines for completed, failed, cancelled, pending
# and array jobs, in the forms Snakemake, submitit and Toil send and parse.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
me=$(id -u)
today=$(date +%Y-%m-%dT00:00)

ok=$(sbatch --parsable -J sacct-ok --wrap='echo fine')
bad=$(sbatch --parsable -J sacct-bad --wrap='exit 3')
wait_until 20 job_done "$ok"
wait_until 20 job_done "$bad"

# Snakemake's poll, exactly as it parses it: "ID|STATE" lines, steps included.
assert_eq "$ok|COMPLETED
$ok.batch|COMPLETED" "$(sacct -P -n --format=JobIdRaw,State -j "$ok")" "Snakemake poll of a completed job"
assert_eq "$bad|FAILED|3:0
$bad.batch|FAILED|3:0" "$(sacct -P -n --format=JobIdRaw,State,ExitCode -j "$bad")" "failed job"
assert_eq "$ok|COMPLETED|0:0|" "$(sacct -p -n -X -o jobid,state,exitcode -j "$ok")" "-p trailing delimiter"

# The default table: header, rule, fixed widths.
out=$(sacct -j "$ok")
assert_eq "JobID           JobName  Partition    Account  AllocCPUS      State ExitCode " "$(sed -n 1p <<<"$out")" "header"
assert_eq "------------ ---------- ---------- ---------- ---------- ---------- -------- " "$(sed -n 2p <<<"$out")" "rule"
assert_eq "$(printf '%-12s %10s %10s %10s %10s %10s %8s ' "$ok" sacct-ok picluster '' 1 COMPLETED 0:0)" \
  "$(sed -n 3p <<<"$out")" "job line"
assert_eq "$(printf '%-12s %10s %10s %10s %10s %10s %8s ' "$ok.batch" batch '' '' 1 COMPLETED 0:0)" \
  "$(sed -n 4p <<<"$out")" "batch line"
assert_eq 4 "$(wc -l <<<"$out")" "lines of sacct -j"

# A cancelled running job: "CANCELLED by <uid>", its batch step killed by TERM.
run=$(sbatch --parsable -J sacct-run --wrap='touch running; sleep 300')
wait_until 20 test -e running
assert_eq "$run|RUNNING|Unknown" "$(sacct -P -n -X -o JobIDRaw,State,End -j "$run")" "running job"
scancel "$run"
wait_until 20 job_done "$run"
assert_eq "$run|CANCELLED by $me|0:0
$run.batch|CANCELLED|0:15" "$(sacct -P -n --format=JobIdRaw,State,ExitCode -j "$run")" "cancelled job"
assert_contains "$(sacct -n -X -j "$run")" " CANCELLED+ " "cut state in the fixed-width table"
assert_eq "$run.batch|CANCELLED" "$(sacct -P -n -o JobIDRaw,State -j "$run.batch")" "one step by id"

# A pending job has no batch step yet.
held=$(sbatch --parsable -H -J sacct-held --wrap=true)
assert_eq "$held|PENDING|None assigned|Unknown" "$(sacct -P -n -o JobIDRaw,State,NodeList,Start -j "$held")" "pending job"

# submitit's/Snakemake 8's form: allocations of one run name, today until now.
assert_eq "$bad|FAILED" "$(sacct -X --parsable2 --clusters all --noheader --format=JobIdRaw,State \
  --name sacct-bad --starttime "$today" --endtime now)" "by name in a window"
assert_eq "" "$(sacct -X -P -n -o JobIdRaw --name sacct-bad --starttime now+1hour --endtime now+2hours)" "window after the job"

# Without -j: today's jobs of the caller, job lines only with -X.
out=$(sacct -X -P -n -o JobIDRaw)
assert_eq "$ok $bad $run $held" "$(echo $out)" "today's allocations"
assert_eq "$ok $ok.batch $bad $bad.batch $run $run.batch $held" "$(echo $(sacct -P -n -o JobIDRaw))" "today's lines"
assert_eq "$bad" "$(sacct -X -P -n -o JobIDRaw -s FAILED,F -S 1970-01-01)" "by state"
assert_eq "$ok|COMPLETED|0:0" "$(sacct -b -X -P -n -j "$ok")" "-b"
assert_eq "$ok,COMPLETED" "$(sacct -X -P -n --delimiter=, -o JobID,State -j "$ok")" "--delimiter"
assert_eq "$(printf '%-6s %10s' "$ok" COMPLETED)" "$(SACCT_FORMAT=JobID%-6,State%10 sacct -n -X -j "$ok" | sed 's/ $//')" "SACCT_FORMAT"

# An array: each started task as ID_T (JobIDRaw its own id), pending ones as a range.
arr=$(sbatch --parsable --array=1-4%2 -J sacct-arr --wrap='touch task-$SLURM_ARRAY_TASK_ID; while [ ! -e go ]; do sleep 0.05; done')
wait_until 20 test -e task-1 -a -e task-2
out=$(sacct -X -P -n -o JobID,State -j "$arr")
assert_contains "$out" "${arr}_1|RUNNING"
assert_contains "$out" "${arr}_2|RUNNING"
assert_contains "$out" "${arr}_[3-4%2]|PENDING"
touch go
wait_until 30 job_done "$arr"
assert_eq "${arr}_1|COMPLETED ${arr}_2|COMPLETED ${arr}_3|COMPLETED ${arr}_4|COMPLETED" \
  "$(echo $(sacct -X -P -n -o JobID,State -j "$arr"))" "array tasks"
assert_eq "${arr}_3|COMPLETED" "$(sacct -X -P -n -o JobID,State -j "${arr}_3")" "one task"
raw=$(sacct -X -P -n -o JobIDRaw -j "${arr}_4")
[ "$raw" -ge "$arr" ] || fail "JobIDRaw of a task: $raw"
assert_eq 8 "$(sacct -P -n -o JobID -j "$arr" | wc -l)" "tasks and their batch steps"

# Errors and odd requests.
rc=0; out=$(sacct -o JobID,Bogus 2>&1 >/dev/null) || rc=$?
assert_eq 1 "$rc" "unknown field exit"; assert_eq 'sacct: error: Invalid field requested: "Bogus"' "$out"
assert_eq "" "$(sacct -P -n -j 999999)" "unknown job id"
rc=0; sacct -S yesterdayish >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "bad time"
assert_contains "$(sacct -V)" "slurm 22.05.8"
pass
