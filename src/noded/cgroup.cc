#include "cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "drover/cgroup_parse.h"
#include "drover/file_util.h"
#include "job_dir.h"

namespace drover {
namespace {

// cgroupfs takes each value in one write(2); `create` only for the test
// layout, where the files are plain ones (cgroupfs makes its own).
Status write_value(const std::string& path, const std::string& value, bool create = true) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0), 0644);
  if (fd < 0) return Status::fail(path + ": " + std::strerror(errno));
  ssize_t n = ::write(fd, value.data(), value.size());
  int code = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) return Status::fail(path + ": " + std::strerror(code));
  return ok_status();
}

bool make_dir(const std::string& path) { return ::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST; }

std::vector<std::string> child_cgroups(const std::string& dir) {
  std::vector<std::string> children;
  for (const std::string& name : dir_entries(dir)) {
    struct stat st {};
    std::string path = dir + "/" + name;
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) children.push_back(path);
  }
  return children;
}

// Every process in the cgroup and below.
std::vector<pid_t> member_pids(const std::string& dir) {
  std::vector<pid_t> pids;
  if (Result<std::string> procs = read_file(dir + "/cgroup.procs")) {
    for (const std::string& word : parse_cgroup_controllers(*procs)) {
      pid_t pid = static_cast<pid_t>(std::strtol(word.c_str(), nullptr, 10));
      if (pid > 0) pids.push_back(pid);
    }
  }
  for (const std::string& child : child_cgroups(dir)) {
    std::vector<pid_t> more = member_pids(child);
    pids.insert(pids.end(), more.begin(), more.end());
  }
  return pids;
}

// cgroup.events "populated" counts the whole subtree; without the file (the
// test layout) the member list says it.
bool populated(const std::string& dir) {
  if (Result<std::string> events = read_file(dir + "/cgroup.events"))
    if (std::optional<uint64_t> value = parse_cgroup_key(*events, "populated")) return *value != 0;
  return !member_pids(dir).empty();
}

// A tag for file names: the agent's node name, and a hash of its state
// directory so that two clusters on one machine with a "node1" each differ.
std::string fnv1a_hex(const std::string& text) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", hash);
  return buf;
}

}  // namespace

std::string cgroup_tag(const std::string& node_name, const std::string& state_dir) {
  return node_name + "_" + fnv1a_hex(state_dir);
}

JobCgroups JobCgroups::probe(const CgroupSettings& settings, const std::string& tag) {
  if (!settings.enabled) return JobCgroups("", "", tag, "cgroups: off in the configuration", false);
  CgroupMounts mounts;
  if (Result<std::string> info = read_file("/proc/self/mountinfo")) mounts = parse_cgroup_mounts(*info);
  std::string mount = settings.mount.empty() ? mounts.v2 : settings.mount;
  if (mount.empty()) {
    std::string why = mounts.v1 ? "/sys/fs/cgroup is cgroup v1 and no cgroup2 filesystem is mounted"
                                : "no cgroup2 filesystem is mounted";
    return JobCgroups("", "", tag, why, false);
  }
  std::optional<std::string> own;
  if (Result<std::string> self = read_file("/proc/self/cgroup")) own = parse_proc_cgroup_v2(*self);
  if (!own) return JobCgroups(mount, "", tag, "/proc/self/cgroup names no cgroup v2 path", false);
  // In a cgroup namespace or a bind mount of a sub-tree, the mount shows
  // the cgroup named by its root; paths in /proc/self/cgroup are absolute.
  if (settings.mount.empty() && mounts.v2_root != "/" && own->rfind(mounts.v2_root, 0) == 0)
    own = own->substr(mounts.v2_root.size());
  if (own->empty()) own = "/";
  return JobCgroups(mount, *own, tag, "", true);
}

JobCgroups::JobCgroups(std::string mount, std::string own, const std::string& tag, std::string why_not,
                       bool move_self)
    : mount_(std::move(mount)), own_(std::move(own)), why_not_(std::move(why_not)) {
  if (own_.empty()) own_ = "/";
  base_ = mount_ + (own_ == "/" ? "" : own_) + "/drover_" + tag;
  setup(move_self);
}

