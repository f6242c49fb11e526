// Job priority as Slurm's priority/multifactor computes it, with fixed,
// documented weights (docs/architecture.md "Scheduling"). Pure and
// deterministic given `now`.
//
//   priority = 1 + kAgeWeight * min(age, kMaxAge) / kMaxAge
//                + kPartitionWeight * partition_factor / max_partition_factor
//                - nice
//
// clamped to 1 .. 4294967294 (0 means held). Age counts from when the job
// became eligible (its submit time, or --begin if later). An operator's
// --priority sets the number outright. Ties are broken by job id (lower
// first) and partitions of a higher tier are considered first; both are
// in sched_order, not in this number.
#pragma once
#include <cstdint>

namespace drover {

inline constexpr uint32_t kAgeWeight = 1000;           // Slurm's PriorityWeightAge
inline constexpr int64_t kMaxAgeS = 7 * 24 * 3600;     // Slurm's PriorityMaxAge (7-0)
inline constexpr uint32_t kPartitionWeight = 10000;    // Slurm's PriorityWeightPartition

struct PriorityInputs {
  int64_t now = 0;
  int64_t eligible_time = 0;         // submit time, or --begin if later
  uint32_t partition_factor = 1;     // the partition's `priority` (PriorityJobFactor)
  uint32_t max_partition_factor = 1; // the highest of any partition
  int32_t nice = 0;
  uint32_t admin_priority = 0;       // --priority by an operator; 0: not set
};

uint32_t job_priority(const PriorityInputs& in);

}  // namespace drover
