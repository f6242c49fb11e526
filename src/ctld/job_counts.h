// JobCounts: how many jobs are in each state, kept up to date as records
// change, so /metrics and the status page never walk the job table.
//
// The controller calls update() after every change to a record in memory
// (one hook: Controller::note_job) and forget() when a record leaves memory
// (MinJobAge). It remembers each job's last (state, partition, reason) and
// moves one count when that changes; submissions and completions are
// counted on the transitions. Controller thread only.
//
// Memory (issue 6): it follows every job in memory, so what it keeps per job
// is small: label strings are interned once (a job holds three label
// numbers) and the pending/running id sets are IdSets, 4 bytes an id.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "drover.pb.h"
#include "drover/id_set.h"

namespace drover {

class JobCounts {
 public:
  // (state long name, partition) -> jobs in memory; COMPLETING for a
  // finished job whose processes are still being killed, as squeue shows it.
  using StateCounts = std::map<std::pair<std::string, std::string>, int64_t>;
  // (partition, reason) -> pending jobs.
  using ReasonCounts = std::map<std::pair<std::string, std::string>, int64_t>;

  // `restored`: loaded at start-up; neither a submission nor a completion.
  void update(const pb::JobRecord& job, bool restored = false);
  // The same for a pending job that is not an array task, from its fields
  // (a packed job, job_table.h: no record to read).
  void update_pending(uint32_t job_id, std::string_view partition, std::string_view reason);
  void forget(uint32_t job_id);
  // Makes these series exist at zero, so they do not appear from nowhere.
  void seed(const std::string& partition);

  const StateCounts& by_state() const { return by_state_; }
  const ReasonCounts& pending_by_reason() const { return pending_by_reason_; }
  const std::map<std::string, uint64_t>& submissions() const { return submissions_; }
  // (partition, final state) -> jobs that ended.
  const std::map<std::pair<std::string, std::string>, uint64_t>& completions() const { return completions_; }
  // Ids of pending and of running (or suspended) jobs, in id order: the
  // status page shows the first few of each.
  const IdSet& pending_ids() const { return pending_ids_; }
  const IdSet& running_ids() const { return running_ids_; }
  // Jobs that ended most recently, newest first (at most kRecent).
  const std::deque<uint32_t>& recent_finished() const { return recent_finished_; }
  size_t tracked() const { return jobs_.size(); }

  static constexpr size_t kRecent = 50;

 private:
  // Label numbers: indexes into labels_.
  struct Entry {
    uint32_t state = 0;      // long name, or COMPLETING
    uint32_t partition = 0;
    uint32_t reason = 0;     // pending jobs only; 0 is ""
    bool finished = false;
  };
  // Lookups by string_view, without building a std::string.
  struct LabelHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void add(const Entry& e, int64_t delta);
  uint32_t intern_reason(std::string_view reason);
  // Moves the job's counts to `now`.
  void apply(uint32_t id, const Entry& now, pb::JobState state, bool is_array_task, bool restored);
  // The number of a label (state, partition or reason name), added if new.
  // Bounded: states, configured partitions and reason names.
  uint32_t intern(std::string_view label);
  const std::string& label(uint32_t id) const { return labels_[id]; }

  std::unordered_map<uint32_t, Entry> jobs_;
  StateCounts by_state_;
  ReasonCounts pending_by_reason_;
  std::map<std::string, uint64_t> submissions_;
  std::map<std::pair<std::string, std::string>, uint64_t> completions_;
  IdSet pending_ids_;
  IdSet running_ids_;
  std::vector<std::string> labels_{""};
  std::unordered_map<std::string, uint32_t, LabelHash, std::equal_to<>> label_ids_{{"", 0}};
  std::deque<uint32_t> recent_finished_;
};

}  // namespace drover
