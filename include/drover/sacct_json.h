// sacct --json: the job records in the shape of Slurm 22.05's
// openapi/dbv0.0.38 "jobs" document (the subset Drover records: ids,
// names, user, partition, account, state, exit codes, times, nodes, steps).
// Pure.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "drover.pb.h"

namespace drover {

// `jobs` in the order sacct lists them; steps are the batch step (once
// started) and the job's srun steps.
std::string format_sacct_json(const std::vector<const pb::JobRecord*>& jobs, const std::string& cluster, int64_t now);

// A JSON string literal with the escapes RFC 8259 requires.
std::string json_quote(const std::string& text);

}  // namespace drover
