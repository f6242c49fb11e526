// squeue's columns (spec §3.3-3.6). Each cell prints what the matching
// print function of Slurm's squeue prints; a NULL string is "(null)", as
// glibc prints it, and a missing time is "N/A".
#include "squeue_columns.h"

#include <grp.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <limits>

#include "drover/array_spec.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/squeue_format.h"
#include "drover/time_format.h"

namespace drover::squeue {
namespace {

// squeue prints durations beyond a year as INVALID.
constexpr int64_t kYearSeconds = 365LL * 24 * 3600;

const std::string kNone = "None";


// Slurm's _print_secs: the elapsed printer, INVALID outside [0, 1 year].
std::string squeue_secs(int64_t seconds) {
  if (seconds < 0 || seconds > kYearSeconds) return "INVALID";
  return format_elapsed(seconds);
}

// Slurm's convert_num_unit: the largest 1024-unit, two decimals if inexact.
std::string with_unit(double value, int unit) {
  static constexpr char kUnits[] = {'\0', 'K', 'M', 'G', 'T', 'P', '?'};
  if (static_cast<int64_t>(value) == 0) return "0";
  while (value >= 1024 && unit + 1 < static_cast<int>(sizeof(kUnits))) {
    value /= 1024;
    ++unit;
  }
  std::string suffix = unit > 0 ? std::string(1, kUnits[unit]) : "";
  auto whole = static_cast<uint64_t>(value);
  char buf[64];
  if (static_cast<double>(whole) == value) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64, whole);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f", value);
  }
  return buf + suffix;
}

std::string iso_or_na(int64_t epoch) { return epoch ? format_iso_time(epoch) : "N/A"; }
// A cell showing a string that outlives it, without copying it.
Cell held(std::string_view text) {
  Cell cell;
  cell.ref = text.data() ? text : std::string_view("");
  return cell;
}
Cell or_null(const std::string& text) { return text.empty() ? Cell{"(null)"} : held(text); }

std::string task_part(const pb::JobRecord& job) {
  if (job.array_job_id() == 0) return "";
  if (job.is_array_task()) return std::to_string(job.array_task_id());
  if (job.array_pending_size() == 0) return "";
  std::vector<TaskSet::Interval> intervals;
  for (const auto& range : job.array_pending()) intervals.emplace_back(range.first(), range.last());
  TaskSet tasks(std::move(intervals));
  // A lone pending task is shown like a started one, without brackets.
  if (tasks.count() == 1) return std::to_string(tasks.first());
  std::string text = tasks.to_string();
  if (job.array_throttle() > 0) text += "%" + std::to_string(job.array_throttle());
  return text;
}

uint32_t requested_cpus(const pb::JobRecord& job) {
  const pb::JobSpec& spec = job.spec();
  uint32_t tasks = spec.ntasks() ? spec.ntasks() : std::max<uint32_t>(1, spec.min_nodes());
  return tasks * std::max<uint32_t>(1, spec.cpus_per_task());
}

uint32_t task_count(const pb::JobRecord& job) {
  const pb::JobSpec& spec = job.spec();
  if (spec.ntasks()) return spec.ntasks();
  if (spec.ntasks_per_node()) return spec.ntasks_per_node() * node_count(job);
  return std::max<uint32_t>(1, spec.min_nodes());
}

// An output path as Slurm shows it: absolute, the default when not given.
std::string output_path(const pb::JobRecord& job, const std::string& pattern) {
  const std::string& dir = job.spec().work_dir();
  if (pattern.empty()) return dir + "/slurm-" + std::to_string(job.job_id()) + ".out";
  if (pattern.front() == '/') return pattern;
  return dir + "/" + pattern;
}

std::string hostlist_of(const std::string& expression) {
  if (expression.empty()) return "";
  auto names = hostlist::expand(expression);
  // Not a hostlist (a file name given to -w): shown as typed.
  return names ? hostlist::compress_sorted(std::move(*names)) : expression;
}

