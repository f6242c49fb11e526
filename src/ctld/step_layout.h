// Where the tasks of an srun step go within a job's allocation, and the
// SLURM_* environment they share. Pure.
#pragma once
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

struct StepLayout {
  std::vector<std::string> nodes;         // in allocation order
  std::vector<uint32_t> tasks_per_node;   // parallel to nodes
  uint32_t ntasks = 0;
  // Global task ranks on nodes[i]: block distribution, as Slurm's default.
  std::vector<uint32_t> task_ids(size_t node) const;
};

// Resolves -n/-N/--ntasks-per-node/-w against the allocation. Errors use
// Slurm's words for an impossible step.
Result<StepLayout> layout_step(const pb::JobRecord& job, const pb::StepCreateRequest& request);

// "2(x3),1": Slurm's compressed tasks-per-node list.
std::string compress_counts(const std::vector<uint32_t>& counts);

// The environment of the step's tasks on node `node` (index in the layout),
// without the per-task ranks, which the node's supervisor adds.
std::vector<std::string> slurm_step_env(const pb::JobRecord& job, uint32_t step_id, const StepLayout& layout,
                                        size_t node, const std::string& cluster, const std::string& srun_host);

}  // namespace drover
