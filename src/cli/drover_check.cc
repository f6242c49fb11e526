// drover check-config: the file, the hosts it names, and the running
// cluster against it. One line per finding ("problem: ..." or "note: ..."),
// exit status 1 if there is any problem.
#include "drover_check.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "drover/client.h"
#include "drover/config_check.h"
#include "drover/credential.h"

namespace drover::check {
namespace {

struct Report {
  int problems = 0;
  void add(const CheckFinding& f) {
    std::printf("%s: %s\n", f.problem ? "problem" : "note", f.text.c_str());
    if (f.problem) ++problems;
  }
};

std::string resolve_error(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc == 0) {
    freeaddrinfo(result);
    return "";
  }
  return gai_strerror(rc);
}

}  // namespace

int run(const std::string& path) {
  Result<Config> config = load_config(path, ConfigScope::kFull);
  if (!config) {
    std::printf("problem: %s\n", config.error().c_str());
    std::printf("%s: 1 problem\n", path.c_str());
    return 1;
  }
  Report report;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  for (const CheckFinding& f : check_unknown_keys(text.str())) report.add(f);
  for (const CheckFinding& f : check_consistency(*config)) report.add(f);
  if (Result<ClusterKey> key = ClusterKey::load(config->key_file); !key) report.add({true, key.error()});

  if (std::string e = resolve_error(config->controller_host); !e.empty())
    report.add({true, "controller.host " + config->controller_host + " does not resolve: " + e});
  for (const NodeConfig& node : config->nodes) {
    const std::string& host = node_host(node);
    if (std::string e = resolve_error(host); !e.empty())
      report.add({true, "node " + node.name + ": " + (node.address.empty() ? "name" : "address " + host) +
                            " does not resolve: " + e +
                            (node.address.empty() ? " (give it an address: key if it has no DNS name)" : "")});
  }

  ControllerClient client(*config);
  pb::Message request;
  request.mutable_list_nodes();
  Result<pb::Message> reply = client.call(request);
  if (!reply) {
    report.add({false, "controller " + config->controller_host + ":" + std::to_string(config->controller_port) +
                           " not reachable (" + reply.error() + "): registered hardware and clocks not checked"});
  } else {
    std::map<std::string, const pb::NodeInfo*> by_name;
    for (const pb::NodeInfo& n : reply->list_nodes_reply().nodes()) by_name[n.name()] = &n;
    for (const NodeConfig& node : config->nodes) {
      auto it = by_name.find(node.name);
      if (it == by_name.end()) {
        report.add({true, "node " + node.name +
                              ": not known to the running controller: run scontrol reconfigure to add it"});
        continue;
      }
      std::printf("%s\n", node_status_line(*it->second).c_str());
      for (const CheckFinding& f :
           check_registered_node(node, *it->second, config->max_clock_skew_s, config->config_overrides))
        report.add(f);
      by_name.erase(it);
    }
    for (const auto& [name, info] : by_name)
      report.add({true, "node " + name + ": the running controller has it but the file does not: run scontrol "
                                         "reconfigure to remove it"});
  }
  if (report.problems == 0) {
    std::printf("%s: cluster %s, %zu nodes, %zu partitions: OK\n", path.c_str(), config->cluster.c_str(),
                config->nodes.size(), config->partitions.size());
    return 0;
  }
  std::printf("%s: %d problem%s\n", path.c_str(), report.problems, report.problems == 1 ? "" : "s");
  return 1;
}

}  // namespace drover::check
