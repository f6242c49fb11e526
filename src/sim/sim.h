// A deterministic simulation of the scheduler core (issue 6, item 7): a
// synthetic cluster and workload from a seed, a virtual clock, and the pure
// scheduler (src/ctld/scheduler.h) run once per step. After every pass the
// plan is applied and the invariants checked:
//   - no node is over-allocated (CPUs, memory) or shared with an exclusive job;
//   - backfill never delays the top job's reservation: it starts no later
//     than the time it was promised, unless a job ahead of it started first;
//   - FIFO within a partition where backfill does not apply: a start not
//     marked as backfill never passes a job ahead of it that waits;
//   - an array never runs more tasks than its throttle.
// Jobs run for a seeded share of their time limit, never longer. Single
// threaded; the result depends on the config alone (timings aside).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace drover::sim {

struct SimConfig {
  uint32_t seed = 1;
  size_t nodes = 40;
  size_t partitions = 2;          // disjoint slices of the nodes, with different tiers
  size_t jobs = 500;              // separate submissions (arrays count once)
  int64_t arrival_span_s = 3600;  // submissions spread over this; 0: all at the start
  int64_t pass_interval_s = 30;   // the scheduler runs at least this often (virtual)
  size_t max_passes = 0;          // 0: until every job has ended
  size_t backfill_depth = 500;
};

struct SimResult {
  size_t passes = 0;
  size_t jobs = 0;                // submissions
  size_t tasks = 0;               // jobs and array tasks
  size_t started = 0;
  size_t backfilled = 0;
  size_t finished = 0;
  size_t reservations_kept = 0;   // top jobs that started by their reservation
  int64_t virtual_end_s = 0;
  double pass_ms_avg = 0;
  double pass_ms_max = 0;
  double pass_cpu_ms_avg = 0;     // CPU time of the thread: steadier than wall time on a busy machine
  std::vector<std::string> violations;  // empty: every invariant held
};

SimResult run_simulation(const SimConfig& config);

}  // namespace drover::sim
