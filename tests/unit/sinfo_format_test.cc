#include "drover/sinfo_format.h"

#include <gtest/gtest.h>

#include "drover/time_format.h"

namespace drover {
namespace {

struct NodeSpec {
  std::string name;
  std::string state;  // compact
  bool not_responding = false;
  uint32_t cpus = 4;
  uint32_t alloc_cpus = 0;
};

class Cluster {
 public:
  Cluster& node(const NodeSpec& spec) {
    pb::NodeInfo* n = reply_.add_nodes();
    n->set_name(spec.name);
    n->set_state(spec.state);
    n->set_not_responding(spec.not_responding);
    n->set_cpus(spec.cpus);
    n->set_alloc_cpus(spec.alloc_cpus);
    n->set_memory_mb(1000);
    n->set_weight(1);
    return *this;
  }
  pb::NodeInfo& last_node() { return *reply_.mutable_nodes(reply_.nodes_size() - 1); }

  Cluster& partition(const std::string& name, std::vector<std::string> nodes,
                     bool is_default = false, uint32_t max_time_min = 0,
                     const std::string& state = "up") {
    pb::PartitionInfo* p = reply_.add_partitions();
    p->set_name(name);
    p->set_is_default(is_default);
    p->set_state(state);
    p->set_max_time_min(max_time_min);
    for (auto& n : nodes) p->add_nodes(n);
    return *this;
  }

  const pb::ListNodesReply& reply() const { return reply_; }

