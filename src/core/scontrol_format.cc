// scontrol show's Key=Value records for jobs, nodes and partitions, in
// Slurm 22.05's key order (spec §6.1-§6.3, §13). Fields Drover has no notion
// of (accounts, QOS, sockets, energy...) print the value a default Slurm
// installation prints for them.
#include "drover/scontrol_format.h"

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "drover/array_spec.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/output_pattern.h"
#include "drover/time_format.h"

namespace drover {
namespace {

// Slurm's NO_VAL: what %a and the default output name show for an array's
// record that is not (yet) one task.
constexpr uint32_t kNoVal = 4294967294u;

// A record as Slurm lays it out: lines of space-separated Key=Value words.
class Record {
 public:
  // Starts a new line; the words added next go on it.
  Record& line() {
    lines_.emplace_back();
    return *this;
  }
  Record& add(std::string_view key, std::string_view value) {
    if (lines_.empty()) lines_.emplace_back();
    std::string word(key);
    word += '=';
    word += value;
    lines_.back().push_back(std::move(word));
    return *this;
  }

  // Lines after the first are indented by three spaces; with one_liner all
  // words share one line. Either way the record ends in '\n'.
  std::string render(bool one_liner) const {
    std::string out;
    bool first_word = true;
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i].empty()) continue;
      if (!first_word) out += one_liner ? " " : "\n   ";
      for (size_t w = 0; w < lines_[i].size(); ++w) {
        if (w > 0) out += ' ';
        out += lines_[i][w];
      }
      first_word = false;
    }
    out += '\n';
    return out;
  }

 private:
  std::vector<std::vector<std::string>> lines_;
};

std::string or_null(const std::string& text) { return text.empty() ? "(null)" : text; }

// Slurm's convert_num_unit with CONVERT_NUM_UNIT_EXACT over a megabyte
// count: the largest unit that keeps the value exact, half units counting
// as exact ("1000M", "4G", "2.50G"). Used for TRES mem= and MinMemoryNode=.
std::string mem_units(uint64_t mb) {
  static constexpr char kUnits[] = {'M', 'G', 'T', 'P'};
  if (mb == 0) return "0";
  double value = static_cast<double>(mb);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < sizeof(kUnits) &&
         static_cast<uint64_t>(value) % 512 == 0) {
    value /= 1024;
    ++unit;
  }
  char buf[64];
  auto whole = static_cast<uint64_t>(value);
  if (static_cast<double>(whole) == value) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "%c", whole, kUnits[unit]);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f%c", value, kUnits[unit]);
  }
  return buf;
}

// "cpu=2,mem=1000M,node=1,billing=2" with the parts that are set.
std::string tres(uint64_t cpus, uint64_t mem_mb, uint64_t nodes, bool with_node, bool with_billing) {
  std::string out = "cpu=" + std::to_string(cpus);
  if (mem_mb > 0) out += ",mem=" + mem_units(mem_mb);
  if (with_node) out += ",node=" + std::to_string(nodes);
  if (with_billing) out += ",billing=" + std::to_string(cpus);
  return out;
}

