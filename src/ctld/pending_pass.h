// What a scheduling pass decides for one pending job, for full records and
// packed ones alike (issue 6: pending jobs are kept packed, job_table.h):
// its priority now, and either the reason it waits or its request for the
// scheduler. The job is read and written through an accessor (FullPending
// or PackedPending), so both kinds go through the very same code, and a
// unit test can check they decide the same. Pure: no clock, no I/O.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "drover.pb.h"
#include "drover/config.h"
#include "drover/time_format.h"
#include "job_request.h"
#include "packed_job.h"
#include "priority.h"
#include "scheduler.h"
#include "string_pool.h"

namespace drover {

// The multifactor priority (priority.h) from the fields it reads.
uint32_t priority_of(const Config& config, int64_t now, int64_t submit_time, int64_t begin_time,
                     std::string_view partition, int32_t nice, uint32_t priority_request);

struct FullPending {
  pb::JobRecord& job;
  uint32_t priority() const { return job.priority(); }
  void set_priority(uint32_t p) { job.set_priority(p); }
  std::string_view reason() const { return job.reason(); }
  void set_reason(std::string_view r) { job.set_reason(std::string(r)); }
  bool dependency_failed() const { return job.dependency_failed(); }
  int64_t submit_time() const { return job.submit_time(); }
  int64_t begin_time() const { return job.spec().begin_time(); }
  const std::string& partition() const { return job.partition(); }
  int32_t nice() const { return job.spec().nice(); }
  uint32_t priority_request() const { return job.spec().priority_request(); }
  uint32_t time_limit_min() const { return job.spec().time_limit_min(); }
  const pb::JobSpec& request_spec() const { return job.spec(); }
};

struct PackedPending {
  PackedJob& job;
  StringPool& strings;
  pb::JobSpec& spec;  // scratch for job_request(): packable() jobs have no -w/-x/-C
  uint32_t priority() const { return job.priority; }
  void set_priority(uint32_t p) { job.priority = p; }
  std::string_view reason() const { return strings.get(job.reason); }
  void set_reason(std::string_view r) { set_pooled(strings, job.reason, r); }
  bool dependency_failed() const { return job.dependency_failed; }
  int64_t submit_time() const { return job.submit_time; }
  int64_t begin_time() const { return job.begin_time; }
  const std::string& partition() const { return strings.get(job.partition); }
  int32_t nice() const { return job.nice; }
  uint32_t priority_request() const { return job.priority_request; }
  uint32_t time_limit_min() const { return job.time_limit_min; }
  const pb::JobSpec& request_spec() const {
    fill_request_spec(job, spec);
    return spec;
  }
};

struct PendingPass {
  const Config& config;
  int64_t now = 0;
  const std::map<std::string, size_t>& part_index;  // partition name -> SchedSnapshot index
  int64_t wake_at = 0;  // out: the earliest future begin time seen (0: none)
};

// One pending, not held job. `waiting`: an undecided dependency keeps it
// out (its reason is the dependency code's). Array throttles are the
// caller's (arrays are never packed).
template <class Job>
std::optional<SchedJob> consider_pending(uint32_t id, Job& job, bool waiting, PendingPass& pass) {
  job.set_priority(priority_of(pass.config, pass.now, job.submit_time(), job.begin_time(), job.partition(),
                               job.nice(), job.priority_request()));  // age moves it; shown by squeue %Q
  if (waiting) return std::nullopt;
  auto wait_for = [&](std::string_view reason) {
    if (job.reason() != reason) job.set_reason(reason);
    return std::nullopt;
  };
  if (job.dependency_failed()) return wait_for("DependencyNeverSatisfied");  // permanent, also after a release
  if (job.begin_time() > pass.now) {
    if (pass.wake_at == 0 || job.begin_time() < pass.wake_at) pass.wake_at = job.begin_time();
    return wait_for("BeginTime");
  }
  const PartitionConfig* part = pass.config.find_partition(job.partition());
  Result<SchedJob> request = part ? job_request(job.request_spec(), pass.config, *part) : Result<SchedJob>::fail("");
  // Checked at submit; only a changed configuration gets here.
  if (!request) return wait_for("BadConstraints");
  // Submissions over a partition's limits are refused; jobs queued before
  // a limit was lowered wait, as Slurm shows them.
  uint32_t limit = job.time_limit_min();
  if (part->max_time_min && limit > part->max_time_min) return wait_for("PartitionTimeLimit");
  if (part->max_nodes && request->nodes > part->max_nodes) return wait_for("PartitionNodeLimit");
  SchedJob sj = std::move(*request);
  sj.job_id = id;
  sj.priority = job.priority();
  auto index = pass.part_index.find(job.partition());
  sj.partition = index == pass.part_index.end() ? 0 : index->second;
  sj.time_limit_s = limit == kInfiniteMinutes || limit == 0 ? kSchedNever : int64_t{limit} * 60;
  return sj;
}

}  // namespace drover
