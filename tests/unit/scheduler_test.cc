// The pure scheduler (DESIGN.md "Scheduling"): order, node choice, waits
// and their reasons, arrays, and a large simulated cluster.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../../src/ctld/scheduler.h"

namespace drover {
namespace {

SchedNode node(uint32_t cpus, uint32_t alloc_cpus = 0, uint32_t weight = 1, uint64_t memory_mb = 1000,
               uint64_t alloc_mem_mb = 0) {
  SchedNode n;
  n.cpus = cpus;
  n.alloc_cpus = alloc_cpus;
  n.weight = weight;
  n.memory_mb = memory_mb;
  n.alloc_mem_mb = alloc_mem_mb;
  return n;
}

SchedJob job(uint32_t id, uint32_t cpus = 1, uint32_t priority = 100, size_t partition = 0) {
  SchedJob j;
  j.job_id = id;
  j.cpus_per_node = cpus;
  j.priority = priority;
  j.partition = partition;
  return j;
}

// A snapshot whose single partition holds every node, in order.
SchedSnapshot cluster(std::vector<SchedNode> nodes, std::vector<SchedJob> pending = {}) {
  SchedSnapshot snap;
  SchedPartition part;
  for (size_t i = 0; i < nodes.size(); ++i) part.nodes.push_back(i);
  snap.nodes = std::move(nodes);
  snap.partitions.push_back(std::move(part));
  snap.pending = std::move(pending);
  return snap;
}

std::vector<uint32_t> started_ids(const SchedPlan& plan) {
  std::vector<uint32_t> ids;
  for (const SchedStart& s : plan.starts) ids.push_back(s.job_id);
  return ids;
}

// job id -> nodes of its (first) start.
std::map<uint32_t, std::vector<size_t>> placements(const SchedPlan& plan) {
  std::map<uint32_t, std::vector<size_t>> out;
  for (const SchedStart& s : plan.starts) out.emplace(s.job_id, s.nodes);
  return out;
}

// job id -> wait reason; "" when the job does not wait.
std::string reason(const SchedPlan& plan, uint32_t job_id) {
  std::string found;
  for (const SchedWait& w : plan.waits)
    if (w.job_id == job_id) {
      EXPECT_TRUE(found.empty()) << "job " << job_id << " waits twice";
      found = w.reason;
    }
  return found;
}

// job id -> every wait reason given for it.
std::map<uint32_t, std::vector<std::string>> all_reasons(const SchedPlan& plan) {
  std::map<uint32_t, std::vector<std::string>> out;
  for (const SchedWait& w : plan.waits) out[w.job_id].push_back(w.reason);
  return out;
}

using Nodes = std::vector<size_t>;

TEST(SchedulerOrder, PriorityThenJobId) {
  SchedSnapshot snap = cluster({node(64)}, {job(5, 1, 10), job(3, 1, 50), job(4, 1, 50), job(1, 1, 10),
                                            job(2, 1, 99)});
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), (std::vector<uint32_t>{2, 3, 4, 1, 5}));
  EXPECT_TRUE(plan.waits.empty());
}

TEST(SchedulerOrder, HigherPriorityTakesScarceCpus) {
  // Two CPUs free: the two most urgent jobs start, the others wait.
  SchedSnapshot snap = cluster({node(4, 2)}, {job(1, 1, 10), job(2, 1, 20), job(3, 1, 30), job(4, 1, 5)});
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), (std::vector<uint32_t>{3, 2}));
  EXPECT_EQ(reason(plan, 1), "Resources");
  EXPECT_EQ(reason(plan, 4), "Priority");
}

struct PlacementCase {
  std::string name;
  std::vector<SchedNode> nodes;
  SchedJob job;
  Nodes expected;  // empty: the job waits for Resources
};

class SchedulerPlacement : public testing::TestWithParam<PlacementCase> {};

