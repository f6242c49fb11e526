// drover check-config's pure checks: unknown keys, settings that do not fit
// together, `prefer:` and `address:`, and registered hardware against the
// config, worded as the admin reads them.
#include "drover/config_check.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace drover {
namespace {

// Every key Drover reads, once: none may be called unknown, and the file
// must load (so check_unknown_keys and load_config agree).
constexpr const char* kEveryKey = R"(cluster: picluster
controller: {host: 127.0.0.1, port: 6817}
auth: {key_file: /etc/drover/drover.key, ttl_s: 300, max_clock_skew_s: 60, socket: /run/drover/drover.sock}
state_dir: /var/lib/drover
spool_dir: /clusterfs/drover/spool
spool_shared: true
heartbeat_s: 10
node_timeout: 60
kill_wait: 30
inactive_limit: 60
max_array_size: 1000001
min_job_age_s: 300
accounting_retention_days: 0
max_connections: 4096
client_idle_timeout_s: 30
frame_timeout_s: 10
return_to_service: 1
job_hostname_is_node: false
kill_invalid_depend: false
admin_uids: [0]
admin_users: [root]
admin_groups: [root]
prefer: fastest
config_overrides: false
metrics: {port: 9817, address: 127.0.0.1}
cgroups: auto
cgroup_mount: /sys/fs/cgroup
nodes:
  - {names: "pi-clust-node01", cpus: 4, memory_mb: 900, weight: 1, features: [pi3bplus], address: 10.0.0.11}
  - {names: "pi-clust-node[02-03]", cpus: 4, memory_mb: 900, weight: 1, features: [pi2b]}
partitions:
  - {name: picluster, nodes: "pi-clust-node[01-03]", default: true, max_time: "1-00:00:00",
     default_time: "1:00:00", state: up, priority: 2, max_nodes: 3, prefer: weight}
  - {name: fast, nodes: ALL}
)";

class ConfigCheck : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/drover-config-check-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<Config> load(const std::string& text) {
    std::string path = dir_ + "/drover.yaml";
    std::ofstream(path) << text;
    return load_config(path, ConfigScope::kFull);
  }
  std::string dir_;
};

std::vector<std::string> texts(const std::vector<CheckFinding>& findings, bool problems) {
  std::vector<std::string> out;
  for (const CheckFinding& f : findings)
    if (f.problem == problems) out.push_back(f.text);
  return out;
}

TEST_F(ConfigCheck, EveryKnownKeyLoadsAndIsKnown) {
  Result<Config> config = load(kEveryKey);
  ASSERT_TRUE(config) << config.error();
  EXPECT_TRUE(check_unknown_keys(kEveryKey).empty());
  EXPECT_TRUE(texts(check_consistency(*config), true).empty());
  EXPECT_EQ(config->nodes[0].address, "10.0.0.11");
  EXPECT_EQ(node_host(config->nodes[0]), "10.0.0.11");
  EXPECT_EQ(node_host(config->nodes[1]), "pi-clust-node02");
  // The partition's own prefer: wins over the cluster's.
  EXPECT_FALSE(config->find_partition("picluster")->prefer_fastest);
  EXPECT_TRUE(config->find_partition("fast")->prefer_fastest);
}

TEST_F(ConfigCheck, PreferMustBeFastestOrWeight) {
  std::string text = kEveryKey;
  text.replace(text.find("prefer: fastest"), 15, "prefer: quickest");
  Result<Config> config = load(text);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().find("line 23: prefer: expected fastest or weight"), std::string::npos) << config.error();
}

TEST(ConfigCheckKeys, TyposAreNamedWithTheirPathAndLine) {
  std::vector<CheckFinding> found = check_unknown_keys(
      "cluster: x\n"
      "controler: {host: a}\n"
      "auth: {key_fle: /k}\n"
      "nodes:\n"
      "  - {names: n1, memroy_mb: 900}\n"
      "partitions:\n"
      "  - {name: p, nodes: n1, defualt: true}\n");
  EXPECT_EQ(texts(found, true), (std::vector<std::string>{
                                    "unknown key controler (line 2): Drover ignores it",
                                    "unknown key auth.key_fle (line 3): Drover ignores it",
                                    "unknown key nodes[0].memroy_mb (line 5): Drover ignores it",
                                    "unknown key partitions[0].defualt (line 7): Drover ignores it",
                                }));
}

