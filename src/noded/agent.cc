#include "agent.h"

#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "drover/clock.h"
#include "drover/envelope.h"

namespace drover {
pb::AgentHello detect_hardware() {
  pb::AgentHello hello;
  hello.set_cpus(static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  hello.set_memory_mb(static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) >>
                      20);
  struct utsname uts {};
  uname(&uts);
  hello.set_arch(uts.machine);
  hello.set_hostname(uts.nodename);
  return hello;
}

Agent::Agent(asio::io_context& io, Config config, ClusterKey key, AgentOptions options)
    : io_(io),
      config_(std::move(config)),
      key_(std::move(key)),
      options_(std::move(options)),
      tracker_(io, options_.state_dir, options_.stepd_path,
               [this](const JobKey& job, const JobStatus& status) { report(job, status); }) {}

void Agent::start() {
  // Decided once and said once, fallback included, so an admin sees why
  // limits do or do not hold.
  JobCgroups cgroups = JobCgroups::probe({config_.cgroups_enabled, config_.cgroup_mount},
                                         cgroup_tag(options_.node_name, options_.state_dir));
  if (cgroups.tracking()) spdlog::info("node {}: {}", options_.node_name, cgroups.summary());
  else spdlog::warn("node {}: {}", options_.node_name, cgroups.summary());
  tracker_.use_cgroups(std::move(cgroups));
  tracker_.recover();
  asio::co_spawn(io_, run(), asio::detached);
}

awaitable<bool> Agent::connect(tcp::socket& socket) {
  boost::system::error_code ec;
  std::vector<tcp::endpoint> endpoints;
  // An address needs no lookup, and so no resolver thread: Asio starts one
  // at the first async_resolve and keeps it for the life of the process.
  asio::ip::address address = asio::ip::make_address(config_.controller_host, ec);
  if (!ec) {
    endpoints.emplace_back(address, config_.controller_port);
  } else {
    ec.clear();
    tcp::resolver resolver(io_);
    auto resolved = co_await resolver.async_resolve(config_.controller_host, std::to_string(config_.controller_port),
                                                    asio::redirect_error(use_awaitable, ec));
    if (ec) {
      spdlog::warn("node {}: cannot resolve controller {}: {}; waiting for the network", options_.node_name,
                   config_.controller_host, ec.message());
      if (notifier_)
        notifier_->status("waiting for network: cannot resolve controller " + config_.controller_host + ": " +
                          ec.message());
      co_return false;
    }
    for (const auto& entry : resolved) endpoints.push_back(entry.endpoint());
  }
  co_await asio::async_connect(socket, endpoints, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    spdlog::warn("node {}: controller {}:{} not reachable: {}; retrying", options_.node_name,
                 config_.controller_host, config_.controller_port, ec.message());
    if (notifier_)
      notifier_->status("waiting for controller " + config_.controller_host + ":" +
                        std::to_string(config_.controller_port) + ": " + ec.message());
    co_return false;
  }
  co_return true;
}

awaitable<void> Agent::run() {
  Backoff backoff(std::chrono::seconds(10));
  for (;;) {
    tcp::socket socket(io_);
    if (!co_await connect(socket)) {
      asio::steady_timer wait(io_, backoff.next());
      co_await wait.async_wait(use_awaitable);
      continue;
    }
    registered_ = false;
    conn_ = std::make_shared<Connection>(std::move(socket), config_.max_frame_bytes);
    session_timer_ = std::make_unique<asio::steady_timer>(io_);
    bool closed = false;
    conn_->start([this](std::string body) { on_frame(body); },
                 [this, &closed](const std::string& why) {
                   spdlog::warn("node {}: connection to the controller closed: {}", options_.node_name, why);
                   if (notifier_)
                     notifier_->status("waiting for controller " + config_.controller_host + ":" +
                                       std::to_string(config_.controller_port) + ": connection closed: " + why);
                   closed = true;
                   session_timer_->cancel();
                 });
    pb::Message hello;
    *hello.mutable_hello() = detect_hardware();
    hello.mutable_hello()->set_protocol(kProtocolVersion);
    hello.mutable_hello()->set_software_version(DROVER_VERSION);
    hello.mutable_hello()->set_node_name(options_.node_name);
    hello.mutable_hello()->set_clock_ms(now_ms());
    hello.mutable_hello()->set_cpu_speed(options_.cpu_speed);
    auto add_ref = [](google::protobuf::RepeatedPtrField<pb::JobRef>* list, const JobKey& key) {
      pb::JobRef* ref = list->Add();
      ref->set_job_id(key.id);
      ref->set_restarts(key.restarts);
    };
    for (const JobKey& key : tracker_.running()) add_ref(hello.mutable_hello()->mutable_running(), key);
    for (const auto& [key, status] : tracker_.unacknowledged()) add_ref(hello.mutable_hello()->mutable_finished(), key);
    send(hello);
    // Heartbeats until the connection drops.
    while (!closed) {
      session_timer_->expires_after(std::chrono::seconds(heartbeat_s_));
      boost::system::error_code ec;
      co_await session_timer_->async_wait(asio::redirect_error(use_awaitable, ec));
      if (closed) break;
      if (registered_) {
        backoff.reset();
        pb::Message beat;
        beat.mutable_heartbeat()->set_clock_ms(now_ms());
        send(beat);
      }
    }
    conn_.reset();
    asio::steady_timer wait(io_, backoff.next());
    co_await wait.async_wait(use_awaitable);
  }
}

void Agent::send(const pb::Message& message) {
  if (!conn_) return;
  Result<std::string> sealed = seal(message, [this](std::string_view digest) {
    return Result<pb::Credential>::ok(mint_credential(key_, ::getuid(), ::getgid(), now_s(), config_.ttl_s, digest));
  });
  if (sealed) conn_->send(std::move(*sealed));
}

void Agent::reload(Config config, ClusterKey key) {
  bool relink = false;
  if (config.controller_host != config_.controller_host || config.controller_port != config_.controller_port) {
    spdlog::info("node {}: reload: controller {}:{} -> {}:{}", options_.node_name, config_.controller_host,
                 config_.controller_port, config.controller_host, config.controller_port);
    relink = true;
  }
  if (config.key_file != config_.key_file)
    spdlog::info("node {}: reload: auth.key_file {} -> {}", options_.node_name, config_.key_file, config.key_file);
  if (key.bytes() != key_.bytes()) {
    spdlog::info("node {}: reload: the cluster key changed; reconnecting with the new one", options_.node_name);
    relink = true;
  }
  if (config.ttl_s != config_.ttl_s || config.max_clock_skew_s != config_.max_clock_skew_s)
    spdlog::info("node {}: reload: auth.ttl_s {} -> {}, auth.max_clock_skew_s {} -> {}", options_.node_name,
                 config_.ttl_s, config.ttl_s, config_.max_clock_skew_s, config.max_clock_skew_s);
  if (!relink) spdlog::info("node {}: reload: the controller link is unchanged", options_.node_name);
  config_ = std::move(config);
  key_ = std::move(key);
  // The session loop dials config_ again after the close.
  if (relink && conn_) conn_->close(true);
}

int64_t Agent::now_s() const { return ::time(nullptr) + options_.clock_offset_s; }
int64_t Agent::now_ms() const { return wall_ms() + options_.clock_offset_s * 1000; }

void Agent::report(const JobKey& job, const JobStatus& status) {
  if (!registered_) return;  // resent after the next hello
  pb::Message message;
  pb::JobFinished* finished = message.mutable_finished();
  finished->set_job_id(job.id);
  finished->set_restarts(job.restarts);
  finished->set_exit_status(status.exit_status);
  finished->set_term_signal(status.term_signal);
  finished->set_end_time(status.end_time);
  finished->set_error(status.error);
  finished->set_timed_out(status.timed_out);
  finished->set_max_rss_kb(status.max_rss_kb);
  finished->set_total_cpu_us(status.total_cpu_us);
  finished->set_out_of_memory(status.out_of_memory);
  send(message);
}

void Agent::on_frame(const std::string& body) {
  Result<Opened> opened = open_envelope(body, Verifier{&key_, config_.max_clock_skew_s, &replays_, true}, now_s());
  if (opened && !opened->clock_error.empty()) {
    if (opened->message.has_hello_reply())  // the controller's verdict on our clock
      spdlog::error("node {}: the controller refused this node: {}", options_.node_name,
                    opened->message.hello_reply().reason());
    else
      spdlog::error("node {}: refused a message from the controller: {}", options_.node_name, opened->clock_error);
    conn_->close(true);
    return;
  }
  if (!opened) {
    spdlog::error("node {}: refused a message from the controller: {}", options_.node_name, opened.error());
    conn_->close(true);
    return;
  }
  const pb::Message& m = opened->message;
  switch (m.kind_case()) {
    case pb::Message::kHelloReply:
      if (!m.hello_reply().accepted()) {
        spdlog::error("node {}: the controller refused this node: {}", options_.node_name, m.hello_reply().reason());
        conn_->close(true);
        return;
      }
      registered_ = true;
      heartbeat_s_ = std::max<uint32_t>(1, m.hello_reply().heartbeat_s());
      session_timer_->cancel();  // the first heartbeat comes at the controller's period
      spdlog::info("node {}: registered with cluster {}", options_.node_name, m.hello_reply().cluster());
      if (notifier_)
        notifier_->ready("registered with " + config_.controller_host + ":" + std::to_string(config_.controller_port) +
                         " (cluster " + m.hello_reply().cluster() + ") as node " + options_.node_name + ", " +
                         std::to_string(tracker_.running().size()) + " jobs running here");
      for (const auto& [id, status] : tracker_.unacknowledged()) report(id, status);
      break;
    case pb::Message::kLaunch:
      if (tracker_.launch(m.launch())) {
        pb::Message started;
        started.mutable_started()->set_job_id(m.launch().job().job_id());
        started.mutable_started()->set_restarts(m.launch().job().restarts());
        send(started);
      }
      break;
    case pb::Message::kSignal: {
      const pb::SignalJob& s = m.signal();
      if (s.update_limit()) {
        tracker_.update_limit(JobKey{s.job_id(), s.restarts()}, s.time_limit_min());
        break;
      }
      int signo = s.cancel() ? SIGTERM : s.suspend() ? suspend_signal() : s.resume() ? resume_signal() : s.signal();
      if (!s.steps_only()) tracker_.signal(JobKey{s.job_id(), s.restarts()}, signo, s.stale());
      if (!s.stale()) {
        int step_signo = s.suspend() ? SIGSTOP : s.resume() ? SIGCONT : s.signal();
        tracker_.signal_steps(s.job_id(), step_signo, s.cancel());
      }
      break;
    }
    case pb::Message::kStepLaunch:
      tracker_.launch_step(m.step_launch());
      break;
    case pb::Message::kFinishedAck:
      tracker_.acknowledge(JobKey{m.finished_ack().job_id(), m.finished_ack().restarts()});
      break;
    case pb::Message::kError:
      spdlog::error("node {}: controller error: {}", options_.node_name, m.error().message());
      break;
    default:
      spdlog::warn("node {}: unexpected message type {} from the controller", options_.node_name,
                   static_cast<int>(m.kind_case()));
  }
}

}  // namespace drover
