// scontrol show's records: Slurm 22.05's Key=Value layouts for jobs,
// nodes and partitions (spec §6). Pure.
#pragma once
#include <cstdint>
#include <string>

#include "drover.pb.h"

namespace drover {

// One record, lines indented with three spaces, ending in '\n' (no blank
// line after: the caller separates records). With `one_liner` the record
// is a single line.
std::string format_job_record(const pb::JobRecord& job, int64_t now, bool one_liner = false);
std::string format_node_record(const pb::NodeInfo& node, bool one_liner = false);
std::string format_partition_record(const pb::PartitionInfo& partition, const pb::ListNodesReply& cluster,
                                    bool one_liner = false);

}  // namespace drover
