// droverctld under a service manager: the STATUS= summary, reload on SIGHUP
// and the state flush on SIGTERM (main.cc wires the signals).
#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/job_state.h"

namespace drover {

std::string Controller::status_summary() const {
  // From the metrics' counts: a status refresh must not walk the job table.
  size_t running = metrics_->jobs().running_ids().size();
  size_t pending = metrics_->jobs().pending_ids().size();
  size_t responding = 0;
  for (const NodeRuntime& rt : nodes_)
    if (rt.connected && !rt.down) ++responding;
  return "serving, " + std::to_string(jobs_.size()) + " jobs (" + std::to_string(running) + " running, " +
         std::to_string(pending) + " pending), " + std::to_string(nodes_.size()) + " nodes (" +
         std::to_string(responding) + " responding)";
}

std::string Controller::reload(const std::string& by) {
  std::vector<std::string> changes;
  std::string error = reload_config(changes);
  if (!error.empty()) {
    // The old configuration stays in force; a reload never drops jobs.
    spdlog::error("reload refused, still running the previous configuration: {}", error);
    return error;
  }
  spdlog::info("reconfigured from {} by {}", config_.path, by);
  return "";
}

void Controller::flush_state(std::function<void()> done) {
  uint64_t before = store_->groups_committed();
  // The worker runs this after every write queued before it has committed.
  store_->run_on_worker([this, before, done = std::move(done)] {
    asio::post(io_, [this, before, done] {
      spdlog::info("job state flushed ({} commit groups since the stop began)", store_->groups_committed() - before);
      done();
    });
  });
}

}  // namespace drover
