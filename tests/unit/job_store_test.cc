// JobStore: group commit, failed commits failing their whole group, and
// quarantine of unreadable records at start-up.
#include <sqlite3.h>
#include <stdlib.h>

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <mutex>

#include "../../src/ctld/job_store.h"

namespace drover {
namespace {

// Stands in for the controller's io_context: callbacks queue here and run
// when the test drains them.
class Inbox {
 public:
  std::function<void(std::function<void()>)> poster() {
    return [this](std::function<void()> fn) {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(fn));
      ready_.notify_all();
    };
  }
  // Runs callbacks until `count` have run.
  void drain(size_t count) {
    for (size_t done = 0; done < count; ++done) {
      std::unique_lock lock(mutex_);
      ASSERT_TRUE(ready_.wait_for(lock, std::chrono::seconds(10), [this] { return !queue_.empty(); }));
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
};

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/drover-store-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<JobStore> open() {
    auto store = JobStore::open(dir_, inbox_.poster());
    EXPECT_TRUE(store) << store.error();
    return std::move(*store);
  }

  static pb::JobRecord job(uint32_t id) {
    pb::JobRecord r;
    r.set_job_id(id);
    r.mutable_spec()->set_name("job" + std::to_string(id));
    return r;
  }

  // Queues one write per id and returns the results in order.
  std::vector<Status> write_all(JobStore& store, const std::vector<uint32_t>& ids) {
    std::vector<Status> results(ids.size(), Status::fail("not answered"));
    for (size_t i = 0; i < ids.size(); ++i) {
      JobStore::Write w;
      w.records.push_back(job(ids[i]));
      w.done = [&results, i](Status s) { results[i] = s; };
      store.write(std::move(w));
    }
    inbox_.drain(ids.size());
    return results;
  }

  std::string dir_;
  Inbox inbox_;
};

TEST_F(JobStoreTest, CommittedWritesSurviveReopen) {
  {
    auto store = open();
    store->set_next_job_id(4);
    for (const Status& s : write_all(*store, {1, 2, 3})) EXPECT_TRUE(s) << s.error();
  }
  auto store = open();
  JobStore::Loaded loaded = store->load();
  ASSERT_EQ(loaded.jobs.size(), 3u);
  EXPECT_EQ(loaded.jobs[2].spec().name(), "job3");
  EXPECT_EQ(loaded.next_job_id, 4u);
  EXPECT_TRUE(loaded.quarantined.empty());
}

// Restart time: jobs past MinJobAge are not read back (sacct finds them in
// the store); pending, recently ended and array records are.
TEST_F(JobStoreTest, LoadSkipsJobsThatEndedBeforeTheCutoff) {
  {
    auto store = open();
    store->set_next_job_id(9);
    JobStore::Write w;
    pb::JobRecord pending = job(1);
    pending.set_state(pb::JOB_PENDING);
    pb::JobRecord old_done = job(2);
    old_done.set_state(pb::JOB_COMPLETED);
    old_done.set_end_time(1000);
    pb::JobRecord recent_done = job(3);
    recent_done.set_state(pb::JOB_FAILED);
    recent_done.set_end_time(5000);
    pb::JobRecord old_array = job(4);  // an array's own record
    old_array.set_state(pb::JOB_COMPLETED);
    old_array.set_end_time(1000);
    old_array.set_array_job_id(4);
    pb::JobRecord old_task = job(5);
    old_task.set_state(pb::JOB_COMPLETED);
    old_task.set_end_time(1000);
    old_task.set_array_job_id(4);
    old_task.set_is_array_task(true);
    pb::JobRecord old_killing = job(8);  // ended, processes still being killed
    old_killing.set_state(pb::JOB_CANCELLED);
    old_killing.set_end_time(1000);
    old_killing.set_kill_sent(true);
    w.records = {pending, old_done, recent_done, old_array, old_task, old_killing};
    Status result = Status::fail("not answered");
    w.done = [&result](Status s) { result = s; };
    store->write(std::move(w));
    inbox_.drain(1);
    ASSERT_TRUE(result) << result.error();
  }
  JobStore::Loaded loaded = open()->load(/*finished_before=*/3000);
  std::vector<uint32_t> ids;
  for (const pb::JobRecord& r : loaded.jobs) ids.push_back(r.job_id());
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 3, 4, 8}));
  EXPECT_EQ(loaded.finished_not_read, 2u);
  EXPECT_EQ(loaded.next_job_id, 9u);
  EXPECT_EQ(open()->load().jobs.size(), 6u);  // no cutoff: everything
  // Handed out one by one (issue 6: packed as they come): the same records,
  // in id order, none collected.
  std::vector<std::string> visited;
  JobStore::Loaded streamed =
      open()->load(/*finished_before=*/3000, [&](pb::JobRecord& r) { visited.push_back(r.SerializeAsString()); });
  EXPECT_TRUE(streamed.jobs.empty());
  ASSERT_EQ(visited.size(), loaded.jobs.size());
  for (size_t i = 0; i < visited.size(); ++i) EXPECT_EQ(visited[i], loaded.jobs[i].SerializeAsString());
  EXPECT_EQ(streamed.finished_not_read, 2u);
  EXPECT_EQ(streamed.next_job_id, 9u);
}

