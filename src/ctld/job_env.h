// The environment and output paths of a job as it starts on its batch
// node: Slurm's SLURM_* variables and the -o/-e patterns resolved. Pure.
#pragma once
#include <string>
#include <vector>

#include "drover.pb.h"

namespace drover {

// SLURM_* variables for the batch script of `job` on `node` (its first node).
std::vector<std::string> slurm_job_env(const pb::JobRecord& job, const std::string& cluster,
                                       const std::string& node, uint32_t cpus_on_node);

// Absolute stdout and stderr paths: the job's patterns (or Slurm's
// defaults) expanded, relative ones resolved against the work directory.
std::string resolve_output_path(const pb::JobRecord& job, const std::string& pattern, const std::string& node);
std::string stdout_path(const pb::JobRecord& job, const std::string& node);
std::string stderr_path(const pb::JobRecord& job, const std::string& node);

}  // namespace drover