// Slurm prints the group's name, or the number when it has none here.
std::string group_name(uint32_t gid) {
  long size = sysconf(_SC_GETGR_R_SIZE_MAX);
  std::vector<char> buf(size > 0 ? static_cast<size_t>(size) : 16384);
  struct group entry {};
  struct group* found = nullptr;
  for (;;) {
    int rc = getgrgid_r(static_cast<gid_t>(gid), &entry, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    break;
  }
  return found && found->gr_name ? found->gr_name : std::to_string(gid);
}

std::string comma_list(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

// ---- job facts -----------------------------------------------------------

const std::string& partition_of(const pb::JobRecord& job) {
  return job.partition().empty() ? job.spec().partition() : job.partition();
}

std::string user_of(const pb::JobRecord& job) {
  const std::string& name = job.spec().user_name();
  return name.empty() ? std::to_string(job.uid()) : name;
}

bool is_completing(const pb::JobRecord& job) { return job.kill_sent() && job_state_is_finished(job.state()); }

// An array's record that is not one started task: the pending tasks, if any.
bool is_array_record(const pb::JobRecord& job) { return job.array_job_id() != 0 && !job.is_array_task(); }

TaskSet pending_tasks(const pb::JobRecord& job) {
  std::vector<TaskSet::Interval> intervals;
  intervals.reserve(job.array_pending_size());
  for (const auto& range : job.array_pending()) intervals.emplace_back(range.first(), range.last());
  return TaskSet(std::move(intervals));
}

// ArrayTaskId=: the task's id, or the pending tasks with the throttle as
// Slurm's array_task_str carries them ("3-10%2"); a lone pending task (the
// "ID_T" view of an unsplit task) is just its number.
std::string array_task_text(const pb::JobRecord& job) {
  if (job.is_array_task()) return std::to_string(job.array_task_id());
  TaskSet tasks = pending_tasks(job);
  if (tasks.empty()) return "N/A";  // an array record with nothing left pending
  if (tasks.count() == 1) return std::to_string(tasks.first());
  std::string text = tasks.to_string();
  if (job.array_throttle() > 0) text += "%" + std::to_string(job.array_throttle());
  return text;
}

std::string reason_text(const pb::JobRecord& job) {
  if (job.reason().empty()) return "None";
  std::string reason = job.reason();
  for (char& c : reason) {
    if (std::isspace(static_cast<unsigned char>(c))) c = '_';
  }
  return reason;
}

int64_t run_seconds(const pb::JobRecord& job, int64_t now) {
  return job_run_seconds(job, now);
}

std::string time_limit_text(uint32_t minutes) {
  if (minutes == kInfiniteMinutes) return "UNLIMITED";
  if (minutes == 0) return "Partition_Limit";  // Slurm's NO_VAL limit
  return format_duration(int64_t{minutes} * 60);
}

// A pending job shows the start its backfill reservation expects, and the
// end that follows from its limit; Unknown without one.
std::string start_time_text(const pb::JobRecord& job) {
  if (job.state() == pb::JOB_PENDING) return job.expected_start() ? format_iso_time(job.expected_start()) : "Unknown";
  return format_iso_time(job.start_time());
}

std::string end_time_text(const pb::JobRecord& job) {
  uint32_t limit = job.spec().time_limit_min();
  bool finite = limit != kInfiniteMinutes && limit != 0;
  if (job.state() == pb::JOB_PENDING)
    return finite && job.expected_start() ? format_iso_time(job.expected_start() + int64_t{limit} * 60) : "Unknown";
  if (job_state_is_active(job.state())) {
    if (!finite || job.start_time() == 0) return "Unknown";
    // Suspended time does not count against the limit.
    return format_iso_time(job.start_time() + int64_t{limit} * 60 + job.suspended_secs());
  }
  return format_iso_time(job.end_time());
}

// -w and -x as Slurm shows them: the names compressed ("node[1-2]").
std::string requested_nodes_text(const std::string& hostlist_text) {
  Result<std::vector<std::string>> names = hostlist::expand(hostlist_text);
  if (!names || names->empty()) return or_null(hostlist_text);
  return hostlist::compress_sorted(std::move(*names));
}

uint32_t requested_nodes(const pb::JobRecord& job) { return std::max<uint32_t>(1, job.spec().min_nodes()); }

uint32_t node_count(const pb::JobRecord& job) {
  if (job.nodes_size() > 0) return static_cast<uint32_t>(job.nodes_size());
  return requested_nodes(job);
}

// A pending job asked for an exact count with -N shows it as "N-N" (§13).
std::string num_nodes_text(const pb::JobRecord& job) {
  if (job.state() == pb::JOB_PENDING && job.nodes_size() == 0 && job.spec().min_nodes() > 0) {
    std::string n = std::to_string(job.spec().min_nodes());
    return n + "-" + n;
  }
  return std::to_string(node_count(job));
}

uint32_t cpus_per_task(const pb::JobRecord& job) { return std::max<uint32_t>(1, job.spec().cpus_per_task()); }

uint32_t cpu_count(const pb::JobRecord& job) {
  if (job.alloc_cpus() > 0) return job.alloc_cpus();
  const pb::JobSpec& spec = job.spec();
  uint32_t tasks = spec.ntasks() ? spec.ntasks() : requested_nodes(job);
  return tasks * cpus_per_task(job);
}

// StdOut=/StdErr=/StdIn=: the name the job's file has, as the agent opens
// it (src/ctld/job_env.cc), made absolute against the working directory.
// Without a node yet, %N stays as written.
std::string resolve_path(const pb::JobRecord& job, const std::string& pattern) {
  PatternContext ctx;
  ctx.job_id = job.job_id();
  if (job.array_job_id() != 0) {
    ctx.array_job_id = job.array_job_id();
    ctx.array_task_id = job.is_array_task() ? job.array_task_id() : kNoVal;
  }
  ctx.job_name = job.spec().name();
  ctx.user = user_of(job);
  ctx.node = job.nodes_size() > 0 ? job.nodes(0) : "%N";
  std::string path = expand_output_pattern(pattern, ctx);
  if (path == "none" || path == "NONE" || path == "None") return "/dev/null";
  if (!path.empty() && path[0] == '/') return path;
  return job.spec().work_dir() + "/" + path;
}

std::string stdout_text(const pb::JobRecord& job) {
  std::string pattern = job.spec().stdout_pattern();
  if (pattern.empty()) pattern = job.array_job_id() != 0 ? "slurm-%A_%a.out" : "slurm-%j.out";
  return resolve_path(job, pattern);
}

std::string stderr_text(const pb::JobRecord& job) {
  if (job.spec().stderr_pattern().empty()) return stdout_text(job);
  return resolve_path(job, job.spec().stderr_pattern());
}

std::string stdin_text(const pb::JobRecord& job) {
  if (job.spec().stdin_path().empty()) return "/dev/null";
  return resolve_path(job, job.spec().stdin_path());
}

// ---- node facts ----------------------------------------------------------

// "+0.012s", "-3.400s": how far the agent's clock is from the controller's.
std::string clock_skew_text(int64_t ms) {
  uint64_t magnitude = ms < 0 ? uint64_t{0} - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%c%" PRIu64 ".%03" PRIu64 "s", ms < 0 ? '-' : '+', magnitude / 1000,
                magnitude % 1000);
  return buf;
}

std::string partition_state_text(const std::string& state) {
  if (state == "up") return "UP";
  if (state == "down") return "DOWN";
  if (state == "drain") return "DRAIN";
  if (state == "inact" || state == "inactive") return "INACTIVE";
  std::string upper = state;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.empty() ? "UP" : upper;
}

}  // namespace

