#!/usr/bin/env bash
# Builds Drover, starts a 3-node cluster on this machine with `drover up`,
# submits the seed's job array and shows squeue, sinfo and the output files.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
bash scripts/build.sh
export PATH="$top/build/bin:$PATH"

echo "\$ drover up --dir $top/drover-cluster --nodes 3"
up=$(drover up --dir "$top/drover-cluster" --nodes 3)
echo "$up"
eval "$up"
mkdir -p "$top/drover-demo"
cd "$top/drover-demo"
cp "$top/scripts/seed/launch.sh" .
rm -f slurm-*.out

echo; echo "\$ cat launch.sh"; cat launch.sh
echo; echo "\$ sbatch --array=[1-3] launch.sh"
out=$(sbatch --array=[1-3] launch.sh); echo "$out"
id=${out##* }
sleep 0.5
echo; echo "\$ squeue"; squeue
echo; echo "\$ sinfo"; sinfo
while [ -n "$(squeue -h -j "$id" -o %i)" ]; do sleep 0.2; done
echo; echo "\$ squeue -t all -j $id"; squeue -t all -j "$id"
echo; echo "\$ sinfo"; sinfo
for f in slurm-"${id}"_*.out; do echo; echo "\$ cat $f"; cat "$f"; done
echo; echo "\$ srun -N3 hostname"; srun -N3 hostname
echo
echo "The cluster is still running. Use it from this shell with:"
echo "  export PATH=$top/build/bin:\$PATH DROVER_CONF=$top/drover-cluster/drover.yaml"
echo "Stop it with: $top/build/bin/drover down --dir $top/drover-cluster"
