#!/usr/bin/env bash
# Drover benchmarks (issue 6's Targets table), driven only through the CLIs
# so the very same scenarios run against Slurm. Each scenario prints one
# machine-readable line: `scenario=NAME key=value ...`.
#
#   bash bench/run.sh [--quick] [BIN_DIR]   a fresh 3-node `drover up` cluster
#                                           from BIN_DIR (default build/bin)
#   bash bench/run.sh --slurm [--quick]     the installed Slurm: its sbatch,
#                                           squeue, scancel; slurmctld/slurmd
#                                           found with pidof, restarted with
#                                           systemctl (needs root)
#
# --quick runs every scenario at smaller sizes (shown in each line).
# Figures and what limits them: docs/performance.md.
set -euo pipefail

QUICK=0 SLURM=0 BIN=""
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --slurm) SLURM=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) BIN=$arg ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  N_SEQ=200 N_PAR=400 N_ARRAY=200 N_JOBS=100 N_KILL=200 PENDING_SIZES="1000 10000" N_BIG_ARRAY=1000000
else
  N_SEQ=1000 N_PAR=1000 N_ARRAY=1000 N_JOBS=500 N_KILL=1000 PENDING_SIZES="10000 100000" N_BIG_ARRAY=1000000
fi

WORK=$(mktemp -d /tmp/drover-bench.XXXXXX)
if [ "$SLURM" = 1 ]; then
  trap 'rm -rf "$WORK"' EXIT
  for cmd in sbatch squeue scancel; do
    command -v "$cmd" >/dev/null || { echo "bench: --slurm: $cmd is not installed" >&2; exit 1; }
  done
  ctld_pid() { pidof -s slurmctld; }
  agent_pid() { pidof -s slurmd; }
  ctld_kill9() { kill -9 "$(ctld_pid)"; }
  ctld_start() { systemctl start slurmctld; }
  ctld_stop() { systemctl stop slurmctld; }
  # Submissions go to the default partition; tasks write nowhere.
else
  BIN=$(cd "${BIN:-$(dirname "$0")/../build/bin}" && pwd)
  export PATH="$BIN:$PATH"
  trap 'drover down --dir "$WORK/cluster" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
  eval "$(drover up --dir "$WORK/cluster" --nodes 3 2>/dev/null)"
  ctld_pid() { cat "$WORK/cluster/run/droverctld.pid"; }
  agent_pid() { cat "$WORK/cluster/run/droverd-node1.pid"; }
  ctld_kill9() { kill -9 "$(ctld_pid)"; }
  ctld_stop() {
    local pid; pid=$(ctld_pid)
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
  }
  # Started as `drover up` starts it (the agents reconnect by themselves).
  ctld_start() {
    "$BIN/droverctld" --config "$DROVER_CONF" >>"$WORK/cluster/log/droverctld.log" 2>&1 </dev/null &
    echo $! >"$WORK/cluster/run/droverctld.pid"
    disown  # no "Killed" from this shell after kill -9
  }
fi
cd "$WORK"

