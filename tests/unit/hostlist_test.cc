// Hostlist expansion and compression against Slurm 22.05's strings (spec §8).
#include "drover/hostlist.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace drover::hostlist {
namespace {

using Names = std::vector<std::string>;

struct ExpandCase {
  std::string expression;
  Names names;
};

TEST(HostlistExpand, ExpandsLikeSlurm) {
  const ExpandCase cases[] = {
      // Zero padding follows the lower bound of each range.
      {"node[01-03,7]", {"node01", "node02", "node03", "node7"}},
      {"node[009-011]", {"node009", "node010", "node011"}},
      {"node[9-011]", {"node9", "node10", "node11"}},
      {"node[001-3]", {"node001", "node002", "node003"}},
      {"node[0-2]", {"node0", "node1", "node2"}},
      // Several bracket groups: cartesian product, leftmost slowest.
      {"rack[0-1]_blade[2,3]", {"rack0_blade2", "rack0_blade3", "rack1_blade2", "rack1_blade3"}},
      {"n[1-2][3-4]", {"n13", "n14", "n23", "n24"}},
      // Comma lists with and without brackets; order and duplicates kept.
      {"a,b,c", {"a", "b", "c"}},
      {"pi-clust-node[01-03,07],head", {"pi-clust-node01", "pi-clust-node02", "pi-clust-node03",
                                        "pi-clust-node07", "head"}},
      {"n[1-2],head,m[5]", {"n1", "n2", "head", "m5"}},
      {"n3,n2,n1,n1", {"n3", "n2", "n1", "n1"}},
      {"n[2,1,2]", {"n2", "n1", "n2"}},
      {"node1", {"node1"}},
      {"[1-3]", {"1", "2", "3"}},
      // Spaces and tabs separate too; empty items vanish.
      {"n[1-2] x\ty", {"n1", "n2", "x", "y"}},
      {"a,,b,", {"a", "b"}},
      {"", {}},
  };
  for (const ExpandCase& c : cases) {
    SCOPED_TRACE(c.expression);
    auto names = expand(c.expression);
    ASSERT_TRUE(names) << names.error();
    EXPECT_EQ(*names, c.names);
  }
}

struct ErrorCase {
  std::string expression;
  std::string error;
};

TEST(HostlistExpand, RejectsInvalidExpressions) {
  const ErrorCase cases[] = {
      {"node[3-1]", "Invalid range: `3-1'"},
      {"n[1-10:2]", "Invalid range: `1-10:2'"},  // steps are array syntax only
      {"n[a-b]", "Invalid range: `a-b'"},
      {"n[-1]", "Invalid range: `-1'"},
      {"n[1,,2]", "Invalid range: `'"},
      {"n[]", "Invalid range: `'"},
      {"n[1,3-2]", "Invalid range: `3-2'"},
      {"n[0-300000]", "Too many hosts in range `0-300000'"},
      {"node[1-3", "Invalid hostlist: node[1-3"},
      {"a,node[1-3,b", "Invalid hostlist: a,node[1-3,b"},
      {"node[1-3]-ib", "Invalid hostlist: node[1-3]-ib"},  // 22.05: no suffix
      {"node1]", "Invalid hostlist: node1]"},
      {"n[[1]]", "Invalid hostlist: n[[1]]"},
      {"a[0-99999][0-99999]", "Invalid hostlist: a[0-99999][0-99999]"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.expression);
    auto names = expand(c.expression);
    ASSERT_FALSE(names);
    EXPECT_EQ(names.error(), c.error);
  }
}

struct CompressCase {
  Names names;
  std::string expected;
};

TEST(HostlistCompress, KeepsInputOrderAndDuplicates) {
  const CompressCase cases[] = {
      {{"n1", "n2", "n3", "n5"}, "n[1-3,5]"},
      {{"n3", "n2", "n1"}, "n[3,2,1]"},
      {{"a1", "a2", "b1", "a3"}, "a[1-2],b1,a3"},
      {{"n1", "n1"}, "n[1,1]"},
      {{"node9", "node10"}, "node[9-10]"},
      {{"n99", "n100"}, "n[99-100]"},
      {{"n007", "n008", "n009", "n010"}, "n[007-010]"},
      {{"node8", "node010"}, "node[8,010]"},  // widths kept apart, one bracket
      {{"n01", "n2"}, "n[01,2]"},
      {{"node1"}, "node1"},
      {{"x", "y", "z"}, "x,y,z"},
      {{"n", "n1", "n2"}, "n,n[1-2]"},
      {{"rack1-node1", "rack1-node2"}, "rack1-node[1-2]"},
      {{"node-1", "node-2", "node-3"}, "node-[1-3]"},
      {{"node1a", "node2a"}, "node1a,node2a"},  // number must end the name
      {{"head", "n1", "n2", "n4", "head"}, "head,n[1-2,4],head"},
      {{}, ""},
  };
  for (const CompressCase& c : cases) {
    SCOPED_TRACE(c.expected);
    EXPECT_EQ(compress(c.names), c.expected);
  }
}

TEST(HostlistCompress, SortedFormSortsThenMerges) {
  const CompressCase cases[] = {
      {{"n3", "n1", "n2"}, "n[1-3]"},
      {{"a1", "a2", "b1", "a3"}, "a[1-3],b1"},
      {{"n1", "n1"}, "n[1,1]"},  // sorting does not uniq
      {{"n1", "n2", "n3", "n2"}, "n[1-2,2-3]"},
      {{"node10", "node9"}, "node[9-10]"},
      {{"node010", "node8"}, "node[8,010]"},
      {{"n2", "n", "n1"}, "n,n[1-2]"},
      {{"z", "b", "a"}, "a,b,z"},
      // Prefixes compare naturally, so rack2 comes before rack10.
      {{"rack10-n1", "rack2-n1"}, "rack2-n1,rack10-n1"},
      // Padded numbers of another width sort by width first, as Slurm's
      // width-equivalence comparison does.
      {{"node05", "node7"}, "node[7,05]"},
      {{"pi3", "pi1", "head", "pi2"}, "head,pi[1-3]"},
  };
  for (const CompressCase& c : cases) {
    SCOPED_TRACE(c.expected);
    EXPECT_EQ(compress_sorted(c.names), c.expected);
  }
}

TEST(HostlistRoundTrip, ExpandOfCompressGivesTheNamesBack) {
  const Names lists[] = {
      {"n3", "n2", "n1", "n1"},
      {"node8", "node010", "node9", "node10"},
      {"rack1-node1", "rack1-node2", "node1a", "x"},
      {"n007", "n008", "n010", "n2"},
  };
  for (const Names& names : lists) {
    std::string compressed = compress(names);
    SCOPED_TRACE(compressed);
    auto expanded = expand(compressed);
    ASSERT_TRUE(expanded) << expanded.error();
    EXPECT_EQ(*expanded, names);
  }
}

}  // namespace
}  // namespace drover::hostlist
