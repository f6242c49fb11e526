# cgroups v2 memory limit: a job over its --mem is killed by the kernel and
# ends OUT_OF_MEMORY with exit code 0:125, as Slurm reports it. Needs the
# memory controller on the cgroup2 mount; skipped (77) where it is not
# delegated, as on hybrid hosts whose memory controller is bound to v1.
mount=$(grep ' - cgroup2 ' /proc/self/mountinfo | head -n 1 | cut -d' ' -f5)
if [ -z "$mount" ] || [ "$(id -u)" != 0 ] || ! grep -qw memory "$mount/cgroup.controllers"; then
  echo "SKIP: the memory controller is not available on the cgroup2 mount (${mount:-none}: $(cat "$mount/cgroup.controllers" 2>/dev/null)), so memory limits cannot be enforced here"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
cluster_up 1
cd "$WORK"
log="$CLUSTER/log/droverd-node1.log"
wait_until 20 grep -q "cgroup v2" "$log"
assert_contains "$(cat "$log")" "with memory limits (memory.max)"

# 300 MB held by tail (no newline ever comes) against a 64 MB limit.
id=$(sbatch --parsable --mem=64M --wrap='head -c 300M /dev/zero | tail; echo survived')
wait_until 60 job_done "$id"
assert_eq OUT_OF_MEMORY "$(job_state "$id")"
assert_eq OOM "$(squeue -h -t all -j "$id" -o %t)" "compact state"
assert_eq "OUT_OF_MEMORY 0:125" "$(sacct -n -X -j "$id" -o State,ExitCode | xargs)" "sacct"

# Under its limit a job completes as usual.
id=$(sbatch --parsable --mem=64M --wrap='head -c 10M /dev/zero | tail | wc -c')
wait_until 60 job_done "$id"
assert_eq COMPLETED "$(job_state "$id")"
pass