 private:
  pb::ListNodesReply reply_;
};

std::string render(const Cluster& cluster, const SinfoOptions& options) {
  auto out = format_sinfo(cluster.reply(), options);
  EXPECT_TRUE(out) << out.error();
  return out ? *out : "";
}

SinfoOptions with_format(std::string format, bool header = false) {
  SinfoOptions options;
  options.format = std::move(format);
  options.header = header;
  return options;
}

// Spec §4.1 cluster, with a default partition wider than the header.
Cluster picluster() {
  Cluster c;
  c.node({"node1", "mix", false, 4, 2})
      .node({"node2", "idle"})
      .node({"node3", "idle"})
      .node({"node4", "down", true})
      .node({"node5", "alloc", false, 4, 4})
      .node({"node6", "alloc", false, 4, 4})
      .node({"node7", "alloc", false, 4, 4})
      .node({"node8", "alloc", false, 4, 4});
  c.partition("picluster", {"node1", "node2", "node3", "node4"}, true)
      .partition("long", {"node5", "node6", "node7", "node8"}, false, 7 * 24 * 60);
  return c;
}

// Rows within a partition follow Slurm's default sort "#P,-t": the node
// state's numeric value descending (down* > mix > alloc > idle).
TEST(SinfoFormatTest, DefaultViewWithWideDefaultPartition) {
  EXPECT_EQ(render(picluster(), SinfoOptions{}),
            "PARTITION  AVAIL  TIMELIMIT  NODES  STATE NODELIST\n"
            "picluster*    up   infinite      1  down* node4\n"
            "picluster*    up   infinite      1    mix node1\n"
            "picluster*    up   infinite      2   idle node[2-3]\n"
            "long          up 7-00:00:00      4  alloc node[5-8]\n");
}

TEST(SinfoFormatTest, DefaultViewNarrowNamesAndEmptyPartition) {
  Cluster c;
  c.node({"node2", "idle"}).node({"node1", "idle"}).node({"node3", "alloc", false, 4, 4});
  c.partition("debug", {"node2", "node1", "node3"}, true, 30).partition("empty", {});
  EXPECT_EQ(render(c, SinfoOptions{}),
            "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n"
            "debug*       up      30:00      1  alloc node3\n"
            "debug*       up      30:00      2   idle node[1-2]\n"
            "empty        up   infinite      0    n/a \n");
}

TEST(SinfoFormatTest, NoHeader) {
  Cluster c;
  c.node({"n1", "idle"}).partition("p", {"n1"});
  SinfoOptions options;
  options.header = false;
  EXPECT_EQ(render(c, options), "p            up   infinite      1   idle n1\n");
}

TEST(SinfoFormatTest, NodeOrientedView) {
  Cluster c;
  c.node({"node1", "idle"}).node({"node2", "alloc", false, 4, 4}).node({"node10", "mix", false, 4, 1});
  c.node({"node9", "down", true});
  c.partition("debug", {"node1", "node2", "node10", "node9"}, true).partition("gpu", {"node2"});
  SinfoOptions options;
  options.format = std::string(kSinfoNodeFormat);
  options.node_oriented = true;
  EXPECT_EQ(render(c, options),
            "NODELIST   NODES PARTITION STATE \n"
            "node1          1    debug* idle  \n"
            "node2          1    debug* alloc \n"
            "node2          1       gpu alloc \n"
            "node9          1    debug* down* \n"
            "node10         1    debug* mix   \n");
}

TEST(SinfoFormatTest, NodeOrientedViewWidensForLongNames) {
  Cluster c;
  c.node({"pi-clust-node01", "idle"}).partition("picluster", {"pi-clust-node01"}, true);
  SinfoOptions options;
  options.format = std::string(kSinfoNodeFormat);
  options.node_oriented = true;
  EXPECT_EQ(render(c, options),
            "NODELIST         NODES  PARTITION STATE \n"
            "pi-clust-node01      1 picluster* idle  \n");
}

TEST(SinfoFormatTest, PartitionFilter) {
  SinfoOptions options;
  options.partitions = {"long", "nosuch"};
  EXPECT_EQ(render(picluster(), options),
            "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n"
            "long         up 7-00:00:00      4  alloc node[5-8]\n");
}

Cluster state_zoo() {
  Cluster c;
  c.node({"n1", "idle"})
      .node({"n2", "drain"})
      .node({"n3", "drng", false, 4, 2})
      .node({"n4", "mix", false, 4, 1})
      .node({"n5", "alloc", false, 4, 4})
      .node({"n6", "down", true})
      .node({"n7", "idle", true});
  c.partition("p", {"n1", "n2", "n3", "n4", "n5", "n6", "n7"});
  return c;
}

TEST(SinfoFormatTest, StateFilter) {
  struct Case {
    std::vector<std::string> states;
    std::string_view nodes;  // %N of the single "%N" line
  } cases[] = {
      {{"idle"}, "n[1-2,7]"},        // any idle base: idle+drain and idle* too
      {{"IDLE"}, "n[1-2,7]"},
      {{"drain"}, "n[2-3]"},         // drained and draining
      {{"drained"}, "n2"},
      {{"draining"}, "n3"},
      {{"drng"}, "n3"},
      {{"alloc"}, "n[3-5]"},         // any node with CPUs in use
      {{"mix"}, "n4"},
      {{"mixed"}, "n4"},
      {{"down"}, "n6"},
      {{"no_respond"}, "n[6-7]"},
      {{"mix", "down"}, "n[4,6]"},
      {{"all"}, "n[1-7]"},
      {{}, "n[1-7]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.states));
    SinfoOptions options = with_format("%N");
    options.states = c.states;
    EXPECT_EQ(render(state_zoo(), options), std::string(c.nodes) + "\n");
  }
}

TEST(SinfoFormatTest, StateFilterMatchingNothingLeavesEmptyPartitions) {
  SinfoOptions options;
  options.states = {"drain"};
  EXPECT_EQ(render(picluster(), options),
            "PARTITION  AVAIL  TIMELIMIT  NODES  STATE NODELIST\n"
            "picluster*    up   infinite      0    n/a \n"
            "long          up 7-00:00:00      0    n/a \n");
}

TEST(SinfoFormatTest, BadStateFilter) {
  SinfoOptions options;
  options.states = {"idle", "bogus"};
  auto out = format_sinfo(picluster().reply(), options);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), "Bad state string: \"bogus\"");
}

TEST(SinfoFormatTest, StateOrderAcrossManyStates) {
  EXPECT_EQ(render(state_zoo(), with_format("%t %N")),
            "idle* n7\n"
            "down* n6\n"
            "drng n3\n"
            "drain n2\n"
            "mix n4\n"
            "alloc n5\n"
            "idle n1\n");
}

TEST(SinfoFormatTest, SummaryColumnsWithoutStateMakeOneLine) {
  Cluster c;
  c.node({"n1", "idle"})
      .node({"n2", "mix", false, 4, 2})
      .node({"n3", "drain"})
      .node({"n4", "down", true})
      .node({"n5", "alloc", false, 4, 4});
  c.partition("p", {"n1", "n2", "n3", "n4", "n5"});
  EXPECT_EQ(render(c, with_format("%R %.16F %A %C %N", true)),
            "PARTITION   NODES(A/I/O/T) NODES(A/I) CPUS(A/I/O/T) NODELIST\n"
            "p          2/1/2/5 2/1 6/6/8/20 n[1-5]\n");
}

TEST(SinfoFormatTest, NodeColumns) {
  Cluster c;
  c.node({"n1", "idle", false, 4}).node({"n2", "idle", false, 8});
  c.last_node().set_memory_mb(2000);
  c.last_node().set_weight(5);
  c.node({"n3", "alloc", false, 4, 4});
  c.last_node().set_state_long("ALLOCATED");
  c.last_node().add_features("arm64");
  c.last_node().add_features("pi4");
  c.partition("p", {"n1", "n2", "n3"}, false, 24 * 60, "inact");
  EXPECT_EQ(render(c, with_format("%R|%a|%.5a|%l|%D|%T|%c|%C|%m|%w|%E|%f")),
            "p|inactive|inact|1-00:00:00|1|allocated|4|4/0/0/4|1000|1|none|arm64,pi4\n"
            "p|inactive|inact|1-00:00:00|2|idle|4+|0/12/0/12|1000+|1+|none|(null)\n");
}

TEST(SinfoFormatTest, ReasonSplitsLines) {
  Cluster c;
  c.node({"n4", "drain"}).last_node().set_reason("maintenance");
  c.node({"n5", "drain"}).last_node().set_reason("maintenance");
  c.node({"n6", "drain"}).last_node().set_reason("disk");
  c.node({"n7", "idle"}).partition("p", {"n4", "n5", "n6", "n7"});
  EXPECT_EQ(render(c, with_format("%20E %t %N")),
            "maintenance          drain n[4-5]\n"
            "disk                 drain n6\n"
            "none                 idle n7\n");
  // Without a reason column the drained nodes form one line.
  EXPECT_EQ(render(c, with_format("%t %N")), "drain n[4-6]\nidle n7\n");
}

TEST(SinfoFormatTest, DefaultStarInNarrowColumn) {
  Cluster c;
  c.node({"n1", "idle"}).partition("picluster", {"n1"}, true);
  EXPECT_EQ(render(c, with_format("%.5P|%5P|%P|%R|%#R|")),
            "picl*|picl*|picluster*|picluster|picluster|\n");
}

TEST(SinfoFormatTest, LiteralsAndPercent) {
  Cluster c;
  c.node({"n1", "idle"}).partition("p", {"n1"});
  EXPECT_EQ(render(c, with_format("[%R] 100%% %D", true)), "[PARTITION] 100% NODES\n[p] 100% 1\n");
}

TEST(SinfoFormatTest, InvalidFormats) {
  struct Case {
    std::string_view format, error;
  } cases[] = {
      {"%P %@", "Invalid node format specification: @"},
      {"%P %.10", "Invalid node format specification: %.10"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.format));
    auto out = format_sinfo(picluster().reply(), with_format(std::string(c.format)));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error(), c.error);
  }
}

