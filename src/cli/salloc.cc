// salloc: get an allocation, run a command (by default the user's shell)
// on this host with SLURM_JOB_ID and friends set, so that srun inside it
// runs steps on the allocation; give the allocation back when it exits.
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "drover/allocation.h"
#include "drover/cli_util.h"
#include "drover/hostlist.h"

extern char** environ;

using namespace drover;

namespace {

void export_allocation(const pb::JobRecord& job, const std::string& cluster) {
  auto set = [](const char* key, const std::string& value) { setenv(key, value.c_str(), 1); };
  std::string id = std::to_string(job.job_id());
  std::string nodes = hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()});
  set("SLURM_JOB_ID", id);
  set("SLURM_JOBID", id);
  set("SLURM_JOB_NAME", job.spec().name());
  set("SLURM_JOB_NODELIST", nodes);
  set("SLURM_NODELIST", nodes);
  set("SLURM_JOB_NUM_NODES", std::to_string(job.nodes_size()));
  set("SLURM_NNODES", std::to_string(job.nodes_size()));
  if (job.spec().ntasks() > 0) {
    set("SLURM_NTASKS", std::to_string(job.spec().ntasks()));
    set("SLURM_NPROCS", std::to_string(job.spec().ntasks()));
  }
  if (job.spec().cpus_per_task() > 0) set("SLURM_CPUS_PER_TASK", std::to_string(job.spec().cpus_per_task()));
  if (job.spec().mem_given()) set("SLURM_MEM_PER_NODE", std::to_string(job.spec().mem_mb()));
  set("SLURM_JOB_PARTITION", job.partition());
  set("SLURM_CLUSTER_NAME", cluster);
  set("SLURM_SUBMIT_DIR", job.spec().submit_dir());
  set("SLURM_SUBMIT_HOST", job.spec().submit_host());
}

}  // namespace

int main(int argc, char** argv) {
  alloc::Options options;
  CLI::App app{"salloc: get a Drover allocation and run a command in it"};
  alloc::add_options(app, options);
  std::string config_flag;
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  std::vector<std::string> command;
  if (std::optional<int> rc = cli::parse_prefix_command(app, argc, argv, "salloc", command)) return *rc;
  if (command.empty()) {
    const char* shell = std::getenv("SHELL");
    command.push_back(shell && *shell ? shell : "/bin/sh");
  }
  Config config = load_cli_config("salloc", config_flag);
  ControllerClient client(config);

  sigset_t watched;
  sigemptyset(&watched);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&watched, s);
  sigprocmask(SIG_BLOCK, &watched, nullptr);
  int signal_fd = signalfd(-1, &watched, SFD_NONBLOCK | SFD_CLOEXEC);

  std::string name = command.front().substr(command.front().rfind('/') + 1);
  pb::JobRecord job = alloc::allocate(client, alloc::job_spec("salloc", options, name), "salloc", signal_fd);
  uint32_t id = job.job_id();
  if (!options.quiet) std::fprintf(stderr, "salloc: Granted job allocation %u\n", id);
  export_allocation(job, config.cluster);

  pid_t child = fork();
  if (child == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args;
    for (std::string& arg : command) args.push_back(arg.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "salloc: error: %s: %s\n", command.front().c_str(), std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  bool revoked = false;
  auto next_keepalive = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    if (waitpid(child, &status, WNOHANG) == child) break;
    pollfd fd{signal_fd, POLLIN, 0};
    ::poll(&fd, 1, 1000);
    signalfd_siginfo info{};
    while (::read(signal_fd, &info, sizeof info) == sizeof info) {
      // Ctrl-C belongs to the command in the foreground, not to salloc.
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGHUP) kill(child, static_cast<int>(info.ssi_signo));
    }
    if (!revoked && std::chrono::steady_clock::now() >= next_keepalive) {
      next_keepalive = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      if (!alloc::keep_alive(client, id)) {
        revoked = true;
        std::fprintf(stderr, "salloc: Job allocation %u has been revoked.\n", id);
        kill(child, SIGHUP);
      }
    }
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (!options.quiet) std::fprintf(stderr, "salloc: Relinquishing job allocation %u\n", id);
  if (!revoked)
    alloc::release(client, id, WIFEXITED(status) ? WEXITSTATUS(status) : 0, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return code;
}
