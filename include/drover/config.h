// The cluster configuration: one YAML file (DESIGN.md "Configuration").
// Loaded once at start-up; the controller reads all of it, agents and CLIs
// only the controller and auth keys. Immutable after load.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drover/result.h"

namespace drover {

struct NodeConfig {
  std::string name;
  uint32_t cpus = 1;
  uint64_t memory_mb = 1;
  uint32_t weight = 1;
  std::vector<std::string> features;
  // check-config resolves this instead of the name (e.g. 127.0.0.1 for
  // drover up's loopback nodes, or a node known by IP only). Empty: the name.
  std::string address;
};

struct PartitionConfig {
  std::string name;
  std::vector<std::string> nodes;   // config order
  bool is_default = false;
  uint32_t max_time_min = 0;        // 0: infinite
  uint32_t default_time_min = 0;    // 0: max_time
  std::string state = "up";         // up, down, drain, inactive
  // `prefer: fastest`: among nodes of equal weight, measured CPU speed
  // first. From the partition's own `prefer:`, else the cluster's.
  bool prefer_fastest = false;
  // Scheduling (issue 6): Slurm's PriorityTier and PriorityJobFactor in
  // one key (a higher tier is considered first), and MaxNodes.
  uint32_t priority = 1;
  uint32_t max_nodes = 0;           // 0: unlimited
};

struct Config {
  std::string path;
  std::string cluster = "drover";
  std::string controller_host = "localhost";
  uint16_t controller_port = 6817;
  // The controller also listens on this Unix socket, and commands on its
  // host use it instead of TCP (cheaper for both ends); empty: TCP only.
  std::string controller_socket;
  std::string key_file = "/etc/drover/drover.key";
  uint32_t ttl_s = 300;
  uint32_t max_clock_skew_s = 60;
  std::string auth_socket = "/run/drover/drover.sock";  // local credential service
  std::string state_dir = "/var/lib/drover";
  std::string spool_dir = "/var/spool/drover";
  bool spool_shared = true;
  uint32_t heartbeat_s = 10;
  uint32_t node_timeout_s = 60;
  uint32_t kill_wait_s = 30;
  // An allocation held by srun or salloc is released when its holder has
  // not been heard from for this long (Slurm's InactiveLimit, which there
  // defaults to off: here a killed srun must not hold nodes forever).
  uint32_t inactive_limit_s = 60;
  uint32_t max_array_size = 1000001;
  // Finished jobs stay in the controller's memory (squeue, scontrol) this
  // long after they end, as Slurm's MinJobAge; 0 keeps them forever. sacct
  // still finds them afterwards, in the job store.
  uint32_t min_job_age_s = 300;
  // Finished jobs are purged from the job store (sacct) this many days
  // after they end; 0 keeps them forever.
  uint32_t accounting_retention_days = 0;
  // When a DOWN node that registers again returns to service (Slurm's
  // ReturnToService): 0 never by itself, 1 if it was down for not
  // responding, 2 always. Drover defaults to 1.
  uint32_t return_to_service = 1;
  uint32_t max_frame_bytes = 16u << 20;
  uint32_t max_connections = 4096;    // client connections at once; agents not counted
  uint32_t client_idle_timeout_s = 30;
  uint32_t frame_timeout_s = 10;
  // Who may act on other users' jobs, besides root and the daemon's user:
  // uids, user names, and members of groups (by name).
  std::vector<uint32_t> admin_uids;
  std::vector<std::string> admin_users;
  std::vector<std::string> admin_groups;
  // One-machine test clusters: each job sees its node's name as hostname.
  bool job_hostname_is_node = false;
  // Slurm's DependencyParameters=kill_invalid_depend: cancel a job whose
  // dependency can never be satisfied instead of leaving it pending.
  bool kill_invalid_depend = false;
  // Check-config and reconfigure (issue 5): Slurm's SlurmdParameters=
  // config_overrides. The configured node sizes are used as they are, even
  // where an agent detects less (drover up's nodes all share one machine),
  // so check-config reports a shortfall as a note, not a problem.
  bool config_overrides = false;
  // Metrics and status page (issue 5 item 6): the controller serves
  // /metrics and / over HTTP on this address and port; port 0: off.
  uint16_t metrics_port = 0;
  std::string metrics_address = "0.0.0.0";
  std::vector<NodeConfig> nodes;
  std::vector<PartitionConfig> partitions;
  // cgroups (agents): `cgroups: auto` puts each job in a cgroup v2 of its
  // own where the agent may, `off` tracks jobs by process group only;
  // `cgroup_mount` overrides where the cgroup2 filesystem is found.
  bool cgroups_enabled = true;
  std::string cgroup_mount;

  const NodeConfig* find_node(const std::string& name) const;
  const PartitionConfig* find_partition(const std::string& name) const;
  const PartitionConfig* default_partition() const;
};

// kClient: what agents read (controller, auth, cgroups); kFull: the
// controller's whole file; kCommand: what a user command reads (cluster,
// controller, auth) — only those entries are parsed (yaml_entries.h), so
// mistakes elsewhere in the file are the controller's and check-config's
// to report, not every command's.
enum class ConfigScope { kClient, kFull, kCommand };

// The file to read: --config flag, else $DROVER_CONF, else /etc/drover/drover.yaml.
std::string config_path(const std::string& flag_value);

// Loads and validates. Errors name the file, the key and the line where known:
// "drover.yaml: line 7: nodes[0].cpus: expected a positive integer".
Result<Config> load_config(const std::string& path, ConfigScope scope);

}  // namespace drover
