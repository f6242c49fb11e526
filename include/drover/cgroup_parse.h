// Pure readers of the kernel's cgroup files and the limits a job's cgroup
// gets. No I/O: the agent reads the files (src/noded/cgroup.cc) and hands
// the text here, so every decision is unit-tested against real file
// contents.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace drover {

// cgroup.controllers, cgroup.subtree_control: names separated by spaces.
std::set<std::string> parse_cgroup_controllers(std::string_view text);

// memory.events, cgroup.events, memory.stat: "key value" lines. The value
// of `key`, nullopt if the file has no such line.
std::optional<uint64_t> parse_cgroup_key(std::string_view text, std::string_view key);

// /proc/<pid>/cgroup: the unified hierarchy's line is "0::<path>". The
// path ("/" for the root), nullopt on a pure cgroup v1 system.
std::optional<std::string> parse_proc_cgroup_v2(std::string_view text);

// What /proc/self/mountinfo says about cgroups.
struct CgroupMounts {
  std::string v2;          // mount point of the cgroup2 filesystem, empty if none
  std::string v2_root;     // the cgroup mounted there ("/" unless in a cgroup namespace bind)
  bool v1 = false;         // some v1 hierarchy is mounted (hybrid or legacy layout)
};
CgroupMounts parse_cgroup_mounts(std::string_view mountinfo);

// The memory a job may use on one node, in MB, as Slurm's task/cgroup
// ConstrainRAMSpace computes it: --mem-per-cpu times the CPUs allocated
// here, else --mem (per node), else -- no memory requested, or --mem=0 --
// the node's memory, which Slurm grants such a job.
uint64_t job_memory_limit_mb(uint64_t mem_mb, uint64_t mem_per_cpu_mb, uint32_t cpus, uint64_t node_memory_mb);

// cpu.max for `cpus` CPUs: a quota of cpus periods per period ("200000 100000").
std::string cgroup_cpu_max(uint32_t cpus, uint32_t period_us = 100000);

}  // namespace drover
