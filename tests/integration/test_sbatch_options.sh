# sbatch as clients use it: the exact success line and a silent stderr;
# scripts from a file (deleted right after submit), stdin and /dev/stdin;
# #SBATCH values with =, a space and quotes; SBATCH_* variables and the
# precedence command line > environment > directives; -M; placement
# options (-w, -x, -C); --open-mode=append; -i; task and memory variables;
# options stored as accepted; refusals in Slurm's words.
source "$(dirname "$0")/lib.sh"
cluster_up 3
cd "$WORK"

# Runs sbatch, keeping stdout and stderr apart; fails the test if it fails.
submit() {
  sbatch "$@" >out.txt 2>err.txt || fail "sbatch $* failed: $(cat err.txt)"
  [ ! -s err.txt ] || fail "sbatch $* wrote to stderr: $(cat err.txt)"
}
submitted_id() {
  local line; line=$(cat out.txt)
  [[ "$line" =~ ^Submitted\ batch\ job\ ([0-9]+)$ ]] || fail "unexpected sbatch output [$line]"
  echo "${BASH_REMATCH[1]}"
}
output_of() { wait_until 30 job_done "$1"; cat "${2:-slurm-$1.out}"; }

# Directives with =, a space, single and double quotes; a comment and a
# blank line before them, a command after which #SBATCH is ignored.
cat > job.sh <<'SCRIPT'
#!/bin/bash
# Parameters

#SBATCH --job-name=directive-name
#SBATCH -t 5
#SBATCH --partition='picluster'
#SBATCH --comment "two words"
#SBATCH --mem 100M
#SBATCH --account="acct1"
echo "mem=$SLURM_MEM_PER_NODE account=$SLURM_JOB_ACCOUNT name=$SLURM_JOB_NAME"
#SBATCH --job-name=ignored
SCRIPT
submit job.sh
id=$(submitted_id)
rm job.sh  # the script was copied at submit
assert_eq "mem=100 account=acct1 name=directive-name" "$(output_of "$id")" "directives"
assert_eq "5:00" "$(squeue -h -t all -j "$id" -o %l)" "time limit from #SBATCH -t 5"

# Precedence: command line > SBATCH_* > #SBATCH.
printf '#!/bin/sh\n#SBATCH -J from-directive\n#SBATCH -t 7\necho "$SLURM_JOB_NAME"\n' > prec.sh
SBATCH_JOB_NAME=from-env SBATCH_TIMELIMIT=9 submit prec.sh
id=$(submitted_id)
assert_eq "from-env" "$(output_of "$id")" "SBATCH_JOB_NAME over #SBATCH"
assert_eq "9:00" "$(squeue -h -t all -j "$id" -o %l)" "SBATCH_TIMELIMIT over #SBATCH"
SBATCH_JOB_NAME=from-env submit -J from-cli prec.sh
id=$(submitted_id)
assert_eq "from-cli" "$(output_of "$id")" "command line over SBATCH_JOB_NAME"

# Script on stdin, and as /dev/stdin: job name "sbatch".
printf '#!/bin/sh\necho "stdin $SLURM_JOB_NAME"\n' > s.sh
submit < s.sh
id=$(submitted_id)
assert_eq "stdin sbatch" "$(output_of "$id")" "script from stdin"
submit /dev/stdin < s.sh
id=$(submitted_id)
assert_eq "stdin sbatch" "$(output_of "$id")" "script from /dev/stdin"

# A bare script name not in the current directory is found in $PATH.
mkdir -p bin
printf '#!/bin/sh\necho "from path $SLURM_JOB_NAME"\n' > bin/onpath.sh
PATH="$WORK/bin:$PATH" submit onpath.sh
id=$(submitted_id)
assert_eq "from path onpath.sh" "$(output_of "$id")" "script from \$PATH"

# --parsable, and -M naming the local cluster.
id=$(sbatch --parsable --wrap true 2>err.txt)
[[ "$id" =~ ^[0-9]+$ ]] && [ ! -s err.txt ] || fail "--parsable printed [$id] [$(cat err.txt)]"
cluster=$(awk '$1 == "cluster:" {print $2}' "$DROVER_CONF")
[ -n "$cluster" ] || fail "no cluster name in $DROVER_CONF"
out=$(sbatch --parsable -M "$cluster" --wrap true)
[[ "$out" =~ ^[0-9]+\;$cluster$ ]] || fail "--parsable -M printed [$out]"
submit -M "$cluster" --wrap true
[[ "$(cat out.txt)" =~ ^Submitted\ batch\ job\ [0-9]+\ on\ cluster\ $cluster$ ]] || fail "-M line [$(cat out.txt)]"
set +e; err=$(sbatch -M elsewhere --wrap true 2>&1 >/dev/null); rc=$?; set -e
assert_eq 1 "$rc" "-M another cluster exit"
assert_contains "$err" "sbatch: error: 'elsewhere' can't be reached now"

