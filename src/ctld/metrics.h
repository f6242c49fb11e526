// Metrics: the controller's Prometheus counters, gauges and histograms
// (issue 5 item 6), served on /metrics by the HTTP server.
//
// Everything here is maintained as things happen — job changes through
// JobCounts, scheduling passes, RPCs, store commits, HTTP responses — so a
// scrape costs O(series), never O(jobs). Node gauges are read from the
// node table at scrape time (one row per configured node). Controller
// thread only; the store's worker posts its observations here.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "drover/prom_text.h"
#include "job_counts.h"

namespace drover {

class Metrics {
 public:
  explicit Metrics(const std::vector<std::string>& partitions);

  JobCounts& jobs() { return jobs_; }
  const JobCounts& jobs() const { return jobs_; }

  void observe_schedule_pass(double seconds);
  // `type`: the message's oneof field name ("submit", "list_jobs").
  void observe_rpc(std::string_view type, double seconds);
  // One group commit of the job store: how many writes it held, how long
  // it took (the writes' spool files, the transaction, the sync) and how
  // long the COMMIT (the sync) alone took.
  void observe_commit(size_t writes, double commit_seconds, double sync_seconds, bool ok);
  void count_http_response(int status);

  // What /metrics shows of one node, read from the node table per scrape.
  struct NodeGauge {
    std::string name;
    std::string state;  // sinfo's compact state: idle, mix, alloc, drain, drng, down, unk
    bool responding = false;
    uint32_t cpus = 0;
    uint32_t alloc_cpus = 0;
    uint64_t memory_mb = 0;
    uint64_t alloc_mem_mb = 0;
    int64_t clock_skew_ms = 0;
    double cpu_speed = 0;  // measured by the agent; 0: not reported yet
  };
  // The whole exposition text.
  std::string render(const std::vector<NodeGauge>& nodes, int64_t start_time_s) const;

 private:
  JobCounts jobs_;
  PromHistogram schedule_pass_;
  std::map<std::string, uint64_t, std::less<>> rpc_count_;
  std::map<std::string, PromHistogram, std::less<>> rpc_latency_;
  PromHistogram commit_writes_;
  PromHistogram commit_seconds_;
  PromHistogram sync_seconds_;
  uint64_t commit_failures_ = 0;
  std::map<int, uint64_t> http_responses_;
};

// Measures the time from its creation (or `start`) until it goes out of
// scope, and hands it to `done` in seconds: the controller's hooks are one
// line each.
class ScopedTimer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ScopedTimer(std::function<void(double)> done, Clock::time_point start = Clock::now())
      : done_(std::move(done)), start_(start) {}
  ~ScopedTimer() { done_(std::chrono::duration<double>(Clock::now() - start_).count()); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  std::function<void(double)> done_;
  Clock::time_point start_;
};

// Runs `fn` when it goes out of scope (whichever `continue` leaves a loop body).
template <class F>
class OnScopeExit {
 public:
  explicit OnScopeExit(F fn) : fn_(std::move(fn)) {}
  ~OnScopeExit() { fn_(); }
  OnScopeExit(const OnScopeExit&) = delete;
  OnScopeExit& operator=(const OnScopeExit&) = delete;

 private:
  F fn_;
};

// The oneof field name of a message type, for the rpc metrics' label.
std::string_view rpc_type_name(int kind_case);

}  // namespace drover
