// Job state names as Slurm prints them: compact codes (squeue %t), long
// names (%T, sacct) and parsing of user-typed state lists. Pure.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "drover.pb.h"

namespace drover {

std::string_view job_state_long(pb::JobState state);     // "PENDING"
std::string_view job_state_compact(pb::JobState state);  // "PD"
bool job_state_is_finished(pb::JobState state);
// Accepts long or compact names, case-insensitively ("pd", "Running").
std::optional<pb::JobState> parse_job_state(std::string_view text);

}  // namespace drover
