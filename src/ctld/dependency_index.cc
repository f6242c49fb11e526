#include "dependency_index.h"

#include <algorithm>

#include "drover/job_state.h"

namespace drover {
namespace {

uint64_t task_key(uint32_t array_id, uint32_t task) { return (uint64_t{array_id} << 32) | task; }

bool ended_ok(const pb::JobRecord& job) {
  return job.state() == pb::JOB_COMPLETED && job.exit_status() == 0 && job.term_signal() == 0;
}

// Still holding its nodes after it ended (cancelled, processes not yet
// reported gone): dependents wait for it as for a running job.
bool still_running(const pb::JobRecord& job) {
  return job_state_is_active(job.state()) || (job_state_is_finished(job.state()) && job.kill_sent());
}

TaskSet pending_tasks(const pb::JobRecord& job) {
  TaskSet set;
  for (const pb::TaskRange& r : job.array_pending()) set.add_range(r.first(), r.last());
  return set;
}

void add_counts(DepTarget& into, const DepTarget& from) {
  into.known = true;
  into.pending += from.pending;
  into.running += from.running;
  into.ok += from.ok;
  into.failed += from.failed;
  into.last_start = std::max(into.last_start, from.last_start);
}

}  // namespace

TaskSet task_set_minus(const TaskSet& a, const TaskSet& b) {
  std::vector<TaskSet::Interval> out;
  const auto& bi = b.intervals();
  size_t j = 0;
  for (auto [first, last] : a.intervals()) {
    uint64_t from = first;
    while (j < bi.size() && bi[j].second < from) ++j;
    for (size_t k = j; k < bi.size() && bi[k].first <= last && from <= last; ++k) {
      if (bi[k].first > from) out.emplace_back(static_cast<uint32_t>(from), bi[k].first - 1);
      from = uint64_t{bi[k].second} + 1;
    }
    if (from <= last) out.emplace_back(static_cast<uint32_t>(from), last);
  }
  return TaskSet(std::move(out));
}

TaskSet task_set_intersect(const TaskSet& a, const TaskSet& b) { return task_set_minus(a, task_set_minus(a, b)); }

DepTarget DepIndex::of_record(const pb::JobRecord& job) {
  DepTarget t;
  t.known = true;
  if (job.state() == pb::JOB_PENDING) {
    uint64_t n = 0;
    for (const pb::TaskRange& r : job.array_pending()) n += uint64_t{r.last()} - r.first() + 1;
    t.pending = static_cast<uint32_t>(std::max<uint64_t>(1, std::min<uint64_t>(n, UINT32_MAX)));
  } else if (still_running(job)) {
    t.running = 1;
  } else if (ended_ok(job)) {
    t.ok = 1;
  } else {
    t.failed = 1;
  }
  if (job.state() != pb::JOB_PENDING) t.last_start = job.start_time();
  return t;
}

DepTarget DepIndex::of_packed() {
  DepTarget t;
  t.known = true;
  t.pending = 1;  // packed: pending, and not an array
  return t;
}

void DepIndex::add_name(uint32_t id, uint32_t uid, std::string_view name, const DepTarget& t) {
  if (!t.running && !t.pending) return;
  SameName& same = names_[NameKey{uid, name}];
  if (t.running) ++same.running;
  if (t.pending) {
    if (same.first_pending == 0 || id < same.first_pending) {
      same.second_pending = same.first_pending;
      same.first_pending = id;
    } else if (same.second_pending == 0 || id < same.second_pending) {
      same.second_pending = id;
    }
  }
}

DepIndex::DepIndex(const JobTable& jobs, bool with_singletons) : jobs_(jobs) {
  for (const auto& [id, slot] : jobs) {
    if (!slot.full) {
      if (with_singletons)
        add_name(id, slot.packed.uid, jobs.strings().get(slot.packed.name), of_packed());
      continue;
    }
    const pb::JobRecord& job = *slot.full;
    DepTarget t = of_record(job);
    if (job.array_job_id() != 0) {
      ArrayTasks& array = arrays_[job.array_job_id()];
      add_counts(array.total, t);
      if (job.is_array_task()) {
        tasks_[task_key(job.array_job_id(), job.array_task_id())] = &job;
        if (!t.ok) array.not_ok.add(job.array_task_id());
        if (t.failed) array.failed.add(job.array_task_id());
      } else {
        for (const pb::TaskRange& r : job.array_pending()) array.not_ok.add_range(r.first(), r.last());
      }
    }
    if (with_singletons) add_name(id, job.uid(), job.spec().name(), t);
  }
}

bool DepIndex::is_array(uint32_t job_id) const { return arrays_.count(job_id) > 0; }

DepTarget DepIndex::target(const DepItem& item) const {
  if (item.task) {
    if (auto it = tasks_.find(task_key(item.job_id, *item.task)); it != tasks_.end()) return of_record(*it->second);
    // Not started yet: still in the array's pending set.
    const pb::JobRecord* meta = jobs_.full(item.job_id);  // an array's record is never packed
    if (meta && meta->array_job_id() == item.job_id && pending_tasks(*meta).contains(*item.task)) {
      DepTarget t;
      t.known = true;
      t.pending = 1;
      return t;
    }
    return {};  // no such task in memory: satisfied
  }
  if (auto it = arrays_.find(item.job_id); it != arrays_.end()) return it->second.total;
  if (const pb::JobRecord* job = jobs_.full(item.job_id)) return of_record(*job);
  return jobs_.packed(item.job_id) ? of_packed() : DepTarget{};
}

bool DepIndex::singleton_blocked(const pb::JobRecord& job) const {
  auto it = names_.find(NameKey{job.uid(), job.spec().name()});
  if (it == names_.end()) return false;
  uint32_t own_running = 0;
  if (job.array_job_id() != 0)
    if (auto a = arrays_.find(job.array_job_id()); a != arrays_.end()) own_running = a->second.total.running;
  if (it->second.running > own_running) return true;
  uint32_t earlier = it->second.first_pending == job.job_id() ? it->second.second_pending : it->second.first_pending;
  return earlier != 0 && earlier < job.job_id();
}

TaskSet DepIndex::corr_eligible(uint32_t array_id, const TaskSet& pending) const {
  auto it = arrays_.find(array_id);
  if (it == arrays_.end()) return pending;
  return task_set_minus(pending, it->second.not_ok);
}

TaskSet DepIndex::corr_failed(uint32_t array_id, const TaskSet& pending) const {
  auto it = arrays_.find(array_id);
  if (it == arrays_.end()) return {};
  return task_set_intersect(pending, it->second.failed);
}

}  // namespace drover