// Times are int64 on disk and on the wire: a job ending after 2038 (past a
// 32-bit time_t, the default on Debian 12 armhf) comes back the same.
TEST_F(JobStoreTest, TimesAfter2038SurviveReopen) {
  const int64_t after_2038 = 4102444800;  // 2100-01-01
  {
    auto store = open();
    pb::JobRecord r = job(1);
    r.set_submit_time(after_2038 - 60);
    r.set_start_time(after_2038 - 30);
    r.set_end_time(after_2038);
    JobStore::Write w;
    w.records.push_back(r);
    Status result = Status::fail("not answered");
    w.done = [&result](Status s) { result = s; };
    store->write(std::move(w));
    inbox_.drain(1);
    ASSERT_TRUE(result) << result.error();
  }
  JobStore::Loaded loaded = open()->load();
  ASSERT_EQ(loaded.jobs.size(), 1u);
  EXPECT_EQ(loaded.jobs[0].end_time(), after_2038);
  EXPECT_EQ(loaded.jobs[0].start_time(), after_2038 - 30);
  pb::JobRecord decoded;
  ASSERT_TRUE(decoded.ParseFromString(loaded.jobs[0].SerializeAsString()));
  EXPECT_EQ(decoded.submit_time(), after_2038 - 60);
}

TEST_F(JobStoreTest, NodeStatesSurviveReopenLatestWins) {
  {
    auto store = open();
    for (bool drain : {true, false, true}) {
      JobStore::Write w;
      pb::NodeAdminState node;
      node.set_name("node2");
      node.set_drain(drain);
      node.set_reason(drain ? "fan noise" : "");
      w.nodes.push_back(node);
      bool done = false;
      w.done = [&done](Status s) { done = static_cast<bool>(s); };
      store->write(std::move(w));
      inbox_.drain(1);
      ASSERT_TRUE(done);
    }
  }
  auto loaded = open()->load();
  ASSERT_EQ(loaded.nodes.size(), 1u);
  EXPECT_EQ(loaded.nodes[0].name(), "node2");
  EXPECT_TRUE(loaded.nodes[0].drain());
  EXPECT_EQ(loaded.nodes[0].reason(), "fan noise");
}

TEST_F(JobStoreTest, ManyWritersShareCommits) {
  auto store = open();
  std::vector<uint32_t> ids;
  for (uint32_t i = 1; i <= 200; ++i) ids.push_back(i);
  for (const Status& s : write_all(*store, ids)) EXPECT_TRUE(s);
  EXPECT_LT(store->groups_committed(), 200u) << "every write paid its own commit";
}

TEST_F(JobStoreTest, FailedCommitFailsEveryWriterAndKeepsNothing) {
  {
    auto store = open();
    store->set_commit_fault([] { return Status::fail("injected: fsync failed (EIO)"); });
    for (const Status& s : write_all(*store, {1, 2, 3})) {
      ASSERT_FALSE(s);
      EXPECT_NE(s.error().find("injected: fsync failed"), std::string::npos) << s.error();
    }
  }
  auto store = open();
  EXPECT_TRUE(store->load().jobs.empty());
}

TEST_F(JobStoreTest, FailingPreCommitStepFailsOnlyItsWrite) {
  auto store = open();
  std::vector<Status> results(2, Status::fail("not answered"));
  JobStore::Write bad;
  bad.records.push_back(job(1));
  bad.before_commit = [] { return Status::fail("No space left on device"); };
  bad.done = [&](Status s) { results[0] = s; };
  JobStore::Write good;
  good.records.push_back(job(2));
  good.done = [&](Status s) { results[1] = s; };
  store->write(std::move(bad));
  store->write(std::move(good));
  inbox_.drain(2);
  EXPECT_FALSE(results[0]);
  EXPECT_EQ(results[0].error(), "No space left on device");
  EXPECT_TRUE(results[1]);
  store.reset();
  auto reopened = open();
  auto loaded = reopened->load();
  ASSERT_EQ(loaded.jobs.size(), 1u);
  EXPECT_EQ(loaded.jobs[0].job_id(), 2u);
}

