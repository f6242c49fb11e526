// srun: run a parallel job step. Inside an allocation (a batch job, salloc,
// or --jobid) the step runs on the job's nodes; outside one, srun first
// gets an allocation of its own and gives it back when the step ends.
#include <limits.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "drover/allocation.h"
#include "drover/cli_util.h"
#include "drover/hostlist.h"
#include "srun_io.h"

extern char** environ;

using namespace drover;

namespace {

struct StepOptions {
  std::optional<std::string> output, error, input, cpu_bind, export_env, mpi;
  std::optional<uint32_t> jobid;
  bool label = false, unbuffered = false, pty = false, overlap = false, exact = false, kill_on_bad_exit = false,
       quit_on_interrupt = false;
  int verbose = 0;
};

std::string cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? buf : "/";
}

std::optional<uint32_t> env_number(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value || std::strspn(value, "0123456789") != std::strlen(value)) return std::nullopt;
  return static_cast<uint32_t>(std::strtoul(value, nullptr, 10));
}

// "0-2,5" for a sorted list of ranks.
std::string rank_ranges(const std::vector<uint32_t>& ranks) {
  std::string out;
  for (size_t i = 0; i < ranks.size();) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(ranks[i]);
    if (j > i) out += "-" + std::to_string(ranks[j]);
    i = j + 1;
  }
  return out;
}

struct StepOutcome {
  int code = 0;             // srun's exit code: the highest task exit code, 128 + signal for a killed task
  int32_t exit_status = 0;  // what the step records: the highest exit status...
  int32_t term_signal = 0;  // ...and the signal that killed a task, if any
};

