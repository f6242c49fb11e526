#include "sbatch_spec.h"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>

#include "drover/cli_util.h"
#include "drover/hostlist.h"
#include "drover/sbatch_values.h"
#include "drover/time_format.h"

namespace drover::sbatch {
namespace {

constexpr int kOptionError = 255;

[[noreturn]] void fail(const std::string& message, int code = 1) {
  cli::print_error("sbatch", message);
  std::exit(code);
}

template <class T>
T value_or_fail(Result<T> result, int code = kOptionError) {
  if (!result) fail(result.error(), code);
  return std::move(*result);
}

std::string absolute(const std::string& path, const std::string& cwd) {
  return !path.empty() && path[0] == '/' ? path : cwd + "/" + path;
}

std::string read_file_or_fail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("Unable to open file " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A -w/-F value: a hostlist, or a file of host names when it holds a '/'.
// Returned as a validated, compressed hostlist.
std::string node_list(const std::string& value, const std::string& cwd, bool is_file) {
  std::string text = value;
  if (is_file || value.find('/') != std::string::npos) {
    text.clear();
    for (char c : read_file_or_fail(absolute(value, cwd))) text += (c == '\n' || c == ' ' || c == '\t') ? ',' : c;
    while (!text.empty() && text.back() == ',') text.pop_back();
  }
  Result<std::vector<std::string>> names = hostlist::expand(text);
  if (!names || names->empty()) fail("Invalid node name specified", kOptionError);
  return hostlist::compress(*names);
}

// Slurm's "Invalid numeric value" check for counts that must be positive.
uint32_t positive(const std::optional<uint32_t>& value, const char* option) {
  if (*value == 0) fail("Invalid numeric value \"0\" for " + std::string(option) + ".");
  return *value;
}

void fill_resources(const Options& o, pb::JobSpec& spec) {
  if (o.nodes) {
    NodeRange range = value_or_fail(parse_node_range(*o.nodes));
    if (range.min == 0) fail("Batch job submission failed: Node count specification invalid");
    spec.set_min_nodes(range.min);
    if (range.max != 0 && range.max != range.min) spec.set_max_nodes(range.max);
  }
  if (o.ntasks) spec.set_ntasks(positive(o.ntasks, "--ntasks"));
  if (o.cpus_per_task) spec.set_cpus_per_task(positive(o.cpus_per_task, "--cpus-per-task"));
  if (o.ntasks_per_node) spec.set_ntasks_per_node(positive(o.ntasks_per_node, "--ntasks-per-node"));
  if (o.mem) {
    Result<uint64_t> mb = parse_mem_mb(*o.mem);
    if (!mb) fail("Invalid --mem specification", kOptionError);
    spec.set_mem_mb(*mb);
    spec.set_mem_given(true);
  }
  if (o.mem_per_cpu) {
    Result<uint64_t> mb = parse_mem_mb(*o.mem_per_cpu);
    if (!mb) fail("Invalid --mem-per-cpu specification", kOptionError);
    spec.set_mem_per_cpu_mb(*mb);
  }
  if (o.time) {
    Result<uint32_t> minutes = parse_time_limit(*o.time);
    if (!minutes) fail("Invalid --time specification", kOptionError);
    spec.set_time_limit_min(*minutes);
  }
  if (o.time_min) {
    Result<uint32_t> minutes = parse_time_limit(*o.time_min);
    if (!minutes) fail("Invalid --time-min specification", kOptionError);
    spec.set_time_min_min(*minutes);
  }
  if (o.exclusive) {
    if (*o.exclusive != "node" && *o.exclusive != "user" && *o.exclusive != "mcs")
      fail("Invalid --exclusive specification", kOptionError);
    spec.set_exclusive(true);
  }
  // GPUs and other generic resources are requests like any other: kept in
  // Slurm's TRES words so the controller can refuse what no node has.
  std::string gres = o.gres.value_or("");
  auto add_gres = [&gres](const std::string& item) { gres += (gres.empty() ? "" : ",") + item; };
  if (o.gpus) add_gres("gpu:" + *o.gpus);
  if (o.gpus_per_node) add_gres("gpu:" + *o.gpus_per_node);
  if (o.gpus_per_task) add_gres("gpu:" + *o.gpus_per_task);
  if (o.mem_per_gpu || o.cpus_per_gpu) add_gres("gpu");
  if (gres == "help") {
    std::printf("Valid gres options are:\n");  // no GRES are configured in Drover
    std::exit(0);
  }
  spec.set_gres(gres);
}

void fill_placement(const Options& o, const std::string& cwd, pb::JobSpec& spec) {
  if (o.nodelist) spec.set_nodelist(node_list(*o.nodelist, cwd, false));
  if (o.nodefile) spec.set_nodelist(node_list(*o.nodefile, cwd, true));
  if (o.exclude) spec.set_exclude(node_list(*o.exclude, cwd, false));
  if (o.constraint) spec.set_constraint(*o.constraint);
  if (o.reservation) spec.set_reservation(*o.reservation);
}

void fill_policy(const Options& o, pb::JobSpec& spec) {
  if (o.signal) {
    SignalSpec signal = value_or_fail(parse_signal_spec(*o.signal));
    spec.set_signal_number(signal.number);
    spec.set_signal_secs(signal.secs);
    spec.set_signal_batch_only(signal.batch_only);
  }
  spec.set_requeue(!o.no_requeue);
  spec.set_requeue_given(o.requeue || o.no_requeue);
  spec.set_no_kill(o.no_kill);
  if (o.open_mode) spec.set_open_mode_append(value_or_fail(parse_open_mode(*o.open_mode)));
  if (o.nice) spec.set_nice(value_or_fail(parse_nice(*o.nice)));
  if (o.priority) {
    if (*o.priority == "TOP" || *o.priority == "top") {
      spec.set_priority_request(0xFFFFFFFEu);  // Slurm's top: the highest a job can have
    } else {
      const std::string& p = *o.priority;
      if (p.empty() || p.size() > 10 || p.find_first_not_of("0123456789") != std::string::npos ||
          std::stoull(p) == 0 || std::stoull(p) >= 0xFFFFFFFFull)
        fail("Invalid --priority value: " + p, kOptionError);
      spec.set_priority_request(static_cast<uint32_t>(std::stoull(p)));
    }
  }
  if (o.deadline) spec.set_deadline(value_or_fail(parse_deadline(*o.deadline, ::time(nullptr))));
  if (o.account) spec.set_account(*o.account);
  if (o.qos) spec.set_qos(*o.qos);
  if (o.comment) spec.set_comment(*o.comment);
  if (o.wckey) spec.set_wckey(*o.wckey);
  if (o.mail_type) spec.set_mail_type(value_or_fail(parse_mail_type(*o.mail_type)));
  if (o.mail_user) spec.set_mail_user(*o.mail_user);
}

}  // namespace

void fill_cluster(const Options& o, const Config& config, pb::JobSpec& spec) {
  if (!o.clusters) return;
  for (const std::string& name : cli::split_list(*o.clusters)) {
    if (name != config.cluster && name != "all")
      fail("'" + name + "' can't be reached now, or it is an invalid entry for --cluster.  Use 'sacctmgr list "
           "clusters' to see available clusters.");
  }
  spec.set_cluster(config.cluster);
}

void fill_spec(const Options& o, const std::string& cwd, pb::JobSpec& spec) {
  if (o.job_name) spec.set_name(*o.job_name);
  if (o.partition) spec.set_partition(*o.partition);
  fill_resources(o, spec);
  fill_placement(o, cwd, spec);
  fill_policy(o, spec);
  if (o.output) spec.set_stdout_pattern(*o.output);
  if (o.error) spec.set_stderr_pattern(*o.error);
  if (o.input) spec.set_stdin_path(*o.input);  // a pattern: the controller resolves it like -o
  if (o.array) spec.set_array_spec(*o.array);
  spec.set_hold(o.hold);
}

}  // namespace drover::sbatch
