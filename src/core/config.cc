#include "drover/config.h"

#include <arpa/inet.h>
#include <sys/un.h>

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <set>
#include <stdexcept>

#include "drover/file_util.h"
#include "drover/hostlist.h"
#include "drover/time_format.h"
#include "drover/yaml_entries.h"

namespace drover {
namespace {

// A validation failure at a known key; caught once in load_config and
// turned into a message with the file name and line.
struct ConfigError : std::runtime_error {
  ConfigError(const YAML::Node& node, const std::string& key, const std::string& what)
      : std::runtime_error(key + ": " + what), line(node.Mark().line) {}
  int line;
};

template <class T>
T get_scalar(const YAML::Node& map, const std::string& key, const std::string& path, T fallback,
             const char* expected) {
  YAML::Node value = map[key];
  if (!value) return fallback;
  try {
    return value.as<T>();
  } catch (const YAML::Exception&) {
    throw ConfigError(value, path, expected);
  }
}

uint32_t positive(const YAML::Node& map, const std::string& key, const std::string& path,
                  uint32_t fallback) {
  int64_t v = get_scalar<int64_t>(map, key, path, fallback, "expected a positive integer");
  if (v <= 0 || v > 0xFFFFFFFFLL) throw ConfigError(map[key], path, "expected a positive integer");
  return static_cast<uint32_t>(v);
}

uint32_t minutes(const YAML::Node& map, const std::string& key, const std::string& path) {
  std::string text = get_scalar<std::string>(map, key, path, "", "expected a time limit");
  if (text.empty()) return 0;
  Result<uint32_t> parsed = parse_time_limit(text);
  if (!parsed) throw ConfigError(map[key], path, "invalid time limit '" + text + "'");
  return *parsed == kInfiniteMinutes ? 0 : *parsed;
}

// `prefer: fastest | weight`: how otherwise-equal nodes are ordered.
bool prefer(const YAML::Node& map, const std::string& path, bool fallback) {
  std::string key = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  std::string text = get_scalar<std::string>(map, key, path, "", "expected fastest or weight");
  if (text.empty()) return fallback;
  if (text != "fastest" && text != "weight") throw ConfigError(map[key], path, "expected fastest or weight");
  return text == "fastest";
}

std::vector<std::string> expand_names(const YAML::Node& node, const std::string& path) {
  std::string text = node.as<std::string>();
  Result<std::vector<std::string>> names = hostlist::expand(text);
  if (!names) throw ConfigError(node, path, names.error());
  return *names;
}

// cgroups: read by agents, so in the part every daemon loads.
void load_cgroup_keys(const YAML::Node& root, Config& config) {
  std::string mode = get_scalar<std::string>(root, "cgroups", "cgroups", "auto", "expected auto or off");
  if (mode != "auto" && mode != "off") throw ConfigError(root["cgroups"], "cgroups", "expected auto or off");
  config.cgroups_enabled = mode == "auto";
  config.cgroup_mount = get_scalar<std::string>(root, "cgroup_mount", "cgroup_mount", "", "expected a path");
  if (!config.cgroup_mount.empty() && config.cgroup_mount[0] != '/')
    throw ConfigError(root["cgroup_mount"], "cgroup_mount", "expected an absolute path");
}

void load_controller_and_auth(const YAML::Node& root, Config& config) {
  config.cluster = get_scalar<std::string>(root, "cluster", "cluster", config.cluster, "expected a name");
  if (YAML::Node c = root["controller"]) {
    if (!c.IsMap()) throw ConfigError(c, "controller", "expected a map {host, port, socket}");
    config.controller_host =
        get_scalar<std::string>(c, "host", "controller.host", config.controller_host, "expected a host name");
    uint32_t port = positive(c, "port", "controller.port", config.controller_port);
    if (port > 65535) throw ConfigError(c["port"], "controller.port", "expected a port number (1-65535)");
    config.controller_port = static_cast<uint16_t>(port);
    config.controller_socket =
        get_scalar<std::string>(c, "socket", "controller.socket", config.controller_socket, "expected a path");
    if (!config.controller_socket.empty() && config.controller_socket[0] != '/')
      throw ConfigError(c["socket"], "controller.socket", "expected an absolute path");
    if (config.controller_socket.size() >= sizeof(sockaddr_un::sun_path))
      throw ConfigError(c["socket"], "controller.socket",
                        "too long for a Unix socket (at most " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                            " characters)");
  }
  if (YAML::Node a = root["auth"]) {
    if (!a.IsMap()) throw ConfigError(a, "auth", "expected a map {key_file, ttl_s, max_clock_skew_s}");
    config.key_file = get_scalar<std::string>(a, "key_file", "auth.key_file", config.key_file, "expected a path");
    config.ttl_s = positive(a, "ttl_s", "auth.ttl_s", config.ttl_s);
    config.max_clock_skew_s = positive(a, "max_clock_skew_s", "auth.max_clock_skew_s", config.max_clock_skew_s);
    config.auth_socket = get_scalar<std::string>(a, "socket", "auth.socket", config.auth_socket, "expected a path");
  }
}

void load_nodes(const YAML::Node& root, Config& config) {
  YAML::Node nodes = root["nodes"];
  if (!nodes) throw ConfigError(root, "nodes", "missing: the controller needs at least one node");
  if (!nodes.IsSequence()) throw ConfigError(nodes, "nodes", "expected a list");
  std::set<std::string> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const YAML::Node& n = nodes[i];
    std::string path = "nodes[" + std::to_string(i) + "]";
    if (!n.IsMap() || !n["names"]) throw ConfigError(n, path + ".names", "missing");
    NodeConfig proto;
    proto.cpus = positive(n, "cpus", path + ".cpus", 1);
    proto.memory_mb = get_scalar<uint64_t>(n, "memory_mb", path + ".memory_mb", 1, "expected a size in MB");
    proto.weight = get_scalar<uint32_t>(n, "weight", path + ".weight", 1, "expected a non-negative integer");
    if (YAML::Node f = n["features"]) {
      if (!f.IsSequence()) throw ConfigError(f, path + ".features", "expected a list");
      for (const auto& feature : f) proto.features.push_back(feature.as<std::string>());
    }
    proto.address = get_scalar<std::string>(n, "address", path + ".address", "", "expected a host name or address");
    for (std::string& name : expand_names(n["names"], path + ".names")) {
      if (!seen.insert(name).second) throw ConfigError(n["names"], path + ".names", "node " + name + " defined twice");
      NodeConfig node = proto;
      node.name = std::move(name);
      config.nodes.push_back(std::move(node));
    }
  }
}

void load_partitions(const YAML::Node& root, Config& config) {
  YAML::Node parts = root["partitions"];
  if (!parts) throw ConfigError(root, "partitions", "missing: the controller needs at least one partition");
  if (!parts.IsSequence()) throw ConfigError(parts, "partitions", "expected a list");
  bool cluster_prefers_fastest = prefer(root, "prefer", false);
  std::set<std::string> known;  // thousands of nodes: no linear search per name
  for (const NodeConfig& n : config.nodes) known.insert(n.name);
  for (size_t i = 0; i < parts.size(); ++i) {
    const YAML::Node& p = parts[i];
    std::string path = "partitions[" + std::to_string(i) + "]";
    PartitionConfig part;
    part.name = get_scalar<std::string>(p, "name", path + ".name", "", "expected a name");
    if (part.name.empty()) throw ConfigError(p, path + ".name", "missing");
    if (config.find_partition(part.name)) throw ConfigError(p, path + ".name", "partition " + part.name + " defined twice");
    if (!p["nodes"]) throw ConfigError(p, path + ".nodes", "missing");
    if (p["nodes"].as<std::string>() == "ALL") {
      for (const auto& n : config.nodes) part.nodes.push_back(n.name);
    } else {
      part.nodes = expand_names(p["nodes"], path + ".nodes");
    }
    for (const std::string& n : part.nodes)
      if (!known.count(n)) throw ConfigError(p["nodes"], path + ".nodes", "unknown node " + n);
    part.is_default = get_scalar<bool>(p, "default", path + ".default", false, "expected true or false");
    part.max_time_min = minutes(p, "max_time", path + ".max_time");
    part.default_time_min = minutes(p, "default_time", path + ".default_time");
    part.state = get_scalar<std::string>(p, "state", path + ".state", "up", "expected up, down, drain or inactive");
    if (part.state != "up" && part.state != "down" && part.state != "drain" && part.state != "inactive")
      throw ConfigError(p["state"], path + ".state", "expected up, down, drain or inactive");
    part.prefer_fastest = prefer(p, path + ".prefer", cluster_prefers_fastest);
    part.priority = get_scalar<uint32_t>(p, "priority", path + ".priority", 1, "expected an integer from 1 to 65533");
    if (part.priority < 1 || part.priority > 65533)
      throw ConfigError(p["priority"], path + ".priority", "expected an integer from 1 to 65533");
    part.max_nodes = get_scalar<uint32_t>(p, "max_nodes", path + ".max_nodes", 0, "expected a non-negative integer");
    if (part.is_default && config.default_partition())
      throw ConfigError(p, path + ".default", "a second default partition");
    config.partitions.push_back(std::move(part));
  }
}

// metrics: {port: 9817, address: 0.0.0.0} (issue 5 item 6: metrics and status page).
void load_metrics(const YAML::Node& root, Config& config) {
  YAML::Node m = root["metrics"];
  if (!m) return;
  if (!m.IsMap()) throw ConfigError(m, "metrics", "expected a map {port, address}");
  uint32_t port = get_scalar<uint32_t>(m, "port", "metrics.port", 0, "expected a port number (0: off)");
  if (port > 65535) throw ConfigError(m["port"], "metrics.port", "expected a port number (0: off)");
  config.metrics_port = static_cast<uint16_t>(port);
  config.metrics_address =
      get_scalar<std::string>(m, "address", "metrics.address", config.metrics_address, "expected an IP address");
  in6_addr probe{};
  if (inet_pton(AF_INET, config.metrics_address.c_str(), &probe) != 1 &&
      inet_pton(AF_INET6, config.metrics_address.c_str(), &probe) != 1)
    throw ConfigError(m["address"], "metrics.address", "expected an IP address, such as 0.0.0.0 or 127.0.0.1");
}

void load_full(const YAML::Node& root, Config& config) {
  config.state_dir = get_scalar<std::string>(root, "state_dir", "state_dir", config.state_dir, "expected a path");
  config.spool_dir = get_scalar<std::string>(root, "spool_dir", "spool_dir", config.spool_dir, "expected a path");
  config.spool_shared = get_scalar<bool>(root, "spool_shared", "spool_shared", true, "expected true or false");
  config.heartbeat_s = positive(root, "heartbeat_s", "heartbeat_s", config.heartbeat_s);
  config.node_timeout_s = positive(root, "node_timeout", "node_timeout", config.node_timeout_s);
  config.kill_wait_s = positive(root, "kill_wait", "kill_wait", config.kill_wait_s);
  config.inactive_limit_s = positive(root, "inactive_limit", "inactive_limit", config.inactive_limit_s);
  config.max_array_size = positive(root, "max_array_size", "max_array_size", config.max_array_size);
  config.min_job_age_s = get_scalar<uint32_t>(root, "min_job_age_s", "min_job_age_s", config.min_job_age_s,
                                              "expected a number of seconds (0: never purge)");
  config.accounting_retention_days =
      get_scalar<uint32_t>(root, "accounting_retention_days", "accounting_retention_days",
                           config.accounting_retention_days, "expected a number of days (0: keep forever)");
  config.max_connections = positive(root, "max_connections", "max_connections", config.max_connections);
  config.client_idle_timeout_s =
      positive(root, "client_idle_timeout_s", "client_idle_timeout_s", config.client_idle_timeout_s);
  config.frame_timeout_s = positive(root, "frame_timeout_s", "frame_timeout_s", config.frame_timeout_s);
  config.return_to_service = get_scalar<uint32_t>(root, "return_to_service", "return_to_service",
                                                  config.return_to_service, "expected 0, 1 or 2");
  if (config.return_to_service > 2) throw ConfigError(root["return_to_service"], "return_to_service", "expected 0, 1 or 2");
  config.job_hostname_is_node =
      get_scalar<bool>(root, "job_hostname_is_node", "job_hostname_is_node", false, "expected true or false");
  config.kill_invalid_depend =
      get_scalar<bool>(root, "kill_invalid_depend", "kill_invalid_depend", false, "expected true or false");
  if (YAML::Node admins = root["admin_uids"]) {
    if (!admins.IsSequence()) throw ConfigError(admins, "admin_uids", "expected a list of uids");
    for (const auto& a : admins) config.admin_uids.push_back(a.as<uint32_t>());
  }
  for (auto [key, list] : {std::pair{"admin_users", &config.admin_users}, std::pair{"admin_groups", &config.admin_groups}}) {
    YAML::Node names = root[key];
    if (!names) continue;
    if (!names.IsSequence()) throw ConfigError(names, key, "expected a list of names");
    for (const auto& n : names) list->push_back(n.as<std::string>());
  }
  config.config_overrides =
      get_scalar<bool>(root, "config_overrides", "config_overrides", false, "expected true or false");
  load_metrics(root, config);
  load_nodes(root, config);
  load_partitions(root, config);
}

}  // namespace

