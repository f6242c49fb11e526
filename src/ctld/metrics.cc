#include "metrics.h"

#include "drover.pb.h"

namespace drover {
namespace {

std::vector<double> size_buckets() { return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}; }

}  // namespace

Metrics::Metrics(const std::vector<std::string>& partitions)
    : schedule_pass_(prom_latency_buckets()),
      commit_writes_(size_buckets()),
      commit_seconds_(prom_latency_buckets()),
      sync_seconds_(prom_latency_buckets()) {
  for (const std::string& p : partitions) jobs_.seed(p);
}

void Metrics::observe_schedule_pass(double seconds) { schedule_pass_.observe(seconds); }

void Metrics::observe_rpc(std::string_view type, double seconds) {
  auto count = rpc_count_.find(type);
  if (count == rpc_count_.end()) count = rpc_count_.emplace(std::string(type), 0).first;
  ++count->second;
  auto h = rpc_latency_.find(type);
  if (h == rpc_latency_.end()) h = rpc_latency_.emplace(std::string(type), PromHistogram(prom_latency_buckets())).first;
  h->second.observe(seconds);
}

void Metrics::observe_commit(size_t writes, double commit_seconds, double sync_seconds, bool ok) {
  if (!ok) {
    ++commit_failures_;
    return;
  }
  commit_writes_.observe(static_cast<double>(writes));
  commit_seconds_.observe(commit_seconds);
  sync_seconds_.observe(sync_seconds);
}

void Metrics::count_http_response(int status) { ++http_responses_[status]; }

