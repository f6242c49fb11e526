// squeue's output: Slurm's -o and -O format languages over job records,
// array expansion (-r) and sorting (-S). Pure.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drover.pb.h"
#include "drover/listing_columns.h"
#include "drover/result.h"

namespace drover {

inline constexpr std::string_view kSqueueDefaultFormat = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R";
inline constexpr std::string_view kSqueueLongFormat = "%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R";
inline constexpr std::string_view kSqueueStartFormat = "%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R";
inline constexpr std::string_view kSqueueDefaultSort = "P,t,-p";

// A parsed format: literal text and columns, in order. Both languages
// produce one.
struct SqueueField {
  const void* column = nullptr;  // internal column; null: literal text
  std::string text;
  int width = 0;
  bool right = false;
};
using SqueueLayout = std::vector<SqueueField>;

// -o: "%[.][width]code" fields with literal text around them; "%all" is
// every field '|'-separated. An unknown code fails with
// "Invalid job format specification: <c>".
Result<SqueueLayout> parse_squeue_format(std::string_view format);

// -O: "Name[:[.][width][suffix]],..." (case-insensitive names, default
// width 20 left-justified, no separator unless a suffix; empty elements are
// skipped). An unknown name fails with "Invalid job format specification: <name>".
Result<SqueueLayout> parse_squeue_long_format(std::string_view format);

// Renders a header line (unless !header) and one line per job, each ending
// in '\n'. `now` is the time used for elapsed-time columns.
std::string render_squeue(const SqueueLayout& layout, const std::vector<const pb::JobRecord*>& jobs,
                          int64_t now, bool header);

// render_squeue for any number of lines: the text goes to `sink` in pieces
// of about 64 KiB, so a listing of a million lines never sits in memory at
// once. With `expand_arrays` (-r) each array's pending record becomes one
// line per pending task ("12_4", "12_5" ...), in task order, rendered from
// one scratch copy of the record rather than one copy per task. The records
// must already be sorted: the tasks of one record share every sort key.
void render_squeue_stream(const SqueueLayout& layout, const std::vector<const pb::JobRecord*>& jobs,
                          int64_t now, bool header, bool expand_arrays,
                          const std::function<void(std::string_view)>& sink);

// A record by position; the reference may be to a scratch record that the
// next call refills (squeue reading a ListingTable row by row).
using SqueueRecordAt = std::function<const pb::JobRecord&(size_t index)>;

// render_squeue_stream over records 0..count-1 given by position.
void render_squeue_rows(const SqueueLayout& layout, size_t count, const SqueueRecordAt& record_at, int64_t now,
                        bool header, bool expand_arrays, const std::function<void(std::string_view)>& sink);

// parse_squeue_format + render_squeue.
Result<std::string> format_squeue(const std::vector<const pb::JobRecord*>& jobs,
                                  std::string_view format, int64_t now, bool header);

// The id squeue shows: "12", "12_3", "12_[4-10%2]".
std::string job_display_id(const pb::JobRecord& job);

// -r: one record per pending array task ("12_4", "12_5" ...) in place of
// each array's pending record; other records are copied as they are.
std::vector<pb::JobRecord> expand_array_tasks(const std::vector<const pb::JobRecord*>& jobs);

// One -S key: a format letter, '-' for descending.
struct SqueueSortKey {
  char code = 0;
  bool descending = false;
};
// "-t,+i,P": comma-separated letters, each optionally signed. An unknown
// letter fails with "Invalid sort specification: <c>".
Result<std::vector<SqueueSortKey>> parse_squeue_sort(std::string_view spec);
// The listing columns squeue reads to print `layout` sorted by `keys` (with
// or without -r): what it asks the controller for. A column whose needs are
// not known asks for every column.
ListingColumns squeue_listing_columns(const SqueueLayout& layout, const std::vector<SqueueSortKey>& keys);

// Sorts by the keys, the first one first, as Slurm's sort_job_list does;
// ties keep job-id order.
void sort_squeue(std::vector<const pb::JobRecord*>& jobs, const std::vector<SqueueSortKey>& keys,
                 int64_t now);
// The default "P,t,-p".
void sort_squeue_default(std::vector<const pb::JobRecord*>& jobs);

// sort_squeue's order with each record's keys worked out once, when it is
// added, rather than at every comparison (a text key such as the
// partition is a rendered cell: n log n of them for n jobs).
class SqueueSorter {
 public:
  SqueueSorter(std::vector<SqueueSortKey> keys, int64_t now);
  // About how many records will be added.
  void reserve(size_t records);
  // Adds the next record; only its keys are kept, and only once the
  // records stop coming in sorted order.
  void add(const pb::JobRecord& job);
  size_t size() const { return count_; }
  // Positions of the added records (0 = the first added), sorted.
  // `record_at` gives the added records again, by position: it is asked
  // for those added before the first one out of order, if any. Call once:
  // the sorter is spent.
  std::vector<uint32_t> order(const SqueueRecordAt& record_at);

 private:
  // A record's row: each key's value (for a text key, the number of its
  // cell in texts_[key]: distinct texts are few, such as partitions,
  // states, users), then the job id and first task that break ties.
  void keys_of(const pb::JobRecord& job, int64_t* out);
  // Two rows as the sort orders them: <0, 0 (a tie), >0.
  int compare(const int64_t* a, const int64_t* b) const;

  std::vector<SqueueSortKey> keys_;
  std::vector<bool> numeric_;         // per key: compared as a number, else as text
  std::vector<const void*> columns_;  // per text key, its (internal) column
  // Per text key, the previous record's text and number: neighbours mostly
  // share a partition or a state, and a compare is cheaper than a lookup.
  std::vector<std::pair<std::string, int64_t>> last_;
  int64_t now_;
  std::vector<std::unordered_map<std::string, int64_t>> texts_;
  std::vector<std::vector<const std::string*>> by_number_;  // per text key: number -> text
  std::vector<int64_t> prev_, cur_;  // the last two rows added
  size_t count_ = 0, expected_ = 0;
  bool in_order_ = true;
  size_t first_kept_ = 0;  // rows before it are not in values_ (until order())
  std::vector<int64_t> values_;  // count_ rows, once out of order
};

}  // namespace drover
