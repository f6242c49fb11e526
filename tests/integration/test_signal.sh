# --signal=[B:]SIG@SECS: the supervisor sends SIG that many seconds before
# the time limit; with B: to the batch shell only, without it to the job's
# other processes but not the shell (as Slurm signals steps, not the shell).
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
# 1-minute limit, signal 57 s before it: about 3 s after the start.
b=$(sbatch --parsable -t 1 --signal=B:USR1@57 \
  --wrap='trap "echo shell got USR1; exit 0" USR1; touch b.started; while true; do sleep 0.2; done')
n=$(sbatch --parsable -t 1 --signal=10@57 \
  --wrap='trap "echo shell got USR1" USR1; touch n.started; sleep 300; echo "sleep ended with $?"')
wait_until 20 test -e b.started
wait_until 20 test -e n.started
wait_until 30 job_done "$b"
wait_until 30 job_done "$n"
assert_eq "shell got USR1" "$(cat "slurm-$b.out")" "B: reached the batch shell"
assert_eq COMPLETED "$(job_state "$b")"
# 138 = 128 + SIGUSR1: the sleep was signalled, the shell was not.
out=$(cat "slurm-$n.out")
assert_contains "$out" "sleep ended with 138" "without B: the job's processes"
[[ "$out" != *"shell got USR1"* ]] || fail "without B: the batch shell was signalled too: [$out]"
# Well before the limit, not at it.
elapsed=$(sacct -X -P -n --format=ElapsedRaw -j "$b")
[ "$elapsed" -le 30 ] || fail "the signal came after $elapsed s"
pass