// Reports tasks that failed as Slurm's srun does, grouped by node and
// outcome.
StepOutcome report_exits(const std::map<uint32_t, srun::TaskExit>& exits, const pb::StepCreateReply& step) {
  StepOutcome outcome;
  int& code = outcome.code;
  uint32_t first = 0;
  for (int n = 0; n < step.nodes_size(); ++n) {
    std::map<std::string, std::vector<uint32_t>> outcomes;
    for (uint32_t t = first; t < first + step.tasks_per_node(n); ++t) {
      auto it = exits.find(t);
      if (it == exits.end()) {
        outcomes["Lost (its node did not report it)"].push_back(t);
        code = std::max(code, 1);
        outcome.exit_status = std::max(outcome.exit_status, 1);
      } else if (it->second.term_signal != 0) {
        outcomes[strsignal(it->second.term_signal)].push_back(t);
        code = std::max(code, 128 + it->second.term_signal);
        outcome.term_signal = it->second.term_signal;
      } else if (it->second.exit_status != 0) {
        outcomes["Exited with exit code " + std::to_string(it->second.exit_status)].push_back(t);
        code = std::max(code, it->second.exit_status);
        outcome.exit_status = std::max(outcome.exit_status, it->second.exit_status);
      }
    }
    for (const auto& [what, ranks] : outcomes)
      std::fprintf(stderr, "srun: error: %s: task%s %s: %s\n", step.nodes(n).c_str(), ranks.size() > 1 ? "s" : "",
                   rank_ranges(ranks).c_str(), what.c_str());
    first += step.tasks_per_node(n);
  }
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  alloc::Options alloc_options;
  StepOptions o;
  CLI::App app{"srun: run a parallel job step on Drover"};
  alloc::add_options(app, alloc_options);
  app.add_option("-o,--output", o.output, "Where each task's stdout goes (%j %J %s %t %n %N %u)");
  app.add_option("-e,--error", o.error, "Where each task's stderr goes");
  app.add_option("-i,--input", o.input, "Where each task's stdin comes from (default: srun's stdin)");
  app.add_option("--cpu-bind", o.cpu_bind, "Accepted; tasks are not bound to CPUs");
  app.add_option("--export", o.export_env, "Environment to pass: ALL (default), NONE, or [ALL,]VAR[=value],...");
  app.add_option("--mpi", o.mpi, "Accepted; no MPI plugin is loaded");
  app.add_option("--jobid", o.jobid, "Run the step in this existing allocation");
  app.add_flag("-l,--label", o.label, "Prefix each output line with its task rank");
  app.add_flag("-u,--unbuffered", o.unbuffered, "Output is always passed on as it comes");
  app.add_flag("--pty", o.pty, "Not supported");
  app.add_flag("--overlap", o.overlap, "Accepted; steps always share their allocation");
  app.add_flag("--exact", o.exact, "Accepted");
  app.add_flag("-K,--kill-on-bad-exit", o.kill_on_bad_exit, "Accepted");
  app.add_flag("--quit-on-interrupt", o.quit_on_interrupt, "Forward the first Ctrl-C at once");
  app.add_flag("-v,--verbose", o.verbose, "More messages");
  std::string config_flag;
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  std::vector<std::string> command;
  if (std::optional<int> rc = cli::parse_prefix_command(app, argc, argv, "srun", command)) return *rc;
  if (command.empty()) {
    std::fprintf(stderr, "srun: fatal: No command given to execute.\n");
    return 1;
  }
  if (o.pty) {
    cli::print_error("srun", "--pty is not supported by Drover; use salloc for an interactive shell");
    return 1;
  }

  Config config = load_cli_config("srun", config_flag);
  ControllerClient client(config);

  // Signals are read from a signalfd: forwarded to the tasks while they
  // run, or cancelling the allocation while srun waits for one.
  sigset_t forwarded;
  sigemptyset(&forwarded);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCONT}) sigaddset(&forwarded, s);
  sigprocmask(SIG_BLOCK, &forwarded, nullptr);
  int signal_fd = signalfd(-1, &forwarded, SFD_NONBLOCK | SFD_CLOEXEC);
  signal(SIGPIPE, SIG_IGN);

  std::string name = command.front().substr(command.front().rfind('/') + 1);
  std::optional<uint32_t> job_id = o.jobid ? o.jobid : env_number("SLURM_JOB_ID");
  bool own_allocation = !job_id;
  pb::JobRecord job;
  if (own_allocation) {
    job = alloc::allocate(client, alloc::job_spec("srun", alloc_options, name), "srun", signal_fd);
    job_id = job.job_id();
  }

  std::optional<srun::StepIo> io = srun::StepIo::listen(config.controller_host, config.controller_port);
  if (!io) {
    cli::print_error("srun", std::string("cannot open a port for the step's I/O: ") + std::strerror(errno));
    if (own_allocation) alloc::release(client, *job_id, 1, 0);
    return 1;
  }
  pb::Message create;
  pb::StepCreateRequest* req = create.mutable_step_create();
  req->set_job_id(*job_id);
  // Inside a batch job without -n/-N, the step takes the job's task count.
  std::optional<uint32_t> ntasks = alloc_options.ntasks;
  if (!ntasks && !own_allocation && !alloc_options.nodes && !alloc_options.ntasks_per_node)
    ntasks = env_number("SLURM_NTASKS");
  if (ntasks) req->set_ntasks(*ntasks);
  if (alloc_options.nodes) req->set_nodes(static_cast<uint32_t>(std::strtoul(alloc_options.nodes->c_str(), nullptr, 10)));
  if (alloc_options.ntasks_per_node) req->set_ntasks_per_node(*alloc_options.ntasks_per_node);
  if (alloc_options.cpus_per_task) req->set_cpus_per_task(*alloc_options.cpus_per_task);
  if (alloc_options.nodelist && !own_allocation) req->set_nodelist(*alloc_options.nodelist);
  if (alloc_options.job_name) req->set_name(*alloc_options.job_name);
  for (const std::string& arg : command) req->add_argv(arg);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  if (o.export_env && *o.export_env != "ALL") {
    std::vector<std::string> items = cli::split_list(*o.export_env);
    bool all = !items.empty() && items.front() == "ALL";
    if (!all) std::erase_if(env, [](const std::string& v) { return v.rfind("SLURM_", 0) != 0; });
    for (const std::string& item : items) {
      if (item == "ALL" || item == "NONE") continue;
      if (item.find('=') != std::string::npos) env.push_back(item);
      else if (const char* value = std::getenv(item.c_str())) env.push_back(item + "=" + value);
    }
  }
  for (const std::string& var : env) req->add_env(var);
  std::string dir = cwd();
  if (alloc_options.chdir) dir = (*alloc_options.chdir)[0] == '/' ? *alloc_options.chdir : dir + "/" + *alloc_options.chdir;
  req->set_cwd(dir);
  req->mutable_io()->set_host(io->host());
  req->mutable_io()->set_port(io->port());
  req->mutable_io()->set_key(io->key());
  if (o.output) req->set_stdout_pattern(*o.output);
  if (o.error) req->set_stderr_pattern(*o.error);
  if (o.input) req->set_stdin_pattern(*o.input);

  Result<pb::Message> created = client.call(create);
  if (!created) {
    std::fprintf(stderr, "srun: error: Unable to create step for job %u: %s\n", *job_id, created.error().c_str());
    if (own_allocation) alloc::release(client, *job_id, 1, 0);
    return 1;
  }
  const pb::StepCreateReply& step = created->step_create_reply();
  if (o.verbose)
    std::fprintf(stderr, "srun: launching StepId=%u.%u on %s\n", *job_id, step.step_id(),
                 hostlist::compress_sorted({step.nodes().begin(), step.nodes().end()}).c_str());

  srun::IoOptions io_options;
  io_options.label = o.label;
  io_options.forward_stdin = !o.input;
  io_options.stdin_is_tty = isatty(0) && !o.quit_on_interrupt;
  auto tick = [&] { return !own_allocation || alloc::keep_alive(client, *job_id); };
  std::map<uint32_t, srun::TaskExit> exits =
      io->run({step.nodes().begin(), step.nodes().end()}, {step.tasks_per_node().begin(), step.tasks_per_node().end()},
              io_options, signal_fd, tick);
  StepOutcome outcome = report_exits(exits, step);

  pb::Message complete;
  pb::StepComplete* done = complete.mutable_step_complete();
  done->set_job_id(*job_id);
  done->set_step_id(step.step_id());
  done->set_exit_status(outcome.exit_status);
  done->set_term_signal(outcome.term_signal);
  (void)client.call(complete);
  if (own_allocation) alloc::release(client, *job_id, outcome.exit_status, outcome.term_signal);
  return outcome.code;
}
