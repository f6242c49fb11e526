// The agent's on-disk record of each job it supervises, in
// <state_dir>/jobs/<job_id>.<restarts>/: launch.pb (the launch order), stepd.pid, and
// status (written by the supervisor when the job ends). A status stays on
// disk until the controller acknowledges it, so no completion is lost to an
// agent restart (Mesos' status-update manager).
#pragma once
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover {

// One incarnation of a job: a requeued job runs again under the same id
// with one more restart, and the two must never be confused.
struct JobKey {
  uint32_t id = 0;
  uint32_t restarts = 0;
  auto operator<=>(const JobKey&) const = default;
  std::string name() const { return std::to_string(id) + "." + std::to_string(restarts); }
  // Parses a directory name "<id>.<restarts>".
  static std::optional<JobKey> parse(const std::string& name);
};

struct JobStatus {
  int32_t exit_status = 0;
  int32_t term_signal = 0;
  int64_t end_time = 0;
  std::string error;  // why the job could not start, if it did not
  bool timed_out = false;
  // Resource use of the batch script and all it waited for (sacct MaxRSS, TotalCPU).
  uint64_t max_rss_kb = 0;
  uint64_t total_cpu_us = 0;
  bool out_of_memory = false;  // the kernel killed a process of the job at its cgroup's memory.max
};

std::string job_dir(const std::string& state_dir, const JobKey& key);

// A file in the job's directory telling its supervisor that a cancellation
// is of a stale copy, to be ended without a note in the job's output.
inline constexpr const char* kQuietCancel = "quiet-cancel";

// Signals from the agent to a job's supervisor asking it to stop or
// continue the job's process group (scontrol suspend / resume). Real-time
// signals, so no signal a user may send is taken for them.
inline int suspend_signal() { return SIGRTMIN; }
inline int resume_signal() { return SIGRTMIN + 1; }
// Carries a signal for a step's tasks to their supervisor (the number is
// the sigqueue value), so no signal meant for the tasks hits the supervisor.
inline int relay_signal() { return SIGRTMIN + 3; }
// Tells the supervisor to re-read its time limit from kTimeLimitFile.
inline int limit_signal() { return SIGRTMIN + 2; }
inline constexpr const char* kTimeLimitFile = "time_limit";

Status write_job_status(const std::string& dir, const JobStatus& status);
std::optional<JobStatus> read_job_status(const std::string& dir);

Result<pb::LaunchJob> read_launch(const std::string& dir);

// Removes the directory and everything in it.
void remove_job_dir(const std::string& dir);

// The names in `dir` (without "." and ".."), in no particular order; empty
// if it cannot be read. Plain readdir rather than std::filesystem, which
// would add its code to droverd's resident pages (docs/performance.md).
std::vector<std::string> dir_entries(const std::string& dir);

}  // namespace drover
