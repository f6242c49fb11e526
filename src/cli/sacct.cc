// sacct: accounting data for running and finished jobs, from the
// controller's job records, in Slurm's formats (spec §7).
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

#include "drover/cli_util.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/sacct_format.h"
#include "drover/sacct_json.h"

using namespace drover;

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

// "12", "12_3", "12.batch", "12_3.0": the job part, and the step ("" for the job itself).
bool split_job_id(const std::string& text, std::string& job, std::string& step) {
  size_t dot = text.find('.');
  job = text.substr(0, dot);
  step = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (dot != std::string::npos && step.empty()) return false;
  size_t underscore = job.find('_');
  return all_digits(job.substr(0, underscore)) &&
         (underscore == std::string::npos || all_digits(job.substr(underscore + 1)));
}

std::vector<std::string> split_all(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values)
    for (std::string& item : cli::split_list(v)) out.push_back(std::move(item));
  return out;
}

bool any_of_nodes(const google::protobuf::RepeatedPtrField<std::string>& ran_on, const std::set<std::string>& nodes) {
  for (const std::string& node : ran_on)
    if (nodes.count(node)) return true;
  return false;
}

// -N: the line ran on at least one of these nodes (a batch step on the job's first node).
bool row_on_nodes(const SacctRow& row, const std::set<std::string>& nodes) {
  if (row.step) return any_of_nodes(row.step->nodes(), nodes);
  if (row.batch_step) return row.job->nodes_size() > 0 && nodes.count(row.job->nodes(0)) > 0;
  return any_of_nodes(row.job->nodes(), nodes);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sacct: accounting data for Drover jobs"};
  app.set_help_flag("--help", "print this help and exit");
  std::vector<std::string> jobs, users, names, states, formats, partitions;
  std::string start_text, end_text, delimiter = "|", config_flag, clusters, units, nodelist;
  bool allocations = false, no_header = false, parsable = false, parsable2 = false, brief = false,
       all_users = false, all_clusters = false, help_format = false, long_format = false, duplicates = false,
       json = false;
  app.add_option("-j,--jobs,--job", jobs, "job ids, comma separated")->allow_extra_args(false);
  app.add_option("-u,--user,--uid", users, "users (names or uids), comma separated")->allow_extra_args(false);
  app.add_flag("-a,--allusers", all_users, "jobs of all users");
  app.add_option("--name", names, "job names, comma separated")->allow_extra_args(false);
  app.add_option("-s,--state", states, "states, comma separated")->allow_extra_args(false);
  app.add_option("-r,--partition", partitions, "partitions, comma separated")->allow_extra_args(false);
  app.add_option("-N,--nodelist", nodelist, "jobs that ran on any of these nodes (hostlist)");
  app.add_option("-S,--starttime", start_text, "start of the time window");
  app.add_option("-E,--endtime", end_text, "end of the time window");
  app.add_flag("-X,--allocations", allocations, "job lines only, no steps");
  app.add_flag("-n,--noheader", no_header, "no header");
  app.add_flag("-p,--parsable", parsable, "'|'-separated, with a trailing '|'");
  app.add_flag("-P,--parsable2", parsable2, "'|'-separated");
  app.add_option("--delimiter", delimiter, "separator with -p/-P");
  app.add_option("-o,--format,--Format", formats, "fields, comma separated")->allow_extra_args(false);
  app.add_flag("-b,--brief", brief, "JobID,State,ExitCode");
  app.add_flag("-l,--long", long_format, "long format (accepted)");
  app.add_flag("-D,--duplicates", duplicates, "requeued instances (accepted)");
  app.add_flag("-e,--helpformat", help_format, "list the fields");
  app.add_flag("-L,--allclusters", all_clusters, "all clusters (accepted)");
  app.add_option("-M,--clusters", clusters, "clusters (accepted)");
  app.add_option("--units", units, "size unit: K, M, G, T or P");
  app.add_flag("--json", json, "JSON output");
  app.add_option("--config", config_flag, "Drover configuration file");
  app.set_version_flag("-V,--version", cli::kSlurmVersion);
  CLI11_PARSE(app, argc, argv);

  if (help_format) {
    std::vector<std::string> fields = sacct_field_names();
    for (size_t i = 0; i < fields.size(); ++i)
      std::printf("%-20s%s", fields[i].c_str(), (i % 4 == 3 || i + 1 == fields.size()) ? "\n" : "");
    return 0;
  }

  std::string format;
  for (const std::string& f : formats) format += (format.empty() ? "" : ",") + f;
  if (format.empty()) {
    if (const char* env = std::getenv("SACCT_FORMAT"); env && *env) format = env;
    else format = brief ? kSacctBriefFormat : kSacctDefaultFormat;
  }
  SacctLayout layout;
  if (!units.empty()) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(units[0])));
    if (units.size() != 1 || std::string_view("KMGTP").find(u) == std::string_view::npos) {
      cli::print_error("sacct", "Invalid --units specification: " + units);
      return 1;
    }
    layout.units = u;
  }
  layout.header = !no_header;
  layout.parsable = parsable || parsable2;
  layout.trailing_delimiter = parsable && !parsable2;
  layout.delimiter = delimiter;
  // Check the fields before asking the controller, as Slurm does.
  if (Result<std::string> check = format_sacct({}, format, layout, 0); !check) {
    cli::print_error("sacct", check.error());
    return 1;
  }

  pb::Message request;
  pb::JobFilter* filter = request.mutable_list_jobs()->mutable_filter();
  filter->set_all_states(true);
  filter->set_accounting(true);  // finished jobs the controller no longer keeps in memory too
  // Job -> the steps asked for ("" = the whole job).
  std::map<std::string, std::set<std::string>> wanted;
  for (const std::string& id : split_all(jobs)) {
    std::string job, step;
    if (!split_job_id(id, job, step)) {
      cli::print_error("sacct", "Invalid job id: " + id);
      return 1;
    }
    if (!wanted.count(job)) filter->add_job_ids(job);
    wanted[job].insert(step);
  }
  if (!users.empty()) {
    bool all_valid;
    std::string joined;
    for (const std::string& u : split_all(users)) joined += (joined.empty() ? "" : ",") + u;
    std::vector<uint32_t> uids = cli::resolve_users("sacct", joined, all_valid);
    if (uids.empty()) uids.push_back(UINT32_MAX - 1);  // nobody
    for (uint32_t uid : uids) filter->add_uids(uid);
  } else if (!all_users && wanted.empty() && ::getuid() != 0) {
    filter->add_uids(::getuid());
  }
  for (const std::string& p : split_all(partitions)) filter->add_partitions(p);
  for (const std::string& n : split_all(names)) filter->add_names(n);
  std::vector<std::string> state_list = split_all(states);
  for (const std::string& s : state_list) {
    std::optional<pb::JobState> state = parse_job_state(s);
    if (!state) {
      cli::print_error("sacct", "Invalid state: " + s);
      return 1;
    }
    filter->add_states(*state);
  }

  // -N: filtered here, on the nodes each record ran on.
  std::set<std::string> node_set;
  if (!nodelist.empty()) {
    Result<std::vector<std::string>> names = hostlist::expand(nodelist);
    if (!names || names->empty()) {
      cli::print_error("sacct", "Invalid node list: " + nodelist);
      return 1;
    }
    node_set.insert(names->begin(), names->end());
  }

  int64_t now = ::time(nullptr);
  // Default window: today (all time with -j; just now with -s), until now.
  int64_t window_start = 0, window_end = now;
  if (start_text.empty()) {
    if (!state_list.empty()) window_start = now;
    else if (wanted.empty()) window_start = *parse_sacct_time("today", now);
  } else {
    Result<int64_t> t = parse_sacct_time(start_text, now);
    if (!t) {
      cli::print_error("sacct", t.error());
      return 1;
    }
    window_start = *t;
  }
  if (!end_text.empty()) {
    Result<int64_t> t = parse_sacct_time(end_text, now);
    if (!t) {
      cli::print_error("sacct", t.error());
      return 1;
    }
    window_end = *t;
  }
  // Without ids, the store returns only jobs that ended inside the window.
  if (wanted.empty()) filter->set_window_start(window_start);

  ControllerClient client(load_cli_config("sacct", config_flag));
  layout.cluster = client.config().cluster;
  Result<pb::Message> reply = client.call(request);
  pb::ListJobsReply listing;
  if (reply) {
    listing = reply->list_jobs_reply();
  } else if (wanted.empty() || reply.error() != "Invalid job id specified") {
    // Unknown job ids are no error for sacct: it just lists nothing.
    cli::exit_with_error("sacct", "", reply.error());
  }
  now = std::max<int64_t>(now, listing.now());

  std::vector<const pb::JobRecord*> records;
  for (const pb::JobRecord& job : listing.jobs()) {
    bool in_window = job.submit_time() <= window_end && (job.end_time() == 0 || job.end_time() >= window_start);
    if (in_window && (node_set.empty() || any_of_nodes(job.nodes(), node_set))) records.push_back(&job);
  }
  sort_sacct(records);
  if (json) {
    if (!wanted.empty()) {
      std::erase_if(records, [&](const pb::JobRecord* job) {
        for (const std::string& id : {std::to_string(job->job_id()), std::to_string(job->array_job_id())})
          if (wanted.count(id)) return false;
        return !(job->is_array_task() &&
                 wanted.count(std::to_string(job->array_job_id()) + "_" + std::to_string(job->array_task_id())));
      });
    }
    std::string text = format_sacct_json(records, layout.cluster, now);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::vector<SacctRow> rows = sacct_rows(records, allocations);
  if (!node_set.empty())
    std::erase_if(rows, [&](const SacctRow& row) { return !row_on_nodes(row, node_set); });
  if (!wanted.empty()) {
    // Keep the lines of the steps asked for: "12.batch" names only that line.
    std::vector<SacctRow> kept;
    for (const SacctRow& row : rows) {
      const pb::JobRecord& job = *row.job;
      std::vector<std::string> ids = {std::to_string(job.job_id())};
      if (job.array_job_id()) {
        ids.push_back(std::to_string(job.array_job_id()));
        if (job.is_array_task())
          ids.push_back(std::to_string(job.array_job_id()) + "_" + std::to_string(job.array_task_id()));
      }
      bool keep = false;
      for (const std::string& id : ids) {
        auto it = wanted.find(id);
        if (it == wanted.end()) continue;
        bool step_wanted = (row.batch_step && it->second.count("batch") > 0) ||
                           (row.step && it->second.count(std::to_string(row.step->step_id())) > 0);
        keep = keep || it->second.count("") > 0 || step_wanted;
      }
      if (keep) kept.push_back(row);
    }
    rows = std::move(kept);
  }
  Result<std::string> text = format_sacct(rows, format, layout, now);
  if (!text) {
    cli::print_error("sacct", text.error());
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}
