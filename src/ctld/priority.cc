#include "priority.h"

#include <algorithm>

namespace drover {

uint32_t job_priority(const PriorityInputs& in) {
  if (in.admin_priority != 0) return std::min<uint32_t>(in.admin_priority, 4294967294u);
  int64_t age = std::clamp<int64_t>(in.now - in.eligible_time, 0, kMaxAgeS);
  // Integer arithmetic throughout, so every platform computes the same number.
  int64_t age_points = int64_t{kAgeWeight} * age / kMaxAgeS;
  uint32_t max_factor = std::max<uint32_t>(1, in.max_partition_factor);
  int64_t part_points = int64_t{kPartitionWeight} * std::min(in.partition_factor, max_factor) / max_factor;
  int64_t p = 1 + age_points + part_points - int64_t{in.nice};
  return static_cast<uint32_t>(std::clamp<int64_t>(p, 1, 4294967294ll));
}

}  // namespace drover