std::string format_job_record(const pb::JobRecord& job, int64_t now, bool one_liner) {
  const pb::JobSpec& spec = job.spec();
  bool pending = job.state() == pb::JOB_PENDING;
  std::string submit = format_iso_time(job.submit_time());
  Record r;

  r.line().add("JobId", std::to_string(job.job_id()));
  if (job.array_job_id() != 0) {
    r.add("ArrayJobId", std::to_string(job.array_job_id()));
    r.add("ArrayTaskId", array_task_text(job));
    if (pending && is_array_record(job) && job.array_pending_size() > 0 && job.array_throttle() > 0) {
      r.add("ArrayTaskThrottle", std::to_string(job.array_throttle()));
    }
  }
  r.add("JobName", spec.name());

  r.line()
      .add("UserId", user_of(job) + "(" + std::to_string(job.uid()) + ")")
      .add("GroupId", group_name(job.gid()) + "(" + std::to_string(job.gid()) + ")")
      .add("MCS_label", "N/A");
  r.line()
      .add("Priority", std::to_string(job.priority()))
      .add("Nice", std::to_string(spec.nice()))
      .add("Account", spec.account().empty() ? "(null)" : spec.account())
      .add("QOS", "normal");
  r.line()
      .add("JobState", is_completing(job) ? "COMPLETING" : std::string(job_state_long(job.state())))
      .add("Reason", reason_text(job))
      .add("Dependency", or_null(job.dependency_state()));
  r.line()
      .add("Requeue", spec.requeue() ? "1" : "0")
      .add("Restarts", std::to_string(job.restarts()))
      .add("BatchFlag", "1")
      .add("Reboot", "0")
      .add("ExitCode", std::to_string(job.exit_status()) + ":" + std::to_string(job.term_signal()));
  r.line()
      .add("RunTime", format_duration(run_seconds(job, now)))
      .add("TimeLimit", time_limit_text(spec.time_limit_min()))
      .add("TimeMin", "N/A");
  r.line().add("SubmitTime", submit).add("EligibleTime", spec.begin_time() > job.submit_time() ? format_iso_time(spec.begin_time()) : submit);
  r.line().add("AccrueTime", submit);
  r.line()
      .add("StartTime", start_time_text(job))
      .add("EndTime", end_time_text(job))
      .add("Deadline", "N/A");
  // The scheduler last looked at a started job when it started it.
  r.line()
      .add("SuspendTime", job.suspend_time() ? format_iso_time(job.suspend_time()) : "None")
      .add("SecsPreSuspend", "0")
      .add("LastSchedEval", job.start_time() != 0 ? format_iso_time(job.start_time()) : submit)
      .add("Scheduler", "Main");
  r.line().add("Partition", partition_of(job)).add("AllocNode:Sid", or_null(spec.submit_host()) + ":0");
  r.line()
      .add("ReqNodeList", requested_nodes_text(spec.nodelist()))
      .add("ExcNodeList", requested_nodes_text(spec.exclude()));
  r.line().add("NodeList", or_null(hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()})));
  if (!job.sched_nodes().empty()) r.add("SchedNodeList", job.sched_nodes());  // a backfill reservation's
  if (job.nodes_size() > 0) r.line().add("BatchHost", job.nodes(0));

  uint32_t cpus = cpu_count(job);
  uint32_t nodes = node_count(job);
  r.line()
      .add("NumNodes", num_nodes_text(job))
      .add("NumCPUs", std::to_string(cpus))
      .add("NumTasks", std::to_string(std::max<uint32_t>(1, spec.ntasks())))
      .add("CPUs/Task", std::to_string(cpus_per_task(job)))
      .add("ReqB:S:C:T", "0:0:*:*");
  // Memory is per node: the job's TRES counts it on every node.
  uint64_t mem_total = spec.mem_given() ? spec.mem_mb() * nodes : 0;
  r.line().add("TRES", tres(cpus, mem_total, nodes, true, true));
  r.line().add("Socks/Node", "*").add("NtasksPerN:B:S:C", "0:0:*:*").add("CoreSpec", "*");
  r.line()
      .add("MinCPUsNode", std::to_string(cpus_per_task(job)))
      .add("MinMemoryNode", mem_units(spec.mem_mb()))
      .add("MinTmpDiskNode", "0");
  r.line().add("Features", or_null(spec.constraint())).add("DelayBoot", "00:00:00");
  r.line()
      .add("OverSubscribe", spec.exclusive() ? "NO" : "OK")
      .add("Contiguous", "0")
      .add("Licenses", "(null)")
      .add("Network", "(null)");
  r.line().add("Command", or_null(spec.command()));
  r.line().add("WorkDir", spec.work_dir());
  r.line().add("StdErr", stderr_text(job));
  r.line().add("StdIn", stdin_text(job));
  r.line().add("StdOut", stdout_text(job));
  r.line().add("Power", "");
  return r.render(one_liner);
}

