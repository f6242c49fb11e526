# srun: steps inside a batch job (task layout, SLURM_* of each task, --output
# patterns, highest exit code), srun with an allocation of its own
# (srun -N3 hostname), stdin, Ctrl-C forwarded, a killed srun taking its
# tasks along, scancel of srun's allocation, salloc, and the step lines in
# sacct.
source "$(dirname "$0")/lib.sh"
cluster_up 3
cd "$WORK"

# Outside a job: an allocation of its own, one task per node.
assert_eq "node1
node2
node3" "$(srun -N3 hostname | sort)" "srun -N3 hostname"
assert_eq "0: 0 3 node1
1: 1 3 node2
2: 2 3 node3" "$(srun -N3 -l bash -c 'echo $SLURM_PROCID $SLURM_NTASKS $SLURMD_NODENAME' | sort)" "labelled ranks"
assert_eq "piped in" "$(echo 'piped in' | srun -n1 cat)" "stdin reaches task 0"
set +e
srun -n1 sh -c 'echo to stderr >&2; exit 3' 2>err.txt
rc=$?
set -e
assert_eq 3 "$rc" "srun's exit code is the task's"
assert_contains "$(cat err.txt)" "to stderr" "task stderr on srun's stderr"
assert_contains "$(cat err.txt)" "srun: error: node1: task 0: Exited with exit code 3" "failed task reported"
set +e
srun -n1 nosuchcommand 2>err.txt
rc=$?
set -e
assert_eq 2 "$rc" "a command that cannot run"
assert_contains "$(cat err.txt)" "slurmstepd: error: execve(): nosuchcommand: No such file or directory" "exec error"
alloc=$(squeue -h -t all -n hostname -o %i | head -1)
assert_eq "COMPLETED" "$(job_state "$alloc")" "srun's own allocation released"
assert_eq "$alloc|COMPLETED|0:0
$alloc.0|COMPLETED|0:0" "$(sacct -P -n -o JobIDRaw,State,ExitCode -j "$alloc")" "an allocation has steps, no batch line"

# Exit codes above 128 are exit codes, not signals.
set +e
srun -J big-exit sh -c 'exit 200' 2>/dev/null
rc=$?
set -e
assert_eq 200 "$rc" "exit 200"
big=$(squeue -h -t all -n big-exit -o %i)
assert_eq "$big.0|FAILED|200:0" "$(sacct -P -n -o JobIDRaw,State,ExitCode -j "$big.0")" "step exit 200"
# Tasks get none of the agent's descriptors; tasks sharing an output file
# all keep their lines; what a task leaves running in a session of its own
# ends with the step.
# (No pipeline inside the task: bash holds each pipe's descriptors for a
# moment while it starts the pipeline, and ls could list them. "; true"
# keeps bash from exec'ing ls, which would list its own directory handle.)
assert_eq "0 1 2" "$(srun bash -c 'ls /proc/$$/fd; true' | tr "\n" " " | sed "s/ $//")" "descriptors of a task"
srun -n3 -o shared.txt hostname
assert_eq 3 "$(wc -l <shared.txt)" "three tasks, one output file"
srun bash -c 'setsid sleep 300 >/dev/null 2>&1 & echo $! > escaped.pid'
wait_until 20 bash -c "! kill -0 $(cat escaped.pid) 2>/dev/null"

# Inside a batch job on two nodes with four tasks.
cat > steps.sh <<'SCRIPT'
#!/bin/bash
#SBATCH -N2 -n4
srun bash -c 'echo $SLURM_PROCID $SLURM_LOCALID $SLURM_NODEID $SLURMD_NODENAME $SLURM_STEP_ID $SLURM_NTASKS' | sort > ranks.txt
srun --unbuffered --output=step_%j_%t.out --error=step_%j_%t.err bash -c 'echo out $SLURM_PROCID; echo err $SLURM_PROCID >&2'
srun -n1 --cpu-bind=q bash -c 'exit 4'
echo "rc=$?" > rc.txt
SCRIPT
job=$(sbatch --parsable steps.sh)
wait_until 30 job_done "$job"
assert_eq "0 0 0 node1 0 4
1 1 0 node1 0 4
2 0 1 node2 0 4
3 1 1 node2 0 4" "$(cat ranks.txt)" "task ranks inside a batch job"
assert_eq "out 3" "$(cat "step_${job}_3.out")" "per-task --output file"
assert_eq "err 2" "$(cat "step_${job}_2.err")" "per-task --error file"
assert_eq "rc=4" "$(cat rc.txt)" "srun inside a job returns the task's exit code"
assert_eq "$job|COMPLETED|0:0
$job.batch|COMPLETED|0:0
$job.0|COMPLETED|0:0
$job.1|COMPLETED|0:0
$job.2|FAILED|4:0" "$(sacct -P -n -o JobIDRaw,State,ExitCode -j "$job")" "sacct step lines"

