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
// Seconds a job has run: from its start to its end (now while running, the
// moment it was suspended while suspended), less the time it spent suspended.
int64_t job_run_seconds(const pb::JobRecord& job, int64_t now);

// Started and not ended: RUNNING or SUSPENDED (processes exist, resources held).
bool job_state_is_active(pb::JobState state);
// Accepts long or compact names, case-insensitively ("pd", "Running").
std::optional<pb::JobState> parse_job_state(std::string_view text);

}  // namespace drover