std::string format_node_record(const pb::NodeInfo& node, bool one_liner) {
  std::string features = or_null(comma_list(node.features()));
  std::string state = node.state_long().empty() ? "UNKNOWN" : node.state_long();
  if (node.not_responding()) state += "+NOT_RESPONDING";
  Record r;

  // Arch, OS and Version are what the agent reported: a node that never
  // registered has none, and Slurm then leaves the keys out.
  r.line().add("NodeName", node.name());
  if (!node.arch().empty()) r.add("Arch", node.arch());
  r.add("CoresPerSocket", "1");
  r.line()
      .add("CPUAlloc", std::to_string(node.alloc_cpus()))
      .add("CPUEfctv", std::to_string(node.cpus()))
      .add("CPUTot", std::to_string(node.cpus()))
      .add("CPULoad", "N/A");
  r.line().add("AvailableFeatures", features);
  r.line().add("ActiveFeatures", features);
  r.line().add("Gres", "(null)");
  r.line()
      .add("NodeAddr", node.address().empty() ? node.name() : node.address())
      .add("NodeHostName", node.hostname().empty() ? node.name() : node.hostname());
  if (!node.version().empty()) r.add("Version", node.version());
  if (!node.arch().empty()) r.line().add("OS", "Linux");
  r.line()
      .add("RealMemory", std::to_string(node.memory_mb()))
      .add("AllocMem", std::to_string(node.alloc_mem_mb()))
      .add("FreeMem", "N/A")
      .add("Sockets", std::to_string(node.cpus()))
      .add("Boards", "1");
  r.line()
      .add("State", state)
      .add("ThreadsPerCore", "1")
      .add("TmpDisk", "0")
      .add("Weight", std::to_string(node.weight()))
      .add("Owner", "N/A")
      .add("MCS_label", "N/A");
  if (node.partitions_size() > 0) r.line().add("Partitions", comma_list(node.partitions()));
  r.line().add("BootTime", "None").add("SlurmdStartTime", "None");
  r.line().add("LastBusyTime", "Unknown");
  r.line().add("CfgTRES", tres(node.cpus(), node.memory_mb(), 0, false, true));
  bool allocated = node.alloc_cpus() > 0 || node.alloc_mem_mb() > 0;
  r.line().add("AllocTRES", allocated ? tres(node.alloc_cpus(), node.alloc_mem_mb(), 0, false, false) : "");
  r.line().add("CapWatts", "n/a");
  r.line().add("CurrentWatts", "0").add("AveWatts", "0");
  r.line().add("ExtSensorsJoules", "n/s").add("ExtSensorsWatts", "0").add("ExtSensorsTemp", "n/s");
  // Slurm appends " [user@time]"; Drover keeps only the text.
  if (!node.reason().empty()) r.line().add("Reason", node.reason());
  // Drover extension, not in Slurm: the agent's clock offset from the
  // controller's as measured at its last heartbeat, so a skew that would
  // break credentials shows where an operator already looks.
  r.line().add("ClockSkew", clock_skew_text(node.clock_skew_ms()));
  // Drover extension: the agent's measured single-thread speed (cpu_speed.h),
  // which `prefer: fastest` orders equal-weight nodes by; absent until reported.
  if (node.cpu_speed() > 0) r.add("CpuSpeed", std::to_string(node.cpu_speed()));
  return r.render(one_liner);
}