TEST_F(JobStoreTest, UnreadableRecordIsQuarantinedAndTheRestLoads) {
  {
    auto store = open();
    write_all(*store, {1, 2, 3});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/drover.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE jobs SET record = x'ffffffff0a' WHERE id = 2", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = open();
  JobStore::Loaded loaded = store->load();
  ASSERT_EQ(loaded.jobs.size(), 2u);
  EXPECT_EQ(loaded.jobs[0].job_id(), 1u);
  EXPECT_EQ(loaded.jobs[1].job_id(), 3u);
  ASSERT_EQ(loaded.quarantined.size(), 1u);
  EXPECT_NE(loaded.quarantined[0].find("job 2"), std::string::npos);
  // Quarantined once: the next start finds a clean table and the id is not reused.
  store.reset();
  auto again = open();
  auto reloaded = again->load();
  EXPECT_TRUE(reloaded.quarantined.empty());
  EXPECT_EQ(reloaded.next_job_id, 4u);
}

// Finished jobs for sacct: found by id (and by their array's id) or by end
// time, after the writes queued before the query; requeued ones leave the
// index; retention deletes what ended before the cutoff.
class FinishedJobsTest : public JobStoreTest {
 protected:
  static pb::JobRecord ended(uint32_t id, int64_t end, uint32_t array_id = 0) {
    pb::JobRecord r = job(id);
    r.set_state(pb::JOB_COMPLETED);
    r.set_end_time(end);
    r.set_array_job_id(array_id);
    return r;
  }
  void put(JobStore& store, std::vector<pb::JobRecord> records) {
    JobStore::Write w;
    w.records = std::move(records);
    store.write(std::move(w));
  }
  std::vector<uint32_t> ids(JobStore& store, JobStore::FinishedQuery query) {
    std::vector<uint32_t> out;
    store.query_finished(std::move(query), [&out](std::vector<pb::JobRecord> records) {
      for (const auto& r : records) out.push_back(r.job_id());
    });
    inbox_.drain(1);
    return out;
  }
};

TEST_F(FinishedJobsTest, QueriesByIdArrayAndEndTime) {
  auto store = open();
  pb::JobRecord pending = job(4);
  put(*store, {ended(1, 100), ended(2, 200), ended(3, 300, 10), ended(10, 310, 10), pending});
  // Queued after the writes, so it sees them without waiting for their answers.
  EXPECT_EQ((std::vector<uint32_t>{2}), ids(*store, {{2}, 0}));
  EXPECT_EQ((std::vector<uint32_t>{3, 10}), ids(*store, {{10}, 0})) << "an array id names its tasks";
  EXPECT_EQ((std::vector<uint32_t>{}), ids(*store, {{4}, 0})) << "a pending job is not accounting";
  EXPECT_EQ((std::vector<uint32_t>{2, 3, 10}), ids(*store, {{}, 200}));
}

TEST_F(FinishedJobsTest, RequeuedJobLeavesTheIndex) {
  auto store = open();
  put(*store, {ended(5, 100)});
  pb::JobRecord requeued = ended(5, 0);
  requeued.set_state(pb::JOB_PENDING);
  put(*store, {requeued});
  EXPECT_TRUE(ids(*store, {{5}, 0}).empty());
  pb::JobRecord completing = ended(6, 100);
  completing.set_kill_sent(true);  // processes not gone yet
  put(*store, {completing});
  EXPECT_TRUE(ids(*store, {{6}, 0}).empty());
}

TEST_F(FinishedJobsTest, RetentionPurgesOnlyOlderJobs) {
  {
    auto store = open();
    put(*store, {ended(1, 100), ended(2, 200), ended(3, 300), job(4)});
    size_t purged = 99;
    store->purge_finished(250, [&purged](Result<size_t> r) { purged = r ? *r : 1000; });
    inbox_.drain(1);
    EXPECT_EQ(2u, purged);
    EXPECT_EQ((std::vector<uint32_t>{3}), ids(*store, {{}, 0}));
  }
  auto store = open();
  JobStore::Loaded loaded = store->load();
  ASSERT_EQ(2u, loaded.jobs.size()) << "purged jobs are gone from the store, pending ones stay";
  EXPECT_EQ(3u, loaded.jobs[0].job_id());
  EXPECT_EQ(4u, loaded.jobs[1].job_id());
  EXPECT_EQ(5u, loaded.next_job_id) << "ids of purged jobs are never reused";
}

TEST_F(FinishedJobsTest, OlderDatabasesAreIndexedAtLoad) {
  {
    auto store = open();
    put(*store, {ended(1, 100), ended(2, 200)});
    EXPECT_EQ(2u, ids(*store, {{}, 0}).size());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/drover.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE finished", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = open();
  store->load();
  EXPECT_EQ((std::vector<uint32_t>{1, 2}), ids(*store, {{}, 0}));
}

}  // namespace
}  // namespace drover

