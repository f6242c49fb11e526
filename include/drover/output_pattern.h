// Slurm's output file name patterns (%j %A %a %x %N %u %% and zero-padded
// forms such as %3a), as sbatch -o/-e use them. Pure.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drover {

struct PatternContext {
  uint32_t job_id = 0;                      // this job's (or task's) own id
  uint32_t array_job_id = 0;                // 0 when not an array
  std::optional<uint32_t> array_task_id;    // unset when not an array
  std::string job_name;
  std::string user;
  std::string node;                         // first node of the job (srun: this task's node)
  std::optional<uint32_t> step_id;          // set for srun steps; unset: the batch script
  uint32_t task_id = 0;                     // srun: the task's rank
  uint32_t node_index = 0;                  // srun: the node's index in the step
};

// Expands a pattern. A pattern containing a backslash is not expanded; its
// backslashes are removed. Unknown codes are kept verbatim.
std::string expand_output_pattern(std::string_view pattern, const PatternContext& ctx);

}  // namespace drover
