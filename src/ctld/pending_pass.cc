#include "pending_pass.h"

#include <algorithm>

namespace drover {

uint32_t priority_of(const Config& config, int64_t now, int64_t submit_time, int64_t begin_time,
                     std::string_view partition, int32_t nice, uint32_t priority_request) {
  PriorityInputs in;
  in.now = now;
  in.eligible_time = std::max(submit_time, begin_time);
  for (const PartitionConfig& p : config.partitions) {
    in.max_partition_factor = std::max(in.max_partition_factor, p.priority);
    if (p.name == partition) in.partition_factor = p.priority;
  }
  in.nice = nice;
  in.admin_priority = priority_request;
  return job_priority(in);
}

}  // namespace drover