// ---- cells ---------------------------------------------------------------

Cell cell_display_id(const pb::JobRecord& job, int64_t) { return {job_display_id(job)}; }
Cell cell_own_id(const pb::JobRecord& job, int64_t) { return {std::to_string(job.job_id())}; }

Cell cell_array_job_id(const pb::JobRecord& job, int64_t) {
  return {std::to_string(job.array_job_id() ? job.array_job_id() : job.job_id())};
}

Cell cell_array_task_id(const pb::JobRecord& job, int64_t) {
  std::string task = task_part(job);
  return {task.empty() ? "N/A" : task};
}

Cell cell_name(const pb::JobRecord& job, int64_t) { return held(job.spec().name()); }

Cell cell_user(const pb::JobRecord& job, int64_t) {
  const std::string& name = job.spec().user_name();
  return name.empty() ? Cell{std::to_string(job.uid())} : held(name);
}

Cell cell_uid(const pb::JobRecord& job, int64_t) { return {std::to_string(job.uid())}; }
Cell cell_gid(const pb::JobRecord& job, int64_t) { return {std::to_string(job.gid())}; }

// Slurm looks the group up where squeue runs, falling back to the number.
Cell cell_group(const pb::JobRecord& job, int64_t) {
  struct group entry {};
  struct group* found = nullptr;
  char buf[4096];
  if (getgrgid_r(job.gid(), &entry, buf, sizeof buf, &found) == 0 && found && found->gr_name[0]) {
    return {found->gr_name};
  }
  return {std::to_string(job.gid())};
}

Cell cell_partition(const pb::JobRecord& job, int64_t) { return held(partition_of(job)); }

Cell cell_state_compact(const pb::JobRecord& job, int64_t) {
  return held(job_is_completing(job) ? "CG" : job_state_compact(job.state()));
}
Cell cell_state_long(const pb::JobRecord& job, int64_t) {
  return held(job_is_completing(job) ? "COMPLETING" : job_state_long(job.state()));
}

Cell cell_time_used(const pb::JobRecord& job, int64_t now) {
  return {squeue_secs(time_used(job, now)), false};
}

Cell cell_time_limit(const pb::JobRecord& job, int64_t) {
  uint32_t limit = job.spec().time_limit_min();
  if (limit == kInfiniteMinutes) return {"UNLIMITED"};
  if (limit == 0) return {"NOT_SET"};
  return {squeue_secs(int64_t{limit} * 60), false};
}

Cell cell_time_left(const pb::JobRecord& job, int64_t now) {
  uint32_t limit = job.spec().time_limit_min();
  if (limit == kInfiniteMinutes) return {"UNLIMITED"};
  if (limit == 0) return {"NOT_SET"};
  return {squeue_secs(time_left(job, now)), false};
}

Cell cell_time_min(const pb::JobRecord& job, int64_t) {
  return {squeue_secs(int64_t{job.spec().time_min_min()} * 60)};
}

Cell cell_nodes(const pb::JobRecord& job, int64_t) { return {std::to_string(node_count(job))}; }
Cell cell_cpus(const pb::JobRecord& job, int64_t) { return {std::to_string(cpu_count(job))}; }
Cell cell_tasks(const pb::JobRecord& job, int64_t) { return {std::to_string(task_count(job))}; }

Cell cell_min_cpus(const pb::JobRecord& job, int64_t) {
  return {with_unit(std::max<uint32_t>(1, job.spec().cpus_per_task()), 0)};
}

Cell cell_cpus_per_task(const pb::JobRecord& job, int64_t) {
  return {std::to_string(std::max<uint32_t>(1, job.spec().cpus_per_task()))};
}

Cell cell_max_nodes(const pb::JobRecord& job, int64_t) {
  uint32_t max = job.spec().max_nodes();
  return {std::to_string(max ? max : node_count(job))};
}

Cell cell_max_cpus(const pb::JobRecord& job, int64_t) { return {std::to_string(cpu_count(job))}; }