const NodeConfig* Config::find_node(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const PartitionConfig* Config::find_partition(const std::string& name) const {
  for (const auto& p : partitions)
    if (p.name == name) return &p;
  return nullptr;
}

const PartitionConfig* Config::default_partition() const {
  for (const auto& p : partitions)
    if (p.is_default) return &p;
  return nullptr;
}

std::string config_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("DROVER_CONF"); env && *env) return env;
  return "/etc/drover/drover.yaml";
}

namespace {

// A command's entries alone (yaml_entries.h), when the file's layout lets
// them be picked out and they parse as a map; else the whole document, so
// that errors are always those of the whole file.
YAML::Node command_root(const std::string& text) {
  if (std::optional<std::string> picked = top_level_entries(text, {"cluster", "controller", "auth"})) {
    try {
      YAML::Node root = YAML::Load(*picked);
      if (root.IsMap()) return root;
    } catch (const YAML::Exception&) {
    }
  }
  return YAML::Load(text);
}

}  // namespace

Result<Config> load_config(const std::string& path, ConfigScope scope) {
  Config config;
  config.path = path;
  try {
    Result<std::string> text = read_file(path);
    if (!text) throw YAML::BadFile(path);
    YAML::Node root = scope == ConfigScope::kCommand ? command_root(*text) : YAML::Load(*text);
    if (!root.IsMap()) return Result<Config>::fail(path + ": expected a YAML map at the top level");
    load_controller_and_auth(root, config);
    if (scope != ConfigScope::kCommand) load_cgroup_keys(root, config);
    if (scope == ConfigScope::kFull) load_full(root, config);
  } catch (const ConfigError& e) {
    return Result<Config>::fail(path + ": line " + std::to_string(e.line + 1) + ": " + e.what());
  } catch (const YAML::BadFile&) {
    return Result<Config>::fail(path + ": cannot read the configuration file");
  } catch (const YAML::Exception& e) {
    return Result<Config>::fail(path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return Result<Config>::ok(std::move(config));
}

}  // namespace drover
