// squeue: view the job queue, in Slurm's formats.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "drover/cli_util.h"
#include "drover/job_state.h"
#include "drover/squeue_format.h"

using namespace drover;

namespace {

bool valid_job_id(const std::string& id) {
  size_t underscore = id.find('_');
  std::string job = id.substr(0, underscore);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 10 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  return digits(job) && (underscore == std::string::npos || digits(id.substr(underscore + 1)));
}

std::string date_line() {
  char buf[64];
  time_t now = ::time(nullptr);
  struct tm tm {};
  localtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Y", &tm);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"squeue: view jobs in the Drover queue"};
  app.set_help_flag("--help", "print this help and exit");
  bool no_header = false, long_format = false, me = false, all = false, array = false;
  std::string users, jobs, partitions, states, names, format, config_flag;
  app.add_flag("-h,--noheader", no_header, "no header line");
  app.add_option("-u,--user", users, "users (names or uids), comma separated");
  app.add_option("-j,--jobs", jobs, "job ids, comma separated");
  app.add_option("-p,--partition", partitions, "partitions, comma separated");
  app.add_option("-t,--states", states, "states, comma separated, or all");
  app.add_option("-n,--name", names, "job names, comma separated");
  app.add_option("-o,--format", format, "output format");
  app.add_flag("-l,--long", long_format, "long format");
  app.add_flag("--me", me, "only my jobs");
  app.add_flag("-a,--all", all, "all partitions (every partition is visible)");
  app.add_flag("-r,--array", array, "one line per array task (accepted)");
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  CLI11_PARSE(app, argc, argv);

  pb::Message request;
  pb::JobFilter* filter = request.mutable_list_jobs()->mutable_filter();
  for (const std::string& id : cli::split_list(jobs)) {
    if (!valid_job_id(id)) {
      cli::print_error("squeue", "Invalid job id: " + id);
      return 1;
    }
    filter->add_job_ids(id);
  }
  if (me) filter->add_uids(::getuid());
  if (!users.empty()) {
    bool all_valid;
    std::vector<uint32_t> uids = cli::resolve_users("squeue", users, all_valid);
    if (uids.empty()) uids.push_back(UINT32_MAX - 1);  // nobody: an empty listing, as Slurm shows
    for (uint32_t uid : uids) filter->add_uids(uid);
  }
  for (const std::string& p : cli::split_list(partitions)) filter->add_partitions(p);
  for (const std::string& n : cli::split_list(names)) filter->add_names(n);
  for (const std::string& s : cli::split_list(states)) {
    if (s == "all" || s == "ALL") {
      filter->set_all_states(true);
      continue;
    }
    std::optional<pb::JobState> state = parse_job_state(s);
    if (!state) {
      cli::print_error("squeue", "Invalid job state specified: " + s);
      std::fprintf(stderr, "squeue: error: Valid job states include: PENDING,RUNNING,COMPLETED,CANCELLED,FAILED,"
                           "TIMEOUT,NODE_FAIL,OUT_OF_MEMORY\n");
      return 1;
    }
    filter->add_states(*state);
  }
  if (format.empty()) {
    if (const char* env = std::getenv("SQUEUE_FORMAT"); env && *env) format = env;
    else format = long_format ? kSqueueLongFormat : kSqueueDefaultFormat;
  }

  ControllerClient client(load_cli_config("squeue", config_flag));
  pb::Message reply = cli::call_or_exit(client, request, "squeue", "slurm_load_jobs error: ", false);
  const pb::ListJobsReply& listing = reply.list_jobs_reply();
  std::vector<const pb::JobRecord*> records;
  for (const pb::JobRecord& job : listing.jobs()) records.push_back(&job);
  sort_squeue_default(records);
  Result<std::string> text = format_squeue(records, format, listing.now(), !no_header);
  if (!text) {
    cli::print_error("squeue", text.error());
    return 1;
  }
  if (long_format) std::printf("%s\n", date_line().c_str());
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}
