#include "job_tracker.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <spdlog/spdlog.h>

#include <filesystem>

#include "drover/file_util.h"

extern char** environ;

namespace drover {

JobTracker::JobTracker(asio::io_context& io, std::string state_dir, std::string stepd_path, Finished on_finished)
    : io_(io),
      state_dir_(std::move(state_dir)),
      stepd_path_(std::move(stepd_path)),
      on_finished_(std::move(on_finished)),
      sigchld_(io, SIGCHLD),
      poll_timer_(io) {
  make_dirs(state_dir_ + "/jobs", 0700);
  watch_children();
  poll();
}

void JobTracker::recover() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir_ + "/jobs", ec)) {
    uint32_t id = static_cast<uint32_t>(std::strtoul(entry.path().filename().c_str(), nullptr, 10));
    if (id == 0) continue;
    std::string dir = entry.path();
    if (read_job_status(dir)) continue;  // finished; reported after hello
    Result<std::string> pid = read_file(dir + "/stepd.pid");
    if (!pid) continue;
    pid_t supervisor = static_cast<pid_t>(std::strtol(pid->c_str(), nullptr, 10));
    if (supervisor <= 0) continue;
    running_[id] = supervisor;
    spdlog::info("job {}: re-adopted its supervisor (pid {})", id, running_[id]);
  }
}

void JobTracker::launch(const pb::LaunchJob& launch) {
  uint32_t id = launch.job().job_id();
  std::string dir = job_dir(state_dir_, id);
  if (running_.count(id)) return;  // a repeated order
  auto fail = [&](const std::string& why) {
    spdlog::error("job {}: cannot start: {}", id, why);
    JobStatus status;
    status.error = why;
    status.exit_status = 1;
    status.end_time = ::time(nullptr);
    write_job_status(dir, status);
    on_finished_(id, status);
  };
  if (Status s = make_dirs(dir, 0700); !s) return fail(s.error());
  if (Status s = write_file_atomic(dir + "/launch.pb", launch.SerializeAsString(), 0600); !s) return fail(s.error());
  pid_t pid = 0;
  std::vector<char*> argv{const_cast<char*>(stepd_path_.c_str()), dir.data(), nullptr};
  int rc = posix_spawn(&pid, stepd_path_.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return fail("cannot start " + stepd_path_ + ": " + std::strerror(rc));
  write_file_atomic(dir + "/stepd.pid", std::to_string(pid), 0600);
  running_[id] = pid;
  spdlog::info("job {}: started under supervisor pid {}", id, pid);
}

void JobTracker::signal(const pb::SignalJob& signal) {
  auto it = running_.find(signal.job_id());
  if (it == running_.end()) return;
  int signo = signal.cancel() ? SIGTERM : signal.signal();
  spdlog::info("job {}: {}", signal.job_id(), signal.cancel() ? "cancelling" : "signal " + std::to_string(signo));
  kill(it->second, signo);
}

void JobTracker::acknowledge(uint32_t job_id) {
  if (running_.count(job_id)) return;
  remove_job_dir(job_dir(state_dir_, job_id));
}

std::vector<uint32_t> JobTracker::running() const {
  std::vector<uint32_t> ids;
  for (const auto& [id, pid] : running_) ids.push_back(id);
  return ids;
}

std::vector<std::pair<uint32_t, JobStatus>> JobTracker::unacknowledged() const {
  std::vector<std::pair<uint32_t, JobStatus>> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir_ + "/jobs", ec)) {
    uint32_t id = static_cast<uint32_t>(std::strtoul(entry.path().filename().c_str(), nullptr, 10));
    if (id == 0 || running_.count(id)) continue;
    if (auto status = read_job_status(entry.path())) out.emplace_back(id, *status);
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
      for (const auto& [id, supervisor] : running_) {
        if (supervisor != pid) continue;
        check(id);
        break;
      }
    }
    watch_children();
  });
}

// Supervisors adopted after a restart are not our children: look for them.
void JobTracker::poll() {
  std::vector<uint32_t> ids = running();
  for (uint32_t id : ids) check(id);
  poll_timer_.expires_after(std::chrono::seconds(1));
  poll_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) poll();
  });
}

void JobTracker::check(uint32_t job_id) {
  auto it = running_.find(job_id);
  if (it == running_.end()) return;
  std::string dir = job_dir(state_dir_, job_id);
  std::optional<JobStatus> status = read_job_status(dir);
  if (!status) {
    if (kill(it->second, 0) == 0 || errno != ESRCH) return;  // still running
    // The supervisor died without a word (killed by hand, a crash).
    status = JobStatus{};
    status->error = "the job's supervisor died unexpectedly";
    status->exit_status = 1;
    status->end_time = ::time(nullptr);
    write_job_status(dir, *status);
  }
  running_.erase(it);
  on_finished_(job_id, *status);
}

}  // namespace drover
