// Job array index sets: the --array syntax and Slurm's display of task ranges.
// Pure; a TaskSet is a sorted list of inclusive intervals so a huge array
// costs a few bytes, not one entry per task.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drover/result.h"

namespace drover {

class TaskSet {
 public:
  using Interval = std::pair<uint32_t, uint32_t>;  // inclusive [first, last]

  TaskSet() = default;
  explicit TaskSet(std::vector<Interval> intervals);  // normalises: sorts, merges

  void add(uint32_t id);
  void add_range(uint32_t first, uint32_t last);
  bool remove(uint32_t id);            // false if absent
  bool contains(uint32_t id) const;
  bool empty() const { return intervals_.empty(); }
  uint64_t count() const;
  uint32_t first() const;              // precondition: !empty()
  uint32_t last() const;               // precondition: !empty()
  uint32_t pop_first();                // precondition: !empty()
  const std::vector<Interval>& intervals() const { return intervals_; }

  // Slurm's range string: "1-3,5"; a set whose span is >10 with >5 tasks,
  // evenly stepped, prints as "2-18:2".
  std::string to_string() const;

 private:
  std::vector<Interval> intervals_;
};

struct ArraySpec {
  TaskSet tasks;
  uint32_t throttle = 0;   // %N; 0 = none
  uint32_t step = 1;       // number after the first ':' in the spec, else 1
};

// Parses "1-3", "[1-3]", "1-7:2", "1,3,5", "0-15%4", "[0,4-6]".
// Indices must be < max_array_size. Error: "Invalid job array specification";
// an index over the limit adds which one and the limit, naming
// `limit_source` (the config file) when given: see array_limit_error.
Result<ArraySpec> parse_array_spec(std::string_view text, uint32_t max_array_size,
                                   std::string_view limit_source = {});

// "Invalid job array specification (task id 2000000 is not below
// max_array_size=1000001 in /etc/drover/drover.yaml)".
std::string array_limit_error(uint64_t task_id, uint32_t max_array_size, std::string_view limit_source);

// Parses the inside of "12_[1-3,7]" style selectors: "1-3,7" or a single "4".
Result<TaskSet> parse_task_list(std::string_view text);

}  // namespace drover