TEST_P(SchedulerPlacement, ChoosesNodes) {
  const PlacementCase& c = GetParam();
  SchedPlan plan = schedule(cluster(c.nodes, {c.job}));
  if (c.expected.empty()) {
    EXPECT_TRUE(plan.starts.empty());
    EXPECT_EQ(reason(plan, c.job.job_id), "Resources");
    return;
  }
  ASSERT_EQ(plan.starts.size(), 1u);
  EXPECT_EQ(plan.starts[0].nodes, c.expected);
  EXPECT_EQ(plan.starts[0].cpus_per_node, c.job.exclusive ? 0u : c.job.cpus_per_node);
  EXPECT_EQ(plan.starts[0].mem_per_node_mb, c.job.mem_per_node_mb);
  EXPECT_TRUE(plan.waits.empty());
}

SchedJob with_mem(SchedJob j, uint64_t mb) {
  j.mem_per_node_mb = mb;
  return j;
}
SchedJob with_nodes(SchedJob j, uint32_t n) {
  j.nodes = n;
  return j;
}
SchedJob exclusive(SchedJob j) {
  j.exclusive = true;
  return j;
}
SchedNode down(SchedNode n) {
  n.usable = false;
  return n;
}
SchedNode running_exclusive(SchedNode n) {
  n.exclusive_job = true;
  return n;
}

INSTANTIATE_TEST_SUITE_P(
    Scheduler, SchedulerPlacement,
    testing::Values(
        PlacementCase{"LowestWeightFirst", {node(4, 0, 3), node(4, 0, 1), node(4, 0, 2)}, job(1), {1}},
        PlacementCase{"WeightBeatsFit", {node(4, 3, 2), node(8, 0, 1)}, job(1), {1}},
        PlacementCase{"BestFitAmongEqualWeights", {node(8), node(4, 1), node(8, 6), node(4)}, job(1, 2), {2}},
        PlacementCase{"BestFitSkipsTooSmall", {node(8), node(4, 1), node(8, 7), node(4)}, job(1, 2), {1}},
        PlacementCase{"TieGoesToConfigOrder", {node(4, 2), node(4), node(4, 2)}, job(1, 2), {0}},
        PlacementCase{"FullNodeSkipped", {node(4, 4), node(4, 3)}, job(1), {1}},
        PlacementCase{"NothingFree", {node(4, 4), node(4, 3)}, job(1, 2), {}},
        PlacementCase{"MemoryRespected", {node(8, 0, 1, 1000, 600), node(8, 0, 2, 1000, 0)},
                      with_mem(job(1), 500), {1}},
        PlacementCase{"MemoryExactFit", {node(8, 0, 1, 1000, 500)}, with_mem(job(1), 500), {0}},
        PlacementCase{"MemoryShort", {node(8, 0, 1, 1000, 501)}, with_mem(job(1), 500), {}},
        PlacementCase{"NoMemoryRequestedFitsAFullNode", {node(8, 0, 1, 1000, 1000)}, job(1), {0}},
        PlacementCase{"DownNodeSkipped", {down(node(4)), node(4, 0, 5)}, job(1), {1}},
        PlacementCase{"OnlyDownNodes", {down(node(4)), down(node(4))}, job(1), {}},
        PlacementCase{"NodeOfExclusiveJobSkipped", {running_exclusive(node(4, 4)), node(4, 3)}, job(1), {1}},
        PlacementCase{"ExclusiveTakesIdleNode", {node(4, 1, 1), node(4, 0, 2)}, exclusive(job(1)), {1}},
        PlacementCase{"ExclusiveWaitsWithoutIdleNode", {node(4, 1), node(4, 3)}, exclusive(job(1)), {}},
        PlacementCase{"ExclusiveStillNeedsMemory", {node(4, 0, 1, 100), node(4, 0, 2, 1000)},
                      with_mem(exclusive(job(1)), 500), {1}},
        PlacementCase{"ExclusiveNeedsEnoughCpus", {node(4), node(8, 0, 2)}, exclusive(job(1, 6)), {1}},
        PlacementCase{"MultiNodeConfigOrder", {node(4), node(4), node(4), node(4), node(4)}, with_nodes(job(1), 3),
                      {0, 1, 2}},
        PlacementCase{"MultiNodeByWeightReturnedInConfigOrder",
                      {node(4, 0, 2), node(4, 0, 1), node(4, 0, 2), node(4, 0, 1), node(4, 0, 1)},
                      with_nodes(job(1), 3), {1, 3, 4}},
        PlacementCase{"MultiNodeTooFew", {node(4), node(4, 4), node(4)}, with_nodes(job(1), 3), {}}),
    [](const testing::TestParamInfo<PlacementCase>& info) { return info.param.name; });

