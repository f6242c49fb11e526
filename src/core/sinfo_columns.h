// sinfo's columns, internal to the core library: node states as Slurm
// numbers them, the output line a cell is printed from, and one row per
// print function of Slurm's sinfo (print.c), by -o letter and -O names.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drover.pb.h"
#include "drover/result.h"

namespace drover::sinfo {

// Slurm's node_state bits (slurm.h). Lines sort on these numbers, so the
// order of sinfo's rows depends on them.
enum : uint32_t {
  kStateUnknown = 0,
  kStateDown = 1,
  kStateIdle = 2,
  kStateAllocated = 3,
  kStateError = 4,
  kStateMixed = 5,
  kStateFuture = 6,
  kBaseMask = 0xf,
  kFlagRes = 0x20,
  kFlagDrain = 0x200,
  kFlagCompleting = 0x400,
  kFlagNoRespond = 0x800,
  kFlagFail = 0x2000,
  kFlagMaint = 0x8000,
  kFlagRebootRequested = 0x10000,
  kFlagPlanned = 0x200000,
};

// What sinfo knows of a node's state, rebuilt from the names the
// controller sends.
struct NodeState {
  uint32_t value = kStateUnknown;  // Slurm's base | flags
  std::string compact;             // "idle*"
  std::string long_name;           // "idle*"
};
NodeState node_state(const pb::NodeInfo& node);
uint32_t base_of(uint32_t value);
bool is_draining(uint32_t value);
bool is_busy(uint32_t value);

// sinfo -t: state names and prefixes as Slurm's _node_state_id reads them.
// Fails with "Bad state string: \"x\"".
Result<std::vector<uint32_t>> parse_state_filters(const std::vector<std::string>& states);
bool node_wanted(const pb::NodeInfo& node, const std::vector<uint32_t>& wanted);

// One output row: a partition (null when the format shows none) and the
// nodes grouped under it.
struct Line {
  size_t part_index = 0;
  const pb::PartitionInfo* part = nullptr;
  std::vector<const pb::NodeInfo*> nodes;
  std::string key;  // the node fields that split groups
};

using CellFn = std::string (*)(const Line& line, int width);

struct Column {
  char code;               // -o letter; 0: -O only
  std::string_view names;  // -O names, lower case, ' '-separated
  std::string_view header;
  bool cut_header;         // Slurm never cuts the NODELIST header
  bool splits;             // nodes differing in this field go on separate lines
  bool numeric;            // "4+" for mixed values; splits only with -e
  bool partition_field;    // shows the partition, so lines are per partition
  CellFn cell;
};

const Column* find_column(char code);
const Column* find_long_column(std::string_view name);

}  // namespace drover::sinfo
