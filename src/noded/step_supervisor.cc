#include "step_supervisor.h"

#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/file_util.h"
#include "drover/output_pattern.h"
#include "drover/step_io.h"
#include "cgroup.h"
#include "job_dir.h"
#include "job_process.h"

extern char** environ;

namespace drover {
namespace {

constexpr size_t kStdinBacklog = 4 << 20;  // stop reading srun while a task is this far behind

struct Task {
  uint32_t rank = 0;
  uint32_t local_id = 0;
  pid_t pid = -1;
  int out = -1;            // read ends of the output pipes; -1 once closed or when writing to files
  int err = -1;
  int in = -1;             // write end of the stdin pipe
  std::string in_backlog;  // stdin from srun not yet taken by the task
  bool in_eof = false;
  bool exited = false;
  time_t exited_at = 0;
  int status = 0;
  bool reported = false;
};

// How long a task's output may still come after it exited: longer only if
// something it started holds its pipes, and that is not waited for.
constexpr time_t kDrainSeconds = 2;

void log_error(const std::string& message) { std::fprintf(stderr, "drover-stepd: %s\n", message.c_str()); }

int connect_to(const std::string& host, uint32_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

std::string output_path(const pb::StepLaunch& launch, const std::string& pattern, uint32_t rank,
                         const std::string& cwd) {
  PatternContext ctx;
  ctx.job_id = launch.job_id();
  ctx.step_id = launch.step_id();
  ctx.task_id = rank;
  ctx.node_index = launch.node_id();
  ctx.node = launch.node_name();
  ctx.user = launch.user_name();
  std::string path = expand_output_pattern(pattern, ctx);
  if (path == "none" || path == "NONE") return "/dev/null";
  return path[0] == '/' ? path : cwd + "/" + path;
}

// In the forked child: become the task. Never returns. Errors go to the
// task's stderr, where srun shows them, as slurmstepd's do.
[[noreturn]] void exec_task(const pb::StepLaunch& launch, const Task& task, int in, int out, int err,
                            const std::string& cwd, std::vector<std::string> env, const std::string& cgroup) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  setpgid(0, 0);
  if (launch.set_hostname()) set_job_hostname(launch.node_name());
  if (in >= 0) dup2(in, 0);
  if (out >= 0) dup2(out, 1);
  if (err >= 0) dup2(err, 2);
  auto fail = [&](const std::string& what) {
    int code = errno;
    std::string line = "slurmstepd: error: " + what + ": " + std::strerror(code) + "\n";
    (void)!::write(2, line.data(), line.size());
    _exit(code > 0 && code < 126 ? code : 1);
  };
  // Joined while still root and before exec: nothing of the step runs outside it.
  if (!cgroup.empty() && !cgroup_join(cgroup)) fail("cannot join the step's cgroup " + cgroup);
  if (std::string failed = become_job_user(launch.uid(), launch.gid(), launch.user_name()); !failed.empty())
    fail(failed);
  const pb::StepCreateRequest& req = launch.request();
  // Tasks may share a file (-o out.txt): all append, and only this node's
  // first task truncates it (the others start once it has).
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | (req.open_mode_append() || task.local_id > 0 ? 0 : O_TRUNC);
  if (!req.stdout_pattern().empty()) {
    std::string path = output_path(launch, req.stdout_pattern(), task.rank, cwd);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) fail("cannot open output file " + path);
    dup2(fd, 1);
    if (req.stderr_pattern().empty()) dup2(fd, 2);
  }
  if (!req.stderr_pattern().empty()) {
    std::string path = output_path(launch, req.stderr_pattern(), task.rank, cwd);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) fail("cannot open error file " + path);
    dup2(fd, 2);
  }
  if (!req.stdin_pattern().empty()) {
    std::string path = output_path(launch, req.stdin_pattern(), task.rank, cwd);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("cannot open input file " + path);
    dup2(fd, 0);
  }
  if (::chdir(cwd.c_str()) != 0) {
    std::string warning = "slurmstepd: error: couldn't chdir to `" + cwd + "': " + std::strerror(errno) +
                          ": going to /tmp instead\n";
    (void)!::write(2, warning.data(), warning.size());
    (void)!::chdir("/tmp");
  }
  env.push_back("SLURM_PROCID=" + std::to_string(task.rank));
  env.push_back("SLURM_LOCALID=" + std::to_string(task.local_id));
  env.push_back("SLURM_TASK_PID=" + std::to_string(::getpid()));
  std::vector<char*> envp;
  for (std::string& var : env) envp.push_back(var.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (const std::string& arg : req.argv()) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  environ = envp.data();  // execvp searches the task's PATH, not ours
  execvp(argv[0], argv.data());
  fail("execve(): " + req.argv(0));
  _exit(127);  // not reached: fail() exits
}

class Supervisor {
 public:
  // `cgroup`: the leaf the agent made for the step's tasks, empty without cgroups.
  Supervisor(pb::StepLaunch launch, int sock, std::string cgroup)
      : launch_(std::move(launch)), sock_(sock), cgroup_(std::move(cgroup)) {}