TEST(SchedulerPlacementLimits, RequiredAndAllowedNodes) {
  // -w node 2 plus one more node: node 2 and the best other allowed one.
  SchedJob wants = job(1);
  wants.nodes = 2;
  wants.required = {2};
  wants.allowed = {false, true, true};  // -x node 0
  SchedPlan plan = schedule(cluster({node(4), node(4), node(4)}, {wants}));
  EXPECT_EQ(placements(plan)[1], (Nodes{1, 2}));
  // A busy required node makes the job wait, even with other nodes free.
  SchedJob busy = job(2, 4);
  busy.required = {0};
  plan = schedule(cluster({node(4, 1), node(4)}, {busy}));
  EXPECT_TRUE(plan.starts.empty());
  EXPECT_EQ(reason(plan, 2), "Resources");
  // Only disallowed nodes free: it could run some day, but not now.
  SchedJob only_one = job(3);
  only_one.allowed = {true, false};
  SchedSnapshot snap = cluster({node(4, 4), node(4)}, {only_one});
  EXPECT_TRUE(schedule(snap).starts.empty());
  EXPECT_TRUE(could_ever_run(snap, only_one));
  only_one.allowed = {false, false};
  EXPECT_FALSE(could_ever_run(snap, only_one));
}

TEST(SchedulerExclusive, NothingSharesAnExclusiveJobsNode) {
  // Node 0 is busy, node 1 idle. The exclusive job (first by priority) takes
  // node 1 whole; the small jobs behind it must all fit on node 0 or wait.
  SchedJob big = exclusive(job(1, 1, 100));
  SchedSnapshot snap = cluster({node(4, 2), node(4)}, {big, job(2, 1, 50), job(3, 1, 50), job(4, 1, 50)});
  SchedPlan plan = schedule(snap);
  auto placed = placements(plan);
  ASSERT_EQ(placed.size(), 3u);
  EXPECT_EQ(placed[1], Nodes{1});
  EXPECT_EQ(plan.starts[0].cpus_per_node, 0u);  // whole node
  EXPECT_EQ(placed[2], Nodes{0});
  EXPECT_EQ(placed[3], Nodes{0});
  EXPECT_EQ(reason(plan, 4), "Resources");
}

TEST(SchedulerExclusive, ExclusiveJobsDoNotShareWithEachOther) {
  SchedSnapshot snap = cluster({node(4), node(4)}, {exclusive(job(1)), exclusive(job(2)), exclusive(job(3))});
  SchedPlan plan = schedule(snap);
  auto placed = placements(plan);
  EXPECT_EQ(placed[1], Nodes{0});
  EXPECT_EQ(placed[2], Nodes{1});
  EXPECT_EQ(placed.count(3), 0u);
  EXPECT_EQ(reason(plan, 3), "Resources");
}

TEST(SchedulerFifo, BlockedJobHoldsBackItsPartitionOnly) {
  SchedSnapshot snap;
  snap.nodes = {node(4, 3), node(4)};
  snap.partitions = {SchedPartition{{0}, true}, SchedPartition{{1}, true}};
  snap.pending = {job(1, 2, 100, 0),   // cannot fit now: blocks partition 0
                  job(2, 1, 90, 0),    // would fit, but waits behind job 1
                  job(3, 1, 80, 0),
                  job(4, 2, 70, 1)};   // the other partition still schedules
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{4});
  EXPECT_EQ(placements(plan)[4], Nodes{1});
  EXPECT_EQ(reason(plan, 1), "Resources");
  EXPECT_EQ(reason(plan, 2), "Priority");
  EXPECT_EQ(reason(plan, 3), "Priority");
  EXPECT_EQ(reason(plan, 4), "");
}

