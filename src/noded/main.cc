// droverd: the node agent daemon.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <climits>
#include <csignal>

#include "agent.h"
#include "drover/file_util.h"
#include "drover/install_layout.h"
#include "drover/local_auth.h"

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
  std::string stepd_path;
  app.add_option("--stepd", stepd_path, "the job supervisor to run (default: drover-stepd beside droverd)")->group("");
  app.set_version_flag("-V,--version", "droverd " DROVER_VERSION);
  CLI11_PARSE(app, argc, argv);
  if (options.node_name.empty()) options.node_name = short_hostname();
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ droverd[" + options.node_name + "]: %v");

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
  if (auth_socket.empty()) auth_socket = config->auth_socket;
  if (Status s = start_local_auth_service(io, auth_socket, *key, config->ttl_s); !s)
    spdlog::warn("{}; users who cannot read the key cannot use Drover from this host", s.error());
  Agent agent(io, *config, *key, options);
  agent.start();
  asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&io](boost::system::error_code, int signo) {
    // Jobs keep running under their supervisors; a restarted agent re-adopts them.
    spdlog::info("signal {}: stopping (running jobs continue)", signo);
    io.stop();
  });
  spdlog::info("node {} agent started (pid {}), controller {}:{}", options.node_name, ::getpid(),
               config->controller_host, config->controller_port);
  io.run();
  return 0;
}
