// JobIndex: the controller's indexes by user, partition, array and state,
// kept current through add/refile/remove as the controller calls them.
#include "../../src/ctld/job_index.h"

#include <gtest/gtest.h>

namespace drover {
namespace {

pb::JobRecord record(uint32_t id, uint32_t uid, const std::string& partition, pb::JobState state) {
  pb::JobRecord r;
  r.set_job_id(id);
  r.set_uid(uid);
  r.set_partition(partition);
  r.set_state(state);
  return r;
}

std::vector<uint32_t> ids(const IdSet* s) {
  std::vector<uint32_t> out;
  if (s) s->append_to(out);
  return out;
}

using V = std::vector<uint32_t>;

TEST(JobIndex, SchedulableHoldsPendingJobsThatAreNotHeld) {
  JobIndex index;
  pb::JobRecord held = record(1, 1000, "batch", pb::JOB_PENDING);  // priority 0: held
  pb::JobRecord queued = record(2, 1000, "batch", pb::JOB_PENDING);
  queued.set_priority(10);
  pb::JobRecord running = record(3, 1000, "batch", pb::JOB_RUNNING);
  running.set_priority(10);
  for (const pb::JobRecord& r : {held, queued, running}) index.add(r);
  EXPECT_EQ(ids(&index.schedulable()), (V{2}));
  held.set_priority(5);  // released
  index.refile(held);
  queued.set_state(pb::JOB_RUNNING);  // started
  index.refile(queued);
  EXPECT_EQ(ids(&index.schedulable()), (V{1}));
  index.remove(held);
  EXPECT_EQ(ids(&index.schedulable()), V{});
}

TEST(JobIndex, FiltersPickTheSmallestSet) {
  JobIndex index;
  for (uint32_t id = 1; id <= 1000; ++id) index.add(record(id, 1000, "batch", pb::JOB_PENDING));
  index.add(record(1001, 2000, "batch", pb::JOB_RUNNING));
  index.add(record(1002, 2000, "debug", pb::JOB_PENDING));
  pb::JobFilter by_user;
  by_user.add_uids(2000);
  EXPECT_EQ(index.candidates(by_user), (V{1001, 1002}));
  pb::JobFilter by_part;
  by_part.add_partitions("debug");
  EXPECT_EQ(index.candidates(by_part), (V{1002}));
  pb::JobFilter running;
  running.add_states(pb::JOB_RUNNING);
  EXPECT_EQ(index.candidates(running), (V{1001}));
  pb::JobFilter on_nodes;  // squeue -w: pending jobs are on no node
  on_nodes.add_nodes("n1");
  EXPECT_EQ(index.candidates(on_nodes), (V{1001}));
  pb::JobFilter nobody;
  nobody.add_uids(4242);
  EXPECT_TRUE(index.candidates(nobody).empty());
  EXPECT_EQ(index.candidates(pb::JobFilter{}).size(), 1002u);
}

TEST(JobIndex, RefileFollowsStateAndPartition) {
  JobIndex index;
  pb::JobRecord r = record(7, 1000, "batch", pb::JOB_PENDING);
  index.add(r);
  EXPECT_TRUE(index.in_class(JobIndex::kPending).contains(7));
  r.set_state(pb::JOB_RUNNING);
  r.set_partition("debug");
  index.refile(r);
  EXPECT_FALSE(index.in_class(JobIndex::kPending).contains(7));
  EXPECT_TRUE(index.in_class(JobIndex::kActive).contains(7));
  pb::JobFilter batch;
  batch.add_partitions("batch");
  EXPECT_TRUE(index.candidates(batch).empty());
  pb::JobFilter debug;
  debug.add_partitions("debug");
  EXPECT_EQ(index.candidates(debug), (V{7}));
  // Cancelled while running: completing (listed by default) until the agent reports.
  r.set_state(pb::JOB_CANCELLED);
  r.set_kill_sent(true);
  index.refile(r);
  EXPECT_EQ(index.candidates(pb::JobFilter{}), (V{7}));
  r.set_kill_sent(false);
  r.set_end_time(100);
  index.refile(r);
  EXPECT_TRUE(index.candidates(pb::JobFilter{}).empty());
  pb::JobFilter all;
  all.set_all_states(true);
  EXPECT_EQ(index.candidates(all), (V{7}));
  index.remove(r);
  EXPECT_TRUE(index.candidates(all).empty());
  EXPECT_EQ(index.size(), 0u);
}

TEST(JobIndex, ArrayRecordsAndPendingTasks) {
  JobIndex index;
  pb::JobRecord meta = record(10, 1000, "batch", pb::JOB_PENDING);
  meta.set_array_job_id(10);
  for (auto [first, last] : {std::pair{0u, 4u}, std::pair{8u, 999999u}}) {
    pb::TaskRange* range = meta.add_array_pending();
    range->set_first(first);
    range->set_last(last);
  }
  index.add(meta);
  pb::JobRecord task = record(11, 1000, "batch", pb::JOB_RUNNING);
  task.set_array_job_id(10);
  task.set_is_array_task(true);
  task.set_array_task_id(5);
  index.add(task);
  index.add(record(12, 1000, "batch", pb::JOB_PENDING));
  EXPECT_EQ(ids(index.array_records(10)), (V{10, 11}));
  EXPECT_EQ(index.array_records(12), nullptr);
  EXPECT_TRUE(array_pending_contains(meta, 0));
  EXPECT_TRUE(array_pending_contains(meta, 4));
  EXPECT_FALSE(array_pending_contains(meta, 5));
  EXPECT_TRUE(array_pending_contains(meta, 999999));
  EXPECT_FALSE(array_pending_contains(meta, 1000000));
  index.remove(task);
  EXPECT_EQ(ids(index.array_records(10)), (V{10}));
  index.remove(meta);
  EXPECT_EQ(index.array_records(10), nullptr);
}

// MinJobAge: finished jobs come out in end-time order, and a job requeued
// or finished again later is not handed out on its stale entry.
TEST(JobIndex, FinishedQueueInEndTimeOrder) {
  JobIndex index;
  auto done = [](uint32_t id, int64_t end) {
    pb::JobRecord r = record(id, 1000, "batch", pb::JOB_COMPLETED);
    r.set_end_time(end);
    return r;
  };
  index.add(done(1, 300));
  index.add(done(2, 100));
  index.add(done(3, 200));
  pb::JobRecord requeued = done(3, 200);
  requeued.set_state(pb::JOB_PENDING);
  index.refile(requeued);
  V taken;
  index.pop_finished_before(250, [&](uint32_t id) { taken.push_back(id); });
  EXPECT_EQ(taken, (V{2}));
  pb::JobRecord again = done(3, 400);
  index.refile(again);
  taken.clear();
  index.pop_finished_before(1000, [&](uint32_t id) { taken.push_back(id); });
  EXPECT_EQ(taken, (V{1, 3}));
}

}  // namespace
}  // namespace drover