// Memory per node, or per CPU: Slurm prints both the same way.
Cell cell_min_memory(const pb::JobRecord& job, int64_t) {
  uint64_t mb = job.spec().mem_mb() ? job.spec().mem_mb() : job.spec().mem_per_cpu_mb();
  return {with_unit(static_cast<double>(mb), 2)};
}

Cell cell_zero(const pb::JobRecord&, int64_t) { return {"0"}; }
Cell cell_one(const pb::JobRecord&, int64_t) { return {"1"}; }

Cell cell_nodelist(const pb::JobRecord& job, int64_t) {
  return {hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()}), false};
}

Cell cell_req_nodes(const pb::JobRecord& job, int64_t) {
  return {hostlist_of(job.spec().nodelist()), false};
}
Cell cell_exc_nodes(const pb::JobRecord& job, int64_t) {
  return {hostlist_of(job.spec().exclude()), false};
}

// Failed jobs keep explaining themselves in place of their node list
// (Slurm's _print_job_reason_list; NODE_FAIL and CANCELLED show nodes).
bool shows_reason(const pb::JobRecord& job) {
  if (job_is_completing(job)) return false;
  switch (job.state()) {
    case pb::JOB_PENDING:
      return true;
    case pb::JOB_FAILED:
    case pb::JOB_TIMEOUT:
    case pb::JOB_OUT_OF_MEMORY:
      return !job.reason().empty();
    default:
      return false;
  }
}

Cell cell_reason_list(const pb::JobRecord& job, int64_t now) {
  if (shows_reason(job)) {
    const std::string& reason = job.reason().empty() ? kNone : job.reason();
    std::string text;
    text.reserve(reason.size() + 2);
    text += '(';
    text += reason;
    text += ')';
    return {std::move(text)};
  }
  return cell_nodelist(job, now);
}

Cell cell_reason(const pb::JobRecord& job, int64_t) {
  return held(job.reason().empty() ? std::string_view("None") : std::string_view(job.reason()));
}
// A pending job shows its reservation's start, as Slurm's backfill sets it.
Cell cell_start(const pb::JobRecord& job, int64_t) {
  return {iso_or_na(job.state() == pb::JOB_PENDING ? job.expected_start() : job.start_time())};
}
Cell cell_submit(const pb::JobRecord& job, int64_t) { return {iso_or_na(job.submit_time())}; }
Cell cell_deadline(const pb::JobRecord& job, int64_t) { return {iso_or_na(job.spec().deadline())}; }

Cell cell_eligible(const pb::JobRecord& job, int64_t) {
  return {iso_or_na(std::max(job.submit_time(), job.spec().begin_time()))};
}

// Slurm prints the planned end of a running job, NONE when it has none.
Cell cell_end(const pb::JobRecord& job, int64_t) {
  if (job.end_time() != 0 || job.state() != pb::JOB_RUNNING) return {iso_or_na(job.end_time())};
  uint32_t limit = job.spec().time_limit_min();
  if (limit == kInfiniteMinutes) return {"NONE"};
  return {iso_or_na(expected_end(job))};
}

// Seconds the job waited (or has waited so far) to start.
Cell cell_pending_time(const pb::JobRecord& job, int64_t now) {
  int64_t start = job.start_time() ? job.start_time() : now;
  return {std::to_string(std::max<int64_t>(0, start - job.submit_time()))};
}

Cell cell_priority(const pb::JobRecord& job, int64_t) { return {std::to_string(job.priority())}; }

Cell cell_priority_norm(const pb::JobRecord& job, int64_t) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%16.14f", job.priority() / static_cast<double>(UINT32_MAX));
  return {buf};
}

