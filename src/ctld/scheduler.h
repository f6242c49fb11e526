// The scheduler: a pure function from a snapshot of the queue, the nodes,
// the running jobs and the time to a plan (which jobs start where, why the
// others wait, which job holds a reservation). No sockets, clocks or files;
// the controller builds the snapshot and applies the plan. Deterministic:
// the same snapshot always gives the same plan.
//
// Policy (Slurm's sched/backfill, EASY variant; docs/architecture.md
// "Scheduling"): pending jobs in order of partition tier (higher first),
// then priority (higher first), then job id. Each job starts if it fits.
// The first job of a partition that cannot start gets a reservation: the
// earliest time, by the running jobs' time limits, at which enough
// resources free up, on specific nodes. Jobs behind it may still start now
// ("backfill") if they end by that time or keep off the reserved nodes;
// at most `backfill_depth` of them are tried per partition. Without a
// reservation (the resources never free up by known time limits) the
// partition is strict FIFO behind the blocked job. Node choice: one
// comparator, node_preferred() in scheduler.cc.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace drover {

inline constexpr int64_t kSchedNever = std::numeric_limits<int64_t>::max();

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
  // Seconds the job may run once started (its time limit, or the
  // partition's default); kSchedNever: no limit, so it can never start in
  // front of a reservation on the reserved nodes.
  int64_t time_limit_s = kSchedNever;
};

// A running job, for the reservation: when it is expected to end (start +
// time limit; kSchedNever without a limit) and what it frees then.
struct SchedRunning {
  int64_t end = kSchedNever;
  std::vector<size_t> nodes;
  std::vector<uint32_t> node_cpus;    // CPUs held on each of `nodes`
  uint64_t mem_per_node_mb = 0;
  bool exclusive = false;
};

enum class PartitionState { kUp, kDown, kInactive };

struct SchedPartition {
  std::vector<size_t> nodes;          // indices into SchedSnapshot::nodes
  bool up = true;                     // false: nothing starts (reason from `state`)
  uint32_t tier = 1;                  // Slurm's PriorityTier: higher tiers are considered first
  PartitionState state = PartitionState::kUp;
  bool prefer_fastest = false;        // equal weight: faster nodes first
};

struct SchedSnapshot {
  int64_t now = 0;                    // epoch seconds
  std::vector<SchedNode> nodes;
  std::vector<SchedPartition> partitions;
  std::vector<SchedJob> pending;      // any order; the scheduler sorts
  std::vector<SchedRunning> running;  // jobs holding the nodes' allocations
  // Slurm's bf_max_job_test: backfill candidates tried per partition once
  // it has a reservation; the rest wait with reason Priority.
  size_t backfill_depth = 500;
};

struct SchedStart {
  uint32_t job_id;
  std::vector<size_t> nodes;          // in config order
  uint32_t cpus_per_node;             // CPUs taken on each node; 0: whole node (exclusive)
  uint64_t mem_per_node_mb;
  bool backfilled = false;            // started behind a partition's reservation
};

struct SchedWait {
  uint32_t job_id;
  std::string reason;                 // Slurm's reason name: Resources, Priority, ...
};

// The top blocked job of a partition: it starts by `start_time` on `nodes`
// at the latest, if the running jobs end by their limits.
struct SchedReservation {
  uint32_t job_id;
  int64_t start_time;
  std::vector<size_t> nodes;          // in config order
};

struct SchedPlan {
  std::vector<SchedStart> starts;     // an array job may appear several times
  std::vector<SchedWait> waits;
  std::vector<SchedReservation> reservations;
};

SchedPlan schedule(SchedSnapshot snapshot);

// The order in which jobs are considered: true if `a` goes before `b`.
bool sched_order(const SchedSnapshot& snapshot, const SchedJob& a, const SchedJob& b);

// True if some set of the partition's nodes could ever hold the job (all
// nodes idle): used to refuse impossible requests at submit time.
bool could_ever_run(const SchedSnapshot& snapshot, const SchedJob& job);

}  // namespace drover
