// The agents' side of the controller: registration, heartbeats, job
// completions, and nodes that go silent.
#include <spdlog/spdlog.h>

#include <chrono>

#include "controller.h"
#include "drover/clock.h"
#include "drover/envelope.h"
#include "drover/job_state.h"

namespace drover {
void Controller::handle_hello(Request& request) {
  const pb::AgentHello& hello = request.message.hello();
  pb::Message reply_msg;
  pb::HelloReply* out = reply_msg.mutable_hello_reply();
  size_t index = node_index(hello.node_name());
  if (index == SIZE_MAX) {
    spdlog::warn("refused agent at {}: node name '{}' is not in the configuration", request.session->conn->peer(),
                 hello.node_name());
    out->set_reason("node name '" + hello.node_name() + "' is not in the controller's configuration");
    reply(request, reply_msg);
    request.session->conn->close();
    return;
  }
  if (hello.protocol() != kProtocolVersion) {
    out->set_reason("incompatible protocol version " + std::to_string(hello.protocol()) + " (controller speaks " +
                    std::to_string(kProtocolVersion) + ")");
    nodes_[index].down = true;
    nodes_[index].reason = "Incompatible version " + hello.software_version();
    reply(request, reply_msg);
    request.session->conn->close();
    return;
  }
  NodeRuntime& rt = nodes_[index];
  if (rt.session && rt.session != request.session && rt.session->conn) {
    spdlog::info("node {}: a new connection replaces the old one", hello.node_name());
    rt.session->node.clear();
    rt.session->conn->close(true);
  }
  rt.registered = true;
  rt.connected = true;
  rt.last_seen_s = now();
  rt.clock_skew_ms = hello.clock_ms() - wall_ms();
  rt.hello = hello;
  rt.session = request.session;
  if (rt.down && rt.reason == "Not responding") {
    rt.down = false;
    rt.reason.clear();
  }
  request.session->node = hello.node_name();
  spdlog::info("node {} registered from {} ({} CPUs, {} MB, {}, version {}, clock skew {} ms, {} running jobs)",
               hello.node_name(), request.session->conn->peer(), hello.cpus(), hello.memory_mb(), hello.arch(),
               hello.software_version(), rt.clock_skew_ms, hello.running_jobs_size());
  out->set_accepted(true);
  out->set_cluster(config_.cluster);
  out->set_spool_dir(config_.spool_dir);
  out->set_spool_shared(config_.spool_shared);
  out->set_heartbeat_s(config_.heartbeat_s);
  out->set_kill_wait_s(config_.kill_wait_s);
  reply(request, reply_msg);
  std::set<uint32_t> waiting = std::move(rt.awaiting_launch);
  rt.awaiting_launch.clear();
  for (uint32_t id : waiting)
    if (const pb::JobRecord* job = find_job(id); job && job->state() == pb::JOB_RUNNING) launch(*job);
  request_schedule();
}

void Controller::handle_heartbeat(Request& request) {
  size_t index = node_index(request.session->node);
  if (index == SIZE_MAX) return;
  nodes_[index].last_seen_s = now();
  nodes_[index].clock_skew_ms = request.message.heartbeat().clock_ms() - wall_ms();
}

void Controller::handle_started(Request& request) {
  spdlog::info("job {} is running on {}", request.message.started().job_id(), request.session->node);
}

void Controller::handle_finished(Request& request) {
  const pb::JobFinished& done = request.message.finished();
  auto ack = [this, session = request.session, id = done.job_id()] {
    pb::Message message;
    message.mutable_finished_ack()->set_job_id(id);
    send(*session, message);
  };
  pb::JobRecord* job = find_job(done.job_id());
  if (job && (job->nodes().empty() || job->nodes(0) != request.session->node)) {
    spdlog::warn("node {} reported job {}, which runs on {}; ignored", request.session->node, done.job_id(),
                 job->nodes().empty() ? "no node" : job->nodes(0));
    return;
  }
  bool live = job && (job->state() == pb::JOB_RUNNING || job->kill_sent());
  if (!live) {
    ack();  // a duplicate report, or a job this controller no longer tracks
    return;
  }
  if (job->state() == pb::JOB_RUNNING) {
    bool ok = done.error().empty() && done.exit_status() == 0 && done.term_signal() == 0;
    job->set_state(ok ? pb::JOB_COMPLETED : pb::JOB_FAILED);
    if (!done.error().empty()) job->set_reason("JobLaunchFailure");
    else if (done.term_signal() != 0) job->set_reason("JobLaunchFailure");
    else job->set_reason(ok ? "None" : "NonZeroExitCode");
    job->set_end_time(done.end_time() ? done.end_time() : now());
  }
  job->set_exit_status(done.exit_status());
  job->set_term_signal(done.term_signal());
  job->set_kill_sent(false);
  release_resources(*job);
  if (!done.error().empty()) spdlog::warn("job {} failed to launch on {}: {}", job->job_id(), request.session->node, done.error());
  spdlog::info("job {} ended on {}: {} exit {}:{}", job->job_id(), request.session->node,
               job_state_long(job->state()), done.exit_status(), done.term_signal());
  // The agent forgets the report only once the new state is durable.
  persist({*job}, [ack](Status s) {
    if (s) ack();
  });
  request_schedule();
}

void Controller::on_agent_closed(const std::string& node, const std::string& why) {
  size_t index = node_index(node);
  if (index == SIZE_MAX) return;
  NodeRuntime& rt = nodes_[index];
  rt.connected = false;
  rt.session.reset();
  spdlog::warn("node {}: agent connection lost ({})", node, why);
}

// Nodes silent for node_timeout go DOWN.
void Controller::check_nodes() {
  int64_t t = now();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    NodeRuntime& rt = nodes_[i];
    if (!rt.registered || rt.down) continue;
    if (t - rt.last_seen_s <= static_cast<int64_t>(config_.node_timeout_s)) continue;
    rt.down = true;
    rt.reason = "Not responding";
    spdlog::error("node {} is DOWN: no word from its agent for {} s", config_.nodes[i].name, t - rt.last_seen_s);
    if (rt.session && rt.session->conn) rt.session->conn->close(true);
  }
  node_timer_.expires_after(std::chrono::seconds(1));
  node_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) check_nodes();
  });
}

}  // namespace drover
