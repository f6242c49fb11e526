#include "sbatch_wait.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "drover/cli_util.h"
#include "drover/job_state.h"

namespace drover::sbatch {

int wait_exit_code(const std::vector<pb::JobRecord>& records) {
  int code = 0;
  for (const pb::JobRecord& job : records) {
    int one = job.exit_status();
    // Ended by a signal (cancel, time limit, node failure): Slurm's
    // !WIFEXITED case, reported as 1.
    if (job.term_signal() != 0) one = 1;
    else if (one == 0 && (job.state() == pb::JOB_FAILED || job.state() == pb::JOB_TIMEOUT ||
                          job.state() == pb::JOB_NODE_FAIL || job.state() == pb::JOB_OUT_OF_MEMORY))
      one = 1;
    else if (job.state() == pb::JOB_CANCELLED && job.start_time() != 0)
      one = std::max(one, 1);
    code = std::max(code, one);
  }
  return code;
}

int wait_for_job(ControllerClient& client, uint32_t id) {
  pb::Message request;
  pb::JobFilter* filter = request.mutable_list_jobs()->mutable_filter();
  filter->add_job_ids(std::to_string(id));
  filter->set_all_states(true);
  auto delay = std::chrono::milliseconds(250);
  for (;;) {
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    Result<pb::Message> reply = client.call(request);
    if (!reply) {
      if (reply.error().find("Invalid job id") != std::string::npos) {
        cli::print_error("sbatch", "Job " + std::to_string(id) + " no longer found and exit_code not found");
        return 0;
      }
      cli::print_error("sbatch", "Currently unable to load job state information, retrying: " + reply.error());
      continue;
    }
    const auto& jobs = reply->list_jobs_reply().jobs();
    bool done = std::all_of(jobs.begin(), jobs.end(),
                            [](const pb::JobRecord& job) { return job_state_is_finished(job.state()); });
    if (done) return wait_exit_code({jobs.begin(), jobs.end()});
  }
}

}  // namespace drover::sbatch
