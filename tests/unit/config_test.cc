// The YAML configuration (DESIGN.md "Configuration"): loading, validation
// errors that name the key and the line, and where the file is looked for.
#include "drover/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace drover {
namespace {

testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

// The example from DESIGN.md, verbatim.
constexpr const char* kDesignExample = R"(cluster: picluster
controller: {host: pi-clust-head, port: 6817}
auth: {key_file: /etc/drover/drover.key, ttl_s: 300, max_clock_skew_s: 60}
state_dir: /var/lib/drover
spool_dir: /clusterfs/drover/spool
spool_shared: true
nodes:
  - {names: "pi-clust-node01", cpus: 4, memory_mb: 900, weight: 1, features: [pi3bplus]}
  - {names: "pi-clust-node[02-03]", cpus: 4, memory_mb: 900, weight: 2, features: [pi2b]}
partitions:
  - {name: picluster, nodes: "pi-clust-node[01-03]", default: true, max_time: "1-00:00:00"}
)";

class ConfigFile : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/drover-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& text) {
    std::string path = dir_ + "/drover.yaml";
    std::ofstream(path) << text;
    return path;
  }

  Result<Config> load(const std::string& text, ConfigScope scope = ConfigScope::kFull) {
    return load_config(write(text), scope);
  }

  // Loads text that must fail and returns the error.
  std::string error_of(const std::string& text, ConfigScope scope = ConfigScope::kFull) {
    Result<Config> config = load(text, scope);
    EXPECT_FALSE(config) << "loaded:\n" << text;
    return config ? std::string() : config.error();
  }

  std::string dir_;
};

TEST_F(ConfigFile, DesignExampleLoads) {
  Result<Config> loaded = load(kDesignExample);
  ASSERT_TRUE(loaded) << loaded.error();
  const Config& c = *loaded;
  EXPECT_EQ(c.cluster, "picluster");
  EXPECT_EQ(c.controller_host, "pi-clust-head");
  EXPECT_EQ(c.controller_port, 6817);
  EXPECT_EQ(c.key_file, "/etc/drover/drover.key");
  EXPECT_EQ(c.ttl_s, 300u);
  EXPECT_EQ(c.max_clock_skew_s, 60u);
  EXPECT_EQ(c.state_dir, "/var/lib/drover");
  EXPECT_EQ(c.spool_dir, "/clusterfs/drover/spool");
  EXPECT_TRUE(c.spool_shared);

  ASSERT_EQ(c.nodes.size(), 3u);
  const std::vector<std::string> names = {"pi-clust-node01", "pi-clust-node02", "pi-clust-node03"};
  const std::vector<uint32_t> weights = {1, 2, 2};
  const std::vector<std::string> features = {"pi3bplus", "pi2b", "pi2b"};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(c.nodes[i].name, names[i]);
    EXPECT_EQ(c.nodes[i].cpus, 4u);
    EXPECT_EQ(c.nodes[i].memory_mb, 900u);
    EXPECT_EQ(c.nodes[i].weight, weights[i]);
    EXPECT_EQ(c.nodes[i].features, std::vector<std::string>{features[i]});
    EXPECT_EQ(c.find_node(names[i]), &c.nodes[i]);
  }
  EXPECT_EQ(c.find_node("pi-clust-node04"), nullptr);

  ASSERT_EQ(c.partitions.size(), 1u);
  const PartitionConfig& p = c.partitions[0];
  EXPECT_EQ(p.name, "picluster");
  EXPECT_EQ(p.nodes, names);
  EXPECT_TRUE(p.is_default);
  EXPECT_EQ(p.max_time_min, 1440u);
  EXPECT_EQ(p.default_time_min, 0u);
  EXPECT_EQ(p.state, "up");
  EXPECT_EQ(c.default_partition(), &p);
  EXPECT_EQ(c.find_partition("picluster"), &p);
  EXPECT_EQ(c.find_partition("debug"), nullptr);
}

