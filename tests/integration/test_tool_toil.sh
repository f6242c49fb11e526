# Toil (Debian `toil`), unmodified, with its Slurm batch system against a
# 3-node `drover up` cluster. Toil submits `sbatch -J toil_job_N_... --export=ALL,...
# --mem=M --cpus-per-task=C -o ... -e ... --wrap=_toil_worker ...`, takes the last
# word of stdout as the id, polls `squeue -h --format '%i %t %M'`, reads exit codes
# with `sacct -n -j IDS --format JobIDRaw,State,ExitCode -P -S 1970-01-01`, and
# kills with `scancel ID`.
#
# 1. A workflow of dependent jobs: a root job, three children (squares of 1..3),
#    and a follow-on that sums the children's results (promises). Toil must
#    finish successfully with 14, and every job must have written its output.
# 2. A failing job: Toil must end the run with its FailedJobsException naming
#    the job and carrying its error, while the sibling job still succeeds.
# 3. A cancelled run: a job that outlives --maxJobDuration is killed by Toil
#    itself (its batch system's kill, i.e. scancel); the run fails and no job
#    may be left in squeue. (Ctrl-C of a Toil 5.9 leader leaves its batch jobs
#    running, against Slurm too, so that is not Toil's way to cancel.)
# --statePollingWait 1 and --rescueJobsFrequency 2 only make Toil poll more
# often than its defaults; the poll interval Toil would pick by itself (from
# `scontrol show config`) is checked with Toil's own function.
if ! command -v toil >/dev/null || ! /usr/bin/python3 -c 'import toil' 2>/dev/null; then
  echo "SKIP: Toil is not installed (apt-get install toil)"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
export USER=$(id -un)  # clients read it; the checks below list the user's jobs
# Toil is a Debian Python package: its jobs run /usr/bin/_toil_worker, and the
# leader must be the system Python, whatever else is first on PATH.
export PATH="$DROVER_BIN:/usr/bin:$PATH"
cluster_up 3
cd "$WORK"

cat >workflow.py <<'EOF'
"""The test's Toil workflow: dependent jobs, a failing job, an over-long job."""
import os
import time

from toil.common import Toil
from toil.job import Job


def square(job, x, outdir):
    with open(os.path.join(outdir, f"square_{x}.txt"), "w") as f:
        f.write(f"{x * x} {os.environ.get('SLURM_JOB_ID', '')}\n")
    return x * x


def add_up(job, values, outdir):
    with open(os.path.join(outdir, "total.txt"), "w") as f:
        f.write(f"{sum(values)}\n")
    return sum(values)


def fail(job):
    raise RuntimeError("boom in a Toil job")


def sleep_long(job, outdir):
    open(os.path.join(outdir, "sleeping"), "w").close()
    time.sleep(300)


def root(job, mode, outdir):
    if mode == "workflow":
        squares = [job.addChildJobFn(square, x, outdir).rv() for x in (1, 2, 3)]
        return job.addFollowOnJobFn(add_up, squares, outdir).rv()
    if mode == "fail":
        job.addChildJobFn(square, 5, outdir)
        job.addChildJobFn(fail)
        return 0
    job.addChildJobFn(sleep_long, outdir)
    return 0


if __name__ == "__main__":
    parser = Job.Runner.getDefaultArgumentParser()
    parser.add_argument("--mode", choices=["workflow", "fail", "sleep"], required=True)
    parser.add_argument("--outdir", required=True)
    options = parser.parse_args()
    os.makedirs(options.outdir, exist_ok=True)
    with Toil(options) as toil:
        result = toil.start(Job.wrapJobFn(root, options.mode, os.path.abspath(options.outdir)))
    print(f"RESULT {result}")
EOF
mkdir -p toilwork
# Toil's default job memory (2 GiB) is more than a node of this cluster has.
toil_run() {  # mode, extra options...
  local mode=$1; shift
  timeout 240 /usr/bin/python3 workflow.py "file:$WORK/js-$mode" --batchSystem slurm \
    --workDir "$WORK/toilwork" --defaultMemory 100M --retryCount 0 --statePollingWait 1 \
    --logLevel INFO --mode "$mode" --outdir "$WORK/out-$mode" "$@" >"toil-$mode.log" 2>&1
}

