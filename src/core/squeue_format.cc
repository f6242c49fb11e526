// squeue's -o and -O format languages, array expansion and sorting (spec
// §0, §3). Column widths, justification and truncation follow Slurm's
// print.c: text is cut to the column width, durations and node lists never
// are; a header is printed with the same widths and suffixes as its rows.
#include "drover/squeue_format.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "drover/array_spec.h"
#include "drover/format_spec.h"
#include "squeue_columns.h"

namespace drover {
namespace {

using squeue::Cell;
using squeue::Column;

const Column* column_of(const SqueueField& field) { return static_cast<const Column*>(field.column); }

SqueueField literal(std::string text) { return SqueueField{nullptr, std::move(text), 0, false}; }

// Slurm's "%all": every known letter, a-z then A-Z, each followed by '|'
// but the last; letters without a column are dropped with their '|'.
SqueueLayout all_fields() {
  SqueueLayout layout;
  std::string codes = squeue::all_codes();
  for (size_t i = 0; i < codes.size(); ++i) {
    layout.push_back(SqueueField{squeue::find_column(codes[i]), "", 0, false});
    if (i + 1 < codes.size()) layout.push_back(literal("|"));
  }
  return layout;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The text being rendered: a buffer sized once and filled through a
// pointer. A listing appends a few cells to it per line, millions of them
// for a large queue, and std::string's append and resize would zero-fill
// and re-check the length at each. Cells are padded and cut as
// append_padded (format_spec.h) does.
class OutBuffer {
 public:
  explicit OutBuffer(size_t capacity) : buf_(capacity, '\0') {}
  std::string_view view() const { return {buf_.data(), len_}; }
  size_t size() const { return len_; }
  void clear() { len_ = 0; }
  void append(std::string_view text) { copy(room(text.size()), text.data(), text.size()); }
  void push_back(char c) { *room(1) = c; }
  void append_padded(std::string_view text, int width, bool right, bool cut) {
    size_t w = static_cast<size_t>(width);
    if (w > 0 && cut && text.size() > w) text = text.substr(0, w);
    size_t pad = w > text.size() ? w - text.size() : 0;
    char* p = room(pad + text.size());
    if (right) {
      spaces(p, pad);
      p += pad;
    }
    copy(p, text.data(), text.size());
    if (!right) spaces(p + text.size(), pad);
  }

 private:
  // Most cells and gaps are a few bytes: copied with fixed-size moves that
  // overlap (one load and store each) rather than a call to memcpy or
  // memset per piece.
  static void copy(char* to, const char* from, size_t n) {
    if (n > 16) {
      std::memcpy(to, from, n);
    } else if (n >= 8) {
      uint64_t head, tail;
      std::memcpy(&head, from, 8);
      std::memcpy(&tail, from + n - 8, 8);
      std::memcpy(to, &head, 8);
      std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, from, 4);
      std::memcpy(&tail, from + n - 4, 4);
      std::memcpy(to, &head, 4);
      std::memcpy(to + n - 4, &tail, 4);
    } else if (n > 0) {
      to[0] = from[0];
      to[n / 2] = from[n / 2];
      to[n - 1] = from[n - 1];
    }
  }
  static void spaces(char* to, size_t n) {
    constexpr uint64_t kSpaces = 0x2020202020202020ull;
    if (n > 16) {
      std::memset(to, ' ', n);
    } else if (n >= 8) {
      std::memcpy(to, &kSpaces, 8);
      std::memcpy(to + n - 8, &kSpaces, 8);
    } else if (n >= 4) {
      std::memcpy(to, &kSpaces, 4);
      std::memcpy(to + n - 4, &kSpaces, 4);
    } else if (n > 0) {
      to[0] = to[n / 2] = to[n - 1] = ' ';
    }
  }

  // n more bytes at the end, growing the buffer when they do not fit.
  char* room(size_t n) {
    if (len_ + n > buf_.size()) buf_.resize(std::max(buf_.size() * 2, len_ + n));
    char* p = buf_.data() + len_;
    len_ += n;
    return p;
  }
  std::string buf_;
  size_t len_ = 0;
};

void append_header(OutBuffer& out, const SqueueLayout& layout) {
  for (const SqueueField& field : layout) {
    const Column* column = column_of(field);
    if (!column) {
      out.append(field.text);
      continue;
    }
    out.append_padded(column->header, field.width, field.right, column->cut_header);
  }
  out.push_back('\n');
}

void append_job(OutBuffer& out, const SqueueLayout& layout, const pb::JobRecord& job, int64_t now) {
  for (const SqueueField& field : layout) {
    const Column* column = column_of(field);
    if (!column) {
      out.append(field.text);
      continue;
    }
    Cell cell = column->cell(job, now);
    out.append_padded(cell.view(), field.width, field.right, cell.cut);
  }
  out.push_back('\n');
}

bool is_array_meta(const pb::JobRecord& job) {
  return job.array_job_id() != 0 && !job.is_array_task() && job.array_pending_size() > 0;
}

TaskSet pending_tasks(const pb::JobRecord& job) {
  std::vector<TaskSet::Interval> intervals;
  intervals.reserve(job.array_pending_size());
  for (const auto& range : job.array_pending()) intervals.emplace_back(range.first(), range.last());
  return TaskSet(std::move(intervals));
}

// ---- sorting ---------------------------------------------------------------

// The numeric value a key sorts on, where Slurm compares numbers; nullopt:
// the key compares the printed text.
std::optional<int64_t> numeric_key(char code, const pb::JobRecord& job, int64_t now) {
  switch (code) {
    case 'i':
    case 'A':
      return job.job_id();
    case 'F':
      return job.array_job_id() ? job.array_job_id() : job.job_id();
    case 'K':
      return job.is_array_task() ? job.array_task_id() : -1;
    case 'D':
      return squeue::node_count(job);
    case 'C':
      return squeue::cpu_count(job);
    case 'c':
      return job.spec().cpus_per_task();
    case 'm':
      return static_cast<int64_t>(job.spec().mem_mb());
    case 'M':
      return squeue::time_used(job, now);
    case 'l':
      return job.spec().time_limit_min() == 0 ? -1 : int64_t{job.spec().time_limit_min()};
    case 'L':
      return squeue::time_left(job, now);
    case 'S':
      return job.start_time();
    case 'V':
      return job.submit_time();
    case 'e':
      return squeue::expected_end(job);
    case 'p':
    case 'Q':
      return job.priority();
    case 'U':
      return job.uid();
    case 'G':
      return job.gid();
    case 'y':
      return job.spec().nice();
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<SqueueLayout> parse_squeue_format(std::string_view format) {
  if (equals_ignore_case(format, "%all")) return Result<SqueueLayout>::ok(all_fields());
  auto pieces = parse_format_spec(
      format, [](char code) { return squeue::find_column(code) != nullptr; },
      "Invalid job format specification: ", /*allow_fitted=*/false);
  if (!pieces) return Result<SqueueLayout>::fail(pieces.error());
  SqueueLayout layout;
  for (FormatPiece& piece : *pieces) {
    const Column* column = piece.code ? squeue::find_column(piece.code) : nullptr;
    layout.push_back(SqueueField{column, std::move(piece.text), piece.width, piece.right});
  }
  return Result<SqueueLayout>::ok(std::move(layout));
}

Result<SqueueLayout> parse_squeue_long_format(std::string_view format) {
  Result<std::vector<LongField>> parsed = parse_long_fields(format, "Invalid job format specification: ");
  if (!parsed) return Result<SqueueLayout>::fail(parsed.error());
  SqueueLayout layout;
  for (LongField& f : *parsed) {
    const Column* column = squeue::find_long_column(f.name);
    if (!column) return Result<SqueueLayout>::fail("Invalid job format specification: " + f.name);
    layout.push_back(SqueueField{column, "", f.width, f.right});
    if (!f.suffix.empty()) layout.push_back(literal(std::move(f.suffix)));
  }
  return Result<SqueueLayout>::ok(std::move(layout));
}

std::string render_squeue(const SqueueLayout& layout, const std::vector<const pb::JobRecord*>& jobs,
                          int64_t now, bool header) {
  OutBuffer out(4096);
  if (header) append_header(out, layout);
  for (const pb::JobRecord* job : jobs) append_job(out, layout, *job, now);
  return std::string(out.view());
}

void render_squeue_stream(const SqueueLayout& layout, const std::vector<const pb::JobRecord*>& jobs,
                          int64_t now, bool header, bool expand_arrays,
                          const std::function<void(std::string_view)>& sink) {
  render_squeue_rows(
      layout, jobs.size(), [&](size_t i) -> const pb::JobRecord& { return *jobs[i]; }, now, header,
      expand_arrays, sink);
}

void render_squeue_rows(const SqueueLayout& layout, size_t count, const SqueueRecordAt& record_at, int64_t now,
                        bool header, bool expand_arrays, const std::function<void(std::string_view)>& sink) {
  // One buffer, reused: written out every 64 KiB. A buffer holding a whole
  // 10,000-line listing (one write) cost 240 more page faults and ~0.5 ms
  // more CPU than this here.
  constexpr size_t kPiece = 64 * 1024;
  OutBuffer out(kPiece + 4096);
  auto maybe_flush = [&] {
    if (out.size() < kPiece) return;
    sink(out.view());
    out.clear();
  };
  if (header) append_header(out, layout);
  for (size_t i = 0; i < count; ++i) {
    const pb::JobRecord& job = record_at(i);
    if (!expand_arrays || !is_array_meta(job)) {
      append_job(out, layout, job, now);
      maybe_flush();
      continue;
    }
    // One scratch record whose single pending range is moved task by task.
    pb::JobRecord one = job;
    one.clear_array_pending();
    pb::TaskRange* range = one.add_array_pending();
    for (const pb::TaskRange& interval : job.array_pending()) {
      for (uint64_t task = interval.first(); task <= interval.last(); ++task) {
        range->set_first(static_cast<uint32_t>(task));
        range->set_last(static_cast<uint32_t>(task));
        append_job(out, layout, one, now);
        maybe_flush();
      }
    }
  }
  if (out.size() > 0) sink(out.view());
}

Result<std::string> format_squeue(const std::vector<const pb::JobRecord*>& jobs,
                                  std::string_view format, int64_t now, bool header) {
  auto layout = parse_squeue_format(format);
  if (!layout) return Result<std::string>::fail(layout.error());
  return Result<std::string>::ok(render_squeue(*layout, jobs, now, header));
}

std::string job_display_id(const pb::JobRecord& job) {
  if (job.array_job_id() == 0) return std::to_string(job.job_id());
  std::string id = std::to_string(job.array_job_id()) + "_";
  if (job.is_array_task()) return id + std::to_string(job.array_task_id());
  if (!is_array_meta(job)) return std::to_string(job.job_id());
  // One pending task (squeue -r's lines, -j 12_7): no set to build.
  if (job.array_pending_size() == 1 && job.array_pending(0).first() == job.array_pending(0).last())
    return id + std::to_string(job.array_pending(0).first());
  TaskSet tasks = pending_tasks(job);
  if (tasks.count() == 1) return id + std::to_string(tasks.first());
  std::string ranges = tasks.to_string();
  if (job.array_throttle() > 0) ranges += "%" + std::to_string(job.array_throttle());
  return id + "[" + ranges + "]";
}

std::vector<pb::JobRecord> expand_array_tasks(const std::vector<const pb::JobRecord*>& jobs) {
  std::vector<pb::JobRecord> out;
  out.reserve(jobs.size());
  for (const pb::JobRecord* job : jobs) {
    if (!is_array_meta(*job)) {
      out.push_back(*job);
      continue;
    }
    TaskSet tasks = pending_tasks(*job);  // kept alive: the loop walks its intervals
    for (const TaskSet::Interval& interval : tasks.intervals()) {
      for (uint64_t task = interval.first; task <= interval.second; ++task) {
        pb::JobRecord one = *job;
        one.clear_array_pending();
        pb::TaskRange* range = one.add_array_pending();
        range->set_first(static_cast<uint32_t>(task));
        range->set_last(static_cast<uint32_t>(task));
        out.push_back(std::move(one));
      }
    }
  }
  return out;
}

Result<std::vector<SqueueSortKey>> parse_squeue_sort(std::string_view spec) {
  using R = Result<std::vector<SqueueSortKey>>;
  std::vector<SqueueSortKey> keys;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view token = spec.substr(start, end - start);
    start = end + 1;
    if (token.empty()) continue;
    SqueueSortKey key;
    if (token.front() == '-' || token.front() == '+') {
      key.descending = token.front() == '-';
      token.remove_prefix(1);
    }
    if (token.size() != 1 || !squeue::find_column(token.front())) {
      return R::fail("Invalid sort specification: " + std::string(token));
    }
    key.code = token.front();
    keys.push_back(key);
  }
  return R::ok(std::move(keys));
}

ListingColumns squeue_listing_columns(const SqueueLayout& layout, const std::vector<SqueueSortKey>& keys) {
  ListingColumns columns = squeue::kAlwaysRead;
  for (const SqueueField& field : layout)
    if (const Column* column = column_of(field)) columns |= column->needs;
  // A numeric sort key reads a part of what its column's cell reads.
  for (const SqueueSortKey& key : keys) {
    const Column* column = squeue::find_column(key.code);
    columns |= column ? column->needs : ListingColumns::all();
  }
  return columns;
}

void sort_squeue(std::vector<const pb::JobRecord*>& jobs, const std::vector<SqueueSortKey>& keys,
                 int64_t now) {
  SqueueSorter sorter(keys, now);
  for (const pb::JobRecord* job : jobs) sorter.add(*job);
  std::vector<const pb::JobRecord*> sorted;
  sorted.reserve(jobs.size());
  for (uint32_t i : sorter.order([&](size_t i) -> const pb::JobRecord& { return *jobs[i]; }))
    sorted.push_back(jobs[i]);
  jobs = std::move(sorted);
}

SqueueSorter::SqueueSorter(std::vector<SqueueSortKey> keys, int64_t now)
    : keys_(std::move(keys)), now_(now), texts_(keys_.size()), by_number_(keys_.size()) {
  // Whether a key is numeric depends on its letter only.
  pb::JobRecord probe;
  for (const SqueueSortKey& key : keys_) {
    numeric_.push_back(numeric_key(key.code, probe, 0).has_value());
    columns_.push_back(squeue::find_column(key.code));
    last_.emplace_back(std::string(), -1);
  }
  prev_.resize(keys_.size() + 2);
  cur_.resize(keys_.size() + 2);
}

void SqueueSorter::reserve(size_t records) { expected_ = records; }

void SqueueSorter::keys_of(const pb::JobRecord& job, int64_t* out) {
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (numeric_[k]) {
      out[k] = *numeric_key(keys_[k].code, job, now_);
      continue;
    }
    Cell cell = static_cast<const Column*>(columns_[k])->cell(job, now_);
    std::string_view text = cell.view();
    auto& [last_text, last_number] = last_[k];
    if (last_number < 0 || text != last_text) {
      auto [it, added] = texts_[k].try_emplace(std::string(text), static_cast<int64_t>(texts_[k].size()));
      if (added) by_number_[k].push_back(&it->first);
      last_text = it->first;
      last_number = it->second;
    }
    out[k] = last_number;
  }
  // Ties: job id, then first task.
  out[keys_.size()] = job.job_id();
  out[keys_.size() + 1] = job.array_pending_size() ? job.array_pending(0).first() : job.array_task_id();
}

int SqueueSorter::compare(const int64_t* a, const int64_t* b) const {
  for (size_t k = 0; k < keys_.size(); ++k) {
    if (a[k] == b[k]) continue;
    bool less = numeric_[k] ? a[k] < b[k]
                            : *by_number_[k][static_cast<size_t>(a[k])] < *by_number_[k][static_cast<size_t>(b[k])];
    return (less != keys_[k].descending) ? -1 : 1;
  }
  for (size_t k = keys_.size(); k < keys_.size() + 2; ++k)
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

void SqueueSorter::add(const pb::JobRecord& job) {
  size_t stride = keys_.size() + 2;
  keys_of(job, cur_.data());
  // A listing mostly comes in its sorted order already (a queue of alike
  // jobs, listed by id): until a record sorts before the one added before
  // it, nothing is kept but the previous record's keys.
  if (in_order_ && count_ > 0 && compare(prev_.data(), cur_.data()) > 0) {
    in_order_ = false;
    first_kept_ = count_;
    values_.reserve(std::max(expected_, count_ + 1) * stride);
    values_.resize(count_ * stride);  // the rows before: filled in by order()
  }
  if (!in_order_) values_.insert(values_.end(), cur_.begin(), cur_.end());
  prev_.swap(cur_);
  ++count_;
}

std::vector<uint32_t> SqueueSorter::order(const SqueueRecordAt& record_at) {
  std::vector<uint32_t> order(count_);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  // In order already: the sort below would give the same (ties keep the
  // order added).
  if (in_order_) return order;
  size_t n_keys = keys_.size();
  size_t stride = n_keys + 2;
  for (size_t i = 0; i < first_kept_; ++i) keys_of(record_at(i), values_.data() + i * stride);
  // A text key's numbers become ranks in the texts' byte order, and a
  // descending key's values are negated (none is INT64_MIN), so each row is
  // a run of integers compared in ascending order.
  for (size_t k = 0; k < n_keys; ++k) {
    if (!numeric_[k]) {
      std::vector<int64_t> by_rank(by_number_[k].size());
      for (size_t n = 0; n < by_rank.size(); ++n) by_rank[n] = static_cast<int64_t>(n);
      std::sort(by_rank.begin(), by_rank.end(), [&](int64_t a, int64_t b) {
        return *by_number_[k][static_cast<size_t>(a)] < *by_number_[k][static_cast<size_t>(b)];
      });
      std::vector<int64_t> rank(by_rank.size());
      for (size_t r = 0; r < by_rank.size(); ++r) rank[static_cast<size_t>(by_rank[r])] = static_cast<int64_t>(r);
      for (size_t i = k; i < values_.size(); i += stride) values_[i] = rank[static_cast<size_t>(values_[i])];
    }
    if (keys_[k].descending)
      for (size_t i = k; i < values_.size(); i += stride) values_[i] = -values_[i];
  }
  // The keys, then job id and first task, then the order added: what a
  // stable sort by id followed by a stable sort by the keys gives.
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const int64_t* x = values_.data() + size_t{a} * stride;
    const int64_t* y = values_.data() + size_t{b} * stride;
    for (size_t k = 0; k < stride; ++k)
      if (x[k] != y[k]) return x[k] < y[k];
    return a < b;
  });
  return order;
}

void sort_squeue_default(std::vector<const pb::JobRecord*>& jobs) {
  auto keys = parse_squeue_sort(kSqueueDefaultSort);
  sort_squeue(jobs, *keys, 0);
}

}  // namespace drover
