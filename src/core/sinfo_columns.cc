// sinfo's columns (spec §4.2, §4.3). Each cell prints what the matching
// print function of Slurm's sinfo prints for a line of grouped nodes.
#include "sinfo_columns.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <optional>

#include "drover/hostlist.h"
#include "drover/time_format.h"

namespace drover::sinfo {
namespace {

struct StateName {
  std::string_view compact;
  std::string_view long_name;  // lower case, as sinfo prints %T
  uint32_t value;
};

// The base states come first and in Slurm's numeric order: -t matches a
// prefix against them in this order, as Slurm's _node_state_id does.
constexpr StateName kNodeStates[] = {
    {"unk", "unknown", kStateUnknown},
    {"down", "down", kStateDown},
    {"idle", "idle", kStateIdle},
    {"alloc", "allocated", kStateAllocated},
    {"err", "error", kStateError},
    {"mix", "mixed", kStateMixed},
    {"futr", "future", kStateFuture},
    {"drain", "drained", kStateIdle | kFlagDrain},
    {"drng", "draining", kStateAllocated | kFlagDrain},
    {"comp", "completing", kStateIdle | kFlagCompleting},
    {"fail", "fail", kStateIdle | kFlagFail},
    {"failg", "failing", kStateAllocated | kFlagFail},
    {"maint", "maint", kStateIdle | kFlagMaint},
    {"resv", "reserved", kStateIdle | kFlagRes},
    {"plnd", "planned", kStateIdle | kFlagPlanned},
    {"boot", "reboot", kStateIdle | kFlagRebootRequested},
};
constexpr size_t kBaseStateCount = 7;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_prefix_ignore_case(std::string_view prefix, std::string_view text) {
  return prefix.size() <= text.size() && lower(prefix) == lower(text.substr(0, prefix.size()));
}

}  // namespace

NodeState node_state(const pb::NodeInfo& node) {
  std::string_view text = node.state();
  size_t name_end = 0;
  while (name_end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[name_end])) || text[name_end] == '_')) {
    ++name_end;
  }
  std::string name = lower(text.substr(0, name_end));
  bool no_respond = node.not_responding() || text.substr(name_end).find('*') != text.npos;

  NodeState state;
  state.compact = name;
  state.long_name = node.state_long().empty() ? name : lower(node.state_long());
  for (const StateName& entry : kNodeStates) {
    if (name == entry.compact || name == entry.long_name) {
      state.value = entry.value;
      state.compact = entry.compact;
      if (node.state_long().empty()) state.long_name = entry.long_name;
      break;
    }
  }
  if (no_respond) {
    state.value |= kFlagNoRespond;
    state.compact += '*';
    state.long_name += '*';
  }
  return state;
}

uint32_t base_of(uint32_t value) { return value & kBaseMask; }

bool is_draining(uint32_t value) {
  uint32_t base = base_of(value);
  return (value & kFlagDrain) &&
         (base == kStateAllocated || base == kStateMixed || (value & kFlagCompleting));
}

bool is_busy(uint32_t value) {
  uint32_t base = base_of(value);
  return base == kStateAllocated || base == kStateMixed || (value & kFlagCompleting);
}

// ---- -t filter -------------------------------------------------------------

constexpr uint32_t kMatchAll = 0xffffffffu;

struct NamedFlag {
  std::string_view name;
  uint32_t value;
};

// Slurm's _node_state_id after the base states, in its order.
constexpr NamedFlag kFilterNames[] = {
    {"planned", kFlagPlanned},
    {"plnd", kFlagPlanned},
    {"drain", kFlagDrain},
    {"drained", kFlagDrain | kStateIdle},
    {"resv", kFlagRes},
    {"reserved", kFlagRes},
    {"draining", kFlagDrain | kStateAllocated},
    {"drng", kFlagDrain | kStateAllocated},
    {"comp", kFlagCompleting},
    {"completing", kFlagCompleting},
    {"no_respond", kFlagNoRespond},
    {"fail", kFlagFail},
    {"maint", kFlagMaint},
};