TEST(SchedulerFifo, PartitionDown) {
  SchedSnapshot snap;
  snap.nodes = {node(4), node(4)};
  snap.partitions = {SchedPartition{{0}, false}, SchedPartition{{1}, true}};
  snap.pending = {job(1, 1, 100, 0), job(2, 1, 90, 0), job(3, 1, 80, 1)};
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{3});
  EXPECT_EQ(reason(plan, 1), "PartitionDown");
  EXPECT_EQ(reason(plan, 2), "PartitionDown");
}

TEST(SchedulerFifo, SharedNodesAcrossPartitionsAreNotDoubleBooked) {
  SchedSnapshot snap;
  snap.nodes = {node(4)};
  snap.partitions = {SchedPartition{{0}, true}, SchedPartition{{0}, true}};
  snap.pending = {job(1, 3, 100, 0), job(2, 3, 90, 1)};
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{1});
  EXPECT_EQ(reason(plan, 2), "Resources");
}

TEST(SchedulerArray, StartsEachStartableTask) {
  SchedJob array = job(7, 2);
  array.startable = 3;
  SchedPlan plan = schedule(cluster({node(2), node(2), node(2), node(2, 0, 9)}, {array}));
  ASSERT_EQ(plan.starts.size(), 3u);
  std::vector<Nodes> used;
  for (const SchedStart& s : plan.starts) {
    EXPECT_EQ(s.job_id, 7u);
    used.push_back(s.nodes);
  }
  EXPECT_EQ(used, (std::vector<Nodes>{{0}, {1}, {2}}));
  EXPECT_TRUE(plan.waits.empty());
}

TEST(SchedulerArray, TasksPackOntoOneNodeWhenTheyFit) {
  SchedJob array = job(7, 1);
  array.startable = 3;
  SchedPlan plan = schedule(cluster({node(4, 1), node(4)}, {array}));
  ASSERT_EQ(plan.starts.size(), 3u);
  // Best fit: node 0 has the fewest CPUs left, until it is full.
  EXPECT_EQ(plan.starts[0].nodes, Nodes{0});
  EXPECT_EQ(plan.starts[1].nodes, Nodes{0});
  EXPECT_EQ(plan.starts[2].nodes, Nodes{0});
}

TEST(SchedulerArray, PartialStartWaitsForResourcesAndBlocks) {
  SchedJob array = job(7, 2);
  array.startable = 5;
  SchedPlan plan = schedule(cluster({node(2), node(2)}, {array, job(8, 1, 1)}));
  EXPECT_EQ(started_ids(plan), (std::vector<uint32_t>{7, 7}));
  EXPECT_EQ(reason(plan, 7), "Resources");
  EXPECT_EQ(reason(plan, 8), "Priority");
}

TEST(SchedulerArray, ThrottledArrayWaitsForTaskLimitAfterStarting) {
  SchedJob array = job(7);
  array.startable = 2;
  array.throttled = true;
  SchedPlan plan = schedule(cluster({node(8)}, {array, job(8, 1, 1)}));
  EXPECT_EQ(started_ids(plan), (std::vector<uint32_t>{7, 7, 8}));
  EXPECT_EQ(reason(plan, 7), "JobArrayTaskLimit");
  EXPECT_EQ(reason(plan, 8), "");  // a throttle does not block the partition
}

