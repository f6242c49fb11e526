// Hostlist expressions as Slurm 22.05 reads and prints them (spec §8).
#include "drover/hostlist.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace drover::hostlist {
namespace {

// Spec §8: one bracketed range may name at most 256K hosts. The total cap
// keeps "a[0-99999][0-99999]" from exhausting memory (Slurm's MAX_PREFIX_CNT).
constexpr uint64_t kMaxHostsPerRange = 256 * 1024;
constexpr uint64_t kMaxHostsTotal = 1024 * 1024;
// More digits than this could overflow uint64_t; no real node needs them.
constexpr size_t kMaxDigits = 18;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= kMaxDigits &&
         std::all_of(text.begin(), text.end(), is_digit);
}

uint64_t to_number(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  return value;
}

size_t digit_count(uint64_t n) {
  size_t count = 1;
  while (n >= 10) {
    n /= 10;
    ++count;
  }
  return count;
}

std::string zero_padded(uint64_t n, size_t width) {
  std::string digits = std::to_string(n);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

std::string invalid_hostlist(std::string_view expression) {
  return "Invalid hostlist: " + std::string(expression);
}

// ---- Expansion ----

// One "lo-hi" (or "n") inside brackets. Width is that of the lower bound as
// written, so "9-011" prints 9 10 11 and "001-3" prints 001 002 003.
struct NumberRange {
  uint64_t lo = 0;
  uint64_t hi = 0;
  size_t width = 0;
  uint64_t count() const { return hi - lo + 1; }
};

Result<NumberRange> parse_single_range(std::string_view text) {
  auto fail = [&] {
    return Result<NumberRange>::fail("Invalid range: `" + std::string(text) + "'");
  };
  size_t dash = text.find('-');
  std::string_view lo_text = text.substr(0, dash);
  std::string_view hi_text = dash == std::string_view::npos ? lo_text : text.substr(dash + 1);
  // Anything but plain digits (steps "1-10:2", signs, boxes) is rejected.
  if (!all_digits(lo_text) || !all_digits(hi_text)) return fail();
  NumberRange range{to_number(lo_text), to_number(hi_text), lo_text.size()};
  if (range.lo > range.hi) return fail();
  if (range.count() > kMaxHostsPerRange) {
    return Result<NumberRange>::fail("Too many hosts in range `" + std::string(text) + "'");
  }
  return Result<NumberRange>::ok(range);
}

// The comma list between one pair of brackets, e.g. "01-03,7".
Result<std::vector<NumberRange>> parse_range_list(std::string_view body) {
  std::vector<NumberRange> ranges;
  while (true) {
    size_t comma = body.find(',');
    auto range = parse_single_range(body.substr(0, comma));
    if (!range) return Result<std::vector<NumberRange>>::fail(range.error());
    ranges.push_back(*range);
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  return Result<std::vector<NumberRange>>::ok(std::move(ranges));
}

// An item such as "rack[0-1]_blade[2,3]" split into literal text and the
// numbers each bracket group stands for, expanded in written order.
struct Segment {
  std::string literal;               // text before this segment's group
  std::vector<std::string> numbers;  // empty for the trailing literal
};

std::vector<std::string> expand_ranges(const std::vector<NumberRange>& ranges) {
  std::vector<std::string> numbers;
  for (const NumberRange& r : ranges) {
    for (uint64_t n = r.lo; n <= r.hi; ++n) numbers.push_back(zero_padded(n, r.width));
  }
  return numbers;
}

uint64_t count_hosts(const std::vector<NumberRange>& ranges) {
  uint64_t total = 0;
  for (const NumberRange& r : ranges) total += r.count();
  return total;
}

// Splits one item into segments; the last segment has no bracket group.
// Brackets are known to be balanced and unnested (split_items checked).
// `budget` is how many more hosts the whole expression may still produce.
Result<std::vector<Segment>> parse_item(std::string_view item, std::string_view expression,
                                        uint64_t budget) {
  using R = Result<std::vector<Segment>>;
  std::vector<Segment> segments;
  uint64_t product = 1;
  for (size_t open; (open = item.find('[')) != std::string_view::npos;) {
    size_t close = item.find(']', open);
    auto ranges = parse_range_list(item.substr(open + 1, close - open - 1));
    if (!ranges) return R::fail(ranges.error());
    product *= count_hosts(*ranges);
    if (product > budget) return R::fail(invalid_hostlist(expression));
    segments.push_back({std::string(item.substr(0, open)), expand_ranges(*ranges)});
    item.remove_prefix(close + 1);
  }
  // 22.05 rejects a suffix after the last group ("node[1-3]-ib").
  if (!segments.empty() && !item.empty()) return R::fail(invalid_hostlist(expression));
  segments.push_back({std::string(item), {}});
  return R::ok(std::move(segments));
}

// Cartesian product, leftmost group varying slowest:
// rack[0-1]_blade[2,3] -> rack0_blade2 rack0_blade3 rack1_blade2 rack1_blade3.
void emit_product(const std::vector<Segment>& segments, size_t index, std::string& name,
                  std::vector<std::string>& out) {
  const Segment& segment = segments[index];
  size_t mark = name.size();
  name += segment.literal;
  if (index + 1 == segments.size()) {
    out.push_back(name);
  } else {
    size_t with_literal = name.size();
    for (const std::string& number : segment.numbers) {
      name += number;
      emit_product(segments, index + 1, name, out);
      name.resize(with_literal);
    }
  }
  name.resize(mark);
}

bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t'; }

// Splits on separators outside brackets; consecutive separators are skipped.
// Unbalanced or nested brackets make the whole expression invalid.
Result<std::vector<std::string_view>> split_items(std::string_view expression) {
  using R = Result<std::vector<std::string_view>>;
  std::vector<std::string_view> items;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= expression.size(); ++i) {
    char c = i < expression.size() ? expression[i] : ',';
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0 || depth > 1) return R::fail(invalid_hostlist(expression));
    if (depth == 0 && is_separator(c)) {
      if (i > start) items.push_back(expression.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return R::fail(invalid_hostlist(expression));
  return R::ok(std::move(items));
}

// ---- Compression ----

// A name split as Slurm's hostname_create does: the trailing digit run is
// the number, everything before it the prefix. Names without one stay whole.
struct Host {
  std::string prefix;
  bool numeric = false;
  uint64_t number = 0;
  size_t width = 0;
};

Host parse_host(const std::string& name) {
  size_t end = name.size();
  size_t start = end;
  while (start > 0 && is_digit(name[start - 1])) --start;
  std::string_view digits = std::string_view(name).substr(start);
  if (digits.empty() || digits.size() > kMaxDigits) return Host{name};
  return Host{name.substr(0, start), true, to_number(digits), digits.size()};
}

// Hosts sharing a prefix with consecutive numbers, printed lo-hi at `width`.
struct HostRange {
  std::string prefix;
  bool numeric = false;
  uint64_t lo = 0;
  uint64_t hi = 0;
  size_t width = 0;
  bool shares_brackets_with(const HostRange& other) const {
    return numeric && other.numeric && prefix == other.prefix;
  }
};

size_t padding(uint64_t n, size_t width) {
  size_t digits = digit_count(n);
  return width > digits ? width - digits : 0;
}

// Slurm's _width_equiv: two widths may share a range when printing either
// number at the other's width keeps its zero padding, so node9+node10 join
// (at width 1) but node8+node010 do not. Returns the width to use.
std::optional<size_t> joint_width(uint64_t n, size_t wn, uint64_t m, size_t wm) {
  if (wn == wm) return wn;
  bool n_changes = padding(n, wn) != padding(n, wm);
  bool m_changes = padding(m, wm) != padding(m, wn);
  if (n_changes && m_changes) return std::nullopt;
  return n_changes ? wn : wm;
}

void append_host(std::vector<HostRange>& ranges, const Host& host) {
  if (!ranges.empty() && host.numeric) {
    HostRange& tail = ranges.back();
    if (tail.numeric && tail.prefix == host.prefix && tail.hi + 1 == host.number) {
      if (auto width = joint_width(tail.lo, tail.width, host.number, host.width)) {
        tail.hi = host.number;
        tail.width = *width;
        return;
      }
    }
  }
  ranges.push_back({host.prefix, host.numeric, host.number, host.number, host.width});
}

std::string number_text(const HostRange& range) {
  std::string text = zero_padded(range.lo, range.width);
  if (range.hi > range.lo) text += "-" + zero_padded(range.hi, range.width);
  return text;
}

// Consecutive ranges with one prefix share one pair of brackets; a lone
// host gets none ("node1"), a lone range does ("node[1-2]").
std::string render(const std::vector<HostRange>& ranges) {
  std::string out;
  for (size_t i = 0; i < ranges.size();) {
    if (!out.empty()) out += ',';
    const HostRange& first = ranges[i];
    if (!first.numeric) {
      out += first.prefix;
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < ranges.size() && ranges[end].shares_brackets_with(ranges[end - 1])) ++end;
    bool brackets = end - i > 1 || first.hi > first.lo;
    out += first.prefix;
    if (brackets) out += '[';
    for (size_t k = i; k < end; ++k) {
      if (k > i) out += ',';
      out += number_text(ranges[k]);
    }
    if (brackets) out += ']';
    i = end;
  }
  return out;
}

// strnatcmp as Slurm uses it for prefixes: digit runs compare by value, so
// rack2-node sorts before rack10-node; a run starting with 0 compares
// digit by digit (a "fractional" part).
int compare_digits_left(std::string_view a, std::string_view b) {
  for (size_t i = 0;; ++i) {
    bool da = i < a.size() && is_digit(a[i]);
    bool db = i < b.size() && is_digit(b[i]);
    if (!da && !db) return 0;
    if (!da) return -1;
    if (!db) return 1;
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
}

int compare_digits_right(std::string_view a, std::string_view b) {
  int bias = 0;
  for (size_t i = 0;; ++i) {
    bool da = i < a.size() && is_digit(a[i]);
    bool db = i < b.size() && is_digit(b[i]);
    if (!da && !db) return bias;
    if (!da) return -1;  // shorter run is the smaller number
    if (!db) return 1;
    if (bias == 0 && a[i] != b[i]) bias = a[i] < b[i] ? -1 : 1;
  }
}

int natural_compare(std::string_view a, std::string_view b) {
  size_t i = 0;
  while (true) {
    unsigned char ca = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char cb = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    if (is_digit(static_cast<char>(ca)) && is_digit(static_cast<char>(cb))) {
      int result = (ca == '0' || cb == '0') ? compare_digits_left(a.substr(i), b.substr(i))
                                            : compare_digits_right(a.substr(i), b.substr(i));
      if (result != 0) return result;
    }
    if (ca == 0 && cb == 0) return 0;
    if (ca != cb) return ca < cb ? -1 : 1;
    ++i;
  }
}

// Slurm's hostrange_cmp on single hosts: prefix, names without a number
// first, then -- because of the width-equivalence rule -- width, then value.
// (For unpadded numbers width order is value order: node9 < node10.)
bool host_less(const Host& a, const Host& b) {
  if (int c = natural_compare(a.prefix, b.prefix); c != 0) return c < 0;
  if (a.numeric != b.numeric) return !a.numeric;
  if (a.width != b.width) return a.width < b.width;
  return a.number < b.number;
}

std::vector<Host> parse_hosts(const std::vector<std::string>& names) {
  std::vector<Host> hosts;
  hosts.reserve(names.size());
  for (const std::string& name : names) hosts.push_back(parse_host(name));
  return hosts;
}

std::string compress_hosts(const std::vector<Host>& hosts) {
  std::vector<HostRange> ranges;
  for (const Host& host : hosts) append_host(ranges, host);
  return render(ranges);
}

}  // namespace

Result<std::vector<std::string>> expand(std::string_view expression) {
  using R = Result<std::vector<std::string>>;
  auto items = split_items(expression);
  if (!items) return R::fail(items.error());
  std::vector<std::string> names;
  for (std::string_view item : *items) {
    auto segments = parse_item(item, expression, kMaxHostsTotal - names.size());
    if (!segments) return R::fail(segments.error());
    std::string scratch;
    emit_product(*segments, 0, scratch, names);
  }
  return R::ok(std::move(names));
}

std::string compress(const std::vector<std::string>& names) {
  return compress_hosts(parse_hosts(names));
}

// Sorting single hosts and then joining neighbours gives what Slurm's
// hostlist_sort (sort ranges, split overlaps, collapse) prints, including
// kept duplicates: {"n1","n1"} -> "n[1,1]".
std::string compress_sorted(std::vector<std::string> names) {
  std::vector<Host> hosts = parse_hosts(names);
  std::stable_sort(hosts.begin(), hosts.end(), host_less);
  return compress_hosts(hosts);
}

}  // namespace drover::hostlist
