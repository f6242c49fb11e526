// Packed pending jobs (issue 6): the string pool, pack/unpack round trips,
// JobTable's unpack-in-place and repack, and the scheduling pass deciding
// the same for a packed job as for its full record.
#include <gtest/gtest.h>

#include "../../src/ctld/job_table.h"
#include "../../src/ctld/packed_job.h"
#include "../../src/ctld/pending_pass.h"
#include "../../src/ctld/record_memory.h"
#include "../../src/ctld/string_pool.h"

namespace drover {
namespace {

// A pending record with every JobRecord and JobSpec field set to something
// other than its default, so a field lost by pack/unpack shows.
pb::JobRecord every_field() {
  pb::JobRecord job;
  job.set_job_id(4242);
  job.set_uid(1000);
  job.set_gid(1001);
  job.set_state(pb::JOB_PENDING);
  job.set_reason("JobHeldUser");
  job.set_submit_time(1700000000);
  job.set_start_time(1700000100);
  job.set_end_time(1700000200);
  job.set_exit_status(3);
  job.set_term_signal(9);
  job.add_nodes("n1");
  job.add_nodes("n2");
  job.set_alloc_cpus(8);
  job.set_partition("batch");
  job.set_priority(12345);
  job.set_array_job_id(4240);
  job.set_is_array_task(true);
  job.set_array_task_id(2);
  pb::TaskRange* r = job.add_array_pending();
  r->set_first(3);
  r->set_last(9);
  job.set_array_throttle(2);
  job.set_array_task_count(10);
  job.set_array_task_min(0);
  job.set_array_task_max(9);
  job.set_array_task_step(1);
  job.add_node_cpus(4);
  job.add_node_cpus(4);
  job.set_cancelled_by(7);
  job.set_kill_sent(true);
  job.set_restarts(2);
  job.set_max_rss_kb(1024);
  job.set_total_cpu_us(99);
  job.set_suspend_time(1700000150);
  job.set_suspended_secs(5);
  pb::StepRecord* step = job.add_steps();
  step->set_step_id(0);
  step->set_name("hostname");
  step->add_nodes("n1");
  step->set_state(pb::JOB_COMPLETED);
  job.set_next_step_id(1);
  job.set_dependency_state("afterok:12(unfulfilled)");
  job.set_dependency_done(true);
  job.set_dependency_failed(true);
  job.set_expected_start(1700000500);
  job.set_alloc_mem_per_node_mb(512);
  pb::JobSpec& s = *job.mutable_spec();
  s.set_name("my job");
  s.set_partition("batch");
  s.set_min_nodes(2);
  s.set_ntasks(8);
  s.set_cpus_per_task(2);
  s.set_mem_mb(2048);
  s.set_mem_given(true);
  s.set_time_limit_min(90);
  s.set_exclusive(true);
  s.set_hold(true);
  s.set_array_spec("0-9%2");
  s.set_stdout_pattern("out-%j.txt");
  s.set_stderr_pattern("err-%j.txt");
  s.set_stdin_path("/dev/null");
  s.set_work_dir("/home/u/work");
  s.set_submit_dir("/home/u");
  s.set_submit_host("head");
  s.set_script("#!/bin/sh\ntrue\n");
  s.add_env("A=1");
  s.add_env("B=2");
  s.add_argv("x");
  s.set_command("run.sh");
  s.set_export_spec("NONE");
  s.set_requeue(true);
  s.set_user_name("alice");
  s.set_submit_token("tok");
  s.set_account("acct");
  s.set_qos("normal");
  s.set_comment("c");
  s.set_wckey("w");
  s.set_mail_type("END");
  s.set_mail_user("a@b");
  s.set_open_mode_append(true);
  s.set_nice(-5);
  s.set_priority_request(77);
  s.set_dependency("afterok:12");
  s.set_begin_time(1700000300);
  s.set_constraint("fast");
  s.set_nodelist("n[1-2]");
  s.set_exclude("n3");
  s.set_mem_per_cpu_mb(256);
  s.set_ntasks_per_node(4);
  s.set_signal_number(10);
  s.set_signal_secs(60);
  s.set_signal_batch_only(true);
  s.set_time_min_min(30);
  s.set_deadline(1700009999);
  s.set_reservation("r");
  s.set_gres("gpu:1");
  s.set_cluster("picluster");
  s.set_kill_on_invalid_dep(true);
  s.set_max_nodes(3);
  s.set_no_kill(true);
  s.set_requeue_given(true);
  s.set_allocation(true);
  s.set_no_kill_on_invalid_dep(true);
  s.set_submit_token_hash(0x1234567890abcdefull);
  return job;
}

// A held `sbatch --wrap` job as the controller keeps it: the bulk of a queue.
pb::JobRecord wrap_job(uint32_t id) {
  pb::JobRecord job;
  job.set_job_id(id);
  job.set_uid(1000);
  job.set_gid(1000);
  job.set_state(pb::JOB_PENDING);
  job.set_reason("JobHeldUser");
  job.set_submit_time(1700000000 + id);
  job.set_partition("debug");
  pb::JobSpec& s = *job.mutable_spec();
  s.set_name("wrap");
  s.set_user_name("alice");
  s.set_time_limit_min(kInfiniteMinutes);
  s.set_hold(true);
  s.set_work_dir("/home/alice");
  s.set_submit_dir("/home/alice");
  s.set_submit_host("head");
  s.set_submit_token_hash(0xfeed0000ull + id);
  return job;
}

std::string bytes(const pb::JobRecord& job) { return job.SerializeAsString(); }

TEST(StringPool, InternsCountsAndFrees) {
  StringPool pool;
  EXPECT_EQ(pool.add(""), 0u);
  EXPECT_EQ(pool.get(0), "");
  uint32_t a = pool.add("debug");
  uint32_t b = pool.add("debug");
  uint32_t c = pool.add("batch");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(pool.get(a), "debug");
  EXPECT_EQ(pool.holders(a), 2u);
  EXPECT_EQ(pool.size(), 2u);
  pool.release(a);
  EXPECT_EQ(pool.get(a), "debug");  // one holder left
  pool.release(a);
  EXPECT_EQ(pool.size(), 1u);
  uint32_t d = pool.add("other");  // the freed number is reused
  EXPECT_EQ(d, a);
  EXPECT_EQ(pool.get(d), "other");
  EXPECT_EQ(pool.get(c), "batch");
  pool.release(0);  // "" is never counted
  EXPECT_EQ(pool.get(0), "");
}

TEST(StringPool, ViewsSurviveGrowth) {
  StringPool pool;
  uint32_t first = pool.add("short");  // small-string storage: moves would break a view
  for (int i = 0; i < 10000; ++i) pool.add("name" + std::to_string(i));
  EXPECT_EQ(pool.add("short"), first);
  EXPECT_EQ(pool.get(first), "short");
}

TEST(PackedJob, RoundTripKeepsEveryField) {
  StringPool pool;
  pb::JobRecord original = every_field();
  pb::JobRecord work = original;
  PackedJob packed;
  pack(work, pool, packed);
  EXPECT_EQ(packed.job_id, 4242u);
  EXPECT_EQ(pool.get(packed.name), "my job");
  EXPECT_EQ(pool.get(packed.user_name), "alice");
  EXPECT_EQ(pool.get(packed.partition), "batch");
  EXPECT_EQ(pool.get(packed.reason), "JobHeldUser");
  // The hot fields are not stored twice.
  EXPECT_EQ(work.job_id(), 0u);
  EXPECT_TRUE(work.reason().empty());
  EXPECT_TRUE(work.spec().name().empty());
  EXPECT_EQ(work.spec().time_limit_min(), 0u);
  EXPECT_EQ(work.spec().submit_token_hash(), 0u);
  EXPECT_EQ(packed.submit_token_hash, 0x1234567890abcdefull);
  EXPECT_EQ(pool.get(packed.cold), work.SerializeAsString());
  pb::JobRecord back;
  ASSERT_TRUE(unpack(packed, pool, back));
  EXPECT_EQ(bytes(back), bytes(original));
  // Unpacking again into a used record gives the same (parse clears first).
  ASSERT_TRUE(unpack(packed, pool, back));
  EXPECT_EQ(bytes(back), bytes(original));
  release_packed(packed, pool);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(packed.cold, 0u);
}

TEST(PackedJob, RoundTripOfAWrapJobAndOfAReleasedPayload) {
  StringPool pool;
  pb::JobRecord original = wrap_job(7);
  original.mutable_spec()->add_env("HOME=/home/alice");
  original.mutable_spec()->set_script("#!/bin/sh\ntrue\n");
  release_payload(*original.mutable_spec());  // as submit does
  pb::JobRecord work = original;
  PackedJob packed;
  pack(work, pool, packed);
  pb::JobRecord back;
  ASSERT_TRUE(unpack(packed, pool, back));
  EXPECT_EQ(bytes(back), bytes(original));
  EXPECT_EQ(back.spec().env_size(), 0);
  EXPECT_TRUE(back.spec().script().empty());
  // The cold part of a --wrap job is small: its directories and host.
  EXPECT_LT(pool.get(packed.cold).size(), 64u);
  // Jobs submitted alike share their cold bytes; what differs is hot.
  pb::JobRecord other = wrap_job(8);
  PackedJob second;
  pack(other, pool, second);
  EXPECT_EQ(second.cold, packed.cold);
  EXPECT_EQ(pool.holders(packed.cold), 2u);
  EXPECT_NE(second.submit_token_hash, packed.submit_token_hash);
  ASSERT_TRUE(unpack(second, pool, back));
  EXPECT_EQ(bytes(back), bytes(wrap_job(8)));
  release_packed(packed, pool);
  release_packed(second, pool);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(PackedJob, RecordWithoutSpecStaysWithoutSpec) {
  StringPool pool;
  pb::JobRecord original;
  original.set_job_id(3);
  original.set_reason("Priority");
  pb::JobRecord work = original;
  PackedJob packed;
  pack(work, pool, packed);
  pb::JobRecord back;
  ASSERT_TRUE(unpack(packed, pool, back));
  EXPECT_FALSE(back.has_spec());
  EXPECT_EQ(bytes(back), bytes(original));
  release_packed(packed, pool);
}

TEST(PackedJob, OnlyPlainPendingJobsArePackable) {
  pb::JobRecord job = wrap_job(1);
  EXPECT_TRUE(packable(job));
  auto with = [&](auto change) {
    pb::JobRecord j = job;
    change(j);
    return packable(j);
  };
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.set_state(pb::JOB_RUNNING); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.set_state(pb::JOB_COMPLETED); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.set_array_job_id(1); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.set_is_array_task(true); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.add_array_pending()->set_last(3); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.mutable_spec()->set_nodelist("n1"); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.mutable_spec()->set_exclude("n1"); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.mutable_spec()->set_constraint("fast"); }));
  EXPECT_FALSE(with([](pb::JobRecord& j) { j.mutable_spec()->set_dependency("afterok:1"); }));
  // A decided dependency reads nothing in a pass any more.
  EXPECT_TRUE(with([](pb::JobRecord& j) {
    j.mutable_spec()->set_dependency("afterok:1");
    j.set_dependency_done(true);
  }));
  EXPECT_TRUE(with([](pb::JobRecord& j) {
    j.mutable_spec()->set_dependency("afterok:1");
    j.set_dependency_failed(true);
  }));
}

