# batchtools (Debian r-cran-batchtools), unmodified, with its own Slurm cluster
# functions and its own slurm-simple template, against a 3-node `drover up`
# cluster. batchtools submits `sbatch <file>.job` and takes word 4 of the first
# output line, lists jobs with `squeue --user=$USER --states=<codes> -h -r
# --format=%i`, and kills with `scancel ID` / `scancel ID_TASK`.
#
# 1. A workflow of dependent stages: squares of 1..4 (four single jobs), then
#    each square + 1 as one array job (its input is stage 1's results), then
#    the sum (one job on stage 2's results). waitForJobs() must say TRUE, no
#    job may be in error, and the sum must be 34.
# 2. Failures: one job calls stop(), one kills its R process with exit 3.
#    batchtools must report the first as an error with its message and the
#    second as expired (gone from the queue without a result).
# 3. Cancel: two running jobs and a running 2-task array killed with
#    killJobs() (`scancel ID`, `scancel ID_TASK`); none may be left in squeue,
#    and batchtools must no longer see any as queued or running.
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(batchtools)' >/dev/null 2>&1; then
  echo "SKIP: batchtools is not installed (apt-get install r-cran-batchtools)"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
export USER=$(id -un)  # batchtools lists jobs with squeue --user=$USER
cluster_up 3
cd "$WORK"

# batchtools' own configuration file, read from the working directory by
# makeRegistry and loadRegistry: the package's Slurm cluster functions with its
# bundled template; short latencies so that an expired job is noticed soon.
cat >batchtools.conf.R <<'EOF'
cluster.functions = makeClusterFunctionsSlurm(template = "slurm-simple", scheduler.latency = 0.5, fs.latency = 5)
default.resources = list(walltime = 120, memory = 100, ncpus = 1)
EOF
cat >setup.R <<'EOF'
suppressMessages(library(batchtools))
new_registry <- function(name) makeRegistry(file.dir = file.path(getwd(), name), seed = 1)
show <- function(what, x) cat(sprintf("%s: [%s]\n", what, paste(x, collapse = " ")))
EOF

# --- 1. dependent stages -------------------------------------------------------
cat >workflow.R <<'EOF'
source("setup.R")
square <- new_registry("square")
batchMap(function(x) { Sys.sleep(1); x^2 }, x = 1:4, reg = square)
submitJobs(reg = square)
stopifnot(waitForJobs(reg = square, sleep = 1, timeout = 100))
squares <- unlist(reduceResultsList(reg = square))
show("squares", squares)

# Stage 2 takes stage 1's results as its input, in one array job of 4 tasks.
plus <- new_registry("plus")
batchMap(function(s) s + 1, s = squares, reg = plus)
ids <- findJobs(reg = plus)
ids$chunk <- 1L
submitJobs(ids, resources = list(chunks.as.arrayjobs = TRUE), reg = plus)
stopifnot(waitForJobs(reg = plus, sleep = 1, timeout = 100))
plus1 <- unlist(reduceResultsList(reg = plus))
show("plus", plus1)
show("array batch ids", getJobTable(reg = plus)$batch.id)

total <- new_registry("total")
batchMap(function(v) sum(v), v = list(plus1), reg = total)
submitJobs(reg = total)
stopifnot(waitForJobs(reg = total, sleep = 1, timeout = 100))
for (r in list(square, plus, total)) stopifnot(nrow(findErrors(reg = r)) == 0, nrow(findDone(reg = r)) == nrow(findJobs(reg = r)))
show("total", loadResult(1, reg = total))
EOF
out=$(timeout 240 Rscript workflow.R 2>&1) || fail "batchtools workflow failed (rc $?): $out"
assert_contains "$out" "squares: [1 4 9 16]" "stage 1 results"
assert_contains "$out" "plus: [2 5 10 17]" "stage 2 results"
assert_contains "$out" "total: [34]" "stage 3 result"
# The array job's tasks are ID_1..ID_4 of one job id.
[[ "$out" =~ array\ batch\ ids:\ \[([0-9]+)_1\ ([0-9]+)_2\ ([0-9]+)_3\ ([0-9]+)_4\] ]] || fail "array batch ids: $out"
array_id=${BASH_REMATCH[1]}
for i in 2 3 4; do assert_eq "$array_id" "${BASH_REMATCH[$i]}" "job id of array task $i"; done
# Each task ran as its own Slurm array task and completed.
assert_eq "COMPLETED COMPLETED COMPLETED COMPLETED" \
  "$(echo $(sacct -X -P -n -o State -j "$array_id"))" "sacct states of the stage 2 array"
