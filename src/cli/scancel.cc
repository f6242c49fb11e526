// scancel: cancel (or signal) jobs, array tasks, or every job matching
// filters.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <set>

#include "drover/cli_util.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/sbatch_values.h"

using namespace drover;

namespace {

// Filters the controller does not apply itself: checked here on the jobs
// it lists, and the matching ones are then cancelled by id.
struct LocalFilters {
  std::string account, qos, reservation, wckey, nodelist;
  bool any() const {
    return !account.empty() || !qos.empty() || !reservation.empty() || !wckey.empty() || !nodelist.empty();
  }
};

bool matches(const pb::JobRecord& job, const LocalFilters& f, const std::set<std::string>& nodes) {
  const pb::JobSpec& spec = job.spec();
  if (!f.account.empty() && spec.account() != f.account) return false;
  if (!f.qos.empty() && spec.qos() != f.qos) return false;
  if (!f.reservation.empty() && spec.reservation() != f.reservation) return false;
  if (!f.wckey.empty() && spec.wckey() != f.wckey) return false;
  if (!nodes.empty()) {
    bool on = false;
    for (const std::string& n : job.nodes()) on = on || nodes.count(n);
    if (!on) return false;
  }
  return true;
}

// The id that names exactly this record: a started task "12_3", an
// array's pending tasks "12_[4-9]", or a plain job.
std::string record_id(const pb::JobRecord& job) {
  if (job.is_array_task()) return std::to_string(job.array_job_id()) + "_" + std::to_string(job.array_task_id());
  if (job.array_job_id() != 0 && job.array_pending_size() > 0) {
    std::string ranges;
    for (const pb::TaskRange& r : job.array_pending()) {
      if (!ranges.empty()) ranges += ',';
      ranges += std::to_string(r.first());
      if (r.last() != r.first()) ranges += "-" + std::to_string(r.last());
    }
    return std::to_string(job.array_job_id()) + "_[" + ranges + "]";
  }
  return std::to_string(job.job_id());
}

bool confirm(const pb::JobRecord& job) {
  std::fprintf(stderr, "Cancel job_id=%s name=%s partition=%s [y/n]? ", record_id(job).c_str(),
               job.spec().name().c_str(), job.partition().c_str());
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scancel: cancel or signal Drover jobs"};
  std::vector<std::string> ids;
  std::string user, name, state, partition, signal_name, clusters, config_flag;
  LocalFilters local;
  bool me = false, verbose = false, quiet = false, batch = false, full = false, hurry = false, interactive = false,
       ctld = false;
  app.add_option("job_id", ids, "job ids: N, N_T, N_[1-3], N_*; space or comma separated");
  app.add_option("-u,--user", user, "only this user's jobs");
  app.add_flag("--me", me, "only my jobs");
  app.add_option("-n,--name,--jobname", name, "only jobs with this name");
  app.add_option("-t,--state", state, "only jobs in this state (PENDING, RUNNING, SUSPENDED)");
  app.add_option("-p,--partition", partition, "only jobs in this partition");
  app.add_option("-A,--account", local.account, "only jobs of this account");
  app.add_option("-q,--qos", local.qos, "only jobs of this QOS");
  app.add_option("-R,--reservation", local.reservation, "only jobs of this reservation");
  app.add_option("--wckey", local.wckey, "only jobs with this wckey");
  app.add_option("-w,--nodelist", local.nodelist, "only jobs on these nodes");
  app.add_option("-s,--signal", signal_name, "send this signal (name or number) instead of cancelling");
  app.add_flag("-b,--batch", batch, "with --signal: the batch script only, not the steps");
  app.add_flag("-f,--full", full, "with --signal: the batch script and the steps");
  app.add_flag("-H,--hurry", hurry, "accepted: nothing is staged out");
  app.add_flag("-i,--interactive", interactive, "ask before each job");
  app.add_flag("--ctld", ctld, "accepted: requests always go to the controller");
  app.add_option("-M,--clusters", clusters, "the local cluster only");
  app.add_flag("-v,--verbose", verbose, "report each job");
  app.add_flag("-Q,--quiet", quiet, "no error messages");
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  // submitit sends `scancel ID --signal USR2`: options may follow the ids.
  app.allow_extras(false);
  CLI11_PARSE(app, argc, argv);

  Config config = load_cli_config("scancel", config_flag);
  if (!clusters.empty() && clusters != config.cluster && clusters != "all") {
    cli::print_error("scancel", "No cluster '" + clusters + "' known by database.");
    return 1;
  }
  pb::Message request;
  pb::CancelRequest* cancel = request.mutable_cancel();
  if (!signal_name.empty()) {
    int signo = signal_number(signal_name);
    if (signo <= 0) {
      cli::print_error("scancel", "Unknown job signal: " + signal_name);
      return 1;
    }
    cancel->set_signal(signo);
    cancel->set_batch(batch);
    cancel->set_full(full);
  }
  for (const std::string& arg : ids)
    for (const std::string& id : cli::split_list(arg)) {
      std::string number = id.substr(0, id.find_first_of("_."));
      if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 10 ||
          std::stoull(number) == 0) {
        cli::print_error("scancel", "Invalid job id " + id);
        return 1;
      }
      cancel->add_job_ids(id.substr(0, id.find('.')));
    }
  pb::JobFilter* filter = cancel->mutable_filter();
  if (me) filter->add_uids(::getuid());
  if (!user.empty()) {
    bool all_valid;
    for (uint32_t uid : cli::resolve_users("scancel", user, all_valid)) filter->add_uids(uid);
    if (!all_valid) return 1;
  }
  if (!name.empty()) filter->add_names(name);
  if (!partition.empty()) filter->add_partitions(partition);
  if (!state.empty()) {
    std::optional<pb::JobState> s = parse_job_state(state);
    if (!s || (*s != pb::JOB_PENDING && *s != pb::JOB_RUNNING && *s != pb::JOB_SUSPENDED)) {
      cli::print_error("scancel", "Invalid job state specified: " + state);
      cli::print_error("scancel", "Valid job states are PENDING, RUNNING, and SUSPENDED");
      return 1;
    }
    filter->add_states(*s);
  }
  std::set<std::string> nodes;
  if (!local.nodelist.empty()) {
    Result<std::vector<std::string>> expanded = hostlist::expand(local.nodelist);
    if (!expanded) {
      cli::print_error("scancel", "Invalid node name specified: " + local.nodelist);
      return 1;
    }
    nodes.insert(expanded->begin(), expanded->end());
  }
  bool has_filter = me || !user.empty() || !name.empty() || !partition.empty() || !state.empty() || local.any();
  if (cancel->job_ids().empty() && !has_filter) {
    cli::print_error("scancel", "No job identification provided");
    return 1;
  }
  ControllerClient client(config);
  if (local.any() || interactive) {
    // Choose the jobs here, then act on exactly those ids.
    pb::Message list;
    pb::JobFilter* wanted = list.mutable_list_jobs()->mutable_filter();
    *wanted = *filter;
    for (const std::string& id : cancel->job_ids()) wanted->add_job_ids(id);
    pb::Message listed = cli::call_or_exit(client, list, "scancel", "");
    cancel->clear_job_ids();
    cancel->clear_filter();
    for (const pb::JobRecord& job : listed.list_jobs_reply().jobs()) {
      if (job_state_is_finished(job.state()) || !matches(job, local, nodes)) continue;
      if (interactive && !confirm(job)) continue;
      cancel->add_job_ids(record_id(job));
    }
    if (cancel->job_ids().empty()) return 0;
  }
  pb::Message reply = cli::call_or_exit(client, request, "scancel", "Kill job error: ");
  int code = 0;
  for (const std::string& error : reply.cancel_reply().errors()) {
    bool denied = error.find("Access/permission denied") != std::string::npos;
    bool pending = error.find("Job is pending execution") != std::string::npos;
    // Unknown or finished jobs are silent unless -v, as in Slurm.
    if (denied) code = 210;
    if (pending) code = 1;
    if ((denied || pending || verbose) && !quiet) cli::print_error("scancel", error);
  }
  return code;
}
