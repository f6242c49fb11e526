// JobTracker: the jobs this agent supervises. Spawns one drover-stepd per
// job (and one per srun step on this node), notices when each ends (SIGCHLD for its own children, a periodic
// check for supervisors adopted after an agent restart) and hands the
// final status to the agent, which keeps resending it until acknowledged.
// Runs on the agent's io_context thread.
#pragma once
#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/asio.h"
#include "cgroup.h"
#include "job_dir.h"

namespace drover {

class JobTracker {
 public:
  using Finished = std::function<void(const JobKey& job, const JobStatus& status)>;

  JobTracker(asio::io_context& io, std::string state_dir, std::string stepd_path, Finished on_finished);
  // Removes this agent's cgroup base if no job is left in it (jobs outlive
  // the agent; a restarted agent takes the same base again).
  ~JobTracker();

  // Re-adopts supervisors left by a previous agent process.
  void recover();
  // From now on each job gets a cgroup of its own, where `cgroups` can track jobs.
  void use_cgroups(JobCgroups cgroups);
  // Starts the job; false if it could not be (its failure is reported).
  bool launch(const pb::LaunchJob& launch);
  // `stale`: the job runs on elsewhere (requeued), so its output file is
  // not ours to write a cancellation note into.
  void signal(const JobKey& job, int signo, bool stale = false);
  // A running job's time limit changed (minutes from its start).
  void update_limit(const JobKey& job, uint32_t minutes);
  // Starts this node's tasks of an srun step. Steps report to srun, not
  // here: the tracker only keeps them to signal them.
  void launch_step(const pb::StepLaunch& launch);
  // Signals every step of the job on this node; `cancel`: end them (TERM,
  // then KILL after the kill wait).
  void signal_steps(uint32_t job_id, int signo, bool cancel);
  // The controller has the final status: forget the job.
  void acknowledge(const JobKey& job);

  std::vector<JobKey> running() const;
  // Finished jobs whose status the controller has not acknowledged yet.
  std::vector<std::pair<JobKey, JobStatus>> unacknowledged() const;

 private:
  void watch_children();
  void poll();
  void check(const JobKey& job);
  // Creates the job's cgroup leaf and tells the supervisor in `dir` to put
  // the job's processes there; no-op without cgroups.
  // `job`: the batch job, whose launch sets the limits; null for a step.
  Status prepare_cgroup(uint32_t job_id, const std::string& leaf, const pb::JobRecord* job, const std::string& node,
                        const std::string& dir);

  asio::io_context& io_;
  std::string state_dir_;
  std::string stepd_path_;
  Finished on_finished_;
  void forget_step(std::map<std::pair<uint32_t, uint32_t>, pid_t>::iterator step);

  std::map<JobKey, pid_t> running_;   // job -> supervisor pid
  std::map<std::pair<uint32_t, uint32_t>, pid_t> steps_;  // (job, step) -> step supervisor pid
  std::optional<JobCgroups> cgroups_;
  asio::signal_set sigchld_;
  asio::steady_timer poll_timer_;
};

}  // namespace drover
