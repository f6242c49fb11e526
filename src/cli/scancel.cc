// scancel: cancel jobs, array tasks, or every job matching filters.
#include <unistd.h>

#include <cstdio>

#include "drover/cli_util.h"
#include "drover/job_state.h"

using namespace drover;

int main(int argc, char** argv) {
  CLI::App app{"scancel: cancel Drover jobs"};
  std::vector<std::string> ids;
  std::string user, name, state, partition, config_flag;
  bool me = false, verbose = false, quiet = false;
  app.add_option("job_id", ids, "job ids: N, N_T, N_[1-3], N_*; space or comma separated");
  app.add_option("-u,--user", user, "only this user's jobs");
  app.add_flag("--me", me, "only my jobs");
  app.add_option("-n,--name,--jobname", name, "only jobs with this name");
  app.add_option("-t,--state", state, "only jobs in this state (PENDING, RUNNING, SUSPENDED)");
  app.add_option("-p,--partition", partition, "only jobs in this partition");
  app.add_flag("-v,--verbose", verbose, "report each job");
  app.add_flag("-Q,--quiet", quiet, "no error messages");
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  CLI11_PARSE(app, argc, argv);

  pb::Message request;
  pb::CancelRequest* cancel = request.mutable_cancel();
  for (const std::string& arg : ids)
    for (const std::string& id : cli::split_list(arg)) {
      std::string number = id.substr(0, id.find_first_of("_."));
      if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 10 || std::stoull(number) == 0) {
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
    if (!s || (*s != pb::JOB_PENDING && *s != pb::JOB_RUNNING)) {
      cli::print_error("scancel", "Invalid job state specified: " + state);
      cli::print_error("scancel", "Valid job states are PENDING, RUNNING, and SUSPENDED");
      return 1;
    }
    filter->add_states(*s);
  }
  bool has_filter = me || !user.empty() || !name.empty() || !partition.empty() || !state.empty();
  if (cancel->job_ids().empty() && !has_filter) {
    cli::print_error("scancel", "No job identification provided");
    return 1;
  }
  ControllerClient client(load_cli_config("scancel", config_flag));
  pb::Message reply = cli::call_or_exit(client, request, "scancel", "Kill job error: ");
  int code = 0;
  for (const std::string& error : reply.cancel_reply().errors()) {
    bool denied = error.find("Access/permission denied") != std::string::npos;
    // Unknown or finished jobs are silent unless -v, as in Slurm.
    if (denied) code = 210;
    if ((denied || verbose) && !quiet) cli::print_error("scancel", error);
  }
  return code;
}