Cell cell_command(const pb::JobRecord& job, int64_t) { return or_null(job.spec().command()); }
Cell cell_work_dir(const pb::JobRecord& job, int64_t) { return or_null(job.spec().work_dir()); }
Cell cell_account(const pb::JobRecord& job, int64_t) { return or_null(job.spec().account()); }
Cell cell_qos(const pb::JobRecord& job, int64_t) { return or_null(job.spec().qos()); }
Cell cell_comment(const pb::JobRecord& job, int64_t) { return or_null(job.spec().comment()); }
Cell cell_wckey(const pb::JobRecord& job, int64_t) { return or_null(job.spec().wckey()); }
Cell cell_reservation(const pb::JobRecord& job, int64_t) {
  return or_null(job.spec().reservation());
}
Cell cell_features(const pb::JobRecord& job, int64_t) { return or_null(job.spec().constraint()); }
// What is left of the job's dependency, as the controller words it:
// "afterok:12(unfulfilled)"; "(null)" once met.
Cell cell_dependency(const pb::JobRecord& job, int64_t) { return or_null(job.dependency_state()); }
Cell cell_null(const pb::JobRecord&, int64_t) { return {"(null)"}; }
// The nodes a pending job's backfill reservation holds.
Cell cell_sched_nodes(const pb::JobRecord& job, int64_t) {
  return {job.sched_nodes().empty() ? "(null)" : job.sched_nodes()};
}
Cell cell_na(const pb::JobRecord&, int64_t) { return {"N/A"}; }
Cell cell_star(const pb::JobRecord&, int64_t) { return {"*"}; }
Cell cell_sct(const pb::JobRecord&, int64_t) { return {"*:*:*"}; }
Cell cell_empty(const pb::JobRecord&, int64_t) { return {"", false}; }

// The batch script runs on the first allocated node.
Cell cell_exec_host(const pb::JobRecord& job, int64_t) {
  return {job.nodes_size() ? job.nodes(0) : "n/a"};
}

Cell cell_oversubscribe(const pb::JobRecord& job, int64_t) {
  return {job.spec().exclusive() ? "NO" : "OK"};
}

Cell cell_nice(const pb::JobRecord& job, int64_t) { return {std::to_string(job.spec().nice())}; }
Cell cell_requeue(const pb::JobRecord& job, int64_t) { return {job.spec().requeue() ? "1" : "0"}; }
Cell cell_restarts(const pb::JobRecord& job, int64_t) { return {std::to_string(job.restarts())}; }

Cell cell_ntasks_per_node(const pb::JobRecord& job, int64_t) {
  uint32_t n = job.spec().ntasks_per_node();
  return {n ? std::to_string(n) : "N/A"};
}

// Slurm prints the raw wait status: exit 3 is 768, a KILL is 9.
Cell cell_exit_code(const pb::JobRecord& job, int64_t) {
  return {std::to_string((job.exit_status() & 0xff) << 8 | (job.term_signal() & 0x7f))};
}

Cell cell_stdout(const pb::JobRecord& job, int64_t) {
  return {output_path(job, job.spec().stdout_pattern())};
}
Cell cell_stderr(const pb::JobRecord& job, int64_t) {
  const pb::JobSpec& spec = job.spec();
  return {output_path(job, spec.stderr_pattern().empty() ? spec.stdout_pattern() : spec.stderr_pattern())};
}
Cell cell_stdin(const pb::JobRecord& job, int64_t) {
  const std::string& in = job.spec().stdin_path();
  return {in.empty() ? "/dev/null" : in};
}

// Slurm 22.05 shows a --gres request as "gres:gpu:2".
Cell cell_tres_per_node(const pb::JobRecord& job, int64_t) {
  const std::string& gres = job.spec().gres();
  if (gres.empty()) return {"N/A"};
  std::string out;
  size_t start = 0;
  while (start <= gres.size()) {
    size_t end = gres.find(',', start);
    if (end == std::string::npos) end = gres.size();
    if (end > start) out += (out.empty() ? "gres:" : ",gres:") + gres.substr(start, end - start);
    start = end + 1;
  }
  return {out};
}

