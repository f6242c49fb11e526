#include "job_counts.h"

#include <algorithm>

#include "drover/job_state.h"

namespace drover {

void JobCounts::seed(const std::string& partition) {
  for (pb::JobState s : {pb::JOB_PENDING, pb::JOB_RUNNING, pb::JOB_SUSPENDED, pb::JOB_COMPLETED, pb::JOB_CANCELLED,
                         pb::JOB_FAILED, pb::JOB_TIMEOUT, pb::JOB_NODE_FAIL})
    by_state_.try_emplace({std::string(job_state_long(s)), partition}, 0);
  by_state_.try_emplace({"COMPLETING", partition}, 0);
  submissions_.try_emplace(partition, 0);
}

uint32_t JobCounts::intern(std::string_view label) {
  if (auto it = label_ids_.find(label); it != label_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(labels_.size());
  labels_.emplace_back(label);
  label_ids_.emplace(labels_.back(), id);
  return id;
}

void JobCounts::add(const Entry& e, int64_t delta) {
  by_state_[{label(e.state), label(e.partition)}] += delta;
  if (label(e.state) != "PENDING") return;
  auto it = pending_by_reason_.try_emplace({label(e.partition), label(e.reason)}, 0).first;
  // A reason no job has any more goes, so the label set stays bounded.
  if ((it->second += delta) == 0) pending_by_reason_.erase(it);
}

void JobCounts::update(const pb::JobRecord& job, bool restored) {
  Entry now;
  now.state = intern(job_is_completing(job) ? std::string_view("COMPLETING") : job_state_long(job.state()));
  now.partition = intern(job.partition());
  now.finished = job_state_is_finished(job.state());
  if (job.state() == pb::JOB_PENDING) now.reason = intern_reason(job.reason());
  apply(job.job_id(), now, job.state(), job.is_array_task(), restored);
}

void JobCounts::update_pending(uint32_t job_id, std::string_view partition, std::string_view reason) {
  Entry now;
  now.state = intern(job_state_long(pb::JOB_PENDING));
  now.partition = intern(partition);
  now.reason = intern_reason(reason);
  apply(job_id, now, pb::JOB_PENDING, /*is_array_task=*/false, /*restored=*/false);
}

uint32_t JobCounts::intern_reason(std::string_view reason) {
  // The reason's name only: "ReqNodeNotAvail, UnavailableNodes:n[3-4]" would
  // make a label value per node set.
  return intern(reason.empty() ? std::string_view("None") : reason.substr(0, reason.find(',')));
}

void JobCounts::apply(uint32_t id, const Entry& now, pb::JobState state, bool is_array_task, bool restored) {
  auto it = jobs_.find(id);
  bool was_finished = false;
  if (it == jobs_.end()) {
    // A new record that is pending was submitted; one that starts out
    // running is an array task split off its array's record.
    if (!restored && state == pb::JOB_PENDING && !is_array_task) ++submissions_[label(now.partition)];
    it = jobs_.emplace(id, Entry{}).first;
  } else {
    const Entry& before = it->second;
    if (before.state == now.state && before.partition == now.partition && before.reason == now.reason) return;
    was_finished = before.finished;
    add(before, -1);
  }
  add(now, +1);
  // A change between COMPLETING and the final state is not a second end.
  bool ended = now.finished && !was_finished;
  if (ended) {
    // COMPLETING is counted under the state the job ended in.
    if (!restored) ++completions_[{label(now.partition), std::string(job_state_long(state))}];
    recent_finished_.erase(std::remove(recent_finished_.begin(), recent_finished_.end(), id), recent_finished_.end());
    recent_finished_.push_front(id);
    if (recent_finished_.size() > kRecent) recent_finished_.pop_back();
  }
  if (state == pb::JOB_PENDING) pending_ids_.insert(id);
  else pending_ids_.erase(id);
  if (job_state_is_active(state)) running_ids_.insert(id);
  else running_ids_.erase(id);
  it->second = now;
}

void JobCounts::forget(uint32_t job_id) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;
  add(it->second, -1);
  jobs_.erase(it);
  pending_ids_.erase(job_id);
  running_ids_.erase(job_id);
  recent_finished_.erase(std::remove(recent_finished_.begin(), recent_finished_.end(), job_id),
                         recent_finished_.end());
}

}  // namespace drover
