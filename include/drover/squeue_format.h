// squeue's output: Slurm's -o format language over job records. Pure.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

inline constexpr std::string_view kSqueueDefaultFormat = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
inline constexpr std::string_view kSqueueLongFormat = "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R";

// Renders a header line (unless !header) and one line per job, each ending
// in '\n'. `now` is the time used for elapsed-time columns. Jobs are printed
// in the order given. An unknown code fails with a message naming it.
Result<std::string> format_squeue(const std::vector<const pb::JobRecord*>& jobs,
                                  std::string_view format, int64_t now, bool header);

// The id squeue shows: "12", "12_3", "12_[4-10%2]".
std::string job_display_id(const pb::JobRecord& job);

// Sorts the way squeue does by default: partition, compact state string,
// priority descending, then job id.
void sort_squeue_default(std::vector<const pb::JobRecord*>& jobs);

}  // namespace drover