ls square/logs/*.log >/dev/null 2>&1 || fail "no job logs in the stage 1 registry"

# --- 2. a failing job and a dying job --------------------------------------------
cat >failing.R <<'EOF'
source("setup.R")
reg <- new_registry("failing")
batchMap(function(x) {
  if (x == 2) stop("boom in job 2")
  if (x == 3) quit(save = "no", status = 3)
  x
}, x = 1:3, reg = reg)
submitJobs(reg = reg)
ok <- waitForJobs(reg = reg, sleep = 1, timeout = 100, stop.on.error = FALSE, expire.after = 1L)
show("wait", ok)
show("done", findDone(reg = reg)$job.id)
show("errors", findErrors(reg = reg)$job.id)
show("message", getErrorMessages(reg = reg)$message)
show("expired", findExpired(reg = reg)$job.id)
EOF
out=$(timeout 240 Rscript failing.R 2>&1) || fail "batchtools failing run crashed (rc $?): $out"
assert_contains "$out" "wait: [FALSE]" "waitForJobs on a run with failures"
assert_contains "$out" "done: [1]" "the good job"
assert_contains "$out" "errors: [2]" "the job that called stop()"
assert_contains "$out" "boom in job 2" "its error message"
assert_contains "$out" "expired: [3]" "the job whose R process exited 3"

# --- 3. cancel a run ----------------------------------------------------------------
cat >cancel_submit.R <<'EOF'
source("setup.R")
reg <- new_registry("cancel")
batchMap(function(x) Sys.sleep(300), x = 1:4, reg = reg)
submitJobs(1:2, reg = reg)
# Jobs 3 and 4 as one array job: batchtools kills them as ID_1 and ID_2.
submitJobs(data.frame(job.id = 3:4, chunk = 1L), resources = list(chunks.as.arrayjobs = TRUE), reg = reg)
EOF
timeout 120 Rscript cancel_submit.R >cancel_submit.out 2>&1 || fail "submitting the run to cancel: $(cat cancel_submit.out)"
running() { [ "$(squeue -h -u "$USER" -t R -o %i | wc -l)" -eq 4 ]; }
wait_until 60 running
cat >cancel.R <<'EOF'
source("setup.R")
reg <- loadRegistry(file.path(getwd(), "cancel"), writeable = TRUE)
show("running before", findRunning(reg = reg)$job.id)
killed <- killJobs(reg = reg)
show("killed", killed$job.id[killed$killed])
show("running after", findRunning(reg = reg)$job.id)
show("queued after", findQueued(reg = reg)$job.id)
EOF
out=$(timeout 120 Rscript cancel.R 2>&1) || fail "killJobs failed (rc $?): $out"
assert_contains "$out" "running before: [1 2 3 4]" "jobs batchtools saw running"
assert_contains "$out" "killed: [1 2 3 4]" "jobs batchtools killed"
assert_contains "$out" "running after: []" "jobs batchtools sees running after killJobs"
assert_contains "$out" "queued after: []" "jobs batchtools sees queued after killJobs"
queue_empty() { [ -z "$(squeue -h -u "$USER" -o %i)" ]; }
wait_until 30 queue_empty
assert_eq "CANCELLED CANCELLED CANCELLED CANCELLED" "$(echo $(sacct -X -P -n -o State -s CA -S 1970-01-01 | cut -d' ' -f1))" \
  "sacct states of the killed jobs"
pass
