// JobTracker: the jobs this agent supervises. Spawns one drover-stepd per
// job, notices when each ends (SIGCHLD for its own children, a periodic
// check for supervisors adopted after an agent restart) and hands the
// final status to the agent, which keeps resending it until acknowledged.
// Runs on the agent's io_context thread.
#pragma once
#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/asio.h"
#include "job_dir.h"

namespace drover {

class JobTracker {
 public:
  using Finished = std::function<void(uint32_t job_id, const JobStatus& status)>;

  JobTracker(asio::io_context& io, std::string state_dir, std::string stepd_path, Finished on_finished);

  // Re-adopts supervisors left by a previous agent process.
  void recover();
  void launch(const pb::LaunchJob& launch);
  void signal(const pb::SignalJob& signal);
  // The controller has the final status: forget the job.
  void acknowledge(uint32_t job_id);

  std::vector<uint32_t> running() const;
  // Finished jobs whose status the controller has not acknowledged yet.
  std::vector<std::pair<uint32_t, JobStatus>> unacknowledged() const;

 private:
  void watch_children();
  void poll();
  void check(uint32_t job_id);

  asio::io_context& io_;
  std::string state_dir_;
  std::string stepd_path_;
  Finished on_finished_;
  std::map<uint32_t, pid_t> running_;   // job id -> supervisor pid
  asio::signal_set sigchld_;
  asio::steady_timer poll_timer_;
};

}  // namespace drover
