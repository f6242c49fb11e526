// sinfo's partition and node views (spec §4, §13). Lines are grouped,
// sorted and padded the way Slurm's sinfo.c, sort.c and print.c do it.
#include "drover/sinfo_format.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "drover/format_spec.h"
#include "drover/hostlist.h"
#include "drover/time_format.h"

namespace drover {
namespace {

// Slurm's MIN_PART_FIELD_SIZE / MIN_NODE_FIELD_SIZE, the floor of "%#" widths.
constexpr size_t kMinFittedWidth = 9;

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

// What sinfo knows of a node's state, rebuilt from the compact name the
// controller sends.
struct NodeState {
  uint32_t value = kStateUnknown;  // Slurm's base | flags
  std::string compact;             // "idle*"
  std::string long_name;           // "idle*"
};

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

// ---- lines ---------------------------------------------------------------

// One output row: a partition and the nodes grouped under it.
struct Line {
  size_t part_index = 0;
  const pb::PartitionInfo* part = nullptr;
  std::vector<const pb::NodeInfo*> nodes;
  std::string key;  // the node fields that split groups
};

uint32_t line_state_value(const Line& line) {
  return line.nodes.empty() ? kStateUnknown : node_state(*line.nodes.front()).value;
}

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

using CellFn = std::string (*)(const Line& line, int width);

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

struct Column {
  char code;
  std::string_view header;
  bool cut_header;   // Slurm never cuts the NODELIST header
  bool splits;       // nodes differing in this field go on separate lines
  CellFn cell;
};

constexpr Column kColumns[] = {
    {'P', "PARTITION", true, false, cell_partition},
    {'R', "PARTITION", true, false, cell_partition_name},
    {'a', "AVAIL", true, false, cell_avail},
    {'l', "TIMELIMIT", true, false, cell_time_limit},
    {'D', "NODES", true, false, cell_node_count},
    {'t', "STATE", true, true, cell_state_compact},
    {'T', "STATE", true, true, cell_state_long},
    {'N', "NODELIST", false, false, cell_node_list},
    {'n', "HOSTNAMES", false, false, cell_hostnames},
    {'c', "CPUS", true, false, cell_cpus},
    {'C', "CPUS(A/I/O/T)", true, false, cell_cpus_aiot},
    {'m', "MEMORY", true, false, cell_memory},
    {'w', "WEIGHT", true, false, cell_weight},
    {'f', "AVAIL_FEATURES", true, true, cell_features},
    {'E', "REASON", true, true, cell_reason},
    {'v', "VERSION", true, true, cell_version},
    {'A', "NODES(A/I)", true, false, cell_nodes_ai},
    {'F', "NODES(A/I/O/T)", true, false, cell_nodes_aiot},
};

const Column* find_column(char code) {
  for (const Column& column : kColumns) {
    if (column.code == code) return &column;
  }
  return nullptr;
}

// ---- format ----------------------------------------------------------------

struct Field {
  const Column* column = nullptr;  // null: literal text
  std::string text;
  int width = 0;
  bool right = false;
  bool fitted = false;  // '#': as wide as the widest value, at least 9
};

// Parses "%[.][#][width]code" fields and the literal text around them.
Result<std::vector<Field>> parse_format(std::string_view format) {
  auto pieces = parse_format_spec(
      format, [](char code) { return find_column(code) != nullptr; },
      "Invalid node format specification: ", /*allow_fitted=*/true);
  if (!pieces) return Result<std::vector<Field>>::fail(pieces.error());
  std::vector<Field> fields;
  for (FormatPiece& piece : *pieces) {
    const Column* column = piece.code ? find_column(piece.code) : nullptr;
    fields.push_back(Field{column, std::move(piece.text), piece.width, piece.right, piece.fitted});
  }
  return Result<std::vector<Field>>::ok(std::move(fields));
}

// Settles "%#" widths from the lines about to print. In the -N view Slurm
// right-justifies the partition column ("partition:.9" in its own format).
void fit_widths(std::vector<Field>& fields, const std::vector<Line>& lines, bool node_oriented) {
  for (Field& field : fields) {
    if (!field.column || !field.fitted) continue;
    size_t width = kMinFittedWidth;
    for (const Line& line : lines) width = std::max(width, field.column->cell(line, 0).size());
    field.width = static_cast<int>(width);
    if (node_oriented && field.column->code == 'P') field.right = true;
  }
}

void append_cell(std::string& out, std::string_view text, const Field& field, bool cut) {
  append_padded(out, text, field.width, field.right, cut);
}

void append_row(std::string& out, const std::vector<Field>& fields, const Line* line) {
  for (const Field& field : fields) {
    if (!field.column) {
      out += field.text;
    } else if (!line) {
      append_cell(out, field.column->header, field, field.column->cut_header);
    } else {
      append_cell(out, field.column->cell(*line, field.width), field, true);
    }
  }
  out += '\n';
}

// ---- grouping --------------------------------------------------------------

std::string group_key(const pb::PartitionInfo& part, const pb::NodeInfo& node,
                      const std::vector<Field>& fields) {
  Line single{0, &part, {&node}, ""};
  std::string key;
  for (const Field& field : fields) {
    if (!field.column || !field.column->splits) continue;
    key += field.column->cell(single, 0);
    key += '\x1f';
  }
  return key;
}

bool partition_wanted(const pb::PartitionInfo& part, const SinfoOptions& options) {
  const auto& wanted = options.partitions;
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), part.name()) != wanted.end();
}