now_ms() { date +%s%3N; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
count_jobs() { squeue -h -o %i 2>/dev/null | wc -l; }
wait_empty() { while [ -n "$(squeue -h -o %i 2>/dev/null | head -n 1)" ]; do sleep 0.01; done; }
cancel_all() { scancel -u "$(id -un)"; wait_empty; }
# Held submissions stay pending however fast the nodes are.
submit_held() { sbatch -H --parsable -o /dev/null --wrap=true; }
# A command $1 times in all from $2 parallel shells.
run_parallel() {
  local n=$1 p=$2 cmd=$3 per=$(( ($1 + $2 - 1) / $2 ))
  seq "$n" | xargs -P "$p" -n "$per" sh -c "for _ in \"\$@\"; do $cmd; done" _
}
# $1 jobs from $2 parallel submitters (held), ids on stdout.
submit_parallel() { run_parallel "$1" "$2" "sbatch -H --parsable -o /dev/null --wrap=true"; }
rate() { echo $(( $1 * 1000 / ($2 > 0 ? $2 : 1) )); }  # jobs, ms -> jobs/s

# --- CLI start-up: an empty C++ program next to the CLIs' --version.
printf 'int main(){return 0;}\n' >empty.cc && g++ -O2 empty.cc -o empty
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs 300 --export-json startup.json ./empty 'squeue --version' 'sbatch --version' \
    /bin/true >/dev/null 2>&1
  read -r empty squeue_v sbatch_v true_us < <(python3 -c '
import json; r = json.load(open("startup.json"))["results"]
print(*[round(x["mean"] * 1e6) for x in r])')
  tool=hyperfine
else
  loop_us() { local t0 t1; t0=$(now_ms); for _ in $(seq 300); do "$@" >/dev/null; done; t1=$(now_ms); echo $(( (t1 - t0) * 1000 / 300 )); }
  empty=$(loop_us ./empty) squeue_v=$(loop_us squeue --version) sbatch_v=$(loop_us sbatch --version)
  true_us=$(loop_us /bin/true)
  tool=bash_loop
fi
echo "scenario=cli_startup tool=$tool empty_us=$empty squeue_version_us=$squeue_v sbatch_version_us=$sbatch_v" \
     "true_us=$true_us"

echo "scenario=agent_rss_idle kb=$(rss_kb "$(agent_pid)")"
IDLE_KB=$(rss_kb "$(ctld_pid)")
echo "scenario=ctld_rss_idle kb=$IDLE_KB"

# --- Sequential sbatch, next to the same loop spawning /bin/true, and
# `sbatch --version` (the command starting and exiting, submitting nothing:
# the floor of any submission from this loop).
t0=$(now_ms); for _ in $(seq "$N_SEQ"); do /bin/true; done; t1=$(now_ms)
true_ms=$((t1 - t0))
t0=$(now_ms); for _ in $(seq "$N_SEQ"); do sbatch --version >/dev/null; done; t1=$(now_ms)
version_ms=$((t1 - t0))
t0=$(now_ms); for _ in $(seq "$N_SEQ"); do submit_held >/dev/null; done; t1=$(now_ms)
ms=$((t1 - t0))
echo "scenario=sbatch_sequential jobs=$N_SEQ ms=$ms jobs_per_s=$(rate "$N_SEQ" "$ms") true_loop_ms=$true_ms" \
     "x_true=$(awk -v a="$ms" -v b="$true_ms" 'BEGIN { printf "%.1f", a / (b > 0 ? b : 1) }')" \
     "version_loop_ms=$version_ms"

# --- 8 parallel submitters, next to the same harness running `sbatch --version`.
t0=$(now_ms); run_parallel "$N_PAR" 8 "sbatch --version" >/dev/null; t1=$(now_ms)
version_ms=$((t1 - t0))
t0=$(now_ms); submit_parallel "$N_PAR" 8 >/dev/null; t1=$(now_ms)
ms=$((t1 - t0))
echo "scenario=sbatch_parallel submitters=8 jobs=$N_PAR ms=$ms jobs_per_s=$(rate "$N_PAR" "$ms")" \
     "version_ms=$version_ms version_per_s=$(rate "$N_PAR" "$version_ms")"
cancel_all

# --- An array of `true`, submit to all done.
t0=$(now_ms)
sbatch --parsable --array=1-"$N_ARRAY" -o /dev/null --wrap=true >/dev/null
wait_empty
t1=$(now_ms)
echo "scenario=array_true tasks=$N_ARRAY ms=$((t1 - t0))"

# --- Separate `true` jobs, first submit to all done.
t0=$(now_ms)
for _ in $(seq "$N_JOBS"); do sbatch --parsable -o /dev/null --wrap=true >/dev/null; done
t_sub=$(now_ms)
wait_empty
t1=$(now_ms)
echo "scenario=jobs_true jobs=$N_JOBS ms=$((t1 - t0)) submit_ms=$((t_sub - t0))"

# --- Large queues: squeue latency, memory per pending job, restart time.
# Memory is measured twice: grown by live submissions (allocator slack
# included) and right after a restart, loaded from the store (the records'
# own footprint). The base is a freshly restarted controller with an empty
# queue, so the finished jobs above do not count.
ctld_stop; ctld_start; until squeue -h >/dev/null 2>&1; do sleep 0.01; done
BASE_KB=$(rss_kb "$(ctld_pid)")
have=0
for n in $PENDING_SIZES; do
  submit_parallel $((n - have)) 8 >/dev/null
  have=$n
  while [ "$(count_jobs)" -lt "$n" ]; do sleep 0.05; done
  best=999999
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N); squeue >/dev/null; t1=$(date +%s%N)
    best=$(( (t1 - t0) / 1000000 < best ? (t1 - t0) / 1000000 : best ))
  done
  echo "scenario=squeue_full pending=$n best_of_5_ms=$best lines=$(squeue | wc -l)"
  kb=$(rss_kb "$(ctld_pid)")
  ctld_stop
  t0=$(now_ms)
  ctld_start
  until [ "$(count_jobs)" -ge "$n" ]; do sleep 0.005; done
  t1=$(now_ms)
  echo "scenario=restart pending=$n ms_until_squeue_shows_all=$((t1 - t0))"
  restarted_kb=$(rss_kb "$(ctld_pid)")
  echo "scenario=ctld_rss_pending pending=$n kb=$kb base_kb=$BASE_KB bytes_per_job=$(( (kb - BASE_KB) * 1024 / n ))" \
       "after_restart_kb=$restarted_kb bytes_per_job_after_restart=$(( (restarted_kb - BASE_KB) * 1024 / n ))"
done
cancel_all

# --- One huge array: controller memory growth, over a freshly restarted
# controller (after the large queues, its heap is still being given back).
ctld_stop; ctld_start; until squeue -h >/dev/null 2>&1; do sleep 0.01; done
before=$(rss_kb "$(ctld_pid)")
t0=$(now_ms)
sbatch -H --parsable --array=0-$((N_BIG_ARRAY - 1)) -o /dev/null --wrap=true >/dev/null
t1=$(now_ms)
t2=$(date +%s%N); squeue >/dev/null; t3=$(date +%s%N)
after=$(rss_kb "$(ctld_pid)")
echo "scenario=big_array tasks=$N_BIG_ARRAY submit_ms=$((t1 - t0)) squeue_ms=$(( (t3 - t2) / 1000000 ))" \
     "rss_growth_kb=$((after - before))"
cancel_all

# --- Acknowledged submissions lost by kill -9 right after the last ack.
submit_parallel "$N_KILL" 8 >acked.txt
ctld_kill9
ctld_start
until squeue -h -o %i >present.txt 2>/dev/null; do sleep 0.01; done
lost=$(grep -cvxFf present.txt acked.txt || true)
echo "scenario=kill9_after_ack submitted=$N_KILL acked=$(wc -l <acked.txt) lost=$lost"
cancel_all

# --- What the controller's own metrics saw over the whole run (drover only):
# scraped from /metrics as an admin's Prometheus would, averages from the
# histograms' _sum/_count.
if [ "$SLURM" = 0 ] && port=$(sed -n 's/^metrics: {port: \([0-9]*\).*/\1/p' "$DROVER_CONF") && [ -n "$port" ]; then
  curl -fsS "http://127.0.0.1:$port/metrics" >metrics.txt
  mean() { awk -v m="$1" '$1 == m"_sum" { s = $2 } $1 == m"_count" { c = $2 }
                          END { if (c > 0) printf "%.3g", s / c; else print "n/a" }' metrics.txt; }
  total() { awk -v m="$1" 'index($1, m) == 1 { s += $2 } END { printf "%d", s }' metrics.txt; }
  echo "scenario=ctld_metrics schedule_passes=$(total drover_schedule_pass_seconds_count)" \
       "schedule_pass_ms_mean=$(awk -v x="$(mean drover_schedule_pass_seconds)" 'BEGIN { printf "%.3f", x * 1000 }')" \
       "commit_writes_mean=$(mean drover_store_commit_writes)" \
       "sync_ms_mean=$(awk -v x="$(mean drover_store_sync_seconds)" 'BEGIN { printf "%.3f", x * 1000 }')" \
       "rpc_requests=$(total 'drover_rpc_requests_total{')"
fi

# --- The scheduler core alone: the simulation and the micro-benchmarks
# (built when Google Benchmark is installed), from the same build.
if [ "$SLURM" = 0 ]; then
  if [ -x "$BIN/bench_sim" ]; then
    if [ "$QUICK" = 1 ]; then "$BIN/bench_sim" --nodes 500 --jobs 20000 --max-passes 50; else "$BIN/bench_sim"; fi
  fi
  for micro in bench_scheduler bench_frame bench_credential; do
    [ -x "$BIN/$micro" ] || continue
    "$BIN/$micro" --benchmark_format=csv 2>/dev/null |
      awk -F, -v b="$micro" 'NR > 1 && $1 != "" { gsub(/"/, "", $1); printf "scenario=micro bench=%s case=%s cpu_time=%.6g unit=%s\n", b, $1, $4, $5 }'
  done
fi
