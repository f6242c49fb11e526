// scontrol show config and scontrol reconfigure.
#include <grp.h>
#include <pwd.h>

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

// Re-reads the configuration file; running and pending jobs stay. The node
// table is indexed by position, so a change to the set of nodes needs a
// restart, as do the listening address and the state directory.
void Controller::handle_reconfigure(Request& request) {
  std::string detail;
  std::string error = apply_config("uid " + std::to_string(request.uid), detail);
  if (!error.empty()) return reply_error(request, error, detail);
  pb::Message reply_msg;
  reply_msg.mutable_reconfigure_reply();
  reply(request, reply_msg);
}

// Shared by `scontrol reconfigure` and SIGHUP (systemctl reload).
std::string Controller::apply_config(const std::string& by, std::string& detail) {
  Result<Config> loaded = load_config(config_.path, ConfigScope::kFull);
  if (!loaded) {
    spdlog::error("reconfigure: {}", loaded.error());
    detail = loaded.error();
    return "Unable to read the configuration";
  }
  Config next = std::move(*loaded);
  bool same_nodes = next.nodes.size() == config_.nodes.size();
  for (size_t i = 0; same_nodes && i < next.nodes.size(); ++i) same_nodes = next.nodes[i].name == config_.nodes[i].name;
  if (!same_nodes) {
    detail = "the list of nodes changed; restart droverctld to apply it";
    return "Requested operation not supported on this system";
  }
  for (const auto& [id, job] : jobs_) {
    if (job_state_is_finished(job.state()) && !job.kill_sent()) continue;
    if (!next.find_partition(job.partition())) {
      detail = "partition " + job.partition() + " still has job " + std::to_string(id);
      return "Invalid partition name specified";
    }
  }
  if (next.controller_port != config_.controller_port || next.state_dir != config_.state_dir)
    spdlog::warn("reconfigure: controller port and state_dir changes take effect at the next restart");
  next.controller_port = config_.controller_port;
  next.state_dir = config_.state_dir;
  config_ = std::move(next);
  admin_uids_.clear();
  admin_gids_.clear();
  admin_uids_.insert(config_.admin_uids.begin(), config_.admin_uids.end());
  for (const std::string& name : config_.admin_users)
    if (struct passwd* pw = getpwnam(name.c_str())) admin_uids_.insert(pw->pw_uid);
  for (const std::string& name : config_.admin_groups)
    if (struct group* gr = getgrnam(name.c_str())) admin_gids_.insert(gr->gr_gid);
  spdlog::info("reconfigured from {} by {}", config_.path, by);
  // MinJobAge sets the purge interval: start over with the new one.
  purge_timer_.cancel();
  purge_old_jobs();
  request_schedule();
  return "";
}

}  // namespace drover
