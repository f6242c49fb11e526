// Job cgroups on the unified (v2) hierarchy. The agent decides once, at
// start, whether cgroups can be used (JobCgroups::setup), creates
// <base>/job_<id> with the job's limits before its first process runs,
// and removes it when the job ends; supervisors move their children into a
// leaf (<base>/job_<id>/step_batch, .../step_<n>) before exec and end all
// of a job's processes through it, daemonised ones included.
//
// <base> is <the agent's cgroup>/drover_<tag>: one directory per agent, so
// several agents on one machine (test clusters) never share a job_<id>.
// When the agent is not in the root cgroup (systemd, Delegate=yes) it first
// moves itself into a leaf "droverd" beside it, because cgroup v2 enables
// controllers for children only in a cgroup without processes of its own.
//
// Everything goes through a mount directory, so unit tests point it at a
// temporary directory laid out like cgroupfs. Not thread-safe; used on
// the agent's io_context thread and in single-threaded supervisors.
#pragma once
#include <cstdint>
#include <set>
#include <string>

#include "drover/result.h"

namespace drover {

struct CgroupSettings {
  bool enabled = true;     // cgroups: auto (true) or off
  std::string mount;       // cgroup_mount: where cgroup2 is mounted; empty: from /proc/self/mountinfo
};

// "<node>_<hash of the state directory>": two clusters on one machine with
// a node1 each get different directories.
std::string cgroup_tag(const std::string& node_name, const std::string& state_dir);

class JobCgroups {
 public:
  // Probes this machine (/proc/self/mountinfo, /proc/self/cgroup) and sets up.
  static JobCgroups probe(const CgroupSettings& settings, const std::string& tag);
  // `mount`: the cgroup2 mount; `own`: the agent's cgroup in it ("/..."); `why_not`: set when
  // the caller already knows cgroups cannot be used. `move_self`: move this process out of `own`
  // (only where it is not the root).
  JobCgroups(std::string mount, std::string own, const std::string& tag, std::string why_not = "",
             bool move_self = true);

  bool tracking() const { return tracking_; }
  bool memory_limits() const { return memory_; }
  bool cpu_limits() const { return cpu_; }
  const std::string& base() const { return base_; }
  // The one line the agent logs at start: how jobs are tracked and which limits hold.
  const std::string& summary() const { return summary_; }

  std::string job_dir(uint32_t job_id) const { return base_ + "/job_" + std::to_string(job_id); }
  // Creates the job's cgroup (once; later steps reuse it) and its leaf
  // `leaf` ("step_batch", "step_3"); with `set_limits`, writes memory.max
  // (memory_mb, 0: none), memory.swap.max 0 and cpu.max where those
  // controllers are enabled. Returns the leaf's path.
  Result<std::string> prepare(uint32_t job_id, const std::string& leaf, uint64_t memory_mb, uint32_t cpus,
                              bool set_limits = true);
  // Ends every process left in the job's cgroup and removes it.
  void remove_job(uint32_t job_id);
  // Removes the cgroups of jobs not in `live` (left by an agent that was
  // down when they ended).
  void remove_stale(const std::set<uint32_t>& live);

 private:
  void setup(bool move_self);

  std::string mount_;
  std::string own_;
  std::string base_;
  std::string why_not_;
  std::string summary_;
  bool tracking_ = false;
  bool memory_ = false;
  bool cpu_ = false;
};

// For supervisors, given a cgroup directory.
// Moves the calling process into it (before exec, so no process of the job
// ever runs outside it).
Status cgroup_join(const std::string& dir);
// Sends `signo` to every process in the cgroup and its descendants.
void cgroup_signal(const std::string& dir, int signo);
// SIGKILLs every process in the cgroup and below (cgroup.kill where the
// kernel has it, 5.14+, else each pid in cgroup.procs until none is left)
// and waits up to `wait_ms` for them to be gone. True if it is empty.
bool cgroup_kill_all(const std::string& dir, int wait_ms = 5000);
// Kills what is left and removes the directory and its sub-cgroups.
bool cgroup_remove(const std::string& dir, int wait_ms = 5000);
// memory.events oom_kill of the cgroup (0 without the memory controller).
uint64_t cgroup_oom_kills(const std::string& dir);
// memory.peak in bytes (kernel 5.19+), 0 where absent.
uint64_t cgroup_memory_peak(const std::string& dir);

// The job directory file naming the cgroup leaf a supervisor's children join.
inline constexpr const char* kCgroupFile = "cgroup";

}  // namespace drover
