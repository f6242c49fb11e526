// A starting job's SLURM_* environment and output paths, against the
// values Slurm 22.05 gives a batch script.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../../src/ctld/job_env.h"

namespace drover {
namespace {

// Job 128 ("sim") of alice on node1..node3 in partition debug.
pb::JobRecord plain_job() {
  pb::JobRecord job;
  job.set_job_id(128);
  job.set_uid(1001);
  job.set_gid(1002);
  job.set_partition("debug");
  for (const char* n : {"node1", "node2", "node3"}) job.add_nodes(n);
  pb::JobSpec& spec = *job.mutable_spec();
  spec.set_name("sim");
  spec.set_user_name("alice");
  spec.set_work_dir("/home/alice/run");
  spec.set_submit_dir("/home/alice");
  spec.set_submit_host("login1");
  return job;
}

// Task 3 of array 120 ("--array=1-7:2"), started as job 128, set up the way
// the controller's submit and start do.
pb::JobRecord array_task() {
  pb::JobRecord job = plain_job();
  job.mutable_spec()->set_array_spec("1-7:2");
  job.set_array_job_id(120);
  job.set_is_array_task(true);
  job.set_array_task_id(3);
  job.set_array_task_count(4);
  job.set_array_task_min(1);
  job.set_array_task_max(7);
  job.set_array_task_step(2);
  return job;
}

// KEY=VALUE list -> map; a key set twice is a failure.
std::map<std::string, std::string> env_map(const std::vector<std::string>& env) {
  std::map<std::string, std::string> out;
  for (const std::string& kv : env) {
    size_t eq = kv.find('=');
    EXPECT_NE(eq, std::string::npos) << kv;
    if (eq == std::string::npos) continue;
    EXPECT_TRUE(out.emplace(kv.substr(0, eq), kv.substr(eq + 1)).second) << "set twice: " << kv;
  }
  return out;
}

std::map<std::string, std::string> env_of(const pb::JobRecord& job) {
  return env_map(slurm_job_env(job, "picluster", "node1", 4));
}

TEST(JobEnv, PlainJob) {
  auto env = env_of(plain_job());
  const std::map<std::string, std::string> expected = {
      {"SLURM_JOB_ID", "128"},           {"SLURM_JOBID", "128"},
      {"SLURM_JOB_NAME", "sim"},         {"SLURM_JOB_NODELIST", "node[1-3]"},
      {"SLURM_NODELIST", "node[1-3]"},   {"SLURM_JOB_NUM_NODES", "3"},
      {"SLURM_NNODES", "3"},             {"SLURM_CPUS_ON_NODE", "4"},
      {"SLURM_SUBMIT_DIR", "/home/alice"}, {"SLURM_SUBMIT_HOST", "login1"},
      {"SLURM_JOB_PARTITION", "debug"},  {"SLURM_CLUSTER_NAME", "picluster"},
      {"SLURMD_NODENAME", "node1"},      {"SLURM_JOB_USER", "alice"},
      {"SLURM_JOB_UID", "1001"},         {"SLURM_JOB_GID", "1002"},
      {"SLURM_NODEID", "0"},             {"SLURM_PROCID", "0"},
      {"SLURM_LOCALID", "0"},            {"ENVIRONMENT", "BATCH"},
  };
  for (const auto& [key, value] : expected) {
    ASSERT_TRUE(env.count(key)) << key << " missing";
    EXPECT_EQ(env[key], value) << key;
  }
  for (const char* absent : {"SLURM_CPUS_PER_TASK", "SLURM_NTASKS", "SLURM_NPROCS", "SLURM_MEM_PER_NODE",
                             "SLURM_EXPORT_ENV", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID",
                             "SLURM_ARRAY_TASK_COUNT"})
    EXPECT_EQ(env.count(absent), 0u) << absent << " set for a plain job";
}

TEST(JobEnv, NodelistIsSortedAndCompressed) {
  pb::JobRecord job = plain_job();
  job.clear_nodes();
  for (const char* n : {"node10", "node9", "node2", "gpu1"}) job.add_nodes(n);
  auto env = env_of(job);
  EXPECT_EQ(env["SLURM_JOB_NODELIST"], "gpu1,node[2,9-10]");
  EXPECT_EQ(env["SLURM_JOB_NUM_NODES"], "4");
}

TEST(JobEnv, ArrayTask) {
  auto env = env_of(array_task());
  EXPECT_EQ(env["SLURM_JOB_ID"], "128");
  EXPECT_EQ(env["SLURM_ARRAY_JOB_ID"], "120");
  EXPECT_EQ(env["SLURM_ARRAY_TASK_ID"], "3");
  EXPECT_EQ(env["SLURM_ARRAY_TASK_COUNT"], "4");
  EXPECT_EQ(env["SLURM_ARRAY_TASK_MIN"], "1");
  EXPECT_EQ(env["SLURM_ARRAY_TASK_MAX"], "7");
  EXPECT_EQ(env["SLURM_ARRAY_TASK_STEP"], "2");
}

TEST(JobEnv, CpusPerTaskOnlyWhenSet) {
  pb::JobRecord job = plain_job();
  EXPECT_EQ(env_of(job).count("SLURM_CPUS_PER_TASK"), 0u);
  job.mutable_spec()->set_cpus_per_task(2);
  auto env = env_of(job);
  EXPECT_EQ(env["SLURM_CPUS_PER_TASK"], "2");
}

TEST(JobEnv, TasksMemoryAndExportWhenGiven) {
  pb::JobRecord job = plain_job();
  job.mutable_spec()->set_ntasks(6);
  job.mutable_spec()->set_mem_mb(512);
  job.mutable_spec()->set_mem_given(true);
  job.mutable_spec()->set_export_spec("NONE");
  auto env = env_of(job);
  EXPECT_EQ(env["SLURM_NTASKS"], "6");
  EXPECT_EQ(env["SLURM_NPROCS"], "6");
  EXPECT_EQ(env["SLURM_MEM_PER_NODE"], "512");
  EXPECT_EQ(env["SLURM_EXPORT_ENV"], "NONE");
}

// ---------- output paths ----------

struct OutputCase {
  std::string name;
  bool array;
  std::string stdout_pattern;
  std::string stderr_pattern;
  std::string expected_out;
  std::string expected_err;
};

class JobEnvOutput : public testing::TestWithParam<OutputCase> {};

TEST_P(JobEnvOutput, Paths) {
  const OutputCase& c = GetParam();
  pb::JobRecord job = c.array ? array_task() : plain_job();
  job.mutable_spec()->set_stdout_pattern(c.stdout_pattern);
  job.mutable_spec()->set_stderr_pattern(c.stderr_pattern);
  EXPECT_EQ(stdout_path(job, "node1"), c.expected_out);
  EXPECT_EQ(stderr_path(job, "node1"), c.expected_err);
}

INSTANTIATE_TEST_SUITE_P(
    JobEnv, JobEnvOutput,
    testing::Values(
        OutputCase{"PlainDefault", false, "", "", "/home/alice/run/slurm-128.out", "/home/alice/run/slurm-128.out"},
        OutputCase{"ArrayDefault", true, "", "", "/home/alice/run/slurm-120_3.out",
                   "/home/alice/run/slurm-120_3.out"},
        OutputCase{"RelativePattern", false, "logs/%x-%j.out", "", "/home/alice/run/logs/sim-128.out",
                   "/home/alice/run/logs/sim-128.out"},
        OutputCase{"AbsoluteKept", false, "/scratch/%u/%j.log", "", "/scratch/alice/128.log",
                   "/scratch/alice/128.log"},
        OutputCase{"ArrayPattern", true, "/scratch/%A-%a-%j.out", "", "/scratch/120-3-128.out",
                   "/scratch/120-3-128.out"},
        OutputCase{"NoneIsDevNull", false, "none", "", "/dev/null", "/dev/null"},
        OutputCase{"SeparateStderr", false, "", "err-%j-%N.txt", "/home/alice/run/slurm-128.out",
                   "/home/alice/run/err-128-node1.txt"},
        OutputCase{"StderrNone", false, "out.txt", "none", "/home/alice/run/out.txt", "/dev/null"}),
    [](const testing::TestParamInfo<OutputCase>& info) { return info.param.name; });

TEST(JobEnv, LastArrayTaskRunsInTheArrayRecord) {
  // The last pending task runs in the array's own record.
  pb::JobRecord job = array_task();
  job.set_job_id(120);
  job.set_array_task_id(7);
  EXPECT_EQ(stdout_path(job, "node1"), "/home/alice/run/slurm-120_7.out");
  EXPECT_EQ(env_of(job)["SLURM_JOB_ID"], "120");
  EXPECT_EQ(env_of(job)["SLURM_ARRAY_TASK_ID"], "7");
}

}  // namespace
}  // namespace drover
