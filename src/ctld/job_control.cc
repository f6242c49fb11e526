// scontrol hold, uhold and release: a held job keeps its place in the
// queue with priority 0 until released.
#include <spdlog/spdlog.h>

#include "controller.h"

namespace drover {
namespace {

uint32_t base_priority(uint32_t job_id) { return std::max<uint32_t>(1, 4294901760u - job_id); }

}  // namespace

void Controller::handle_job_control(Request& request) {
  const pb::JobControlRequest& control = request.message.job_control();
  pb::Message reply_msg;
  pb::JobControlReply* out = reply_msg.mutable_job_control_reply();
  bool admin = is_admin(request.uid, request.gid);
  std::vector<pb::JobRecord> changed;
  for (const std::string& text : control.job_ids()) {
    if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos) {
      out->add_errors("Invalid job id specified for job " + text);
      continue;
    }
    uint32_t id = static_cast<uint32_t>(std::stoull(text));
    pb::JobRecord* job = find_job(id);
    if (!job) {
      out->add_errors("Invalid job id specified for job " + text);
      continue;
    }
    if (job->uid() != request.uid && !admin) {
      out->add_errors("Access/permission denied for job " + text);
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
      job->set_priority(base_priority(id));
      job->set_reason("None");
    } else {
      bool admin_hold = control.action() == pb::CONTROL_HOLD && admin;
      job->set_priority(0);
      job->set_reason(admin_hold ? "JobHeldAdmin" : "JobHeldUser");
    }
    spdlog::info("job {}: {} by uid {}", id, control.action() == pb::CONTROL_RELEASE ? "released" : "held",
                 request.uid);
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
