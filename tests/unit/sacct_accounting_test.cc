// sacct's accounting fields (MaxRSS, TotalCPU, Account, ReqTRES), srun step
// lines "ID.N" from JobRecord.steps, --units, and --json.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "drover/sacct_format.h"
#include "drover/sacct_json.h"

namespace drover {
namespace {

constexpr int64_t kNow = 1704103200;  // 2024-01-01T10:00:00Z

pb::JobRecord finished_job() {
  pb::JobRecord r;
  r.set_job_id(77);
  r.set_state(pb::JOB_COMPLETED);
  r.set_partition("debug");
  r.mutable_spec()->set_name("train.sh");
  r.mutable_spec()->set_user_name("alice");
  r.mutable_spec()->set_account("physics");
  r.set_uid(1000);
  r.set_submit_time(kNow - 600);
  r.set_start_time(kNow - 500);
  r.set_end_time(kNow - 100);
  r.add_nodes("node1");
  r.add_nodes("node2");
  r.set_alloc_cpus(4);
  r.set_max_rss_kb(126364);
  r.set_total_cpu_us(3'723'456'000);  // 1:02:03.456
  pb::StepRecord* s0 = r.add_steps();
  s0->set_step_id(0);
  s0->set_name("hostname");
  s0->add_nodes("node1");
  s0->add_nodes("node2");
  s0->set_ntasks(2);
  s0->set_cpus(2);
  s0->set_start_time(kNow - 490);
  s0->set_end_time(kNow - 485);
  s0->set_state(pb::JOB_COMPLETED);
  pb::StepRecord* s1 = r.add_steps();
  s1->set_step_id(1);
  s1->set_name("python3");
  s1->add_nodes("node2");
  s1->set_ntasks(1);
  s1->set_cpus(1);
  s1->set_start_time(kNow - 480);
  s1->set_end_time(kNow - 120);
  s1->set_state(pb::JOB_FAILED);
  s1->set_exit_status(2);
  return r;
}

std::string render(const pb::JobRecord& job, std::string_view fields, SacctLayout layout, bool allocations = false) {
  Result<std::string> out = format_sacct(sacct_rows({&job}, allocations), fields, layout, kNow);
  return out ? *out : "ERROR: " + out.error();
}

SacctLayout parsable2() {
  SacctLayout l;
  l.header = false;
  l.parsable = true;
  return l;
}

class SacctAccountingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

TEST_F(SacctAccountingTest, StepLinesFollowTheBatchStep) {
  EXPECT_EQ("77|train.sh|COMPLETED|0:0|node[1-2]|4\n"
            "77.batch|batch|COMPLETED|0:0|node1|4\n"
            "77.0|hostname|COMPLETED|0:0|node[1-2]|2\n"
            "77.1|python3|FAILED|2:0|node2|1\n",
            render(finished_job(), "JobID,JobName,State,ExitCode,NodeList,AllocCPUS", parsable2()));
  EXPECT_EQ("77|train.sh\n", render(finished_job(), "JobID,JobName", parsable2(), true)) << "-X: no steps";
}

TEST_F(SacctAccountingTest, StepTimesAndTasks) {
  EXPECT_EQ("77|00:06:40|\n"
            "77.batch|00:06:40|1\n"
            "77.0|00:00:05|2\n"
            "77.1|00:06:00|1\n",
            render(finished_job(), "JobIDRaw,Elapsed,NTasks", parsable2()));
  std::string all = render(finished_job(), "JobIDRaw,Start,End,CPUTime", parsable2());
  size_t at = all.find("77.0|");
  ASSERT_NE(std::string::npos, at);
  EXPECT_EQ("77.0|2024-01-01T09:51:50|2024-01-01T09:51:55|00:00:10", all.substr(at, all.find('\n', at) - at));
}

TEST_F(SacctAccountingTest, MaxRssOnTheBatchLineTotalCpuOnBoth) {
  EXPECT_EQ("77||01:02:03|physics\n"
            "77.batch|126364K|01:02:03|physics\n"
            "77.0||00:00:00|physics\n"
            "77.1||00:00:00|physics\n",
            render(finished_job(), "JobIDRaw,MaxRSS,TotalCPU,Account", parsable2()));
  pb::JobRecord running = finished_job();
  running.set_state(pb::JOB_RUNNING);
  running.set_end_time(0);
  running.clear_steps();
  EXPECT_EQ("77||00:00:00\n77.batch||00:00:00\n", render(running, "JobIDRaw,MaxRSS,TotalCPU", parsable2()))
      << "nothing measured before the end";
}

TEST_F(SacctAccountingTest, SizesAsSlurmConvertsThem) {
  EXPECT_EQ("0", format_sacct_size_kb(0, 0));
  EXPECT_EQ("126364K", format_sacct_size_kb(126364, 0));
  EXPECT_EQ("2M", format_sacct_size_kb(2048, 0));
  EXPECT_EQ("1025M", format_sacct_size_kb(1025 * 1024, 0));
  EXPECT_EQ("3G", format_sacct_size_kb(3u * 1024 * 1024, 0));
  EXPECT_EQ("0.12G", format_sacct_size_kb(126364, 'G'));
  EXPECT_EQ("123.40M", format_sacct_size_kb(126364, 'M'));
  EXPECT_EQ("2G", format_sacct_size_kb(2u * 1024 * 1024, 'g'));
  EXPECT_EQ("126364K", format_sacct_size_kb(126364, 'K'));
}

TEST_F(SacctAccountingTest, UnitsApplyToMaxRssAndReqMem) {
  pb::JobRecord job = finished_job();
  job.mutable_spec()->set_mem_given(true);
  job.mutable_spec()->set_mem_mb(1536);
  SacctLayout layout = parsable2();
  EXPECT_EQ("77|1536M|\n", render(job, "JobIDRaw,ReqMem,MaxRSS", layout, true));
  layout.units = 'G';
  EXPECT_EQ("77|1.50G|\n77.batch|1.50G|0.12G\n77.0|1.50G|\n77.1|1.50G|\n", render(job, "JobIDRaw,ReqMem,MaxRSS", layout));
}

TEST_F(SacctAccountingTest, CpuTimeAsSacctPrintsIt) {
  EXPECT_EQ("00:00:00", format_sacct_cpu_time(0));
  EXPECT_EQ("00:00.003", format_sacct_cpu_time(3'000));
  EXPECT_EQ("00:07.250", format_sacct_cpu_time(7'250'000));
  EXPECT_EQ("00:59:59", format_sacct_cpu_time(3'599'000'000));
  EXPECT_EQ("01:00:00", format_sacct_cpu_time(3'600'000'001));
  EXPECT_EQ("2-00:00:05", format_sacct_cpu_time(172'805'500'000));
}

TEST_F(SacctAccountingTest, ReqTres) {
  pb::JobRecord job = finished_job();
  job.mutable_spec()->set_min_nodes(2);
  job.mutable_spec()->set_ntasks(4);
  job.mutable_spec()->set_cpus_per_task(2);
  job.mutable_spec()->set_mem_given(true);
  job.mutable_spec()->set_mem_mb(1000);
  EXPECT_EQ("77|billing=8,cpu=8,mem=2000M,node=2\n", render(job, "JobIDRaw,ReqTRES", parsable2(), true));
}

TEST_F(SacctAccountingTest, StepsAskedForById) {
  // The CLI keeps rows by id; the rows carry the step for it.
  pb::JobRecord job = finished_job();
  std::vector<SacctRow> rows = sacct_rows({&job}, false);
  ASSERT_EQ(4u, rows.size());
  EXPECT_EQ(nullptr, rows[1].step);
  EXPECT_TRUE(rows[1].batch_step);
  ASSERT_NE(nullptr, rows[3].step);
  EXPECT_EQ(1u, rows[3].step->step_id());
}

TEST_F(SacctAccountingTest, JsonDocument) {
  pb::JobRecord job = finished_job();
  job.mutable_spec()->set_name("a \"quoted\"\tname");
  std::string json = format_sacct_json({&job}, "picluster", kNow);
  EXPECT_NE(std::string::npos, json.find("\"release\":\"22.05.8\""));
  EXPECT_NE(std::string::npos, json.find("\"job_id\":77,\"name\":\"a \\\"quoted\\\"\\tname\""));
  EXPECT_NE(std::string::npos, json.find("\"state\":{\"current\":\"COMPLETED\",\"reason\":\"None\"}"));
  EXPECT_NE(std::string::npos, json.find("\"exit_code\":{\"status\":\"SUCCESS\",\"return_code\":0}"));
  EXPECT_NE(std::string::npos, json.find("\"id\":\"77.batch\""));
  EXPECT_NE(std::string::npos, json.find("\"id\":\"77.1\",\"name\":\"python3\"},\"state\":\"FAILED\","
                                         "\"exit_code\":{\"status\":\"FAILED\",\"return_code\":2}"));
  EXPECT_NE(std::string::npos, json.find("\"count\":129396736"));  // MaxRSS in bytes
  EXPECT_NE(std::string::npos, json.find("\"nodes\":\"node[1-2]\""));
  EXPECT_NE(std::string::npos, json.find("\"elapsed\":400"));
  // Balanced brackets: a cheap check that the document is well formed.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ASSERT_GE(depth, 0);
  }
  EXPECT_EQ(0, depth);
  EXPECT_FALSE(in_string);
}

TEST_F(SacctAccountingTest, JsonSignalAndEmpty) {
  pb::JobRecord job = finished_job();
  job.set_state(pb::JOB_FAILED);
  job.set_term_signal(9);
  job.clear_steps();
  std::string json = format_sacct_json({&job}, "c", kNow);
  EXPECT_NE(std::string::npos,
            json.find("\"exit_code\":{\"status\":\"SIGNALED\",\"return_code\":0,\"signal\":{\"signal_id\":9,\"name\":\"KILL\"}}"));
  EXPECT_NE(std::string::npos, format_sacct_json({}, "c", kNow).find("\"jobs\":[\n\n]"));
  EXPECT_EQ("\"a\\u0001b\\\\\"", json_quote("a\x01" "b\\"));
}

}  // namespace
}  // namespace drover
