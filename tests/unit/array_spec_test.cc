// --array parsing and task-range display against Slurm 22.05 (spec §1.3, §3.4).
#include "drover/array_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drover {
namespace {

constexpr uint32_t kDefaultMaxArraySize = 1001;  // slurm.conf default

std::vector<uint32_t> members(const TaskSet& set) {
  std::vector<uint32_t> ids;
  for (const auto& [first, last] : set.intervals()) {
    for (uint64_t id = first; id <= last; ++id) ids.push_back(static_cast<uint32_t>(id));
  }
  return ids;
}

std::vector<uint32_t> range(uint32_t first, uint32_t last, uint32_t step = 1) {
  std::vector<uint32_t> ids;
  for (uint32_t id = first; id <= last; id += step) ids.push_back(id);
  return ids;
}

// ---- parse_array_spec: valid specs -------------------------------------------

struct ValidSpecCase {
  std::string spec;
  std::vector<uint32_t> tasks;
  uint32_t step;
  uint32_t throttle;
};

class ValidArraySpec : public testing::TestWithParam<ValidSpecCase> {};

TEST_P(ValidArraySpec, ParsesTasksStepAndThrottle) {
  const ValidSpecCase& c = GetParam();
  auto parsed = parse_array_spec(c.spec, kDefaultMaxArraySize);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(members(parsed->tasks), c.tasks);
  EXPECT_EQ(parsed->step, c.step);
  EXPECT_EQ(parsed->throttle, c.throttle);
}

INSTANTIATE_TEST_SUITE_P(
    Slurm, ValidArraySpec,
    testing::Values(ValidSpecCase{"1-3", {1, 2, 3}, 1, 0},
                    ValidSpecCase{"[1-3]", {1, 2, 3}, 1, 0},
                    ValidSpecCase{"1-7:2", {1, 3, 5, 7}, 2, 0},
                    ValidSpecCase{"1,3,5", {1, 3, 5}, 1, 0},
                    ValidSpecCase{"0-15", range(0, 15), 1, 0},
                    ValidSpecCase{"0-15%4", range(0, 15), 1, 4},
                    ValidSpecCase{"1-100%10", range(1, 100), 1, 10},
                    ValidSpecCase{"0,6,16-32",
                                  [] {
                                    auto ids = range(16, 32);
                                    ids.insert(ids.begin(), {0, 6});
                                    return ids;
                                  }(),
                                  1, 0},
                    ValidSpecCase{"0-15:4", {0, 4, 8, 12}, 4, 0},
                    ValidSpecCase{"[0,4-6]", {0, 4, 5, 6}, 1, 0},
                    ValidSpecCase{"7", {7}, 1, 0},
                    ValidSpecCase{"0", {0}, 1, 0},
                    ValidSpecCase{"1000", {1000}, 1, 0},
                    ValidSpecCase{"5,1-3", {1, 2, 3, 5}, 1, 0},
                    ValidSpecCase{"1-3,2-4", {1, 2, 3, 4}, 1, 0},
                    ValidSpecCase{"0-9:3,20-30:5", {0, 3, 6, 9, 20, 25, 30}, 3, 0}));

// ---- parse_array_spec: the max_array_size limit ------------------------------

TEST(ArraySpecLimit, NamesTheTaskTheLimitAndTheKey) {
  auto parsed = parse_array_spec("0-2000000", 1000001, "/etc/drover/drover.yaml");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(),
            "Invalid job array specification (task id 2000000 is not below max_array_size=1000001 in "
            "/etc/drover/drover.yaml)");
}

TEST(ArraySpecLimit, SingleIndexAndNoSource) {
  auto parsed = parse_array_spec("1001", 1001);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "Invalid job array specification (task id 1001 is not below max_array_size=1001)");
  EXPECT_TRUE(parse_array_spec("1000", 1001));
}

// ---- parse_array_spec: invalid specs -----------------------------------------

class InvalidArraySpec : public testing::TestWithParam<std::string> {};

TEST_P(InvalidArraySpec, FailsWithSlurmMessage) {
  auto parsed = parse_array_spec(GetParam(), kDefaultMaxArraySize);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), "Invalid job array specification");
}

INSTANTIATE_TEST_SUITE_P(Slurm, InvalidArraySpec,
                         testing::Values("-1",        // negative
                                         "-5-3",      // negative lower bound
                                         "5-3",       // B < A
                                         "1-7:0",     // step 0
                                         "1-7:-2",    // negative step
                                         "0-10:1001", // step >= MaxArraySize
                                         "abc",       // junk
                                         "1-3x",      // trailing junk
                                         "1-",        // missing bound
                                         "1:2",       // step without a range
                                         "0-15%x",    // junk throttle
                                         "%4",        // throttle only
                                         "",          // empty
                                         "4294967296" // overflows uint32
                                         ));

TEST(ArraySpec, MaxArraySizeBoundsTheIndex) {
  EXPECT_TRUE(parse_array_spec("0-9", 10));
  EXPECT_FALSE(parse_array_spec("10", 10));
  // MaxArraySize=0 disables job arrays altogether.
  EXPECT_FALSE(parse_array_spec("0", 0));
}

TEST(ArraySpec, HugeRangeIsOneInterval) {
  auto parsed = parse_array_spec("0-999999", 1000000);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->tasks.intervals().size(), 1u);
  EXPECT_EQ(parsed->tasks.count(), 1000000u);
}

// ---- parse_task_list ----------------------------------------------------------