TEST(SchedulerCouldEverRun, Table) {
  SchedSnapshot snap = cluster({node(4, 4, 1, 1000, 1000), down(node(4, 0, 1, 2000)), node(2, 0, 1, 4000)});
  struct Case {
    const char* name;
    SchedJob job;
    bool expected;
  };
  const Case cases[] = {
      {"fits an idle node", job(1, 4), true},
      {"busy and down nodes count", with_nodes(job(1, 2), 3), true},
      {"too many cpus", job(1, 5), false},
      {"too many nodes", with_nodes(job(1), 4), false},
      {"cpus on too few nodes", with_nodes(job(1, 3), 3), false},
      {"memory on one node", with_mem(job(1, 2), 4000), true},
      {"too much memory", with_mem(job(1), 4001), false},
      {"memory and cpus on different nodes", with_mem(job(1, 4), 4000), false},
      {"exclusive", with_nodes(exclusive(job(1)), 3), true},
      {"exclusive too many cpus", exclusive(job(1, 5)), false},
      {"exclusive too many nodes", with_nodes(exclusive(job(1)), 4), false},
  };
  for (const Case& c : cases) EXPECT_EQ(could_ever_run(snap, c.job), c.expected) << c.name;
}

TEST(SchedulerCouldEverRun, OnlyThePartitionsNodesCount) {
  SchedSnapshot snap;
  snap.nodes = {node(16), node(2)};
  snap.partitions = {SchedPartition{{1}, true}, SchedPartition{{0, 1}, true}};
  EXPECT_FALSE(could_ever_run(snap, job(1, 4, 1, 0)));
  EXPECT_TRUE(could_ever_run(snap, job(1, 4, 1, 1)));
}

// ---------- determinism and scale ----------

bool same_plan(const SchedPlan& a, const SchedPlan& b) {
  if (a.starts.size() != b.starts.size() || a.waits.size() != b.waits.size()) return false;
  for (size_t i = 0; i < a.starts.size(); ++i) {
    const SchedStart& x = a.starts[i];
    const SchedStart& y = b.starts[i];
    if (x.job_id != y.job_id || x.nodes != y.nodes || x.cpus_per_node != y.cpus_per_node ||
        x.mem_per_node_mb != y.mem_per_node_mb)
      return false;
  }
  for (size_t i = 0; i < a.waits.size(); ++i)
    if (a.waits[i].job_id != b.waits[i].job_id || a.waits[i].reason != b.waits[i].reason) return false;
  return true;
}

// A cluster of `n_nodes` in 10 partitions (neighbours share a hundredth of the nodes), some
// nodes down or busy, and `n_jobs` varied jobs, from a fixed seed.
SchedSnapshot simulated(size_t n_nodes, size_t n_jobs, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&rng](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  SchedSnapshot snap;
  for (size_t i = 0; i < n_nodes; ++i) {
    uint32_t cpus = 1u << pick(1, 5);  // 2..32
    SchedNode n = node(cpus, 0, pick(1, 3), uint64_t{cpus} * 1024);
    if (pick(0, 3) == 0) {
      n.alloc_cpus = pick(0, cpus);
      n.alloc_mem_mb = pick(0, static_cast<uint32_t>(n.memory_mb));
    }
    n.usable = pick(0, 49) != 0;
    snap.nodes.push_back(n);
  }
  const size_t n_parts = 10;
  for (size_t p = 0; p < n_parts; ++p) {
    SchedPartition part;
    size_t first = p * n_nodes / n_parts;
    size_t last = std::min(n_nodes, (p + 1) * n_nodes / n_parts + n_nodes / 100);
    for (size_t i = first; i < last; ++i) part.nodes.push_back(i);
    part.up = p != 9;
    snap.partitions.push_back(part);
  }
  for (size_t i = 0; i < n_jobs; ++i) {
    SchedJob j = job(static_cast<uint32_t>(i + 1), 1u << pick(0, 3), pick(1, 1000), pick(0, n_parts - 1));
    if (pick(0, 9) == 0) j.nodes = pick(2, 8);
    if (pick(0, 3) == 0) j.mem_per_node_mb = pick(1, 8192);
    if (pick(0, 19) == 0) j.exclusive = true;
    if (pick(0, 9) == 0) {
      j.startable = pick(1, 20);
      j.throttled = pick(0, 1) == 1;
    }
    snap.pending.push_back(j);
  }
  return snap;
}

