// The scheduler simulation (src/sim) at a small size: every invariant holds
// after every pass, every job runs, and backfill happens.
#include <gtest/gtest.h>

#include <chrono>

#include "../../src/sim/sim.h"

namespace drover::sim {
namespace {

class SimulationSeeds : public ::testing::TestWithParam<uint32_t> {};

TEST_P(SimulationSeeds, InvariantsHoldAndEveryJobRuns) {
  SimConfig config;
  config.seed = GetParam();
  config.nodes = 30;
  config.partitions = 3;
  config.jobs = 400;
  config.arrival_span_s = 4 * 3600;
  auto began = std::chrono::steady_clock::now();
  SimResult r = run_simulation(config);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  for (const std::string& v : r.violations) ADD_FAILURE() << v;
  EXPECT_EQ(r.started, r.tasks);
  EXPECT_EQ(r.finished, r.tasks);
  EXPECT_GT(r.backfilled, 0u) << "the workload should leave room for backfill";
  EXPECT_GT(r.reservations_kept, 0u);
  EXPECT_GT(r.passes, 10u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimulationSeeds, ::testing::Values(1u, 2u, 3u));

TEST(Simulation, SameSeedSameRun) {
  SimConfig config;
  config.nodes = 20;
  config.jobs = 200;
  SimResult a = run_simulation(config);
  SimResult b = run_simulation(config);
  EXPECT_EQ(a.passes, b.passes);
  EXPECT_EQ(a.backfilled, b.backfilled);
  EXPECT_EQ(a.virtual_end_s, b.virtual_end_s);
}

TEST(Simulation, AllAtOnceQueueDrains) {
  SimConfig config;
  config.nodes = 16;
  config.partitions = 1;
  config.jobs = 300;
  config.arrival_span_s = 0;
  SimResult r = run_simulation(config);
  for (const std::string& v : r.violations) ADD_FAILURE() << v;
  EXPECT_EQ(r.finished, r.tasks);
}

}  // namespace
}  // namespace drover::sim
