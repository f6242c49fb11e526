// scancel: by job id, array task selectors and filters; owner or admin only.
#include <signal.h>

#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/array_spec.h"
#include "drover/job_state.h"

namespace drover {
namespace {

struct Selector {
  uint32_t job_id = 0;
  bool has_tasks = false;
  TaskSet tasks;
};

// "12", "12_3", "12_[1-3]", "12_*".
Result<Selector> parse_selector(const std::string& text) {
  Selector sel;
  size_t underscore = text.find('_');
  std::string id = text.substr(0, underscore);
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos || id.size() > 10)
    return Result<Selector>::fail("Invalid job id " + text);
  sel.job_id = static_cast<uint32_t>(std::stoul(id));
  if (sel.job_id == 0) return Result<Selector>::fail("Invalid job id " + text);
  if (underscore == std::string::npos) return Result<Selector>::ok(sel);
  std::string tasks = text.substr(underscore + 1);
  if (tasks == "*") return Result<Selector>::ok(sel);
  if (tasks.size() >= 2 && tasks.front() == '[' && tasks.back() == ']') tasks = tasks.substr(1, tasks.size() - 2);
  Result<TaskSet> set = parse_task_list(tasks);
  if (!set) return Result<Selector>::fail("Invalid job id " + text);
  sel.has_tasks = true;
  sel.tasks = std::move(*set);
  return Result<Selector>::ok(sel);
}

bool matches_filter(const pb::JobRecord& job, const pb::JobFilter& f) {
  auto any_of = [](const auto& list, const auto& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  return any_of(f.uids(), job.uid()) && any_of(f.partitions(), job.partition()) &&
         any_of(f.names(), job.spec().name()) && any_of(f.states(), job.state());
}

}  // namespace

void Controller::cancel_job(pb::JobRecord& job, uint32_t uid, std::vector<pb::JobRecord>& changed) {
  if (job_state_is_finished(job.state())) return;
  bool running = job_state_is_active(job.state());
  job.set_state(pb::JOB_CANCELLED);
  job.set_cancelled_by(uid);
  job.set_end_time(now());
  job.clear_array_pending();
  spdlog::info("job {} cancelled by uid {}", job.job_id(), uid);
  if (running && job.spec().allocation()) return finish_allocation(job, pb::JOB_CANCELLED, 0, 0, changed);
  if (running) {
    // Resources stay allocated until the agent reports the processes gone.
    job.set_kill_sent(true);
    if (size_t n = node_index(job.nodes(0)); n != SIZE_MAX) send_signal(n, job, true);
    end_steps(job, pb::JOB_CANCELLED);
  }
  changed.push_back(job);
}

// scancel --signal: a running job's processes get the signal and the job
// goes on (KILL is a cancel, handled as one). As in Slurm, by default only
// the job's srun steps are signalled; -b the batch script, -f both.
bool Controller::signal_job(pb::JobRecord& job, const pb::CancelRequest& cancel, std::string& error) {
  if (job_state_is_finished(job.state())) return false;
  if (job.state() == pb::JOB_PENDING) {
    error = "Job is pending execution";
    return false;
  }
  if ((cancel.batch() || cancel.full()) && !job.spec().allocation())
    if (size_t n = node_index(job.nodes(0)); n != SIZE_MAX) send_signal(n, job, false, cancel.signal());
  if (!cancel.batch()) signal_steps(job, false, cancel.signal());
  spdlog::info("job {}: signal {} sent{}", job.job_id(), cancel.signal(),
               cancel.batch() ? " to the batch script" : cancel.full() ? " to the batch script and steps" : " to its steps");
  return true;
}

void Controller::handle_cancel(Request& request) {
  const pb::CancelRequest& cancel = request.message.cancel();
  pb::Message reply_msg;
  pb::CancelReply* out = reply_msg.mutable_cancel_reply();
  std::vector<pb::JobRecord> changed;
  const bool signalling = cancel.signal() != 0 && cancel.signal() != SIGKILL;
  uint32_t signalled = 0;
  // Cancels the job, or with --signal delivers the signal; errors name `id`.
  auto act = [&](pb::JobRecord& job, const std::string& id) {
    if (!signalling) return cancel_job(job, request.uid, changed);
    std::string error;
    if (signal_job(job, cancel, error)) ++signalled;
    else if (!error.empty()) out->add_errors("Kill job error on job id " + id + ": " + error);
  };
  auto permitted = [&](const pb::JobRecord& job) { return job.uid() == request.uid || is_admin(request.uid, request.gid); };
  auto deny = [&](const std::string& id) {
    out->add_errors("Kill job error on job id " + id + ": Access/permission denied");
  };

  for (const std::string& text : cancel.job_ids()) {
    Result<Selector> sel = parse_selector(text);
    if (!sel) {
      out->add_errors(sel.error());
      continue;
    }
    // An array id names every task: the pending record and the started ones.
    // Looked up by id and through the array index, never by a scan.
    std::vector<pb::JobRecord*> targets;
    if (pb::JobRecord* job = find_job(sel->job_id); job && (!sel->has_tasks || job->array_job_id() == sel->job_id))
      targets.push_back(job);
    if (const IdSet* array = index_.array_records(sel->job_id)) {
      array->for_each([&](uint32_t id) {
        if (id == sel->job_id) return;  // the array's own record, taken above
        if (pb::JobRecord* job = find_job(id)) targets.push_back(job);
      });
    }
    if (targets.empty()) {
      out->add_errors("Kill job error on job id " + text + ": Invalid job id specified");
      continue;
    }
    for (pb::JobRecord* job : targets) {
      if (!permitted(*job)) {
        deny(text);
        break;
      }
      if (!sel->has_tasks) {
        act(*job, text);
        continue;
      }
      if (job->is_array_task() || job->array_pending().empty()) {
        if (sel->tasks.contains(job->array_task_id())) act(*job, text);
        continue;
      }
      if (signalling) {  // pending tasks have no processes to signal
        out->add_errors("Kill job error on job id " + text + ": Job is pending execution");
        continue;
      }
      // Pending tasks named by the selector simply leave the array record.
      TaskSet pending;
      for (const pb::TaskRange& r : job->array_pending()) pending.add_range(r.first(), r.last());
      bool removed = false;
      for (const auto& [first, last] : sel->tasks.intervals())
        for (uint64_t t = first; t <= last; ++t) removed = pending.remove(static_cast<uint32_t>(t)) || removed;
      if (!removed) continue;
      if (pending.empty()) {
        cancel_job(*job, request.uid, changed);
        continue;
      }
      job->clear_array_pending();
      for (const auto& [first, last] : pending.intervals()) {
        pb::TaskRange* r = job->add_array_pending();
        r->set_first(first);
        r->set_last(last);
      }
      changed.push_back(*job);
    }
  }
  if (cancel.job_ids().empty()) {
    for (uint32_t id : index_.candidates(cancel.filter(), /*unfinished_only=*/true)) {
      pb::JobRecord* found = find_job(id);
      if (!found) continue;
      pb::JobRecord& job = *found;
      if (job_state_is_finished(job.state()) || !matches_filter(job, cancel.filter())) continue;
      if (!permitted(job)) continue;  // filters silently skip other users' jobs, as Slurm does
      act(job, std::to_string(job.job_id()));
    }
  }
  out->set_cancelled(static_cast<uint32_t>(changed.size()) + signalled);
  if (changed.empty()) return reply(request, reply_msg);
  // Answer after the cancellations are durable.
  persist(std::move(changed), [this, request, reply_msg](Status s) {
    if (!s) return reply_error(request, "Unable to save the cancellation: " + s.error());
    reply(request, reply_msg);
  });
  request_schedule();
}

}  // namespace drover