// "cpu=2,mem=1000M,node=1,billing=2": allocated, or requested while pending.
Cell cell_tres(const pb::JobRecord& job, int64_t) {
  uint32_t cpus = cpu_count(job);
  uint32_t nodes = node_count(job);
  uint64_t mem = job.spec().mem_mb() ? job.spec().mem_mb() * nodes
                                     : job.spec().mem_per_cpu_mb() * cpus;
  std::string text = "cpu=" + std::to_string(cpus);
  if (mem) text += ",mem=" + with_unit(static_cast<double>(mem), 2);
  text += ",node=" + std::to_string(nodes) + ",billing=" + std::to_string(cpus);
  return {text};
}

// ---- what each cell reads, as listing columns ----------------------------
// Each set below lists every field its cell (and the helpers it calls) reads;
// tests/unit/listing_columns_test.cc renders each column from a table that
// carries only these and compares it with the full table.
#define F(Name) pb::ListingTable::k##Name##FieldNumber
constexpr ListingColumns kDisplayId{F(JobId),       F(ArrayJobId),   F(IsArrayTask),
                                    F(ArrayTaskId), F(PendingCount), F(ArrayThrottle)};
constexpr ListingColumns kNodeCount{F(NodeCount), F(MinNodes)};
constexpr ListingColumns kCpuCount{F(AllocCpus), F(Ntasks), F(MinNodes), F(CpusPerTask)};
constexpr ListingColumns kRunTime{F(State), F(StartTime), F(EndTime), F(SuspendTime), F(SuspendedSecs)};

