// sacct's output (spec §7). Every field has Slurm's fixed width (negative:
// left-justified) and is followed by one space; a longer value is cut and
// ends in '+'. Parsable output (-p/-P) neither pads nor cuts.
#include "drover/sacct_format.h"

#include <grp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <optional>

#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/squeue_format.h"
#include "drover/time_format.h"

namespace drover {
namespace {

using CellFn = std::string (*)(const SacctRow& row, const SacctLayout& layout, int64_t now);

struct FieldDef {
  std::string_view name;
  int width;
  CellFn cell;
};

const pb::JobRecord& J(const SacctRow& row) { return *row.job; }

bool started(const pb::JobRecord& job) { return job.start_time() != 0; }

int64_t elapsed(const pb::JobRecord& job, int64_t now) { return job_run_seconds(job, now); }

// A started job whose processes were killed by Slurm: its batch step shows
// CANCELLED, killed by SIGTERM (spec §7).
bool batch_killed(const pb::JobRecord& job) {
  return started(job) && (job.state() == pb::JOB_CANCELLED || job.state() == pb::JOB_TIMEOUT);
}

const pb::StepRecord* S(const SacctRow& row) { return row.step; }

int64_t step_elapsed(const pb::StepRecord& step, int64_t now) {
  if (step.start_time() == 0) return 0;
  return std::max<int64_t>(0, (step.end_time() != 0 ? step.end_time() : now) - step.start_time());
}

std::string state_text(const SacctRow& row, const SacctLayout&, int64_t) {
  if (const pb::StepRecord* step = S(row)) return std::string(job_state_long(step->state()));
  const pb::JobRecord& job = J(row);
  if (row.batch_step && batch_killed(job)) return "CANCELLED";
  std::string state(job_state_long(job.state()));
  if (!row.batch_step && job.state() == pb::JOB_CANCELLED) state += " by " + std::to_string(job.cancelled_by());
  return state;
}

std::string exit_code(const SacctRow& row, const SacctLayout&, int64_t) {
  if (const pb::StepRecord* step = S(row))
    return std::to_string(step->exit_status()) + ":" + std::to_string(step->term_signal());
  const pb::JobRecord& job = J(row);
  if (row.batch_step && batch_killed(job)) return "0:15";
  // A cancelled job's own line keeps the script's status, not the signal Slurm sent.
  int signal = job.state() == pb::JOB_CANCELLED ? 0 : job.term_signal();
  return std::to_string(job.exit_status()) + ":" + std::to_string(signal);
}

// ".batch", ".3" or "" for the job itself.
std::string step_suffix(const SacctRow& row) {
  if (S(row)) return "." + std::to_string(S(row)->step_id());
  return row.batch_step ? ".batch" : "";
}

bool is_step(const SacctRow& row) { return row.batch_step || S(row); }

std::string job_id(const SacctRow& row, const SacctLayout&, int64_t) {
  return job_display_id(J(row)) + step_suffix(row);
}

std::string job_id_raw(const SacctRow& row, const SacctLayout&, int64_t) {
  return std::to_string(J(row).job_id()) + step_suffix(row);
}

std::string job_name(const SacctRow& row, const SacctLayout&, int64_t) {
  if (S(row)) return S(row)->name();
  return row.batch_step ? "batch" : J(row).spec().name();
}

std::string user(const SacctRow& row, const SacctLayout&, int64_t) {
  if (is_step(row)) return "";
  const std::string& name = J(row).spec().user_name();
  return name.empty() ? std::to_string(J(row).uid()) : name;
}

std::string uid(const SacctRow& row, const SacctLayout&, int64_t) {
  return is_step(row) ? "" : std::to_string(J(row).uid());
}

std::string group(const SacctRow& row, const SacctLayout&, int64_t) {
  if (is_step(row)) return "";
  gid_t gid = J(row).gid();
  struct group entry {};
  struct group* found = nullptr;
  char buf[4096];
  if (getgrgid_r(gid, &entry, buf, sizeof buf, &found) == 0 && found) return found->gr_name;
  return std::to_string(gid);
}

std::string partition(const SacctRow& row, const SacctLayout&, int64_t) {
  if (is_step(row)) return "";
  const pb::JobRecord& job = J(row);
  return job.partition().empty() ? job.spec().partition() : job.partition();
}

// Steps carry the job's account, as in Slurm.
std::string account(const SacctRow& row, const SacctLayout&, int64_t) { return J(row).spec().account(); }

std::string comment(const SacctRow& row, const SacctLayout&, int64_t) {
  return is_step(row) ? "" : J(row).spec().comment();
}

std::string alloc_cpus(const SacctRow& row, const SacctLayout&, int64_t) {
  if (S(row)) return std::to_string(S(row)->cpus());
  return std::to_string(J(row).alloc_cpus());
}

std::string ntasks(const SacctRow& row, const SacctLayout&, int64_t) {
  if (S(row)) return std::to_string(std::max<uint32_t>(1, S(row)->ntasks()));
  return row.batch_step ? "1" : "";
}

std::string req_cpus(const SacctRow& row, const SacctLayout&, int64_t) {
  const pb::JobSpec& spec = J(row).spec();
  uint32_t tasks = spec.ntasks() ? spec.ntasks() : std::max<uint32_t>(1, spec.min_nodes());
  return std::to_string(tasks * std::max<uint32_t>(1, spec.cpus_per_task()));
}

int64_t row_elapsed(const SacctRow& row, int64_t now) {
  return S(row) ? step_elapsed(*S(row), now) : elapsed(J(row), now);
}

std::string elapsed_text(const SacctRow& row, const SacctLayout&, int64_t now) {
  return format_duration(row_elapsed(row, now));
}

std::string elapsed_raw(const SacctRow& row, const SacctLayout&, int64_t now) {
  return std::to_string(row_elapsed(row, now));
}

std::string cpu_time(const SacctRow& row, const SacctLayout&, int64_t now) {
  uint32_t cpus = S(row) ? S(row)->cpus() : J(row).alloc_cpus();
  return format_duration(row_elapsed(row, now) * cpus);
}

// Measured for the batch script once it ended; srun steps are not measured.
bool measured(const SacctRow& row) {
  return !S(row) && started(J(row)) && job_state_is_finished(J(row).state());
}

std::string total_cpu(const SacctRow& row, const SacctLayout&, int64_t) {
  if (!measured(row)) return S(row) || started(J(row)) ? "00:00:00" : "";
  return format_sacct_cpu_time(J(row).total_cpu_us());
}

// Slurm reports memory use on step lines only; the job line stays empty.
std::string max_rss(const SacctRow& row, const SacctLayout& layout, int64_t) {
  if (!row.batch_step || !measured(row)) return "";
  return format_sacct_size_kb(J(row).max_rss_kb(), layout.units);
}

std::string start(const SacctRow& row, const SacctLayout&, int64_t) {
  return format_iso_time(S(row) ? S(row)->start_time() : J(row).start_time());
}
std::string end(const SacctRow& row, const SacctLayout&, int64_t) {
  return format_iso_time(S(row) ? S(row)->end_time() : J(row).end_time());
}

std::string submit(const SacctRow& row, const SacctLayout&, int64_t) {
  // A step is submitted when it starts.
  if (S(row)) return format_iso_time(S(row)->start_time());
  return format_iso_time(row.batch_step ? J(row).start_time() : J(row).submit_time());
}

std::string node_list(const SacctRow& row, const SacctLayout&, int64_t) {
  if (S(row)) {
    if (S(row)->nodes_size() == 0) return "None assigned";
    return hostlist::compress_sorted({S(row)->nodes().begin(), S(row)->nodes().end()});
  }
  const pb::JobRecord& job = J(row);
  if (job.nodes_size() == 0) return "None assigned";
  // The batch step runs on the first node only.
  if (row.batch_step) return job.nodes(0);
  return hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()});
}

