// Agent: droverd's link to the controller. Dials out and keeps one
// authenticated connection, retrying with backoff for as long as it takes
// (the controller or the network may come up later than we do); says
// hello with the node's hardware; carries out launch and signal orders;
// reports completions until they are acknowledged. One io_context thread.
#pragma once
#include <memory>
#include <string>

#include "drover.pb.h"
#include "drover/asio.h"
#include "drover/config.h"
#include "drover/connection.h"
#include "drover/credential.h"
#include "drover/sd_notify.h"
#include "job_tracker.h"

namespace drover {

struct AgentOptions {
  std::string node_name;
  std::string state_dir;
  std::string stepd_path;
  int64_t clock_offset_s = 0;  // test hook: pretend this node's clock is off
  uint32_t cpu_speed = 0;      // measured once at start (cpu_speed.h); reported in every hello
};

// What this machine has, as the agent reports it.
pb::AgentHello detect_hardware();

class Agent {
 public:
  Agent(asio::io_context& io, Config config, ClusterKey key, AgentOptions options);
  void start();

  // systemd: READY=1 once registered with the controller, STATUS= saying
  // what the agent waits for. Set before start().
  void set_notifier(ServiceNotifier* notifier) { notifier_ = notifier; }
  // SIGHUP: takes the re-read controller address and key, logs what changed
  // and reconnects if the link is affected. Running jobs are untouched.
  void reload(Config config, ClusterKey key);

 private:
  awaitable<void> run();
  awaitable<bool> connect(tcp::socket& socket);
  void on_frame(const std::string& body);
  void send(const pb::Message& message);
  void report(const JobKey& job, const JobStatus& status);
  int64_t now_s() const;
  int64_t now_ms() const;

  asio::io_context& io_;
  Config config_;
  ClusterKey key_;
  AgentOptions options_;
  ReplayCache replays_;
  JobTracker tracker_;
  std::shared_ptr<Connection> conn_;
  bool registered_ = false;
  uint32_t heartbeat_s_ = 10;
  std::unique_ptr<asio::steady_timer> session_timer_;
  ServiceNotifier* notifier_ = nullptr;
};

}  // namespace drover
