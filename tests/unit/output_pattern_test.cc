// Output file name patterns against Slurm 22.05's batch-script values (spec §1.7).
#include "drover/output_pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace drover {
namespace {

PatternContext plain_job() {
  PatternContext ctx;
  ctx.job_id = 128;
  ctx.job_name = "sim";
  ctx.user = "alice";
  ctx.node = "node1";
  return ctx;
}

// Task 7 of array 120, which was given job id 128 when it started.
PatternContext array_task() {
  PatternContext ctx = plain_job();
  ctx.array_job_id = 120;
  ctx.array_task_id = 7;
  return ctx;
}

struct PatternCase {
  std::string pattern;
  std::string plain;  // expansion for the plain job
  std::string array;  // expansion for the array task
};

class OutputPattern : public testing::TestWithParam<PatternCase> {};

TEST_P(OutputPattern, ExpandsLikeSlurmstepd) {
  const PatternCase& c = GetParam();
  EXPECT_EQ(expand_output_pattern(c.pattern, plain_job()), c.plain);
  EXPECT_EQ(expand_output_pattern(c.pattern, array_task()), c.array);
}

INSTANTIATE_TEST_SUITE_P(
    Slurm, OutputPattern,
    testing::Values(
        // Defaults.
        PatternCase{"slurm-%j.out", "slurm-128.out", "slurm-128.out"},
        PatternCase{"slurm-%A_%a.out", "slurm-128_4294967294.out", "slurm-120_7.out"},
        // Every code.
        PatternCase{"%j", "128", "128"},
        PatternCase{"%J", "128", "128"},
        PatternCase{"%A", "128", "120"},
        PatternCase{"%a", "4294967294", "7"},
        PatternCase{"%x", "sim", "sim"},
        PatternCase{"%u", "alice", "alice"},
        PatternCase{"%N", "node1", "node1"},
        PatternCase{"%n", "0", "0"},
        PatternCase{"%s", "batch", "batch"},
        PatternCase{"%t", "0", "0"},
        PatternCase{"%x-%u@%N.%j", "sim-alice@node1.128", "sim-alice@node1.128"},
        // Zero padding of numeric codes.
        PatternCase{"%4j", "0128", "0128"},
        PatternCase{"%3a", "4294967294", "007"},
        PatternCase{"%6A", "000128", "000120"},
        PatternCase{"%2t.%3n", "00.000", "00.000"},
        PatternCase{"%2j", "128", "128"},                 // narrower than the value
        PatternCase{"%0j", "128", "128"},
        PatternCase{"%10j", "0000000128", "0000000128"},
        PatternCase{"%12j", "0000000128", "0000000128"},  // width capped at 10
        PatternCase{"%99a", "4294967294", "0000000007"},
        // Padding is ignored for text codes.
        PatternCase{"%8x", "sim", "sim"},
        PatternCase{"%8u", "alice", "alice"},
        PatternCase{"%8N", "node1", "node1"},
        PatternCase{"%8s", "batch", "batch"},
        // Literal percent signs and unknown codes.
        PatternCase{"%%", "%", "%"},
        PatternCase{"100%%-%j", "100%-128", "100%-128"},
        PatternCase{"%%j", "%j", "%j"},
        PatternCase{"%z", "%z", "%z"},
        PatternCase{"a%zb%j", "a%zb128", "a%zb128"},
        PatternCase{"%5z", "%5z", "%5z"},
        PatternCase{"end%", "end%", "end%"},
        PatternCase{"end%4", "end%4", "end%4"},
        // No codes at all.
        PatternCase{"/tmp/out.txt", "/tmp/out.txt", "/tmp/out.txt"},
        PatternCase{"", "", ""},
        // A backslash switches substitution off; backslashes are dropped.
        PatternCase{"a\\%j", "a%j", "a%j"},
        PatternCase{"spaces\\ out", "spaces out", "spaces out"},
        PatternCase{"spaces\\ out%j", "spaces out%j", "spaces out%j"},
        PatternCase{"x\\\\y%A", "xy%A", "xy%A"}));

TEST(OutputPattern, ArrayTaskZeroIsStillAnArray) {
  PatternContext ctx = plain_job();
  ctx.array_job_id = 120;
  ctx.array_task_id = 0;
  EXPECT_EQ(expand_output_pattern("slurm-%A_%a.out", ctx), "slurm-120_0.out");
}

// srun's patterns (submitit sends --output X_%j_%t_log.out): per task and step.
TEST(OutputPattern, SrunStepTasks) {
  PatternContext ctx = plain_job();
  ctx.step_id = 2;
  ctx.task_id = 5;
  ctx.node_index = 1;
  ctx.node = "node2";
  EXPECT_EQ(expand_output_pattern("%j_%t_log.out", ctx), "128_5_log.out");
  EXPECT_EQ(expand_output_pattern("%J.%n.%N.%s", ctx), "128.2.1.node2.2");
  EXPECT_EQ(expand_output_pattern("t%3t", ctx), "t005");
}

}  // namespace
}  // namespace drover
