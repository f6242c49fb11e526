#include "drover/allocation.h"

#include <limits.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "drover/cli_util.h"
#include "drover/time_format.h"

namespace drover::alloc {
namespace {

[[noreturn]] void fail(const std::string& command, const std::string& message, int code = 1) {
  cli::print_error(command, message);
  std::exit(code);
}

std::string cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? buf : "/";
}

// A signal is waiting on the (non-blocking) signalfd.
bool stop_requested(int stop_fd) {
  if (stop_fd < 0) return false;
  signalfd_siginfo info{};
  return ::read(stop_fd, &info, sizeof info) == sizeof info;
}

}  // namespace

void add_options(CLI::App& app, Options& o) {
  app.add_option("-J,--job-name", o.job_name, "Name of the job");
  app.add_option("-p,--partition", o.partition, "Partition to run in");
  app.add_option("-N,--nodes", o.nodes, "Number of nodes");
  app.add_option("-n,--ntasks", o.ntasks, "Number of tasks")->check(CLI::PositiveNumber);
  app.add_option("-c,--cpus-per-task", o.cpus_per_task, "CPUs per task")->check(CLI::PositiveNumber);
  app.add_option("--ntasks-per-node", o.ntasks_per_node, "Tasks per node")->check(CLI::PositiveNumber);
  app.add_option("-t,--time", o.time, "Time limit");
  app.add_option("--mem", o.mem, "Memory per node");
  app.add_option("--mem-per-cpu", o.mem_per_cpu, "Memory per CPU");
  app.add_option("-w,--nodelist", o.nodelist, "Nodes to use");
  app.add_option("-x,--exclude", o.exclude, "Nodes to avoid");
  app.add_option("-C,--constraint", o.constraint, "Required node features");
  app.add_option("-A,--account", o.account, "Account (recorded)");
  app.add_option("-q,--qos", o.qos, "Quality of service (recorded)");
  app.add_option("--comment", o.comment, "Comment (recorded)");
  app.add_option("--reservation", o.reservation, "Refused: Drover has no reservations");
  app.add_option("--gres", o.gres, "Refused: Drover has no generic resources");
  app.add_option("-D,--chdir", o.chdir, "Working directory");
  app.add_flag("--exclusive", o.exclusive, "Whole nodes");
  app.add_flag("-Q,--quiet", o.quiet, "Fewer messages");
  app.add_flag("--no-requeue", o.no_requeue, "Do not requeue");
}

pb::JobSpec job_spec(const std::string& command, const Options& o, const std::string& default_name) {
  pb::JobSpec spec;
  spec.set_allocation(true);
  spec.set_name(o.job_name ? *o.job_name : default_name);
  if (o.partition) spec.set_partition(*o.partition);
  if (o.nodes) {
    std::string min = o.nodes->substr(0, o.nodes->find('-'));
    if (min.empty() || min.find_first_not_of("0123456789") != std::string::npos || min.size() > 9 || std::stoul(min) == 0)
      fail(command, "Invalid node count specification", 255);
    spec.set_min_nodes(static_cast<uint32_t>(std::stoul(min)));
  }
  if (o.ntasks) spec.set_ntasks(*o.ntasks);
  if (o.cpus_per_task) spec.set_cpus_per_task(*o.cpus_per_task);
  if (o.ntasks_per_node) {
    spec.set_ntasks_per_node(*o.ntasks_per_node);
    if (!o.ntasks) spec.set_ntasks(*o.ntasks_per_node * std::max<uint32_t>(1, spec.min_nodes()));
  }
  if (o.time) {
    Result<uint32_t> minutes = parse_time_limit(*o.time);
    if (!minutes) fail(command, "Invalid --time specification", 255);
    spec.set_time_limit_min(*minutes);
  }
  if (o.mem && o.mem_per_cpu) fail(command, "--mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive.");
  if (o.mem) {
    Result<uint64_t> mb = parse_mem_mb(*o.mem);
    if (!mb) fail(command, "Invalid --mem specification", 255);
    spec.set_mem_mb(*mb);
    spec.set_mem_given(true);
  }
  if (o.mem_per_cpu) {
    Result<uint64_t> mb = parse_mem_mb(*o.mem_per_cpu);
    if (!mb) fail(command, "Invalid --mem-per-cpu specification", 255);
    spec.set_mem_per_cpu_mb(*mb);
  }
  if (o.nodelist) spec.set_nodelist(*o.nodelist);
  if (o.exclude) spec.set_exclude(*o.exclude);
  if (o.constraint) spec.set_constraint(*o.constraint);
  if (o.account) spec.set_account(*o.account);
  if (o.qos) spec.set_qos(*o.qos);
  if (o.comment) spec.set_comment(*o.comment);
  if (o.reservation) spec.set_reservation(*o.reservation);
  if (o.gres) spec.set_gres(*o.gres);
  spec.set_exclusive(o.exclusive);
  spec.set_requeue(false);  // an interactive allocation is never rerun behind its user's back
  std::string dir = cwd();
  if (o.chdir) dir = (*o.chdir)[0] == '/' ? *o.chdir : dir + "/" + *o.chdir;
  spec.set_work_dir(dir);
  spec.set_submit_dir(cwd());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  spec.set_submit_host(host);
  if (const char* user = std::getenv("USER")) spec.set_user_name(user);
  spec.set_submit_token(cli::random_token());
  return spec;
}

