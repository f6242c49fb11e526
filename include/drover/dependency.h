// Job dependencies (sbatch -d/--dependency): Slurm's syntax, the rules that
// decide when each kind is met, and the display squeue %E and scontrol
// Dependency= show. Pure: the controller supplies what it knows of each
// target job as a DepTarget and applies the outcome.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drover/result.h"

namespace drover {

enum class DepType { kAfter, kAfterAny, kAfterOk, kAfterNotOk, kAfterCorr, kAfterBurstBuffer, kSingleton };

struct DepItem {
  DepType type = DepType::kAfterAny;
  uint32_t job_id = 0;              // 0 for singleton
  std::optional<uint32_t> task;     // "afterok:12_3": one task of array 12
  bool whole_array = false;         // the target is an array: shown as "12_*"
  uint32_t delay_min = 0;           // "after:12+5": five minutes after 12 started
};

struct Dependency {
  bool any = false;                 // joined with '?' (any one suffices), else ',' (all)
  std::vector<DepItem> items;
};

// Parses "afterok:12:13,afterany:14", "afterok:12?afternotok:13",
// "after:12+5", "afterok:12_3", "singleton", and the old bare "12,13"
// (afterany). Type names are case-insensitive. Errors (malformed text,
// mixed separators, job id 0) all say "Job dependency problem", as Slurm does.
Result<Dependency> parse_dependency(std::string_view text);

// "afterok:12", "afterok:12_3", "afterok:12_*", "after:12+5", "singleton".
std::string format_dep_item(const DepItem& item);

enum class DepStatus { kUnfulfilled, kSatisfied, kFailed };

// What the controller knows of one dependency target: a job, one array
// task, or every record of an array together.
struct DepTarget {
  bool known = false;       // false: not in memory, which counts as satisfied
  uint32_t pending = 0;     // tasks (or the job) not started yet
  uint32_t running = 0;
  uint32_t ok = 0;          // COMPLETED with exit code 0
  uint32_t failed = 0;      // ended in any other state (FAILED, CANCELLED, TIMEOUT, NODE_FAIL ...)
  int64_t last_start = 0;   // latest start time of the tasks that started
};

// The status of one non-singleton item against its target at `now`.
// aftercorr evaluated this way compares whole arrays (callers that gate
// tasks one by one pass a single task's target).
DepStatus evaluate_dep_item(const DepItem& item, const DepTarget& target, int64_t now);

// All ('","'): failed if any failed, satisfied when all are. Any ('?'):
// satisfied if one is, failed when all are.
DepStatus combine_dep_status(bool any, const std::vector<DepStatus>& statuses);

// What is left to wait for, as Slurm displays it: the items not yet
// satisfied, each followed by "(unfulfilled)" or "(failed)", joined by the
// dependency's separator; "" when nothing is left (printed as "(null)").
std::string format_dep_remaining(const Dependency& dep, const std::vector<DepStatus>& statuses);

// The earliest time at which an "after:N+min" item could become satisfied,
// or 0: lets the controller wake up for it instead of polling.
int64_t dep_item_wake_time(const DepItem& item, const DepTarget& target);

}  // namespace drover
