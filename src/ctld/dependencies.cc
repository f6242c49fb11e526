// Dependencies (-d), evaluated at the start of every scheduling pass. The
// queue is indexed once per pass (DepIndex), and only jobs that still have
// an undecided dependency are looked at, so a pass costs O(queue) plus
// O(dependencies), however many jobs depend on each other.
#include <spdlog/spdlog.h>

#include "controller.h"
#include "dependency_index.h"

namespace drover {
namespace {

TaskSet pending_tasks(const pb::JobRecord& job) {
  TaskSet set;
  for (const pb::TaskRange& r : job.array_pending()) set.add_range(r.first(), r.last());
  return set;
}

// A hold, and a time limit over the partition's, say more than a
// dependency does (and PartitionTimeLimit keeps the job out of passes).
bool set_reason_unless_held(pb::JobRecord& job, const std::string& reason) {
  if (job.priority() == 0 || job.reason() == reason || job.reason() == "PartitionTimeLimit") return false;
  job.set_reason(reason);
  return true;
}

}  // namespace

void Controller::track_dependency(const pb::JobRecord& job) {
  if (job.spec().dependency().empty() || job.dependency_done() || job.dependency_failed()) return;
  if (job.state() != pb::JOB_PENDING) return;
  Result<Dependency> dep = parse_dependency(job.spec().dependency());
  if (!dep) {
    spdlog::error("job {}: stored dependency '{}' does not parse; ignored", job.job_id(), job.spec().dependency());
    return;
  }
  dependencies_[job.job_id()] = std::move(*dep);
}

std::unordered_set<uint32_t> Controller::evaluate_dependencies(std::vector<pb::JobRecord>& changed) {
  std::unordered_set<uint32_t> waiting;
  corr_eligible_.clear();
  if (dependencies_.empty()) return waiting;
  const int64_t t_now = now();
  bool singletons = false;
  for (const auto& [id, dep] : dependencies_)
    for (const DepItem& item : dep.items) singletons = singletons || item.type == DepType::kSingleton;
  // The dependents are full records (packable() keeps them so); make sure,
  // since an unpack while the index lives could free a pooled name it views.
  for (const auto& [id, dep] : dependencies_) find_job(id);
  DepIndex index(jobs_, singletons);
  std::vector<uint32_t> decided;
  for (auto& [id, dep] : dependencies_) {
    pb::JobRecord* job = find_job(id);
    if (!job || job->state() != pb::JOB_PENDING) {
      decided.push_back(id);
      continue;
    }
    TaskSet pending = pending_tasks(*job);
    std::optional<TaskSet> eligible;  // aftercorr: tasks free to start
    std::vector<DepStatus> statuses;
    for (DepItem& item : dep.items) {
      if (item.type == DepType::kSingleton) {
        statuses.push_back(index.singleton_blocked(*job) ? DepStatus::kUnfulfilled : DepStatus::kSatisfied);
        continue;
      }
      item.whole_array = !item.task && index.is_array(item.job_id);
      if (item.type == DepType::kAfterCorr && item.whole_array && !pending.empty() && !dep.any) {
        // Task i waits for task i of the other array.
        TaskSet ok = index.corr_eligible(item.job_id, pending);
        TaskSet failed = index.corr_failed(item.job_id, pending);
        eligible = eligible ? task_set_intersect(*eligible, ok) : ok;
        statuses.push_back(ok.count() == pending.count() ? DepStatus::kSatisfied
                           : failed.count() == pending.count() ? DepStatus::kFailed
                                                               : DepStatus::kUnfulfilled);
        continue;
      }
      DepTarget target = index.target(item);
      statuses.push_back(evaluate_dep_item(item, target, t_now));
      if (statuses.back() == DepStatus::kUnfulfilled) wake_at(dep_item_wake_time(item, target));
    }
    DepStatus overall = combine_dep_status(dep.any, statuses);
    std::string display = format_dep_remaining(dep, statuses);
    bool dirty = false;
    if (job->dependency_state() != display) {
      job->set_dependency_state(display);
      dirty = true;
    }
    if (overall == DepStatus::kSatisfied) {
      job->set_dependency_done(true);
      if (job->reason() == "Dependency") job->set_reason("None");
      spdlog::info("job {}: dependency {} satisfied", id, job->spec().dependency());
      decided.push_back(id);
      changed.push_back(*job);
      continue;
    }
    if (overall == DepStatus::kFailed) {
      job->set_dependency_failed(true);
      decided.push_back(id);
      waiting.insert(id);
      bool kill = job->spec().kill_on_invalid_dep() ||
                  (config_.kill_invalid_depend && !job->spec().no_kill_on_invalid_dep());
      if (kill) {
        spdlog::info("job {}: dependency {} can never be satisfied; cancelling it", id, display);
        cancel_job(*job, daemon_uid_, changed);
        job->set_reason("DependencyNeverSatisfied");
        changed.back() = *job;
      } else {
        spdlog::info("job {}: dependency {} can never be satisfied", id, display);
        set_reason_unless_held(*job, "DependencyNeverSatisfied");
        changed.push_back(*job);
      }
      continue;
    }
    // Unfulfilled; with aftercorr some tasks may still start now.
    bool other_items_met = true;
    for (size_t i = 0; i < dep.items.size(); ++i)
      if (dep.items[i].type != DepType::kAfterCorr && statuses[i] != DepStatus::kSatisfied) other_items_met = false;
    if (eligible && !eligible->empty() && other_items_met) {
      corr_eligible_[id] = std::move(*eligible);
      if (job->reason() == "Dependency") job->set_reason("None");
    } else {
      waiting.insert(id);
      dirty = set_reason_unless_held(*job, "Dependency") || dirty;
    }
    if (dirty) changed.push_back(*job);
  }
  for (uint32_t id : decided) dependencies_.erase(id);
  return waiting;
}

void Controller::wake_at(int64_t when) {
  if (when <= 0) return;
  if (wake_at_ != 0 && wake_at_ <= when && wake_at_ >= now()) return;  // an earlier wake-up is armed
  wake_at_ = when;
  // Wall-clock milliseconds, so the pass never runs just before `when` and re-arms in a loop.
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  wake_timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, when * 1000 - now_ms) + 20));
  wake_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // replaced by an earlier wake-up, or shutting down
    wake_at_ = 0;
    request_schedule();
  });
}

}  // namespace drover