pb::JobRecord allocate(ControllerClient& client, pb::JobSpec spec, const std::string& command, int stop_fd) {
  pb::Message submit;
  *submit.mutable_submit()->mutable_spec() = std::move(spec);
  Result<pb::Message> reply = client.call(submit);
  if (!reply && client.last_outcome_unknown()) reply = client.call(submit);  // the token makes a retry safe
  if (!reply) cli::exit_with_error(command, "Unable to allocate resources: ", reply.error());
  uint32_t id = reply->submit_reply().job_id();
  pb::Message query;
  query.mutable_list_jobs()->mutable_filter()->add_job_ids(std::to_string(id));
  query.mutable_list_jobs()->mutable_filter()->set_all_states(true);
  bool said_waiting = false;
  auto delay = std::chrono::milliseconds(5);
  for (;;) {
    if (stop_requested(stop_fd)) {
      pb::Message cancel;
      cancel.mutable_cancel()->add_job_ids(std::to_string(id));
      (void)client.call(cancel);
      std::fprintf(stderr, "%s: Job allocation %u has been revoked.\n", command.c_str(), id);
      std::exit(1);
    }
    Result<pb::Message> state = client.call(query);
    if (state && state->list_jobs_reply().jobs_size() > 0) {
      const pb::JobRecord& job = state->list_jobs_reply().jobs(0);
      if (job.state() == pb::JOB_RUNNING) {
        if (said_waiting) std::fprintf(stderr, "%s: job %u has been allocated resources\n", command.c_str(), id);
        return job;
      }
      if (job.state() != pb::JOB_PENDING) {
        std::fprintf(stderr, "%s: Job allocation %u has been revoked.\n", command.c_str(), id);
        std::exit(1);
      }
      if (!said_waiting && delay >= std::chrono::milliseconds(200)) {
        std::fprintf(stderr, "%s: job %u queued and waiting for resources\n", command.c_str(), id);
        said_waiting = true;
      }
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(500));
  }
}

bool keep_alive(ControllerClient& client, uint32_t job_id) {
  pb::Message message;
  message.mutable_allocation_done()->set_job_id(job_id);
  message.mutable_allocation_done()->set_keepalive(true);
  Result<pb::Message> reply = client.call(message);
  return !reply || !reply->step_ack().job_ended();  // an unreachable controller is not an ended job
}

void release(ControllerClient& client, uint32_t job_id, int exit_status, int term_signal) {
  pb::Message message;
  message.mutable_allocation_done()->set_job_id(job_id);
  message.mutable_allocation_done()->set_exit_status(exit_status);
  message.mutable_allocation_done()->set_term_signal(term_signal);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (client.call(message)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace drover::alloc
