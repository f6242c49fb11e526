# Accounting and job life after the end: scontrol show config and
# reconfigure, MinJobAge (finished jobs leave squeue/scontrol, sacct still
# finds them, also after a controller restart), MaxRSS and TotalCPU measured
# by the job's supervisor, sacct --json and --units, scontrol requeue,
# requeuehold and update JobId=.
source "$(dirname "$0")/lib.sh"
cluster_up 2
cd "$WORK"

# What Snakemake and Toil read from show config.
conf=$(scontrol show config)
assert_contains "$conf" "Configuration data as of "
assert_contains "$conf" $'\nMinJobAge               = 300 sec\n'
assert_contains "$conf" $'\nSchedulerTimeSlice      = 30 sec\n'
assert_contains "$conf" $'\nAcctGatherNodeFreq      = 0 sec\n'
assert_contains "$conf" $'\nMaxArraySize            = '

# A job runs through reconfigure untouched; the new MinJobAge applies.
keep=$(sbatch --parsable -J survivor --wrap='touch started; while [ ! -e finish ]; do sleep 0.05; done')
wait_until 20 test -e started
echo "min_job_age_s: 2" >>"$DROVER_CONF"
scontrol reconfigure || fail "reconfigure"
assert_contains "$(scontrol show config)" $'\nMinJobAge               = 2 sec\n'
assert_contains "$(scontrol show job "$keep")" "JobState=RUNNING"
rc=0; out=$(scontrol update NodeName=node1 Bogus=1 2>&1) || rc=$?
assert_eq 1 "$rc" "bad update"
touch finish

# Measured use: ~30 MB held in a shell variable and some CPU.
big=$(sbatch --parsable -J measured --wrap='x=$(head -c 30000000 /dev/zero | tr "\0" a); i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo ${#x}')
wait_until 60 job_done "$big"
wait_until 20 job_done "$keep"
out=$(sacct -P -n -o JobIDRaw,State,MaxRSS,TotalCPU -j "$big")
line=$(sed -n 2p <<<"$out")
IFS='|' read -r id state rss cpu <<<"$line"
assert_eq "$big.batch|COMPLETED" "$id|$state" "batch line"
[[ "$rss" =~ ^[0-9]+K$ ]] || [[ "$rss" =~ ^[0-9]+M$ ]] || fail "MaxRSS [$rss]"
kb=${rss%K}; [[ "$rss" == *M ]] && kb=$(( ${rss%M} * 1024 ))
[ "$kb" -ge 29000 ] || fail "MaxRSS below the 30 MB the job held: $rss"
[ "$cpu" != "00:00:00" ] || fail "TotalCPU not measured: $cpu"
assert_eq "" "$(sed -n 1p <<<"$out" | cut -d'|' -f3)" "no MaxRSS on the job line"
assert_contains "$(sacct -n -P -X --units G -o MaxRSS,ReqMem -j "$big")" "|"
assert_contains "$(sacct -n -P --units M -o MaxRSS -j "$big" | sed -n 2p)" "M"

