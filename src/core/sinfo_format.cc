// sinfo's partition, node and reasons views (spec §4, §13). Lines are
// grouped, sorted and padded the way Slurm's sinfo.c, sort.c and print.c do.
#include "drover/sinfo_format.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "drover/format_spec.h"
#include "drover/hostlist.h"
#include "sinfo_columns.h"

namespace drover {
namespace {

using sinfo::Column;
using sinfo::Line;

// Slurm's MIN_PART_FIELD_SIZE / MIN_NODE_FIELD_SIZE, the floor of "%#" widths.
constexpr size_t kMinFittedWidth = 9;

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
      format, [](char code) { return sinfo::find_column(code) != nullptr; },
      "Invalid node format specification: ", /*allow_fitted=*/true);
  if (!pieces) return Result<std::vector<Field>>::fail(pieces.error());
  std::vector<Field> fields;
  for (FormatPiece& piece : *pieces) {
    const Column* column = piece.code ? sinfo::find_column(piece.code) : nullptr;
    fields.push_back(Field{column, std::move(piece.text), piece.width, piece.right, piece.fitted});
  }
  return Result<std::vector<Field>>::ok(std::move(fields));
}

// Parses -O "Name[:[.][width][suffix]],..." as Slurm's sinfo does: names
// are case-insensitive, the width defaults to 20, left-justified.
Result<std::vector<Field>> parse_long_format(std::string_view format) {
  using R = Result<std::vector<Field>>;
  Result<std::vector<LongField>> parsed = parse_long_fields(format, "Invalid node format specification: ");
  if (!parsed) return R::fail(parsed.error());
  std::vector<Field> fields;
  for (LongField& f : *parsed) {
    const Column* column = sinfo::find_long_column(f.name);
    if (!column) return R::fail("Invalid node format specification: " + f.name);
    fields.push_back(Field{column, "", f.width, f.right});
    if (!f.suffix.empty()) fields.push_back(Field{nullptr, std::move(f.suffix)});
  }
  return R::ok(std::move(fields));
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

void append_row(std::string& out, const std::vector<Field>& fields, const Line* line) {
  for (const Field& field : fields) {
    if (!field.column) {
      out += field.text;
    } else if (!line) {
      append_padded(out, field.column->header, field.width, field.right, field.column->cut_header);
    } else {
      append_padded(out, field.column->cell(*line, field.width), field.width, field.right, true);
    }
  }
  out += '\n';
}

// ---- grouping --------------------------------------------------------------

bool splits(const Column& column, bool exact) { return column.splits || (exact && column.numeric); }

std::string group_key(const pb::PartitionInfo* part, const pb::NodeInfo& node,
                      const std::vector<Field>& fields, bool exact) {
  Line single{0, part, {&node}, ""};
  std::string key;
  for (const Field& field : fields) {
    if (!field.column || !splits(*field.column, exact)) continue;
    key += field.column->cell(single, 0);
    key += '\x1f';
  }
  return key;
}

bool shows_partition(const std::vector<Field>& fields) {
  return std::any_of(fields.begin(), fields.end(),
                     [](const Field& f) { return f.column && f.column->partition_field; });
}

bool partition_wanted(const pb::PartitionInfo& part, const SinfoOptions& options) {
  const auto& wanted = options.partitions;
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), part.name()) != wanted.end();
}

// -R lists only nodes an admin or a failure took out of service.
bool has_problem(const pb::NodeInfo& node) {
  uint32_t value = sinfo::node_state(node).value;
  return sinfo::base_of(value) == sinfo::kStateDown || (value & (sinfo::kFlagDrain | sinfo::kFlagFail));
}

struct NodeFilter {
  const SinfoOptions& options;
  std::vector<uint32_t> states;
  bool operator()(const pb::NodeInfo& node) const {
    if (!options.nodes.empty() &&
        std::find(options.nodes.begin(), options.nodes.end(), node.name()) == options.nodes.end()) {
      return false;
    }
    uint32_t value = sinfo::node_state(node).value;
    bool responding = !(value & sinfo::kFlagNoRespond);
    if (options.responding_only && !responding) return false;
    if (options.dead_only && responding) return false;
    if (options.reasons && !has_problem(node)) return false;
    return sinfo::node_wanted(node, states);
  }
};

using NodeIndex = std::unordered_map<std::string_view, const pb::NodeInfo*>;

