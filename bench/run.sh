#!/usr/bin/env bash
# Drover benchmarks on a local `drover up` cluster, driven only through the
# CLIs so the same scenarios can run against Slurm. Each scenario prints one
# machine-readable line: name=value pairs.
#   bash bench/run.sh [build/bin]
set -euo pipefail
BIN=$(cd "${1:-$(dirname "$0")/../build/bin}" && pwd)
export PATH="$BIN:$PATH"
WORK=$(mktemp -d /tmp/drover-bench.XXXXXX)
trap 'drover down --dir "$WORK/cluster" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
eval "$(drover up --dir "$WORK/cluster" --nodes 3 2>/dev/null)"
cd "$WORK"

now_ms() { date +%s%3N; }
ctld_pid() { cat "$WORK/cluster/run/droverctld.pid"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
wait_empty() { while [ -n "$(squeue -h -o %i | head -n 1)" ]; do sleep 0.01; done; }

# CLI start-up: an empty C++ program versus squeue --version.
printf 'int main(){return 0;}' > empty.cc && g++ -O2 empty.cc -o empty
t0=$(now_ms); for _ in $(seq 200); do ./empty; done; t1=$(now_ms)
for _ in $(seq 200); do squeue --version >/dev/null; done; t2=$(now_ms)
echo "scenario=cli_startup empty_us=$(( (t1 - t0) * 5 )) squeue_version_us=$(( (t2 - t1) * 5 ))"

echo "scenario=agent_rss_idle kb=$(rss_kb "$(cat "$WORK/cluster/run/droverd-node1.pid")")"
echo "scenario=ctld_rss_idle kb=$(rss_kb "$(ctld_pid)")"

# Sequential submissions.
t0=$(now_ms)
for _ in $(seq 1000); do sbatch -H --parsable --wrap=true >/dev/null; done
t1=$(now_ms)
echo "scenario=sbatch_sequential jobs=1000 ms=$((t1 - t0)) jobs_per_s=$((1000000 / (t1 - t0)))"
rss=$(rss_kb "$(ctld_pid)")
t0=$(now_ms); squeue >/dev/null; t1=$(now_ms)
echo "scenario=squeue_1000_pending ms=$((t1 - t0))"

# Parallel submissions: 8 submitters, 125 each.
t0=$(now_ms)
for _ in $(seq 8); do (for _ in $(seq 125); do sbatch -H --parsable --wrap=true >/dev/null; done) & done
wait
t1=$(now_ms)
echo "scenario=sbatch_parallel submitters=8 jobs=1000 ms=$((t1 - t0)) jobs_per_s=$((1000000 / (t1 - t0)))"
echo "scenario=ctld_rss_2000_pending kb=$(rss_kb "$(ctld_pid)") idle_kb=$rss"
scancel -u "$(id -un)"
wait_empty

# A 1000-task array of `true`, submit to all done.
t0=$(now_ms)
id=$(sbatch --parsable --array=1-1000 -o /dev/null --wrap=true)
wait_empty
t1=$(now_ms)
echo "scenario=array_1000_true ms=$((t1 - t0))"

# 500 separate `true` jobs, first submit to all done.
t0=$(now_ms)
for _ in $(seq 500); do sbatch --parsable -o /dev/null --wrap=true >/dev/null; done
wait_empty
t1=$(now_ms)
echo "scenario=jobs_500_true ms=$((t1 - t0))"
