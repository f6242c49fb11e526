// How long finished jobs are kept: in memory for MinJobAge (squeue and
// scontrol see them), in the job store for accounting_retention_days (sacct
// sees them). Slurm purges its records the same way (spec §9.1).
#include <set>

#include <spdlog/spdlog.h>

#include "controller.h"
#include "drover/job_state.h"
#include "spool.h"

namespace drover {
namespace {

constexpr int64_t kPurgeIntervalS = 1;
constexpr int64_t kRetentionIntervalS = 3600;

}  // namespace

bool Controller::past_min_job_age(const pb::JobRecord& job, int64_t t) const {
  if (config_.min_job_age_s == 0) return false;  // kept forever, as MinJobAge=0
  if (!job_state_is_finished(job.state()) || job.kill_sent() || job.end_time() == 0) return false;
  // An array's record stays while any of its tasks has yet to start.
  if (!job.array_pending().empty()) return false;
  return job.end_time() + static_cast<int64_t>(config_.min_job_age_s) <= t;
}

void Controller::purge_old_jobs() {
  int64_t t = now();
  size_t dropped = 0;
  std::set<uint32_t> spools;  // spool directories of the dropped jobs
  // The index hands out finished jobs in end-time order, so a pass costs the
  // jobs it drops, not the jobs in memory (MinJobAge=0 keeps them all).
  if (config_.min_job_age_s > 0) {
    index_.pop_finished_before(t - static_cast<int64_t>(config_.min_job_age_s), [&](uint32_t id) {
      const pb::JobRecord* job = jobs_.full(id);  // finished: never packed
      if (!job || !past_min_job_age(*job, t)) return;  // requeued, or ended again later
      spdlog::debug("job {}: finished {} s ago, dropped from memory (min_job_age_s)", id, t - job->end_time());
      submit_tokens_.remove(job->spec().submit_token_hash(), id);
      spools.insert(job->array_job_id() ? job->array_job_id() : id);
      index_.remove(*job);
      metrics_->jobs().forget(id);
      jobs_.erase(id);
      ++dropped;
    });
  }
  // An array's tasks share its spool: it goes with the last of its records.
  for (auto it = spools.begin(); it != spools.end();) {
    if (jobs_.contains(*it) || index_.array_records(*it)) it = spools.erase(it);
    else ++it;
  }
  if (!spools.empty()) {
    for (uint32_t id : spools) spooled_.erase(id);
    store_->run_on_worker([dir = config_.spool_dir, spools] {
      for (uint32_t id : spools)
        if (Status s = remove_spool(dir, id); !s) spdlog::warn("job {}: {}", id, s.error());
    });
  }
  if (dropped > 0) spdlog::info("{} finished jobs older than {} s left the controller's memory", dropped,
                                config_.min_job_age_s);

  if (config_.accounting_retention_days > 0 && t - last_retention_purge_s_ >= kRetentionIntervalS) {
    last_retention_purge_s_ = t;
    int64_t cutoff = t - int64_t{config_.accounting_retention_days} * 86400;
    store_->purge_finished(cutoff, [days = config_.accounting_retention_days](Result<size_t> purged) {
      if (!purged) spdlog::error("accounting retention: purge failed: {}", purged.error());
      else if (*purged > 0) spdlog::info("accounting retention: purged {} jobs that ended over {} days ago", *purged, days);
    });
  }
  // Passes cost only what they drop, but a tenth of MinJobAge is soon enough.
  int64_t interval = std::clamp<int64_t>(config_.min_job_age_s / 10, kPurgeIntervalS, 30);
  purge_timer_.expires_after(std::chrono::seconds(interval));
  purge_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) purge_old_jobs();
  });
}

}  // namespace drover
