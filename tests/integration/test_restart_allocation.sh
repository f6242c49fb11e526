# A running job's allocation is the same after a controller restart as
# before it, whichever way its memory was asked for, and all of it comes
# back when the job ends.
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
alloc() { scontrol show node node1 | tr ' ' '\n' | grep -E "^(CPUAlloc|AllocMem)=" | tr '\n' ' '; }

job=$(sbatch --parsable -c 2 --mem-per-cpu=100 -o /dev/null --wrap='sleep 300')
wait_until 10 bash -c "[ \"\$(squeue -h -j $job -o %T)\" = RUNNING ]"
assert_eq "CPUAlloc=2 AllocMem=200 " "$(alloc)" "allocation while running"

ctld=$(cat "$CLUSTER/run/droverctld.pid")
kill -9 "$ctld"
wait_until 10 bash -c "! kill -0 $ctld"
cluster_up 1
wait_until 10 bash -c "[ \"\$(squeue -h -j $job -o %T)\" = RUNNING ]"
assert_eq "CPUAlloc=2 AllocMem=200 " "$(alloc)" "allocation after a restart"

scancel "$job"
wait_until 20 bash -c "[ -z \"\$(squeue -h -j $job)\" ]"
assert_eq "CPUAlloc=0 AllocMem=0 " "$(alloc)" "allocation after the job"
pass
