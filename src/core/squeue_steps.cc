// squeue -s (spec §3.1): Slurm's step print functions (print.c _print_step_*).
#include "drover/squeue_steps.h"

#include <algorithm>

#include "drover/format_spec.h"
#include "drover/hostlist.h"
#include "drover/time_format.h"
#include "squeue_columns.h"

namespace drover {
namespace {

// A step as squeue shows it, the batch script included.
struct Step {
  const pb::JobRecord* job;
  std::string id;  // "12" or "12_3", then ".0" / ".batch"
  std::string name;
  std::vector<std::string> nodes;
  uint32_t ntasks;
  int64_t start;
};

using StepCell = std::string (*)(const Step& step, int64_t now);

struct StepColumn {
  char code;
  std::string_view header;
  bool cut;  // times and node lists are never cut
  StepCell cell;
};

std::string job_part(const pb::JobRecord& job) {
  if (job.is_array_task()) return std::to_string(job.array_job_id()) + "_" + std::to_string(job.array_task_id());
  return std::to_string(job.job_id());
}

std::string cell_id(const Step& s, int64_t) { return s.id; }
std::string cell_name(const Step& s, int64_t) { return s.name; }
std::string cell_partition(const Step& s, int64_t) { return squeue::partition_of(*s.job); }
std::string cell_user(const Step& s, int64_t) {
  const std::string& name = s.job->spec().user_name();
  return name.empty() ? std::to_string(s.job->uid()) : name;
}
std::string cell_uid(const Step& s, int64_t) { return std::to_string(s.job->uid()); }
std::string cell_time(const Step& s, int64_t now) { return format_elapsed(std::max<int64_t>(0, now - s.start)); }
std::string cell_nodes(const Step& s, int64_t) { return hostlist::compress_sorted(s.nodes); }
std::string cell_limit(const Step&, int64_t) { return "UNLIMITED"; }
std::string cell_start(const Step& s, int64_t) { return s.start ? format_iso_time(s.start) : "N/A"; }
std::string cell_tasks(const Step& s, int64_t) { return std::to_string(s.ntasks); }
std::string cell_tres(const Step&, int64_t) { return "(null)"; }

constexpr StepColumn kColumns[] = {
    {'i', "STEPID", true, cell_id},     {'j', "NAME", true, cell_name},
    {'P', "PARTITION", true, cell_partition}, {'u', "USER", true, cell_user},
    {'U', "UID", true, cell_uid},       {'M', "TIME", false, cell_time},
    {'N', "NODELIST", false, cell_nodes}, {'l', "TIME_LIMIT", true, cell_limit},
    {'S', "START_TIME", true, cell_start}, {'A', "TASKS", true, cell_tasks},
    {'b', "TRES_PER_NODE", true, cell_tres},
};

const StepColumn* find(char code) {
  for (const StepColumn& c : kColumns)
    if (c.code == code) return &c;
  return nullptr;
}

std::vector<Step> active_steps(const std::vector<const pb::JobRecord*>& jobs) {
  std::vector<Step> steps;
  for (const pb::JobRecord* job : jobs) {
    if (job->state() != pb::JOB_RUNNING) continue;
    std::string id = job_part(*job);
    std::vector<std::string> first_node;
    if (job->nodes_size()) first_node.push_back(job->nodes(0));
    steps.push_back(Step{job, id + ".batch", "batch", first_node, 1, job->start_time()});
    for (const pb::StepRecord& step : job->steps()) {
      if (step.end_time() != 0) continue;
      steps.push_back(Step{job, id + "." + std::to_string(step.step_id()), step.name(),
                           {step.nodes().begin(), step.nodes().end()}, step.ntasks(), step.start_time()});
    }
  }
  return steps;
}

}  // namespace

Result<std::string> format_squeue_steps(const std::vector<const pb::JobRecord*>& jobs,
                                        const std::vector<std::string>& wanted, std::string_view format,
                                        int64_t now, bool header) {
  auto pieces = parse_format_spec(
      format, [](char code) { return find(code) != nullptr; }, "Invalid job step format specification: ",
      /*allow_fitted=*/false);
  if (!pieces) return Result<std::string>::fail(pieces.error());
  auto render = [&](const Step* step) {
    std::string line;
    for (const FormatPiece& piece : *pieces) {
      if (!piece.code) {
        line += piece.text;
        continue;
      }
      const StepColumn* column = find(piece.code);
      if (!step) {
        append_padded(line, column->header, piece.width, piece.right, true);
      } else {
        append_padded(line, column->cell(*step, now), piece.width, piece.right, column->cut);
      }
    }
    return line + "\n";
  };
  std::string out;
  if (header) out += render(nullptr);
  for (const Step& step : active_steps(jobs)) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), step.id) == wanted.end()) continue;
    out += render(&step);
  }
  return Result<std::string>::ok(std::move(out));
}

}  // namespace drover