TEST_F(ConfigFile, ClientScopeIgnoresMissingNodes) {
  Result<Config> loaded = load("controller: {host: head, port: 7000}\nauth: {key_file: /k}\n", ConfigScope::kClient);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->controller_host, "head");
  EXPECT_EQ(loaded->controller_port, 7000);
  EXPECT_EQ(loaded->key_file, "/k");
  EXPECT_TRUE(loaded->nodes.empty());
  EXPECT_TRUE(loaded->partitions.empty());
}

TEST_F(ConfigFile, ControllerSocketIsOptionalAndAnAbsolutePath) {
  Result<Config> tcp_only = load("controller: {host: head, port: 7000}\n", ConfigScope::kCommand);
  ASSERT_TRUE(tcp_only) << tcp_only.error();
  EXPECT_EQ(tcp_only->controller_socket, "");
  Result<Config> local = load("controller: {host: head, socket: /run/drover/controller.sock}\n", ConfigScope::kCommand);
  ASSERT_TRUE(local) << local.error();
  EXPECT_EQ(local->controller_socket, "/run/drover/controller.sock");
  EXPECT_TRUE(Contains(error_of("controller: {host: h, socket: run/c.sock}\n", ConfigScope::kCommand),
                       "line 1: controller.socket: expected an absolute path"));
  EXPECT_TRUE(Contains(error_of("controller: {host: h, socket: /" + std::string(120, 'x') + "}\n", ConfigScope::kCommand),
                       "controller.socket: too long for a Unix socket (at most 107 characters)"));
}

TEST_F(ConfigFile, ClientScopeDoesNotReadTheControllerOnlyKeys) {
  // A broken node list is the controller's business, not a CLI's.
  Result<Config> loaded = load("controller: {host: head}\nnodes: 7\n", ConfigScope::kClient);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->controller_port, 6817);
}

// Commands (sbatch, squeue...) parse their three entries alone.
TEST_F(ConfigFile, CommandScopeReadsClusterControllerAndAuth) {
  Result<Config> loaded = load(kDesignExample, ConfigScope::kCommand);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->cluster, "picluster");
  EXPECT_EQ(loaded->controller_host, "pi-clust-head");
  EXPECT_EQ(loaded->controller_port, 6817);
  EXPECT_EQ(loaded->key_file, "/etc/drover/drover.key");
  EXPECT_EQ(loaded->ttl_s, 300u);
  EXPECT_TRUE(loaded->nodes.empty());
}

TEST_F(ConfigFile, CommandScopeIgnoresMistakesInOtherEntries) {
  // Not even a syntax error there: the controller and check-config report it.
  Result<Config> loaded = load("cgroups: yes\ncontroller: {host: head}\nnodes: [unclosed\n", ConfigScope::kCommand);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->controller_host, "head");
}

TEST_F(ConfigFile, CommandScopeErrorsKeepTheirLineNumbers) {
  EXPECT_TRUE(Contains(error_of("nodes: []\nstate_dir: /x\ncontroller: {host: h, port: 99999}\n", ConfigScope::kCommand),
                       "line 3: controller.port: expected a port number (1-65535)"));
  EXPECT_TRUE(Contains(error_of("nodes: []\nauth:\n  ttl_s: 1\n  ttl_s: [\n", ConfigScope::kCommand), "line 5"));
}

TEST_F(ConfigFile, CommandScopeFallsBackToTheWholeDocument) {
  // An alias to an anchor in an entry a command skips: parsed whole.
  Result<Config> aliased =
      load("defaults: &head {host: head, port: 7001}\ncontroller: *head\n", ConfigScope::kCommand);
  ASSERT_TRUE(aliased) << aliased.error();
  EXPECT_EQ(aliased->controller_host, "head");
  EXPECT_EQ(aliased->controller_port, 7001);
  // A flow mapping at the top cannot be split by lines.
  Result<Config> flow = load("{controller: {host: h2}, nodes: 3}\n", ConfigScope::kCommand);
  ASSERT_TRUE(flow) << flow.error();
  EXPECT_EQ(flow->controller_host, "h2");
  // A flow mapping continued at column 0: the selection does not parse.
  Result<Config> continued = load("controller: {host: h3,\nport: 7002}\nnodes: []\n", ConfigScope::kCommand);
  ASSERT_TRUE(continued) << continued.error();
  EXPECT_EQ(continued->controller_port, 7002);
  // No entry of a command's: the whole file, which must still be a map.
  Result<Config> none = load("state_dir: /x\n", ConfigScope::kCommand);
  ASSERT_TRUE(none) << none.error();
  EXPECT_EQ(none->controller_host, "localhost");
  EXPECT_TRUE(Contains(error_of("- a\n- b\n", ConfigScope::kCommand), "expected a YAML map at the top level"));
  EXPECT_TRUE(Contains(error_of("controller: [\n", ConfigScope::kCommand), "line 2"));
}

