# rslurm (Debian r-cran-rslurm), unmodified, against a 3-node `drover up`
# cluster. rslurm checks for Slurm with a bare `squeue`, submits
# `cd _rslurm_NAME && sbatch submit.sh` (an array job 0..N-1 whose tasks read
# SLURM_ARRAY_TASK_ID and write results_<task>.RDS in the submit directory),
# reads its status with `squeue -n NAME` (Slurm's default layout, parsed by
# read.table), waits with `sbatch --dependency=singleton --wait ... --wrap=hostname`
# while `squeue -hn NAME` lists anything, and cancels with `scancel -n NAME`.
#
# 1. A workflow of dependent stages: squares of 1..6 in a 3-task array, then
#    each square + 1 in a 2-task array (its input is stage 1's results), then
#    their sum with slurm_call. get_slurm_out(wait = TRUE) must return every
#    result with no warning, and the sum must be 97.
# 2. A failing task: its R function stops. rslurm must report the missing
#    result of that task, and its log must carry the error; the other task's
#    result is returned.
# 3. Cancel: a 3-task array limited to 2 tasks at once, seen by
#    get_job_status() as 2 running tasks and a pending rest, cancelled with
#    cancel_slurm(); nothing may be left in squeue and rslurm must see the job
#    as completed.
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(rslurm)' >/dev/null 2>&1; then
  echo "SKIP: rslurm is not installed (apt-get install r-cran-rslurm)"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
export USER=$(id -un)  # clients read it; the checks below list the user's jobs
cluster_up 3
cd "$WORK"

cat >setup.R <<'EOF'
suppressMessages(library(rslurm))
show <- function(what, x) cat(sprintf("%s: [%s]\n", what, paste(x, collapse = " ")))
# Runs expr, printing each warning rslurm gives as a "warning:" line.
noting_warnings <- function(expr) withCallingHandlers(expr, warning = function(w) {
  cat("warning:", conditionMessage(w), "\n")
  invokeRestart("muffleWarning")
})
EOF

# --- 1. dependent stages -------------------------------------------------------
cat >workflow.R <<'EOF'
source("setup.R")
noting_warnings({
  stage1 <- slurm_apply(function(x) x^2, data.frame(x = 1:6), jobname = "stage1",
                        nodes = 3, cpus_per_node = 1)
  squares <- unlist(get_slurm_out(stage1, outtype = "raw", wait = TRUE))
  show("squares", squares)
  # Stage 2 takes stage 1's results as its input.
  stage2 <- slurm_apply(function(s) s + 1, data.frame(s = squares), jobname = "stage2",
                        nodes = 2, cpus_per_node = 1)
  plus <- unlist(get_slurm_out(stage2, outtype = "raw", wait = TRUE))
  show("plus", plus)
  stage3 <- slurm_call(function(v) sum(v), list(v = plus), jobname = "stage3")
  show("total", get_slurm_out(stage3, outtype = "raw", wait = TRUE))
})
EOF
out=$(timeout 240 Rscript workflow.R 2>&1) || fail "rslurm workflow failed (rc $?): $out"
[[ "$out" != *"warning:"* ]] || fail "rslurm warned during the workflow: $out"
assert_contains "$out" "squares: [1 4 9 16 25 36]" "stage 1 results"
assert_contains "$out" "plus: [2 5 10 17 26 37]" "stage 2 results"
assert_contains "$out" "total: [97]" "stage 3 result"
for t in 0 1 2; do [ -s "_rslurm_stage1/results_$t.RDS" ] || fail "stage 1 task $t wrote no result"; done
# Every job of the run, and rslurm's own waiting jobs, ended COMPLETED.
states=$(sacct -X -P -n -o State -S 1970-01-01 | sort -u)
assert_eq "COMPLETED" "$states" "states of every job of the workflow"

# --- 2. a failing task ----------------------------------------------------------
cat >failing.R <<'EOF'
source("setup.R")
noting_warnings({
  job <- slurm_apply(function(x) if (x == 2) stop("boom in task 2") else x * 10,
                     data.frame(x = 1:2), jobname = "failing", nodes = 2, cpus_per_node = 1)
  show("results", unlist(get_slurm_out(job, outtype = "raw", wait = TRUE)))
  status <- get_job_status(job)
  show("completed", status$completed)
  cat(status$log, sep = "\n")
})
EOF
out=$(timeout 240 Rscript failing.R 2>&1) || fail "rslurm failing run crashed (rc $?): $out"
assert_contains "$out" "warning: The following files are missing: results_1.RDS" "rslurm's report of the failed task"
assert_contains "$out" "results: [10]" "the good task's result"
assert_contains "$out" "completed: [TRUE]" "rslurm's view of the finished job"
assert_contains "$out" "boom in task 2" "the failed task's log"
# The array's tasks (rslurm's own wait job shares their name but is no task).
failing_states=$(sacct -X -P -n -o JobID,JobName,State -S 1970-01-01 | awk -F'|' '$2 == "failing" && $1 ~ /_/ {print $3}' |
  sort | tr '\n' ' ')
assert_eq "COMPLETED FAILED " "$failing_states" "sacct states of the failing run's tasks"

# --- 3. cancel a run ----------------------------------------------------------------
cat >cancel_submit.R <<'EOF'
source("setup.R")
# At most 2 tasks at once (--array=0-2%2): the third stays pending until cancelled.
job <- slurm_apply(function(x) { Sys.sleep(300); x }, data.frame(x = 1:3), jobname = "cancelme",
                   nodes = 3, cpus_per_node = 1, job_array_task_limit = 2)
saveRDS(job, "cancelme.RDS")
EOF
timeout 120 Rscript cancel_submit.R >cancel_submit.out 2>&1 || fail "submitting the run to cancel: $(cat cancel_submit.out)"
running() { [ "$(squeue -h -n cancelme -t R -o %i | wc -l)" -eq 2 ]; }
wait_until 60 running
cat >cancel.R <<'EOF'
source("setup.R")
job <- readRDS("cancelme.RDS")
before <- get_job_status(job)
show("completed before", before$completed)
show("states before", sort(as.character(before$queue$ST)))
cancel_slurm(job)
deadline <- Sys.time() + 30
while (!get_job_status(job)$completed && Sys.time() < deadline) Sys.sleep(0.2)
show("completed after", get_job_status(job)$completed)
EOF
out=$(timeout 120 Rscript cancel.R 2>&1) || fail "cancel_slurm failed (rc $?): $out"
assert_contains "$out" "completed before: [FALSE]" "rslurm's view of the running job"
assert_contains "$out" "states before: [PD R R]" "the states rslurm read from squeue"
assert_contains "$out" "completed after: [TRUE]" "rslurm's view after cancel_slurm"
assert_eq "" "$(squeue -h -u "$USER" -o %i)" "jobs left in squeue"
cancelled=$(sacct -X -P -n -o JobName,State -S 1970-01-01 | grep '^cancelme|' | cut -d'|' -f2 | cut -d' ' -f1 | tr '\n' ' ')
assert_eq "CANCELLED CANCELLED CANCELLED " "$cancelled" "sacct states of the cancelled tasks"
pass
