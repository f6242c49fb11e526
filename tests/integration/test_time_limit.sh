# Time limits: at the limit the supervisor cancels the job (TERM, then
# KILL after kill_wait for a job that ignores TERM) and it ends TIMEOUT.
# A running job's limit changed with scontrol update is enforced, and one
# raised past the original keeps the job running. Slurm's limits are in
# minutes, so this test takes a little over one.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"
lowered=$(sbatch --parsable -w node2 -t 30 --wrap='touch lowered-started; exec sleep 600')
raised=$(sbatch --parsable -w node2 -t 1 --wrap='touch raised-started; exec sleep 600')
wait_until 20 test -e lowered-started
wait_until 20 test -e raised-started
scontrol update JobId="$lowered" TimeLimit=1
scontrol update JobId="$raised" TimeLimit=5
assert_eq "1:00" "$(squeue -h -j "$lowered" -o %l)" "lowered limit shown"
id=$(sbatch --parsable -w node1 -t 1 --wrap='trap "echo ignoring TERM" TERM; touch started; while true; do sleep 0.2; done')
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
# The updated limits: the lowered job timed out at one minute, the raised one runs on.
wait_until 30 job_done "$lowered"
assert_eq TIMEOUT "$(job_state "$lowered")" "a running job's lowered limit"
elapsed=$(sacct -X -P -n --format=ElapsedRaw -j "$lowered")
[ "$elapsed" -ge 60 ] && [ "$elapsed" -le 75 ] || fail "lowered job ran for $elapsed s with a 1-minute limit"
assert_eq RUNNING "$(job_state "$raised")" "a running job's raised limit"
assert_eq "5:00" "$(squeue -h -j "$raised" -o %l)" "raised limit shown"
scancel "$raised"
pass
