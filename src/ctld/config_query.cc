// scontrol show config and scontrol reconfigure.
#include <grp.h>
#include <pwd.h>

#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/config_report.h"
#include "drover/job_state.h"

namespace drover {

void Controller::handle_config(Request& request) {
  pb::Message reply_msg;
  pb::ConfigReply* out = reply_msg.mutable_config_reply();
  out->set_now(now());
  for (const auto& [key, value] : slurm_config_entries(config_)) {
    pb::ConfigEntry* entry = out->add_entries();
    entry->set_key(key);
    entry->set_value(value);
  }
  reply(request, reply_msg);
}

namespace {

bool occupies_node(const pb::JobRecord& job) {
  return job_state_is_active(job.state()) || (job_state_is_finished(job.state()) && job.kill_sent());
}

}  // namespace

// scontrol reconfigure; SIGHUP goes through reload_config too.
void Controller::handle_reconfigure(Request& request) {
  std::vector<std::string> changes;
  std::string error = reload_config(changes);
  if (!error.empty()) return reply_error(request, error);
  spdlog::info("reconfigured from {} by uid {}", config_.path, request.uid);
  pb::Message reply_msg;
  for (const std::string& change : changes) reply_msg.mutable_reconfigure_reply()->add_changes(change);
  reply_msg.mutable_reconfigure_reply();
  reply(request, reply_msg);
}

// Re-reads the configuration file; running and pending jobs stay. Nodes and
// partitions may come and go: the runtime table is rebuilt by name, so the
// surviving nodes keep their agents, allocations and DOWN/DRAIN state.
// Refused, with nothing changed, while a node to remove still holds a job
// (drain it first) or a partition to remove still has unfinished jobs:
// an admin expects a reload never to kill or strand work.
std::string Controller::reload_config(std::vector<std::string>& changes) {
  Result<Config> loaded = load_config(config_.path, ConfigScope::kFull);
  if (!loaded) {
    spdlog::error("reconfigure: {}", loaded.error());
    return "Unable to read the configuration: " + loaded.error();
  }
  Config next = std::move(*loaded);
  std::set<std::string> next_nodes;
  for (const NodeConfig& n : next.nodes) next_nodes.insert(n.name);
  // Which jobs hold each node that is about to go.
  std::map<std::string, std::vector<uint32_t>> busy_removed;
  JobTable::Scratch scratch;  // packed jobs are read, not unpacked
  for (const auto& [id, slot] : jobs_) {
    const pb::JobRecord& job = jobs_.view(slot, scratch);
    if (occupies_node(job))
      for (const std::string& n : job.nodes())
        if (!next_nodes.count(n)) busy_removed[n].push_back(id);
    if (job_state_is_finished(job.state()) && !job.kill_sent()) continue;
    if (!next.find_partition(job.partition())) {
      std::string error = "Invalid partition name specified: partition " + job.partition() +
                          " cannot be removed while job " + std::to_string(id) +
                          " is in it (cancel the job or move it with scontrol update JobId=" + std::to_string(id) +
                          " Partition=...)";
      spdlog::error("reconfigure refused: {}", error);
      return error;
    }
  }
  for (const NodeConfig& old : config_.nodes) {
    if (next_nodes.count(old.name)) continue;
    const NodeRuntime& rt = nodes_[node_index(old.name)];
    auto busy = busy_removed.find(old.name);
    if (busy == busy_removed.end() && rt.alloc_cpus == 0 && rt.alloc_mem_mb == 0) continue;
    std::string error = "Node " + old.name + " cannot be removed while it runs jobs";
    if (busy != busy_removed.end()) {
      error += " (";
      for (size_t i = 0; i < busy->second.size(); ++i) error += (i ? "," : "") + std::to_string(busy->second[i]);
      error += ")";
    }
    error += ": drain it with scontrol update NodeName=" + old.name +
             " State=DRAIN and reconfigure once it is idle";
    spdlog::error("reconfigure refused: {}", error);
    return error;
  }
  if (next.controller_port != config_.controller_port || next.controller_socket != config_.controller_socket ||
      next.state_dir != config_.state_dir)
    spdlog::warn("reconfigure: controller port, socket and state_dir changes take effect at the next restart");
  next.controller_port = config_.controller_port;
  next.controller_socket = config_.controller_socket;
  next.state_dir = config_.state_dir;

  // Rebuild the node table by name: survivors keep their runtime state.
  std::vector<NodeRuntime> runtime(next.nodes.size());
  std::unordered_map<std::string, size_t> by_name;
  for (size_t i = 0; i < next.nodes.size(); ++i) {
    const std::string& name = next.nodes[i].name;
    by_name[name] = i;
    if (size_t old = node_index(name); old != SIZE_MAX) {
      runtime[i] = std::move(nodes_[old]);
    } else {
      changes.push_back("node " + name + " added");
      spdlog::info("reconfigure: node {} added; its agent may now register", name);
    }
  }
  for (const NodeConfig& old : config_.nodes) {
    if (next_nodes.count(old.name)) continue;
    changes.push_back("node " + old.name + " removed");
    spdlog::info("reconfigure: node {} removed", old.name);
    NodeRuntime& rt = nodes_[node_index(old.name)];
    // Its agent is told no more: the connection closes, and the agent's
    // next hello is refused as a node not in the configuration.
    if (rt.session && rt.session->conn) {
      rt.session->node.clear();
      rt.session->conn->close(true);
    }
  }
  for (const PartitionConfig& p : next.partitions)
    if (!config_.find_partition(p.name)) {
      changes.push_back("partition " + p.name + " added");
      spdlog::info("reconfigure: partition {} added", p.name);
    }
  for (const PartitionConfig& p : config_.partitions)
    if (!next.find_partition(p.name)) {
      changes.push_back("partition " + p.name + " removed");
      spdlog::info("reconfigure: partition {} removed", p.name);
    }
  nodes_ = std::move(runtime);
  node_by_name_ = std::move(by_name);
  // Spools written under another directory, or not at all, are not there.
  if (next.spool_dir != config_.spool_dir || next.spool_shared != config_.spool_shared) spooled_.clear();
  config_ = std::move(next);
  admin_uids_.clear();
  admin_gids_.clear();
  admin_uids_.insert(config_.admin_uids.begin(), config_.admin_uids.end());
  for (const std::string& name : config_.admin_users)
    if (struct passwd* pw = getpwnam(name.c_str())) admin_uids_.insert(pw->pw_uid);
  for (const std::string& name : config_.admin_groups)
    if (struct group* gr = getgrnam(name.c_str())) admin_gids_.insert(gr->gr_gid);
  // MinJobAge sets the purge interval: start over with the new one.
  purge_timer_.cancel();
  purge_old_jobs();
  request_schedule();
  return "";
}

}  // namespace drover