namespace {

std::optional<uint32_t> parse_state_filter(std::string_view token) {
  if (lower(token) == "all") return kMatchAll;
  for (size_t i = 0; i < kBaseStateCount; ++i) {
    const StateName& entry = kNodeStates[i];
    if (is_prefix_ignore_case(token, entry.compact) || is_prefix_ignore_case(token, entry.long_name)) {
      return entry.value;
    }
  }
  for (const NamedFlag& entry : kFilterNames) {
    if (is_prefix_ignore_case(token, entry.name)) return entry.value;
  }
  return std::nullopt;
}

// Slurm's _filter_node_state: drain matches drained and draining, idle
// matches any idle base (idle+drain too), alloc any node with CPUs in use.
bool state_matches(uint32_t wanted, const pb::NodeInfo& node, uint32_t have) {
  if (wanted == kMatchAll) return true;
  if (wanted == kFlagDrain) return have & kFlagDrain;
  if (wanted == (kFlagDrain | kStateAllocated)) return is_draining(have);
  if (wanted == (kFlagDrain | kStateIdle)) return (have & kFlagDrain) && !is_draining(have);
  if (wanted & ~kBaseMask) return wanted & have;
  if (wanted == kStateAllocated) return node.alloc_cpus() > 0 || is_busy(have);
  return base_of(have) == wanted;
}

}  // namespace

Result<std::vector<uint32_t>> parse_state_filters(const std::vector<std::string>& states) {
  std::vector<uint32_t> wanted;
  for (const std::string& token : states) {
    if (token.empty()) continue;
    auto value = parse_state_filter(token);
    if (!value) return Result<std::vector<uint32_t>>::fail("Bad state string: \"" + token + "\"");
    wanted.push_back(*value);
  }
  return Result<std::vector<uint32_t>>::ok(std::move(wanted));
}

bool node_wanted(const pb::NodeInfo& node, const std::vector<uint32_t>& wanted) {
  if (wanted.empty()) return true;
  uint32_t have = node_state(node).value;
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](uint32_t w) { return state_matches(w, node, have); });
}

namespace {

// Node counts as sinfo's _update_sinfo tallies them.
struct Tally {
  uint64_t nodes_alloc = 0, nodes_idle = 0, nodes_other = 0;
  uint64_t cpus_alloc = 0, cpus_idle = 0, cpus_other = 0, cpus_total = 0;
};

Tally tally(const Line& line) {
  Tally t;
  for (const pb::NodeInfo* node : line.nodes) {
    uint32_t value = node_state(*node).value;
    bool unusable = (value & kFlagDrain) || base_of(value) == kStateDown;
    if (is_busy(value)) {
      ++t.nodes_alloc;
    } else if (unusable) {
      ++t.nodes_other;
    } else {
      ++t.nodes_idle;
    }
    uint32_t used = std::min(node->alloc_cpus(), node->cpus());
    t.cpus_alloc += used;
    t.cpus_total += node->cpus();
    (unusable ? t.cpus_other : t.cpus_idle) += node->cpus() - used;
  }
  return t;
}

// Slurm's convert_num_unit for plain counts: 2048 -> "2K".
std::string with_unit(uint64_t value) {
  static constexpr char kUnits[] = {'K', 'M', 'G', 'T', 'P'};
  double scaled = static_cast<double>(value);
  int unit = -1;
  while (scaled >= 1024 && unit + 1 < static_cast<int>(sizeof(kUnits))) {
    scaled /= 1024;
    ++unit;
  }
  char buf[64];
  auto whole = static_cast<uint64_t>(scaled);
  if (static_cast<double>(whole) == scaled) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64, whole);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f", scaled);
  }
  return unit < 0 ? buf : buf + std::string(1, kUnits[unit]);
}

// Without -e sinfo shows the smallest value and "+" when nodes differ.
template <class Get, class Show>
std::string min_plus(const Line& line, Get get, Show show) {
  if (line.nodes.empty()) return show(0);
  auto [lo, hi] = std::minmax_element(line.nodes.begin(), line.nodes.end(),
                                      [&](auto* a, auto* b) { return get(*a) < get(*b); });
  std::string text = show(get(**lo));
  return get(**lo) == get(**hi) ? text : text + "+";
}

std::string plain(uint64_t value) { return std::to_string(value); }

// ---- cells ---------------------------------------------------------------

// A default partition gets its '*', overwriting the last character when
// the name fills the column (Slurm's _print_partition).
std::string cell_partition(const Line& line, int width) {
  std::string name = line.part->name();
  if (!line.part->is_default()) return name;
  if (width == 0 || name.size() < static_cast<size_t>(width)) return name + "*";
  name[width - 1] = '*';
  return name;
}

std::string cell_partition_name(const Line& line, int) { return line.part->name(); }

std::string cell_avail(const Line& line, int) {
  const std::string& state = line.part->state();
  if (state.empty()) return "unknown";
  return state == "inact" ? "inactive" : state;
}