# Placement: -w, -x, -C (node1 has pi3bplus, node2-3 pi2b).
id=$(sbatch --parsable -w node3 --wrap 'echo $SLURMD_NODENAME')
assert_eq node3 "$(output_of "$id")" "-w node3"
id=$(sbatch --parsable -x 'node[1-2]' --wrap 'echo $SLURMD_NODENAME')
assert_eq node3 "$(output_of "$id")" "-x node[1-2]"
id=$(sbatch --parsable -C pi2b --wrap 'echo $SLURMD_NODENAME')
assert_eq node2 "$(output_of "$id")" "-C pi2b (node1, the default choice, lacks it)"
echo node2 > hosts
id=$(sbatch --parsable -w ./hosts --wrap 'echo $SLURMD_NODENAME')
assert_eq node2 "$(output_of "$id")" "-w from a file"
set +e; err=$(sbatch -C nosuchfeature --wrap true 2>&1); rc=$?; set -e
assert_eq 1 "$rc" "bad -C exit"
assert_eq "sbatch: error: Batch job submission failed: Invalid feature specification" "$err"
set +e; err=$(sbatch -w node9 --wrap true 2>&1); rc=$?; set -e
assert_eq "sbatch: error: Batch job submission failed: Invalid node name specified" "$err" "-w unknown node"
set +e; err=$(sbatch --gres=gpu:1 --wrap true 2>&1); rc=$?; set -e
assert_eq 1 "$rc" "--gres exit"
assert_eq "sbatch: error: Batch job submission failed: Invalid generic resource (gres) specification" "$err"
# A memory-per-CPU request no node can hold is refused, one that fits runs.
set +e; err=$(sbatch -c 2 --mem-per-cpu=600 --wrap true 2>&1); set -e
assert_eq "sbatch: error: Batch job submission failed: Requested node configuration is not available" "$err"

# Tasks and memory variables.
id=$(sbatch --parsable -N 2 --ntasks-per-node=2 -c 1 --mem-per-cpu=100 \
  --wrap 'echo "$SLURM_NTASKS $SLURM_NTASKS_PER_NODE $SLURM_MEM_PER_CPU $SLURM_JOB_NUM_NODES"')
assert_eq "4 2 100 2" "$(output_of "$id")" "--ntasks-per-node and --mem-per-cpu"

# --exclusive from SBATCH_EXCLUSIVE and as --exclusive=user: the whole node (node1 has 4 CPUs).
id=$(SBATCH_EXCLUSIVE=1 sbatch --parsable --wrap 'echo $SLURM_CPUS_ON_NODE')
assert_eq 4 "$(output_of "$id")" "SBATCH_EXCLUSIVE"
id=$(sbatch --parsable --exclusive=user --wrap 'echo $SLURM_CPUS_ON_NODE')
assert_eq 4 "$(output_of "$id")" "--exclusive=user"

# --open-mode=append keeps what was there; the default truncates.
id=$(sbatch --parsable -o shared.out --wrap 'echo first')
wait_until 30 job_done "$id"
id=$(sbatch --parsable -o shared.out --open-mode=append --wrap 'echo "second $SLURM_OPEN_MODE"')
assert_eq "first
second a" "$(output_of "$id" shared.out)" "--open-mode=append"
id=$(sbatch --parsable -o shared.out --wrap 'echo third')
assert_eq "third" "$(output_of "$id" shared.out)" "default truncate"

# -i: a file pattern resolved against -D.
mkdir -p wd
echo "from input file" > wd/in.txt
id=$(sbatch --parsable -D wd -i in.txt --wrap 'cat')
assert_eq "from input file" "$(output_of "$id" "wd/slurm-$id.out")" "-i relative to -D"

# --export-file: newline- or NUL-separated VAR=value added to the environment.
printf 'FROM_FILE=one\nALSO=two words\n' > vars.txt
id=$(sbatch --parsable --export-file=vars.txt --wrap 'echo "$FROM_FILE/$ALSO"')
assert_eq "one/two words" "$(output_of "$id")" "--export-file"

# Accepted and stored: account, qos, comment, mail, wckey, requeue, no-kill, nice.
submit -A a1 -q normal --comment c --mail-type=END,FAIL --mail-user=me@example.org --wckey w \
  --requeue -k --nice=10 --time-min=1 --contiguous -O -s --export-file=/dev/null --wrap 'echo $SLURM_JOB_QOS'
id=$(submitted_id)
assert_eq "normal" "$(output_of "$id")" "-q shown to the job"

# Client-side value errors exit 255 with Slurm's words.
check_error() {  # expected-rc expected-stderr sbatch-args...
  local want_rc=$1 want=$2; shift 2
  set +e; err=$(sbatch "$@" --wrap true 2>&1 >/dev/null); rc=$?; set -e
  assert_eq "$want_rc" "$rc" "exit code of sbatch $*"
  assert_eq "$want" "$err" "stderr of sbatch $*"
}
check_error 255 "sbatch: error: Invalid --signal specification" --signal=NOSUCH
check_error 255 "sbatch: error: Invalid --signal specification" --signal=USR1@70000
check_error 255 "sbatch: error: --mail-type=bogus invalid" --mail-type=bogus
check_error 255 "sbatch: error: Invalid --open-mode argument: x. Ignored" --open-mode=x
check_error 1 "sbatch: fatal: --mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive." --mem=1 --mem-per-cpu=1
check_error 1 'sbatch: error: Invalid numeric value "0" for --ntasks-per-node.' --ntasks-per-node=0
pass