  bool start_tasks() {
    const pb::StepCreateRequest& req = launch_.request();
    std::string cwd = req.cwd().empty() ? launch_.work_dir() : req.cwd();
    std::vector<std::string> env =
        merge_env({req.env().begin(), req.env().end()}, {launch_.env().begin(), launch_.env().end()});
    bool stream_out = req.stdout_pattern().empty();
    bool stream_err = req.stderr_pattern().empty() && stream_out;
    bool stream_in = req.stdin_pattern().empty();
    for (int i = 0; i < launch_.task_ids_size(); ++i) {
      Task task;
      task.rank = launch_.task_ids(i);
      task.local_id = static_cast<uint32_t>(i);
      int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1};
      if ((stream_out && pipe2(out, O_CLOEXEC) != 0) || (stream_err && pipe2(err, O_CLOEXEC) != 0) ||
          (stream_in && pipe2(in, O_CLOEXEC) != 0)) {
        log_error(std::string("cannot create pipes: ") + std::strerror(errno));
        return false;
      }
      // With output files, each task opens them before the next starts (a
      // close-on-exec pipe tells when it has exec'd or failed).
      int opened[2] = {-1, -1};
      if ((!stream_out || !stream_err) && pipe2(opened, O_CLOEXEC) != 0) opened[0] = opened[1] = -1;
      task.pid = fork();
      if (task.pid == 0) exec_task(launch_, task, in[0], out[1], err[1], cwd, env, cgroup_);
      for (int fd : {out[1], err[1], in[0], opened[1]})
        if (fd >= 0) ::close(fd);
      if (opened[0] >= 0) {
        char byte;
        while (::read(opened[0], &byte, 1) < 0 && errno == EINTR) {
        }
        ::close(opened[0]);
      }
      if (task.pid < 0) {
        log_error(std::string("cannot fork: ") + std::strerror(errno));
        return false;
      }
      setpgid(task.pid, task.pid);  // also here, so signals never miss a task that has not run yet
      task.out = out[0];
      task.err = err[0];
      task.in = in[1];
      if (task.in >= 0) fcntl(task.in, F_SETFL, O_NONBLOCK);
      tasks_.push_back(std::move(task));
    }
    return true;
  }