// Slurm's mins2time_str: UNLIMITED, or [days-]hours:minutes:seconds.
static std::string mins_text(uint32_t minutes) {
  return minutes == 0 || minutes == kInfiniteMinutes ? "UNLIMITED" : format_duration(int64_t{minutes} * 60);
}

std::string format_partition_record(const pb::PartitionInfo& partition, const pb::ListNodesReply& cluster,
                                    bool one_liner) {
  std::unordered_map<std::string_view, const pb::NodeInfo*> by_name;
  by_name.reserve(static_cast<size_t>(cluster.nodes_size()));
  for (const pb::NodeInfo& node : cluster.nodes()) by_name.emplace(node.name(), &node);
  uint64_t cpus = 0;
  uint64_t mem_mb = 0;
  for (const std::string& name : partition.nodes()) {
    auto it = by_name.find(name);
    if (it == by_name.end()) continue;
    cpus += it->second->cpus();
    mem_mb += it->second->memory_mb();
  }
  uint64_t node_total = static_cast<uint64_t>(partition.nodes_size());
  uint32_t max_time = partition.max_time_min();
  // Controllers before partition priorities sent none: Slurm's default, 1.
  std::string priority_text = std::to_string(std::max<uint32_t>(1, partition.priority()));
  Record r;

  r.line().add("PartitionName", partition.name());
  r.line().add("AllowGroups", "ALL").add("AllowAccounts", "ALL").add("AllowQos", "ALL");
  r.line().add("AllocNodes", "ALL").add("Default", partition.is_default() ? "YES" : "NO").add("QoS", "N/A");
  r.line()
      .add("DefaultTime", partition.default_time_min() == 0 ? "NONE" : mins_text(partition.default_time_min()))
      .add("DisableRootJobs", "NO")
      .add("ExclusiveUser", "NO")
      .add("GraceTime", "0")
      .add("Hidden", "NO");
  r.line()
      .add("MaxNodes", partition.max_nodes() == 0 ? "UNLIMITED" : std::to_string(partition.max_nodes()))
      .add("MaxTime", mins_text(max_time))
      .add("MinNodes", "0")
      .add("LLN", "NO")
      .add("MaxCPUsPerNode", "UNLIMITED");
  r.line().add("Nodes", or_null(hostlist::compress({partition.nodes().begin(), partition.nodes().end()})));
  r.line()
      .add("PriorityJobFactor", priority_text)
      .add("PriorityTier", priority_text)
      .add("RootOnly", "NO")
      .add("ReqResv", "NO")
      .add("OverSubscribe", "NO");
  r.line().add("OverTimeLimit", "NONE").add("PreemptMode", "OFF");
  r.line()
      .add("State", partition_state_text(partition.state()))
      .add("TotalCPUs", std::to_string(cpus))
      .add("TotalNodes", std::to_string(node_total))
      .add("SelectTypeParameters", "NONE");
  r.line().add("JobDefaults", "(null)");
  r.line().add("DefMemPerNode", "UNLIMITED").add("MaxMemPerNode", "UNLIMITED");
  r.line().add("TRES", tres(cpus, mem_mb, node_total, true, true));
  return r.render(one_liner);
}

}  // namespace drover
