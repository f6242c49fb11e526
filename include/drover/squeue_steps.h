// squeue -s: one line per active job step, in Slurm's step format codes. Pure.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

inline constexpr std::string_view kSqueueStepFormat = "%.15i %.8j %.9P %.8u %.9M %N";

// Renders the running steps of the given jobs: each running job's batch
// script as "ID.batch" (as Slurm lists it since 20.11), then its srun steps
// that have not ended. `wanted` ("12.0", "12_3.batch") limits the steps;
// empty lists all. Codes: %i %j %P %u %U %M %N %l %S %A %b; another fails
// with "Invalid job step format specification: <c>".
Result<std::string> format_squeue_steps(const std::vector<const pb::JobRecord*>& jobs,
                                        const std::vector<std::string>& wanted, std::string_view format,
                                        int64_t now, bool header);

}  // namespace drover
