// The agents' side of the controller: registration and reconciliation,
// heartbeats, job completions, and nodes that go silent.
#include <spdlog/spdlog.h>

#include <set>

#include "controller.h"
#include "drover/clock.h"
#include "drover/envelope.h"
#include "drover/job_state.h"

namespace drover {
namespace {

using JobRefKey = std::pair<uint32_t, uint32_t>;  // job id, restarts

std::set<JobRefKey> ref_set(const google::protobuf::RepeatedPtrField<pb::JobRef>& refs) {
  std::set<JobRefKey> out;
  for (const pb::JobRef& r : refs) out.emplace(r.job_id(), r.restarts());
  return out;
}

bool occupies_node(const pb::JobRecord& job) {
  return job_state_is_active(job.state()) || (job_state_is_finished(job.state()) && job.kill_sent());
}

}  // namespace

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
  NodeRuntime& rt = nodes_[index];
  if (hello.protocol() != kProtocolVersion) {
    out->set_reason("incompatible protocol version " + std::to_string(hello.protocol()) + " (controller speaks " +
                    std::to_string(kProtocolVersion) + ")");
    mark_node_down(index, "Incompatible version " + hello.software_version());
    reply(request, reply_msg);
    request.session->conn->close();
    return;
  }
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
  if (rt.down) {
    bool back = config_.return_to_service == 2 ||
                (config_.return_to_service == 1 && (rt.reason == "Not responding" || rt.reason.rfind("Clock skew", 0) == 0));
    if (back) {
      spdlog::info("node {} returns to service (was DOWN: {})", hello.node_name(), rt.reason);
      rt.down = false;
      rt.reason.clear();
      persist_node(index);
    } else {
      spdlog::warn("node {} registered but stays DOWN ({}); return_to_service is {}", hello.node_name(), rt.reason,
                   config_.return_to_service);
    }
  }
  request.session->node = hello.node_name();
  if (request.session->in_clients != clients_.end()) {  // an agent is not a client
    clients_.erase(request.session->in_clients);
    request.session->in_clients = clients_.end();
  }
  // Agents stay connected while idle; node_timeout watches their heartbeats.
  request.session->conn->set_timeouts(std::chrono::seconds(0), std::chrono::seconds(config_.frame_timeout_s));
  spdlog::info("node {} registered from {} ({} CPUs, {} MB, {}, version {}, clock skew {} ms, CPU speed {}, "
               "{} running jobs)",
               hello.node_name(), request.session->conn->peer(), hello.cpus(), hello.memory_mb(), hello.arch(),
               hello.software_version(), rt.clock_skew_ms, hello.cpu_speed(), hello.running_size());
  out->set_accepted(true);
  out->set_cluster(config_.cluster);
  out->set_spool_dir(config_.spool_dir);
  out->set_spool_shared(config_.spool_shared);
  out->set_heartbeat_s(config_.heartbeat_s);
  out->set_kill_wait_s(config_.kill_wait_s);
  reply(request, reply_msg);
  reconcile(index, hello);
  request_schedule();
}

