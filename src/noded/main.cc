// droverd: the node agent daemon.
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <climits>
#include <csignal>

#include "agent.h"
#include "drover/cpu_speed.h"
#include "drover/credential.h"
#include "drover/file_util.h"
#include "drover/install_layout.h"
#include "drover/local_auth.h"
#include "drover/sd_notify.h"

using namespace drover;

namespace {

std::string short_hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  std::string name = buf;
  return name.substr(0, name.find('.'));
}

}  // namespace

int main(int argc, char** argv) {
  // Agent memory (docs/performance.md): one malloc arena. Besides its own
  // thread the agent has at most Asio's resolver thread, which allocates a
  // little per lookup; an arena of its own would keep pages for nothing.
  mallopt(M_ARENA_MAX, 1);
  CLI::App app{"droverd: the Drover node agent"};
  std::string config_flag;
  AgentOptions options;
  std::string auth_socket;
  app.add_option("-c,--config", config_flag, "configuration file (default $DROVER_CONF or /etc/drover/drover.yaml)");
  app.add_option("-N,--node-name", options.node_name, "this node's name in the cluster (default: short hostname)");
  app.add_option("--state-dir", options.state_dir, "where job status is kept until acknowledged")
      ->default_val("/var/lib/droverd");
  app.add_option("--auth-socket", auth_socket, "local credential socket (default: auth.socket from the config)");
  app.add_option("--clock-offset-s", options.clock_offset_s, "testing: shift this agent's clock")->group("");
  uint32_t ready_wait_s = 15;
  app.add_option("--ready-wait-s", ready_wait_s,
                 "under systemd: report ready after this long even if the controller has not answered yet")
      ->default_val(15);
  app.add_option("--cpu-speed", options.cpu_speed, "testing: report this CPU speed instead of measuring it")
      ->group("");
  std::string stepd_path;
  app.add_option("--stepd", stepd_path, "the job supervisor to run (default: drover-stepd beside droverd)")->group("");
  app.set_version_flag("-V,--version", "droverd " DROVER_VERSION);
  CLI11_PARSE(app, argc, argv);
  if (options.node_name.empty()) options.node_name = short_hostname();
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ droverd[" + options.node_name + "]: %v");
  crypto_init();  // before any thread (credential.h)

  Result<Config> config = load_config(config_path(config_flag), ConfigScope::kClient);
  if (!config) {
    spdlog::critical("{}", config.error());
    return 1;
  }
  Result<ClusterKey> key = ClusterKey::load(config->key_file, ::geteuid());
  if (!key) {
    spdlog::critical("{}", key.error());
    return 1;
  }
  if (Status s = make_dirs(options.state_dir, 0700); !s) {
    spdlog::critical("{}", s.error());
    return 1;
  }
  // Beside droverd in a build tree, in libexec/drover when installed.
  options.stepd_path = stepd_path.empty() ? find_program("drover-stepd") : stepd_path;
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io(1);
  ServiceNotifier notifier(io);
  notifier.status("recovering the jobs supervised on this node");
  if (auth_socket.empty()) auth_socket = config->auth_socket;
  if (Status s = start_local_auth_service(io, auth_socket, *key, config->ttl_s); !s)
    spdlog::warn("{}; users who cannot read the key cannot use Drover from this host", s.error());
  // Measured before the agent starts, while no job competes for the CPU.
  if (options.cpu_speed == 0) {
    options.cpu_speed = measure_cpu_speed();
    spdlog::info("node {}: measured CPU speed {}", options.node_name, options.cpu_speed);
  }
  Agent agent(io, *config, *key, options);
  agent.set_notifier(&notifier);
  agent.start();
  // READY=1 normally comes at registration. A node must not hold up its own
  // boot (multi-user.target waits for us) while the head node is still
  // starting, so after --ready-wait-s it reports ready anyway and keeps
  // dialing; STATUS= still says what it waits for.
  asio::steady_timer ready_wait(io, std::chrono::seconds(ready_wait_s));
  ready_wait.async_wait([&](boost::system::error_code ec) {
    if (ec || notifier.ready_sent()) return;
    spdlog::info("not registered after {} s: reporting ready to systemd; still waiting for the controller",
                 ready_wait_s);
    notifier.ready(notifier.last_status());
  });
  asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&](boost::system::error_code, int signo) {
    // Jobs keep running under their supervisors; a restarted agent re-adopts them.
    spdlog::info("signal {}: stopping (running jobs continue)", signo);
    notifier.stopping();
    io.stop();
  });
  // SIGHUP (systemctl reload): re-read the controller address and key.
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      std::string before = notifier.last_status();
      notifier.reloading();
      Result<Config> next = load_config(config->path, ConfigScope::kClient);
      Result<ClusterKey> next_key = next ? ClusterKey::load(next->key_file, ::geteuid())
                                         : Result<ClusterKey>::fail(next.error());
      if (!next || !next_key) {
        spdlog::error("SIGHUP: reload refused, keeping the previous configuration: {}",
                      next ? next_key.error() : next.error());
        notifier.reloaded(before + "; last reload refused");
      } else {
        spdlog::info("SIGHUP: reloaded {}", config->path);
        // The local credential service reads `*key` (by reference) for every request.
        *key = *next_key;
        agent.reload(std::move(*next), std::move(*next_key));
        notifier.reloaded(before);
      }
      await_hangup();
    });
  };
  await_hangup();
  spdlog::info("node {} agent started (pid {}), controller {}:{}", options.node_name, ::getpid(),
               config->controller_host, config->controller_port);
  // Start-up (options, the configuration, the CPU probe) freed what it
  // parsed with; hand those heap pages back before the agent idles.
  malloc_trim(0);
  io.run();
  return 0;
}