// Toil 9 splits each line on single spaces and needs exactly 6 fields.
TEST(SinfoFormatTest, ToilPartitionQuery) {
  Cluster c;
  c.node({"node1", "idle", false, 2}).last_node().set_memory_mb(6026);
  c.partition("picluster", {"node1"}, true);
  EXPECT_EQ(render(c, with_format("%P %G %l %p %c %m", true)),
            "PARTITION GRES TIMELIMIT PRIO_TIER CPUS MEMORY\n"
            "picluster* (null) infinite 1 2 6026\n");
}

TEST(SinfoFormatTest, EveryCodeHeader) {
  Cluster c;
  c.partition("p", {});
  struct Case {
    char code;
    std::string_view header;
  } cases[] = {
      {'P', "PARTITION"}, {'R', "PARTITION"},     {'a', "AVAIL"},          {'l', "TIMELIMIT"},
      {'L', "DEFAULTTIME"}, {'D', "NODES"},       {'t', "STATE"},          {'T', "STATE"},
      {'N', "NODELIST"},  {'n', "HOSTNAMES"},     {'o', "NODE_ADDR"},      {'c', "CPUS"},
      {'C', "CPUS(A/I/O/T)"}, {'A', "NODES(A/I)"}, {'F', "NODES(A/I/O/T)"}, {'m', "MEMORY"},
      {'e', "FREE_MEM"},  {'d', "TMP_DISK"},      {'f', "AVAIL_FEATURES"}, {'b', "ACTIVE_FEATURES"},
      {'G', "GRES"},      {'E', "REASON"},        {'u', "USER"},           {'U', "USER"},
      {'H', "TIMESTAMP"}, {'z', "S:C:T"},         {'X', "SOCKETS"},        {'Y', "CORES"},
      {'Z', "THREADS"},   {'w', "WEIGHT"},        {'s', "JOB_SIZE"},       {'h', "OVERSUBSCRIBE"},
      {'r', "ROOT"},      {'g', "GROUPS"},        {'p', "PRIO_TIER"},      {'O', "CPU_LOAD"},
      {'v', "VERSION"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(std::string(1, k.code));
    SinfoOptions options = with_format(std::string("%") + k.code, true);
    std::string out = render(c, options);
    EXPECT_EQ(out.substr(0, out.find('\n')), k.header);
  }
}

// Spec §4.1: -l (single-space separated, date line printed by the CLI).
TEST(SinfoFormatTest, LongView) {
  Cluster c;
  for (const char* n : {"node1", "node2", "node3", "node4"}) c.node({n, "idle"});
  c.partition("debug", {"node1", "node2", "node3", "node4"}, true);
  SinfoOptions options = with_format(sinfo_view_format(false, true, false, false), true);
  EXPECT_EQ(render(c, options),
            "PARTITION AVAIL  TIMELIMIT   JOB_SIZE ROOT OVERSUBS     GROUPS  NODES       STATE NODELIST\n"
            "debug*       up   infinite 1-infinite   no       NO        all      4        idle node[1-4]\n");
}

// Spec §4.1: -N -l, partition right-justified, features (null), reason none.
TEST(SinfoFormatTest, NodeLongView) {
  Cluster c;
  c.node({"node1", "idle"}).last_node().set_memory_mb(900);
  c.partition("debug", {"node1"}, true);
  SinfoOptions options = with_format(sinfo_view_format(true, true, false, false), true);
  options.node_oriented = true;
  EXPECT_EQ(render(c, options),
            "NODELIST   NODES PARTITION       STATE CPUS    S:C:T MEMORY TMP_DISK WEIGHT AVAIL_FE REASON"
            "              \n"
            "node1          1    debug*        idle    4    4:1:1    900        0      1   (null) none"
            "                \n");
}

// Spec §4.1: -s, allocated/idle/other/total per partition.
TEST(SinfoFormatTest, SummarizeView) {
  Cluster c;
  c.node({"node1", "alloc", false, 4, 4}).node({"node2", "idle"}).node({"node3", "idle"});
  c.node({"node4", "down", true});
  c.partition("debug", {"node1", "node2", "node3", "node4"}, true, 30);
  EXPECT_EQ(render(c, with_format(sinfo_view_format(false, false, true, false), true)),
            "PARTITION AVAIL  TIMELIMIT   NODES(A/I/O/T)  NODELIST\n"
            "debug*       up      30:00          1/2/1/4  node[1-4]\n");
}

// Spec §4.1: -R lists each (reason, user, time) once across partitions,
// only for nodes out of service.
TEST(SinfoFormatTest, ReasonsView) {
  Cluster c;
  c.node({"node1", "idle"});
  c.node({"node3", "drain"}).last_node().set_reason("maintenance");
  c.node({"node4", "drain"}).last_node().set_reason("maintenance");
  c.node({"node5", "down", true}).last_node().set_reason("Not responding");
  c.partition("a", {"node1", "node3", "node4", "node5"}, true).partition("b", {"node3", "node4"});
  SinfoOptions options = with_format(sinfo_view_format(false, false, false, true), true);
  options.reasons = true;
  EXPECT_EQ(render(c, options),
            "REASON               USER      TIMESTAMP           NODELIST\n"
            "Not responding       Unknown   Unknown             node5\n"
            "maintenance          Unknown   Unknown             node[3-4]\n");
}

// -e: nodes that differ in CPUs or memory go on separate lines instead of "4+".
TEST(SinfoFormatTest, ExactSplitsNumericColumns) {
  Cluster c;
  c.node({"n1", "idle", false, 4}).node({"n2", "idle", false, 8}).node({"n3", "idle", false, 4});
  c.partition("p", {"n1", "n2", "n3"});
  SinfoOptions options = with_format("%R %c %N");
  EXPECT_EQ(render(c, options), "p 4+ n[1-3]\n");
  options.exact = true;
  EXPECT_EQ(render(c, options), "p 4 n[1,3]\np 8 n2\n");
}

TEST(SinfoFormatTest, RespondingAndDeadAndNodeFilters) {
  SinfoOptions options = with_format("%t %N");
  options.dead_only = true;
  EXPECT_EQ(render(picluster(), options), "down* node4\n");
  options = with_format("%t %N");
  options.responding_only = true;
  options.nodes = {"node1", "node4", "node5"};
  EXPECT_EQ(render(picluster(), options), "mix node1\nalloc node5\n");
}

// -S: "#P" is configuration order, "P" by name; states compare as numbers.
TEST(SinfoFormatTest, SortKeys) {
  SinfoOptions options = with_format("%P %t %N");
  options.sort = "P,t";
  EXPECT_EQ(render(picluster(), options),
            "long alloc node[5-8]\n"
            "picluster* idle node[2-3]\n"
            "picluster* mix node1\n"
            "picluster* down* node4\n");
  options.sort = "-D,#P";
  EXPECT_EQ(render(picluster(), options),
            "long alloc node[5-8]\n"
            "picluster* idle node[2-3]\n"
            "picluster* down* node4\n"
            "picluster* mix node1\n");
  options.format = "%N %t";
  options.node_oriented = true;
  options.sort = "-N";
  EXPECT_EQ(render(picluster(), options).substr(0, 22), "node8 alloc\nnode7 allo");
  options.sort = "t,@";
  auto bad = format_sinfo(picluster().reply(), options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "Invalid sort specification: @");
}

// OOD: sinfo -ahNO nodehost:100,gres:512,gresused:512,statelong
TEST(SinfoFormatTest, LongFieldNames) {
  Cluster c;
  c.node({"node1", "idle"}).partition("p", {"node1"});
  SinfoOptions options = with_format("NodeHost:8,GRES:7,statelong:.6|,CPUsState");
  options.long_fields = true;
  options.node_oriented = true;
  options.header = true;
  EXPECT_EQ(render(c, options),
            "HOSTNAMESGRES    STATE|CPUS(A/I/O/T)       \n"
            "node1   (null)   idle|0/4/0/4             \n");
  options.format = "nodehost,bogus";
  auto bad = format_sinfo(c.reply(), options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "Invalid node format specification: bogus");
}

}  // namespace
}  // namespace drover
