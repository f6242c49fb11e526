#include "drover/squeue_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "drover/time_format.h"

namespace drover {
namespace {

constexpr int64_t kNow = 1704103200;  // 2024-01-01T10:00:00Z

pb::JobRecord job(uint32_t id, pb::JobState state, std::string partition = "debug",
                  std::string name = "job.sh", std::string user = "alice") {
  pb::JobRecord r;
  r.set_job_id(id);
  r.set_state(state);
  r.set_partition(std::move(partition));
  r.mutable_spec()->set_name(std::move(name));
  r.mutable_spec()->set_user_name(std::move(user));
  r.set_uid(1000);
  r.set_gid(1000);
  return r;
}

pb::JobRecord running(uint32_t id, int64_t seconds_ago, std::vector<std::string> nodes) {
  pb::JobRecord r = job(id, pb::JOB_RUNNING);
  r.set_start_time(kNow - seconds_ago);
  for (auto& n : nodes) r.add_nodes(n);
  return r;
}

pb::JobRecord array_meta(uint32_t id, std::vector<std::pair<uint32_t, uint32_t>> pending,
                         uint32_t throttle = 0) {
  pb::JobRecord r = job(id, pb::JOB_PENDING, "debug", "array.sh");
  r.set_array_job_id(id);
  for (auto [first, last] : pending) {
    auto* range = r.add_array_pending();
    range->set_first(first);
    range->set_last(last);
  }
  r.set_array_throttle(throttle);
  return r;
}

pb::JobRecord array_task(uint32_t id, uint32_t array_id, uint32_t task) {
  pb::JobRecord r = job(id, pb::JOB_RUNNING, "debug", "array.sh");
  r.set_array_job_id(array_id);
  r.set_is_array_task(true);
  r.set_array_task_id(task);
  return r;
}

std::string render(const std::vector<pb::JobRecord>& jobs, std::string_view format,
                   bool header = false) {
  std::vector<const pb::JobRecord*> ptrs;
  for (const auto& j : jobs) ptrs.push_back(&j);
  auto out = format_squeue(ptrs, format, kNow, header);
  EXPECT_TRUE(out) << out.error();
  return out ? *out : "";
}

std::string field(const pb::JobRecord& j, std::string_view format) {
  std::string line = render({j}, format);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

class SqueueFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

// The example of spec §3.1, line for line.
TEST_F(SqueueFormatTest, DefaultFormatMatchesSlurm) {
  pb::JobRecord meta = array_meta(1234, {{5, 10}}, 2);
  meta.set_reason("JobArrayTaskLimit");

  pb::JobRecord task = array_task(1237, 1234, 3);
  task.set_start_time(kNow - 62);
  task.add_nodes("node1");

  pb::JobRecord big = job(1240, pb::JOB_PENDING, "debug", "verylongjobname");
  big.mutable_spec()->set_min_nodes(2);
  big.set_reason("Resources");

  pb::JobRecord sim = job(1239, pb::JOB_RUNNING, "long", "sim", "bob");
  sim.set_start_time(kNow - (86400 + 2 * 3600 + 3 * 60 + 4));
  for (const char* n : {"node7", "node2", "node4", "node3"}) sim.add_nodes(n);

  EXPECT_EQ(render({meta, task, big, sim}, kSqueueDefaultFormat, true),
            "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)\n"
            "     1234_[5-10%2]     debug array.sh    alice PD       0:00      1 (JobArrayTaskLimit)\n"
            "            1234_3     debug array.sh    alice  R       1:02      1 node1\n"
            "              1240     debug verylong    alice PD       0:00      2 (Resources)\n"
            "              1239      long      sim      bob  R 1-02:03:04      4 node[2-4,7]\n");
}

TEST_F(SqueueFormatTest, LongFormatHeaderCutsTimeLimit) {
  pb::JobRecord x = running(1242, 5, {"node1"});
  x.mutable_spec()->set_name("x");
  x.mutable_spec()->set_user_name("bob");
  x.mutable_spec()->set_time_limit_min(30);
  EXPECT_EQ(render({x}, kSqueueLongFormat, true),
            "             JOBID PARTITION     NAME     USER    STATE       TIME TIME_LIMI  NODES "
            "NODELIST(REASON)\n"
            "              1242     debug        x      bob  RUNNING       0:05     30:00      1 node1\n");
}

TEST_F(SqueueFormatTest, NoHeaderAndEmptyList) {
  EXPECT_EQ(render({}, kSqueueDefaultFormat, false), "");
  EXPECT_EQ(render({}, "%i", true), "JOBID\n");
  EXPECT_EQ(render({job(7, pb::JOB_PENDING)}, "%i", false), "7\n");
}

TEST_F(SqueueFormatTest, JustificationAndTruncation) {
  pb::JobRecord j = job(12, pb::JOB_OUT_OF_MEMORY, "debug", "verylongjobname");
  struct Case {
    std::string_view format, expected;
  } cases[] = {
      {"%5i|", "12   |"},           // left-justified, padded
      {"%.5i|", "   12|"},          // right-justified
      {"%i|", "12|"},               // width 0: as is
      {"%.8j", "verylong"},         // text cut to width, first characters kept
      {"%8j", "verylong"},
      {"%.8T", "OUT_OF_M"},
      {"%.2t", "OO"},
      {"id=%i%% (%j)", "id=12% (verylongjobname)"},  // literal text and %%
      {"[%3P]", "[deb]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.format));
    EXPECT_EQ(field(j, c.format), c.expected);
  }
}

TEST_F(SqueueFormatTest, HeadersAreCutExceptNodeLists) {
  std::string header = render({}, "%.3M|%.3l|%4R|%4N|%.5j", true);
  EXPECT_EQ(header, "TIM|TIM|NODELIST(REASON)|NODELIST| NAME\n");
}

TEST_F(SqueueFormatTest, TimeFieldsAreNotCut) {
  pb::JobRecord j = running(9, 86400 + 2 * 3600 + 3 * 60 + 4, {"n1"});
  j.mutable_spec()->set_time_limit_min(3 * 24 * 60);
  EXPECT_EQ(field(j, "%.4M|%.4l|%.4L"), "1-02:03:04|3-00:00:00|1-21:56:56");
}

TEST_F(SqueueFormatTest, TimeUsed) {
  pb::JobRecord pending = job(1, pb::JOB_PENDING);
  pending.set_start_time(kNow - 100);  // an expected start must not count
  pb::JobRecord done = job(2, pb::JOB_COMPLETED);
  done.set_start_time(kNow - 4000);
  done.set_end_time(kNow - 3000);
  pb::JobRecord hour = running(3, 3600, {"n1"});
  pb::JobRecord fresh = running(4, -5, {"n1"});  // controller clock ahead of ours
  EXPECT_EQ(field(pending, "%M"), "0:00");
  EXPECT_EQ(field(done, "%M"), "16:40");
  EXPECT_EQ(field(hour, "%M"), "1:00:00");
  EXPECT_EQ(field(fresh, "%M"), "0:00");
}

TEST_F(SqueueFormatTest, TimeLimitAndTimeLeft) {
  pb::JobRecord j = running(1, 600, {"n1"});
  struct Case {
    uint32_t limit;
    std::string_view limit_text, left_text;
  } cases[] = {
      {0, "NOT_SET", "NOT_SET"},
      {kInfiniteMinutes, "UNLIMITED", "UNLIMITED"},
      {60, "1:00:00", "50:00"},
      {5, "5:00", "INVALID"},  // over its limit: Slurm's printer gives up
      {366 * 24 * 60, "INVALID", "INVALID"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.limit);
    j.mutable_spec()->set_time_limit_min(c.limit);
    EXPECT_EQ(field(j, "%l"), c.limit_text);
    EXPECT_EQ(field(j, "%L"), c.left_text);
  }
}

TEST_F(SqueueFormatTest, DisplayIds) {
  pb::JobRecord stepped = array_meta(50, {});
  for (uint32_t t = 2; t <= 18; t += 2) {
    auto* r = stepped.add_array_pending();
    r->set_first(t);
    r->set_last(t);
  }
  pb::JobRecord split = array_meta(1234, {{1, 4}, {6, 10}});
  struct Case {
    pb::JobRecord record;
    std::string_view id;
  } cases[] = {
      {job(12, pb::JOB_PENDING), "12"},
      {array_task(1236, 1234, 3), "1234_3"},
      {array_meta(1234, {{5, 10}}, 2), "1234_[5-10%2]"},
      {split, "1234_[1-4,6-10]"},
      {array_meta(1234, {{5, 5}}), "1234_5"},
      {array_meta(1234, {{5, 5}}, 3), "1234_5"},
      {stepped, "50_[2-18:2]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.id));
    EXPECT_EQ(job_display_id(c.record), c.id);
    EXPECT_EQ(field(c.record, "%i"), c.id);
  }
}

TEST_F(SqueueFormatTest, ArrayIdColumns) {
  struct Case {
    pb::JobRecord record;
    std::string_view expected;  // %A|%F|%K
  } cases[] = {
      {job(12, pb::JOB_PENDING), "12|12|N/A"},
      {array_task(1236, 1234, 3), "1236|1234|3"},
      {array_meta(1234, {{5, 10}}, 2), "1234|1234|5-10%2"},
      {array_meta(1234, {{4, 4}}), "1234|1234|4"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.expected));
    EXPECT_EQ(field(c.record, "%A|%F|%K"), c.expected);
  }
}

TEST_F(SqueueFormatTest, ReasonList) {
  auto with = [](pb::JobState state, std::string reason) {
    pb::JobRecord r = job(1, state);
    r.set_reason(std::move(reason));
    for (const char* n : {"node2", "node1"}) r.add_nodes(n);
    return r;
  };
  struct Case {
    pb::JobRecord record;
    std::string_view expected;  // %R|%r
  } cases[] = {
      {with(pb::JOB_PENDING, "Priority"), "(Priority)|Priority"},
      {with(pb::JOB_PENDING, ""), "(None)|None"},
      {with(pb::JOB_PENDING, "JobHeldUser"), "(JobHeldUser)|JobHeldUser"},
      {with(pb::JOB_RUNNING, "None"), "node[1-2]|None"},
      {with(pb::JOB_FAILED, "NonZeroExitCode"), "(NonZeroExitCode)|NonZeroExitCode"},
      {with(pb::JOB_FAILED, ""), "node[1-2]|None"},
      {with(pb::JOB_TIMEOUT, "TimeLimit"), "(TimeLimit)|TimeLimit"},
      {with(pb::JOB_OUT_OF_MEMORY, "OutOfMemory"), "(OutOfMemory)|OutOfMemory"},
      {with(pb::JOB_NODE_FAIL, "NodeDown"), "node[1-2]|NodeDown"},
      {with(pb::JOB_CANCELLED, "None"), "node[1-2]|None"},
      {with(pb::JOB_COMPLETED, "None"), "node[1-2]|None"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.expected));
    EXPECT_EQ(field(c.record, "%R|%r"), c.expected);
  }
}

TEST_F(SqueueFormatTest, ReasonIsCutButNodeListIsNot) {
  pb::JobRecord pending = job(1, pb::JOB_PENDING);
  pending.set_reason("Resources");
  pb::JobRecord run = running(2, 1, {"node1", "node3", "node5"});
  EXPECT_EQ(field(pending, "%.6R|"), "(Resou|");
  EXPECT_EQ(field(run, "%.6R|%.6N|"), "node[1,3,5]|node[1,3,5]|");
}

TEST_F(SqueueFormatTest, UserPartitionFallbacks) {
  pb::JobRecord j = job(1, pb::JOB_PENDING, "", "x", "");
  j.set_uid(1234);
  j.set_gid(55);
  j.mutable_spec()->set_partition("batch");
  EXPECT_EQ(field(j, "%u|%U|%G|%P"), "1234|1234|55|batch");
  j.set_partition("debug");
  j.mutable_spec()->set_user_name("carol");
  EXPECT_EQ(field(j, "%u|%P"), "carol|debug");
}

TEST_F(SqueueFormatTest, NodesAndCpus) {
  pb::JobRecord pending = job(1, pb::JOB_PENDING);
  EXPECT_EQ(field(pending, "%D|%C|%c"), "1|1|1");
  pending.mutable_spec()->set_min_nodes(3);
  EXPECT_EQ(field(pending, "%D|%C|%c"), "3|3|1");
  pending.mutable_spec()->set_ntasks(4);
  pending.mutable_spec()->set_cpus_per_task(2);
  EXPECT_EQ(field(pending, "%D|%C|%c"), "3|8|2");

  pb::JobRecord run = running(2, 1, {"a1", "a2"});
  run.set_alloc_cpus(16);
  run.mutable_spec()->set_min_nodes(5);
  EXPECT_EQ(field(run, "%D|%C"), "2|16");
}

TEST_F(SqueueFormatTest, MinMemoryUnits) {
  pb::JobRecord j = job(1, pb::JOB_PENDING);
  struct Case {
    uint64_t mb;
    std::string_view expected;
  } cases[] = {
      {0, "0"}, {1000, "1000M"}, {1023, "1023M"}, {1024, "1G"},
      {2048, "2G"}, {1536, "1.50G"}, {1048576, "1T"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mb);
    j.mutable_spec()->set_mem_mb(c.mb);
    EXPECT_EQ(field(j, "%m"), c.expected);
  }
}

TEST_F(SqueueFormatTest, Timestamps) {
  pb::JobRecord pending = job(1, pb::JOB_PENDING);
  pending.set_submit_time(kNow - 60);
  EXPECT_EQ(field(pending, "%V|%S|%e"), "2024-01-01T09:59:00|N/A|N/A");

  pb::JobRecord run = running(2, 3600, {"n1"});
  run.mutable_spec()->set_time_limit_min(120);
  EXPECT_EQ(field(run, "%S|%e"), "2024-01-01T09:00:00|2024-01-01T11:00:00");
  run.mutable_spec()->set_time_limit_min(kInfiniteMinutes);
  EXPECT_EQ(field(run, "%e"), "NONE");

  pb::JobRecord done = job(3, pb::JOB_COMPLETED);
  done.set_start_time(kNow - 600);
  done.set_end_time(kNow - 300);
  EXPECT_EQ(field(done, "%e|%.10S"), "2024-01-01T09:55:00|2024-01-01");
}

TEST_F(SqueueFormatTest, PriorityCommandAndOddColumns) {
  pb::JobRecord j = running(7, 1, {"node3", "node1"});
  j.set_priority(4294901759u);
  j.mutable_spec()->set_command("/home/alice/job.sh");
  j.mutable_spec()->set_work_dir("/home/alice");
  EXPECT_EQ(field(j, "%Q|%p"), "4294901759|0.99998474121093");
  EXPECT_EQ(field(j, "%o|%Z|%B|%a|%E|%h"), "/home/alice/job.sh|/home/alice|node3|(null)|(null)|OK");

  pb::JobRecord bare = job(8, pb::JOB_PENDING);
  bare.mutable_spec()->set_exclusive(true);
  EXPECT_EQ(field(bare, "%o|%Z|%B|%h"), "(null)|(null)|n/a|NO");
}

// %E: what is left of the dependency, as the controller computed it.
TEST_F(SqueueFormatTest, Dependency) {
  pb::JobRecord j = job(9, pb::JOB_PENDING);
  EXPECT_EQ(field(j, "%E"), "(null)");
  j.set_dependency_state("afterok:7(unfulfilled),afternotok:8(failed)");
  EXPECT_EQ(field(j, "%E"), "afterok:7(unfulfilled),afternotok:8(failed)");
  EXPECT_EQ(field(j, "%.10E"), "afterok:7(");  // a text field, cut to the width
}

TEST_F(SqueueFormatTest, InvalidFormats) {
  struct Case {
    std::string_view format, error;
  } cases[] = {
      {"%i %@", "Invalid job format specification: @"},
      {"%.18", "Invalid job format specification: %.18"},
      {"abc%", "Invalid job format specification: %"},
      {"%999999999i", "Invalid job format specification: %999999"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.format));
    auto out = format_squeue({}, c.format, kNow, true);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error(), c.error);
  }
}

TEST_F(SqueueFormatTest, DefaultSort) {
  pb::JobRecord a = job(10, pb::JOB_RUNNING, "debug");
  pb::JobRecord b = job(11, pb::JOB_PENDING, "debug");
  b.set_priority(5);
  pb::JobRecord c = job(12, pb::JOB_PENDING, "debug");
  c.set_priority(9);
  pb::JobRecord d = job(9, pb::JOB_PENDING, "batch");
  pb::JobRecord e = job(13, pb::JOB_PENDING, "debug");
  e.set_priority(9);
  pb::JobRecord f = job(14, pb::JOB_COMPLETED, "debug");  // "CD" < "PD"
  std::vector<const pb::JobRecord*> jobs = {&a, &b, &e, &c, &d, &f};
  sort_squeue_default(jobs);
  std::vector<uint32_t> ids;
  for (const auto* j : jobs) ids.push_back(j->job_id());
  EXPECT_EQ(ids, (std::vector<uint32_t>{9, 14, 12, 13, 11, 10}));
}

}  // namespace
}  // namespace drover
