#include "job_tracker.h"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "drover/cgroup_parse.h"
#include "drover/file_util.h"

extern char** environ;

namespace drover {

namespace {

// A pid from before a reboot may name another process now: only a
// supervisor started for this very directory is adopted.
// The directory is the supervisor's last argument (`stepd DIR`, `stepd
// --step DIR`), compared whole: "jobs/12.1" must not match "jobs/12.10".
std::string last_argument(pid_t pid) {
  Result<std::string> cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline || cmdline->empty()) return "";
  std::string_view args(*cmdline);
  if (args.back() == '\0') args.remove_suffix(1);
  size_t last = args.rfind('\0');
  return last == std::string_view::npos ? "" : std::string(args.substr(last + 1));
}

bool supervises(pid_t pid, const std::string& dir) { return last_argument(pid) == dir; }

// For job directories whose pid file is missing or empty (the agent killed
// between starting the supervisor and writing it, or the file lost to a
// power cut): the running supervisors by directory, found in one pass over
// /proc. Only this agent's user's processes running the supervisor binary
// count, so no other process that happens to name a job directory is taken
// for one.
std::map<std::string, pid_t> live_supervisors(const std::string& stepd_path) {
  std::map<std::string, pid_t> found;
  char resolved[PATH_MAX];
  if (!::realpath(stepd_path.c_str(), resolved)) return found;
  const std::string binary = resolved;
  for (const std::string& name : dir_entries("/proc")) {
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string proc = "/proc/" + name;
    struct stat st {};
    if (::stat(proc.c_str(), &st) != 0 || st.st_uid != ::geteuid()) continue;
    char exe[PATH_MAX];
    ssize_t n = ::readlink((proc + "/exe").c_str(), exe, sizeof exe - 1);
    if (n <= 0) continue;
    std::string_view path(exe, static_cast<size_t>(n));
    if (path.size() > 10 && path.substr(path.size() - 10) == " (deleted)") path.remove_suffix(10);  // upgraded since
    if (path != binary) continue;
    pid_t pid = static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10));
    found.emplace(last_argument(pid), pid);
  }
  return found;
}

// The supervisor died without a word (killed by hand, a crash, a reboot).
JobStatus supervisor_died() {
  JobStatus status;
  status.error = "the job's supervisor died unexpectedly";
  status.exit_status = 1;
  status.end_time = ::time(nullptr);
  return status;
}

}  // namespace

JobTracker::JobTracker(asio::io_context& io, std::string state_dir, std::string stepd_path, Finished on_finished)
    : io_(io),
      state_dir_(std::move(state_dir)),
      stepd_path_(std::move(stepd_path)),
      on_finished_(std::move(on_finished)),
      sigchld_(io, SIGCHLD),
      poll_timer_(io) {
  make_dirs(state_dir_ + "/jobs", 0700);
  make_dirs(state_dir_ + "/steps", 0700);
  watch_children();
  poll();
}

JobTracker::~JobTracker() {
  if (cgroups_) ::rmdir(cgroups_->base().c_str());  // fails, harmlessly, while jobs remain
}

void JobTracker::recover() {
  std::optional<std::map<std::string, pid_t>> live;  // read once, if a pid file is lost
  auto find_supervisor = [&](const std::string& dir) -> pid_t {
    if (!live) live = live_supervisors(stepd_path_);
    auto it = live->find(dir);
    return it == live->end() ? 0 : it->second;
  };
  for (const std::string& name : dir_entries(state_dir_ + "/jobs")) {
    std::optional<JobKey> key = JobKey::parse(name);
    if (!key) continue;
    std::string dir = state_dir_ + "/jobs/" + name;
    if (read_job_status(dir)) continue;  // finished; reported after hello
    Result<std::string> pid = read_file(dir + "/stepd.pid");
    pid_t supervisor = pid ? static_cast<pid_t>(std::strtol(pid->c_str(), nullptr, 10)) : 0;
    if (supervisor <= 0) supervisor = find_supervisor(dir);
    if (supervisor <= 0 || !supervises(supervisor, dir)) {
      // Gone while the agent was away (a reboot) or never started, unless
      // it finished just now and wrote its status: either way reported
      // after hello, and the directory goes once that is acknowledged.
      if (!read_job_status(dir)) write_job_status(dir, supervisor_died());
      continue;
    }
    running_[*key] = supervisor;
    spdlog::info("job {}: re-adopted its supervisor (pid {})", key->id, supervisor);
  }
  // Step supervisors outlive an agent restart too; adopt the live ones.
  for (const std::string& name : dir_entries(state_dir_ + "/steps")) {
    std::optional<JobKey> key = JobKey::parse(name);  // "<job>.<step>"
    std::string dir = state_dir_ + "/steps/" + name;
    Result<std::string> pid = read_file(dir + "/stepd.pid");
    pid_t supervisor = pid ? static_cast<pid_t>(std::strtol(pid->c_str(), nullptr, 10)) : 0;
    if (supervisor <= 0) supervisor = find_supervisor(dir);
    if (key && supervisor > 0 && supervises(supervisor, dir)) steps_[{key->id, key->restarts}] = supervisor;
    else remove_job_dir(dir);
  }
  if (cgroups_) {
    std::set<uint32_t> live;
    for (const auto& [key, pid] : running_) live.insert(key.id);
    for (const auto& [step, pid] : steps_) live.insert(step.first);
    cgroups_->remove_stale(live);
  }
}