constexpr Column kColumns[] = {
    {'a', "account", "ACCOUNT", true, {F(Account)}, cell_account},
    {'A', "jobid", "JOBID", true, {F(JobId)}, cell_own_id},
    {'b', "tres-per-node gres", "TRES_PER_NODE", true, {F(Gres)}, cell_tres_per_node},
    {'B', "batchhost", "EXEC_HOST", true, {F(NodeCount)}, cell_exec_host},
    {'c', "mincpus", "MIN_CPUS", true, {F(CpusPerTask)}, cell_min_cpus},
    {'C', "numcpus", "CPUS", true, kCpuCount, cell_cpus},
    {'d', "mintmpdisk", "MIN_TMP_DISK", true, {}, cell_zero},
    {'D', "numnodes", "NODES", true, kNodeCount, cell_nodes},
    {'e', "endtime", "END_TIME", true, {F(EndTime), F(State), F(TimeLimitMin), F(StartTime)}, cell_end},
    {'E', "dependency", "DEPENDENCY", true, {F(DependencyState)}, cell_dependency},
    {'f', "feature", "FEATURES", true, {F(Constraint)}, cell_features},
    {'F', "arrayjobid", "ARRAY_JOB_ID", true, {F(ArrayJobId), F(JobId)}, cell_array_job_id},
    {'g', "groupname", "GROUP", true, {F(Gid)}, cell_group},
    {'G', "groupid", "GROUP", true, {F(Gid)}, cell_gid},
    {'h', "oversubscribe shared", "OVER_SUBSCRIBE", true, {F(Exclusive)}, cell_oversubscribe},
    {'H', "sockets", "SOCKETS_PER_NODE", true, {}, cell_star},
    {'i', "jobarrayid", "JOBID", true, kDisplayId, cell_display_id},
    {'I', "cores", "CORES_PER_SOCKET", true, {}, cell_star},
    {'j', "name", "NAME", true, {F(Name)}, cell_name},
    {'J', "threads", "THREADS_PER_CORE", true, {}, cell_star},
    {'k', "comment", "COMMENT", true, {F(Comment)}, cell_comment},
    {'K', "arraytaskid", "ARRAY_TASK_ID", true, kDisplayId, cell_array_task_id},
    {'l', "timelimit", "TIME_LIMIT", true, {F(TimeLimitMin)}, cell_time_limit},
    {'L', "timeleft", "TIME_LEFT", true, kRunTime | ListingColumns{F(TimeLimitMin)}, cell_time_left},
    {'m', "minmemory", "MIN_MEMORY", true, {F(MemMb), F(MemPerCpuMb)}, cell_min_memory},
    {'M', "timeused", "TIME", true, kRunTime, cell_time_used},
    {'n', "reqnodes", "REQ_NODES", true, {F(Nodelist)}, cell_req_nodes},
    {'N', "nodelist", "NODELIST", false, {F(NodeCount)}, cell_nodelist},
    {'o', "command", "COMMAND", true, {F(Command)}, cell_command},
    {'O', "contiguous", "CONTIGUOUS", true, {}, cell_zero},
    {'p', "priority", "PRIORITY", true, {F(Priority)}, cell_priority_norm},
    {'P', "partition", "PARTITION", true, {F(Partition), F(SpecPartition)}, cell_partition},
    {'q', "qos", "QOS", true, {F(Qos)}, cell_qos},
    {'Q', "prioritylong", "PRIORITY", true, {F(Priority)}, cell_priority},
    {'r', "reason", "REASON", true, {F(Reason)}, cell_reason},
    {'R', "reasonlist", "NODELIST(REASON)", false, {F(State), F(KillSent), F(Reason), F(NodeCount)}, cell_reason_list},
    {'S', "starttime", "START_TIME", true, {F(State), F(ExpectedStart), F(StartTime)}, cell_start},
    {'t', "statecompact", "ST", true, {F(State), F(KillSent)}, cell_state_compact},
    {'T', "state", "STATE", true, {F(State), F(KillSent)}, cell_state_long},
    {'u', "username", "USER", true, {F(UserName), F(Uid)}, cell_user},
    {'U', "userid", "UID", true, {F(Uid)}, cell_uid},
    {'v', "reservation", "RESERVATION", true, {F(Reservation)}, cell_reservation},
    {'V', "submittime", "SUBMIT_TIME", true, {F(SubmitTime)}, cell_submit},
    {'w', "wckey", "WCKEY", true, {F(Wckey)}, cell_wckey},
    {'W', "licenses", "LICENSES", true, {}, cell_null},
    {'x', "excnodes", "EXC_NODES", true, {F(Exclude)}, cell_exc_nodes},
    {'X', "corespec", "CORE_SPEC", true, {}, cell_na},
    {'y', "nice", "NICE", true, {F(Nice)}, cell_nice},
    {'Y', "schednodes", "SCHEDNODES", false, {F(SchedNodes)}, cell_sched_nodes},
    {'z', "sct", "S:C:T", true, {}, cell_sct},
    {'Z', "workdir", "WORK_DIR", true, {F(WorkDir)}, cell_work_dir},
    // -O only.
    {0, "batchflag", "BATCH_FLAG", true, {}, cell_one},
    {0, "cpus-per-task cpuspertask", "CPUS_PER_TASK", true, {F(CpusPerTask)}, cell_cpus_per_task},
    {0, "deadline", "DEADLINE", true, {F(Deadline)}, cell_deadline},
    {0, "derivedec", "DERIVED_EC", true, {}, cell_zero},
    {0, "eligibletime", "ELIGIBLE_TIME", true, {F(SubmitTime), F(BeginTime)}, cell_eligible},
    {0, "exit_code", "EXIT_CODE", true, {F(ExitStatus), F(TermSignal)}, cell_exit_code},
    {0, "lastschedeval", "LAST_SCHED_EVAL", true, {}, cell_na},
    {0, "maxcpus", "MAX_CPUS", true, kCpuCount, cell_max_cpus},
    {0, "maxnodes", "MAX_NODES", true, kNodeCount | ListingColumns{F(MaxNodes)}, cell_max_nodes},
    {0, "mintime", "TIME_MIN", true, {F(TimeMinMin)}, cell_time_min},
    {0, "ntpernode", "NTASKS_PER_NODE", true, {F(NtasksPerNode)}, cell_ntasks_per_node},
    {0, "pendingtime", "PENDING_TIME", true, {F(StartTime), F(SubmitTime)}, cell_pending_time},
    {0, "reboot", "REBOOT", true, {}, cell_zero},
    {0, "requeue", "REQUEUE", true, {F(Requeue)}, cell_requeue},
    {0, "restartcnt", "RESTART_COUNT", true, {F(Restarts)}, cell_restarts},
    {0, "stderr", "STDERR", true, {F(StderrPattern), F(StdoutPattern), F(WorkDir), F(JobId)}, cell_stderr},
    {0, "stdin", "STDIN", true, {F(StdinPath)}, cell_stdin},
    {0, "stdout", "STDOUT", true, {F(StdoutPattern), F(WorkDir), F(JobId)}, cell_stdout},
    {0, "tres-alloc tres", "TRES_ALLOC", true, kCpuCount | kNodeCount | ListingColumns{F(MemMb), F(MemPerCpuMb)}, cell_tres},
    {0, "mcslabel", "MCSLABEL", true, {}, cell_null},
    {0, "network", "NETWORK", true, {}, cell_null},
    // The select plugins Drover mirrors (linear, cons_tres) print nothing here.
    {'s', "selectjobinfo", "", true, {}, cell_empty},
};

