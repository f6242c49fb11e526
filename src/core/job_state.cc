// Job state names as squeue, scontrol and sacct print them (spec §3.2).
#include "drover/job_state.h"

#include <array>
#include <algorithm>
#include <cctype>
#include <utility>

namespace drover {
namespace {

struct StateName {
  pb::JobState state;
  std::string_view long_name;
  std::string_view compact;
};

// Only the states a Drover job can be in; Slurm's flag states (COMPLETING,
// REQUEUED ...) have no counterpart in pb::JobState.
constexpr std::array<StateName, 9> kStates{{
    {pb::JOB_PENDING, "PENDING", "PD"},
    {pb::JOB_RUNNING, "RUNNING", "R"},
    {pb::JOB_COMPLETED, "COMPLETED", "CD"},
    {pb::JOB_FAILED, "FAILED", "F"},
    {pb::JOB_CANCELLED, "CANCELLED", "CA"},
    {pb::JOB_TIMEOUT, "TIMEOUT", "TO"},
    {pb::JOB_NODE_FAIL, "NODE_FAIL", "NF"},
    {pb::JOB_OUT_OF_MEMORY, "OUT_OF_MEMORY", "OOM"},
    {pb::JOB_SUSPENDED, "SUSPENDED", "S"},
}};

const StateName* find(pb::JobState state) {
  for (const auto& entry : kStates) {
    if (entry.state == state) return &entry;
  }
  return nullptr;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Slurm's job_state_num: every base state of job_states, then the flags it
// accepts, long and compact names.
constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kFilterNames{{
    {"PENDING", "PD"},        {"RUNNING", "R"},        {"SUSPENDED", "S"},
    {"COMPLETED", "CD"},      {"CANCELLED", "CA"},     {"FAILED", "F"},
    {"TIMEOUT", "TO"},        {"NODE_FAIL", "NF"},     {"PREEMPTED", "PR"},
    {"BOOT_FAIL", "BF"},      {"DEADLINE", "DL"},      {"OUT_OF_MEMORY", "OOM"},
    {"COMPLETING", "CG"},     {"CONFIGURING", "CF"},   {"RESIZING", "RS"},
    {"RESV_DEL_HOLD", "RD"},  {"REQUEUED", "RQ"},      {"REQUEUE_FED", "RF"},
    {"REQUEUE_HOLD", "RH"},   {"REVOKED", "RV"},       {"SIGNALING", "SI"},
    {"SPECIAL_EXIT", "SE"},   {"STAGE_OUT", "SO"},     {"STOPPED", "ST"},
}};
constexpr size_t kBaseFilterCount = 12;

}  // namespace

bool job_is_completing(const pb::JobRecord& job) {
  return job.kill_sent() && job_state_is_finished(job.state());
}

std::optional<JobStateFilter> parse_job_state_filter(std::string_view text) {
  for (size_t i = 0; i < kFilterNames.size(); ++i) {
    const auto& [long_name, compact] = kFilterNames[i];
    if (equals_ignore_case(text, long_name) || equals_ignore_case(text, compact)) {
      return JobStateFilter{long_name, i >= kBaseFilterCount};
    }
  }
  return std::nullopt;
}

bool job_matches_state(const pb::JobRecord& job, const JobStateFilter& filter) {
  bool completing = job_is_completing(job);
  // Drover jobs carry no other flag, so CF, RQ, SE ... match nothing.
  if (filter.flag) return filter.long_name == "COMPLETING" && completing;
  return !completing && job_state_long(job.state()) == filter.long_name;
}

std::string_view job_state_filter_names() {
  // Slurm lists the base states, then COMPLETING, CONFIGURING, RESIZING,
  // REVOKED and SPECIAL_EXIT (opts.c _parse_state).
  return "PENDING,RUNNING,SUSPENDED,COMPLETED,CANCELLED,FAILED,TIMEOUT,NODE_FAIL,PREEMPTED,"
         "BOOT_FAIL,DEADLINE,OUT_OF_MEMORY,COMPLETING,CONFIGURING,RESIZING,REVOKED,SPECIAL_EXIT";
}

std::string_view job_state_long(pb::JobState state) {
  const StateName* entry = find(state);
  // An enum value from a newer peer: say so rather than guess.
  return entry ? entry->long_name : "UNKNOWN";
}

std::string_view job_state_compact(pb::JobState state) {
  const StateName* entry = find(state);
  return entry ? entry->compact : "?";
}

bool job_state_is_active(pb::JobState state) { return state == pb::JOB_RUNNING || state == pb::JOB_SUSPENDED; }

int64_t job_run_seconds(const pb::JobRecord& job, int64_t now) {
  if (job.state() == pb::JOB_PENDING || job.start_time() == 0) return 0;
  int64_t end = job.state() == pb::JOB_SUSPENDED                         ? job.suspend_time()
                : (job.state() == pb::JOB_RUNNING || job.end_time() == 0) ? now
                                                                          : job.end_time();
  // A controller clock ahead of ours must not give a negative time.
  return std::max<int64_t>(0, end - job.start_time() - int64_t{job.suspended_secs()});
}

bool job_state_is_finished(pb::JobState state) {
  return state != pb::JOB_PENDING && !job_state_is_active(state);
}

std::optional<pb::JobState> parse_job_state(std::string_view text) {
  for (const auto& entry : kStates) {
    if (equals_ignore_case(text, entry.long_name) || equals_ignore_case(text, entry.compact)) {
      return entry.state;
    }
  }
  return std::nullopt;
}

}  // namespace drover
