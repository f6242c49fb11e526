// scontrol update NodeName=... State=DRAIN|DOWN|RESUME|UNDRAIN Reason=...
#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/hostlist.h"

namespace drover {

void Controller::handle_node_update(Request& request) {
  const pb::NodeUpdateRequest& update = request.message.node_update();
  std::string state;
  for (char c : update.state()) state.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (state != "DRAIN" && state != "DOWN" && state != "RESUME" && state != "UNDRAIN")
    return reply_error(request, "Invalid node state specified");
  if ((state == "DRAIN" || state == "DOWN") && update.reason().empty())
    return reply_error(request, "You must specify a reason when DOWNING or DRAINING a node. Request denied");
  Result<std::vector<std::string>> names = hostlist::expand(update.nodes());
  if (!names) return reply_error(request, "Invalid node name specified");
  std::vector<size_t> targets;
  for (const std::string& name : *names) {
    size_t index = node_index(name);
    if (index == SIZE_MAX) return reply_error(request, "Invalid node name specified");
    targets.push_back(index);
  }
  // Answered once the new states are committed, like a submission: a
  // controller killed right after the answer keeps them. The store commits
  // writes in order, so the last node's commit covers the others.
  auto answer = [this, request](Status s) mutable {
    if (!s) return reply_error(request, "Unable to save the node state: " + s.error());
    pb::Message reply_msg;
    reply_msg.mutable_node_update_reply();
    reply(request, reply_msg);
  };
  for (size_t i = 0; i < targets.size(); ++i) {
    size_t index = targets[i];
    NodeRuntime& rt = nodes_[index];
    const std::string& name = config_.nodes[index].name;
    if (state == "DRAIN") {
      rt.drain = true;
      rt.reason = update.reason();
    } else if (state == "DOWN") {
      mark_node_down(index, update.reason());
    } else if (state == "UNDRAIN") {
      rt.drain = false;
      if (!rt.down) rt.reason.clear();
    } else {  // RESUME
      rt.drain = false;
      rt.down = false;
      rt.reason.clear();
    }
    persist_node(index, i + 1 == targets.size() ? std::function<void(Status)>(answer) : nullptr);
    spdlog::info("node {}: State={} by uid {}{}", name, state, request.uid,
                 update.reason().empty() ? "" : " Reason=" + update.reason());
  }
  request_schedule();
}

}  // namespace drover
