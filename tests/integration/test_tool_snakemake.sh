# Snakemake 7 (Debian `snakemake`), unmodified, with its built-in --slurm
# executor against a 3-node `drover up` cluster. Snakemake finds the default
# partition with `sinfo -o %P`, guesses an account with
# `sacct -nu "$USER" -o Account%20 | head -n1`, submits each rule with
# `sbatch -J ... -o .snakemake/slurm_logs/rule_R/%j.log --export=ALL -p P -t MIN
# --mem MB --cpus-per-task=N -D DIR --wrap='python3 -m snakemake ... --slurm-jobstep'`,
# polls `sacct -P -n --format=JobIdRaw,State -j ID` (falling back to
# `scontrol show jobid -dd ID`), and cancels with `scancel ID`. Inside each job
# the jobstep runs the rule through `srun -n1 --cpu-bind=q python3 -m snakemake ...`.
#
# 1. A workflow of dependent rules: three `square` jobs, then `total` on their
#    outputs. Snakemake must exit 0 and report all steps done; the outputs
#    must hold 1, 4, 9 and 14.
# 2. A failing rule (exit 3): Snakemake must exit non-zero and report the
#    rule's error with the SLURM job's FAILED state.
# 3. Ctrl-C: SIGINT to Snakemake while its job runs; Snakemake cancels its
#    job itself, and nothing may be left in squeue.
# Snakemake 7 replaces any status-check rate above 1/s by one check per 33 s;
# --max-status-checks-per-second 1 keeps the run short without changing what
# it sends.
if ! command -v snakemake >/dev/null || ! /usr/bin/python3 -c 'import snakemake' 2>/dev/null; then
  echo "SKIP: Snakemake is not installed (apt-get install snakemake)"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
export USER=$(id -un)  # Snakemake reads it (sacct -nu "$USER") and fails without it
# Snakemake is a Debian Python package: the jobs it submits run the system
# Python (sys.executable) and must find the same module.
export PATH="$DROVER_BIN:/usr/bin:$PATH"
cluster_up 3
cd "$WORK"

smk_options=(--slurm --jobs 3 --max-status-checks-per-second 1 --default-resources mem_mb=100 runtime=5
             --latency-wait 10)
smk() {  # directory: run Snakemake there, bounded, its output in smk.log
  (cd "$1" && exec timeout 240 snakemake "${smk_options[@]}" >smk.log 2>&1)
}

# --- 1. dependent rules ------------------------------------------------------------
mkdir workflow
cat >workflow/Snakefile <<'EOF'
rule all:
    input: "total.txt"

rule square:
    output: "square_{x}.txt"
    shell: "echo $(( {wildcards.x} * {wildcards.x} )) > {output}; echo $SLURM_JOB_ID >> {output}"

rule total:
    input: expand("square_{x}.txt", x=[1, 2, 3])
    output: "total.txt"
    shell: "awk 'FNR == 1 {{ s += $1 }} END {{ print s }}' {input} > {output}"
EOF
smk workflow || fail "Snakemake workflow failed (rc $?): $(tail -n 60 workflow/smk.log)"
log=$(cat workflow/smk.log)
assert_contains "$log" "5 of 5 steps (100%) done" "Snakemake's progress report"
assert_eq 14 "$(cat workflow/total.txt)" "the total rule's output"
ids=()
for x in 1 2 3; do
  assert_eq $((x * x)) "$(sed -n 1p "workflow/square_$x.txt")" "square of $x"
  id=$(sed -n 2p "workflow/square_$x.txt")
  [[ "$id" =~ ^[0-9]+$ ]] || fail "square $x ran without SLURM_JOB_ID"
  assert_contains "$log" "has been submitted with SLURM jobid $id " "Snakemake's submission of job $id"
  assert_eq "COMPLETED" "$(sacct -X -P -n -o State -j "$id")" "sacct state of job $id"
  ids+=("$id")
done
[ -s "workflow/.snakemake/slurm_logs/rule_square/${ids[0]}.log" ] || fail "no Slurm log for job ${ids[0]}"

# --- 2. a failing rule ----------------------------------------------------------------
mkdir failing
cat >failing/Snakefile <<'EOF'
rule all:
    input: "never.txt"

rule fail:
    output: "never.txt"
    shell: "echo failing on purpose; exit 3"
EOF
rc=0; smk failing || rc=$?
[ $rc -ne 0 ] || fail "Snakemake reported success for a failing rule"
[ $rc -ne 124 ] || fail "Snakemake did not finish the failing run in time: $(tail -n 40 failing/smk.log)"
log=$(cat failing/smk.log)
assert_contains "$log" "Error in rule fail:" "Snakemake's report of the failed rule"
[[ "$log" =~ SLURM-job\ \'([0-9]+)\'\ failed,\ SLURM\ status\ is:\ \'FAILED\' ]] ||
  fail "Snakemake did not report the SLURM job as FAILED: $log"
# The batch script is Snakemake's jobstep, which exits 1 when its rule fails.
assert_eq "FAILED|1:0" "$(sacct -X -P -n -o State,ExitCode -j "${BASH_REMATCH[1]}")" "sacct of the failed job"
[ ! -e failing/never.txt ] || fail "the failed rule's output exists"

# --- 3. Ctrl-C ---------------------------------------------------------------------------
mkdir cancel
cat >cancel/Snakefile <<'EOF'
rule all:
    input: "slow.txt"

rule slow:
    output: "slow.txt"
    shell: "touch started; sleep 300; touch {output}"
EOF
# Job control: the background run does not ignore SIGINT (a script's
# background jobs otherwise do), as at a terminal.
set -m
(cd cancel && exec timeout 240 snakemake "${smk_options[@]}" >smk.log 2>&1) &
timeout_pid=$!
set +m
wait_until 120 test -e cancel/started
running() { [ -n "$(squeue -h -u "$USER" -t R -o %i)" ]; }
wait_until 10 running
smk_pid=$(pgrep -P "$timeout_pid" -x snakemake) || fail "Snakemake is not running under timeout ($timeout_pid)"
kill -INT "$smk_pid"  # Ctrl-C
rc=0; wait "$timeout_pid" || rc=$?
[ $rc -ne 124 ] || fail "Snakemake did not exit after Ctrl-C: $(tail -n 40 cancel/smk.log)"
[ $rc -ne 0 ] || fail "Snakemake exited 0 after Ctrl-C"
log=$(cat cancel/smk.log)
assert_contains "$log" "Terminating processes on user request" "Snakemake's reaction to Ctrl-C"
queue_empty() { [ -z "$(squeue -h -u "$USER" -o %i)" ]; }
wait_until 30 queue_empty
[[ "$(sacct -X -P -n -o JobName,State -S 1970-01-01 | grep '^snakejob_slow')" == *"|CANCELLED by "* ]] ||
  fail "the slow rule's job is not CANCELLED: $(sacct -X -P -n -o JobID,JobName,State -S 1970-01-01)"
pass
