// squeue's -o format language over job records (spec §0, §3). Column
// widths, justification and truncation follow Slurm's print.c: text is cut
// to the column width, durations and node lists never are.
#include "drover/squeue_format.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "drover/array_spec.h"
#include "drover/format_spec.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/time_format.h"

namespace drover {
namespace {

// squeue prints durations beyond a year as INVALID.
constexpr int64_t kYearSeconds = 365LL * 24 * 3600;

// One rendered value and whether Slurm cuts it to the column width.
struct Cell {
  std::string text;
  bool cut = true;
};

using CellFn = Cell (*)(const pb::JobRecord& job, int64_t now);

struct Column {
  char code;
  std::string_view header;
  bool cut_header;
  CellFn cell;
};

// A piece of the parsed format: literal text, or a column.
struct Field {
  const Column* column = nullptr;  // null: literal text
  std::string text;
  int width = 0;
  bool right = false;
};

// ---- job facts -----------------------------------------------------------

const std::string& partition_of(const pb::JobRecord& job) {
  return job.partition().empty() ? job.spec().partition() : job.partition();
}

std::string reason_of(const pb::JobRecord& job) {
  return job.reason().empty() ? "None" : job.reason();
}

TaskSet pending_tasks(const pb::JobRecord& job) {
  std::vector<TaskSet::Interval> intervals;
  intervals.reserve(job.array_pending_size());
  for (const auto& range : job.array_pending()) intervals.emplace_back(range.first(), range.last());
  return TaskSet(std::move(intervals));
}

bool is_array_meta(const pb::JobRecord& job) {
  return job.array_job_id() != 0 && !job.is_array_task() && job.array_pending_size() > 0;
}

// The task part of the id: "3", or the pending ranges with the throttle
// ("5-10%2"), as Slurm's array_task_str carries it. Empty: not an array.
std::string task_part(const pb::JobRecord& job) {
  if (job.array_job_id() == 0) return "";
  if (job.is_array_task()) return std::to_string(job.array_task_id());
  if (!is_array_meta(job)) return "";
  TaskSet tasks = pending_tasks(job);
  // A lone pending task is shown like a started one, without brackets.
  if (tasks.count() == 1) return std::to_string(tasks.first());
  std::string text = tasks.to_string();
  if (job.array_throttle() > 0) text += "%" + std::to_string(job.array_throttle());
  return text;
}

int64_t time_used(const pb::JobRecord& job, int64_t now) {
  return job_run_seconds(job, now);
}

uint32_t node_count(const pb::JobRecord& job) {
  if (job.nodes_size() > 0) return static_cast<uint32_t>(job.nodes_size());
  return std::max<uint32_t>(1, job.spec().min_nodes());
}

uint32_t requested_cpus(const pb::JobRecord& job) {
  const pb::JobSpec& spec = job.spec();
  uint32_t tasks = spec.ntasks() ? spec.ntasks() : std::max<uint32_t>(1, spec.min_nodes());
  return tasks * std::max<uint32_t>(1, spec.cpus_per_task());
}

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

std::string or_null(const std::string& text) { return text.empty() ? "(null)" : text; }

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

Cell cell_name(const pb::JobRecord& job, int64_t) { return {job.spec().name()}; }

Cell cell_user(const pb::JobRecord& job, int64_t) {
  const std::string& name = job.spec().user_name();
  return {name.empty() ? std::to_string(job.uid()) : name};
}

Cell cell_uid(const pb::JobRecord& job, int64_t) { return {std::to_string(job.uid())}; }
Cell cell_gid(const pb::JobRecord& job, int64_t) { return {std::to_string(job.gid())}; }
Cell cell_partition(const pb::JobRecord& job, int64_t) { return {partition_of(job)}; }
// A job whose processes are still being killed is COMPLETING (CG), the
// flag winning over its terminal state, as Slurm prints it.
bool completing(const pb::JobRecord& job) { return job.kill_sent() && job_state_is_finished(job.state()); }

Cell cell_state_compact(const pb::JobRecord& job, int64_t) {
  return {completing(job) ? "CG" : std::string(job_state_compact(job.state()))};
}
Cell cell_state_long(const pb::JobRecord& job, int64_t) {
  return {completing(job) ? "COMPLETING" : std::string(job_state_long(job.state()))};
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
  return {squeue_secs(int64_t{limit} * 60 - time_used(job, now)), false};
}

Cell cell_nodes(const pb::JobRecord& job, int64_t) { return {std::to_string(node_count(job))}; }

Cell cell_cpus(const pb::JobRecord& job, int64_t) {
  return {std::to_string(job.alloc_cpus() ? job.alloc_cpus() : requested_cpus(job))};
}

Cell cell_min_cpus(const pb::JobRecord& job, int64_t) {
  return {with_unit(std::max<uint32_t>(1, job.spec().cpus_per_task()), 0)};
}

Cell cell_min_memory(const pb::JobRecord& job, int64_t) {
  return {with_unit(static_cast<double>(job.spec().mem_mb()), 2)};
}

Cell cell_nodelist(const pb::JobRecord& job, int64_t) {
  return {hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()}), false};
}

