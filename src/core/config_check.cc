#include "drover/config_check.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <set>

namespace drover {
namespace {

// Every key load_config reads. A key added to config.cc belongs here too,
// or check-config calls it unknown (config_check_test.cc loads an example
// with every key to catch that).
const std::set<std::string> kTopKeys = {
    "cluster", "controller", "auth", "state_dir", "spool_dir", "spool_shared", "heartbeat_s", "node_timeout",
    "kill_wait", "inactive_limit", "max_array_size", "min_job_age_s", "accounting_retention_days",
    "max_connections", "client_idle_timeout_s", "frame_timeout_s", "return_to_service", "job_hostname_is_node",
    "kill_invalid_depend", "admin_uids", "admin_users", "admin_groups", "nodes", "partitions", "prefer",
    "config_overrides", "metrics", "cgroups", "cgroup_mount"};
const std::set<std::string> kMetricsKeys = {"port", "address"};
const std::set<std::string> kControllerKeys = {"host", "port", "socket"};
const std::set<std::string> kAuthKeys = {"key_file", "ttl_s", "max_clock_skew_s", "socket"};
const std::set<std::string> kNodeKeys = {"names", "cpus", "memory_mb", "weight", "features", "address"};
const std::set<std::string> kPartitionKeys = {"name", "nodes", "default", "max_time", "default_time", "state",
                                              "priority", "max_nodes", "prefer"};

void unknown_in(const YAML::Node& map, const std::set<std::string>& known, const std::string& prefix,
                std::vector<CheckFinding>& out) {
  if (!map.IsMap()) return;
  for (const auto& entry : map) {
    std::string key = entry.first.as<std::string>();
    if (!known.count(key))
      out.push_back({true, "unknown key " + prefix + key + " (line " + std::to_string(entry.first.Mark().line + 1) +
                               "): Drover ignores it"});
  }
}

std::string signed_seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%lld.%03llds", ms < 0 ? '-' : '+', static_cast<long long>(std::llabs(ms) / 1000),
                static_cast<long long>(std::llabs(ms) % 1000));
  return buf;
}

}  // namespace

std::vector<CheckFinding> check_unknown_keys(const std::string& yaml_text) {
  std::vector<CheckFinding> out;
  YAML::Node root = YAML::Load(yaml_text);
  unknown_in(root, kTopKeys, "", out);
  unknown_in(root["controller"], kControllerKeys, "controller.", out);
  unknown_in(root["auth"], kAuthKeys, "auth.", out);
  unknown_in(root["metrics"], kMetricsKeys, "metrics.", out);
  for (const auto& [list, keys] : {std::pair{"nodes", &kNodeKeys}, std::pair{"partitions", &kPartitionKeys}}) {
    YAML::Node seq = root[list];
    if (!seq.IsSequence()) continue;
    for (size_t i = 0; i < seq.size(); ++i)
      unknown_in(seq[i], *keys, std::string(list) + "[" + std::to_string(i) + "].", out);
  }
  return out;
}

std::vector<CheckFinding> check_consistency(const Config& config) {
  std::vector<CheckFinding> out;
  if (!config.default_partition())
    out.push_back({false, "no default partition: jobs submitted without -p are refused"});
  std::set<std::string> in_partition;
  for (const PartitionConfig& p : config.partitions) {
    in_partition.insert(p.nodes.begin(), p.nodes.end());
    if (p.max_time_min != 0 && p.default_time_min > p.max_time_min)
      out.push_back({true, "partition " + p.name + ": default_time (" + std::to_string(p.default_time_min) +
                               " min) exceeds max_time (" + std::to_string(p.max_time_min) + " min)"});
    if (p.state != "up")
      out.push_back({false, "partition " + p.name + " is configured " + p.state + ": it starts no jobs"});
  }
  for (const NodeConfig& n : config.nodes)
    if (!in_partition.count(n.name)) out.push_back({false, "node " + n.name + " is in no partition: it runs no jobs"});
  if (config.heartbeat_s >= config.node_timeout_s)
    out.push_back({true, "heartbeat_s (" + std::to_string(config.heartbeat_s) + ") must be below node_timeout (" +
                             std::to_string(config.node_timeout_s) + "), or every node is marked DOWN"});
  return out;
}

const std::string& node_host(const NodeConfig& node) { return node.address.empty() ? node.name : node.address; }

std::vector<CheckFinding> check_registered_node(const NodeConfig& config, const pb::NodeInfo& node,
                                                uint32_t max_clock_skew_s, bool config_overrides) {
  std::vector<CheckFinding> out;
  const bool short_is_problem = !config_overrides;
  const std::string overridden = config_overrides ? " (config_overrides: the configured size is used)" : "";
  const std::string who = "node " + config.name + ": ";
  if (node.state() == "down")
    out.push_back({true, who + "is DOWN" + (node.reason().empty() ? "" : ": " + node.reason())});
  if (node.detected_cpus() == 0 && node.detected_memory_mb() == 0) {
    if (node.state() != "down")
      out.push_back({false, who + "has not registered since the controller started: hardware not compared"});
    return out;
  }
  if (node.detected_cpus() < config.cpus)
    out.push_back({short_is_problem, who + "registered with " + std::to_string(node.detected_cpus()) +
                                         " CPUs, config says " + std::to_string(config.cpus) + overridden});
  else if (node.detected_cpus() > config.cpus)
    out.push_back({false, who + "registered with " + std::to_string(node.detected_cpus()) +
                              " CPUs, config says " + std::to_string(config.cpus) + " (the rest stay unused)"});
  if (node.detected_memory_mb() < config.memory_mb)
    out.push_back({short_is_problem, who + "registered with " + std::to_string(node.detected_memory_mb()) +
                                         " MB of memory, config says " + std::to_string(config.memory_mb) + " MB" +
                                         overridden});
  else if (node.detected_memory_mb() > config.memory_mb)
    out.push_back({false, who + "registered with " + std::to_string(node.detected_memory_mb()) +
                              " MB of memory, config says " + std::to_string(config.memory_mb) +
                              " MB (the rest stay unused)"});
  // Credentials carry the sender's clock: at half the allowed skew there is
  // little margin left before the node's requests are refused.
  int64_t limit_ms = int64_t{max_clock_skew_s} * 1000 / 2;
  if (std::llabs(node.clock_skew_ms()) > limit_ms)
    out.push_back({true, who + "clock skew " + signed_seconds(node.clock_skew_ms()) + " exceeds half of max_clock_skew_s (" +
                             std::to_string(max_clock_skew_s) + " s): fix its clock (NTP)"});
  return out;
}

std::string node_status_line(const pb::NodeInfo& node) {
  if (node.detected_cpus() == 0 && node.detected_memory_mb() == 0) return node.name() + ": not registered";
  std::string line = node.name() + ": clock skew " + signed_seconds(node.clock_skew_ms());
  if (node.cpu_speed() > 0) line += ", CPU speed " + std::to_string(node.cpu_speed());
  return line;
}

}  // namespace drover