TEST(TaskList, ParsesSelectorContents) {
  struct Case {
    std::string text;
    std::vector<uint32_t> tasks;
  };
  const std::vector<Case> cases = {
      {"4", {4}},
      {"1-3,7", {1, 2, 3, 7}},
      {"1,3,5", {1, 3, 5}},
      {"7,1-2", {1, 2, 7}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = parse_task_list(c.text);
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(members(*parsed), c.tasks);
  }
}

TEST(TaskList, RejectsMalformedLists) {
  for (std::string text : {"", "x", "3-1", "1,,2", "1-", "-1", "[1-3]"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_task_list(text));
  }
}

// ---- TaskSet ------------------------------------------------------------------

TEST(TaskSet, ConstructorSortsAndMerges) {
  TaskSet set({{5, 7}, {1, 2}, {3, 3}, {10, 12}, {11, 15}});
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{1, 3}, {5, 7}, {10, 15}}));
}

TEST(TaskSet, AddMergesNeighbours) {
  TaskSet set;
  set.add(1);
  set.add(3);
  EXPECT_EQ(set.intervals().size(), 2u);
  set.add(2);
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{1, 3}}));
  set.add_range(10, 20);
  set.add_range(4, 9);
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{1, 20}}));
  set.add(2);  // already present
  EXPECT_EQ(set.count(), 20u);
}

TEST(TaskSet, AddRangeSpanningSeveralIntervals) {
  TaskSet set({{1, 1}, {3, 3}, {5, 5}, {9, 9}});
  set.add_range(2, 6);
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{1, 6}, {9, 9}}));
}

TEST(TaskSet, RemoveSplitsAndShrinks) {
  TaskSet set({{1, 5}});
  EXPECT_TRUE(set.remove(3));
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{1, 2}, {4, 5}}));
  EXPECT_TRUE(set.remove(1));
  EXPECT_TRUE(set.remove(5));
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{2, 2}, {4, 4}}));
  EXPECT_FALSE(set.remove(3));
  EXPECT_FALSE(set.remove(100));
  EXPECT_TRUE(set.remove(2));
  EXPECT_TRUE(set.remove(4));
  EXPECT_TRUE(set.empty());
}

TEST(TaskSet, ContainsAndCount) {
  TaskSet set({{0, 0}, {6, 6}, {16, 32}});
  EXPECT_EQ(set.count(), 19u);
  for (uint32_t id : {0u, 6u, 16u, 24u, 32u}) EXPECT_TRUE(set.contains(id)) << id;
  for (uint32_t id : {1u, 5u, 7u, 15u, 33u}) EXPECT_FALSE(set.contains(id)) << id;
  EXPECT_EQ(set.first(), 0u);
  EXPECT_EQ(set.last(), 32u);
}

TEST(TaskSet, PopFirstTakesTasksInOrder) {
  TaskSet set({{4, 5}, {1, 1}});
  EXPECT_EQ(set.pop_first(), 1u);
  EXPECT_EQ(set.pop_first(), 4u);
  EXPECT_EQ(set.pop_first(), 5u);
  EXPECT_TRUE(set.empty());
}

TEST(TaskSet, HandlesTheTopOfTheIdRange) {
  const uint32_t top = UINT32_MAX;
  TaskSet set({{top - 1, top}});
  set.add(top - 2);
  EXPECT_EQ(set.intervals(), (std::vector<TaskSet::Interval>{{top - 2, top}}));
  EXPECT_EQ(set.count(), 3u);
  EXPECT_TRUE(set.remove(top));
  EXPECT_EQ(set.last(), top - 1);
}

TEST(TaskSet, MillionTasksStayOneInterval) {
  TaskSet set;
  set.add_range(0, 999999);
  EXPECT_EQ(set.intervals().size(), 1u);
  EXPECT_EQ(set.count(), 1000000u);
  EXPECT_EQ(set.pop_first(), 0u);
  EXPECT_EQ(set.intervals().size(), 1u);
  EXPECT_EQ(set.count(), 999999u);
  EXPECT_EQ(set.to_string(), "1-999999");
}

// ---- TaskSet::to_string (squeue's pending-range display) ----------------------

struct DisplayCase {
  std::vector<uint32_t> tasks;
  std::string expected;
};

class TaskSetDisplay : public testing::TestWithParam<DisplayCase> {};

TEST_P(TaskSetDisplay, MatchesSqueue) {
  TaskSet set;
  for (uint32_t id : GetParam().tasks) set.add(id);
  EXPECT_EQ(set.to_string(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Slurm, TaskSetDisplay,
    testing::Values(DisplayCase{{}, ""},
                    DisplayCase{{7}, "7"},
                    DisplayCase{{1, 2, 3, 5}, "1-3,5"},
                    DisplayCase{range(5, 10), "5-10"},
                    DisplayCase{{1, 2, 3, 4, 6, 7, 8, 9, 10}, "1-4,6-10"},
                    DisplayCase{range(0, 15), "0-15"},                 // contiguous: no ":1"
                    DisplayCase{range(2, 18, 2), "2-18:2"},            // 9 tasks, span 16
                    DisplayCase{range(0, 100, 10), "0-100:10"},
                    DisplayCase{{0, 4, 8, 12}, "0,4,8,12"},            // only 4 tasks
                    DisplayCase{range(0, 10, 2), "0,2,4,6,8,10"},      // span 10, not > 10
                    DisplayCase{range(0, 12, 2), "0-12:2"},            // span 12, 7 tasks
                    DisplayCase{{0, 2, 4, 6, 8, 11}, "0,2,4,6,8,11"},  // uneven
                    DisplayCase{{0, 3, 6, 9, 12, 15, 16}, "0,3,6,9,12,15-16"}));

}  // namespace
}  // namespace drover