TEST_F(ConfigFile, CommandScopeUnreadableFile) {
  EXPECT_TRUE(Contains(load_config(dir_ + "/missing.yaml", ConfigScope::kCommand).error(),
                       "cannot read the configuration file"));
  EXPECT_TRUE(Contains(load_config(dir_, ConfigScope::kCommand).error(), "cannot read the configuration file"));
}

// cgroups: read by agents, which load the client scope.
TEST_F(ConfigFile, CgroupKeys) {
  Result<Config> loaded = load("controller: {host: head}\n", ConfigScope::kClient);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_TRUE(loaded->cgroups_enabled);
  EXPECT_EQ("", loaded->cgroup_mount);
  loaded = load("cgroups: off\ncgroup_mount: /sys/fs/cgroup/unified\n", ConfigScope::kClient);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_FALSE(loaded->cgroups_enabled);
  EXPECT_EQ("/sys/fs/cgroup/unified", loaded->cgroup_mount);
  EXPECT_TRUE(Contains(error_of("cgroups: yes\n", ConfigScope::kClient), "line 1: cgroups: expected auto or off"));
  EXPECT_TRUE(Contains(error_of("\ncgroup_mount: sys/fs\n", ConfigScope::kClient),
                       "line 2: cgroup_mount: expected an absolute path"));
}

TEST_F(ConfigFile, FullScopeRequiresNodes) {
  std::string error = error_of("controller: {host: head}\npartitions: []\n");
  EXPECT_TRUE(Contains(error, "nodes"));
  EXPECT_TRUE(Contains(error, "missing"));
}

TEST_F(ConfigFile, FullScopeRequiresPartitions) {
  std::string error = error_of("nodes:\n  - {names: n1}\n");
  EXPECT_TRUE(Contains(error, "partitions"));
  EXPECT_TRUE(Contains(error, "missing"));
}

TEST_F(ConfigFile, ErrorNamesTheFile) {
  std::string path = write("nodes: 7\npartitions: []\n");
  Result<Config> loaded = load_config(path, ConfigScope::kFull);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().rfind(path + ": ", 0), 0u) << loaded.error();
}

TEST_F(ConfigFile, MissingFileIsAnErrorNotACrash) {
  Result<Config> loaded = load_config(dir_ + "/absent.yaml", ConfigScope::kClient);
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(Contains(loaded.error(), "absent.yaml"));
}

TEST_F(ConfigFile, SyntaxErrorNamesTheLine) {
  std::string error = error_of("cluster: c\ncontroller: {host: head\n", ConfigScope::kClient);
  EXPECT_TRUE(Contains(error, "line "));
}

TEST_F(ConfigFile, TopLevelMustBeAMap) {
  EXPECT_TRUE(Contains(error_of("- a\n- b\n", ConfigScope::kClient), "map"));
}

// A file with one bad value, the key the error must name and its 1-based line.
struct BadValue {
  std::string text;
  std::string key;
  int line;
};

class ConfigBadValue : public testing::TestWithParam<BadValue> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/drover-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_P(ConfigBadValue, ErrorNamesKeyAndLine) {
  const BadValue& c = GetParam();
  std::string path = dir_ + "/drover.yaml";
  std::ofstream(path) << c.text;
  Result<Config> loaded = load_config(path, ConfigScope::kFull);
  ASSERT_FALSE(loaded) << c.text;
  EXPECT_TRUE(Contains(loaded.error(), c.key + ":"));
  EXPECT_TRUE(Contains(loaded.error(), "line " + std::to_string(c.line) + ":"));
}

