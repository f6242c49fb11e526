// DepIndex: job, array and array-task targets, singletons and aftercorr
// over a small queue of records.
#include "../../src/ctld/dependency_index.h"

#include <gtest/gtest.h>

#include <chrono>

namespace drover {
namespace {

pb::JobRecord record(uint32_t id, pb::JobState state, const std::string& name = "job", uint32_t uid = 1000) {
  pb::JobRecord job;
  job.set_job_id(id);
  job.set_state(state);
  job.set_uid(uid);
  job.mutable_spec()->set_name(name);
  if (state != pb::JOB_PENDING) job.set_start_time(100 + id);
  return job;
}

pb::JobRecord task(uint32_t id, uint32_t array, uint32_t index, pb::JobState state, int exit = 0) {
  pb::JobRecord job = record(id, state, "arr");
  job.set_array_job_id(array);
  job.set_is_array_task(true);
  job.set_array_task_id(index);
  job.set_exit_status(exit);
  return job;
}

pb::JobRecord array_meta(uint32_t id, uint32_t first, uint32_t last) {
  pb::JobRecord job = record(id, pb::JOB_PENDING, "arr");
  job.set_array_job_id(id);
  pb::TaskRange* r = job.add_array_pending();
  r->set_first(first);
  r->set_last(last);
  return job;
}

DepItem item(const std::string& text) { return parse_dependency(text)->items[0]; }

class DepIndexTest : public ::testing::Test {
 protected:
  void add(pb::JobRecord job) { jobs_.insert(std::move(job)); }
  pb::JobRecord& job(uint32_t id) { return *jobs_.find(id); }
  JobTable jobs_;
};

TEST_F(DepIndexTest, PlainJobsAndUnknownIds) {
  add(record(1, pb::JOB_RUNNING));
  add(record(2, pb::JOB_COMPLETED));
  pb::JobRecord failed = record(3, pb::JOB_FAILED);
  failed.set_exit_status(2);
  add(failed);
  DepIndex index(jobs_, true);
  EXPECT_EQ(index.target(item("afterok:1")).running, 1u);
  EXPECT_EQ(index.target(item("afterok:2")).ok, 1u);
  EXPECT_EQ(index.target(item("afterok:3")).failed, 1u);
  EXPECT_FALSE(index.target(item("afterok:99")).known);
  EXPECT_EQ(evaluate_dep_item(item("afterok:1"), index.target(item("afterok:1")), 1000), DepStatus::kUnfulfilled);
  EXPECT_EQ(evaluate_dep_item(item("afterok:3"), index.target(item("afterok:3")), 1000), DepStatus::kFailed);
  EXPECT_FALSE(index.is_array(1));
}

TEST_F(DepIndexTest, ArraysAndTheirTasks) {
  add(array_meta(10, 3, 5));                       // tasks 3-5 not started
  add(task(11, 10, 1, pb::JOB_COMPLETED));
  add(task(12, 10, 2, pb::JOB_RUNNING));
  DepIndex index(jobs_, true);
  EXPECT_TRUE(index.is_array(10));
  DepTarget all = index.target(item("afterok:10"));
  EXPECT_EQ(all.pending, 3u);
  EXPECT_EQ(all.running, 1u);
  EXPECT_EQ(all.ok, 1u);
  EXPECT_EQ(index.target(item("afterok:10_1")).ok, 1u);
  EXPECT_EQ(index.target(item("afterok:10_2")).running, 1u);
  EXPECT_EQ(index.target(item("afterok:10_4")).pending, 1u);
  EXPECT_FALSE(index.target(item("afterok:10_9")).known);  // no such task
}

TEST_F(DepIndexTest, AfterCorrTaskByTask) {
  add(array_meta(10, 4, 5));
  add(task(11, 10, 1, pb::JOB_COMPLETED));
  add(task(12, 10, 2, pb::JOB_RUNNING));
  add(task(13, 10, 3, pb::JOB_FAILED, 1));
  DepIndex index(jobs_, true);
  TaskSet child;
  child.add_range(1, 7);
  // 1 succeeded, 6 and 7 do not exist in array 10; 2 runs, 3 failed, 4-5 pend.
  EXPECT_EQ(index.corr_eligible(10, child).to_string(), "1,6-7");
  EXPECT_EQ(index.corr_failed(10, child).to_string(), "3");
}

TEST_F(DepIndexTest, SingletonWaitsForEarlierAndRunningJobsOfSameUserAndName) {
  add(record(1, pb::JOB_COMPLETED, "w"));
  add(record(2, pb::JOB_PENDING, "w"));
  add(record(3, pb::JOB_PENDING, "w"));
  add(record(4, pb::JOB_PENDING, "w", 2000));   // another user
  add(record(5, pb::JOB_PENDING, "other"));
  DepIndex index(jobs_, true);
  EXPECT_FALSE(index.singleton_blocked(job(2)));  // earliest, nothing running
  EXPECT_TRUE(index.singleton_blocked(job(3)));   // 2 is earlier
  EXPECT_FALSE(index.singleton_blocked(job(4)));
  EXPECT_FALSE(index.singleton_blocked(job(5)));

  job(2).set_state(pb::JOB_RUNNING);
  add(record(6, pb::JOB_PENDING, "late"));
  add(record(7, pb::JOB_RUNNING, "late"));          // a later job that already runs also blocks
  DepIndex again(jobs_, true);
  EXPECT_TRUE(again.singleton_blocked(job(3)));
  EXPECT_TRUE(again.singleton_blocked(job(6)));
}

// Packed jobs (job_table.h) are read without unpacking: a pending target,
// and a pending holder of a singleton name.
TEST_F(DepIndexTest, PackedJobsArePendingTargetsAndSingletonHolders) {
  add(record(2, pb::JOB_PENDING, "w"));
  pb::JobRecord dependent = record(3, pb::JOB_PENDING, "w");
  dependent.mutable_spec()->set_dependency("singleton");  // undecided: kept full
  add(dependent);
  ASSERT_EQ(jobs_.repack(), 1u);
  ASSERT_NE(jobs_.packed(2), nullptr);
  ASSERT_NE(jobs_.full(3), nullptr);
  DepIndex index(jobs_, true);
  EXPECT_EQ(index.target(item("afterok:2")).pending, 1u);
  EXPECT_TRUE(index.target(item("afterok:2")).known);
  EXPECT_TRUE(index.singleton_blocked(*jobs_.full(3)));  // packed 2 is earlier
  EXPECT_NE(jobs_.packed(2), nullptr);                   // still packed
}

TEST_F(DepIndexTest, SingletonCountsArrayTasksOfOtherArraysOnly) {
  add(array_meta(10, 2, 3));
  add(task(11, 10, 1, pb::JOB_RUNNING));
  add(record(20, pb::JOB_PENDING, "arr"));
  DepIndex index(jobs_, true);
  EXPECT_TRUE(index.singleton_blocked(job(20)));   // array 10 is earlier and running
  EXPECT_FALSE(index.singleton_blocked(job(10)));  // its own running task does not count
}

// A large queue: 200,000 jobs, every other one depending on the one before
// it, all with the same name. Building the index and answering every
// dependency is one pass over the queue plus lookups.
TEST_F(DepIndexTest, LargeQueueIsIndexedOnce) {
  const uint32_t kJobs = 200000;
  for (uint32_t id = 1; id <= kJobs; ++id)
    add(record(id, id % 3 == 0 ? pb::JOB_COMPLETED : id % 3 == 1 ? pb::JOB_RUNNING : pb::JOB_PENDING, "same"));
  // Parsed once at submit in the controller, so not timed here.
  std::vector<std::pair<const pb::JobRecord*, DepItem>> dependents;
  for (uint32_t id = 2; id <= kJobs; id += 2)
    dependents.emplace_back(&job(id), item("afterok:" + std::to_string(id - 1)));
  auto began = std::chrono::steady_clock::now();
  DepIndex index(jobs_, true);
  uint32_t satisfied = 0, blocked = 0;
  for (const auto& [job, dep] : dependents) {
    if (evaluate_dep_item(dep, index.target(dep), 1000) == DepStatus::kSatisfied) ++satisfied;
    if (index.singleton_blocked(*job)) ++blocked;
  }
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(satisfied, kJobs / 6);   // those whose predecessor (id % 3 == 0) completed
  EXPECT_EQ(blocked, kJobs / 2);     // jobs of that name are running: every singleton waits
  EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(TaskSetOps, MinusAndIntersect) {
  TaskSet a({{1, 10}, {20, 30}});
  TaskSet b({{0, 2}, {5, 6}, {10, 21}, {30, 40}});
  EXPECT_EQ(task_set_minus(a, b).to_string(), "3-4,7-9,22-29");
  EXPECT_EQ(task_set_intersect(a, b).to_string(), "1-2,5-6,10,20-21,30");
  EXPECT_EQ(task_set_minus(a, TaskSet()).to_string(), a.to_string());
}

}  // namespace
}  // namespace drover