TEST(SchedulerDeterminism, SameSnapshotSamePlan) {
  SchedSnapshot snap = simulated(200, 2000, 42);
  SchedPlan first = schedule(snap);
  EXPECT_FALSE(first.starts.empty());
  EXPECT_FALSE(first.waits.empty());
  EXPECT_TRUE(same_plan(first, schedule(snap)));
  // The order in which pending jobs are given does not matter.
  std::reverse(snap.pending.begin(), snap.pending.end());
  EXPECT_TRUE(same_plan(first, schedule(snap)));
  std::shuffle(snap.pending.begin(), snap.pending.end(), std::mt19937(7));
  EXPECT_TRUE(same_plan(first, schedule(snap)));
}

TEST(SchedulerSimulation, TwoThousandNodesTwentyThousandJobs) {
  const SchedSnapshot snap = simulated(2000, 20000, 1);
  auto began = std::chrono::steady_clock::now();
  SchedPlan plan = schedule(snap);
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_LT(took, std::chrono::seconds(1));

  std::map<uint32_t, const SchedJob*> jobs;
  for (const SchedJob& j : snap.pending) jobs[j.job_id] = &j;
  std::vector<uint64_t> cpus(snap.nodes.size()), mem(snap.nodes.size());
  std::vector<int> exclusive_starts(snap.nodes.size()), starts_on(snap.nodes.size());
  for (size_t i = 0; i < snap.nodes.size(); ++i) {
    cpus[i] = snap.nodes[i].alloc_cpus;
    mem[i] = snap.nodes[i].alloc_mem_mb;
  }
  std::map<uint32_t, uint32_t> starts_of;
  for (const SchedStart& s : plan.starts) {
    const SchedJob& j = *jobs.at(s.job_id);
    ++starts_of[s.job_id];
    ASSERT_EQ(s.nodes.size(), j.nodes) << "job " << j.job_id;
    ASSERT_TRUE(std::is_sorted(s.nodes.begin(), s.nodes.end()));
    ASSERT_TRUE(std::adjacent_find(s.nodes.begin(), s.nodes.end()) == s.nodes.end());
    const SchedPartition& part = snap.partitions[j.partition];
    ASSERT_TRUE(part.up);
    for (size_t n : s.nodes) {
      ASSERT_NE(std::find(part.nodes.begin(), part.nodes.end(), n), part.nodes.end()) << "job " << j.job_id;
      ASSERT_TRUE(snap.nodes[n].usable);
      ASSERT_FALSE(snap.nodes[n].exclusive_job);
      if (j.exclusive) {
        ASSERT_EQ(s.cpus_per_node, 0u);
        ASSERT_EQ(snap.nodes[n].alloc_cpus, 0u);
        ASSERT_GE(snap.nodes[n].cpus, j.cpus_per_node);
        ++exclusive_starts[n];
        cpus[n] += snap.nodes[n].cpus;
      } else {
        cpus[n] += s.cpus_per_node;
      }
      ++starts_on[n];
      mem[n] += s.mem_per_node_mb;
    }
  }
  size_t busy = 0;
  for (size_t i = 0; i < snap.nodes.size(); ++i) {
    EXPECT_LE(cpus[i], snap.nodes[i].cpus) << "node " << i << " over-allocated";
    EXPECT_LE(mem[i], snap.nodes[i].memory_mb) << "node " << i << " over its memory";
    if (exclusive_starts[i] > 0) {
      EXPECT_EQ(starts_on[i], 1) << "node " << i << " shared with an exclusive job";
    }
    if (starts_on[i] > 0) ++busy;
  }
  EXPECT_GT(busy, snap.nodes.size() / 2) << "the simulation should fill much of the cluster";

  // Every job either starts as often as it may or says (once) why it waits.
  auto reasons = all_reasons(plan);
  for (const SchedJob& j : snap.pending) {
    uint32_t n = starts_of.count(j.job_id) ? starts_of[j.job_id] : 0;
    ASSERT_LE(n, j.startable);
    size_t waits = reasons.count(j.job_id) ? reasons[j.job_id].size() : 0;
    ASSERT_LE(waits, 1u) << "job " << j.job_id;
    if (n < j.startable || j.throttled) {
      EXPECT_EQ(waits, 1u) << "job " << j.job_id;
    }
  }
  EXPECT_GT(plan.starts.size(), 1000u);
}


