// Measured CPU speed and `prefer: fastest` (issue 6, heterogeneous
// clusters): the benchmark's pure parts and the scheduler's tie-break.
#include <gtest/gtest.h>

#include <vector>

#include "../../src/ctld/scheduler.h"
#include "drover/cpu_speed.h"
#include "drover/scontrol_format.h"

namespace drover {
namespace {

SchedNode sized(uint32_t cpus, uint32_t weight, uint32_t speed) {
  SchedNode n;
  n.cpus = cpus;
  n.memory_mb = 1000;
  n.weight = weight;
  n.speed = speed;
  return n;
}

// The seed's cluster: a Pi 3B+ listed last behind two Pi 2s, all weight 1.
SchedSnapshot pis(bool prefer_fastest, std::vector<SchedNode> nodes) {
  SchedSnapshot snap;
  SchedPartition part;
  for (size_t i = 0; i < nodes.size(); ++i) part.nodes.push_back(i);
  part.prefer_fastest = prefer_fastest;
  snap.nodes = std::move(nodes);
  snap.partitions.push_back(part);
  return snap;
}

SchedJob one_cpu(uint32_t id, uint32_t nodes = 1) {
  SchedJob j;
  j.job_id = id;
  j.priority = 100;
  j.nodes = nodes;
  return j;
}

TEST(PreferFastest, FastestOfEqualWeightFirst) {
  SchedSnapshot snap = pis(true, {sized(4, 1, 20), sized(4, 1, 21), sized(4, 1, 31)});
  snap.pending.push_back(one_cpu(1));
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.starts.size(), 1u);
  EXPECT_EQ(plan.starts[0].nodes, std::vector<size_t>{2});
}

TEST(PreferFastest, OffKeepsConfigOrder) {
  SchedSnapshot snap = pis(false, {sized(4, 1, 20), sized(4, 1, 21), sized(4, 1, 31)});
  snap.pending.push_back(one_cpu(1));
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.starts.size(), 1u);
  EXPECT_EQ(plan.starts[0].nodes, std::vector<size_t>{0});
}

TEST(PreferFastest, WeightStillWins) {
  SchedSnapshot snap = pis(true, {sized(4, 1, 20), sized(4, 2, 31)});
  snap.pending.push_back(one_cpu(1));
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.starts.size(), 1u);
  EXPECT_EQ(plan.starts[0].nodes, std::vector<size_t>{0});
}

TEST(PreferFastest, SpeedComesBeforeBestFit) {
  // Node 0 would be the tighter fit (2 CPUs free), but node 1 is faster.
  SchedSnapshot snap = pis(true, {sized(4, 1, 20), sized(4, 1, 31)});
  snap.nodes[0].alloc_cpus = 2;
  snap.pending.push_back(one_cpu(1));
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.starts.size(), 1u);
  EXPECT_EQ(plan.starts[0].nodes, std::vector<size_t>{1});
}

TEST(PreferFastest, FillsTheFastNodeThenTheNext) {
  // Five one-CPU jobs on two 4-CPU nodes: four on the fast one first.
  SchedSnapshot snap = pis(true, {sized(4, 1, 20), sized(4, 1, 31)});
  for (uint32_t id = 1; id <= 5; ++id) snap.pending.push_back(one_cpu(id));
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.starts.size(), 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(plan.starts[i].nodes, std::vector<size_t>{1}) << "job " << i + 1;
  EXPECT_EQ(plan.starts[4].nodes, std::vector<size_t>{0});
}

TEST(PreferFastest, UnmeasuredNodesLast) {
  SchedSnapshot snap = pis(true, {sized(4, 1, 0), sized(4, 1, 20)});
  snap.pending.push_back(one_cpu(1));
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.starts.size(), 1u);
  EXPECT_EQ(plan.starts[0].nodes, std::vector<size_t>{1});
}

TEST(CpuSpeed, WorkIsDeterministicAndDependsOnRounds) {
  EXPECT_EQ(cpu_benchmark_work(1000), cpu_benchmark_work(1000));
  EXPECT_NE(cpu_benchmark_work(1000), cpu_benchmark_work(1001));
}

TEST(CpuSpeed, ScoreIsRoundsPerMicrosecond) {
  EXPECT_EQ(cpu_speed_score(2'000'000, 100'000'000), 20u);  // a Pi 2: 2M rounds in 100 ms
  EXPECT_EQ(cpu_speed_score(2'000'000, 10'000'000), 200u);
  EXPECT_EQ(cpu_speed_score(1000, 1'000'000'000), 1u);       // never 0: 0 means "not measured"
  EXPECT_EQ(cpu_speed_score(1000, 0), 1000000u);
}

TEST(CpuSpeed, BestTimingIsTheShortestRun) {
  EXPECT_EQ(best_timing({30, 12, 50, 13}), 12u);
  EXPECT_EQ(best_timing({}), 0u);
}

TEST(CpuSpeed, MeasuresSomething) {
  uint32_t speed = measure_cpu_speed();
  EXPECT_GE(speed, 1u);
}

TEST(CpuSpeed, ScontrolShowNodeReportsItAndTheAddress) {
  pb::NodeInfo n;
  n.set_name("pi-clust-node01");
  n.set_address("10.0.0.11");
  n.set_state("idle");
  n.set_state_long("IDLE");
  n.set_cpus(4);
  n.set_memory_mb(900);
  n.set_weight(1);
  n.set_clock_skew_ms(-20);
  n.set_cpu_speed(31);
  std::string text = format_node_record(n, false);
  EXPECT_NE(text.find("   NodeAddr=10.0.0.11 NodeHostName=pi-clust-node01\n"), std::string::npos) << text;
  EXPECT_NE(text.find("   ClockSkew=-0.020s CpuSpeed=31\n"), std::string::npos) << text;
  n.set_cpu_speed(0);  // never reported: no key, as Slurm leaves out what it does not know
  EXPECT_EQ(format_node_record(n, false).find("CpuSpeed"), std::string::npos);
}

}  // namespace
}  // namespace drover