  void run(int sigfd) {
    while (!all_reported()) {
      std::vector<pollfd> fds;
      std::vector<std::pair<size_t, int>> owners;  // poll index -> (task, which fd: 0 out, 1 err, 2 in)
      fds.push_back({sigfd, POLLIN, 0});
      bool stdin_room = true;
      for (const Task& t : tasks_) stdin_room = stdin_room && t.in_backlog.size() < kStdinBacklog;
      if (sock_ >= 0 && stdin_room) fds.push_back({sock_, POLLIN, 0});
      size_t first_task_fd = fds.size();
      for (size_t i = 0; i < tasks_.size(); ++i) {
        Task& t = tasks_[i];
        if (t.out >= 0) fds.push_back({t.out, POLLIN, 0}), owners.emplace_back(i, 0);
        if (t.err >= 0) fds.push_back({t.err, POLLIN, 0}), owners.emplace_back(i, 1);
        if (t.in >= 0 && !t.in_backlog.empty()) fds.push_back({t.in, POLLOUT, 0}), owners.emplace_back(i, 2);
      }
      time_t wake = kill_at_;
      for (const Task& t : tasks_)
        if (t.exited && (t.out >= 0 || t.err >= 0) && (wake == 0 || t.exited_at + kDrainSeconds < wake))
          wake = t.exited_at + kDrainSeconds;
      int timeout_ms = wake == 0 ? -1 : static_cast<int>(std::max<time_t>(0, wake - ::time(nullptr)) * 1000 + 100);
      int n = ::poll(fds.data(), fds.size(), timeout_ms);
      if (n < 0 && errno != EINTR) break;
      if (kill_at_ != 0 && ::time(nullptr) >= kill_at_) {
        signal_tasks(SIGKILL);
        kill_at_ = 0;
      }
      if (fds[0].revents) handle_signals(sigfd);
      if (first_task_fd == 2 && fds[1].revents) read_srun();
      for (size_t k = first_task_fd; k < fds.size(); ++k) {
        if (!fds[k].revents) continue;
        auto [index, which] = owners[k - first_task_fd];
        Task& t = tasks_[index];
        if (which == 2) pump_stdin(t);
        else pump_output(t, which == 0 ? t.out : t.err, which == 0 ? IoType::kStdout : IoType::kStderr);
      }
      for (Task& t : tasks_) {
        if (!t.exited || ::time(nullptr) < t.exited_at + kDrainSeconds) continue;
        for (int* fd : {&t.out, &t.err})
          if (*fd >= 0) ::close(*fd), *fd = -1;
      }
      report_exits();
    }
    end_leftovers();
    if (!cgroup_.empty()) {
      cgroup_remove(cgroup_);  // daemonised processes too
      ::rmdir(cgroup_.substr(0, cgroup_.rfind('/')).c_str());  // the job's, if nothing else uses it
    }
    if (sock_ >= 0) {
      ::shutdown(sock_, SHUT_WR);
      ::close(sock_);
    }
  }

 private:
  bool all_reported() const {
    for (const Task& t : tasks_)
      if (!t.reported) return false;
    return true;
  }

  void send(IoType type, uint32_t task, std::string_view payload) {
    if (sock_ < 0) return;
    if (!write_all(sock_, encode_io_frame(type, task, payload))) srun_gone("cannot write to srun");
  }

  void srun_gone(const std::string& why) {
    if (sock_ < 0) return;
    log_error("step " + std::to_string(launch_.job_id()) + "." + std::to_string(launch_.step_id()) + ": " + why +
              "; ending its tasks");
    ::close(sock_);
    sock_ = -1;
    signal_tasks(SIGKILL);
  }

  void signal_tasks(int signo) {
    for (const Task& t : tasks_)
      if (!t.exited) kill(-t.pid, signo);
  }

  void handle_signals(int sigfd) {
    signalfd_siginfo info{};
    while (::read(sigfd, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGCHLD) {
        reap();
      } else if (info.ssi_signo == SIGTERM) {  // the agent cancels the step
        if (kill_at_ == 0) {
          signal_tasks(SIGCONT);
          signal_tasks(SIGTERM);
          kill_at_ = ::time(nullptr) + std::max<uint32_t>(1, launch_.kill_wait_s());
        }
      } else if (static_cast<int>(info.ssi_signo) == relay_signal() && info.ssi_int > 0) {
        signal_tasks(info.ssi_int);  // scancel --signal, suspend (STOP), resume (CONT)
      }  // anything else is not the agent's: ignored
    }
  }

