#include "../../src/ctld/job_counts.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "../../src/ctld/metrics.h"

namespace drover {
namespace {

pb::JobRecord job(uint32_t id, pb::JobState state, const std::string& reason = "None", const std::string& part = "pi") {
  pb::JobRecord r;
  r.set_job_id(id);
  r.set_state(state);
  r.set_reason(reason);
  r.set_partition(part);
  return r;
}

std::set<uint32_t> ids(const IdSet& s) {
  std::set<uint32_t> out;
  s.for_each([&](uint32_t id) { out.insert(id); });
  return out;
}

int64_t count(const JobCounts& c, const std::string& state, const std::string& part = "pi") {
  auto it = c.by_state().find({state, part});
  return it == c.by_state().end() ? 0 : it->second;
}

TEST(JobCountsTest, FollowsAJobThroughItsLife) {
  JobCounts c;
  c.seed("pi");
  EXPECT_EQ(count(c, "PENDING"), 0);
  EXPECT_EQ(c.submissions().at("pi"), 0u);

  pb::JobRecord j = job(7, pb::JOB_PENDING);
  c.update(j);
  EXPECT_EQ(count(c, "PENDING"), 1);
  EXPECT_EQ(c.submissions().at("pi"), 1u);
  EXPECT_EQ(c.pending_by_reason().at({"pi", "None"}), 1);
  EXPECT_EQ(ids(c.pending_ids()), std::set<uint32_t>{7});

  c.update(j);  // no change: nothing moves
  EXPECT_EQ(count(c, "PENDING"), 1);
  EXPECT_EQ(c.submissions().at("pi"), 1u);

  j.set_reason("Resources");
  c.update(j);
  EXPECT_EQ(c.pending_by_reason().count({"pi", "None"}), 0u);  // a reason no job has goes
  EXPECT_EQ(c.pending_by_reason().at({"pi", "Resources"}), 1);

  // The label is the reason's name, not the node list after it.
  j.set_reason("ReqNodeNotAvail, UnavailableNodes:n[3-4]");
  c.update(j);
  EXPECT_EQ(c.pending_by_reason().at({"pi", "ReqNodeNotAvail"}), 1);
  j.set_reason("Resources");
  c.update(j);
  EXPECT_EQ(c.pending_by_reason().count({"pi", "ReqNodeNotAvail"}), 0u);

  j.set_state(pb::JOB_RUNNING);
  c.update(j);
  EXPECT_EQ(count(c, "PENDING"), 0);
  EXPECT_EQ(count(c, "RUNNING"), 1);
  EXPECT_EQ(c.pending_by_reason().count({"pi", "Resources"}), 0u);
  EXPECT_TRUE(c.pending_ids().empty());
  EXPECT_EQ(ids(c.running_ids()), std::set<uint32_t>{7});

  // scancel: CANCELLED but its processes are still being killed.
  j.set_state(pb::JOB_CANCELLED);
  j.set_kill_sent(true);
  c.update(j);
  EXPECT_EQ(count(c, "RUNNING"), 0);
  EXPECT_EQ(count(c, "COMPLETING"), 1);
  EXPECT_EQ(c.completions().at({"pi", "CANCELLED"}), 1u);
  EXPECT_TRUE(c.running_ids().empty());
  EXPECT_EQ(c.recent_finished().front(), 7u);

  j.set_kill_sent(false);  // the agent reported the processes gone: not a second end
  c.update(j);
  EXPECT_EQ(count(c, "COMPLETING"), 0);
  EXPECT_EQ(count(c, "CANCELLED"), 1);
  EXPECT_EQ(c.completions().at({"pi", "CANCELLED"}), 1u);

  c.forget(7);  // MinJobAge
  EXPECT_EQ(count(c, "CANCELLED"), 0);
  EXPECT_TRUE(c.recent_finished().empty());
  EXPECT_EQ(c.tracked(), 0u);
  EXPECT_EQ(c.completions().at({"pi", "CANCELLED"}), 1u);  // counters never go down
}

TEST(JobCountsTest, RequeueCountsEachEndAndNoNewSubmission) {
  JobCounts c;
  pb::JobRecord j = job(3, pb::JOB_PENDING);
  c.update(j);
  j.set_state(pb::JOB_RUNNING);
  c.update(j);
  j.set_state(pb::JOB_NODE_FAIL);
  c.update(j);
  j.set_state(pb::JOB_PENDING);  // scontrol requeue
  c.update(j);
  j.set_state(pb::JOB_RUNNING);
  c.update(j);
  j.set_state(pb::JOB_COMPLETED);
  c.update(j);
  EXPECT_EQ(c.submissions().at("pi"), 1u);
  EXPECT_EQ(c.completions().at({"pi", "NODE_FAIL"}), 1u);
  EXPECT_EQ(c.completions().at({"pi", "COMPLETED"}), 1u);
  EXPECT_EQ(count(c, "COMPLETED"), 1);
  EXPECT_EQ(c.recent_finished().size(), 1u);
}

TEST(JobCountsTest, ArrayTasksAndRestoredJobsAreNotSubmissions) {
  JobCounts c;
  c.update(job(1, pb::JOB_PENDING));                       // the array's record
  pb::JobRecord task = job(2, pb::JOB_RUNNING);
  task.set_is_array_task(true);
  c.update(task);                                           // a task split off it
  c.update(job(5, pb::JOB_RUNNING), /*restored=*/true);
  c.update(job(6, pb::JOB_COMPLETED), /*restored=*/true);
  EXPECT_EQ(c.submissions().at("pi"), 1u);
  EXPECT_TRUE(c.completions().empty());
  EXPECT_EQ(count(c, "RUNNING"), 2);
  EXPECT_EQ(count(c, "COMPLETED"), 1);
  EXPECT_EQ(ids(c.running_ids()), (std::set<uint32_t>{2, 5}));
}

TEST(JobCountsTest, RecentFinishedIsNewestFirstAndBounded) {
  JobCounts c;
  for (uint32_t id = 1; id <= JobCounts::kRecent + 10; ++id) c.update(job(id, pb::JOB_FAILED));
  EXPECT_EQ(c.recent_finished().size(), JobCounts::kRecent);
  EXPECT_EQ(c.recent_finished().front(), JobCounts::kRecent + 10);
}

TEST(JobCountsTest, PartitionMovesMoveTheCount) {
  JobCounts c;
  pb::JobRecord j = job(9, pb::JOB_PENDING, "None", "a");
  c.update(j);
  j.set_partition("b");  // scontrol update Partition=
  c.update(j);
  EXPECT_EQ(count(c, "PENDING", "a"), 0);
  EXPECT_EQ(count(c, "PENDING", "b"), 1);
}

// A minimal check of the text format, in the spirit of promtool check
// metrics: every sample belongs to a family declared once with HELP and
// TYPE before it, names and labels are well-formed, values parse.
void lint_exposition(const std::string& text) {
  const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (\S+))");
  std::set<std::string> declared;
  std::string current, current_type;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(declared.insert(m[1]).second) << "family declared twice: " << line;
      current = m[1];
    } else if (std::regex_match(line, m, type)) {
      EXPECT_EQ(m[1], current) << line;
      current_type = m[2];
    } else if (std::regex_match(line, m, sample)) {
      std::string name = m[1];
      bool ours = name == current;
      if (current_type == "histogram")
        ours = name == current + "_bucket" || name == current + "_sum" || name == current + "_count";
      EXPECT_TRUE(ours) << "sample outside its family " << current << ": " << line;
      std::string value = m[5];
      if (value != "+Inf" && value != "-Inf" && value != "NaN") {
        size_t used = 0;
        std::stod(value, &used);
        EXPECT_EQ(used, value.size()) << line;
      }
    } else {
      ADD_FAILURE() << "not exposition format: " << line;
    }
  }
}

