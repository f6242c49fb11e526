// drover: the admin's and developer's tool.
#include <cstdio>

#include "drover/cli_util.h"
#include "drover/config.h"
#include "drover/credential.h"
#include "drover_check.h"
#include "drover_cluster.h"

using namespace drover;

int main(int argc, char** argv) {
  CLI::App app{"drover: set up and run Drover clusters"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", "drover " DROVER_VERSION);

  std::string key_path = "/etc/drover/drover.key";
  CLI::App* keygen = app.add_subcommand("keygen", "write a new cluster key (mode 0400)");
  keygen->add_option("-o,--output", key_path, "key file to create")->capture_default_str();

  std::string config_flag;
  CLI::App* check = app.add_subcommand("check-config", "validate the configuration file and compare the running cluster with it");
  check->add_option("-c,--config", config_flag, "configuration file");

  cluster::UpOptions up_options;
  up_options.dir = "drover-cluster";
  CLI::App* up = app.add_subcommand("up", "start a local test cluster (controller + N agents)");
  up->add_option("-n,--nodes", up_options.nodes, "number of nodes")->capture_default_str()->check(CLI::Range(1, 64));
  up->add_option("-d,--dir", up_options.dir, "cluster directory")->capture_default_str();
  up->add_option("--timeout", up_options.timeout_s, "seconds to wait for the nodes")->capture_default_str();

  std::string down_dir = "drover-cluster";
  CLI::App* down = app.add_subcommand("down", "stop a local test cluster");
  down->add_option("-d,--dir", down_dir, "cluster directory")->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  if (*keygen) {
    Status s = write_new_key(key_path);
    if (!s) {
      std::fprintf(stderr, "drover: error: %s\n", s.error().c_str());
      return 1;
    }
    std::printf("wrote a new cluster key to %s (mode 0400); copy it to every node\n", key_path.c_str());
    return 0;
  }
  if (*check) return check::run(config_path(config_flag));
  if (*up) return cluster::up(up_options);
  return cluster::down(down_dir);
}
