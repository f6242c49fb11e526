// drover check-config's checks that need no I/O: keys the loader does not
// know (typos are otherwise silently ignored), settings that load but make
// no sense together, and a registered agent's hardware against the config.
// The CLI (src/cli/drover_check.cc) adds what needs the network: host
// resolution and the controller's view of the nodes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/config.h"

namespace drover {

struct CheckFinding {
  bool problem = false;  // false: a note, worth knowing but not wrong
  std::string text;      // one line, no prefix
};

// Keys in the YAML text that Drover does not read, by path
// ("nodes[1].memroy_mb"). The text must already load (load_config).
std::vector<CheckFinding> check_unknown_keys(const std::string& yaml_text);

// Settings that load but do not fit together: default_time over max_time,
// no default partition, nodes in no partition, partitions not up.
std::vector<CheckFinding> check_consistency(const Config& config);

// The name check-config resolves for a node: its address, else its name.
const std::string& node_host(const NodeConfig& node);

// One node's registered hardware and clock against the config. `node` is
// the controller's NodeInfo for it (detected_*, clock_skew_ms). Less than
// configured is a problem unless `config_overrides`; more is a note.
std::vector<CheckFinding> check_registered_node(const NodeConfig& config, const pb::NodeInfo& node,
                                                uint32_t max_clock_skew_s, bool config_overrides = false);

// "node1: clock skew +0.004s, CPU speed 310" (or "not registered").
std::string node_status_line(const pb::NodeInfo& node);

}  // namespace drover