# --- 1. dependent jobs -------------------------------------------------------------
toil_run workflow || fail "Toil workflow failed (rc $?): $(tail -n 40 toil-workflow.log)"
assert_contains "$(cat toil-workflow.log)" "Finished toil run successfully." "Toil's verdict"
assert_contains "$(cat toil-workflow.log)" "RESULT 14" "the workflow's result"
assert_eq 14 "$(cat out-workflow/total.txt)" "the follow-on's output"
ids=()
for x in 1 2 3; do
  read -r value id <"out-workflow/square_$x.txt" || fail "square_$x.txt missing"
  assert_eq $((x * x)) "$value" "square of $x"
  [[ "$id" =~ ^[0-9]+$ ]] || fail "square $x ran without SLURM_JOB_ID"
  ids+=("$id")
done
assert_eq 3 "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l)" "distinct Slurm jobs of the three children"
for id in "${ids[@]}"; do
  assert_eq "COMPLETED" "$(sacct -X -P -n -o State -j "$id")" "sacct state of child job $id"
done

# --- 2. a failing job --------------------------------------------------------------
rc=0; toil_run fail || rc=$?
[ $rc -ne 0 ] || fail "Toil reported success for a run with a failing job"
[ $rc -ne 124 ] || fail "Toil did not finish the failing run in time: $(tail -n 40 toil-fail.log)"
log=$(cat toil-fail.log)
assert_contains "$log" "FailedJobsException" "Toil's failure report"
assert_contains "$log" "'fail' kind-fail" "the failed job named"
assert_contains "$log" "RuntimeError: boom in a Toil job" "the failed job's error"
read -r value _ <out-fail/square_5.txt || fail "the sibling of the failing job did not run"
assert_eq 25 "$value" "the sibling's output"
[[ "$(sacct -X -P -n -o State,ExitCode -S 1970-01-01 -s F)" == *"FAILED|1:0"* ]] ||
  fail "no FAILED batch job in sacct: $(sacct -X -P -n -o JobID,JobName,State,ExitCode -S 1970-01-01)"

# --- 3. Toil cancels an over-long job ------------------------------------------------
rc=0; toil_run sleep --maxJobDuration 3 --rescueJobsFrequency 2 || rc=$?
[ $rc -ne 0 ] || fail "Toil reported success for a run whose job it killed"
[ $rc -ne 124 ] || fail "Toil did not cancel the over-long job in time: $(tail -n 40 toil-sleep.log)"
[ -e out-sleep/sleeping ] || fail "the over-long job never started"
log=$(cat toil-sleep.log)
assert_contains "$log" "more than the max job duration" "Toil's kill of the over-long job"
assert_contains "$log" "FailedJobsException" "Toil's failure report"
queue_empty() { [ -z "$(squeue -h -u "$USER" -o %i)" ]; }
wait_until 30 queue_empty
[[ "$(sacct -X -P -n -o State -S 1970-01-01 -s CA)" == "CANCELLED by "* ]] ||
  fail "the killed job is not CANCELLED in sacct: $(sacct -X -P -n -o JobID,JobName,State -S 1970-01-01)"

# --- Toil's own choice of poll interval, from scontrol show config ---------------
# (Without --statePollingWait, Toil reads SchedulerTimeSlice/AcctGatherNodeFreq there.)
wait_s=$(/usr/bin/python3 -c 'from toil.batchSystems.slurm import SlurmBatchSystem as S; print(S.getWaitDuration())' \
  2>toil-wait.err) || fail "Toil could not read the poll interval from scontrol show config: $(tail -n 1 toil-wait.err)"
[[ "$wait_s" =~ ^[0-9]+$ ]] || fail "Toil's poll interval: $wait_s"
pass
