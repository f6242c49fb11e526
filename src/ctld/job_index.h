// JobIndex: the controller's indexes over its in-memory jobs, so queries,
// scancel and MinJobAge purging touch only the jobs they are about, never
// the whole job table. Every id is filed by user, partition, array parent
// and state class; finished jobs also wait in a queue ordered by end time.
//
// The controller keeps it current in one place each: add() where a record
// enters jobs_ (submit, recovery, an array task split off), refile() in
// persist() (every state change is persisted), remove() where a record
// leaves. The index holds ids only (about 4 bytes per id per set); queries
// still check each candidate record against their filter, so the index
// narrows the search but never decides the answer.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "drover.pb.h"
#include "drover/id_set.h"

namespace drover {

// True if `task` is among the array record's pending tasks; a binary search
// over its ranges, which are kept sorted and disjoint.
bool array_pending_contains(const pb::JobRecord& job, uint32_t task);

class JobIndex {
 public:
  // Which state set a record is in. Completing: finished, processes still
  // being killed (squeue lists these by default, as CG).
  enum Class { kPending, kActive, kCompleting, kDone, kClassCount };
  static Class class_of(const pb::JobRecord& job);

  void add(const pb::JobRecord& job);
  // The record's state or partition may have changed.
  void refile(const pb::JobRecord& job);
  void remove(const pb::JobRecord& job);

  // Every record of an array (its pending record and started tasks); null if none.
  const IdSet* array_records(uint32_t array_job_id) const;
  const IdSet& in_class(Class c) const { return classes_[c]; }
  // Pending jobs that are not held (priority above 0): what a scheduling
  // pass considers, so a queue of held jobs costs a pass nothing.
  const IdSet& schedulable() const { return schedulable_; }
  size_t size() const;

  // Ids that may match the filter's users, partitions, states and nodes
  // (`unfinished_only`: as scancel, whatever the filter's states say),
  // ascending, taken from the smallest indexed set that bounds the answer.
  std::vector<uint32_t> candidates(const pb::JobFilter& filter, bool unfinished_only = false) const;

  // Finished jobs in end-time order: calls take(id) for each that ended at
  // or before `cutoff` and is still done. Ids whose record changed since
  // (requeued, or finished again later) are skipped; take() decides.
  void pop_finished_before(int64_t cutoff, const std::function<void(uint32_t)>& take);

 private:
  void file_class(uint32_t id, Class c, int64_t end_time);
  void file_schedulable(const pb::JobRecord& job);

  std::unordered_map<uint32_t, IdSet> by_uid_;
  std::map<std::string, IdSet, std::less<>> by_partition_;
  std::unordered_map<uint32_t, IdSet> by_array_;
  IdSet classes_[kClassCount];
  IdSet schedulable_;
  // (end time, id), earliest first.
  std::priority_queue<std::pair<int64_t, uint32_t>, std::vector<std::pair<int64_t, uint32_t>>,
                      std::greater<>>
      finished_;
};

}  // namespace drover