TEST(JobTable, FindUnpacksInPlaceAndRepackPacksAgain) {
  JobTable table;
  table.insert(wrap_job(1));
  pb::JobRecord running = wrap_job(2);
  running.set_state(pb::JOB_RUNNING);
  table.insert(running);
  EXPECT_TRUE(table.needs_repack());
  EXPECT_EQ(table.repack(), 1u);  // the running job stays full
  EXPECT_FALSE(table.needs_repack());
  EXPECT_EQ(table.packed_count(), 1u);
  ASSERT_NE(table.packed(1), nullptr);
  ASSERT_NE(table.full(2), nullptr);
  EXPECT_EQ(table.packed(2), nullptr);

  // view() reads without unpacking.
  JobTable::Scratch scratch;
  const pb::JobRecord* seen = table.view(1, scratch);
  ASSERT_EQ(seen, &scratch.record);
  EXPECT_EQ(bytes(*seen), bytes(wrap_job(1)));
  EXPECT_NE(table.packed(1), nullptr);
  EXPECT_EQ(table.view(99, scratch), nullptr);

  // find() unpacks in place; the pointer stays good until the repack, and
  // other finds do not move it.
  pb::JobRecord* job = table.find(1);
  ASSERT_NE(job, nullptr);
  EXPECT_EQ(table.packed(1), nullptr);
  EXPECT_EQ(table.full(1), job);
  EXPECT_TRUE(table.needs_repack());
  job->set_reason("Priority");
  job->mutable_spec()->set_comment("changed while unpacked");
  EXPECT_EQ(table.find(2), table.full(2));
  table.insert(wrap_job(3));
  EXPECT_EQ(table.find(1), job);
  EXPECT_EQ(table.repack(), 2u);  // 1 and 3
  ASSERT_NE(table.packed(1), nullptr);
  EXPECT_EQ(table.strings().get(table.packed(1)->reason), "Priority");
  // The change made while unpacked is kept.
  pb::JobRecord expected = wrap_job(1);
  expected.set_reason("Priority");
  expected.mutable_spec()->set_comment("changed while unpacked");
  EXPECT_EQ(bytes(*table.view(1, scratch)), bytes(expected));

  // A job that starts while unpacked is not packed again.
  table.find(3)->set_state(pb::JOB_RUNNING);
  EXPECT_EQ(table.repack(), 0u);
  EXPECT_NE(table.full(3), nullptr);
  EXPECT_EQ(table.find(99), nullptr);
}

