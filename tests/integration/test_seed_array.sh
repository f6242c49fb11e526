# The seed's job array: three tasks on three different nodes, output in
# slurm-<id>_<task>.out, squeue and sinfo in Slurm's formats.
source "$(dirname "$0")/lib.sh"
cluster_up 3

header=$(sinfo | head -n 1)
assert_eq "PARTITION  AVAIL  TIMELIMIT  NODES  STATE NODELIST" "$header" "sinfo header"
assert_eq "picluster*    up 1-00:00:00      3   idle node[1-3]" "$(sinfo | sed -n 2p)" "sinfo idle row"

cd "$WORK"
cat > launch.sh <<'SCRIPT'
#!/bin/bash
#SBATCH --nodes=1
#SBATCH --partition=picluster
#SBATCH --exclusive
hostname
echo "task=$SLURM_ARRAY_TASK_ID array=$SLURM_ARRAY_JOB_ID count=$SLURM_ARRAY_TASK_COUNT node=$SLURMD_NODENAME list=$SLURM_JOB_NODELIST part=$SLURM_JOB_PARTITION cluster=$SLURM_CLUSTER_NAME"
touch "started-$SLURM_ARRAY_TASK_ID"
while [ ! -e release ]; do sleep 0.05; done
SCRIPT

out=$(sbatch --array=[1-3] launch.sh)
[[ "$out" =~ ^Submitted\ batch\ job\ ([0-9]+)$ ]] || fail "sbatch said: $out"
id=${BASH_REMATCH[1]}

# All three run at once, one per node.
wait_until 20 test -e started-1 -a -e started-2 -a -e started-3
assert_eq "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)" \
  "$(squeue | head -n 1)" "squeue header"
running=$(squeue -h -o "%i %t %N" | sort)
assert_eq "${id}_1 R node1
${id}_2 R node2
${id}_3 R node3" "$running" "running tasks"
assert_eq "picluster*    up 1-00:00:00      3  alloc node[1-3]" "$(sinfo | sed -n 2p)" "sinfo alloc row"

touch release
wait_until 20 job_done "$id"
for task in 1 2 3; do
  f="slurm-${id}_${task}.out"
  [ -f "$f" ] || fail "missing $f"
  assert_eq "node$task" "$(head -n 1 "$f")" "hostname in $f"
  assert_contains "$(cat "$f")" "task=$task array=$id count=3 node=node$task list=node$task part=picluster cluster=picluster"
  assert_eq "COMPLETED" "$(job_state "${id}_${task}")" "state of ${id}_${task}"
done
pass