// Lines shared by the cases below; each case appends to or replaces parts of it.
const std::string kNodes = "nodes:\n  - names: n1\n    cpus: 4\n";  // lines 1-3
const std::string kParts = "partitions:\n  - {name: p, nodes: n1}\n";

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigBadValue,
    testing::Values(
        BadValue{"cluster: c\nnodes:\n  - names: n1\n    cpus: lots\n" + kParts, "nodes[0].cpus", 4},
        BadValue{"nodes:\n  - names: n1\n    cpus: 0\n" + kParts, "nodes[0].cpus", 3},
        BadValue{"nodes:\n  - names: n1\n    cpus: -2\n" + kParts, "nodes[0].cpus", 3},
        BadValue{"nodes:\n  - names: n1\n    cpus: 2.5\n" + kParts, "nodes[0].cpus", 3},
        BadValue{kNodes + "  - names: n2\n    memory_mb: much\n" + kParts, "nodes[1].memory_mb", 5},
        BadValue{kNodes + "  - {names: n2, weight: heavy}\n" + kParts, "nodes[1].weight", 4},
        BadValue{kNodes + "  - {names: n2, features: gpu}\n" + kParts, "nodes[1].features", 4},
        BadValue{kNodes + "  - {cpus: 2}\n" + kParts, "nodes[1].names", 4},
        BadValue{"controller:\n  host: h\n  port: http\n" + kNodes + kParts, "controller.port", 3},
        BadValue{"controller:\n  port: 0\n" + kNodes + kParts, "controller.port", 2},
        BadValue{"controller: head\n" + kNodes + kParts, "controller", 1},
        BadValue{"auth:\n  ttl_s: 0\n" + kNodes + kParts, "auth.ttl_s", 2},
        BadValue{"heartbeat_s: never\n" + kNodes + kParts, "heartbeat_s", 1},
        BadValue{"spool_shared: perhaps\n" + kNodes + kParts, "spool_shared", 1},
        BadValue{kNodes + "partitions:\n  - {name: p, nodes: n1, max_time: forever}\n", "partitions[0].max_time", 5},
        BadValue{kNodes + "partitions:\n  - {name: p, nodes: n1,\n     state: sideways}\n", "partitions[0].state", 6},
        BadValue{kNodes + "partitions:\n  - {name: p, nodes: n1, default: maybe}\n", "partitions[0].default", 5},
        BadValue{kNodes + "partitions:\n  - {nodes: n1}\n", "partitions[0].name", 5},
        BadValue{kNodes + "partitions:\n  - {name: p}\n", "partitions[0].nodes", 5},
        BadValue{kNodes + "partitions:\n  - {name: p, nodes: n1, priority: 0}\n", "partitions[0].priority", 5},
        BadValue{kNodes + "partitions:\n  - {name: p, nodes: n1, priority: 65534}\n", "partitions[0].priority", 5},
        BadValue{kNodes + "partitions:\n  - {name: p, nodes: n1, max_nodes: -1}\n", "partitions[0].max_nodes", 5}));

TEST_F(ConfigFile, UnknownNodeInAPartition) {
  std::string error = error_of(kNodes + "partitions:\n  - {name: p, nodes: \"n[1-2]\"}\n");
  EXPECT_TRUE(Contains(error, "partitions[0].nodes"));
  EXPECT_TRUE(Contains(error, "unknown node n2"));
}

TEST_F(ConfigFile, DuplicateNode) {
  std::string error = error_of("nodes:\n  - {names: \"n[1-3]\"}\n  - {names: n2}\n" + kParts);
  EXPECT_TRUE(Contains(error, "nodes[1].names"));
  EXPECT_TRUE(Contains(error, "n2 defined twice"));
  EXPECT_TRUE(Contains(error, "line 3:"));
}