// Brings the controller's view of a node and the agent's in line after a
// (re)connection: jobs the agent lost are requeued or failed, jobs only the
// agent knows are killed, launches that never reached it are sent.
void Controller::reconcile(size_t index, const pb::AgentHello& hello) {
  NodeRuntime& rt = nodes_[index];
  const std::string& name = config_.nodes[index].name;
  std::set<JobRefKey> running = ref_set(hello.running());
  std::set<JobRefKey> finished = ref_set(hello.finished());
  std::set<uint32_t> waiting = std::move(rt.awaiting_launch);
  rt.awaiting_launch.clear();
  std::vector<pb::JobRecord> changed;
  std::set<JobRefKey> expected;
  for (uint32_t id : node_holders()) {
    pb::JobRecord* found = find_job(id);
    if (!found) continue;
    pb::JobRecord& job = *found;
    if (!occupies_node(job) || job.nodes().empty() || job.nodes(0) != name || job.spec().allocation()) continue;
    JobRefKey key{id, job.restarts()};
    expected.insert(key);
    if (running.count(key) && job.kill_sent()) {
      // Cancelled while its agent was away (restarting): the order never
      // reached it, so it goes now.
      spdlog::info("job {}: cancelled while node {} was away; sending the cancel now", id, name);
      send_signal(index, job, true);
      continue;
    }
    if (running.count(key) || finished.count(key)) continue;
    if (waiting.count(id) && job_state_is_active(job.state())) {
      launch(job);
      continue;
    }
    if (job.kill_sent()) {  // cancelled, and its processes are gone with the agent's state
      job.set_kill_sent(false);
      release_resources(job);
      changed.push_back(job);
      continue;
    }
    spdlog::error("job {}: node {} does not have it (its agent lost the job)", id, name);
    lose_job(job, "lost by its node", changed);
  }
  for (const JobRefKey& key : running) {
    if (expected.count(key)) continue;
    spdlog::warn("job {}.{}: running on {} but not known to run there; killing it", key.first, key.second, name);
    pb::Message message;
    pb::SignalJob* kill = message.mutable_signal();
    kill->set_job_id(key.first);
    kill->set_restarts(key.second);
    kill->set_cancel(true);
    kill->set_stale(true);
    kill->set_kill_wait_s(config_.kill_wait_s);
    send(*rt.session, message);
  }
  if (!changed.empty()) persist(std::move(changed));
}

void Controller::refuse_skewed_agent(const std::shared_ptr<Session>& session, const pb::AgentHello& hello,
                                     const std::string& why) {
  int64_t skew_s = (hello.clock_ms() - wall_ms()) / 1000;
  std::string reason = "Clock skew of " + std::string(skew_s > 0 ? "+" : "") + std::to_string(skew_s) +
                       " s exceeds max_clock_skew_s (" + std::to_string(config_.max_clock_skew_s) + " s)";
  size_t index = node_index(hello.node_name());
  spdlog::error("node {}: refused: its clock is off by {} s ({})", hello.node_name(), skew_s, why);
  if (index != SIZE_MAX) {
    nodes_[index].registered = true;
    nodes_[index].clock_skew_ms = hello.clock_ms() - wall_ms();
    nodes_[index].last_seen_s = now();
    mark_node_down(index, reason);
  }
  pb::Message message;
  message.mutable_hello_reply()->set_reason(reason + "; fix this node's clock (NTP)");
  send(*session, message);
  session->conn->close();
}

void Controller::send_signal(size_t node, const pb::JobRecord& job, bool cancel, int signo, bool steps_only) {
  if (!nodes_[node].session) return;
  pb::Message message;
  pb::SignalJob* signal = message.mutable_signal();
  signal->set_job_id(job.job_id());
  signal->set_restarts(job.restarts());
  signal->set_cancel(cancel);
  signal->set_signal(signo);
  signal->set_steps_only(steps_only);
  signal->set_kill_wait_s(config_.kill_wait_s);
  send(*nodes_[node].session, message);
}