# After MinJobAge the controller forgets the job; sacct still has it.
wait_until 20 bash -c "! scontrol show job $big >/dev/null 2>&1"
rc=0; out=$(scontrol show job "$big" 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "slurm_load_jobs error: Invalid job id specified" "$out"
assert_eq "" "$(squeue -h -t all -j "$big" -o %i 2>/dev/null)" "squeue no longer lists it"
wait_until 10 bash -c "[ ! -e '$CLUSTER/spool/$big' ]"   # its script and environment go with it
assert_eq "$big|measured|COMPLETED" "$(sacct -X -P -n -o JobIDRaw,JobName,State -j "$big")" "sacct from the store"
assert_contains "$(sacct -X -P -n -o JobIDRaw)" "$big"
assert_eq "" "$(sacct -X -P -n -o JobIDRaw -S now+1hour -E now+2hours)" "outside the window"
json=$(sacct --json -j "$big")
assert_contains "$json" "\"job_id\":$big,\"name\":\"measured\""
assert_contains "$json" "\"id\":\"$big.batch\""
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["jobs"][0]["state"]["current"]=="COMPLETED"' <<<"$json" ||
  fail "sacct --json does not parse: $json"

# The store keeps it across a controller restart; memory does not reload it.
ctld=$(cat "$CLUSTER/run/droverctld.pid")
kill -9 "$ctld"
wait_until 10 bash -c "! kill -0 $ctld"
cluster_up 2
assert_eq "$big|COMPLETED" "$(sacct -X -P -n -o JobIDRaw,State -j "$big")" "sacct after a restart"
rc=0; scontrol show job "$big" >/dev/null 2>&1 || rc=$?
assert_eq 1 "$rc" "an old job is not reloaded into memory"

# requeue: the running job ends and runs again as its next incarnation.
rq=$(sbatch --parsable -J requeued --wrap='echo run >>runs; touch run-$SLURM_RESTART_COUNT; while [ ! -e stop ]; do sleep 0.05; done')
wait_until 20 test -e runs
scontrol requeue "$rq"
wait_until 30 bash -c "[ \$(wc -l <runs) -ge 2 ]"
out=$(scontrol show job "$rq")
assert_contains "$out" "JobState=RUNNING"
assert_contains "$out" "Restarts=1"
# requeuehold: back to pending, held, until released.
scontrol requeuehold "$rq"
wait_until 20 bash -c "scontrol show job $rq | grep -q 'JobState=PENDING Reason=JobHeldUser'"
rc=0; out=$(scontrol requeue "$rq" 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Job is pending execution for job $rq" "$out"
touch stop
scontrol release "$rq"
wait_until 30 job_done "$rq"
assert_eq "3" "$(wc -l <runs | tr -d ' ')" "three runs"
rc=0; out=$(scontrol requeue 99999 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Invalid job id specified for job 99999" "$out"
norq=$(sbatch --parsable --no-requeue --wrap='sleep 30')
wait_until 20 bash -c "scontrol show job $norq | grep -q JobState=RUNNING"
rc=0; out=$(scontrol requeue "$norq" 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Requested operation is presently disabled for job $norq" "$out"
scancel "$norq"

# update JobId=: a pending job's limit, name, nice, partition.
up=$(sbatch --parsable -H -t 30 -J before --wrap=true)
# A pending job has no spool yet: it is written from the store at launch.
[ ! -e "$CLUSTER/spool/$up" ] || fail "a pending job has a spool directory at $CLUSTER/spool/$up"
scontrol update JobId="$up" TimeLimit=10 Name=after Nice=5
out=$(scontrol show job "$up")
assert_contains "$out" "JobName=after"
assert_contains "$out" "TimeLimit=00:10:00"
assert_contains "$out" "Nice=5"
rc=0; out=$(scontrol update JobId="$up" Partition=nosuch 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "slurm_update error: Invalid partition name specified" "$out"
rc=0; out=$(scontrol update JobId=99999 TimeLimit=5 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "slurm_update error: Invalid job id specified" "$out"
rc=0; out=$(scontrol update JobId="$up" TimeLimit=bogus 2>&1) || rc=$?
assert_eq 1 "$rc" "bad time limit"
arr=$(sbatch --parsable -H --array=1-4%1 --wrap=true)
scontrol update JobId="$arr" ArrayTaskThrottle=2
assert_contains "$(scontrol show job "$arr")" "ArrayTaskThrottle=2"
scancel "$up" "$arr"

# suspend / resume: the job's processes stop (its tick file stops growing)
# and continue; squeue shows S; nobody but an admin may do it.
sus=$(sbatch --parsable -J suspended --wrap='while true; do echo tick >>ticks; sleep 0.05; done')
wait_until 20 test -s ticks
scontrol suspend "$sus"
assert_eq "S" "$(squeue -h -j "$sus" -o %t)" "squeue state"
assert_contains "$(scontrol show job "$sus")" "JobState=SUSPENDED"
wait_until 10 bash -c "a=\$(wc -l <ticks); sleep 0.3; [ \$(wc -l <ticks) -eq \$a ]"
rc=0; out=$(scontrol suspend "$sus" 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Job is not running for job $sus" "$out"
# nobody asks through node1's credential socket, as in test_users.sh.
chmod 755 "$CLUSTER" "$CLUSTER/run"
sed "/^auth:/s#socket: [^}]*#socket: $CLUSTER/run/node1.sock#" "$DROVER_CONF" >client.yaml
chmod 644 client.yaml
rc=0; out=$(DROVER_CONF="$WORK/client.yaml" setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
  scontrol resume "$sus" 2>&1) || rc=$?
assert_eq 1 "$rc" "resume by nobody"
assert_contains "$out" "Access/permission denied"
before=$(wc -l <ticks)
scontrol resume "$sus"
wait_until 10 bash -c "[ \$(wc -l <ticks) -gt $before ]"
assert_eq "R" "$(squeue -h -j "$sus" -o %t)" "running again"
rc=0; out=$(scontrol resume "$sus" 2>&1) || rc=$?
assert_eq 1 "$rc"; assert_eq "Job is not suspended for job $sus" "$out"
scontrol suspend "$sus"
scancel "$sus"   # a suspended job can be cancelled: it is continued to receive TERM
wait_until 20 job_done "$sus"
assert_eq "$sus|CANCELLED by $(id -u)" "$(sacct -X -P -n -o JobIDRaw,State -j "$sus")"
pass
