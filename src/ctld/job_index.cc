#include "job_index.h"

#include <algorithm>

#include "drover/job_state.h"

namespace drover {
namespace {

// The classes that can hold a job in `state`.
void classes_for_state(pb::JobState state, bool out[JobIndex::kClassCount]) {
  if (state == pb::JOB_PENDING) out[JobIndex::kPending] = true;
  else if (!job_state_is_finished(state)) out[JobIndex::kActive] = true;
  else out[JobIndex::kCompleting] = out[JobIndex::kDone] = true;
}

// Sorted, without duplicates: several sets of one kind may overlap (an
// array's records appear under one user and partition each, but unions of
// classes or users never repeat an id; a merge keeps the order anyway).
std::vector<uint32_t> union_of(const std::vector<const IdSet*>& sets) {
  std::vector<uint32_t> out;
  for (const IdSet* s : sets) s->append_to(out);
  if (sets.size() > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return out;
}

size_t total(const std::vector<const IdSet*>& sets) {
  size_t n = 0;
  for (const IdSet* s : sets) n += s->size();
  return n;
}

}  // namespace

bool array_pending_contains(const pb::JobRecord& job, uint32_t task) {
  const auto& ranges = job.array_pending();
  auto it = std::lower_bound(ranges.begin(), ranges.end(), task,
                             [](const pb::TaskRange& r, uint32_t value) { return r.last() < value; });
  return it != ranges.end() && it->first() <= task;
}

JobIndex::Class JobIndex::class_of(const pb::JobRecord& job) {
  if (job.state() == pb::JOB_PENDING) return kPending;
  if (!job_state_is_finished(job.state())) return kActive;
  return job.kill_sent() ? kCompleting : kDone;
}

void JobIndex::add(const pb::JobRecord& job) {
  uint32_t id = job.job_id();
  by_uid_[job.uid()].insert(id);
  auto part = by_partition_.find(job.partition());
  if (part == by_partition_.end()) part = by_partition_.emplace(job.partition(), IdSet{}).first;
  part->second.insert(id);
  if (job.array_job_id()) by_array_[job.array_job_id()].insert(id);
  file_class(id, class_of(job), job.end_time());
  file_schedulable(job);
}

void JobIndex::refile(const pb::JobRecord& job) {
  uint32_t id = job.job_id();
  // Partitions are few; the one holding the id is found by asking each.
  auto part = by_partition_.find(job.partition());
  if (part == by_partition_.end() || !part->second.contains(id)) {
    for (auto& [name, ids] : by_partition_) ids.erase(id);
    if (part == by_partition_.end()) part = by_partition_.emplace(job.partition(), IdSet{}).first;
    part->second.insert(id);
  }
  file_class(id, class_of(job), job.end_time());
  file_schedulable(job);
}

void JobIndex::file_schedulable(const pb::JobRecord& job) {
  if (job.state() == pb::JOB_PENDING && job.priority() != 0) schedulable_.insert(job.job_id());
  else schedulable_.erase(job.job_id());
}

void JobIndex::file_class(uint32_t id, Class c, int64_t end_time) {
  if (classes_[c].contains(id)) return;
  for (IdSet& set : classes_) set.erase(id);
  classes_[c].insert(id);
  if (c == kDone) finished_.emplace(end_time, id);
}

void JobIndex::remove(const pb::JobRecord& job) {
  uint32_t id = job.job_id();
  if (auto it = by_uid_.find(job.uid()); it != by_uid_.end()) {
    it->second.erase(id);
    if (it->second.empty()) by_uid_.erase(it);
  }
  for (auto& [name, ids] : by_partition_) ids.erase(id);
  if (auto it = by_array_.find(job.array_job_id()); job.array_job_id() && it != by_array_.end()) {
    it->second.erase(id);
    if (it->second.empty()) by_array_.erase(it);
  }
  for (IdSet& set : classes_) set.erase(id);
  schedulable_.erase(id);
}

const IdSet* JobIndex::array_records(uint32_t array_job_id) const {
  auto it = by_array_.find(array_job_id);
  return it == by_array_.end() ? nullptr : &it->second;
}

size_t JobIndex::size() const {
  size_t n = 0;
  for (const IdSet& set : classes_) n += set.size();
  return n;
}

std::vector<uint32_t> JobIndex::candidates(const pb::JobFilter& filter, bool unfinished_only) const {
  // The bound from states: the classes the filter can match.
  bool wanted[kClassCount] = {};
  if (unfinished_only) {
    wanted[kPending] = wanted[kActive] = true;
  } else if (!filter.states().empty()) {
    for (int s : filter.states()) classes_for_state(static_cast<pb::JobState>(s), wanted);
  } else if (filter.all_states()) {
    std::fill(std::begin(wanted), std::end(wanted), true);
  } else {
    wanted[kPending] = wanted[kActive] = wanted[kCompleting] = true;  // squeue's default
  }
  if (!filter.nodes().empty()) wanted[kPending] = false;  // pending jobs are on no node
  std::vector<const IdSet*> best;
  for (int c = 0; c < kClassCount; ++c)
    if (wanted[c]) best.push_back(&classes_[c]);
  size_t best_size = total(best);

  if (!filter.uids().empty()) {
    std::vector<const IdSet*> sets;
    for (uint32_t uid : filter.uids())
      if (auto it = by_uid_.find(uid); it != by_uid_.end()) sets.push_back(&it->second);
    if (total(sets) < best_size) {
      best_size = total(sets);
      best = std::move(sets);
    }
  }
  if (!filter.partitions().empty()) {
    std::vector<const IdSet*> sets;
    for (const std::string& p : filter.partitions())
      if (auto it = by_partition_.find(p); it != by_partition_.end()) sets.push_back(&it->second);
    if (total(sets) < best_size) best = std::move(sets);
  }
  return union_of(best);
}

void JobIndex::pop_finished_before(int64_t cutoff, const std::function<void(uint32_t)>& take) {
  while (!finished_.empty() && finished_.top().first <= cutoff) {
    uint32_t id = finished_.top().second;
    finished_.pop();
    if (classes_[kDone].contains(id)) take(id);
  }
}

}  // namespace drover