// The partition's nodes that pass the filters, each once, in config order.
std::vector<const pb::NodeInfo*> partition_nodes(
    const pb::PartitionInfo& part,
    const std::unordered_map<std::string_view, const pb::NodeInfo*>& by_name,
    const std::vector<uint32_t>& wanted_states) {
  std::vector<const pb::NodeInfo*> nodes;
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : part.nodes()) {
    auto it = by_name.find(name);
    if (it == by_name.end() || !seen.insert(name).second) continue;
    if (node_wanted(*it->second, wanted_states)) nodes.push_back(it->second);
  }
  return nodes;
}

// Slurm's node list sort ("N"): at the first differing character, numbers
// compare by value, anything else as strings.
bool node_name_before(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  bool digits = i < a.size() && i < b.size() && std::isdigit(static_cast<unsigned char>(a[i])) &&
                std::isdigit(static_cast<unsigned char>(b[i]));
  if (!digits) return a.compare(i, a.npos, b, i, b.npos) < 0;
  auto number = [i](const std::string& s) {
    size_t end = i;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
    return std::stoull(s.substr(i, std::min<size_t>(end - i, 18)));
  };
  return number(a) < number(b);
}

std::vector<Line> node_lines(const pb::ListNodesReply& cluster, const SinfoOptions& options,
                             const std::unordered_map<std::string_view, const pb::NodeInfo*>& by_name,
                             const std::vector<uint32_t>& wanted_states) {
  std::vector<Line> lines;
  for (int p = 0; p < cluster.partitions_size(); ++p) {
    const pb::PartitionInfo& part = cluster.partitions(p);
    if (!partition_wanted(part, options)) continue;
    for (const pb::NodeInfo* node : partition_nodes(part, by_name, wanted_states)) {
      lines.push_back(Line{static_cast<size_t>(p), &part, {node}, ""});
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return node_name_before(a.nodes.front()->name(), b.nodes.front()->name());
  });
  return lines;
}

// Every wanted partition gets at least one line, even with no nodes to show.
// Rows sort as Slurm's default "#P,-t": config order, then state value
// descending.
std::vector<Line> partition_lines(
    const pb::ListNodesReply& cluster, const SinfoOptions& options,
    const std::unordered_map<std::string_view, const pb::NodeInfo*>& by_name,
    const std::vector<uint32_t>& wanted_states, const std::vector<Field>& fields) {
  std::vector<Line> lines;
  for (int p = 0; p < cluster.partitions_size(); ++p) {
    const pb::PartitionInfo& part = cluster.partitions(p);
    if (!partition_wanted(part, options)) continue;
    size_t first = lines.size();
    for (const pb::NodeInfo* node : partition_nodes(part, by_name, wanted_states)) {
      std::string key = group_key(part, *node, fields);
      auto it = std::find_if(lines.begin() + first, lines.end(),
                             [&](const Line& line) { return line.key == key; });
      if (it == lines.end()) {
        lines.push_back(Line{static_cast<size_t>(p), &part, {node}, std::move(key)});
      } else {
        it->nodes.push_back(node);
      }
    }
    if (lines.size() == first) lines.push_back(Line{static_cast<size_t>(p), &part, {}, ""});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    if (a.part_index != b.part_index) return a.part_index < b.part_index;
    return line_state_value(a) > line_state_value(b);
  });
  return lines;
}

}  // namespace

Result<std::string> format_sinfo(const pb::ListNodesReply& cluster, const SinfoOptions& options) {
  auto fields = parse_format(options.format);
  if (!fields) return Result<std::string>::fail(fields.error());
  auto wanted_states = parse_state_filters(options.states);
  if (!wanted_states) return Result<std::string>::fail(wanted_states.error());

  std::unordered_map<std::string_view, const pb::NodeInfo*> by_name;
  for (const pb::NodeInfo& node : cluster.nodes()) by_name.emplace(node.name(), &node);

  std::vector<Line> lines =
      options.node_oriented ? node_lines(cluster, options, by_name, *wanted_states)
                            : partition_lines(cluster, options, by_name, *wanted_states, *fields);
  fit_widths(*fields, lines, options.node_oriented);

  std::string out;
  if (options.header) append_row(out, *fields, nullptr);
  for (const Line& line : lines) append_row(out, *fields, &line);
  return Result<std::string>::ok(std::move(out));
}

}  // namespace drover
