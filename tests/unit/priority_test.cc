// Job priority (src/ctld/priority.h): Slurm's multifactor with Drover's fixed weights.
#include <gtest/gtest.h>

#include "../../src/ctld/priority.h"

namespace drover {
namespace {

PriorityInputs inputs(int64_t age_s, uint32_t part = 1, uint32_t max_part = 1, int32_t nice = 0) {
  PriorityInputs in;
  in.now = 10'000'000;
  in.eligible_time = in.now - age_s;
  in.partition_factor = part;
  in.max_partition_factor = max_part;
  in.nice = nice;
  return in;
}

TEST(Priority, FreshJobInTheOnlyPartition) { EXPECT_EQ(job_priority(inputs(0)), 1u + kPartitionWeight); }

TEST(Priority, AgeGrowsUpToTheCap) {
  EXPECT_EQ(job_priority(inputs(kMaxAgeS / 2)), 1u + kPartitionWeight + kAgeWeight / 2);
  EXPECT_EQ(job_priority(inputs(kMaxAgeS)), 1u + kPartitionWeight + kAgeWeight);
  EXPECT_EQ(job_priority(inputs(10 * kMaxAgeS)), 1u + kPartitionWeight + kAgeWeight);
  // Not yet eligible (--begin in the future): no age, never negative.
  EXPECT_EQ(job_priority(inputs(-3600)), 1u + kPartitionWeight);
  EXPECT_LT(job_priority(inputs(3600)), job_priority(inputs(2 * 24 * 3600)));
}

TEST(Priority, PartitionFactorIsNormalisedByTheHighest) {
  EXPECT_EQ(job_priority(inputs(0, 1, 4)), 1u + kPartitionWeight / 4);
  EXPECT_EQ(job_priority(inputs(0, 4, 4)), 1u + kPartitionWeight);
}

TEST(Priority, NiceLowersAndFloorsAtOne) {
  EXPECT_EQ(job_priority(inputs(0, 1, 1, 100)), 1u + kPartitionWeight - 100);
  EXPECT_EQ(job_priority(inputs(0, 1, 1, -100)), 1u + kPartitionWeight + 100);
  EXPECT_EQ(job_priority(inputs(0, 1, 1, 2'000'000'000)), 1u);
}

TEST(Priority, OperatorPrioritySetsItOutright) {
  PriorityInputs in = inputs(kMaxAgeS, 1, 1, 50);
  in.admin_priority = 7;
  EXPECT_EQ(job_priority(in), 7u);
  in.admin_priority = 0xFFFFFFFFu;
  EXPECT_EQ(job_priority(in), 4294967294u);  // 0xFFFFFFFF is Slurm's "infinite"; never shown
}

TEST(Priority, DeterministicGivenNow) { EXPECT_EQ(job_priority(inputs(12345)), job_priority(inputs(12345))); }

}  // namespace
}  // namespace drover