TEST_F(ConfigCheck, ConsistencyProblemsAndNotes) {
  Result<Config> config = load(R"(cluster: c
heartbeat_s: 60
node_timeout: 30
nodes:
  - {names: "n[1-3]", cpus: 2, memory_mb: 100}
partitions:
  - {name: short, nodes: "n[1-2]", max_time: "30", default_time: "60"}
  - {name: old, nodes: n1, state: inactive}
)");
  ASSERT_TRUE(config) << config.error();
  std::vector<CheckFinding> found = check_consistency(*config);
  EXPECT_EQ(texts(found, true), (std::vector<std::string>{
                                    "partition short: default_time (60 min) exceeds max_time (30 min)",
                                    "heartbeat_s (60) must be below node_timeout (30), or every node is marked DOWN",
                                }));
  EXPECT_EQ(texts(found, false), (std::vector<std::string>{
                                     "no default partition: jobs submitted without -p are refused",
                                     "partition old is configured inactive: it starts no jobs",
                                     "node n3 is in no partition: it runs no jobs",
                                 }));
}

NodeConfig configured(uint32_t cpus, uint64_t memory_mb) {
  NodeConfig n;
  n.name = "pi-clust-node02";
  n.cpus = cpus;
  n.memory_mb = memory_mb;
  return n;
}

pb::NodeInfo registered(uint32_t cpus, uint64_t memory_mb, int64_t skew_ms) {
  pb::NodeInfo n;
  n.set_name("pi-clust-node02");
  n.set_state("idle");
  n.set_detected_cpus(cpus);
  n.set_detected_memory_mb(memory_mb);
  n.set_clock_skew_ms(skew_ms);
  n.set_cpu_speed(21);
  return n;
}

TEST(ConfigCheckNodes, LessMemoryIsAProblemMoreIsANote) {
  EXPECT_EQ(texts(check_registered_node(configured(4, 900), registered(4, 870, 5), 60), true),
            std::vector<std::string>{"node pi-clust-node02: registered with 870 MB of memory, config says 900 MB"});
  std::vector<CheckFinding> more = check_registered_node(configured(4, 900), registered(4, 925, 5), 60);
  EXPECT_TRUE(texts(more, true).empty());
  EXPECT_EQ(texts(more, false), std::vector<std::string>{"node pi-clust-node02: registered with 925 MB of memory, "
                                                         "config says 900 MB (the rest stay unused)"});
}

TEST(ConfigCheckNodes, ConfigOverridesMakesAShortfallANote) {
  std::vector<CheckFinding> found = check_registered_node(configured(4, 900), registered(2, 870, 0), 60, true);
  EXPECT_TRUE(texts(found, true).empty());
  EXPECT_EQ(texts(found, false),
            (std::vector<std::string>{
                "node pi-clust-node02: registered with 2 CPUs, config says 4 (config_overrides: the configured size is used)",
                "node pi-clust-node02: registered with 870 MB of memory, config says 900 MB (config_overrides: the "
                "configured size is used)"}));
}

TEST(ConfigCheckNodes, FewerCpusIsAProblem) {
  EXPECT_EQ(texts(check_registered_node(configured(4, 900), registered(2, 900, 0), 60), true),
            std::vector<std::string>{"node pi-clust-node02: registered with 2 CPUs, config says 4"});
  EXPECT_TRUE(check_registered_node(configured(4, 900), registered(4, 900, 0), 60).empty());
}

TEST(ConfigCheckNodes, SkewBeyondHalfTheLimitIsAProblem) {
  EXPECT_TRUE(check_registered_node(configured(4, 900), registered(4, 900, 30000), 60).empty());
  EXPECT_EQ(texts(check_registered_node(configured(4, 900), registered(4, 900, -30001), 60), true),
            std::vector<std::string>{"node pi-clust-node02: clock skew -30.001s exceeds half of "
                                     "max_clock_skew_s (60 s): fix its clock (NTP)"});
}

TEST(ConfigCheckNodes, UnregisteredAndDownNodes) {
  pb::NodeInfo never;
  never.set_name("pi-clust-node02");
  never.set_state("unk");
  EXPECT_EQ(texts(check_registered_node(configured(4, 900), never, 60), false),
            std::vector<std::string>{
                "node pi-clust-node02: has not registered since the controller started: hardware not compared"});
  EXPECT_EQ(node_status_line(never), "pi-clust-node02: not registered");
  pb::NodeInfo down = registered(4, 900, 0);
  down.set_state("down");
  down.set_reason("Not responding");
  EXPECT_EQ(texts(check_registered_node(configured(4, 900), down, 60), true),
            std::vector<std::string>{"node pi-clust-node02: is DOWN: Not responding"});
  EXPECT_EQ(node_status_line(registered(4, 900, -1500)), "pi-clust-node02: clock skew -1.500s, CPU speed 21");
}

}  // namespace
}  // namespace drover