void JobCgroups::setup(bool move_self) {
  auto refuse = [this](const std::string& why) {
    why_not_ = why;
    tracking_ = memory_ = cpu_ = false;
    summary_ = "cgroup v2 not usable (" + why +
               "): jobs are tracked by process group, memory limits are not enforced";
  };
  if (!why_not_.empty()) return refuse(why_not_);
  std::string own_dir = mount_ + (own_ == "/" ? "" : own_);
  Result<std::string> available = read_file(own_dir + "/cgroup.controllers");
  if (!available) return refuse(own_dir + " is not a cgroup v2 directory (no cgroup.controllers)");
  std::string not_enforced;  // why limits do not hold, for the summary
  // cgroup v2 enables controllers for children only in a cgroup without
  // processes: where the agent has a cgroup of its own (a systemd service
  // with Delegate=yes), it steps into a leaf beside the jobs'.
  bool own_empty = own_ == "/";
  if (!own_empty && move_self) {
    std::string leaf = own_dir + "/droverd";
    Status moved = make_dir(leaf) ? write_value(leaf + "/cgroup.procs", std::to_string(::getpid()), false)
                                  : Status::fail("cannot create " + leaf + ": " + std::strerror(errno));
    own_empty = static_cast<bool>(moved);
    if (!moved) not_enforced = "the agent cannot leave its cgroup: " + moved.error();
  }
  if (!make_dir(base_)) return refuse("cannot create " + base_ + ": " + std::strerror(errno));
  if (::access((base_ + "/cgroup.procs").c_str(), W_OK) != 0)
    return refuse(base_ + "/cgroup.procs is not writable: " + std::strerror(errno));
  tracking_ = true;
  std::set<std::string> controllers = parse_cgroup_controllers(*available);
  std::vector<std::string> missing;
  for (const char* name : {"memory", "cpu"}) {
    bool enabled = false;
    if (!controllers.count(name)) {
      missing.push_back(name);
    } else {
      std::string enable = std::string("+") + name;
      Status s = own_empty ? write_value(own_dir + "/cgroup.subtree_control", enable, false)
                           : Status::fail("processes share the agent's cgroup " + own_dir);
      if (s) s = write_value(base_ + "/cgroup.subtree_control", enable, false);
      if (s) enabled = true;
      else if (not_enforced.empty() && !s.error().empty())
        not_enforced = std::string("cannot enable the ") + name + " controller: " + s.error();
    }
    (std::string(name) == "memory" ? memory_ : cpu_) = enabled;
  }
  if (!missing.empty() && not_enforced.empty()) {
    std::string listed;
    for (const std::string& c : controllers) listed += (listed.empty() ? "" : " ") + c;
    not_enforced = (missing.size() == 2 ? std::string("the memory and cpu controllers are")
                                        : "the " + missing[0] + " controller is") +
                   " not delegated: " + own_dir + "/cgroup.controllers lists " + (listed.empty() ? "none" : "only " + listed);
  }
  summary_ = "jobs are tracked and killed through cgroup v2 under " + base_;
  if (memory_ && cpu_) summary_ += " with memory limits (memory.max) and CPU limits (cpu.max)";
  else if (memory_) summary_ += " with memory limits (memory.max); CPU limits are not enforced (" + not_enforced + ")";
  else if (cpu_) summary_ += " with CPU limits (cpu.max); memory limits are not enforced (" + not_enforced + ")";
  else summary_ += "; memory and CPU limits are not enforced (" + not_enforced + ")";
}

Result<std::string> JobCgroups::prepare(uint32_t job_id, const std::string& leaf, uint64_t memory_mb, uint32_t cpus,
                                        bool set_limits) {
  using R = Result<std::string>;
  if (!tracking_) return R::fail("cgroups are not in use");
  std::string job = job_dir(job_id);
  if (!make_dir(job)) return R::fail("cannot create " + job + ": " + std::strerror(errno));
  if (memory_ && set_limits) {
    std::string limit = memory_mb == 0 ? "max" : std::to_string(memory_mb << 20);
    if (Status s = write_value(job + "/memory.max", limit); !s) return R::fail(s.error());
    // Over its memory a job is killed, not swapped out (ConstrainSwapSpace);
    // without swap accounting the file is absent and there is nothing to limit.
    (void)write_value(job + "/memory.swap.max", "0", false);
  }
  if (cpu_ && set_limits) {
    if (Status s = write_value(job + "/cpu.max", cgroup_cpu_max(cpus)); !s) return R::fail(s.error());
  }
  std::string path = job + "/" + leaf;
  if (!make_dir(path)) return R::fail("cannot create " + path + ": " + std::strerror(errno));
  return R::ok(path);
}

void JobCgroups::remove_job(uint32_t job_id) {
  if (tracking_) cgroup_remove(job_dir(job_id));
}

void JobCgroups::remove_stale(const std::set<uint32_t>& live) {
  if (!tracking_) return;
  for (const std::string& dir : child_cgroups(base_)) {
    std::string name = dir.substr(dir.rfind('/') + 1);
    if (name.rfind("job_", 0) != 0) continue;
    uint32_t id = static_cast<uint32_t>(std::strtoul(name.c_str() + 4, nullptr, 10));
    if (!live.count(id)) cgroup_remove(dir);
  }
}

Status cgroup_join(const std::string& dir) { return write_value(dir + "/cgroup.procs", "0", false); }

void cgroup_signal(const std::string& dir, int signo) {
  for (pid_t pid : member_pids(dir)) ::kill(pid, signo);
}

bool cgroup_kill_all(const std::string& dir, int wait_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  bool one_write = static_cast<bool>(write_value(dir + "/cgroup.kill", "1", false));
  for (;;) {
    if (!populated(dir)) return true;
    // Without cgroup.kill a process may fork between reading the list and
    // the signal: go round until nothing is left.
    if (!one_write) cgroup_signal(dir, SIGKILL);
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool cgroup_remove(const std::string& dir, int wait_ms) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return true;  // already gone
  // The kill reaches the whole subtree: once it is empty the children's are
  // too, and if it is not (processes in uninterruptible sleep), waiting
  // again for each child would only block the agent longer.
  bool emptied = cgroup_kill_all(dir, wait_ms);
  bool removed = true;
  for (const std::string& child : child_cgroups(dir)) removed = cgroup_remove(child, emptied ? wait_ms : 0) && removed;
  return ::rmdir(dir.c_str()) == 0 && removed;
}

uint64_t cgroup_oom_kills(const std::string& dir) {
  Result<std::string> events = read_file(dir + "/memory.events");
  return events ? parse_cgroup_key(*events, "oom_kill").value_or(0) : 0;
}

uint64_t cgroup_memory_peak(const std::string& dir) {
  Result<std::string> peak = read_file(dir + "/memory.peak");
  return peak ? std::strtoull(peak->c_str(), nullptr, 10) : 0;
}

}  // namespace drover
