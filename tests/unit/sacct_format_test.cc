#include "drover/sacct_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace drover {
namespace {

constexpr int64_t kNow = 1704103200;  // 2024-01-01T10:00:00Z

pb::JobRecord job(uint32_t id, pb::JobState state, std::string name = "job.sh") {
  pb::JobRecord r;
  r.set_job_id(id);
  r.set_state(state);
  r.set_partition("debug");
  r.mutable_spec()->set_name(std::move(name));
  r.mutable_spec()->set_user_name("alice");
  r.set_uid(1000);
  r.set_gid(1000);
  r.set_submit_time(kNow - 600);
  return r;
}

pb::JobRecord ran(uint32_t id, pb::JobState state, std::string name, int64_t start, int64_t end) {
  pb::JobRecord r = job(id, state, std::move(name));
  r.set_start_time(start);
  r.set_end_time(end);
  r.add_nodes("node1");
  r.set_alloc_cpus(1);
  return r;
}

pb::JobRecord completed() { return ran(1234, pb::JOB_COMPLETED, "job.sh", kNow - 300, kNow - 295); }

pb::JobRecord cancelled() {
  pb::JobRecord r = ran(1236, pb::JOB_CANCELLED, "sleep.sh", kNow - 200, kNow - 100);
  r.set_cancelled_by(1000);
  r.set_term_signal(15);
  return r;
}

std::string render(const std::vector<pb::JobRecord>& jobs, std::string_view fields, SacctLayout layout = {},
                   bool allocations_only = false) {
  std::vector<const pb::JobRecord*> ptrs;
  for (const auto& j : jobs) ptrs.push_back(&j);
  Result<std::string> out = format_sacct(sacct_rows(ptrs, allocations_only), fields, layout, kNow);
  return out ? *out : "ERROR: " + out.error();
}

// The spec's example has Account "acct1"; Drover has no accounts, so that column is blank.
std::string no_account(std::string line) {
  size_t at = line.find("     acct1");
  if (at != std::string::npos) line.replace(at, 10, std::string(10, ' '));
  return line;
}

class SacctFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

// The example of spec §7, line for line.
TEST_F(SacctFormatTest, DefaultFormatMatchesSlurm) {
  std::string expected =
      "JobID           JobName  Partition    Account  AllocCPUS      State ExitCode \n"
      "------------ ---------- ---------- ---------- ---------- ---------- -------- \n" +
      no_account("1234             job.sh      debug      acct1          1  COMPLETED      0:0 \n") +
      no_account("1234.batch        batch                 acct1          1  COMPLETED      0:0 \n") +
      no_account("1236           sleep.sh      debug      acct1          1 CANCELLED+      0:0 \n") +
      no_account("1236.batch        batch                 acct1          1  CANCELLED     0:15 \n");
  EXPECT_EQ(expected, render({completed(), cancelled()}, kSacctDefaultFormat));
}

TEST_F(SacctFormatTest, Cases) {
  pb::JobRecord failed = ran(40, pb::JOB_FAILED, "fail", kNow - 70, kNow - 5);
  failed.set_exit_status(3);
  pb::JobRecord pending = job(41, pb::JOB_PENDING, "wait");
  pb::JobRecord running = ran(42, pb::JOB_RUNNING, "run", kNow - 3725, 0);
  running.set_alloc_cpus(2);
  running.mutable_spec()->set_time_limit_min(90);
  pb::JobRecord task = ran(44, pb::JOB_COMPLETED, "arr", kNow - 10, kNow - 9);
  task.set_array_job_id(43);
  task.set_is_array_task(true);
  task.set_array_task_id(2);
  pb::JobRecord meta = job(43, pb::JOB_PENDING, "arr");
  meta.set_array_job_id(43);
  for (auto [first, last] : {std::pair{3u, 5u}}) {
    auto* r = meta.add_array_pending();
    r->set_first(first);
    r->set_last(last);
  }
  SacctLayout p2;
  p2.header = false;
  p2.parsable = true;
  SacctLayout p1 = p2;
  p1.trailing_delimiter = true;
  SacctLayout bare;
  bare.header = false;

  struct Case {
    std::string name;
    std::vector<pb::JobRecord> jobs;
    std::string fields;
    SacctLayout layout;
    bool allocations_only;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"parsable2 with header", {completed(), cancelled()}, "JobIdRaw,State,ExitCode", {true, true}, false,
       "JobIDRaw|State|ExitCode\n1234|COMPLETED|0:0\n1234.batch|COMPLETED|0:0\n"
       "1236|CANCELLED by 1000|0:0\n1236.batch|CANCELLED|0:15\n"},
      {"snakemake poll", {failed}, "JobIdRaw,State", p2, false, "40|FAILED\n40.batch|FAILED\n"},
      {"parsable trailing", {failed}, "jobid,exitcode", p1, false, "40|3:0|\n40.batch|3:0|\n"},
      {"allocations only", {failed, cancelled()}, "JobIDRaw,State", p2, true, "40|FAILED\n1236|CANCELLED by 1000\n"},
      {"delimiter", {failed}, "JobID,JobName,State", {false, true, false, "\x1f"}, true, "40\x1f" "fail\x1f" "FAILED\n"},
      {"pending: no step", {pending}, "JobID,State,Start,End,Elapsed,NodeList,AllocCPUS", p2, false,
       "41|PENDING|Unknown|Unknown|00:00:00|None assigned|0\n"},
      {"running", {running}, "JobID,Start,End,Elapsed,ElapsedRaw,CPUTime,Timelimit,NNodes", p2, true,
       "42|2024-01-01T08:57:55|Unknown|01:02:05|3725|02:04:10|01:30:00|1\n"},
      {"finished times", {failed}, "Submit,Start,End,Elapsed", p2, true,
       "2024-01-01T09:50:00|2024-01-01T09:58:50|2024-01-01T09:59:55|00:01:05\n"},
      {"array", {task, meta}, "JobID,JobIDRaw,State", p2, false,
       "43_2|44|COMPLETED\n43_2.batch|44.batch|COMPLETED\n43_[3-5]|43|PENDING\n"},
      {"widths", {cancelled()}, "State%20,NodeList%-8,JobID%6", bare, true,
       "   CANCELLED by 1000 node1      1236 \n"},
      {"cut with +", {job(7, pb::JOB_PENDING, "averyverylongname")}, "JobName,user%3", bare, true,
       "averyvery+ al+ \n"},
      {"unknown field", {failed}, "JobID,Bogus", p2, false, "ERROR: Invalid field requested: \"Bogus\""},
      {"user uid partition", {failed}, "User,UID,Partition,Reason,Account,Cluster", p2, false,
       "alice|1000|debug|None||drover\n|||||drover\n"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.expected, render(c.jobs, c.fields, c.layout, c.allocations_only)) << c.name;
}

TEST_F(SacctFormatTest, BriefFormatHeader) {
  EXPECT_EQ("JobID             State ExitCode \n------------ ---------- -------- \n",
            render({}, kSacctBriefFormat));
}

TEST_F(SacctFormatTest, SortsByIdWithArrayTasksUnderTheirArray) {
  pb::JobRecord a = job(9, pb::JOB_PENDING), b = job(5, pb::JOB_PENDING);
  pb::JobRecord t = job(12, pb::JOB_COMPLETED);
  t.set_array_job_id(6);
  t.set_is_array_task(true);
  t.set_array_task_id(1);
  pb::JobRecord m = job(6, pb::JOB_PENDING);
  m.set_array_job_id(6);
  std::vector<const pb::JobRecord*> v = {&a, &m, &t, &b};
  sort_sacct(v);
  EXPECT_EQ((std::vector<const pb::JobRecord*>{&b, &t, &m, &a}), v);
}

TEST_F(SacctFormatTest, ParsesTimes) {
  struct Case {
    std::string text;
    int64_t expected;  // -1: invalid
  };
  std::vector<Case> cases = {
      {"now", kNow},
      {"now-1hour", kNow - 3600},
      {"now-30", kNow - 30},
      {"now-2days", kNow - 2 * 86400},
      {"NOW+5minutes", kNow + 300},
      {"today", 1704067200},
      {"2024-01-01", 1704067200},
      {"2023-12-31T23:00", 1704063600},
      {"2023-12-31T23:00:05", 1704063605},
      {"1970-01-01", 0},
      {"12/31/23", 1703980800},
      {"01/01", 1704067200},
      {"123123", 1703980800},
      {"09:30", 1704101400},
      {"09:30:10", 1704101410},
      {"fika", 1704067200 + 15 * 3600},
      {"TeaTime", 1704067200 + 16 * 3600},
      {"elevenses", 1704067200 + 11 * 3600},
      {"12.31.23", 1703980800},
      {"01.01", 1704067200},
      {"12.31/23", -1},
      {"now-1fortnight", -1},
      {"yesterdayish", -1},
      {"2024-13-01", -1},
      {"2024-01-01X10:00", -1},
  };
  for (const Case& c : cases) {
    Result<int64_t> t = parse_sacct_time(c.text, kNow);
    if (c.expected == -1) {
      EXPECT_FALSE(t) << c.text;
    } else {
      ASSERT_TRUE(t) << c.text << ": " << t.error();
      EXPECT_EQ(c.expected, *t) << c.text;
    }
  }
}

}  // namespace
}  // namespace drover
