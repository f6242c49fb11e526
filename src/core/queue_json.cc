// --json for squeue and sinfo (docs/json-output.md). Key names and value
// forms are Slurm 22.05's (openapi v0.0.38): times are epoch seconds, 0 when
// unset; limits are minutes; states are upper-case words.
#include "drover/queue_json.h"

#include <algorithm>
#include <cctype>

#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/json_writer.h"
#include "drover/squeue_format.h"
#include "drover/time_format.h"
#include "squeue_columns.h"

namespace drover {
namespace {

// Slurm prints INFINITE (no limit) as its 32-bit sentinel.
constexpr int64_t kInfinite = 0xFFFFFFFFLL;

void write_meta(JsonWriter& json) {
  json.begin_object("meta");
  json.begin_object("plugin");
  json.string("type", "openapi/v0.0.38");
  json.string("name", "Slurm OpenAPI v0.0.38");
  json.end_object();
  json.begin_object("Slurm");
  json.begin_object("version");
  json.number("major", 22);
  json.number("micro", 8);
  json.number("minor", 5);
  json.end_object();
  json.string("release", "22.05.8");
  json.end_object();
  json.end_object();
  json.begin_array("errors");
  json.end_array();
  json.begin_array("warnings");
  json.end_array();
}

// A column's text, exactly as squeue -O prints it.
std::string cell(std::string_view name, const pb::JobRecord& job, int64_t now) {
  return std::string(squeue::find_long_column(name)->cell(job, now).view());
}

void write_job(JsonWriter& json, const pb::JobRecord& job, int64_t now) {
  const pb::JobSpec& spec = job.spec();
  json.begin_object();
  json.string("account", spec.account());
  json.number("array_job_id", job.array_job_id());
  if (job.is_array_task()) json.number("array_task_id", job.array_task_id());
  json.number("array_max_tasks", job.array_throttle());
  std::string tasks = cell("arraytaskid", job, now);
  json.string("array_task_string", job.is_array_task() || tasks == "N/A" ? "" : tasks);
  json.boolean("batch_flag", true);
  json.string("batch_host", job.nodes_size() ? job.nodes(0) : "");
  json.string("command", spec.command());
  json.string("comment", spec.comment());
  json.number("cpus", squeue::cpu_count(job));
  json.number("cpus_per_task", std::max<uint32_t>(1, spec.cpus_per_task()));
  json.string("current_working_directory", spec.work_dir());
  json.number("deadline", spec.deadline());
  json.string("dependency", spec.dependency());
  json.number("eligible_time", std::max(job.submit_time(), spec.begin_time()));
  json.number("end_time", squeue::expected_end(job));
  json.string("excluded_nodes", spec.exclude());
  json.number("exit_code", std::stoll(cell("exit_code", job, now)));
  json.string("features", spec.constraint());
  json.number("group_id", job.gid());
  json.number("job_id", job.job_id());
  json.string("job_state", cell("state", job, now));
  json.number("memory_per_cpu", static_cast<int64_t>(spec.mem_per_cpu_mb()));
  json.number("memory_per_node", static_cast<int64_t>(spec.mem_mb()));
  json.string("name", spec.name());
  json.number("nice", spec.nice());
  json.number("node_count", squeue::node_count(job));
  json.string("nodes", cell("nodelist", job, now));
  json.string("partition", squeue::partition_of(job));
  json.number("priority", job.priority());
  json.string("qos", spec.qos());
  json.string("required_nodes", spec.nodelist());
  json.boolean("requeue", spec.requeue());
  json.string("resv_name", spec.reservation());
  json.number("restart_cnt", job.restarts());
  json.string("standard_error", cell("stderr", job, now));
  json.string("standard_input", cell("stdin", job, now));
  json.string("standard_output", cell("stdout", job, now));
  json.number("start_time", job.start_time());
  json.string("state_description", "");
  json.string("state_reason", cell("reason", job, now));
  json.number("submit_time", job.submit_time());
  json.number("tasks", std::stoll(cell("numtasks", job, now)));
  uint32_t limit = spec.time_limit_min();
  json.number("time_limit", limit == kInfiniteMinutes ? kInfinite : int64_t{limit});
  json.number("time_minimum", spec.time_min_min());
  json.string("tres_alloc_str", cell("tres-alloc", job, now));
  json.string("tres_per_node", spec.gres().empty() ? "" : cell("tres-per-node", job, now));
  json.number("user_id", job.uid());
  json.string("user_name", cell("username", job, now));
  json.string("wckey", spec.wckey());
  json.end_object();
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// "IDLE+DRAIN" -> state "IDLE", flags ["DRAIN"]; the not-responding mark too.
void write_node_state(JsonWriter& json, const pb::NodeInfo& node) {
  std::string full = upper(node.state_long().empty() ? node.state() : node.state_long());
  size_t plus = full.find('+');
  json.string("state", full.substr(0, plus));
  json.begin_array("state_flags");
  while (plus != std::string::npos) {
    size_t next = full.find('+', plus + 1);
    json.string_element(full.substr(plus + 1, next == std::string::npos ? next : next - plus - 1));
    plus = next;
  }
  if (node.not_responding()) json.string_element("NOT_RESPONDING");
  json.end_array();
}

void write_node(JsonWriter& json, const pb::NodeInfo& node) {
  std::string features;
  for (const std::string& f : node.features()) features += (features.empty() ? "" : ",") + f;
  json.begin_object();
  json.string("architecture", node.arch());
  json.string("features", features);
  json.string("active_features", features);
  json.string("address", node.name());
  json.string("hostname", node.hostname().empty() ? node.name() : node.hostname());
  json.string("name", node.name());
  json.number("cpus", node.cpus());
  json.number("alloc_cpus", node.alloc_cpus());
  json.number("idle_cpus", node.cpus() - std::min(node.alloc_cpus(), node.cpus()));
  json.number("real_memory", static_cast<int64_t>(node.memory_mb()));
  json.number("alloc_memory", static_cast<int64_t>(node.alloc_mem_mb()));
  json.begin_array("partitions");
  for (const std::string& p : node.partitions()) json.string_element(p);
  json.end_array();
  json.string("reason", node.reason());
  write_node_state(json, node);
  json.string("slurmd_version", node.version());
  json.number("weight", node.weight());
  json.end_object();
}

void write_partition(JsonWriter& json, const pb::PartitionInfo& part, const pb::ListNodesReply& cluster) {
  int64_t cpus = 0;
  for (const std::string& name : part.nodes()) {
    auto it = std::find_if(cluster.nodes().begin(), cluster.nodes().end(),
                           [&](const pb::NodeInfo& n) { return n.name() == name; });
    if (it != cluster.nodes().end()) cpus += it->cpus();
  }
  json.begin_object();
  json.begin_array("flags");
  if (part.is_default()) json.string_element("default");
  json.end_array();
  json.string("name", part.name());
  json.string("nodes", hostlist::compress({part.nodes().begin(), part.nodes().end()}));
  std::string state = upper(part.state().empty() ? "up" : part.state());
  json.string("state", state == "INACT" ? "INACTIVE" : state);
  uint32_t max = part.max_time_min();
  json.number("max_time_limit", max == 0 || max == kInfiniteMinutes ? kInfinite : int64_t{max});
  json.number("priority_tier", 1);
  json.number("total_cpus", cpus);
  json.number("total_nodes", part.nodes_size());
  json.end_object();
}

}  // namespace

std::string squeue_json(const std::vector<const pb::JobRecord*>& jobs, int64_t now) {
  JsonWriter json;
  json.begin_object();
  write_meta(json);
  json.begin_array("jobs");
  for (const pb::JobRecord* job : jobs) write_job(json, *job, now);
  json.end_array();
  json.end_object();
  return json.finish();
}

std::string sinfo_json(const pb::ListNodesReply& cluster) {
  JsonWriter json;
  json.begin_object();
  write_meta(json);
  json.begin_array("nodes");
  for (const pb::NodeInfo& node : cluster.nodes()) write_node(json, node);
  json.end_array();
  json.begin_array("partitions");
  for (const pb::PartitionInfo& part : cluster.partitions()) write_partition(json, part, cluster);
  json.end_array();
  json.end_object();
  return json.finish();
}

}  // namespace drover