// Failed jobs keep explaining themselves in place of their node list
// (Slurm's _print_job_reason_list; NODE_FAIL and CANCELLED show nodes).
bool shows_reason(const pb::JobRecord& job) {
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
  if (shows_reason(job)) return {"(" + reason_of(job) + ")"};
  return cell_nodelist(job, now);
}

Cell cell_reason(const pb::JobRecord& job, int64_t) { return {reason_of(job)}; }
Cell cell_start(const pb::JobRecord& job, int64_t) { return {iso_or_na(job.start_time())}; }
Cell cell_submit(const pb::JobRecord& job, int64_t) { return {iso_or_na(job.submit_time())}; }

// A running job's end is its start plus its limit, as the controller
// would have set it; NONE when it has no limit.
Cell cell_end(const pb::JobRecord& job, int64_t) {
  if (job.end_time() != 0 || job.state() != pb::JOB_RUNNING) return {iso_or_na(job.end_time())};
  uint32_t limit = job.spec().time_limit_min();
  if (limit == kInfiniteMinutes) return {"NONE"};
  if (limit == 0) return {"N/A"};
  return {iso_or_na(job.start_time() + int64_t{limit} * 60)};
}

Cell cell_priority(const pb::JobRecord& job, int64_t) { return {std::to_string(job.priority())}; }

Cell cell_priority_norm(const pb::JobRecord& job, int64_t) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%16.14f", job.priority() / static_cast<double>(UINT32_MAX));
  return {buf};
}

Cell cell_command(const pb::JobRecord& job, int64_t) { return {or_null(job.spec().command())}; }
Cell cell_work_dir(const pb::JobRecord& job, int64_t) { return {or_null(job.spec().work_dir())}; }

// The batch script runs on the first allocated node.
Cell cell_exec_host(const pb::JobRecord& job, int64_t) {
  return {job.nodes_size() ? job.nodes(0) : "n/a"};
}

// Drover has no accounts or dependencies; Slurm prints a NULL as "(null)".
Cell cell_null(const pb::JobRecord&, int64_t) { return {"(null)"}; }

Cell cell_oversubscribe(const pb::JobRecord& job, int64_t) {
  return {job.spec().exclusive() ? "NO" : "OK"};
}

