#include "stepd.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "drover/file_util.h"
#include "drover/time_format.h"
#include "cgroup.h"
#include "job_dir.h"
#include "job_process.h"

namespace drover {
namespace {

// The spool directory belongs to the job's user, who could swap a file in
// it for a symlink to something only root may read: never follow one, and
// read only regular files. (Hard links to others' files are prevented by
// the kernel's protected_hardlinks.)
Result<std::string> read_spool_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Result<std::string>::fail("cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Result<std::string>::fail(path + " is not a regular file");
  }
  std::string content;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) content.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return Result<std::string>::ok(std::move(content));
}

Result<std::vector<std::string>> read_env_file(const std::string& path) {
  std::vector<std::string> env;
  Result<std::string> blob = read_spool_file(path);
  if (!blob) return Result<std::vector<std::string>>::fail(blob.error());
  size_t start = 0;
  while (start < blob->size()) {
    size_t end = blob->find('\0', start);
    if (end == std::string::npos) end = blob->size();
    if (end > start) env.push_back(blob->substr(start, end - start));
    start = end + 1;
  }
  return Result<std::vector<std::string>>::ok(std::move(env));
}


[[noreturn]] void child_fail(int report_fd, const std::string& what) {
  std::string message = what + ": " + std::strerror(errno);
  (void)!::write(report_fd, message.data(), message.size());
  _exit(127);
}

int open_output(const std::string& path, bool keep_content) {
  // Always O_APPEND: the supervisor adds its own lines (a cancellation)
  // without overwriting what the job writes. --open-mode=append also keeps
  // what an earlier job (or run of a requeued one) left in the file.
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (keep_content ? 0 : O_TRUNC);
  return ::open(path.c_str(), flags, 0644);
}

// In the forked child: become the job. Never returns.
[[noreturn]] void exec_job(const pb::LaunchJob& launch, int script_fd, int report_fd,
                           const std::vector<std::string>& env, const std::string& cgroup) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  setpgid(0, 0);
  // Joined while still root and before exec: nothing of the job runs outside it.
  if (!cgroup.empty()) {
    if (Status joined = cgroup_join(cgroup); !joined) child_fail(report_fd, "cannot join the job's cgroup " + cgroup);
  }
  if (launch.set_hostname()) set_job_hostname(launch.node_name());
  const pb::JobRecord& job = launch.job();
  if (std::string failed = become_job_user(job.uid(), job.gid(), launch.user_name()); !failed.empty())
    child_fail(report_fd, failed);
  bool append = job.spec().open_mode_append();
  int out = open_output(launch.stdout_path(), append);
  if (out < 0) child_fail(report_fd, "cannot open output file " + launch.stdout_path());
  int err = launch.stderr_path() == launch.stdout_path() ? out : open_output(launch.stderr_path(), append);
  if (err < 0) child_fail(report_fd, "cannot open error file " + launch.stderr_path());
  // Older controllers sent -i only in the spec, already absolute.
  std::string input = !launch.stdin_path().empty() ? launch.stdin_path() : job.spec().stdin_path();
  if (input.empty()) input = "/dev/null";
  int in = ::open(input.c_str(), O_RDONLY);
  if (in < 0) child_fail(report_fd, "cannot open input file " + input);
  if (::chdir(job.spec().work_dir().c_str()) != 0) {
    std::string warning = "slurmstepd: error: couldn't chdir to `" + job.spec().work_dir() + "': " +
                          std::strerror(errno) + ": going to /tmp instead\n";
    (void)!::write(err, warning.data(), warning.size());
    (void)!::chdir("/tmp");
  }
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  std::vector<char*> envp;
  for (const std::string& var : env) envp.push_back(const_cast<char*>(var.c_str()));
  envp.push_back(nullptr);
  std::string name = "slurm_script";
  std::vector<char*> argv{name.data()};
  for (const std::string& arg : job.spec().argv()) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  fexecve(script_fd, argv.data(), envp.data());
  child_fail(report_fd, "cannot execute the batch script");
}

// The script lives in an anonymous memory file: the job's user can run it
// without any access to the spool or the agent's state directory.
int script_memfd(const std::string& script) {
  int fd = memfd_create("slurm_script", 0);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < script.size()) {
    ssize_t n = ::write(fd, script.data() + done, script.size() - done);
    if (n <= 0) return -1;
    done += static_cast<size_t>(n);
  }
  fchmod(fd, 0755);
  return fd;
}

