// IdSet: the controller's compact sets of job ids.
#include "drover/id_set.h"

#include <gtest/gtest.h>

#include <set>

namespace drover {
namespace {

std::vector<uint32_t> ids(const IdSet& s) {
  std::vector<uint32_t> out;
  s.append_to(out);
  return out;
}

TEST(IdSet, InsertEraseContainsInOrder) {
  IdSet s;
  EXPECT_TRUE(s.insert(5));
  EXPECT_TRUE(s.insert(9));
  EXPECT_TRUE(s.insert(7));  // below the largest: inserted in place
  EXPECT_FALSE(s.insert(7));
  EXPECT_EQ(ids(s), (std::vector<uint32_t>{5, 7, 9}));
  EXPECT_TRUE(s.erase(7));
  EXPECT_FALSE(s.erase(7));
  EXPECT_FALSE(s.erase(8));
  EXPECT_FALSE(s.contains(7));
  EXPECT_TRUE(s.contains(9));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.insert(7));  // revived
  EXPECT_EQ(ids(s), (std::vector<uint32_t>{5, 7, 9}));
}

// Against std::set through many inserts and erases, so compaction runs.
TEST(IdSet, MatchesStdSetThroughCompaction) {
  IdSet s;
  std::set<uint32_t> ref;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245u + 12345u;
    uint32_t id = (x >> 8) % 3000;
    if ((x & 3) == 0) {
      EXPECT_EQ(s.erase(id), ref.erase(id) == 1);
    } else {
      EXPECT_EQ(s.insert(id), ref.insert(id).second);
    }
  }
  EXPECT_EQ(s.size(), ref.size());
  EXPECT_EQ(ids(s), std::vector<uint32_t>(ref.begin(), ref.end()));
  for (uint32_t id = 0; id < 3000; ++id) EXPECT_EQ(s.contains(id), ref.count(id) == 1) << id;
}

TEST(IdSet, DrainingEveryIdLeavesItEmpty) {
  IdSet s;
  for (uint32_t id = 1; id <= 100000; ++id) s.insert(id);
  for (uint32_t id = 1; id <= 100000; ++id) ASSERT_TRUE(s.erase(id));
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(ids(s).empty());
  EXPECT_TRUE(s.insert(IdSet::kMaxId));
  EXPECT_TRUE(s.contains(IdSet::kMaxId));
}

}  // namespace
}  // namespace drover
