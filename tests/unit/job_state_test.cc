#include "drover/job_state.h"

#include <gtest/gtest.h>

namespace drover {
namespace {

struct StateCase {
  pb::JobState state;
  std::string_view long_name;
  std::string_view compact;
  bool finished;
};

// Spec §3.2.
const StateCase kStateCases[] = {
    {pb::JOB_PENDING, "PENDING", "PD", false},
    {pb::JOB_RUNNING, "RUNNING", "R", false},
    {pb::JOB_COMPLETED, "COMPLETED", "CD", true},
    {pb::JOB_FAILED, "FAILED", "F", true},
    {pb::JOB_CANCELLED, "CANCELLED", "CA", true},
    {pb::JOB_TIMEOUT, "TIMEOUT", "TO", true},
    {pb::JOB_NODE_FAIL, "NODE_FAIL", "NF", true},
    {pb::JOB_OUT_OF_MEMORY, "OUT_OF_MEMORY", "OOM", true},
    {pb::JOB_SUSPENDED, "SUSPENDED", "S", false},
};

TEST(JobStateTest, NamesAndFinished) {
  for (const auto& c : kStateCases) {
    SCOPED_TRACE(std::string(c.long_name));
    EXPECT_EQ(job_state_long(c.state), c.long_name);
    EXPECT_EQ(job_state_compact(c.state), c.compact);
    EXPECT_EQ(job_state_is_finished(c.state), c.finished);
  }
}

TEST(JobStateTest, ParsesLongAndCompactNamesRoundTrip) {
  for (const auto& c : kStateCases) {
    SCOPED_TRACE(std::string(c.long_name));
    EXPECT_EQ(parse_job_state(c.long_name), c.state);
    EXPECT_EQ(parse_job_state(c.compact), c.state);
  }
}

TEST(JobStateTest, ParsesCaseInsensitively) {
  struct Case {
    std::string_view text;
    pb::JobState state;
  } cases[] = {
      {"pd", pb::JOB_PENDING},          {"Running", pb::JOB_RUNNING},
      {"r", pb::JOB_RUNNING},           {"oom", pb::JOB_OUT_OF_MEMORY},
      {"out_of_memory", pb::JOB_OUT_OF_MEMORY}, {"cA", pb::JOB_CANCELLED},
      {"node_fail", pb::JOB_NODE_FAIL}, {"cd", pb::JOB_COMPLETED},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    EXPECT_EQ(parse_job_state(c.text), c.state);
  }
}

TEST(JobStateTest, RejectsUnknownNames) {
  for (std::string_view text : {"", "P", "PEND", "RUNNINGX", "REQUEUED", "bogus", " PD"}) {
    SCOPED_TRACE(std::string(text));
    EXPECT_EQ(parse_job_state(text), std::nullopt);
  }
}

TEST(JobStateTest, UnknownEnumValueIsNamedAsSuch) {
  auto odd = static_cast<pb::JobState>(42);
  EXPECT_EQ(job_state_long(odd), "UNKNOWN");
  EXPECT_TRUE(job_state_is_finished(odd));
}

// RunTime / Elapsed: suspended time is not run time.
TEST(JobStateTest, RunSeconds) {
  pb::JobRecord job;
  EXPECT_EQ(0, job_run_seconds(job, 1000)) << "pending";
  job.set_state(pb::JOB_RUNNING);
  job.set_start_time(100);
  EXPECT_EQ(900, job_run_seconds(job, 1000));
  EXPECT_EQ(0, job_run_seconds(job, 50)) << "a controller clock ahead of ours";
  job.set_state(pb::JOB_SUSPENDED);
  job.set_suspend_time(400);
  EXPECT_EQ(300, job_run_seconds(job, 1000)) << "stopped at the suspend";
  job.set_state(pb::JOB_RUNNING);
  job.set_suspended_secs(200);  // resumed at 600
  job.set_suspend_time(600);
  EXPECT_EQ(700, job_run_seconds(job, 1000));
  job.set_state(pb::JOB_COMPLETED);
  job.set_end_time(900);
  EXPECT_EQ(600, job_run_seconds(job, 5000));
  EXPECT_TRUE(job_state_is_active(pb::JOB_SUSPENDED));
  EXPECT_FALSE(job_state_is_active(pb::JOB_COMPLETED));
}

}  // namespace
}  // namespace drover
