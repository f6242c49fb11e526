// scontrol: view and change jobs, nodes and partitions (the subset Drover
// supports; see docs/compatibility.md).
#include <unistd.h>

#include <cstdio>

#include "drover/cli_util.h"
#include "drover/config_report.h"
#include "drover/time_format.h"
#include "drover/hostlist.h"
#include "drover/scontrol_format.h"

using namespace drover;

namespace {

struct Options {
  bool one_liner = false;
  std::string config;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "Key=Value" (key case-insensitive) -> value, or "" when the word is not that key.
bool key_value(const std::string& word, const std::string& key, std::string& value) {
  size_t eq = word.find('=');
  if (eq == std::string::npos || lower(word.substr(0, eq)) != lower(key)) return false;
  value = word.substr(eq + 1);
  return true;
}

int show_jobs(ControllerClient& client, const Options& o, const std::vector<std::string>& args) {
  pb::Message request;
  pb::JobFilter* filter = request.mutable_list_jobs()->mutable_filter();
  filter->set_all_states(true);
  for (const std::string& id : args) filter->add_job_ids(id);
  pb::Message reply = cli::call_or_exit(client, request, "scontrol", "slurm_load_jobs error: ", false);
  const pb::ListJobsReply& jobs = reply.list_jobs_reply();
  if (jobs.jobs().empty()) {
    if (args.empty()) std::printf("No jobs in the system\n");
    else std::fprintf(stderr, "slurm_load_jobs error: Invalid job id specified\n");
    return args.empty() ? 0 : 1;
  }
  for (const pb::JobRecord& job : jobs.jobs())
    std::printf("%s%s", format_job_record(job, jobs.now(), o.one_liner).c_str(), o.one_liner ? "" : "\n");
  return 0;
}

int show_nodes(ControllerClient& client, const Options& o, const std::vector<std::string>& args, bool partitions) {
  pb::Message request;
  request.mutable_list_nodes();
  pb::Message reply = cli::call_or_exit(client, request, "scontrol", "slurm_load_node error: ", false);
  const pb::ListNodesReply& cluster = reply.list_nodes_reply();
  std::vector<std::string> wanted;
  for (const std::string& a : args) {
    Result<std::vector<std::string>> names = hostlist::expand(a);
    if (names) wanted.insert(wanted.end(), names->begin(), names->end());
  }
  auto selected = [&](const std::string& name) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  size_t shown = 0;
  if (partitions) {
    for (const pb::PartitionInfo& p : cluster.partitions())
      if (selected(p.name())) {
        std::printf("%s%s", format_partition_record(p, cluster, o.one_liner).c_str(), o.one_liner ? "" : "\n");
        ++shown;
      }
  } else {
    for (const pb::NodeInfo& n : cluster.nodes())
      if (selected(n.name())) {
        std::printf("%s%s", format_node_record(n, o.one_liner).c_str(), o.one_liner ? "" : "\n");
        ++shown;
      }
  }
  if (shown == 0 && !wanted.empty()) {
    std::fprintf(stderr, "%s %s not found\n", partitions ? "Partition" : "Node", args.front().c_str());
    return 1;
  }
  return 0;
}

int control_jobs(ControllerClient& client, pb::JobControl action, const std::vector<std::string>& args) {
  if (args.empty()) {
    cli::print_error("scontrol", "Invalid job id specified");
    return 1;
  }
  pb::Message request;
  request.mutable_job_control()->set_action(action);
  for (const std::string& arg : args)
    for (const std::string& id : cli::split_list(arg)) request.mutable_job_control()->add_job_ids(id);
  pb::Message reply = cli::call_or_exit(client, request, "scontrol", "slurm_suspend error: ", false);
  for (const std::string& error : reply.job_control_reply().errors()) std::fprintf(stderr, "%s\n", error.c_str());
  return reply.job_control_reply().errors().empty() ? 0 : 1;
}

// update JobId=N TimeLimit= Partition= Name= Nice= ArrayTaskThrottle=
int update_job(ControllerClient& client, const std::vector<std::string>& args) {
  pb::Message request;
  pb::JobUpdateRequest* job = request.mutable_job_update();
  std::string value;
  for (const std::string& arg : args) {
    if (key_value(arg, "JobId", value)) {
      job->set_job_id(value);
    } else if (key_value(arg, "TimeLimit", value)) {
      job->set_time_limit(value);
    } else if (key_value(arg, "Partition", value)) {
      job->set_partition(value);
    } else if (key_value(arg, "Name", value) || key_value(arg, "JobName", value)) {
      job->set_name(value);
    } else if (key_value(arg, "ArrayTaskThrottle", value)) {
      job->set_array_throttle(value);
    } else if (key_value(arg, "Nice", value) || lower(arg) == "nice") {
      // A bare "Nice" is Slurm's default adjustment of 100.
      char* end = nullptr;
      long nice = value.empty() ? 100 : std::strtol(value.c_str(), &end, 10);
      if (!value.empty() && (*end != '\0' || nice < -2147483645L || nice > 2147483645L)) {
        std::fprintf(stderr, "Invalid nice value: %s\n", value.c_str());
        return 1;
      }
      job->set_nice_given(true);
      job->set_nice(static_cast<int32_t>(nice));
    } else {
      std::fprintf(stderr, "Update of this parameter is not supported: %s\nRequest aborted\n", arg.c_str());
      return 1;
    }
  }
  if (!job->time_limit().empty() && !parse_time_limit(job->time_limit())) {
    std::fprintf(stderr, "Invalid TimeLimit value: %s\nRequest aborted\n", job->time_limit().c_str());
    return 1;
  }
  cli::call_or_exit(client, request, "scontrol", "slurm_update error: ", false);
  return 0;
}

int update(ControllerClient& client, const std::vector<std::string>& args) {
  std::string value;
  for (const std::string& arg : args)
    if (key_value(arg, "JobId", value)) return update_job(client, args);
  pb::Message request;
  pb::NodeUpdateRequest* node = request.mutable_node_update();
  for (const std::string& arg : args) {
    if (key_value(arg, "NodeName", value)) node->set_nodes(value);
    else if (key_value(arg, "State", value)) node->set_state(value);
    else if (key_value(arg, "Reason", value)) node->set_reason(value);
    else {
      std::fprintf(stderr, "Update of this parameter is not supported: %s\nRequest aborted\n", arg.c_str());
      return 1;
    }
  }
  if (node->nodes().empty()) {
    std::fprintf(stderr, "No valid entity in update command\nInput line must include \"NodeName\" or \"JobId\"\n");
    return 1;
  }
  cli::call_or_exit(client, request, "scontrol", "slurm_update error: ", false);
  return 0;
}

int show_config(ControllerClient& client) {
  pb::Message request;
  request.mutable_config_request();
  pb::Message reply = cli::call_or_exit(client, request, "scontrol", "slurm_load_ctl_conf error: ", false);
  ConfigEntries entries;
  for (const pb::ConfigEntry& e : reply.config_reply().entries()) entries.emplace_back(e.key(), e.value());
  std::string text = format_config_report(entries, reply.config_reply().now());
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

// Silent on success, as Slurm's; with -v the nodes and partitions added or
// removed are named on stderr.
int reconfigure(ControllerClient& client, int verbose) {
  pb::Message request;
  request.mutable_reconfigure();
  pb::Message reply = cli::call_or_exit(client, request, "scontrol", "slurm_reconfigure error: ", false);
  if (verbose > 0)
    for (const std::string& change : reply.reconfigure_reply().changes())
      std::fprintf(stderr, "scontrol: %s\n", change.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scontrol: view and change Drover jobs, nodes and partitions"};
  Options o;
  std::vector<std::string> words;
  app.add_flag("-o,--oneliner", o.one_liner, "one record per line");
  int details = 0;
  int verbose = 0;
  app.add_flag("-v,--verbose", verbose, "say more (reconfigure: what changed)");
  app.add_flag("-d,--details", details, "more details (accepted; records are always complete)");
  app.add_option("--config", o.config, "Drover configuration file");
  app.add_option("command", words, "show job|node|partition [ID], hold|uhold|release IDs, update ..., ping, version");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  app.allow_extras();
  CLI11_PARSE(app, argc, argv);
  for (const std::string& extra : app.remaining()) words.push_back(extra);
  // -dd and friends after the command are accepted anywhere.
  std::erase_if(words, [](const std::string& w) { return w.size() > 1 && w[0] == '-' && w.find_first_not_of("-d") == std::string::npos; });
  if (words.empty()) {
    std::fprintf(stderr, "scontrol: no command given (interactive mode is not supported)\n");
    return 1;
  }
  std::string command = lower(words[0]);
  std::vector<std::string> args(words.begin() + 1, words.end());
  if (command == "version") {
    std::printf("%s\n", cli::kSlurmVersion);
    return 0;
  }
  if (command == "show" && !args.empty() && (lower(args[0]) == "hostnames" || lower(args[0]) == "hostlist")) {
    std::string list = args.size() > 1 ? args[1] : (getenv("SLURM_JOB_NODELIST") ? getenv("SLURM_JOB_NODELIST") : "");
    Result<std::vector<std::string>> names = hostlist::expand(list);
    if (!names) {
      std::fprintf(stderr, "scontrol: error: %s\n", names.error().c_str());
      return 1;
    }
    if (lower(args[0]) == "hostlist") std::printf("%s\n", hostlist::compress(*names).c_str());
    else for (const std::string& n : *names) std::printf("%s\n", n.c_str());
    return 0;
  }
  ControllerClient client(load_cli_config("scontrol", o.config));
  if (command == "ping") {
    pb::Message request;
    request.mutable_list_nodes();
    bool up = static_cast<bool>(client.call(request));
    std::printf("Slurmctld(primary) at %s is %s\n", client.config().controller_host.c_str(), up ? "UP" : "DOWN");
    return up ? 0 : 1;
  }
  if (command == "show" && !args.empty()) {
    std::string what = lower(args[0]);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (what == "job" || what == "jobs" || what == "jobid") return show_jobs(client, o, rest);
    if (what == "node" || what == "nodes") return show_nodes(client, o, rest, false);
    if (what == "partition" || what == "partitions") return show_nodes(client, o, rest, true);
    if (what == "config") return show_config(client);
  }
  if (command == "hold") return control_jobs(client, pb::CONTROL_HOLD, args);
  if (command == "uhold") return control_jobs(client, pb::CONTROL_UHOLD, args);
  if (command == "release") return control_jobs(client, pb::CONTROL_RELEASE, args);
  if (command == "requeue") {
    // "Incomplete" (only jobs that did not complete) is accepted and ignored.
    std::erase_if(args, [](const std::string& a) { return lower(a) == "incomplete"; });
    return control_jobs(client, pb::CONTROL_REQUEUE, args);
  }
  if (command == "requeuehold") {
    // "State=SpecialExit" is accepted; Drover has no SPECIAL_EXIT state.
    std::erase_if(args, [](const std::string& a) { return lower(a).rfind("state=", 0) == 0; });
    return control_jobs(client, pb::CONTROL_REQUEUE_HOLD, args);
  }
  if (command == "reconfigure") return reconfigure(client, verbose);
  if (command == "suspend") return control_jobs(client, pb::CONTROL_SUSPEND, args);
  if (command == "resume") return control_jobs(client, pb::CONTROL_RESUME, args);
  if (command == "update") return update(client, args);
  std::fprintf(stderr, "invalid keyword: %s\n", words[0].c_str());
  return 1;
}
