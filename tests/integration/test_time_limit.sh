# Time limits: at the limit the supervisor cancels the job (TERM, then
# KILL after kill_wait for a job that ignores TERM) and it ends TIMEOUT.
# Slurm's limits are in minutes, so this test takes a little over one.
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
id=$(sbatch --parsable -t 1 --wrap='trap "echo ignoring TERM" TERM; touch started; while true; do sleep 0.2; done')
wait_until 20 test -e started
assert_eq "1:00" "$(squeue -h -j "$id" -o %l)" "time limit shown"
wait_until 100 job_done "$id"
assert_eq TIMEOUT "$(job_state "$id")"
assert_eq "(TimeLimit)" "$(squeue -h -t all -j "$id" -o %R)"
out=$(cat "slurm-$id.out")
assert_contains "$out" "ignoring TERM"
assert_contains "$out" "error: *** JOB $id ON node1 CANCELLED AT"
assert_contains "$out" "DUE TO TIME LIMIT ***"
assert_eq "$id|TIMEOUT" "$(sacct -X -P -n --format=JobIDRaw,State -j "$id")"
# It ran about a minute, not much more: the KILL came kill_wait (5 s) after the TERM.
elapsed=$(sacct -X -P -n --format=ElapsedRaw -j "$id")
[ "$elapsed" -ge 60 ] && [ "$elapsed" -le 75 ] || fail "ran for $elapsed s with a 1-minute limit"
pass