// A full job that becomes packable while found (its dependency satisfied,
// a requeue, -w dropped) is packed by the next repack.
TEST(JobTable, FullJobThatBecomesPackableIsPacked) {
  JobTable table;
  pb::JobRecord waiting = wrap_job(1);
  waiting.mutable_spec()->set_dependency("afterok:7");
  table.insert(waiting);
  pb::JobRecord running = wrap_job(2);
  running.set_state(pb::JOB_RUNNING);
  table.insert(running);
  EXPECT_EQ(table.repack(), 0u);
  table.find(1)->set_dependency_done(true);
  table.find(2)->set_state(pb::JOB_PENDING);  // requeued
  EXPECT_EQ(table.repack(), 2u);
  EXPECT_NE(table.packed(1), nullptr);
  EXPECT_NE(table.packed(2), nullptr);
  EXPECT_EQ(table.find(1)->spec().dependency(), "afterok:7");
}

// Views of packed jobs that share their cold bytes parse them once; each
// view is still exactly its own job.
TEST(JobTable, ViewsOfJobsSharingColdBytes) {
  JobTable table;
  std::vector<pb::JobRecord> expected;
  for (uint32_t id = 1; id <= 4; ++id) {
    pb::JobRecord job = wrap_job(id);
    if (id == 3) job.mutable_spec()->set_work_dir("/elsewhere");
    if (id == 4) job.mutable_spec()->set_comment("only here");
    expected.push_back(job);
    table.insert_recovered(std::move(job));
  }
  ASSERT_EQ(table.packed_count(), 4u);
  EXPECT_EQ(table.packed(1)->cold, table.packed(2)->cold);
  EXPECT_NE(table.packed(1)->cold, table.packed(3)->cold);
  JobTable::Scratch scratch;
  for (uint32_t id : {1, 2, 2, 3, 1, 4, 2, 1}) {
    SCOPED_TRACE("job " + std::to_string(id));
    const pb::JobRecord* seen = table.view(id, scratch);
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(bytes(*seen), bytes(expected[id - 1]));
  }
}