// ---- EASY backfill (issue 6) ----

constexpr int64_t kNow = 1'000'000;

SchedRunning running(std::vector<size_t> nodes, std::vector<uint32_t> cpus, int64_t end) {
  SchedRunning r;
  r.nodes = std::move(nodes);
  r.node_cpus = std::move(cpus);
  r.end = end;
  return r;
}

SchedJob limited(uint32_t id, uint32_t cpus, uint32_t priority, int64_t limit_s) {
  SchedJob j = job(id, cpus, priority);
  j.time_limit_s = limit_s;
  return j;
}

TEST(SchedulerBackfill, ShortJobBackfillsLongJobWaitsTooBigJobNeedsResources) {
  SchedSnapshot snap = cluster({node(8, 6)}, {limited(1, 8, 100, 3600),   // top: needs the whole node
                                              limited(2, 1, 90, 300),     // ends before the reservation
                                              limited(3, 1, 80, 3600),    // would delay it
                                              limited(4, 2, 70, 60)});    // does not fit at all now
  snap.now = kNow;
  snap.running = {running({0}, {6}, kNow + 600)};
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{2});
  EXPECT_TRUE(plan.starts[0].backfilled);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].job_id, 1u);
  EXPECT_EQ(plan.reservations[0].start_time, kNow + 600);
  EXPECT_EQ(plan.reservations[0].nodes, Nodes{0});
  EXPECT_EQ(reason(plan, 1), "Resources");
  EXPECT_EQ(reason(plan, 3), "Priority");
  EXPECT_EQ(reason(plan, 4), "Resources");
}

TEST(SchedulerBackfill, JobEndingExactlyAtTheReservationMayStart) {
  SchedSnapshot snap = cluster({node(4, 3)}, {limited(1, 4, 100, 3600), limited(2, 1, 90, 600)});
  snap.now = kNow;
  snap.running = {running({0}, {3}, kNow + 600)};
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{2});
}

TEST(SchedulerBackfill, UnlimitedJobMayUseNodesOutsideTheReservation) {
  // Node 0 frees up at +600 for the top job; node 1 has room but a job
  // without a limit holds part of it, so it never frees up.
  SchedSnapshot snap = cluster({node(4, 4), node(4, 2)},
                               {limited(1, 4, 100, 3600), limited(2, 1, 90, kSchedNever), limited(3, 4, 80, 60)});
  snap.now = kNow;
  snap.running = {running({0}, {4}, kNow + 600), running({1}, {2}, kSchedNever)};
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].nodes, Nodes{0});
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{2});
  EXPECT_EQ(placements(plan)[2], Nodes{1});
  EXPECT_EQ(reason(plan, 3), "Resources");
}

TEST(SchedulerBackfill, UnlimitedJobCannotStartOnReservedNodes) {
  SchedSnapshot snap = cluster({node(4, 3)}, {limited(1, 4, 100, 3600), limited(2, 1, 90, kSchedNever)});
  snap.now = kNow;
  snap.running = {running({0}, {3}, kNow + 600)};
  SchedPlan plan = schedule(snap);
  EXPECT_TRUE(plan.starts.empty());
  EXPECT_EQ(reason(plan, 1), "Resources");
  EXPECT_EQ(reason(plan, 2), "Priority");
}

TEST(SchedulerBackfill, ReservationWaitsForEnoughEndsOnMultipleNodes) {
  SchedJob wide = limited(1, 4, 100, 3600);
  wide.nodes = 2;
  SchedSnapshot snap = cluster({node(4, 4), node(4, 4), node(4, 4)}, {wide});
  snap.now = kNow;
  snap.running = {running({0}, {4}, kNow + 900), running({1}, {4}, kNow + 300), running({2}, {4}, kNow + 1200)};
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].start_time, kNow + 900);
  EXPECT_EQ(plan.reservations[0].nodes, (Nodes{0, 1}));
}