# Ctrl-C (SIGINT, not from a terminal) reaches the task.
srun -n1 bash -c 'trap "echo got INT; exit 7" INT; touch started; sleep 100 & wait' >int.out 2>&1 &
srun_pid=$!
wait_until 20 test -e started
kill -INT "$srun_pid"
set +e
wait "$srun_pid"
rc=$?
set -e
assert_eq 7 "$rc" "srun's exit code after Ctrl-C"
assert_contains "$(cat int.out)" "got INT" "task saw SIGINT"

# A killed srun takes its tasks with it.
srun -n1 bash -c 'echo $$ > task.pid; exec sleep 300' &
srun_pid=$!
wait_until 20 test -s task.pid
kill -9 "$srun_pid"
wait_until 20 bash -c "! kill -0 $(cat task.pid) 2>/dev/null"

# scancel of srun's allocation ends the step; srun reports the signal.
srun -n1 -J cancelme bash -c 'touch cancel-started; exec sleep 300' >cancel.out 2>&1 &
srun_pid=$!
wait_until 20 test -e cancel-started
scancel -n cancelme
set +e
wait "$srun_pid"
rc=$?
set -e
assert_eq 143 "$rc" "srun of a cancelled allocation"
assert_contains "$(cat cancel.out)" "task 0: Terminated" "cancelled task reported"

# salloc: an allocation, a command run here with SLURM_JOB_ID set, srun inside it.
set +e
out=$(salloc -N2 bash -c 'echo $SLURM_JOB_NODELIST; srun hostname | sort; exit 6' 2>salloc.err)
rc=$?
set -e
assert_eq 6 "$rc" "salloc's exit code is the command's"
assert_eq "node[1-2]
node1
node2" "$out" "srun inside salloc"
assert_contains "$(cat salloc.err)" "salloc: Granted job allocation" "salloc's grant line"
assert_contains "$(cat salloc.err)" "salloc: Relinquishing job allocation" "salloc's release line"

# scancel --signal: by default to the job's steps only, -b to the batch script.
cat > signals.sh <<'SCRIPT'
#!/bin/bash
trap 'echo batch got USR2 >> batch.txt; exit 0' USR2
srun bash -c 'trap "echo step got USR1 >> step.txt; exit 0" USR1; touch step-ready; while :; do sleep 0.1; done'
while :; do sleep 0.1; done
SCRIPT
sigjob=$(sbatch --parsable -o signals.out signals.sh)
wait_until 30 test -e step-ready
scancel --signal=USR1 "$sigjob"
wait_until 30 test -e step.txt
assert_eq "step got USR1" "$(cat step.txt)" "scancel --signal reaches the step"
[ ! -e batch.txt ] || fail "a signal without -b reached the batch script"
scancel "$sigjob" --signal USR2 -b
wait_until 30 test -e batch.txt
assert_eq "batch got USR2" "$(cat batch.txt)" "scancel -b --signal reaches the batch script"
wait_until 30 job_done "$sigjob"
held=$(sbatch --parsable -H --wrap=true)
set +e
out=$(scancel --signal=USR1 "$held" 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "signal to a pending job"
assert_contains "$out" "Kill job error on job id $held: Job is pending execution" "pending job message"
scancel "$held"

# Bad requests.
set +e
out=$(srun -N9 true 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "impossible allocation"
assert_contains "$out" "srun: error: Unable to allocate resources: Node count specification invalid" "impossible allocation message"
set +e
out=$(SLURM_JOB_ID=999999 srun true 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "step in an unknown job"
assert_contains "$out" "srun: error: Unable to create step for job 999999: Invalid job id specified" "unknown job message"
pass