std::string cell_time_limit(const Line& line, int) {
  uint32_t minutes = line.part->max_time_min();
  if (minutes == 0 || minutes == kInfiniteMinutes) return "infinite";
  return format_elapsed(int64_t{minutes} * 60);
}

std::string cell_node_count(const Line& line, int) { return std::to_string(line.nodes.size()); }

std::string cell_state_compact(const Line& line, int) {
  return line.nodes.empty() ? "n/a" : node_state(*line.nodes.front()).compact;
}

std::string cell_state_long(const Line& line, int) {
  return line.nodes.empty() ? "n/a" : node_state(*line.nodes.front()).long_name;
}

std::string cell_node_list(const Line& line, int) {
  std::vector<std::string> names;
  for (const pb::NodeInfo* node : line.nodes) names.push_back(node->name());
  return hostlist::compress_sorted(std::move(names));
}

std::string cell_hostnames(const Line& line, int) {
  std::vector<std::string> names;
  for (const pb::NodeInfo* node : line.nodes) {
    names.push_back(node->hostname().empty() ? node->name() : node->hostname());
  }
  return hostlist::compress_sorted(std::move(names));
}

std::string cell_cpus(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo& n) { return uint64_t{n.cpus()}; }, with_unit);
}

std::string cell_memory(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo& n) { return n.memory_mb(); }, plain);
}

std::string cell_weight(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo& n) { return uint64_t{n.weight()}; }, plain);
}

// Drover extension: the measured CPU speed (cpu_speed.h), 0 until reported.
std::string cell_cpu_speed(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo& n) { return uint64_t{n.cpu_speed()}; }, plain);
}

std::string cell_cpus_aiot(const Line& line, int) {
  Tally t = tally(line);
  return std::to_string(t.cpus_alloc) + "/" + std::to_string(t.cpus_idle) + "/" +
         std::to_string(t.cpus_other) + "/" + std::to_string(t.cpus_total);
}

std::string cell_nodes_ai(const Line& line, int) {
  Tally t = tally(line);
  return std::to_string(t.nodes_alloc) + "/" + std::to_string(t.nodes_idle);
}

std::string cell_nodes_aiot(const Line& line, int) {
  Tally t = tally(line);
  return std::to_string(t.nodes_alloc) + "/" + std::to_string(t.nodes_idle) + "/" +
         std::to_string(t.nodes_other) + "/" + std::to_string(line.nodes.size());
}

// Slurm prints a missing string as "(null)".
std::string cell_features(const Line& line, int) {
  if (line.nodes.empty() || line.nodes.front()->features().empty()) return "(null)";
  std::string text;
  for (const std::string& feature : line.nodes.front()->features()) {
    if (!text.empty()) text += ',';
    text += feature;
  }
  return text;
}

std::string cell_reason(const Line& line, int) {
  if (line.nodes.empty() || line.nodes.front()->reason().empty()) return "none";
  return line.nodes.front()->reason();
}

std::string cell_version(const Line& line, int) {
  if (line.nodes.empty() || line.nodes.front()->version().empty()) return "(null)";
  return line.nodes.front()->version();
}

std::string cell_features_act(const Line& line, int width) { return cell_features(line, width); }

// A node's address is its name: agents dial the controller, not back.
std::string cell_node_addr(const Line& line, int width) { return cell_node_list(line, width); }

std::string cell_default_time(const Line&, int) { return "n/a"; }
std::string cell_job_size(const Line&, int) { return "1-infinite"; }
std::string cell_root(const Line&, int) { return "no"; }
std::string cell_oversubscribe(const Line&, int) { return "NO"; }
std::string cell_groups(const Line&, int) { return "all"; }
std::string cell_one(const Line&, int) { return "1"; }
std::string cell_null(const Line&, int) { return "(null)"; }
std::string cell_na(const Line&, int) { return "N/A"; }
std::string cell_unknown(const Line&, int) { return "Unknown"; }

std::string cell_tmp_disk(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo&) { return uint64_t{0}; }, plain);
}

// Drover nodes are configured by CPU count alone, which Slurm reads as
// that many single-core sockets.
std::string cell_sockets(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo& n) { return uint64_t{n.cpus()}; }, plain);
}
std::string cell_cores(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo&) { return uint64_t{1}; }, plain);
}
std::string cell_sct(const Line& line, int width) { return cell_sockets(line, width) + ":1:1"; }

std::string cell_alloc_mem(const Line& line, int) {
  return min_plus(line, [](const pb::NodeInfo& n) { return n.alloc_mem_mb(); }, plain);
}

