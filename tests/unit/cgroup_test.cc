// cgroup v2: the pure readers against real file contents, the limits, and
// JobCgroups' decisions and writes on a temporary directory laid out like
// cgroupfs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../../src/noded/cgroup.h"
#include "drover/cgroup_parse.h"
#include "drover/file_util.h"

namespace drover {
namespace {

TEST(CgroupParse, Controllers) {
  EXPECT_EQ((std::set<std::string>{"cpuset", "cpu", "io", "memory", "hugetlb", "pids"}),
            parse_cgroup_controllers("cpuset cpu io memory hugetlb pids\n"));
  EXPECT_EQ(std::set<std::string>{"hugetlb"}, parse_cgroup_controllers("hugetlb\n"));
  EXPECT_TRUE(parse_cgroup_controllers("\n").empty());
  EXPECT_TRUE(parse_cgroup_controllers("").empty());
}

TEST(CgroupParse, MemoryEvents) {
  const char* events = "low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n";
  EXPECT_EQ(1u, parse_cgroup_key(events, "oom_kill"));
  EXPECT_EQ(2u, parse_cgroup_key(events, "oom"));  // not a prefix match of oom_kill
  EXPECT_EQ(0u, parse_cgroup_key(events, "oom_group_kill"));
  EXPECT_EQ(std::nullopt, parse_cgroup_key(events, "oom_k"));
  EXPECT_EQ(std::nullopt, parse_cgroup_key("oom_kill x\n", "oom_kill"));
  EXPECT_EQ(0u, parse_cgroup_key("populated 0\nfrozen 0\n", "populated"));
  EXPECT_EQ(1u, parse_cgroup_key("populated 1\nfrozen 0", "populated"));
}

TEST(CgroupParse, ProcSelfCgroup) {
  // Hybrid layout (this kind of machine): v1 lines, then the unified one.
  EXPECT_EQ("/", parse_proc_cgroup_v2("9:name=systemd:/\n4:memory:/process_api/cbe6\n1:cpu:/\n0::/\n"));
  EXPECT_EQ("/system.slice/droverd.service", parse_proc_cgroup_v2("0::/system.slice/droverd.service\n"));
  EXPECT_EQ("/a:b", parse_proc_cgroup_v2("0::/a:b\n"));
  EXPECT_EQ(std::nullopt, parse_proc_cgroup_v2("4:memory:/x\n1:cpu:/\n"));  // pure v1
}

TEST(CgroupParse, Mountinfo) {
  const char* hybrid =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  CgroupMounts m = parse_cgroup_mounts(hybrid);
  EXPECT_EQ("/sys/fs/cgroup/unified", m.v2);
  EXPECT_EQ("/", m.v2_root);
  EXPECT_TRUE(m.v1);
  // Unified layout, with optional fields before the separator.
  m = parse_cgroup_mounts("29 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n");
  EXPECT_EQ("/sys/fs/cgroup", m.v2);
  EXPECT_FALSE(m.v1);
  m = parse_cgroup_mounts("40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n");
  EXPECT_EQ("", m.v2);
  EXPECT_TRUE(m.v1);
  // Spaces in mount points are octal escapes.
  EXPECT_EQ("/mnt/my cg", parse_cgroup_mounts("50 1 0:40 /sub /mnt/my\\040cg rw - cgroup2 none rw\n").v2);
  EXPECT_EQ("/sub", parse_cgroup_mounts("50 1 0:40 /sub /mnt/x rw - cgroup2 none rw\n").v2_root);
}

TEST(CgroupLimits, MemoryAsSlurmConstrainsIt) {
  EXPECT_EQ(2048u, job_memory_limit_mb(2048, 0, 4, 8000));    // --mem=2G
  EXPECT_EQ(1200u, job_memory_limit_mb(0, 300, 4, 8000));     // --mem-per-cpu=300 on 4 CPUs here
  EXPECT_EQ(300u, job_memory_limit_mb(0, 300, 0, 8000));      // no CPU count: one
  EXPECT_EQ(8000u, job_memory_limit_mb(0, 0, 4, 8000));       // none requested: the node's memory
}

TEST(CgroupLimits, CpuMax) {
  EXPECT_EQ("100000 100000", cgroup_cpu_max(1));
  EXPECT_EQ("400000 100000", cgroup_cpu_max(4));
  EXPECT_EQ("100000 100000", cgroup_cpu_max(0));
  EXPECT_EQ("20000 10000", cgroup_cpu_max(2, 10000));
}

// A directory laid out like a cgroup2 mount whose root offers `controllers`.
class FakeCgroupfs : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cgroupfs-test.XXXXXX";
    root_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void put(const std::string& rel, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(root_ + "/" + rel).parent_path());
    std::ofstream(root_ + "/" + rel) << content;
  }
  std::string get(const std::string& rel) {
    Result<std::string> text = read_file(root_ + "/" + rel);
    return text ? *text : "<missing>";
  }
  // The root and the agent's base, as the kernel would show them.
  void layout(const std::string& controllers) {
    put("cgroup.controllers", controllers);
    put("cgroup.subtree_control", "");
    put("drover_t/cgroup.procs", "");
    put("drover_t/cgroup.subtree_control", "");
  }
  std::string root_;
};

