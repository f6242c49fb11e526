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

// A job whose processes are still being killed is COMPLETING (CG): the flag
// wins over its terminal state when printed.
bool job_is_completing(const pb::JobRecord& job);

// One entry of a squeue -t list, as Slurm's job_state_num reads it: any base
// state (SUSPENDED, PREEMPTED ... too) or state flag (CG, CF, RQ, SE ...), by
// long or compact name, any case. Holds the long name ("COMPLETING").
struct JobStateFilter {
  std::string_view long_name;
  bool flag = false;  // COMPLETING, CONFIGURING ...: matches the flag only
};
std::optional<JobStateFilter> parse_job_state_filter(std::string_view text);
// Slurm's _filter_job: a base state matches only a job in exactly that state
// (a completing job is not "CD"), a flag matches jobs carrying it.
bool job_matches_state(const pb::JobRecord& job, const JobStateFilter& filter);
// squeue's "Valid job states include: ..." list, in Slurm's order.
std::string_view job_state_filter_names();

}  // namespace drover