#undef F

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

}  // namespace

const ListingColumns kAlwaysRead = kDisplayId;

const Column* find_column(char code) {
  if (code == 0) return nullptr;
  for (const Column& column : kColumns) {
    if (column.code == code) return &column;
  }
  return nullptr;
}

const Column* find_long_column(std::string_view name) {
  // Slurm matches "numtasks" on its first 7 letters ("numtask", "numtasks").
  if (name.size() >= 7 && equals_ignore_case(name.substr(0, 7), "numtask")) {
    static constexpr Column kTasks{
        0, "numtasks", "TASKS", true,
        kNodeCount | ListingColumns{pb::ListingTable::kNtasksFieldNumber, pb::ListingTable::kNtasksPerNodeFieldNumber},
        cell_tasks};
    return &kTasks;
  }
  for (const Column& column : kColumns) {
    std::string_view names = column.names;
    while (!names.empty()) {
      size_t space = names.find(' ');
      if (equals_ignore_case(name, names.substr(0, space))) return &column;
      names = space == std::string_view::npos ? "" : names.substr(space + 1);
    }
  }
  return nullptr;
}

std::string all_codes() {
  std::string codes;
  for (char c = 'a'; c <= 'z'; ++c)
    if (find_column(c)) codes += c;
  for (char c = 'A'; c <= 'Z'; ++c)
    if (find_column(c)) codes += c;
  return codes;
}

const std::string& partition_of(const pb::JobRecord& job) {
  return job.partition().empty() ? job.spec().partition() : job.partition();
}

int64_t time_used(const pb::JobRecord& job, int64_t now) { return job_run_seconds(job, now); }

int64_t time_left(const pb::JobRecord& job, int64_t now) {
  uint32_t limit = job.spec().time_limit_min();
  if (limit == kInfiniteMinutes || limit == 0) return std::numeric_limits<int64_t>::max();
  return int64_t{limit} * 60 - time_used(job, now);
}

uint32_t node_count(const pb::JobRecord& job) {
  if (job.nodes_size() > 0) return static_cast<uint32_t>(job.nodes_size());
  return std::max<uint32_t>(1, job.spec().min_nodes());
}

uint32_t cpu_count(const pb::JobRecord& job) {
  return job.alloc_cpus() ? job.alloc_cpus() : requested_cpus(job);
}

int64_t expected_end(const pb::JobRecord& job) {
  if (job.end_time() != 0) return job.end_time();
  uint32_t limit = job.spec().time_limit_min();
  if (job.start_time() == 0 || limit == 0 || limit == kInfiniteMinutes) return 0;
  return job.start_time() + int64_t{limit} * 60;
}

}  // namespace drover::squeue