TEST_F(ConfigFile, DuplicateNodeWithinOneHostlist) {
  EXPECT_TRUE(Contains(error_of("nodes:\n  - {names: \"n[1-2],n1\"}\n" + kParts), "n1 defined twice"));
}

TEST_F(ConfigFile, DuplicatePartition) {
  std::string error = error_of(kNodes + "partitions:\n  - {name: p, nodes: n1}\n  - {name: p, nodes: n1}\n");
  EXPECT_TRUE(Contains(error, "partitions[1].name"));
  EXPECT_TRUE(Contains(error, "defined twice"));
}

TEST_F(ConfigFile, TwoDefaultPartitions) {
  std::string error = error_of(kNodes +
                               "partitions:\n  - {name: a, nodes: n1, default: true}\n"
                               "  - {name: b, nodes: n1, default: true}\n");
  EXPECT_TRUE(Contains(error, "partitions[1].default"));
  EXPECT_TRUE(Contains(error, "second default partition"));
  EXPECT_TRUE(Contains(error, "line 6:"));
}

TEST_F(ConfigFile, BadHostlistInNames) {
  std::string error = error_of("nodes:\n  - {names: \"n[3-1]\"}\n" + kParts);
  EXPECT_TRUE(Contains(error, "nodes[0].names"));
  EXPECT_TRUE(Contains(error, "line 2:"));
  EXPECT_TRUE(Contains(error_of("nodes:\n  - {names: \"n[1-2\"}\n" + kParts), "nodes[0].names"));
}

TEST_F(ConfigFile, PortOutOfRange) {
  for (const char* port : {"65536", "70000", "-1"}) {
    std::string error = error_of(std::string("controller: {host: h, port: ") + port + "}\n", ConfigScope::kClient);
    EXPECT_TRUE(Contains(error, "controller.port")) << port;
  }
  Result<Config> top = load("controller: {host: h, port: 65535}\n", ConfigScope::kClient);
  ASSERT_TRUE(top) << top.error();
  EXPECT_EQ(top->controller_port, 65535);
}

TEST_F(ConfigFile, PartitionOptions) {
  Result<Config> loaded = load(
      "nodes:\n  - {names: \"n[1-4]\", cpus: 2}\n"
      "partitions:\n"
      "  - {name: all, nodes: ALL, max_time: UNLIMITED, default_time: \"30\"}\n"
      "  - {name: half, nodes: \"n[3-4]\", state: down, max_time: \"2:00:00\"}\n");
  ASSERT_TRUE(loaded) << loaded.error();
  ASSERT_EQ(loaded->partitions.size(), 2u);
  const PartitionConfig& all = loaded->partitions[0];
  EXPECT_EQ(all.nodes, (std::vector<std::string>{"n1", "n2", "n3", "n4"}));
  EXPECT_EQ(all.max_time_min, 0u);
  EXPECT_EQ(all.default_time_min, 30u);
  const PartitionConfig& half = loaded->partitions[1];
  EXPECT_EQ(half.nodes, (std::vector<std::string>{"n3", "n4"}));
  EXPECT_EQ(half.state, "down");
  EXPECT_EQ(half.max_time_min, 120u);
  EXPECT_EQ(loaded->default_partition(), nullptr);
  // Scheduling keys: Slurm's defaults (PriorityTier=1, MaxNodes=UNLIMITED) when absent.
  EXPECT_EQ(all.priority, 1u);
  EXPECT_EQ(all.max_nodes, 0u);
}

TEST_F(ConfigFile, PartitionPriorityAndMaxNodes) {
  Result<Config> loaded = load(
      "nodes:\n  - {names: \"n[1-4]\", cpus: 2}\n"
      "partitions:\n  - {name: fast, nodes: ALL, priority: 10, max_nodes: 2}\n");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->partitions[0].priority, 10u);
  EXPECT_EQ(loaded->partitions[0].max_nodes, 2u);
}

