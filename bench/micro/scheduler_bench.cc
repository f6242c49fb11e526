// One scheduling pass of the pure scheduler core over a large cluster and
// queue: the cost the controller pays after each batch of events.
#include <benchmark/benchmark.h>

#include "../../src/ctld/scheduler.h"

namespace drover {
namespace {

// `nodes` nodes of 4 CPUs in one partition, `pending` one-CPU jobs; a third
// of the nodes already busy, so the pass both starts jobs and finds waits.
SchedSnapshot snapshot(size_t nodes, size_t pending) {
  SchedSnapshot snap;
  SchedPartition part;
  for (size_t i = 0; i < nodes; ++i) {
    SchedNode node;
    node.cpus = 4;
    node.alloc_cpus = i % 3 == 0 ? 4 : 0;
    node.memory_mb = 4096;
    node.weight = 1 + static_cast<uint32_t>(i % 4);
    snap.nodes.push_back(node);
    part.nodes.push_back(i);
  }
  snap.partitions.push_back(part);
  for (size_t j = 0; j < pending; ++j) {
    SchedJob job;
    job.job_id = static_cast<uint32_t>(j + 1);
    job.priority = 4294901760u - job.job_id;
    job.cpus_per_node = 1 + static_cast<uint32_t>(j % 4);
    job.mem_per_node_mb = 512;
    snap.pending.push_back(job);
  }
  return snap;
}

void BM_SchedulePass(benchmark::State& state) {
  const SchedSnapshot base = snapshot(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  for (auto _ : state) {
    state.PauseTiming();
    SchedSnapshot snap = base;  // schedule() takes its snapshot by value
    state.ResumeTiming();
    SchedPlan plan = schedule(std::move(snap));
    benchmark::DoNotOptimize(plan);
  }
  state.counters["pending"] = static_cast<double>(state.range(1));
  state.counters["nodes"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_SchedulePass)->Args({3, 10000})->Args({1000, 10000})->Args({1000, 100000})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace drover