TEST(MetricsTest, RendersEveryFamilyInValidExpositionFormat) {
  Metrics m({"pi", "big"});
  pb::JobRecord j = job(1, pb::JOB_PENDING, "Priority", "pi");
  m.jobs().update(j);
  m.observe_schedule_pass(0.0003);
  m.observe_rpc("submit", 0.002);
  m.observe_rpc("list_jobs", 0.0001);
  m.observe_commit(3, 0.004, 0.003, true);
  m.observe_commit(1, 0.1, 0.1, false);
  m.count_http_response(400);
  Metrics::NodeGauge n{"node\"1", "mix", true, 4, 2, 1024, 512, -1500};
  std::string text = m.render({n}, 1700000000);
  lint_exposition(text);
  for (const char* expected : {
           "drover_jobs{state=\"PENDING\",partition=\"pi\"} 1\n",
           "drover_jobs{state=\"RUNNING\",partition=\"big\"} 0\n",
           "drover_jobs_pending{partition=\"pi\",reason=\"Priority\"} 1\n",
           "drover_job_submissions_total{partition=\"pi\"} 1\n",
           "drover_nodes{state=\"mix\"} 1\n",
           "drover_nodes{state=\"idle\"} 0\n",
           "drover_node_cpus_allocated{node=\"node\\\"1\"} 2\n",
           "drover_node_memory_bytes{node=\"node\\\"1\"} 1073741824\n",
           "drover_node_clock_skew_seconds{node=\"node\\\"1\"} -1.5\n",
           "drover_schedule_pass_seconds_count 1\n",
           "drover_rpc_requests_total{type=\"submit\"} 1\n",
           "drover_rpc_duration_seconds_bucket{type=\"list_jobs\",le=\"0.0001\"} 1\n",
           "drover_store_commit_writes_bucket{le=\"4\"} 1\n",
           "drover_store_commit_failures_total 1\n",
           "drover_http_responses_total{code=\"400\"} 1\n",
       })
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
}

TEST(MetricsTest, RpcTypeNamesAreTheProtoFieldNames) {
  EXPECT_EQ(rpc_type_name(pb::Message::kSubmit), "submit");
  EXPECT_EQ(rpc_type_name(pb::Message::kListJobs), "list_jobs");
  EXPECT_EQ(rpc_type_name(pb::Message::kHeartbeat), "heartbeat");
  EXPECT_EQ(rpc_type_name(pb::Message::KIND_NOT_SET), "other");
}

}  // namespace
}  // namespace drover
