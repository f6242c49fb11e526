# Bad input gets Slurm's words and exit codes, and leaves state unharmed.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
printf '#!/bin/sh\ntrue\n' > ok.sh

expect_error() {  # expected_code expected_stderr command...
  local code=$1 want=$2; shift 2
  local out rc=0
  out=$("$@" 2>&1 >/dev/null) || rc=$?
  assert_eq "$code" "$rc" "exit code of: $*"
  assert_eq "$want" "$out" "stderr of: $*"
}

expect_error 1 "sbatch: error: invalid partition specified: nosuch
sbatch: error: Batch job submission failed: Invalid partition name specified" sbatch -p nosuch ok.sh
expect_error 255 "sbatch: error: Invalid --time specification" sbatch -t 1:2:3:4 ok.sh
expect_error 255 "sbatch: error: Invalid --mem specification" sbatch --mem=lots ok.sh
expect_error 1 "sbatch: error: Batch job submission failed: Invalid job array specification" sbatch --array=5-1 ok.sh
expect_error 1 "sbatch: error: Batch job submission failed: Requested node configuration is not available" \
  sbatch -c 64 ok.sh
expect_error 1 "sbatch: error: Batch job submission failed: Node count specification invalid" sbatch -N 9 ok.sh
expect_error 1 'sbatch: error: Invalid numeric value "0" for --ntasks.' sbatch -n 0 ok.sh
expect_error 1 "sbatch: error: Unable to open file missing.sh" sbatch missing.sh
expect_error 255 "sbatch: unrecognized option '--bogus'
Try \"sbatch --help\" for more information" sbatch --bogus ok.sh
printf 'echo no shebang\n' > bad.sh
expect_error 1 "sbatch: error: This does not look like a batch script.  The first
sbatch: error: line must start with #! followed by the path to an interpreter.
sbatch: error: For instance: #!/bin/sh" sbatch bad.sh
printf '#!/bin/sh\n#SBATCH --bogus-directive\ntrue\n' > baddir.sh
out=$(sbatch baddir.sh 2>&1) && fail "a bad directive was accepted"
assert_contains "$out" "sbatch: error: Invalid directive found in batch script"

expect_error 1 "slurm_load_jobs error: Invalid job id specified" squeue -j 99999
expect_error 1 "squeue: error: Invalid job id: abc" squeue -j abc
expect_error 1 "squeue: error: Invalid job state specified: bogus
squeue: error: Valid job states include: PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,NODE_FAIL,PREEMPTED,BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,REVOKED,SPECIAL_EXIT" \
  squeue -t bogus
out=$(squeue -u no_such_user_here 2>&1) || fail "squeue -u unknown should exit 0"
assert_contains "$out" "squeue: error: Invalid user: no_such_user_here"
expect_error 1 'sinfo: error: Bad state string: "weird"' sinfo -t weird

# #SBATCH directives are honoured, and the command line wins over them.
cat > directives.sh <<'SCRIPT'
#!/bin/sh
#SBATCH -J from_script
#SBATCH --output=out-%j.txt
#SBATCH -t 10
echo "$SLURM_JOB_NAME"
SCRIPT
id=$(sbatch --parsable directives.sh)
wait_until 20 job_done "$id"
assert_eq "from_script" "$(cat "out-$id.txt")"
assert_eq "10:00" "$(squeue -h -t all -j "$id" -o %l)" "time limit from directive"
id=$(sbatch --parsable -J from_cli directives.sh)
wait_until 20 job_done "$id"
assert_eq "from_cli" "$(cat "out-$id.txt")"

# A failing job is FAILED with its exit code; the state survived all of the above.
id=$(sbatch --parsable --wrap="exit 3")
wait_until 20 job_done "$id"
assert_eq FAILED "$(job_state "$id")"
assert_eq "(NonZeroExitCode)" "$(squeue -h -t all -j "$id" -o %R)"
pass