void note_cancel(const pb::LaunchJob& launch, const char* why) {
  int fd = ::open(launch.stderr_path().c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return;
  std::string line = "slurmstepd-" + launch.node_name() + ": error: *** JOB " + std::to_string(launch.job().job_id()) +
                     " ON " + launch.node_name() + " CANCELLED AT " + format_iso_time(::time(nullptr)) + why + " ***\n";
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

// --signal without B: goes to the job's processes but not to the batch
// shell (Slurm signals the steps, never the shell). The job's processes are
// those of its process group, which the shell leads.
void signal_job_processes(pid_t shell, int signo) {
  DIR* proc = ::opendir("/proc");
  if (!proc) return;
  while (struct dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == shell) continue;
    Result<std::string> stat = read_spool_file("/proc/" + std::string(entry->d_name) + "/stat");
    if (!stat) continue;
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so start after the last ')'.
    size_t paren = stat->rfind(')');
    if (paren == std::string::npos) continue;
    int ppid = 0, pgrp = 0;
    char state = 0;
    if (std::sscanf(stat->c_str() + paren + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == shell)
      ::kill(static_cast<pid_t>(pid), signo);
  }
  ::closedir(proc);
}

// The job's processes: all of its cgroup where it has one (daemonised
// children included), else the script's process group.
void signal_job(pid_t child, const std::string& cgroup, int signo) {
  if (cgroup.empty()) kill(-child, signo);
  else cgroup_signal(cgroup, signo);
}

struct Outcome {
  int wait_status = 0;
  bool timed_out = false;
};

// Waits for the job, forwarding signals. SIGTERM from the agent is a
// cancel; reaching the time limit is one too. A cancel sends TERM (after
// CONT) to the job's process group, then KILL after kill_wait_s.
// The signals the supervisor handles itself, blocked and taken with sigwaitinfo.
sigset_t watched_signals() {
  sigset_t watched;
  sigemptyset(&watched);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT}) sigaddset(&watched, s);
  sigaddset(&watched, suspend_signal());
  sigaddset(&watched, resume_signal());
  sigaddset(&watched, limit_signal());
  return watched;
}

Outcome supervise(pid_t child, const pb::LaunchJob& launch, const std::string& dir, const std::string& cgroup) {
  sigset_t watched = watched_signals();
  uint32_t limit_min = launch.job().spec().time_limit_min();
  const time_t started = ::time(nullptr);
  time_t suspended_total = 0;
  time_t limit_at = 0, signal_at = 0;
  const pb::JobSpec& spec = launch.job().spec();
  bool signal_sent = false;
  // The limit counts run time from the start, less time spent suspended.
  // --signal: sent once, signal_secs before the limit (at once if the
  // limit is shorter than that).
  auto set_limit = [&](uint32_t minutes) {
    limit_at = minutes == 0 || minutes == kInfiniteMinutes ? 0 : started + suspended_total + time_t{minutes} * 60;
    signal_at = 0;
    if (limit_at != 0 && spec.signal_number() > 0 && !signal_sent)
      signal_at = std::max<time_t>(::time(nullptr), limit_at - time_t{spec.signal_secs()});
  };
  set_limit(limit_min);
  Outcome outcome;
  bool cancelling = false;
  time_t suspended_at = 0;  // a suspended job's time does not count against its limit
  time_t kill_at = 0;
  auto cancel = [&](const char* why) {
    if (why) note_cancel(launch, why);
    signal_job(child, cgroup, SIGCONT);
    signal_job(child, cgroup, SIGTERM);
    cancelling = true;
    kill_at = ::time(nullptr) + launch.kill_wait_s();
  };
  for (;;) {
    if (waitpid(child, &outcome.wait_status, WNOHANG) == child) return outcome;
    // Suspended, no clock runs; otherwise the --signal warning comes first.
    time_t deadline = cancelling ? kill_at : suspended_at ? 0 : signal_at != 0 ? signal_at : limit_at;
    siginfo_t info{};
    int signo;
    if (deadline != 0) {
      time_t left = deadline - ::time(nullptr);
      if (left <= 0) {
        if (!cancelling && signal_at != 0) {
          if (spec.signal_batch_only()) kill(child, spec.signal_number());
          else signal_job_processes(child, spec.signal_number());
          signal_at = 0;
          signal_sent = true;
        } else if (cancelling) {
          signal_job(child, cgroup, SIGKILL);
          kill_at = 0;
          cancelling = false;
          limit_at = 0;
        } else {
          outcome.timed_out = true;
          cancel(" DUE TO TIME LIMIT");
        }
        continue;
      }
      timespec timeout{left, 0};
      signo = sigtimedwait(&watched, &info, &timeout);
    } else {
      signo = sigwaitinfo(&watched, &info);
    }
    if (signo <= 0 || signo == SIGCHLD) continue;
    if (signo == suspend_signal()) {
      if (!suspended_at && !cancelling) {
        signal_job(child, cgroup, SIGSTOP);
        suspended_at = ::time(nullptr);
      }
    } else if (signo == resume_signal()) {
      if (suspended_at) {
        suspended_total += ::time(nullptr) - suspended_at;
        if (limit_at) limit_at += ::time(nullptr) - suspended_at;
        if (signal_at) signal_at += ::time(nullptr) - suspended_at;
        suspended_at = 0;
        signal_job(child, cgroup, SIGCONT);
      }
    } else if (signo == limit_signal()) {
      Result<std::string> minutes = read_file(dir + "/" + kTimeLimitFile);
      if (minutes && !cancelling) set_limit(static_cast<uint32_t>(std::strtoul(minutes->c_str(), nullptr, 10)));
    } else if (signo == SIGTERM) {
      suspended_at = 0;  // cancel() continues the job so that it can end
      if (!cancelling) cancel(::access((dir + "/" + kQuietCancel).c_str(), F_OK) == 0 ? nullptr : "");
    } else {
      kill(-child, signo);
    }
  }
}

}  // namespace

