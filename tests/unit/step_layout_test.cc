// Where an srun step's tasks go inside an allocation, and the environment
// they share, against what Slurm 22.05 gives srun's tasks.
#include <gtest/gtest.h>

#include <algorithm>

#include "../../src/ctld/step_layout.h"

namespace drover {
namespace {

pb::JobRecord allocation(std::initializer_list<const char*> nodes) {
  pb::JobRecord job;
  job.set_job_id(40);
  job.set_partition("picluster");
  for (const char* n : nodes) {
    job.add_nodes(n);
    job.add_node_cpus(4);
  }
  job.mutable_spec()->set_name("sim");
  job.mutable_spec()->set_user_name("alice");
  return job;
}

StepLayout layout(const pb::JobRecord& job, uint32_t ntasks, uint32_t nodes = 0, uint32_t per_node = 0,
                  const std::string& nodelist = "") {
  pb::StepCreateRequest request;
  request.set_ntasks(ntasks);
  request.set_nodes(nodes);
  request.set_ntasks_per_node(per_node);
  request.set_nodelist(nodelist);
  Result<StepLayout> out = layout_step(job, request);
  EXPECT_TRUE(out) << (out ? "" : out.error());
  return out ? *out : StepLayout{};
}

TEST(StepLayout, DefaultIsOneTaskPerAllocatedNode) {
  StepLayout l = layout(allocation({"node1", "node2", "node3"}), 0);
  EXPECT_EQ(l.nodes, (std::vector<std::string>{"node1", "node2", "node3"}));
  EXPECT_EQ(l.tasks_per_node, (std::vector<uint32_t>{1, 1, 1}));
  EXPECT_EQ(l.ntasks, 3u);
}

TEST(StepLayout, TasksAreSpreadInBlocksFirstNodesGetTheRemainder) {
  StepLayout l = layout(allocation({"node1", "node2", "node3"}), 7);
  EXPECT_EQ(l.tasks_per_node, (std::vector<uint32_t>{3, 2, 2}));
  EXPECT_EQ(l.task_ids(0), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(l.task_ids(2), (std::vector<uint32_t>{5, 6}));
}

TEST(StepLayout, OneTaskUsesOneNode) {
  StepLayout l = layout(allocation({"node1", "node2"}), 1);
  EXPECT_EQ(l.nodes, (std::vector<std::string>{"node1"}));
}

TEST(StepLayout, NodesAndTasksPerNode) {
  StepLayout l = layout(allocation({"node1", "node2", "node3"}), 0, 2, 3);
  EXPECT_EQ(l.nodes.size(), 2u);
  EXPECT_EQ(l.tasks_per_node, (std::vector<uint32_t>{3, 3}));
  StepLayout m = layout(allocation({"node1", "node2", "node3"}), 5, 0, 2);
  EXPECT_EQ(m.tasks_per_node, (std::vector<uint32_t>{2, 2, 1}));
}

TEST(StepLayout, NodelistPicksNodesOfTheAllocation) {
  StepLayout l = layout(allocation({"node1", "node2", "node3"}), 0, 0, 0, "node[2-3]");
  EXPECT_EQ(l.nodes, (std::vector<std::string>{"node2", "node3"}));
}

TEST(StepLayout, ImpossibleStepsUseSlurmsWords) {
  pb::StepCreateRequest more_nodes;
  more_nodes.set_nodes(3);
  Result<StepLayout> a = layout_step(allocation({"node1", "node2"}), more_nodes);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), "Requested node configuration is not available");
  pb::StepCreateRequest outside;
  outside.set_nodelist("node9");
  EXPECT_FALSE(layout_step(allocation({"node1"}), outside));
  pb::StepCreateRequest too_many;
  too_many.set_ntasks(9);
  too_many.set_ntasks_per_node(2);
  EXPECT_FALSE(layout_step(allocation({"node1", "node2"}), too_many));
}

TEST(StepLayout, CompressedCountsAsSlurmPrintsThem) {
  EXPECT_EQ(compress_counts({2, 2, 2}), "2(x3)");
  EXPECT_EQ(compress_counts({3, 2, 2}), "3,2(x2)");
  EXPECT_EQ(compress_counts({1}), "1");
}

std::string value(const std::vector<std::string>& env, const std::string& key) {
  for (const std::string& v : env)
    if (v.rfind(key + "=", 0) == 0) return v.substr(key.size() + 1);
  return "<unset>";
}

TEST(StepEnv, CarriesTheStepAndThisNode) {
  pb::JobRecord job = allocation({"node1", "node2", "node3"});
  StepLayout l = layout(job, 5, 2);
  std::vector<std::string> env = slurm_step_env(job, 3, l, 1, "picluster", "10.0.0.1");
  EXPECT_EQ(value(env, "SLURM_JOB_ID"), "40");
  EXPECT_EQ(value(env, "SLURM_STEP_ID"), "3");
  EXPECT_EQ(value(env, "SLURM_STEPID"), "3");
  EXPECT_EQ(value(env, "SLURM_NTASKS"), "5");
  EXPECT_EQ(value(env, "SLURM_NNODES"), "2");
  EXPECT_EQ(value(env, "SLURM_STEP_NODELIST"), "node[1-2]");
  EXPECT_EQ(value(env, "SLURM_JOB_NODELIST"), "node[1-3]");
  EXPECT_EQ(value(env, "SLURM_JOB_NUM_NODES"), "3");
  EXPECT_EQ(value(env, "SLURM_TASKS_PER_NODE"), "3,2");
  EXPECT_EQ(value(env, "SLURMD_NODENAME"), "node2");
  EXPECT_EQ(value(env, "SLURM_NODEID"), "1");
  EXPECT_EQ(value(env, "SLURM_GTIDS"), "3,4");
  EXPECT_EQ(value(env, "SLURM_CPUS_ON_NODE"), "4");
  EXPECT_EQ(value(env, "SLURM_JOB_CPUS_PER_NODE"), "4(x3)");
  EXPECT_EQ(value(env, "SLURM_SRUN_COMM_HOST"), "10.0.0.1");
  EXPECT_EQ(value(env, "SLURM_PROCID"), "<unset>");  // per task, set by the node's supervisor
}

}  // namespace
}  // namespace drover
