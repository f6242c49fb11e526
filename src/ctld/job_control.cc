// scontrol hold, uhold, release, requeue and requeuehold. A held job keeps
// its place in the queue with priority 0 until released; a requeued job
// goes back to PENDING as its next incarnation (Restarts+1).
#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/array_spec.h"
#include "drover/job_state.h"

namespace drover {
namespace {

bool parse_number(const std::string& text, uint32_t& out) {
  if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  unsigned long long v = std::stoull(text);
  if (v > UINT32_MAX) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

const char* action_name(pb::JobControl action) {
  switch (action) {
    case pb::CONTROL_RELEASE: return "released";
    case pb::CONTROL_REQUEUE: return "requeued";
    case pb::CONTROL_REQUEUE_HOLD: return "requeued and held";
    case pb::CONTROL_SUSPEND: return "suspended";
    case pb::CONTROL_RESUME: return "resumed";
    default: return "held";
  }
}

}  // namespace

// "12" or "12_3" (a started array task, or the task still pending in its array).
pb::JobRecord* Controller::find_job_text(const std::string& text, bool& pending_task) {
  pending_task = false;
  size_t underscore = text.find('_');
  uint32_t id = 0, task = 0;
  if (!parse_number(text.substr(0, underscore), id)) return nullptr;
  if (underscore == std::string::npos) return find_job(id);
  if (!parse_number(text.substr(underscore + 1), task)) return nullptr;
  const IdSet* records = index_.array_records(id);
  if (!records) return nullptr;
  pb::JobRecord* found = nullptr;
  records->for_each([&](uint32_t record_id) {
    pb::JobRecord* job = found ? nullptr : find_job(record_id);
    if (!job) return;
    if (job->is_array_task() && job->array_task_id() == task) {
      found = job;
    } else if (!job->is_array_task() && array_pending_contains(*job, task)) {
      pending_task = true;
      found = job;
    }
  });
  return found;
}

// Stops or continues a running job's processes; its resources stay
// allocated and its suspended time does not count as run time.
std::string Controller::suspend_job(pb::JobRecord& job, bool suspend, std::vector<pb::JobRecord>& changed) {
  if (job.state() == pb::JOB_PENDING) return "Job is pending execution";
  if (job_state_is_finished(job.state()) || job.kill_sent()) return "Job/step already completing or completed";
  if (suspend && job.state() != pb::JOB_RUNNING) return "Job is not running";
  if (!suspend && job.state() != pb::JOB_SUSPENDED) return "Job is not suspended";
  size_t node = job.nodes().empty() ? SIZE_MAX : node_index(job.nodes(0));
  if (node == SIZE_MAX || !nodes_[node].session) return "Unable to contact the job's node";
  pb::Message message;
  pb::SignalJob* signal = message.mutable_signal();
  signal->set_job_id(job.job_id());
  signal->set_restarts(job.restarts());
  signal->set_suspend(suspend);
  signal->set_resume(!suspend);
  send(*nodes_[node].session, message);
  int64_t t = now();
  if (!suspend && job.suspend_time() != 0)
    job.set_suspended_secs(job.suspended_secs() + static_cast<uint32_t>(std::max<int64_t>(0, t - job.suspend_time())));
  job.set_suspend_time(t);
  job.set_state(suspend ? pb::JOB_SUSPENDED : pb::JOB_RUNNING);
  changed.push_back(job);
  return "";
}

std::string Controller::requeue_job(pb::JobRecord& job, bool hold, std::vector<pb::JobRecord>& changed) {
  if (job.state() == pb::JOB_PENDING) return "Job is pending execution";
  if (!job.spec().requeue()) return "Requested operation is presently disabled";
  if (job_state_is_active(job.state()) || job.kill_sent()) {
    // The running copy ends; its completion report then names an old
    // incarnation and is only acknowledged.
    if (!job.nodes().empty())
      if (size_t n = node_index(job.nodes(0)); n != SIZE_MAX) send_signal(n, job, true);
    release_resources(job);
  }
  spdlog::info("job {}: requeued{} (was {}, restart {})", job.job_id(), hold ? " and held" : "",
               job_state_long(job.state()), job.restarts() + 1);
  job.set_state(pb::JOB_PENDING);
  job.set_restarts(job.restarts() + 1);
  job.set_start_time(0);
  job.set_end_time(0);
  job.set_exit_status(0);
  job.set_term_signal(0);
  job.set_cancelled_by(0);
  job.set_kill_sent(false);
  job.set_max_rss_kb(0);
  job.set_total_cpu_us(0);
  job.set_suspend_time(0);
  job.set_suspended_secs(0);
  job.clear_nodes();
  job.clear_node_cpus();
  job.set_alloc_cpus(0);
  job.clear_alloc_mem_per_node_mb();
  if (hold) {
    job.set_priority(0);
    // A user hold even when an admin requeues, as Slurm does: the owner may release it.
    job.set_reason("JobHeldUser");
  } else {
    job.set_priority(1);  // not held: the multifactor number below
    job.set_priority(current_priority(job));
    job.set_reason("None");
  }
  changed.push_back(job);
  return "";
}

void Controller::handle_job_control(Request& request) {
  const pb::JobControlRequest& control = request.message.job_control();
  pb::Message reply_msg;
  pb::JobControlReply* out = reply_msg.mutable_job_control_reply();
  bool admin = is_admin(request.uid, request.gid);
  std::vector<pb::JobRecord> changed;
  for (const std::string& text : control.job_ids()) {
    bool pending_task = false;
    pb::JobRecord* job = find_job_text(text, pending_task);
    if (!job || (pending_task && control.action() != pb::CONTROL_REQUEUE &&
                 control.action() != pb::CONTROL_REQUEUE_HOLD)) {
      out->add_errors("Invalid job id specified for job " + text);
      continue;
    }
    if (job->uid() != request.uid && !admin) {
      out->add_errors("Access/permission denied for job " + text);
      continue;
    }
    uint32_t id = job->job_id();
    if (pending_task) {
      out->add_errors("Job is pending execution for job " + text);
      continue;
    }
    if (control.action() == pb::CONTROL_SUSPEND || control.action() == pb::CONTROL_RESUME) {
      std::string error = admin ? suspend_job(*job, control.action() == pb::CONTROL_SUSPEND, changed)
                                : "Access/permission denied";
      if (!error.empty()) out->add_errors(error + " for job " + text);
      else spdlog::info("job {}: {} by uid {}", id, action_name(control.action()), request.uid);
      continue;
    }
    if (control.action() == pb::CONTROL_REQUEUE || control.action() == pb::CONTROL_REQUEUE_HOLD) {
      std::string error = requeue_job(*job, control.action() == pb::CONTROL_REQUEUE_HOLD, changed);
      if (!error.empty()) out->add_errors(error + " for job " + text);
      continue;
    }
    if (job->state() != pb::JOB_PENDING) {
      out->add_errors("Job is no longer pending execution for job " + text);
      continue;
    }
    if (control.action() == pb::CONTROL_RELEASE) {
      if (job->priority() != 0) continue;
      if (job->reason() == "JobHeldAdmin" && !admin) {
        out->add_errors("Access/permission denied for job " + text);
        continue;
      }
      job->set_priority(current_priority(*job));
      job->set_reason("None");
    } else {
      bool admin_hold = control.action() == pb::CONTROL_HOLD && admin;
      job->set_priority(0);
      job->set_reason(admin_hold ? "JobHeldAdmin" : "JobHeldUser");
    }
    spdlog::info("job {}: {} by uid {}", id, action_name(control.action()), request.uid);
    changed.push_back(*job);
  }
  if (changed.empty()) return reply(request, reply_msg);
  persist(std::move(changed), [this, request, reply_msg](Status s) {
    if (!s) return reply_error(request, "Unable to save the change: " + s.error());
    reply(request, reply_msg);
  });
  request_schedule();
}

}  // namespace drover