// The partition's nodes that pass the filters, each once, in config order.
std::vector<const pb::NodeInfo*> partition_nodes(const pb::PartitionInfo& part, const NodeIndex& by_name,
                                                 const NodeFilter& wanted) {
  std::vector<const pb::NodeInfo*> nodes;
  std::unordered_set<std::string_view> seen;
  for (const std::string& name : part.nodes()) {
    auto it = by_name.find(name);
    if (it == by_name.end() || !seen.insert(name).second) continue;
    if (wanted(*it->second)) nodes.push_back(it->second);
  }
  return nodes;
}

// Without a partition field, every node of the wanted partitions once.
std::vector<const pb::NodeInfo*> all_nodes(const pb::ListNodesReply& cluster, const SinfoOptions& options,
                                           const NodeFilter& wanted) {
  std::unordered_set<std::string_view> in_wanted_partition;
  for (const pb::PartitionInfo& part : cluster.partitions()) {
    if (!partition_wanted(part, options)) continue;
    for (const std::string& name : part.nodes()) in_wanted_partition.insert(name);
  }
  std::vector<const pb::NodeInfo*> nodes;
  for (const pb::NodeInfo& node : cluster.nodes()) {
    if (options.partitions.empty() || in_wanted_partition.count(node.name())) {
      if (wanted(node)) nodes.push_back(&node);
    }
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
                             const NodeIndex& by_name, const NodeFilter& wanted, bool per_partition) {
  std::vector<Line> lines;
  if (per_partition) {
    for (int p = 0; p < cluster.partitions_size(); ++p) {
      const pb::PartitionInfo& part = cluster.partitions(p);
      if (!partition_wanted(part, options)) continue;
      for (const pb::NodeInfo* node : partition_nodes(part, by_name, wanted)) {
        lines.push_back(Line{static_cast<size_t>(p), &part, {node}, ""});
      }
    }
  } else {
    for (const pb::NodeInfo* node : all_nodes(cluster, options, wanted)) lines.push_back(Line{0, nullptr, {node}, ""});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return node_name_before(a.nodes.front()->name(), b.nodes.front()->name());
  });
  return lines;
}

uint32_t line_state_value(const Line& line) {
  return line.nodes.empty() ? sinfo::kStateUnknown : sinfo::node_state(*line.nodes.front()).value;
}

// Adds each node to the line of its group (first-seen order).
void group_into(std::vector<Line>& lines, size_t first, size_t part_index, const pb::PartitionInfo* part,
                const std::vector<const pb::NodeInfo*>& nodes, const std::vector<Field>& fields, bool exact) {
  for (const pb::NodeInfo* node : nodes) {
    std::string key = group_key(part, *node, fields, exact);
    auto it = std::find_if(lines.begin() + static_cast<std::ptrdiff_t>(first), lines.end(),
                           [&](const Line& line) { return line.key == key; });
    if (it == lines.end()) {
      lines.push_back(Line{part_index, part, {node}, std::move(key)});
    } else {
      it->nodes.push_back(node);
    }
  }
}

// With a partition field every wanted partition gets at least one line,
// even with no nodes to show. Rows sort as Slurm's default "#P,-t": config
// order, then state value descending.
std::vector<Line> partition_lines(const pb::ListNodesReply& cluster, const SinfoOptions& options,
                                  const NodeIndex& by_name, const NodeFilter& wanted,
                                  const std::vector<Field>& fields) {
  std::vector<Line> lines;
  if (!shows_partition(fields)) {
    group_into(lines, 0, 0, nullptr, all_nodes(cluster, options, wanted), fields, options.exact);
  } else {
    for (int p = 0; p < cluster.partitions_size(); ++p) {
      const pb::PartitionInfo& part = cluster.partitions(p);
      if (!partition_wanted(part, options)) continue;
      size_t first = lines.size();
      group_into(lines, first, static_cast<size_t>(p), &part, partition_nodes(part, by_name, wanted), fields,
                 options.exact);
      if (lines.size() == first) lines.push_back(Line{static_cast<size_t>(p), &part, {}, ""});
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    if (a.part_index != b.part_index) return a.part_index < b.part_index;
    return line_state_value(a) > line_state_value(b);
  });
  return lines;
}

// ---- -S ----------------------------------------------------------------------

struct SortKey {
  char code;
  bool descending;
  bool config_order;  // "#P": partitions in configuration order
};

Result<std::vector<SortKey>> parse_sort(std::string_view spec) {
  using R = Result<std::vector<SortKey>>;
  std::vector<SortKey> keys;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view token = spec.substr(start, end - start);
    start = end + 1;
    if (token.empty()) continue;
    SortKey key{0, false, false};
    if (token.front() == '-' || token.front() == '+') {
      key.descending = token.front() == '-';
      token.remove_prefix(1);
    }
    if (!token.empty() && token.front() == '#') {
      key.config_order = true;
      token.remove_prefix(1);
    }
    if (token.size() != 1 || !sinfo::find_column(token.front())) {
      return R::fail("Invalid sort specification: " + std::string(token));
    }
    key.code = token.front();
    keys.push_back(key);
  }
  return R::ok(std::move(keys));
}