std::string node_count(const SacctRow& row, const SacctLayout&, int64_t) {
  if (S(row)) return std::to_string(std::max(1, S(row)->nodes_size()));
  const pb::JobRecord& job = J(row);
  if (row.batch_step) return "1";
  if (job.nodes_size() > 0) return std::to_string(job.nodes_size());
  return std::to_string(std::max<uint32_t>(1, job.spec().min_nodes()));
}

std::string time_limit(const SacctRow& row, const SacctLayout&, int64_t) {
  if (is_step(row)) return "";
  uint32_t minutes = J(row).spec().time_limit_min();
  if (minutes == kInfiniteMinutes) return "UNLIMITED";
  if (minutes == 0) return "Partition_Limit";
  return format_duration(int64_t{minutes} * 60);
}

std::string req_mem(const SacctRow& row, const SacctLayout& layout, int64_t) {
  const pb::JobSpec& spec = J(row).spec();
  if (!spec.mem_given()) return "0";
  uint64_t mb = spec.mem_mb();
  if (layout.units) return format_sacct_size_kb(mb * 1024, layout.units);
  if (mb != 0 && mb % (1024 * 1024) == 0) return std::to_string(mb / (1024 * 1024)) + "T";
  if (mb != 0 && mb % 1024 == 0) return std::to_string(mb / 1024) + "G";
  return std::to_string(mb) + "M";
}