std::string Metrics::render(const std::vector<NodeGauge>& nodes, int64_t start_time_s) const {
  PromWriter w;
  w.family("drover_start_time_seconds", "When the controller started (Unix time).", "gauge");
  w.sample("drover_start_time_seconds", {}, static_cast<double>(start_time_s));

  w.family("drover_jobs", "Jobs in the controller's memory by state and partition (an array's pending tasks are one job).",
           "gauge");
  for (const auto& [key, n] : jobs_.by_state()) w.sample("drover_jobs", {{"state", key.first}, {"partition", key.second}}, double(n));
  w.family("drover_jobs_pending", "Pending jobs by partition and reason (squeue's REASON).", "gauge");
  for (const auto& [key, n] : jobs_.pending_by_reason())
    w.sample("drover_jobs_pending", {{"partition", key.first}, {"reason", key.second}}, double(n));
  w.family("drover_job_submissions_total", "Jobs submitted (an array counts once), by partition.", "counter");
  for (const auto& [p, n] : jobs_.submissions()) w.sample("drover_job_submissions_total", {{"partition", p}}, double(n));
  w.family("drover_job_completions_total", "Jobs that ended, by partition and final state.", "counter");
  for (const auto& [key, n] : jobs_.completions())
    w.sample("drover_job_completions_total", {{"partition", key.first}, {"state", key.second}}, double(n));

  w.family("drover_nodes", "Nodes by state, as sinfo's %t prints it.", "gauge");
  std::map<std::string, int64_t> by_state{{"idle", 0}, {"mix", 0}, {"alloc", 0}, {"drain", 0},
                                          {"drng", 0}, {"down", 0}, {"unk", 0}};
  for (const NodeGauge& n : nodes) ++by_state[n.state];
  for (const auto& [state, n] : by_state) w.sample("drover_nodes", {{"state", state}}, double(n));
  struct PerNode {
    const char* name;
    const char* help;
    double (*value)(const NodeGauge&);
  };
  static const PerNode per_node[] = {
      {"drover_node_cpus", "CPUs configured on the node.", [](const NodeGauge& n) { return double(n.cpus); }},
      {"drover_node_cpus_allocated", "CPUs allocated to jobs on the node.",
       [](const NodeGauge& n) { return double(n.alloc_cpus); }},
      {"drover_node_memory_bytes", "Memory configured on the node.",
       [](const NodeGauge& n) { return double(n.memory_mb) * 1048576.0; }},
      {"drover_node_memory_allocated_bytes", "Memory allocated to jobs on the node.",
       [](const NodeGauge& n) { return double(n.alloc_mem_mb) * 1048576.0; }},
      {"drover_node_clock_skew_seconds", "The node's clock minus the controller's, measured at its hello and heartbeats.",
       [](const NodeGauge& n) { return double(n.clock_skew_ms) / 1000.0; }},
      {"drover_node_responding", "1 while the node's agent is connected.",
       [](const NodeGauge& n) { return n.responding ? 1.0 : 0.0; }},
      {"drover_node_cpu_speed", "The node's measured single-thread CPU speed (scontrol CpuSpeed=); 0 until reported.",
       [](const NodeGauge& n) { return n.cpu_speed; }},
  };
  for (const PerNode& g : per_node) {
    w.family(g.name, g.help, "gauge");
    for (const NodeGauge& n : nodes) w.sample(g.name, {{"node", n.name}}, g.value(n));
  }

  w.family("drover_schedule_pass_seconds", "Time one scheduling pass took on the controller thread.", "histogram");
  w.histogram("drover_schedule_pass_seconds", {}, schedule_pass_);
  w.family("drover_rpc_requests_total", "Requests received, by message type.", "counter");
  for (const auto& [type, n] : rpc_count_) w.sample("drover_rpc_requests_total", {{"type", type}}, double(n));
  w.family("drover_rpc_duration_seconds",
           "Time the controller thread spent verifying and handling a request, by message type (work done after a "
           "commit is not included).",
           "histogram");
  for (const auto& [type, h] : rpc_latency_) w.histogram("drover_rpc_duration_seconds", {{"type", type}}, h);

  w.family("drover_store_commit_writes", "Writes committed together in one group commit of the job store.", "histogram");
  w.histogram("drover_store_commit_writes", {}, commit_writes_);
  w.family("drover_store_commit_seconds", "Time one group commit took: its writes' spool files, the transaction and the sync.",
           "histogram");
  w.histogram("drover_store_commit_seconds", {}, commit_seconds_);
  w.family("drover_store_sync_seconds", "Time the COMMIT of a group took (SQLite's sync to disk).", "histogram");
  w.histogram("drover_store_sync_seconds", {}, sync_seconds_);
  w.family("drover_store_commit_failures_total", "Group commits that failed (every write in them failed).", "counter");
  w.sample("drover_store_commit_failures_total", {}, double(commit_failures_));

  w.family("drover_http_responses_total", "Responses of this HTTP server, by status code.", "counter");
  for (const auto& [code, n] : http_responses_) w.sample("drover_http_responses_total", {{"code", std::to_string(code)}}, double(n));
  return w.text();
}

std::string_view rpc_type_name(int kind_case) {
  switch (static_cast<pb::Message::KindCase>(kind_case)) {
    case pb::Message::kSubmit: return "submit";
    case pb::Message::kListJobs: return "list_jobs";
    case pb::Message::kListNodes: return "list_nodes";
    case pb::Message::kCancel: return "cancel";
    case pb::Message::kJobControl: return "job_control";
    case pb::Message::kNodeUpdate: return "node_update";
    case pb::Message::kStepCreate: return "step_create";
    case pb::Message::kStepComplete: return "step_complete";
    case pb::Message::kAllocationDone: return "allocation_done";
    case pb::Message::kJobUpdate: return "job_update";
    case pb::Message::kConfigRequest: return "config_request";
    case pb::Message::kReconfigure: return "reconfigure";
    case pb::Message::kHello: return "hello";
    case pb::Message::kHeartbeat: return "heartbeat";
    case pb::Message::kStarted: return "started";
    case pb::Message::kFinished: return "finished";
    default: return "other";
  }
}

}  // namespace drover