void JobTracker::use_cgroups(JobCgroups cgroups) {
  if (cgroups.tracking()) cgroups_ = std::move(cgroups);
}

Status JobTracker::prepare_cgroup(uint32_t job_id, const std::string& leaf, const pb::JobRecord* job,
                                  const std::string& node, const std::string& dir) {
  if (!cgroups_) return ok_status();
  uint64_t memory_mb = 0;  // steps: the limits the batch job's launch set, if any
  uint32_t cpus = 0;
  if (job) {
    cpus = job->alloc_cpus();
    for (int i = 0; i < job->nodes_size() && i < job->node_cpus_size(); ++i)
      if (job->nodes(i) == node) cpus = job->node_cpus(i);
    uint64_t node_mb = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) >> 20;
    memory_mb = job_memory_limit_mb(job->spec().mem_mb(), job->spec().mem_per_cpu_mb(), cpus, node_mb);
  }
  Result<std::string> path = cgroups_->prepare(job_id, leaf, memory_mb, cpus, job != nullptr);
  if (!path) return Status::fail(path.error());
  if (job)
    spdlog::info("job {}: cgroup {} (memory {} MB{}, {} CPUs{})", job_id, *path, memory_mb,
                 cgroups_->memory_limits() ? "" : " not enforced", cpus, cgroups_->cpu_limits() ? "" : " not enforced");
  return write_file_replace(dir + "/" + kCgroupFile, *path, 0600);
}

void JobTracker::launch_step(const pb::StepLaunch& launch) {
  std::string name = std::to_string(launch.job_id()) + "." + std::to_string(launch.step_id());
  std::string dir = state_dir_ + "/steps/" + name;
  if (steps_.count({launch.job_id(), launch.step_id()})) return;  // a repeated order
  Status s = make_dirs(dir, 0700);
  if (s) s = write_file_replace(dir + "/step.pb", launch.SerializeAsString(), 0600);
  if (s) s = prepare_cgroup(launch.job_id(), "step_" + std::to_string(launch.step_id()), nullptr, launch.node_name(), dir);
  if (!s) {
    spdlog::error("step {}: cannot start: {}", name, s.error());
    return;  // srun sees no connection from this node and says so
  }
  pid_t pid = 0;
  std::string flag = "--step";
  std::vector<char*> argv{const_cast<char*>(stepd_path_.c_str()), flag.data(), dir.data(), nullptr};
  int rc = posix_spawn(&pid, stepd_path_.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    spdlog::error("step {}: cannot start {}: {}", name, stepd_path_, std::strerror(rc));
    remove_job_dir(dir);
    return;
  }
  write_file_replace(dir + "/stepd.pid", std::to_string(pid), 0600);
  steps_[{launch.job_id(), launch.step_id()}] = pid;
  spdlog::info("step {}: {} tasks started on {} under supervisor pid {}", name, launch.task_ids_size(),
               launch.node_name(), pid);
}

void JobTracker::update_limit(const JobKey& job, uint32_t minutes) {
  auto it = running_.find(job);
  if (it == running_.end()) return;
  Status s = write_file_replace(job_dir(state_dir_, job) + "/" + kTimeLimitFile, std::to_string(minutes), 0600);
  if (!s) return spdlog::error("job {}: cannot pass on its new time limit: {}", job.id, s.error());
  spdlog::info("job {}: time limit now {} min", job.id, minutes);
  kill(it->second, limit_signal());
}

void JobTracker::signal_steps(uint32_t job_id, int signo, bool cancel) {
  for (auto it = steps_.lower_bound({job_id, 0}); it != steps_.end() && it->first.first == job_id; ++it) {
    spdlog::info("step {}.{}: {}", job_id, it->first.second, cancel ? "cancelling" : "signal " + std::to_string(signo));
    if (cancel) {
      kill(it->second, SIGTERM);
    } else {
      sigval value{};
      value.sival_int = signo;
      sigqueue(it->second, relay_signal(), value);
    }
  }
}

void JobTracker::forget_step(std::map<std::pair<uint32_t, uint32_t>, pid_t>::iterator step) {
  remove_job_dir(state_dir_ + "/steps/" + std::to_string(step->first.first) + "." + std::to_string(step->first.second));
  uint32_t job_id = step->first.first;
  std::string leaf = "step_" + std::to_string(step->first.second);
  steps_.erase(step);
  if (cgroups_) {
    // The job's cgroup goes with the last of its processes here: no batch
    // script, no other step (an allocation from salloc, a job's other nodes).
    cgroup_remove(cgroups_->job_dir(job_id) + "/" + leaf);
    bool batch_here = std::any_of(running_.begin(), running_.end(), [&](const auto& r) { return r.first.id == job_id; });
    auto next = steps_.lower_bound({job_id, 0});
    if (!batch_here && (next == steps_.end() || next->first.first != job_id)) cgroups_->remove_job(job_id);
  }
}

