// The agent's on-disk record of each job it supervises, in
// <state_dir>/jobs/<job_id>/: launch.pb (the launch order), stepd.pid, and
// status (written by the supervisor when the job ends). A status stays on
// disk until the controller acknowledges it, so no completion is lost to an
// agent restart (Mesos' status-update manager).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

struct JobStatus {
  int32_t exit_status = 0;
  int32_t term_signal = 0;
  int64_t end_time = 0;
  std::string error;  // why the job could not start, if it did not
};

std::string job_dir(const std::string& state_dir, uint32_t job_id);

Status write_job_status(const std::string& dir, const JobStatus& status);
std::optional<JobStatus> read_job_status(const std::string& dir);

Result<pb::LaunchJob> read_launch(const std::string& dir);

// Removes the directory and everything in it.
void remove_job_dir(const std::string& dir);

}  // namespace drover