// "billing=2,cpu=2,mem=1000M,node=1", what the job asked for.
std::string req_tres(const SacctRow& row, const SacctLayout&, int64_t) {
  if (is_step(row)) return "";
  const pb::JobSpec& spec = J(row).spec();
  uint32_t nodes = std::max<uint32_t>(1, spec.min_nodes());
  uint32_t tasks = spec.ntasks() ? spec.ntasks() : nodes;
  uint32_t cpus = tasks * std::max<uint32_t>(1, spec.cpus_per_task());
  std::string out = "billing=" + std::to_string(cpus) + ",cpu=" + std::to_string(cpus);
  if (spec.mem_given() && spec.mem_mb() > 0) out += ",mem=" + std::to_string(spec.mem_mb() * nodes) + "M";
  return out + ",node=" + std::to_string(nodes);
}

std::string reason(const SacctRow& row, const SacctLayout&, int64_t) {
  if (is_step(row)) return "";
  return J(row).reason().empty() ? "None" : J(row).reason();
}

std::string work_dir(const SacctRow& row, const SacctLayout&, int64_t) { return J(row).spec().work_dir(); }

std::string cluster(const SacctRow&, const SacctLayout& layout, int64_t) { return layout.cluster; }

constexpr FieldDef kFields[] = {
    {"JobID", -12, job_id},        {"JobIDRaw", -12, job_id_raw},   {"JobName", 10, job_name},
    {"User", 9, user},             {"UID", 6, uid},                 {"Group", 9, group},
    {"Partition", 10, partition},  {"Account", 10, account},        {"AllocCPUS", 10, alloc_cpus},
    {"NCPUS", 10, alloc_cpus},     {"ReqCPUS", 8, req_cpus},        {"State", 10, state_text},
    {"ExitCode", 8, exit_code},    {"Elapsed", 10, elapsed_text},   {"ElapsedRaw", 10, elapsed_raw},
    {"Start", 19, start},          {"End", 19, end},                {"Submit", 19, submit},
    {"Eligible", 19, submit},      {"NodeList", 15, node_list},     {"NNodes", 8, node_count},
    {"Timelimit", 10, time_limit}, {"ReqMem", 10, req_mem},         {"MaxRSS", 10, max_rss},
    {"CPUTime", 10, cpu_time},     {"Reason", 22, reason},          {"WorkDir", 20, work_dir},
    {"Cluster", 10, cluster},      {"TotalCPU", 10, total_cpu},     {"NTasks", 8, ntasks},
    {"Comment", 15, comment},      {"ReqTRES", 10, req_tres},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) items.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

struct Column {
  const FieldDef* def;
  int width;  // negative: left-justified
};

Result<std::vector<Column>> parse_fields(std::string_view list) {
  std::vector<Column> columns;
  for (const std::string& item : split_commas(list)) {
    std::string_view name = item;
    std::optional<int> width;
    if (size_t pct = name.find('%'); pct != std::string_view::npos) {
      std::string_view digits = name.substr(pct + 1);
      name = name.substr(0, pct);
      int value = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || p != digits.data() + digits.size() || value == 0 || value > 100000 ||
          value < -100000)
        return Result<std::vector<Column>>::fail("Invalid field requested: \"" + item + "\"");
      width = value;
    }
    const FieldDef* def = nullptr;
    for (const FieldDef& f : kFields)
      if (iequals(f.name, name)) def = &f;
    if (!def) return Result<std::vector<Column>>::fail("Invalid field requested: \"" + std::string(name) + "\"");
    columns.push_back({def, width.value_or(def->width)});
  }
  return Result<std::vector<Column>>::ok(std::move(columns));
}

std::string pad(std::string text, int width) {
  size_t w = static_cast<size_t>(width < 0 ? -width : width);
  if (text.size() > w) {
    text.resize(w);
    if (w > 0) text[w - 1] = '+';
    return text;
  }
  std::string fill(w - text.size(), ' ');
  return width < 0 ? text + fill : fill + text;
}

void append_line(std::string& out, const std::vector<std::string>& values, const std::vector<Column>& columns,
                 const SacctLayout& layout) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (layout.parsable) {
      out += values[i];
      if (i + 1 < values.size() || layout.trailing_delimiter) out += layout.delimiter;
    } else {
      out += pad(values[i], columns[i].width);
      out += ' ';
    }
  }
  out += '\n';
}