// Slurm's %T with every flag: "idle+drain", "mixed+drain".
std::string cell_state_complete(const Line& line, int) {
  if (line.nodes.empty()) return "n/a";
  const pb::NodeInfo& node = *line.nodes.front();
  std::string text = lower(node.state_long().empty() ? node.state() : node.state_long());
  if (node.not_responding()) text += "+not_responding";
  return text;
}

}  // namespace

constexpr Column kColumns[] = {
    // code, -O names, header, cut header, splits, numeric, partition field, cell
    {'P', "partition", "PARTITION", true, false, false, true, cell_partition},
    {'R', "partitionname", "PARTITION", true, false, false, true, cell_partition_name},
    {'a', "available", "AVAIL", true, false, false, true, cell_avail},
    {'l', "time", "TIMELIMIT", true, false, false, true, cell_time_limit},
    {'L', "defaulttime", "DEFAULTTIME", true, false, false, true, cell_default_time},
    {'s', "size", "JOB_SIZE", true, false, false, true, cell_job_size},
    {'r', "root", "ROOT", true, false, false, true, cell_root},
    {'h', "oversubscribe", "OVERSUBSCRIBE", true, false, false, true, cell_oversubscribe},
    {'g', "groups", "GROUPS", true, false, false, true, cell_groups},
    {'p', "prioritytier", "PRIO_TIER", true, false, false, true, cell_one},
    {'D', "nodes", "NODES", true, false, false, false, cell_node_count},
    {'t', "statecompact", "STATE", true, true, false, false, cell_state_compact},
    {'T', "statelong", "STATE", true, true, false, false, cell_state_long},
    {0, "statecomplete", "STATECOMPLETE", true, true, false, false, cell_state_complete},
    {'N', "nodelist", "NODELIST", false, false, false, false, cell_node_list},
    {'n', "nodehost", "HOSTNAMES", false, false, false, false, cell_hostnames},
    {'o', "nodeaddr", "NODE_ADDR", false, false, false, false, cell_node_addr},
    {'c', "cpus", "CPUS", true, false, true, false, cell_cpus},
    {'C', "cpusstate", "CPUS(A/I/O/T)", true, false, false, false, cell_cpus_aiot},
    {'A', "", "NODES(A/I)", true, false, false, false, cell_nodes_ai},
    {'F', "nodeaiot", "NODES(A/I/O/T)", true, false, false, false, cell_nodes_aiot},
    {'m', "memory", "MEMORY", true, false, true, false, cell_memory},
    {'e', "freemem", "FREE_MEM", true, false, false, false, cell_na},
    {0, "allocmem", "ALLOCMEM", true, false, true, false, cell_alloc_mem},
    {'d', "disk", "TMP_DISK", true, false, true, false, cell_tmp_disk},
    {'w', "weight", "WEIGHT", true, false, true, false, cell_weight},
    {0, "cpuspeed", "CPU_SPEED", true, false, true, false, cell_cpu_speed},
    {'f', "features", "AVAIL_FEATURES", true, true, false, false, cell_features},
    {'b', "features_act", "ACTIVE_FEATURES", true, true, false, false, cell_features_act},
    {'G', "gres", "GRES", true, true, false, false, cell_null},
    {0, "gresused", "GRES_USED", true, true, false, false, cell_null},
    {'E', "reason", "REASON", true, true, false, false, cell_reason},
    {'u', "user", "USER", true, true, false, false, cell_unknown},
    {'U', "userlong", "USER", true, true, false, false, cell_unknown},
    {'H', "timestamp", "TIMESTAMP", true, true, false, false, cell_unknown},
    {'z', "", "S:C:T", true, false, true, false, cell_sct},
    {'X', "sockets", "SOCKETS", true, false, true, false, cell_sockets},
    {'Y', "cores", "CORES", true, false, true, false, cell_cores},
    {'Z', "threads", "THREADS", true, false, true, false, cell_cores},
    {'O', "cpusload", "CPU_LOAD", true, false, false, false, cell_na},
    {'v', "version", "VERSION", true, true, false, false, cell_version},
};

const Column* find_column(char code) {
  if (code == 0) return nullptr;
  for (const Column& column : kColumns) {
    if (column.code == code) return &column;
  }
  return nullptr;
}

const Column* find_long_column(std::string_view name) {
  std::string wanted = lower(name);
  for (const Column& column : kColumns) {
    std::string_view names = column.names;
    while (!names.empty()) {
      size_t space = names.find(' ');
      if (names.substr(0, space) == wanted) return &column;
      names = space == std::string_view::npos ? "" : names.substr(space + 1);
    }
  }
  return nullptr;
}

}  // namespace drover::sinfo
