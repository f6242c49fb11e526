// --dependency syntax, the rules of each type and Slurm's display (spec §1.4).
#include "drover/dependency.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drover {
namespace {

TEST(ParseDependency, RoundTripsEachForm) {
  const std::pair<std::string, std::string> cases[] = {
      {"afterok:12", "afterok:12"},
      {"AfterOK:12", "afterok:12"},             // type names are case-insensitive
      {"after:12+5", "after:12+5"},
      {"afternotok:12_3", "afternotok:12_3"},
      {"afterany:12_*", "afterany:12_*"},
      {"aftercorr:12", "aftercorr:12"},
      {"singleton", "singleton"},
      {"SINGLETON", "singleton"},
      {"12", "afterany:12"},                    // the old format
  };
  for (const auto& [text, shown] : cases) {
    Result<Dependency> dep = parse_dependency(text);
    ASSERT_TRUE(dep) << text;
    ASSERT_EQ(dep->items.size(), 1u) << text;
    EXPECT_EQ(format_dep_item(dep->items[0]), shown) << text;
  }
}

TEST(ParseDependency, ListsAndSeparators) {
  Result<Dependency> all = parse_dependency("afterok:1:2,afterany:3,singleton");
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->any);
  ASSERT_EQ(all->items.size(), 4u);
  EXPECT_EQ(all->items[1].job_id, 2u);
  EXPECT_EQ(all->items[1].type, DepType::kAfterOk);
  EXPECT_EQ(all->items[3].type, DepType::kSingleton);

  Result<Dependency> any = parse_dependency("afterok:1?afternotok:2");
  ASSERT_TRUE(any);
  EXPECT_TRUE(any->any);
  EXPECT_EQ(any->items.size(), 2u);

  Result<Dependency> old = parse_dependency("12,13");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->items[1].type, DepType::kAfterAny);
}

TEST(ParseDependency, RefusesMalformed) {
  for (const char* text : {"", "afterok", "afterok:", "afterok:0", "afterok:x", "afterok:1,", "afterok:1::2",
                           "afterok:1,afterany:2?afterok:3", "bogus:1", "singleton:1", "afterok:1+5",
                           "afterok:1_x", "afterok:99999999999", "afterok: 1"}) {
    Result<Dependency> dep = parse_dependency(text);
    EXPECT_FALSE(dep) << text;
    if (!dep) {
      EXPECT_EQ(dep.error(), "Job dependency problem");
    }
  }
}

DepTarget target(uint32_t pending, uint32_t running, uint32_t ok, uint32_t failed, int64_t start = 0) {
  DepTarget t;
  t.known = true;
  t.pending = pending;
  t.running = running;
  t.ok = ok;
  t.failed = failed;
  t.last_start = start;
  return t;
}

DepStatus eval(const std::string& text, const DepTarget& t, int64_t now = 1000) {
  return evaluate_dep_item(parse_dependency(text)->items[0], t, now);
}

