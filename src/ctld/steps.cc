// srun's job steps and the allocations srun and salloc hold. A step runs on
// nodes of a running job: the controller assigns its id and task layout,
// records it (sacct's ID.N lines) and tells each node's agent to start its
// tasks, whose supervisors then talk to srun directly. srun reports the
// step's end. An allocation is a job with no batch script: its holder
// (srun or salloc) keeps it alive and ends it.
#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/job_state.h"
#include "drover/time_format.h"
#include "step_layout.h"

namespace drover {
namespace {

std::string step_name(const pb::StepCreateRequest& request) {
  if (!request.name().empty()) return request.name();
  if (request.argv().empty()) return "";
  const std::string& cmd = request.argv(0);
  return cmd.substr(cmd.rfind('/') + 1);
}

pb::StepRecord* find_step(pb::JobRecord& job, uint32_t step_id) {
  for (pb::StepRecord& step : *job.mutable_steps())
    if (step.step_id() == step_id) return &step;
  return nullptr;
}

}  // namespace

void Controller::handle_step_create(Request& request) {
  const pb::StepCreateRequest& create = request.message.step_create();
  pb::JobRecord* job = find_job(create.job_id());
  if (!job) return reply_error(request, "Invalid job id specified");
  if (job->uid() != request.uid && !is_admin(request.uid, request.gid))
    return reply_error(request, "Access/permission denied");
  if (job->state() != pb::JOB_RUNNING) return reply_error(request, "Job/step already completing or completed");
  Result<StepLayout> layout = layout_step(*job, create);
  if (!layout) return reply_error(request, layout.error());
  for (const std::string& name : layout->nodes) {
    size_t n = node_index(name);
    if (n == SIZE_MAX || !nodes_[n].session) return reply_error(request, "Required node not available (down, drained or reserved)");
  }
  uint32_t step_id = job->next_step_id();
  job->set_next_step_id(step_id + 1);
  pb::StepRecord* step = job->add_steps();
  step->set_step_id(step_id);
  step->set_name(step_name(create));
  for (const std::string& name : layout->nodes) step->add_nodes(name);
  step->set_ntasks(layout->ntasks);
  step->set_cpus(layout->ntasks * std::max<uint32_t>(1, create.cpus_per_task()));
  step->set_start_time(now());
  step->set_state(pb::JOB_RUNNING);
  if (allocations_.count(job->job_id())) allocations_[job->job_id()] = now();
  spdlog::info("step {}.{} ({}) starting on {} with {} tasks", job->job_id(), step_id, step->name(),
               layout->nodes.front() + (layout->nodes.size() > 1 ? " and " + std::to_string(layout->nodes.size() - 1) + " more" : ""),
               layout->ntasks);
  // The step is recorded before any task starts, so sacct never misses one.
  persist({*job}, [this, request, layout = std::move(*layout), step_id](Status s) {
    pb::JobRecord* job = find_job(request.message.step_create().job_id());
    if (!s) return reply_error(request, "Unable to save the step: " + s.error());
    if (!job || job->state() != pb::JOB_RUNNING) return reply_error(request, "Job/step already completing or completed");
    const pb::StepCreateRequest& create = request.message.step_create();
    for (size_t i = 0; i < layout.nodes.size(); ++i) {
      size_t n = node_index(layout.nodes[i]);
      pb::Message message;
      pb::StepLaunch* launch = message.mutable_step_launch();
      launch->set_job_id(job->job_id());
      launch->set_step_id(step_id);
      launch->set_node_name(layout.nodes[i]);
      launch->set_node_id(static_cast<uint32_t>(i));
      for (uint32_t t : layout.task_ids(i)) launch->add_task_ids(t);
      *launch->mutable_request() = create;
      for (std::string& var : slurm_step_env(*job, step_id, layout, i, config_.cluster, create.io().host()))
        launch->add_env(std::move(var));
      launch->set_uid(job->uid());
      launch->set_gid(job->gid());
      launch->set_user_name(job->spec().user_name());
      launch->set_set_hostname(config_.job_hostname_is_node);
      launch->set_kill_wait_s(config_.kill_wait_s);
      launch->set_work_dir(job->spec().work_dir());
      if (nodes_[n].session) send(*nodes_[n].session, message);
    }
    pb::Message reply_msg;
    pb::StepCreateReply* out = reply_msg.mutable_step_create_reply();
    out->set_step_id(step_id);
    for (size_t i = 0; i < layout.nodes.size(); ++i) {
      out->add_nodes(layout.nodes[i]);
      out->add_tasks_per_node(layout.tasks_per_node[i]);
    }
    reply(request, reply_msg);
  });
}

void Controller::handle_step_complete(Request& request) {
  const pb::StepComplete& done = request.message.step_complete();
  pb::Message reply_msg;
  pb::JobRecord* job = find_job(done.job_id());
  if (!job) return reply_error(request, "Invalid job id specified");
  if (job->uid() != request.uid && !is_admin(request.uid, request.gid))
    return reply_error(request, "Access/permission denied");
  reply_msg.mutable_step_ack()->set_job_ended(!job_state_is_active(job->state()));
  pb::StepRecord* step = find_step(*job, done.step_id());
  if (!step || step->end_time() != 0) return reply(request, reply_msg);
  bool ok = done.exit_status() == 0 && done.term_signal() == 0;
  step->set_state(done.cancelled() ? pb::JOB_CANCELLED : ok ? pb::JOB_COMPLETED : pb::JOB_FAILED);
  step->set_exit_status(done.exit_status());
  step->set_term_signal(done.term_signal());
  step->set_end_time(now());
  spdlog::info("step {}.{} ended: {} exit {}:{}", job->job_id(), done.step_id(), job_state_long(step->state()),
               done.exit_status(), done.term_signal());
  persist({*job}, [this, request, reply_msg](Status s) {
    if (!s) return reply_error(request, "Unable to save the step: " + s.error());
    reply(request, reply_msg);
  });
}

void Controller::handle_allocation_done(Request& request) {
  const pb::AllocationDone& done = request.message.allocation_done();
  pb::Message reply_msg;
  pb::JobRecord* job = find_job(done.job_id());
  if (!job) return reply_error(request, "Invalid job id specified");
  if (job->uid() != request.uid && !is_admin(request.uid, request.gid))
    return reply_error(request, "Access/permission denied");
  bool running = job_state_is_active(job->state()) && job->spec().allocation();
  reply_msg.mutable_step_ack()->set_job_ended(!running);
  if (!running) return reply(request, reply_msg);
  if (done.keepalive()) {
    allocations_[job->job_id()] = now();
    return reply(request, reply_msg);
  }
  bool ok = done.exit_status() == 0 && done.term_signal() == 0;
  std::vector<pb::JobRecord> changed;
  finish_allocation(*job, ok ? pb::JOB_COMPLETED : pb::JOB_FAILED, done.exit_status(), done.term_signal(), changed);
  reply_msg.mutable_step_ack()->set_job_ended(true);
  persist(std::move(changed), [this, request, reply_msg](Status s) {
    if (!s) return reply_error(request, "Unable to save the allocation's end: " + s.error());
    reply(request, reply_msg);
  });
  request_schedule();
}

void Controller::finish_allocation(pb::JobRecord& job, pb::JobState state, int32_t exit_status, int32_t term_signal,
                                   std::vector<pb::JobRecord>& changed) {
  job.set_state(state);
  job.set_reason(state == pb::JOB_TIMEOUT     ? "TimeLimit"
                 : state == pb::JOB_FAILED    ? "NonZeroExitCode"
                 : state == pb::JOB_CANCELLED ? job.reason()
                                              : "None");
  job.set_exit_status(exit_status);
  job.set_term_signal(term_signal);
  if (job.end_time() == 0 || state != pb::JOB_CANCELLED) job.set_end_time(now());
  job.set_kill_sent(false);
  end_steps(job, pb::JOB_CANCELLED);
  release_resources(job);
  allocations_.erase(job.job_id());
  spdlog::info("allocation {} ended: {} exit {}:{}", job.job_id(), job_state_long(state), exit_status, term_signal);
  changed.push_back(job);
}

void Controller::end_steps(pb::JobRecord& job, pb::JobState state) {
  bool any = false;
  for (pb::StepRecord& step : *job.mutable_steps()) {
    if (step.end_time() != 0) continue;
    step.set_end_time(job.end_time() ? job.end_time() : now());
    step.set_state(state);
    any = true;
  }
  if (any) signal_steps(job, true);
}

void Controller::signal_steps(const pb::JobRecord& job, bool cancel, int signo) {
  for (const std::string& name : job.nodes())
    if (size_t n = node_index(name); n != SIZE_MAX) send_signal(n, job, cancel, signo, true);
}

void Controller::check_allocations() {
  int64_t t = now();
  std::vector<pb::JobRecord> changed;
  for (auto it = allocations_.begin(); it != allocations_.end();) {
    uint32_t id = (it++)->first;  // finish_allocation erases the entry
    pb::JobRecord* job = find_job(id);
    if (!job || !job_state_is_active(job->state())) {
      allocations_.erase(id);
      continue;
    }
    uint32_t limit = job->spec().time_limit_min();
    if (limit != 0 && limit != kInfiniteMinutes && t >= job->start_time() + int64_t{limit} * 60) {
      spdlog::info("allocation {} reached its time limit", id);
      finish_allocation(*job, pb::JOB_TIMEOUT, 0, 0, changed);
    } else if (t - allocations_[id] > static_cast<int64_t>(config_.inactive_limit_s)) {
      spdlog::warn("allocation {}: its holder has not been heard from for {} s; releasing it", id,
                   config_.inactive_limit_s);
      job->set_reason("InactiveLimit");
      finish_allocation(*job, pb::JOB_CANCELLED, 0, 0, changed);
    }
  }
  if (!changed.empty()) {
    persist(std::move(changed));
    request_schedule();
  }
}

}  // namespace drover