TEST(SchedulerBackfill, OverrunningJobsCountAsEndingNow) {
  SchedSnapshot snap = cluster({node(4, 4)}, {limited(1, 4, 100, 3600)});
  snap.now = kNow;
  snap.running = {running({0}, {4}, kNow - 50)};
  SchedPlan plan = schedule(snap);
  ASSERT_EQ(plan.reservations.size(), 1u);
  EXPECT_EQ(plan.reservations[0].start_time, kNow);
}

TEST(SchedulerBackfill, DepthBoundsTheCandidatesTried) {
  SchedSnapshot snap = cluster({node(8, 6)}, {limited(1, 8, 100, 3600), limited(2, 4, 90, 60),
                                              limited(3, 1, 80, 60)});
  snap.now = kNow;
  snap.running = {running({0}, {6}, kNow + 600)};
  snap.backfill_depth = 1;  // job 2 is tried (and does not fit); job 3 is not tried
  SchedPlan plan = schedule(snap);
  EXPECT_TRUE(plan.starts.empty());
  EXPECT_EQ(reason(plan, 2), "Resources");
  EXPECT_EQ(reason(plan, 3), "Priority");
  snap.backfill_depth = 2;
  EXPECT_EQ(started_ids(schedule(snap)), std::vector<uint32_t>{3});
}

TEST(SchedulerBackfill, IdenticalShapesGetTheSameAnswer) {
  std::vector<SchedJob> pending = {limited(1, 8, 100, 3600)};
  for (uint32_t id = 2; id < 200; ++id) pending.push_back(limited(id, 2, 50, 3600));  // none fits after the first
  SchedSnapshot snap = cluster({node(8, 5)}, pending);
  snap.now = kNow;
  snap.running = {running({0}, {5}, kNow + 600)};
  snap.backfill_depth = 1000;
  SchedPlan plan = schedule(snap);
  EXPECT_TRUE(plan.starts.empty());  // 3 CPUs free, but every 2-CPU job would delay job 1
  for (uint32_t id = 2; id < 200; ++id) EXPECT_EQ(reason(plan, id), "Priority") << id;
}

TEST(SchedulerOrder, HigherTierPartitionFirst) {
  SchedSnapshot snap;
  snap.nodes = {node(4)};
  snap.partitions = {SchedPartition{{0}, true, 1}, SchedPartition{{0}, true, 2}};
  snap.pending = {job(1, 4, 1000, 0), job(2, 4, 1, 1)};
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{2});
  EXPECT_EQ(reason(plan, 1), "Resources");
}

TEST(SchedulerReasons, ReqNodeNotAvailDoesNotBlockOthers) {
  SchedSnapshot snap = cluster({node(4), node(4)});
  snap.nodes[1].usable = false;
  SchedJob pinned = job(1, 1, 100);
  pinned.required = {1};
  snap.pending = {pinned, job(2, 1, 90)};
  SchedPlan plan = schedule(snap);
  EXPECT_EQ(reason(plan, 1), "ReqNodeNotAvail");
  EXPECT_EQ(started_ids(plan), std::vector<uint32_t>{2});
}

TEST(SchedulerReasons, PartitionInactiveAndDown) {
  SchedSnapshot snap;
  snap.nodes = {node(4)};
  snap.partitions = {SchedPartition{{0}, false, 1, PartitionState::kInactive},
                     SchedPartition{{0}, false, 1, PartitionState::kDown}};
  snap.pending = {job(1, 1, 100, 0), job(2, 1, 100, 1)};
  SchedPlan plan = schedule(snap);
  EXPECT_TRUE(plan.starts.empty());
  EXPECT_EQ(reason(plan, 1), "PartitionInactive");
  EXPECT_EQ(reason(plan, 2), "PartitionDown");
}

}  // namespace
}  // namespace drover
