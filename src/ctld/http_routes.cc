// What the metrics port serves (issue 5 item 6): /metrics, rendered from
// the counts the controller keeps as jobs change, and the status page at /,
// built from the first rows of ordered id sets. Neither walks the job table.
#include <cstdio>

#include "controller.h"
#include "drover/hostlist.h"
#include "drover/job_state.h"
#include "drover/squeue_format.h"
#include "drover/time_format.h"
#include "status_page.h"

namespace drover {
namespace {

constexpr size_t kStatusRows = 50;     // per table of the status page
constexpr size_t kFinishedRows = 20;
constexpr int kStatusRefreshS = 10;

// "+1.2 s", "-0.3 s"; under 50 ms is "0.0 s" (not "-0.0 s").
std::string clock_skew_text(int64_t ms) {
  if (ms > -50 && ms < 50) return "0.0 s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

StatusJobRow job_row(const pb::JobRecord& job, int64_t now) {
  StatusJobRow row;
  row.id = job_display_id(job);
  row.user = job.spec().user_name().empty() ? std::to_string(job.uid()) : job.spec().user_name();
  row.name = job.spec().name();
  row.partition = job.partition();
  row.state = job_is_completing(job) ? "COMPLETING" : std::string(job_state_long(job.state()));
  if (job.state() == pb::JOB_PENDING) {
    row.detail = job.reason().empty() ? "None" : job.reason();
    row.time = format_elapsed(std::max<int64_t>(0, now - job.submit_time()));
  } else {
    row.detail = hostlist::compress(std::vector<std::string>(job.nodes().begin(), job.nodes().end()));
    row.time = format_elapsed(job_run_seconds(job, now));
  }
  if (job_state_is_finished(job.state())) row.when = format_iso_time(job.end_time());
  return row;
}

}  // namespace

HttpResponse Controller::serve_http(const HttpRequest& request) {
  HttpResponse response;
  response.headers.emplace_back("Cache-Control", "no-store");
  if (request.path == "/metrics") {
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = render_metrics();
  } else if (request.path == "/") {
    response.content_type = "text/html; charset=utf-8";
    response.body = render_status_page_html();
  } else {
    response.status = 404;
    response.body = "Not Found: this server has / (status page) and /metrics\n";
  }
  return response;
}

std::string Controller::render_metrics() {
  std::vector<Metrics::NodeGauge> nodes;
  nodes.reserve(config_.nodes.size());
  for (const NodeConfig& node : config_.nodes) {
    pb::NodeInfo info = node_info(node);
    nodes.push_back({node.name, info.state(), !info.not_responding(), node.cpus, info.alloc_cpus(), node.memory_mb,
                     info.alloc_mem_mb(), info.clock_skew_ms(), double(info.cpu_speed())});
  }
  return metrics_->render(nodes, started_at_s_);
}

std::string Controller::render_status_page_html() {
  const int64_t t = now();
  const JobCounts& counts = metrics_->jobs();
  StatusView view;
  view.cluster = config_.cluster;
  view.generated_at = format_iso_time(t);
  view.refresh_s = kStatusRefreshS;
  view.running = static_cast<int64_t>(counts.running_ids().size());
  view.pending = static_cast<int64_t>(counts.pending_ids().size());
  JobTable::Scratch scratch;  // packed jobs are read, not unpacked
  auto first_rows = [&](const IdSet& ids, std::vector<StatusJobRow>& rows) {
    ids.for_each([&](uint32_t id) {
      if (rows.size() >= kStatusRows) return;
      if (const pb::JobRecord* job = jobs_.view(id, scratch)) rows.push_back(job_row(*job, t));
    });
  };
  first_rows(counts.running_ids(), view.running_rows);
  first_rows(counts.pending_ids(), view.pending_rows);
  for (uint32_t id : counts.recent_finished()) {
    if (view.finished_rows.size() >= kFinishedRows) break;
    const pb::JobRecord* job = find_job(id);
    if (job && job_state_is_finished(job->state())) view.finished_rows.push_back(job_row(*job, t));
  }
  for (const NodeConfig& node : config_.nodes) {
    pb::NodeInfo info = node_info(node);
    StatusNodeRow row;
    row.name = node.name;
    row.state = info.not_responding() && info.state() != "down" ? info.state_long() + "*" : info.state_long();
    row.reason = info.reason();
    row.cpus = node.cpus;
    row.alloc_cpus = info.alloc_cpus();
    row.memory_mb = node.memory_mb;
    row.alloc_mem_mb = info.alloc_mem_mb();
    row.clock_skew = clock_skew_text(info.clock_skew_ms());
    view.nodes.push_back(std::move(row));
  }
  return render_status_page(view);
}

}  // namespace drover