void Controller::lose_job(pb::JobRecord& job, const std::string& why, std::vector<pb::JobRecord>& changed) {
  end_steps(job, pb::JOB_CANCELLED);
  allocations_.erase(job.job_id());
  release_resources(job);
  if (job.spec().requeue()) {
    spdlog::warn("job {}: requeued ({})", job.job_id(), why);
    job.set_state(pb::JOB_PENDING);
    job.set_reason("None");
    job.set_restarts(job.restarts() + 1);
    job.set_start_time(0);
    job.clear_nodes();
    job.clear_node_cpus();
    job.set_alloc_cpus(0);
    job.clear_alloc_mem_per_node_mb();
  } else {
    spdlog::warn("job {}: NODE_FAIL ({})", job.job_id(), why);
    job.set_state(pb::JOB_NODE_FAIL);
    job.set_reason("NodeDown");
    job.set_end_time(now());
  }
  job.set_kill_sent(false);
  changed.push_back(job);
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
  auto ack = [this, session = request.session, id = done.job_id(), restarts = done.restarts()] {
    pb::Message message;
    message.mutable_finished_ack()->set_job_id(id);
    message.mutable_finished_ack()->set_restarts(restarts);
    send(*session, message);
  };
  pb::JobRecord* job = find_job(done.job_id());
  bool current = job && occupies_node(*job) && job->restarts() == done.restarts() && !job->nodes().empty() &&
                 job->nodes(0) == request.session->node;
  if (!current) {
    // A duplicate, an earlier incarnation of a requeued job, or a job this
    // controller no longer tracks: nothing to record, but the agent may forget it.
    spdlog::info("job {}.{}: stale completion report from {} acknowledged", done.job_id(), done.restarts(),
                 request.session->node);
    ack();
    return;
  }
  if (job_state_is_active(job->state())) {
    bool ok = done.error().empty() && done.exit_status() == 0 && done.term_signal() == 0;
    job->set_state(done.timed_out() ? pb::JOB_TIMEOUT : ok ? pb::JOB_COMPLETED : pb::JOB_FAILED);
    if (done.out_of_memory() && !done.timed_out()) job->set_state(pb::JOB_OUT_OF_MEMORY);
    if (done.timed_out()) job->set_reason("TimeLimit");
    else if (done.out_of_memory()) job->set_reason("OutOfMemory");
    else if (!done.error().empty() || done.term_signal() != 0) job->set_reason("JobLaunchFailure");
    else job->set_reason(ok ? "None" : "NonZeroExitCode");
    job->set_end_time(done.end_time() ? done.end_time() : now());
  }
  job->set_exit_status(done.exit_status());
  job->set_term_signal(done.term_signal());
  // Slurm reports a job its cgroup's OOM killer ended with exit code 0:125.
  if (job->state() == pb::JOB_OUT_OF_MEMORY) {
    job->set_exit_status(0);
    job->set_term_signal(125);
  }
  job->set_max_rss_kb(done.max_rss_kb());
  job->set_total_cpu_us(done.total_cpu_us());
  job->set_kill_sent(false);
  end_steps(*job, pb::JOB_CANCELLED);  // steps left running end with their job
  release_resources(*job);
  if (!done.error().empty())
    spdlog::warn("job {} failed to launch on {}: {}", job->job_id(), request.session->node, done.error());
  // Logged and acknowledged once durable: the agent forgets its report only then.
  persist({*job}, [ack, line = fmt::format("job {} ended on {}: {} exit {}:{}", job->job_id(), request.session->node,
                                           job_state_long(job->state()), done.exit_status(), done.term_signal())](
                      Status s) {
    if (!s) return;
    spdlog::info("{}", line);
    ack();
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

void Controller::mark_node_down(size_t index, const std::string& reason) {
  NodeRuntime& rt = nodes_[index];
  const std::string& name = config_.nodes[index].name;
  bool was_down = rt.down;
  rt.down = true;
  rt.reason = reason;
  persist_node(index);
  if (was_down) return;
  spdlog::error("node {} is DOWN: {}", name, reason);
  std::vector<pb::JobRecord> changed;
  for (uint32_t id : node_holders()) {
    pb::JobRecord* found = find_job(id);
    if (!found) continue;
    pb::JobRecord& job = *found;
    if (!occupies_node(job)) continue;
    if (std::find(job.nodes().begin(), job.nodes().end(), name) == job.nodes().end()) continue;
    if (job.kill_sent()) {  // already cancelled: its node is gone, so is the job
      job.set_kill_sent(false);
      release_resources(job);
      changed.push_back(job);
    } else {
      // A node set DOWN by an admin may still be connected: end its copy.
      if (std::find(job.nodes().begin(), job.nodes().end(), name) == job.nodes().begin()) send_signal(index, job, true);
      lose_job(job, "node " + name + " is down: " + reason, changed);
    }
  }
  if (!changed.empty()) persist(std::move(changed));
  request_schedule();
}

// Nodes silent for node_timeout go DOWN.
void Controller::check_nodes() {
  int64_t t = now();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    NodeRuntime& rt = nodes_[i];
    if (!rt.registered || rt.down) continue;
    if (t - rt.last_seen_s <= static_cast<int64_t>(config_.node_timeout_s)) continue;
    if (rt.session && rt.session->conn) rt.session->conn->close(true);
    mark_node_down(i, "Not responding");
  }
  check_allocations();
  // Without events a pass still runs now and then: age raises priorities.
  if (t - last_timed_pass_s_ >= 60) request_schedule();
  node_timer_.expires_after(std::chrono::seconds(1));
  node_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) check_nodes();
  });
}

}  // namespace drover