constexpr Column kColumns[] = {
    {'i', "JOBID", true, cell_display_id},
    {'A', "JOBID", true, cell_own_id},
    {'F', "ARRAY_JOB_ID", true, cell_array_job_id},
    {'K', "ARRAY_TASK_ID", true, cell_array_task_id},
    {'j', "NAME", true, cell_name},
    {'u', "USER", true, cell_user},
    {'U', "UID", true, cell_uid},
    {'G', "GROUP", true, cell_gid},
    {'a', "ACCOUNT", true, cell_null},
    {'E', "DEPENDENCY", true, cell_null},
    {'P', "PARTITION", true, cell_partition},
    {'t', "ST", true, cell_state_compact},
    {'T', "STATE", true, cell_state_long},
    {'M', "TIME", true, cell_time_used},
    {'l', "TIME_LIMIT", true, cell_time_limit},
    {'L', "TIME_LEFT", true, cell_time_left},
    {'D', "NODES", true, cell_nodes},
    {'C', "CPUS", true, cell_cpus},
    {'c', "MIN_CPUS", true, cell_min_cpus},
    {'m', "MIN_MEMORY", true, cell_min_memory},
    {'N', "NODELIST", false, cell_nodelist},
    {'R', "NODELIST(REASON)", false, cell_reason_list},
    {'r', "REASON", true, cell_reason},
    {'S', "START_TIME", true, cell_start},
    {'e', "END_TIME", true, cell_end},
    {'V', "SUBMIT_TIME", true, cell_submit},
    {'Q', "PRIORITY", true, cell_priority},
    {'p', "PRIORITY", true, cell_priority_norm},
    {'o', "COMMAND", true, cell_command},
    {'Z', "WORK_DIR", true, cell_work_dir},
    {'B', "EXEC_HOST", true, cell_exec_host},
    {'h', "OVER_SUBSCRIBE", true, cell_oversubscribe},
};

const Column* find_column(char code) {
  for (const Column& column : kColumns) {
    if (column.code == code) return &column;
  }
  return nullptr;
}

// ---- format parsing and rendering ------------------------------------------

// Parses "%[.][width]code" fields and the literal text around them.
Result<std::vector<Field>> parse_format(std::string_view format) {
  auto pieces = parse_format_spec(
      format, [](char code) { return find_column(code) != nullptr; },
      "Invalid job format specification: ", /*allow_fitted=*/false);
  if (!pieces) return Result<std::vector<Field>>::fail(pieces.error());
  std::vector<Field> fields;
  for (FormatPiece& piece : *pieces) {
    const Column* column = piece.code ? find_column(piece.code) : nullptr;
    fields.push_back(Field{column, std::move(piece.text), piece.width, piece.right});
  }
  return Result<std::vector<Field>>::ok(std::move(fields));
}

void append_cell(std::string& out, std::string_view text, const Field& field, bool cut) {
  append_padded(out, text, field.width, field.right, cut);
}

void append_header(std::string& out, const std::vector<Field>& fields) {
  for (const Field& field : fields) {
    if (!field.column) {
      out += field.text;
      continue;
    }
    append_cell(out, field.column->header, field, field.column->cut_header);
  }
  out += '\n';
}

void append_job(std::string& out, const std::vector<Field>& fields, const pb::JobRecord& job,
                int64_t now) {
  for (const Field& field : fields) {
    if (!field.column) {
      out += field.text;
      continue;
    }
    Cell cell = field.column->cell(job, now);
    append_cell(out, cell.text, field, cell.cut);
  }
  out += '\n';
}

}  // namespace

Result<std::string> format_squeue(const std::vector<const pb::JobRecord*>& jobs,
                                  std::string_view format, int64_t now, bool header) {
  auto fields = parse_format(format);
  if (!fields) return Result<std::string>::fail(fields.error());
  std::string out;
  if (header) append_header(out, *fields);
  for (const pb::JobRecord* job : jobs) append_job(out, *fields, *job, now);
  return Result<std::string>::ok(std::move(out));
}

std::string job_display_id(const pb::JobRecord& job) {
  std::string task = task_part(job);
  if (task.empty()) return std::to_string(job.job_id());
  bool bracketed = is_array_meta(job) && pending_tasks(job).count() > 1;
  std::string id = std::to_string(job.array_job_id()) + "_";
  return bracketed ? id + "[" + task + "]" : id + task;
}

void sort_squeue_default(std::vector<const pb::JobRecord*>& jobs) {
  auto before = [](const pb::JobRecord* a, const pb::JobRecord* b) {
    if (int c = partition_of(*a).compare(partition_of(*b)); c != 0) return c < 0;
    if (int c = job_state_compact(a->state()).compare(job_state_compact(b->state())); c != 0) {
      return c < 0;
    }
    if (a->priority() != b->priority()) return a->priority() > b->priority();
    return a->job_id() < b->job_id();
  };
  std::stable_sort(jobs.begin(), jobs.end(), before);
}

}  // namespace drover