namespace drover {
namespace {

// Scripts and environments live apart from the records (payload table) and
// come back byte for byte, NULs included.
TEST_F(JobStoreTest, PayloadsSurviveReopen) {
  std::string env("A=1\0B=two\0", 10);
  {
    auto store = open();
    JobStore::Write w;
    w.records.push_back(job(7));
    w.payloads.push_back({7, "#!/bin/sh\ntrue\n", env});
    Status result = Status::fail("not answered");
    w.done = [&result](Status s) { result = s; };
    store->write(std::move(w));
    inbox_.drain(1);
    ASSERT_TRUE(result) << result.error();
  }
  auto store = open();
  JobStore::Loaded loaded = store->load();
  ASSERT_EQ(loaded.jobs.size(), 1u);
  std::vector<JobStore::Payload> payloads = store->load_payloads({7, 8});
  ASSERT_EQ(payloads.size(), 1u);  // job 8 has none
  EXPECT_EQ(payloads[0].job_id, 7u);
  EXPECT_EQ(payloads[0].script, "#!/bin/sh\ntrue\n");
  EXPECT_EQ(payloads[0].env, env);
}

}  // namespace
}  // namespace drover

namespace drover {
namespace {

// A record stored before the payload table (script and environment inside
// it) is migrated on load: its payload appears and the record loses them.
TEST_F(JobStoreTest, OldRecordsMoveTheirScriptToThePayloadTable) {
  {
    auto store = open();
    JobStore::Write w;
    pb::JobRecord old = job(5);
    old.mutable_spec()->set_script("#!/bin/sh\necho old\n");
    old.mutable_spec()->add_env("HOME=/home/u");
    w.records.push_back(old);
    w.done = [](Status) {};
    store->write(std::move(w));
    inbox_.drain(1);
  }
  {
    auto store = open();
    JobStore::Loaded loaded = store->load();
    ASSERT_EQ(loaded.jobs.size(), 1u);
    EXPECT_TRUE(loaded.jobs[0].spec().script().empty());
    EXPECT_EQ(loaded.jobs[0].spec().env_size(), 0);
  }
  auto store = open();
  JobStore::Loaded loaded = store->load();
  ASSERT_EQ(loaded.jobs.size(), 1u);
  EXPECT_TRUE(loaded.jobs[0].spec().script().empty());  // the rewritten record
  std::vector<JobStore::Payload> payloads = store->load_payloads({5});
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0].script, "#!/bin/sh\necho old\n");
  EXPECT_EQ(payloads[0].env, std::string("HOME=/home/u\0", 13));
}

// The same migration when records are handed out one by one (the
// controller's restart): the old record comes last, once its script has
// moved, without it; the others come in id order.
TEST_F(JobStoreTest, OldRecordsHandedOutOnceMigrated) {
  {
    auto store = open();
    JobStore::Write w;
    pb::JobRecord old = job(5);
    old.mutable_spec()->set_script("#!/bin/sh\necho old\n");
    old.mutable_spec()->add_env("HOME=/home/u");
    w.records = {job(4), old, job(6)};
    w.done = [](Status) {};
    store->write(std::move(w));
    inbox_.drain(1);
  }
  auto store = open();
  std::vector<pb::JobRecord> visited;
  JobStore::Loaded loaded = store->load(0, [&](pb::JobRecord& r) { visited.push_back(std::move(r)); });
  EXPECT_TRUE(loaded.error.empty());
  EXPECT_TRUE(loaded.jobs.empty());
  ASSERT_EQ(visited.size(), 3u);
  EXPECT_EQ(visited[0].job_id(), 4u);
  EXPECT_EQ(visited[1].job_id(), 6u);
  EXPECT_EQ(visited[2].job_id(), 5u);
  EXPECT_TRUE(visited[2].spec().script().empty());
  EXPECT_EQ(visited[2].spec().env_size(), 0);
  std::vector<JobStore::Payload> payloads = store->load_payloads({5});
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0].script, "#!/bin/sh\necho old\n");
}

}  // namespace
}  // namespace drover
