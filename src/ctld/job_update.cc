// scontrol update JobId=...: time limit, partition, name, nice and array
// throttle of a pending job; time limit and name of a running one, whose
// supervisor is told the new limit (Slurm lets users only lower a time
// limit; admins may raise it).
#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/job_state.h"
#include "drover/time_format.h"

namespace drover {

void Controller::handle_job_update(Request& request) {
  const pb::JobUpdateRequest& update = request.message.job_update();
  bool admin = is_admin(request.uid, request.gid);
  bool pending_task = false;
  pb::JobRecord* found = find_job_text(update.job_id(), pending_task);
  if (!found) return reply_error(request, "Invalid job id specified");
  if (found->uid() != request.uid && !admin) return reply_error(request, "Access/permission denied");
  bool active = job_state_is_active(found->state());
  if (found->state() != pb::JOB_PENDING && !active) return reply_error(request, "Job is no longer pending execution");
  if (active && (!update.partition().empty() || update.nice_given() || !update.array_throttle().empty()))
    return reply_error(request, "Job is no longer pending execution");
  // Validate everything before changing anything: an update is all or nothing.
  pb::JobRecord job = *found;
  if (!update.time_limit().empty()) {
    Result<uint32_t> minutes = parse_time_limit(update.time_limit());
    if (!minutes) return reply_error(request, "Invalid time limit specification");
    uint32_t limit = *minutes == 0 ? kInfiniteMinutes : *minutes;
    if (!admin && limit > job.spec().time_limit_min())
      return reply_error(request, "Access/permission denied", "a user may only lower a job's time limit");
    job.mutable_spec()->set_time_limit_min(limit);
  }
  if (!update.partition().empty()) {
    const PartitionConfig* part = config_.find_partition(update.partition());
    if (!part) return reply_error(request, "Invalid partition name specified");
    job.set_partition(part->name);
    job.mutable_spec()->set_partition(part->name);
  }
  if (!update.name().empty()) job.mutable_spec()->set_name(update.name());
  if (update.nice_given()) {
    if (update.nice() < 0 && !admin) return reply_error(request, "Access/permission denied");
    if (update.nice() < -2147483645 || update.nice() > 2147483645)
      return reply_error(request, "Invalid nice value");
    job.mutable_spec()->set_nice(update.nice());
    if (job.priority() != 0) job.set_priority(current_priority(job));
  }
  if (!update.array_throttle().empty()) {
    const std::string& t = update.array_throttle();
    if (t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos || job.array_job_id() == 0 ||
        job.is_array_task())
      return reply_error(request, "Invalid job array specification");
    job.set_array_throttle(static_cast<uint32_t>(std::stoul(t)));
  }
  // The partition's time limit decides whether the job may start at all.
  if (const PartitionConfig* part = active ? nullptr : config_.find_partition(job.partition())) {
    uint32_t limit = job.spec().time_limit_min();
    bool over = part->max_time_min && limit != 0 && limit > part->max_time_min;
    if (over) job.set_reason("PartitionTimeLimit");
    else if (job.reason() == "PartitionTimeLimit") job.set_reason("None");
  }
  bool new_limit = active && job.spec().time_limit_min() != found->spec().time_limit_min();
  *found = job;
  spdlog::info("job {}: updated by uid {}", job.job_id(), request.uid);
  // A batch job's supervisor enforces its limit; an allocation's is
  // checked here (check_allocations).
  if (new_limit && !job.spec().allocation() && job.nodes_size() > 0)
    if (size_t n = node_index(job.nodes(0)); n != SIZE_MAX && nodes_[n].session) {
      pb::Message message;
      pb::SignalJob* order = message.mutable_signal();
      order->set_job_id(job.job_id());
      order->set_restarts(job.restarts());
      order->set_update_limit(true);
      order->set_time_limit_min(job.spec().time_limit_min());
      send(*nodes_[n].session, message);
    }
  persist({job}, [this, request](Status s) {
    if (!s) return reply_error(request, "Unable to save the change: " + s.error());
    pb::Message reply_msg;
    reply_msg.mutable_job_update_reply();
    reply(request, reply_msg);
  });
  request_schedule();
}

}  // namespace drover