TEST_F(ConfigFile, Defaults) {
  Result<Config> loaded = load("{}\n", ConfigScope::kClient);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->cluster, "drover");
  EXPECT_EQ(loaded->controller_host, "localhost");
  EXPECT_EQ(loaded->controller_port, 6817);
  EXPECT_EQ(loaded->ttl_s, 300u);
  EXPECT_EQ(loaded->max_clock_skew_s, 60u);
  EXPECT_EQ(loaded->max_frame_bytes, 16u << 20);
}

// ---------- config_path ----------

class ConfigPath : public testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = getenv("DROVER_CONF")) saved_ = v;
    unsetenv("DROVER_CONF");
  }
  void TearDown() override {
    if (saved_) setenv("DROVER_CONF", saved_->c_str(), 1);
    else unsetenv("DROVER_CONF");
  }
  std::optional<std::string> saved_;
};

TEST_F(ConfigPath, FlagWinsOverEnvironment) {
  setenv("DROVER_CONF", "/env/drover.yaml", 1);
  EXPECT_EQ(config_path("/flag/drover.yaml"), "/flag/drover.yaml");
}

TEST_F(ConfigPath, EnvironmentWinsOverDefault) {
  setenv("DROVER_CONF", "/env/drover.yaml", 1);
  EXPECT_EQ(config_path(""), "/env/drover.yaml");
}

TEST_F(ConfigPath, DefaultWhenNeitherIsSet) {
  EXPECT_EQ(config_path(""), "/etc/drover/drover.yaml");
}

TEST_F(ConfigPath, EmptyEnvironmentIsIgnored) {
  setenv("DROVER_CONF", "", 1);
  EXPECT_EQ(config_path(""), "/etc/drover/drover.yaml");
}

}  // namespace
}  // namespace drover

namespace drover {
namespace {

// DependencyParameters=kill_invalid_depend: off unless set, and only a boolean.
TEST_F(ConfigFile, KillInvalidDepend) {
  Result<Config> plain = load(kDesignExample);
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_FALSE(plain->kill_invalid_depend);
  Result<Config> on = load(std::string(kDesignExample) + "\nkill_invalid_depend: true\n");
  ASSERT_TRUE(on) << on.error();
  EXPECT_TRUE(on->kill_invalid_depend);
  EXPECT_NE(error_of(std::string(kDesignExample) + "\nkill_invalid_depend: maybe\n").find("kill_invalid_depend"),
            std::string::npos);
}

}  // namespace
}  // namespace drover

// Metrics and status page (issue 5 item 6).
namespace drover {
namespace {

class MetricsConfig : public ConfigFile {};

TEST_F(MetricsConfig, OffByDefaultAndReadWhenGiven) {
  Result<Config> off = load(kDesignExample);
  ASSERT_TRUE(off) << off.error();
  EXPECT_EQ(off->metrics_port, 0);
  Result<Config> on = load(std::string(kDesignExample) + "metrics: {port: 9817, address: 127.0.0.1}\n");
  ASSERT_TRUE(on) << on.error();
  EXPECT_EQ(on->metrics_port, 9817);
  EXPECT_EQ(on->metrics_address, "127.0.0.1");
  Result<Config> v6 = load(std::string(kDesignExample) + "metrics: {port: 9817, address: \"::\"}\n");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->metrics_address, "::");
  Result<Config> port_only = load(std::string(kDesignExample) + "metrics: {port: 9817}\n");
  ASSERT_TRUE(port_only) << port_only.error();
  EXPECT_EQ(port_only->metrics_address, "0.0.0.0");
}

TEST_F(MetricsConfig, BadValuesNameTheKeyAndLine) {
  EXPECT_TRUE(Contains(error_of(std::string(kDesignExample) + "metrics: {port: 70000}\n"),
                       "line 12: metrics.port: expected a port number (0: off)"));
  EXPECT_TRUE(Contains(error_of(std::string(kDesignExample) + "metrics: {port: 9817, address: head}\n"),
                       "metrics.address: expected an IP address"));
  EXPECT_TRUE(Contains(error_of(std::string(kDesignExample) + "metrics: 9817\n"),
                       "metrics: expected a map {port, address}"));
}

}  // namespace
}  // namespace drover