TEST_F(FakeCgroupfs, OnlyHugetlbTracksWithoutLimits) {
  layout("hugetlb\n");
  JobCgroups cg(root_, "/", "t");
  EXPECT_TRUE(cg.tracking());
  EXPECT_FALSE(cg.memory_limits());
  EXPECT_FALSE(cg.cpu_limits());
  EXPECT_EQ(root_ + "/drover_t", cg.base());
  EXPECT_EQ("jobs are tracked and killed through cgroup v2 under " + root_ +
                "/drover_t; memory and CPU limits are not enforced (the memory and cpu controllers are not "
                "delegated: " + root_ + "/cgroup.controllers lists only hugetlb)",
            cg.summary());
  Result<std::string> leaf = cg.prepare(42, "step_batch", 512, 2);
  ASSERT_TRUE(leaf) << leaf.error();
  EXPECT_EQ(root_ + "/drover_t/job_42/step_batch", *leaf);
  EXPECT_TRUE(std::filesystem::is_directory(*leaf));
  EXPECT_EQ("<missing>", get("drover_t/job_42/memory.max"));  // no controller: nothing written
  EXPECT_EQ("<missing>", get("drover_t/job_42/cpu.max"));
  EXPECT_EQ("", get("cgroup.subtree_control"));
}

TEST_F(FakeCgroupfs, DelegatedControllersGiveLimits) {
  layout("cpuset cpu io memory pids\n");
  JobCgroups cg(root_, "/", "t");
  ASSERT_TRUE(cg.tracking());
  EXPECT_TRUE(cg.memory_limits());
  EXPECT_TRUE(cg.cpu_limits());
  // One write per controller ("+memory", then "+cpu"), in the agent's cgroup
  // and its base; a plain file shows the second over the first.
  EXPECT_EQ("+cpuory", get("cgroup.subtree_control"));
  EXPECT_EQ("+cpuory", get("drover_t/cgroup.subtree_control"));
  EXPECT_EQ("jobs are tracked and killed through cgroup v2 under " + root_ +
                "/drover_t with memory limits (memory.max) and CPU limits (cpu.max)",
            cg.summary());
  ASSERT_TRUE(cg.prepare(7, "step_batch", 512, 3));
  EXPECT_EQ("536870912", get("drover_t/job_7/memory.max"));
  EXPECT_EQ("300000 100000", get("drover_t/job_7/cpu.max"));
  // A step reuses the job's cgroup and leaves its limits alone.
  put("drover_t/job_7/memory.max", "536870912");
  ASSERT_TRUE(cg.prepare(7, "step_0", 0, 0, false));
  EXPECT_EQ("536870912", get("drover_t/job_7/memory.max"));
  EXPECT_TRUE(std::filesystem::is_directory(root_ + "/drover_t/job_7/step_0"));
  // No memory requested and none known: no limit.
  ASSERT_TRUE(cg.prepare(8, "step_batch", 0, 1));
  EXPECT_EQ("max", get("drover_t/job_8/memory.max"));
}

TEST_F(FakeCgroupfs, MemoryOnly) {
  layout("memory pids\n");
  JobCgroups cg(root_, "/", "t");
  EXPECT_TRUE(cg.memory_limits());
  EXPECT_FALSE(cg.cpu_limits());
  EXPECT_NE(std::string::npos, cg.summary().find("CPU limits are not enforced (the cpu controller is not delegated"));
}

TEST_F(FakeCgroupfs, NotACgroupDirectory) {
  JobCgroups cg(root_, "/", "t");  // no cgroup.controllers
  EXPECT_FALSE(cg.tracking());
  EXPECT_EQ("cgroup v2 not usable (" + root_ + " is not a cgroup v2 directory (no cgroup.controllers)): jobs are "
            "tracked by process group, memory limits are not enforced",
            cg.summary());
  EXPECT_FALSE(cg.prepare(1, "step_batch", 1, 1));
}

TEST_F(FakeCgroupfs, KnownUnusable) {
  JobCgroups cg("", "", "t", "/sys/fs/cgroup is cgroup v1 and no cgroup2 filesystem is mounted", false);
  EXPECT_FALSE(cg.tracking());
  EXPECT_EQ("cgroup v2 not usable (/sys/fs/cgroup is cgroup v1 and no cgroup2 filesystem is mounted): jobs are "
            "tracked by process group, memory limits are not enforced",
            cg.summary());
}

TEST_F(FakeCgroupfs, ReadsOomKillsAndPeak) {
  put("job_3/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");
  put("job_3/memory.peak", "104857600\n");
  EXPECT_EQ(1u, cgroup_oom_kills(root_ + "/job_3"));
  EXPECT_EQ(104857600u, cgroup_memory_peak(root_ + "/job_3"));
  EXPECT_EQ(0u, cgroup_oom_kills(root_ + "/none"));
}

TEST_F(FakeCgroupfs, KillWritesCgroupKill) {
  put("job_5/cgroup.kill", "");
  put("job_5/cgroup.events", "populated 0\nfrozen 0\n");
  EXPECT_TRUE(cgroup_kill_all(root_ + "/job_5", 0));
  EXPECT_EQ("1", get("job_5/cgroup.kill"));
  // Still populated after the deadline: reported, not hidden.
  put("job_6/cgroup.kill", "");
  put("job_6/cgroup.events", "populated 1\n");
  EXPECT_FALSE(cgroup_kill_all(root_ + "/job_6", 0));
}

TEST(CgroupTag, DiffersByStateDirectory) {
  EXPECT_EQ(cgroup_tag("node1", "/tmp/a"), cgroup_tag("node1", "/tmp/a"));
  EXPECT_NE(cgroup_tag("node1", "/tmp/a"), cgroup_tag("node1", "/tmp/b"));
  EXPECT_EQ(0u, cgroup_tag("node1", "/x").rfind("node1_", 0));
}

}  // namespace
}  // namespace drover
