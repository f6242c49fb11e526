// The scheduler: a pure function from a snapshot of the queue and the
// nodes to a plan (which jobs start where, why the others wait). No
// sockets, clocks or files; the controller builds the snapshot and applies
// the plan. Deterministic: the same snapshot always gives the same plan.
//
// Policy (first version): jobs in priority order (higher first, then lower
// job id); within a partition, the first job that cannot start blocks the
// ones behind it (strict FIFO, as Slurm's sched/builtin). Node choice:
// feasible nodes by lowest weight, then best fit, then config order.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace drover {

struct SchedNode {
  uint32_t cpus = 0;
  uint32_t alloc_cpus = 0;
  uint64_t memory_mb = 0;
  uint64_t alloc_mem_mb = 0;
  uint32_t weight = 1;
  bool usable = true;          // up and responding
  bool exclusive_job = false;  // runs an --exclusive job
  uint32_t speed = 0;          // measured CPU speed (cpu_speed.h); 0: unknown
};

struct SchedJob {
  uint32_t job_id = 0;
  uint32_t priority = 0;
  size_t partition = 0;               // index into SchedSnapshot::partitions
  uint32_t nodes = 1;
  uint32_t cpus_per_node = 1;
  uint64_t mem_per_node_mb = 0;       // 0: memory not requested
  bool exclusive = false;
  // -w/-x/-C: nodes the job may use (empty: any) and nodes it must get.
  std::vector<bool> allowed;          // indexed like SchedSnapshot::nodes
  std::vector<size_t> required;
  uint32_t startable = 1;             // array: tasks that may start now (throttle)
  bool throttled = false;             // array: pending tasks held back by %N
};

struct SchedPartition {
  std::vector<size_t> nodes;          // indices into SchedSnapshot::nodes
  bool up = true;
  bool prefer_fastest = false;        // equal weight: faster nodes first
};

struct SchedSnapshot {
  std::vector<SchedNode> nodes;
  std::vector<SchedPartition> partitions;
  std::vector<SchedJob> pending;      // any order; the scheduler sorts
};

struct SchedStart {
  uint32_t job_id;
  std::vector<size_t> nodes;          // in config order
  uint32_t cpus_per_node;             // CPUs taken on each node
  uint64_t mem_per_node_mb;
};

struct SchedWait {
  uint32_t job_id;
  std::string reason;                 // Slurm's reason name: Resources, Priority, ...
};

struct SchedPlan {
  std::vector<SchedStart> starts;     // an array job may appear several times
  std::vector<SchedWait> waits;
};

SchedPlan schedule(SchedSnapshot snapshot);

// True if some set of the partition's nodes could ever hold the job (all
// nodes idle): used to refuse impossible requests at submit time.
bool could_ever_run(const SchedSnapshot& snapshot, const SchedJob& job);

}  // namespace drover