int run_stepd(const std::string& dir) {
  // Nothing of the agent's (its controller connection, its credential
  // socket) may reach a job running as its user.
  close_range(3, ~0U, 0);
  setsid();
  Result<pb::LaunchJob> launch = read_launch(dir);
  JobStatus result;
  if (!launch) {
    result.error = launch.error();
    result.end_time = ::time(nullptr);
    write_job_status(dir, result);
    return 1;
  }
  sigset_t watched = watched_signals();
  sigprocmask(SIG_BLOCK, &watched, nullptr);
  // Left by the agent where the job has a cgroup (a leaf of the job's).
  Result<std::string> cgroup_file = read_file(dir + "/" + kCgroupFile);
  std::string cgroup = cgroup_file ? *cgroup_file : "";

  std::string script = launch->script();
  std::vector<std::string> env;
  if (script.empty()) {
    Result<std::string> spooled = read_spool_file(launch->spool_path() + "/script");
    Result<std::vector<std::string>> spooled_env = read_env_file(launch->spool_path() + "/environment");
    if (!spooled) result.error = spooled.error();
    else if (!spooled_env) result.error = spooled_env.error();
    else {
      script = std::move(*spooled);
      env = std::move(*spooled_env);
    }
  }
  env = merge_env(std::move(env), {launch->env().begin(), launch->env().end()});
  int script_fd = result.error.empty() ? script_memfd(script) : -1;
  if (result.error.empty() && script_fd < 0) result.error = std::string("cannot stage the script: ") + std::strerror(errno);

  int report[2] = {-1, -1};
  if (result.error.empty() && pipe2(report, O_CLOEXEC) != 0) result.error = "cannot create a pipe";
  pid_t child = -1;
  if (result.error.empty()) {
    child = fork();
    if (child == 0) {
      ::close(report[0]);
      exec_job(*launch, script_fd, report[1], env, cgroup);
    }
    ::close(report[1]);
    ::close(script_fd);
    if (child < 0) result.error = std::string("cannot fork: ") + std::strerror(errno);
  }
  if (child > 0) {
    // Stays open until exec succeeds (close-on-exec) or the child reports why it failed.
    char buf[1024];
    ssize_t n = ::read(report[0], buf, sizeof buf);
    ::close(report[0]);
    std::string pid_line = std::to_string(child);
    write_file_replace(dir + "/job.pid", pid_line, 0600);
    if (n > 0) result.error.assign(buf, static_cast<size_t>(n));
    Outcome outcome = supervise(child, *launch, dir, cgroup);
    int status = outcome.wait_status;
    result.timed_out = outcome.timed_out;
    kill(-child, SIGKILL);  // whatever the script left behind ends with it
    if (!cgroup.empty()) {
      // Daemonised children too; the kernel's OOM kills are counted in the
      // job's cgroup (the leaf's parent), which holds the memory limit.
      cgroup_kill_all(cgroup);
      result.out_of_memory = cgroup_oom_kills(cgroup.substr(0, cgroup.rfind('/'))) > 0;
      cgroup_remove(cgroup);
      // The job's cgroup too, unless steps still use it: the agent may be
      // stopped, and would then never remove it.
      ::rmdir(cgroup.substr(0, cgroup.rfind('/')).c_str());
    }
    if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    // The script is this supervisor's only child, so its children's usage
    // is the job's: the script plus every process it waited for.
    struct rusage usage {};
    if (getrusage(RUSAGE_CHILDREN, &usage) == 0) {
      result.max_rss_kb = static_cast<uint64_t>(usage.ru_maxrss);
      auto us = [](const timeval& tv) { return static_cast<uint64_t>(tv.tv_sec) * 1000000 + static_cast<uint64_t>(tv.tv_usec); };
      result.total_cpu_us = us(usage.ru_utime) + us(usage.ru_stime);
    }
  }
  result.end_time = ::time(nullptr);
  Status saved = write_job_status(dir, result);
  return saved ? 0 : 1;
}

}  // namespace drover