bool JobTracker::launch(const pb::LaunchJob& launch) {
  JobKey key{launch.job().job_id(), launch.job().restarts()};
  uint32_t id = key.id;
  std::string dir = job_dir(state_dir_, key);
  if (running_.count(key)) return true;  // a repeated order
  auto fail = [&](const std::string& why) {
    spdlog::error("job {}: cannot start: {}", id, why);
    JobStatus status;
    status.error = why;
    status.exit_status = 1;
    status.end_time = ::time(nullptr);
    write_job_status(dir, status);
    on_finished_(key, status);
    return false;
  };
  if (Status s = make_dirs(dir, 0700); !s) return fail(s.error());
  if (Status s = write_file_replace(dir + "/launch.pb", launch.SerializeAsString(), 0600); !s) return fail(s.error());
  // A requeued run gets a leaf of its own: the old run's supervisor kills
  // its own leaf as it ends, which must not take the new run with it.
  std::string leaf = key.restarts == 0 ? "step_batch" : "step_batch." + std::to_string(key.restarts);
  if (Status s = prepare_cgroup(id, leaf, &launch.job(), launch.node_name(), dir); !s)
    return fail("cannot create the job's cgroup: " + s.error());
  pid_t pid = 0;
  std::vector<char*> argv{const_cast<char*>(stepd_path_.c_str()), dir.data(), nullptr};
  int rc = posix_spawn(&pid, stepd_path_.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return fail("cannot start " + stepd_path_ + ": " + std::strerror(rc));
  write_file_replace(dir + "/stepd.pid", std::to_string(pid), 0600);
  running_[key] = pid;
  spdlog::info("job {}: started under supervisor pid {}", id, pid);
  return true;
}

void JobTracker::signal(const JobKey& job, int signo, bool stale) {
  auto it = running_.find(job);
  if (it == running_.end()) return;
  if (stale) write_file_replace(job_dir(state_dir_, job) + "/" + kQuietCancel, "", 0600);
  spdlog::info("job {}: {}", job.id, signo == SIGTERM ? "cancelling" : "signal " + std::to_string(signo));
  kill(it->second, signo);
}

void JobTracker::acknowledge(const JobKey& job) {
  if (running_.count(job)) return;
  remove_job_dir(job_dir(state_dir_, job));
}

std::vector<JobKey> JobTracker::running() const {
  std::vector<JobKey> keys;
  for (const auto& [key, pid] : running_) keys.push_back(key);
  return keys;
}

std::vector<std::pair<JobKey, JobStatus>> JobTracker::unacknowledged() const {
  std::vector<std::pair<JobKey, JobStatus>> out;
  for (const std::string& name : dir_entries(state_dir_ + "/jobs")) {
    std::optional<JobKey> key = JobKey::parse(name);
    if (!key || running_.count(*key)) continue;
    if (auto status = read_job_status(state_dir_ + "/jobs/" + name)) out.emplace_back(*key, *status);
  }
  return out;
}

void JobTracker::watch_children() {
  sigchld_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    for (;;) {
      int status;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      for (auto it = steps_.begin(); it != steps_.end(); ++it) {
        if (it->second != pid) continue;
        forget_step(it);
        break;
      }
      for (const auto& [key, supervisor] : running_) {
        if (supervisor != pid) continue;
        JobKey ended = key;  // check() erases the entry `key` refers to
        check(ended);
        break;
      }
    }
    watch_children();
  });
}

// Supervisors adopted after a restart are not our children: look for them.
void JobTracker::poll() {
  for (const JobKey& key : running()) check(key);
  for (auto it = steps_.begin(); it != steps_.end();) {
    auto current = it++;
    if (kill(current->second, 0) != 0 && errno == ESRCH) forget_step(current);
  }
  poll_timer_.expires_after(std::chrono::seconds(1));
  poll_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) poll();
  });
}

void JobTracker::check(const JobKey& job) {
  auto it = running_.find(job);
  if (it == running_.end()) return;
  std::string dir = job_dir(state_dir_, job);
  std::optional<JobStatus> status = read_job_status(dir);
  if (!status) {
    if (kill(it->second, 0) == 0 || errno != ESRCH) return;  // still running
    // An adopted supervisor (not our child) may have written its status
    // between the read above and its exit.
    status = read_job_status(dir);
    if (!status) {
      status = supervisor_died();
      write_job_status(dir, *status);
    }
  }
  JobKey ended = job;  // `job` may refer to the entry erased here
  running_.erase(it);
  // Its processes end with it (its steps' too), then its cgroup goes —
  // unless a requeued run of the same job already started here: it lives in
  // the same cgroup, and ending it would kill the new run.
  auto same_job = running_.lower_bound(JobKey{ended.id, 0});
  bool rerun_here = same_job != running_.end() && same_job->first.id == ended.id;
  if (cgroups_ && !rerun_here) cgroups_->remove_job(ended.id);
  on_finished_(ended, *status);
}

}  // namespace drover