  void reap() {
    for (;;) {
      int status = 0;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) return;
      for (Task& t : tasks_) {
        if (t.pid != pid) continue;
        t.exited = true;
        t.exited_at = ::time(nullptr);
        t.status = status;
        kill(-pid, SIGKILL);  // what the task left running ends with it, so its pipes close
      }
    }
  }

  // Processes the tasks started and left behind, even in sessions of their
  // own, were handed to this subreaper when their parents ended: the step
  // is over, so they end too, as in Slurm.
  void end_leftovers() {
    std::string self = std::to_string(::getpid());
    DIR* proc = opendir("/proc");
    if (!proc) return;
    while (dirent* entry = readdir(proc)) {
      std::string name = entry->d_name;
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      Result<std::string> stat = read_file("/proc/" + name + "/stat");
      if (!stat) continue;
      // "pid (comm) state ppid ...": comm may hold spaces, so parse after the last ')'.
      size_t close = stat->rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(stat->substr(close + 1));
      std::string state, ppid;
      rest >> state >> ppid;
      if (ppid == self) kill(static_cast<pid_t>(std::stol(name)), SIGKILL);
    }
    closedir(proc);
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }

  void read_srun() {
    char buf[65536];
    ssize_t n = ::read(sock_, buf, sizeof buf);
    if (n <= 0) return srun_gone("srun went away");
    decoder_.feed(std::string_view(buf, static_cast<size_t>(n)));
    for (;;) {
      Result<std::optional<IoFrame>> frame = decoder_.next();
      if (!frame) return srun_gone(frame.error());
      if (!*frame) return;
      const IoFrame& f = **frame;
      if (f.type == IoType::kStdin) {
        for (Task& t : tasks_)
          if (t.in >= 0) t.in_backlog += f.data;
      } else if (f.type == IoType::kStdinEof) {
        for (Task& t : tasks_) t.in_eof = true;
      } else if (f.type == IoType::kSignal && f.data.size() >= 4) {
        signal_tasks(static_cast<int>(decode_u32(f.data)));
      }
      for (Task& t : tasks_) pump_stdin(t);
    }
  }

  void pump_stdin(Task& t) {
    if (t.in < 0) return;
    while (!t.in_backlog.empty()) {
      ssize_t n = ::write(t.in, t.in_backlog.data(), t.in_backlog.size());
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {  // the task closed its stdin
        t.in_backlog.clear();
        t.in_eof = true;
        break;
      }
      t.in_backlog.erase(0, static_cast<size_t>(n));
    }
    if (t.in_eof) {
      ::close(t.in);
      t.in = -1;
    }
  }

  void pump_output(Task& t, int& fd, IoType type) {
    char buf[65536];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
      ::close(fd);
      fd = -1;
      return;
    }
    send(type, t.rank, std::string_view(buf, static_cast<size_t>(n)));
  }

  void report_exits() {
    for (Task& t : tasks_) {
      if (t.reported || !t.exited || t.out >= 0 || t.err >= 0) continue;
      int32_t code = WIFEXITED(t.status) ? WEXITSTATUS(t.status) : 0;
      int32_t sig = WIFSIGNALED(t.status) ? WTERMSIG(t.status) : 0;
      send(IoType::kExit, t.rank, encode_u32(static_cast<uint32_t>(code)) + encode_u32(static_cast<uint32_t>(sig)));
      t.reported = true;
      if (t.in >= 0) {
        ::close(t.in);
        t.in = -1;
      }
    }
  }

  pb::StepLaunch launch_;
  int sock_;
  std::vector<Task> tasks_;
  IoDecoder decoder_;
  time_t kill_at_ = 0;
  std::string cgroup_;
};

}  // namespace

int run_step_supervisor(const std::string& dir) {
  close_range(3, ~0U, 0);  // nothing of the agent's may reach the tasks
  setsid();
  prctl(PR_SET_CHILD_SUBREAPER, 1);  // what the tasks leave behind stays ours to end
  signal(SIGPIPE, SIG_IGN);
  Result<std::string> bytes = read_file(dir + "/step.pb");
  pb::StepLaunch launch;
  if (!bytes || !launch.ParseFromString(*bytes)) {
    log_error("cannot read the step order in " + dir);
    return 1;
  }
  std::string name = std::to_string(launch.job_id()) + "." + std::to_string(launch.step_id());
  // Every signal that can be caught and is not about this process itself is
  // read from the signalfd and passed on to the tasks (scancel --signal).
  sigset_t watched;
  sigfillset(&watched);
  for (int s : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS, SIGPIPE})
    sigdelset(&watched, s);
  sigprocmask(SIG_BLOCK, &watched, nullptr);
  int sigfd = signalfd(-1, &watched, SFD_NONBLOCK | SFD_CLOEXEC);
  const pb::StepIo& io = launch.request().io();
  int sock = connect_to(io.host(), io.port());
  if (sigfd < 0 || sock < 0) {
    log_error("step " + name + ": cannot reach srun at " + io.host() + ":" + std::to_string(io.port()) + ": " +
              std::strerror(errno));
    return 1;
  }
  if (!write_all(sock, encode_io_frame(IoType::kHello, 0, io.key() + encode_u32(launch.node_id())))) {
    log_error("step " + name + ": srun closed the connection");
    return 1;
  }
  Result<std::string> cgroup = read_file(dir + "/" + kCgroupFile);
  Supervisor supervisor(std::move(launch), sock, cgroup ? *cgroup : "");
  bool started = supervisor.start_tasks();
  if (!started) log_error("step " + name + ": not every task could start");
  supervisor.run(sigfd);
  return started ? 0 : 1;
}

}  // namespace drover
