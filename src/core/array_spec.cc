// Job array index sets (spec §1.3, §3.4).
#include "drover/array_spec.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace drover {

namespace {

constexpr const char* kInvalidArraySpec = "Invalid job array specification";

// Intervals are kept merged when they merely touch, so the arithmetic is done
// in 64 bits: last + 1 must not wrap at UINT32_MAX.
bool touches_or_overlaps(const TaskSet::Interval& earlier, uint32_t next_first) {
  return uint64_t{next_first} <= uint64_t{earlier.second} + 1;
}

// Parses a run of decimal digits that must fill `text` exactly. A sign, an
// empty string or a value above UINT32_MAX is rejected: Slurm would refuse
// every one of them later anyway, and strictness keeps junk from slipping by.
std::optional<uint32_t> parse_index(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(),
                                   [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(separator, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

// One "N", "A-B" or "A-B:S" item; step stays 0 when the item has none.
struct RangeToken {
  uint32_t first = 0;
  uint32_t last = 0;
  uint32_t step = 0;
};

std::optional<RangeToken> parse_range_token(std::string_view token, bool allow_step) {
  RangeToken range;
  size_t dash = token.find('-');
  if (dash == std::string_view::npos) {
    auto single = parse_index(token);
    if (!single) return std::nullopt;
    range.first = range.last = *single;
    return range;
  }
  std::string_view upper = token.substr(dash + 1);
  if (size_t colon = upper.find(':'); colon != std::string_view::npos) {
    if (!allow_step) return std::nullopt;
    auto step = parse_index(upper.substr(colon + 1));
    if (!step || *step == 0) return std::nullopt;
    range.step = *step;
    upper = upper.substr(0, colon);
  }
  auto first = parse_index(token.substr(0, dash));
  auto last = parse_index(upper);
  if (!first || !last || *last < *first) return std::nullopt;
  range.first = *first;
  range.last = *last;
  return range;
}

// Brackets are tolerated per token ("[1-3]", "[0,4-6]"), as the controller
// strips one leading '[' and one trailing ']' from each comma item.
std::string_view strip_brackets(std::string_view token) {
  if (!token.empty() && token.front() == '[') token.remove_prefix(1);
  if (!token.empty() && token.back() == ']') token.remove_suffix(1);
  return token;
}

// Adds first..last in steps; a plain range stays one interval however large.
void add_stepped(std::vector<TaskSet::Interval>& out, const RangeToken& range) {
  if (range.step <= 1) {
    out.emplace_back(range.first, range.last);
    return;
  }
  for (uint64_t id = range.first; id <= range.last; id += range.step) {
    out.emplace_back(static_cast<uint32_t>(id), static_cast<uint32_t>(id));
  }
}

// The stride of a set Slurm prints as "first-last:step": more than 5 tasks
// spanning more than 10 indices, all equally spaced and never adjacent (a
// contiguous run reads better as "A-B").
std::optional<uint32_t> even_stride(const std::vector<TaskSet::Interval>& intervals,
                                    uint64_t count) {
  if (count <= 5 || intervals.size() < 2 ||
      intervals.back().second - intervals.front().first <= 10) {
    return std::nullopt;
  }
  uint32_t stride = intervals[1].first - intervals[0].first;
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (intervals[i].first != intervals[i].second) return std::nullopt;
    if (i > 0 && intervals[i].first - intervals[i - 1].first != stride) return std::nullopt;
  }
  return stride;
}

std::string format_interval(const TaskSet::Interval& interval) {
  if (interval.first == interval.second) return std::to_string(interval.first);
  return std::to_string(interval.first) + "-" + std::to_string(interval.second);
}

}  // namespace

TaskSet::TaskSet(std::vector<Interval> intervals) {
  // An inverted interval describes no tasks.
  std::erase_if(intervals, [](const Interval& iv) { return iv.first > iv.second; });
  std::sort(intervals.begin(), intervals.end());
  for (const Interval& iv : intervals) {
    if (!intervals_.empty() && touches_or_overlaps(intervals_.back(), iv.first)) {
      intervals_.back().second = std::max(intervals_.back().second, iv.second);
    } else {
      intervals_.push_back(iv);
    }
  }
}

void TaskSet::add(uint32_t id) { add_range(id, id); }

void TaskSet::add_range(uint32_t first, uint32_t last) {
  if (first > last) return;
  // The first interval that ends at or after first - 1 is the first one the
  // new range can merge with; ends are sorted because intervals are disjoint.
  auto begin = std::lower_bound(
      intervals_.begin(), intervals_.end(), first,
      [](const Interval& iv, uint32_t value) { return !touches_or_overlaps(iv, value); });
  Interval merged{first, last};
  auto end = begin;
  while (end != intervals_.end() && uint64_t{end->first} <= uint64_t{last} + 1) {
    merged.first = std::min(merged.first, end->first);
    merged.second = std::max(merged.second, end->second);
    ++end;
  }
  if (begin == end) {
    intervals_.insert(begin, merged);
    return;
  }
  *begin = merged;
  intervals_.erase(begin + 1, end);
}

bool TaskSet::remove(uint32_t id) {
  auto it = std::lower_bound(intervals_.begin(), intervals_.end(), id,
                             [](const Interval& iv, uint32_t value) { return iv.second < value; });
  if (it == intervals_.end() || it->first > id) return false;
  if (it->first == it->second) {
    intervals_.erase(it);
  } else if (id == it->first) {
    ++it->first;
  } else if (id == it->second) {
    --it->second;
  } else {
    Interval upper{id + 1, it->second};
    it->second = id - 1;
    intervals_.insert(it + 1, upper);
  }
  return true;
}

bool TaskSet::contains(uint32_t id) const {
  auto it = std::lower_bound(intervals_.begin(), intervals_.end(), id,
                             [](const Interval& iv, uint32_t value) { return iv.second < value; });
  return it != intervals_.end() && it->first <= id;
}

uint64_t TaskSet::count() const {
  uint64_t total = 0;
  for (const Interval& iv : intervals_) total += uint64_t{iv.second} - iv.first + 1;
  return total;
}

uint32_t TaskSet::first() const { return intervals_.front().first; }

uint32_t TaskSet::last() const { return intervals_.back().second; }

uint32_t TaskSet::pop_first() {
  uint32_t id = first();
  remove(id);
  return id;
}

std::string TaskSet::to_string() const {
  if (intervals_.empty()) return "";
  if (auto stride = even_stride(intervals_, count())) {
    return std::to_string(first()) + "-" + std::to_string(last()) + ":" +
           std::to_string(*stride);
  }
  std::string out;
  for (const Interval& iv : intervals_) {
    if (!out.empty()) out += ',';
    out += format_interval(iv);
  }
  return out;
}

std::string array_limit_error(uint64_t task_id, uint32_t max_array_size, std::string_view limit_source) {
  std::string out = std::string(kInvalidArraySpec) + " (task id " + std::to_string(task_id) +
                    " is not below max_array_size=" + std::to_string(max_array_size);
  if (!limit_source.empty()) out += " in " + std::string(limit_source);
  return out + ")";
}

Result<ArraySpec> parse_array_spec(std::string_view text, uint32_t max_array_size, std::string_view limit_source) {
  using R = Result<ArraySpec>;
  ArraySpec spec;
  if (size_t percent = text.find('%'); percent != std::string_view::npos) {
    auto throttle = parse_index(text.substr(percent + 1));
    if (!throttle) return R::fail(kInvalidArraySpec);
    spec.throttle = *throttle;
    text = text.substr(0, percent);
  }
  bool step_seen = false;
  std::vector<TaskSet::Interval> intervals;
  for (std::string_view token : split(text, ',')) {
    // Like strtok in the controller, empty items between commas are skipped.
    if (token.empty()) continue;
    auto range = parse_range_token(strip_brackets(token), /*allow_step=*/true);
    if (!range) return R::fail(kInvalidArraySpec);
    // Slurm's MaxArraySize: every task id must be below it; say which limit.
    if (range->last >= max_array_size) return R::fail(array_limit_error(range->last, max_array_size, limit_source));
    if (range->step != 0) {
      if (range->step >= max_array_size) return R::fail(kInvalidArraySpec);
      // SLURM_ARRAY_TASK_STEP reports the first step written in the spec.
      if (!step_seen) spec.step = range->step;
      step_seen = true;
    }
    add_stepped(intervals, *range);
  }
  if (intervals.empty()) return R::fail(kInvalidArraySpec);
  spec.tasks = TaskSet(std::move(intervals));
  return R::ok(std::move(spec));
}

Result<TaskSet> parse_task_list(std::string_view text) {
  using R = Result<TaskSet>;
  std::vector<TaskSet::Interval> intervals;
  for (std::string_view token : split(text, ',')) {
    auto range = parse_range_token(token, /*allow_step=*/false);
    if (!range) return R::fail(kInvalidArraySpec);
    intervals.emplace_back(range->first, range->last);
  }
  return R::ok(TaskSet(std::move(intervals)));
}

}  // namespace drover