int64_t unit_seconds(std::string_view unit) {
  std::string u;
  for (char c : unit) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.empty() || u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") return 1;
  if (u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes") return 60;
  if (u == "h" || u == "hour" || u == "hours") return 3600;
  if (u == "d" || u == "day" || u == "days") return 86400;
  if (u == "w" || u == "week" || u == "weeks") return 7 * 86400;
  return 0;
}

// Reads exactly `n` digits at `pos`.
bool digits_at(std::string_view s, size_t pos, size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::vector<SacctRow> sacct_rows(const std::vector<const pb::JobRecord*>& jobs, bool allocations_only) {
  std::vector<SacctRow> rows;
  for (const pb::JobRecord* job : jobs) {
    rows.push_back({job, false, nullptr});
    if (allocations_only || !started(*job)) continue;
    // An allocation held by srun or salloc runs no batch script: only its steps.
    if (!job->spec().allocation()) rows.push_back({job, true, nullptr});
    for (const pb::StepRecord& step : job->steps()) rows.push_back({job, false, &step});
  }
  return rows;
}

void sort_sacct(std::vector<const pb::JobRecord*>& jobs) {
  auto key = [](const pb::JobRecord* j) {
    uint32_t base = j->array_job_id() ? j->array_job_id() : j->job_id();
    // An array's pending remainder comes after its started tasks.
    uint64_t task = j->is_array_task() ? j->array_task_id() : (j->array_job_id() ? UINT64_MAX : 0);
    return std::make_pair(base, task);
  };
  std::stable_sort(jobs.begin(), jobs.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
}

Result<std::string> format_sacct(const std::vector<SacctRow>& rows, std::string_view fields,
                                 const SacctLayout& layout, int64_t now) {
  Result<std::vector<Column>> columns = parse_fields(fields);
  if (!columns) return Result<std::string>::fail(columns.error());
  std::string out;
  std::vector<std::string> values(columns->size());
  if (layout.header) {
    for (size_t i = 0; i < columns->size(); ++i) values[i] = std::string((*columns)[i].def->name);
    append_line(out, values, *columns, layout);
    if (!layout.parsable) {
      for (const Column& c : *columns) out += std::string(static_cast<size_t>(std::abs(c.width)), '-') + ' ';
      out += '\n';
    }
  }
  for (const SacctRow& row : rows) {
    for (size_t i = 0; i < columns->size(); ++i) values[i] = (*columns)[i].def->cell(row, layout, now);
    append_line(out, values, *columns, layout);
  }
  return Result<std::string>::ok(std::move(out));
}

std::string format_sacct_size_kb(uint64_t kb, char units) {
  static constexpr std::string_view kUnits = "KMGTP";
  if (units) {
    size_t target = kUnits.find(static_cast<char>(std::toupper(static_cast<unsigned char>(units))));
    if (target == std::string_view::npos) target = 0;
    double value = static_cast<double>(kb);
    for (size_t i = 0; i < target; ++i) value /= 1024;
    char buf[64];
    if (value == static_cast<double>(static_cast<uint64_t>(value)))
      std::snprintf(buf, sizeof buf, "%llu%c", static_cast<unsigned long long>(value), kUnits[target]);
    else
      std::snprintf(buf, sizeof buf, "%.2f%c", value, kUnits[target]);
    return buf;
  }
  if (kb == 0) return "0";
  // Slurm's default (CONVERT_NUM_UNIT_EXACT): a bigger unit only when it divides exactly.
  size_t unit = 0;
  while (kb % 1024 == 0 && unit + 1 < kUnits.size()) {
    kb /= 1024;
    ++unit;
  }
  return std::to_string(kb) + kUnits[unit];
}

std::string format_sacct_cpu_time(uint64_t microseconds) {
  uint64_t secs = microseconds / 1000000, millis = (microseconds % 1000000) / 1000;
  uint64_t seconds = secs % 60, minutes = secs / 60 % 60, hours = secs / 3600 % 24, days = secs / 86400;
  char buf[64];
  if (days)
    std::snprintf(buf, sizeof buf, "%llu-%02llu:%02llu:%02llu", static_cast<unsigned long long>(days),
                  static_cast<unsigned long long>(hours), static_cast<unsigned long long>(minutes),
                  static_cast<unsigned long long>(seconds));
  else if (hours)
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(hours),
                  static_cast<unsigned long long>(minutes), static_cast<unsigned long long>(seconds));
  else if (millis)
    std::snprintf(buf, sizeof buf, "%02llu:%02llu.%03llu", static_cast<unsigned long long>(minutes),
                  static_cast<unsigned long long>(seconds), static_cast<unsigned long long>(millis));
  else
    std::snprintf(buf, sizeof buf, "00:%02llu:%02llu", static_cast<unsigned long long>(minutes),
                  static_cast<unsigned long long>(seconds));
  return buf;
}

std::vector<std::string> sacct_field_names() {
  std::vector<std::string> names;
  for (const FieldDef& f : kFields) names.emplace_back(f.name);
  return names;
}

Result<int64_t> parse_sacct_time(std::string_view text, int64_t now) {
  auto invalid = [&] { return Result<int64_t>::fail("Invalid time specification: " + std::string(text)); };
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("now", 0) == 0) {
    std::string_view rest = std::string_view(lower).substr(3);
    if (rest.empty()) return Result<int64_t>::ok(now);
    if (rest[0] != '-' && rest[0] != '+') return invalid();
    int sign = rest[0] == '-' ? -1 : 1;
    rest.remove_prefix(1);
    int64_t count = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
    if (ec != std::errc() || p == rest.data()) return invalid();
    int64_t unit = unit_seconds(rest.substr(static_cast<size_t>(p - rest.data())));
    if (unit == 0) return invalid();
    return Result<int64_t>::ok(now + sign * count * unit);
  }
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
  tm.tm_isdst = -1;
  int a = 0, b = 0, c = 0;
  std::string_view s = text;
  // The time part "HH:MM[:SS]" at `pos`, to the end.
  auto time_part = [&](size_t pos) {
    if (!digits_at(s, pos, 2, a) || pos + 2 >= s.size() || s[pos + 2] != ':' || !digits_at(s, pos + 3, 2, b))
      return false;
    c = 0;
    if (s.size() == pos + 5) return a < 24 && b < 60 && (tm.tm_hour = a, tm.tm_min = b, tm.tm_sec = 0, true);
    if (s.size() != pos + 8 || s[pos + 5] != ':' || !digits_at(s, pos + 6, 2, c)) return false;
    if (a >= 24 || b >= 60 || c >= 61) return false;
    tm.tm_hour = a, tm.tm_min = b, tm.tm_sec = c;
    return true;
  };
  auto date_ok = [](int month, int day) { return month >= 1 && month <= 12 && day >= 1 && day <= 31; };
  if (lower == "today" || lower == "midnight") {
  } else if (lower == "noon") {
    tm.tm_hour = 12;
  } else if (lower == "elevenses") {  // Slurm's named times of day
    tm.tm_hour = 11;
  } else if (lower == "fika") {
    tm.tm_hour = 15;
  } else if (lower == "teatime") {
    tm.tm_hour = 16;
  } else if (lower == "tomorrow") {
    tm.tm_mday += 1;
  } else if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {  // YYYY-MM-DD[THH:MM[:SS]]
    int year = 0;
    if (!digits_at(s, 0, 4, year) || !digits_at(s, 5, 2, a) || !digits_at(s, 8, 2, b) || !date_ok(a, b))
      return invalid();
    tm.tm_year = year - 1900, tm.tm_mon = a - 1, tm.tm_mday = b;
    if (s.size() > 10 && (s[10] != 'T' || !time_part(11))) return invalid();
  } else if (s.size() >= 5 && (s[2] == '/' || s[2] == '.')) {  // MM/DD[/YY], MM.DD[.YY]
    int month = 0, day = 0;
    if (!digits_at(s, 0, 2, month) || !digits_at(s, 3, 2, day) || !date_ok(month, day)) return invalid();
    if (s.size() == 8 && s[5] == s[2] && digits_at(s, 6, 2, a)) tm.tm_year = a + 100;
    else if (s.size() != 5) return invalid();
    tm.tm_mon = month - 1, tm.tm_mday = day;
  } else if (s.size() >= 5 && s[2] == ':') {  // HH:MM[:SS] today
    if (!time_part(0)) return invalid();
  } else if ((s.size() == 4 || s.size() == 6) && s.find_first_not_of("0123456789") == std::string_view::npos) {
    int month = 0, day = 0;  // MMDD[YY]
    digits_at(s, 0, 2, month);
    digits_at(s, 2, 2, day);
    if (!date_ok(month, day)) return invalid();
    if (s.size() == 6 && digits_at(s, 4, 2, a)) tm.tm_year = a + 100;
    tm.tm_mon = month - 1, tm.tm_mday = day;
  } else {
    return invalid();
  }
  std::time_t result = std::mktime(&tm);
  if (result == static_cast<std::time_t>(-1)) return invalid();
  return Result<int64_t>::ok(static_cast<int64_t>(result));
}

}  // namespace drover