// Slurm's sort.c: states and sizes compare as numbers, node lists by their
// first node's name, anything else as printed.
int compare_lines(const SortKey& key, const Line& a, const Line& b) {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : y < x ? 1 : 0; };
  auto first_node = [](const Line& l) { return l.nodes.empty() ? std::string() : l.nodes.front()->name(); };
  auto min_of = [](const Line& l, auto get) {
    uint64_t m = UINT64_MAX;
    for (const pb::NodeInfo* n : l.nodes) m = std::min<uint64_t>(m, get(*n));
    return l.nodes.empty() ? 0 : m;
  };
  switch (key.code) {
    case 'P':
    case 'R':
      if (key.config_order) return three_way(a.part_index, b.part_index);
      break;
    case 't':
    case 'T':
      return three_way(line_state_value(a), line_state_value(b));
    case 'N':
    case 'n':
    case 'o': {
      std::string x = first_node(a), y = first_node(b);
      return node_name_before(x, y) ? -1 : node_name_before(y, x) ? 1 : 0;
    }
    case 'D':
      return three_way(a.nodes.size(), b.nodes.size());
    case 'c':
      return three_way(min_of(a, [](const pb::NodeInfo& n) { return n.cpus(); }),
                       min_of(b, [](const pb::NodeInfo& n) { return n.cpus(); }));
    case 'm':
      return three_way(min_of(a, [](const pb::NodeInfo& n) { return n.memory_mb(); }),
                       min_of(b, [](const pb::NodeInfo& n) { return n.memory_mb(); }));
    case 'w':
      return three_way(min_of(a, [](const pb::NodeInfo& n) { return n.weight(); }),
                       min_of(b, [](const pb::NodeInfo& n) { return n.weight(); }));
    case 'l':
      if (a.part && b.part) return three_way(a.part->max_time_min() - 1u, b.part->max_time_min() - 1u);
      break;
    default:
      break;
  }
  const Column* column = sinfo::find_column(key.code);
  // A partition cell needs a partition; a format without one has none.
  if (column->partition_field && (!a.part || !b.part)) return 0;
  int c = column->cell(a, 0).compare(column->cell(b, 0));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

void sort_lines(std::vector<Line>& lines, const std::vector<SortKey>& keys) {
  std::stable_sort(lines.begin(), lines.end(), [&](const Line& a, const Line& b) {
    for (const SortKey& key : keys) {
      int c = compare_lines(key, a, b);
      if (c != 0) return key.descending ? c > 0 : c < 0;
    }
    return false;
  });
}

}  // namespace

std::string sinfo_view_format(bool node_oriented, bool long_format, bool summarize, bool reasons) {
  if (reasons) return std::string(long_format ? kSinfoReasonLongFormat : kSinfoReasonFormat);
  if (node_oriented) return std::string(long_format ? kSinfoNodeLongFormat : kSinfoNodeFormat);
  if (summarize) return std::string(kSinfoSummaryFormat);
  return std::string(long_format ? kSinfoLongFormat : kSinfoDefaultFormat);
}

Result<std::string> format_sinfo(const pb::ListNodesReply& cluster, const SinfoOptions& options) {
  auto fields = options.long_fields ? parse_long_format(options.format) : parse_format(options.format);
  if (!fields) return Result<std::string>::fail(fields.error());
  auto wanted_states = sinfo::parse_state_filters(options.states);
  if (!wanted_states) return Result<std::string>::fail(wanted_states.error());
  NodeFilter wanted{options, std::move(*wanted_states)};

  NodeIndex by_name;
  for (const pb::NodeInfo& node : cluster.nodes()) by_name.emplace(node.name(), &node);

  std::vector<Line> lines = options.node_oriented
                                ? node_lines(cluster, options, by_name, wanted, shows_partition(*fields))
                                : partition_lines(cluster, options, by_name, wanted, *fields);
  if (!options.sort.empty()) {
    auto keys = parse_sort(options.sort);
    if (!keys) return Result<std::string>::fail(keys.error());
    sort_lines(lines, *keys);
  }
  fit_widths(*fields, lines, options.node_oriented);

  std::string out;
  if (options.header) append_row(out, *fields, nullptr);
  for (const Line& line : lines) append_row(out, *fields, &line);
  return Result<std::string>::ok(std::move(out));
}

}  // namespace drover