TEST(EvaluateDependency, EachTypeAgainstEachOutcome) {
  using S = DepStatus;
  // target:               pending         running               ok                    failed
  EXPECT_EQ(eval("after:1", target(1, 0, 0, 0)), S::kUnfulfilled);
  EXPECT_EQ(eval("after:1", target(0, 1, 0, 0, 900)), S::kSatisfied);
  EXPECT_EQ(eval("after:1+2", target(0, 1, 0, 0, 900)), S::kUnfulfilled);  // started 100 s ago, wants 120
  EXPECT_EQ(eval("after:1+1", target(0, 1, 0, 0, 900)), S::kSatisfied);
  EXPECT_EQ(eval("after:1", target(0, 0, 0, 1, 0)), S::kSatisfied);       // cancelled before it started

  EXPECT_EQ(eval("afterany:1", target(0, 1, 0, 0)), S::kUnfulfilled);
  EXPECT_EQ(eval("afterany:1", target(0, 0, 0, 1)), S::kSatisfied);
  EXPECT_EQ(eval("afterany:1", target(0, 0, 1, 0)), S::kSatisfied);

  EXPECT_EQ(eval("afterok:1", target(0, 1, 0, 0)), S::kUnfulfilled);
  EXPECT_EQ(eval("afterok:1", target(0, 0, 1, 0)), S::kSatisfied);
  EXPECT_EQ(eval("afterok:1", target(0, 0, 0, 1)), S::kFailed);
  EXPECT_EQ(eval("afterok:1", target(2, 3, 4, 1)), S::kFailed);          // one failed task is enough

  EXPECT_EQ(eval("afternotok:1", target(0, 1, 0, 0)), S::kUnfulfilled);
  EXPECT_EQ(eval("afternotok:1", target(0, 0, 0, 1)), S::kSatisfied);
  EXPECT_EQ(eval("afternotok:1", target(0, 0, 1, 0)), S::kFailed);
  EXPECT_EQ(eval("afternotok:1", target(0, 0, 3, 1)), S::kSatisfied);

  // Not in memory (never existed, or purged): satisfied.
  EXPECT_EQ(eval("afterok:1", DepTarget{}), S::kSatisfied);
  EXPECT_EQ(eval("afternotok:1", DepTarget{}), S::kSatisfied);
}

TEST(EvaluateDependency, CombinesAllAndAny) {
  using S = DepStatus;
  EXPECT_EQ(combine_dep_status(false, {S::kSatisfied, S::kSatisfied}), S::kSatisfied);
  EXPECT_EQ(combine_dep_status(false, {S::kSatisfied, S::kUnfulfilled}), S::kUnfulfilled);
  EXPECT_EQ(combine_dep_status(false, {S::kFailed, S::kUnfulfilled}), S::kFailed);
  EXPECT_EQ(combine_dep_status(true, {S::kFailed, S::kUnfulfilled}), S::kUnfulfilled);
  EXPECT_EQ(combine_dep_status(true, {S::kFailed, S::kSatisfied}), S::kSatisfied);
  EXPECT_EQ(combine_dep_status(true, {S::kFailed, S::kFailed}), S::kFailed);
}

TEST(FormatDependency, ShowsOnlyWhatIsLeft) {
  using S = DepStatus;
  Dependency all = *parse_dependency("afterok:12,afternotok:13,afterany:14");
  EXPECT_EQ(format_dep_remaining(all, {S::kUnfulfilled, S::kSatisfied, S::kUnfulfilled}),
            "afterok:12(unfulfilled),afterany:14(unfulfilled)");
  EXPECT_EQ(format_dep_remaining(all, {S::kSatisfied, S::kFailed, S::kUnfulfilled}),
            "afternotok:13(failed),afterany:14(unfulfilled)");
  EXPECT_EQ(format_dep_remaining(all, {S::kSatisfied, S::kSatisfied, S::kSatisfied}), "");

  Dependency any = *parse_dependency("afterok:12?singleton");
  EXPECT_EQ(format_dep_remaining(any, {S::kFailed, S::kUnfulfilled}), "afterok:12(failed)?singleton(unfulfilled)");
  EXPECT_EQ(format_dep_remaining(any, {S::kFailed, S::kSatisfied}), "");  // one suffices

  Dependency array = *parse_dependency("afterok:12");
  array.items[0].whole_array = true;
  EXPECT_EQ(format_dep_remaining(array, {S::kUnfulfilled}), "afterok:12_*(unfulfilled)");
}

TEST(FormatDependency, WakeTimeOnlyForDelayedAfter) {
  DepItem delayed = parse_dependency("after:1+3")->items[0];
  EXPECT_EQ(dep_item_wake_time(delayed, target(0, 1, 0, 0, 1000)), 1180);
  EXPECT_EQ(dep_item_wake_time(delayed, target(1, 0, 0, 0)), 0);
  EXPECT_EQ(dep_item_wake_time(parse_dependency("afterok:1")->items[0], target(0, 1, 0, 0, 1000)), 0);
}

}  // namespace
}  // namespace drover