TEST(JobTable, RecoveryPacksAtOnceAndEraseFreesStrings) {
  JobTable table;
  for (uint32_t id = 1; id <= 100; ++id) {
    pb::JobRecord job = wrap_job(id);
    job.mutable_spec()->set_name("job" + std::to_string(id % 10));
    table.insert_recovered(std::move(job));
  }
  pb::JobRecord done = wrap_job(101);
  done.set_state(pb::JOB_COMPLETED);
  table.insert_recovered(std::move(done));
  EXPECT_EQ(table.size(), 101u);
  EXPECT_EQ(table.packed_count(), 100u);
  EXPECT_FALSE(table.needs_repack());
  // Partition, reason, user, ten names and one shared cold part.
  EXPECT_EQ(table.strings().size(), 14u);
  uint32_t previous = 0;
  for (const auto& [id, slot] : table) {  // in id order
    EXPECT_GT(id, previous);
    previous = id;
  }
  for (uint32_t id = 1; id <= 101; ++id) table.erase(id);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.packed_count(), 0u);
  EXPECT_EQ(table.strings().size(), 0u);
}

// The scheduling pass decides the same for a packed job as for its full
// record: priority, reason, and the request handed to the scheduler.
TEST(PendingPass, PackedAndFullJobsGetTheSameDecisions) {
  Config config;
  config.nodes.resize(4);
  for (size_t i = 0; i < config.nodes.size(); ++i) {
    config.nodes[i].name = "n" + std::to_string(i + 1);
    config.nodes[i].cpus = 8;
    config.nodes[i].memory_mb = 16000;
  }
  PartitionConfig debug;
  debug.name = "debug";
  debug.nodes = {"n1", "n2", "n3", "n4"};
  debug.is_default = true;
  debug.priority = 2;
  PartitionConfig small;
  small.name = "small";
  small.nodes = {"n1", "n2"};
  small.max_time_min = 60;
  small.max_nodes = 1;
  config.partitions = {debug, small};
  std::map<std::string, size_t> part_index{{"debug", 0}, {"small", 1}};
  const int64_t now = 1700005000;

  std::vector<pb::JobRecord> cases;
  auto add = [&](auto change) {
    pb::JobRecord job = wrap_job(static_cast<uint32_t>(cases.size() + 1));
    job.set_priority(1);
    job.set_reason("None");
    job.mutable_spec()->set_hold(false);
    change(job);
    cases.push_back(job);
  };
  add([](pb::JobRecord&) {});
  add([](pb::JobRecord& j) {
    j.mutable_spec()->set_ntasks(12);
    j.mutable_spec()->set_cpus_per_task(2);
    j.mutable_spec()->set_mem_per_cpu_mb(100);
    j.mutable_spec()->set_time_limit_min(30);
  });
  add([](pb::JobRecord& j) {
    j.mutable_spec()->set_min_nodes(2);
    j.mutable_spec()->set_ntasks_per_node(3);
    j.mutable_spec()->set_mem_mb(4000);
    j.mutable_spec()->set_exclusive(true);
    j.mutable_spec()->set_nice(100);
    j.mutable_spec()->set_priority_request(500);
  });
  add([&](pb::JobRecord& j) { j.mutable_spec()->set_begin_time(now + 600); });
  add([](pb::JobRecord& j) { j.set_dependency_failed(true); });
  add([](pb::JobRecord& j) { j.set_partition("gone"); });
  add([](pb::JobRecord& j) {
    j.set_partition("small");
    j.mutable_spec()->set_time_limit_min(90);
  });
  add([](pb::JobRecord& j) {
    j.set_partition("small");
    j.mutable_spec()->set_min_nodes(2);
  });
  add([](pb::JobRecord& j) {
    j.set_partition("small");
    j.mutable_spec()->set_time_limit_min(20);
    j.set_reason("Priority");
  });

  for (bool waiting : {false, true}) {
    for (const pb::JobRecord& base : cases) {
      SCOPED_TRACE("job " + std::to_string(base.job_id()) + (waiting ? " waiting" : ""));
      ASSERT_TRUE(packable(base));
      pb::JobRecord full = base;
      FullPending full_view{full};
      PendingPass full_pass{config, now, part_index};
      std::optional<SchedJob> a = consider_pending(full.job_id(), full_view, waiting, full_pass);

      StringPool pool;
      pb::JobRecord work = base;
      PackedJob packed;
      pack(work, pool, packed);
      pb::JobSpec scratch;
      PackedPending packed_view{packed, pool, scratch};
      PendingPass packed_pass{config, now, part_index};
      std::optional<SchedJob> b = consider_pending(base.job_id(), packed_view, waiting, packed_pass);

      ASSERT_EQ(a.has_value(), b.has_value());
      if (a) {
        EXPECT_EQ(a->job_id, b->job_id);
        EXPECT_EQ(a->priority, b->priority);
        EXPECT_EQ(a->partition, b->partition);
        EXPECT_EQ(a->nodes, b->nodes);
        EXPECT_EQ(a->cpus_per_node, b->cpus_per_node);
        EXPECT_EQ(a->mem_per_node_mb, b->mem_per_node_mb);
        EXPECT_EQ(a->exclusive, b->exclusive);
        EXPECT_EQ(a->allowed, b->allowed);
        EXPECT_EQ(a->required, b->required);
        EXPECT_EQ(a->time_limit_s, b->time_limit_s);
      }
      EXPECT_EQ(full_pass.wake_at, packed_pass.wake_at);
      // The whole record after the pass, priority and reason included.
      pb::JobRecord after;
      ASSERT_TRUE(unpack(packed, pool, after));
      EXPECT_EQ(bytes(after), bytes(full));
      release_packed(packed, pool);
    }
  }
  // The cases do reach every outcome.
  pb::JobRecord j = cases[3];
  FullPending v{j};
  PendingPass pass{config, now, part_index};
  EXPECT_FALSE(consider_pending(j.job_id(), v, false, pass));
  EXPECT_EQ(j.reason(), "BeginTime");
  EXPECT_EQ(pass.wake_at, now + 600);
  for (size_t i : {4, 5, 6, 7}) {
    pb::JobRecord k = cases[i];
    FullPending w{k};
    EXPECT_FALSE(consider_pending(k.job_id(), w, false, pass));
  }
  pb::JobRecord ok = cases[1];
  FullPending w{ok};
  std::optional<SchedJob> request = consider_pending(ok.job_id(), w, false, pass);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->cpus_per_node, 24u);
  EXPECT_EQ(request->mem_per_node_mb, 2400u);
  EXPECT_EQ(request->time_limit_s, 30 * 60);
}

}  // namespace
}  // namespace drover
