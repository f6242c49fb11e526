#include "sim.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <random>
#include <unordered_map>

#include "../ctld/priority.h"
#include "../ctld/scheduler.h"

namespace drover::sim {
namespace {

// One submission: a plain job, or an array whose tasks share its shape.
struct Job {
  uint32_t id = 0;
  size_t partition = 0;
  int64_t submit = 0;
  uint32_t nodes = 1;
  uint32_t cpus = 1;
  uint64_t mem_mb = 0;
  bool exclusive = false;
  int64_t limit_s = kSchedNever;
  int64_t run_s = 60;             // how long each task really runs: never past the limit
  int32_t nice = 0;
  uint32_t admin_priority = 0;
  uint32_t tasks_left = 1;        // not yet started
  uint32_t throttle = 0;          // 0: none
  uint32_t running = 0;
};

struct Run {
  uint32_t job_id = 0;
  int64_t end = 0;                // when it really ends
  SchedRunning held;              // what the scheduler is told (end by the limit)
};

// The partition's top blocked job and the start it was promised.
struct Promise {
  uint32_t job_id = 0;
  int64_t start_time = 0;
};

class Simulation {
 public:
  explicit Simulation(const SimConfig& config) : cfg_(config), rng_(config.seed) {
    build_cluster();
    build_workload();
  }

  SimResult run() {
    int64_t t = 0;
    size_t next_arrival = 0;
    double total_ms = 0;
    while (true) {
      finish_runs(t);
      for (; next_arrival < jobs_.size() && jobs_[next_arrival].submit <= t; ++next_arrival)
        pending_.push_back(next_arrival);
      if (pending_.empty() && runs_.empty() && next_arrival == jobs_.size()) break;
      size_t started = pass(t, total_ms);
      if (cfg_.max_passes && result_.passes >= cfg_.max_passes) break;
      int64_t next = t + std::max<int64_t>(1, cfg_.pass_interval_s);
      if (next_arrival < jobs_.size()) next = std::min(next, jobs_[next_arrival].submit);
      for (const Run& r : runs_) next = std::min(next, r.end);
      if (runs_.empty() && started == 0 && next_arrival == jobs_.size() && !pending_.empty()) {
        violation(t, "jobs left pending with an idle cluster: job " + std::to_string(jobs_[pending_.front()].id));
        break;
      }
      t = std::max(next, t + 1);
    }
    result_.virtual_end_s = t;
    result_.pass_ms_avg = result_.passes ? total_ms / static_cast<double>(result_.passes) : 0;
    result_.pass_cpu_ms_avg = result_.passes ? total_cpu_ms_ / static_cast<double>(result_.passes) : 0;
    return result_;
  }

 private:
  static double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }

  uint32_t pick(uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng_); }

  void violation(int64_t t, const std::string& what) {
    if (result_.violations.size() < 50) result_.violations.push_back("t=" + std::to_string(t) + ": " + what);
  }

  void build_cluster() {
    for (size_t i = 0; i < cfg_.nodes; ++i) {
      SchedNode n;
      n.cpus = 4u << pick(0, 3);  // 4..32
      n.memory_mb = uint64_t{n.cpus} * 2048;
      n.weight = pick(1, 3);
      nodes_.push_back(n);
    }
    size_t parts = std::max<size_t>(1, std::min(cfg_.partitions, cfg_.nodes));
    for (size_t p = 0; p < parts; ++p) {
      SchedPartition part;
      for (size_t i = p * cfg_.nodes / parts; i < (p + 1) * cfg_.nodes / parts; ++i) part.nodes.push_back(i);
      part.tier = 1 + static_cast<uint32_t>(p % 2);
      partitions_.push_back(std::move(part));
    }
    for (const SchedPartition& p : partitions_) max_tier_ = std::max(max_tier_, p.tier);
  }

  void build_workload() {
    const int64_t limits_min[] = {5, 15, 30, 60, 120, 480};
    for (size_t i = 0; i < cfg_.jobs; ++i) {
      Job j;
      j.id = static_cast<uint32_t>(i + 1);
      j.submit = cfg_.jobs ? static_cast<int64_t>(i) * cfg_.arrival_span_s / static_cast<int64_t>(cfg_.jobs) : 0;
      j.partition = pick(0, static_cast<uint32_t>(partitions_.size() - 1));
      uint32_t shape = pick(0, 99);
      size_t part_size = partitions_[j.partition].nodes.size();
      j.nodes = shape < 80 ? 1 : shape < 95 ? pick(2, 4) : pick(2, 8);
      j.nodes = static_cast<uint32_t>(std::min<size_t>(j.nodes, part_size));
      j.cpus = 1u << pick(0, 3);
      if (pick(0, 9) < 3) j.mem_mb = pick(256, 8192);
      j.exclusive = pick(0, 99) < 3;
      if (pick(0, 99) < 3) {
        j.limit_s = kSchedNever;
        j.run_s = pick(60, 7200);
      } else {
        j.limit_s = limits_min[pick(0, 5)] * 60;
        j.run_s = pick(static_cast<uint32_t>(j.limit_s / 10), static_cast<uint32_t>(j.limit_s));
      }
      if (pick(0, 9) == 0) j.nice = static_cast<int32_t>(pick(1, 500));
      if (pick(0, 99) == 0) j.admin_priority = pick(20000, 30000);
      if (pick(0, 19) == 0) {
        j.tasks_left = pick(2, 50);
        if (pick(0, 1)) j.throttle = pick(1, 5);
      }
      // Only what could ever run is accepted (as at submit); shrink the rest.
      while (!could_ever_run(shape_probe(), request(j, 1)) && (j.nodes > 1 || j.cpus > 1 || j.mem_mb > 0)) {
        j.nodes = std::max<uint32_t>(1, j.nodes / 2);
        j.cpus = std::max<uint32_t>(1, j.cpus / 2);
        j.mem_mb /= 2;
      }
      result_.tasks += j.tasks_left;
      jobs_.push_back(j);
      index_[j.id] = i;
    }
  }

  SchedSnapshot shape_probe() const {
    SchedSnapshot s;
    s.nodes = nodes_;
    s.partitions = partitions_;
    return s;
  }

  SchedJob request(const Job& j, uint32_t startable) const {
    SchedJob sj;
    sj.job_id = j.id;
    sj.partition = j.partition;
    sj.nodes = j.nodes;
    sj.cpus_per_node = j.cpus;
    sj.mem_per_node_mb = j.mem_mb;
    sj.exclusive = j.exclusive;
    sj.time_limit_s = j.limit_s;
    sj.startable = startable;
    return sj;
  }

  void finish_runs(int64_t t) {
    for (size_t k = 0; k < runs_.size();) {
      if (runs_[k].end > t) {
        ++k;
        continue;
      }
      const SchedRunning& held = runs_[k].held;
      for (size_t n = 0; n < held.nodes.size(); ++n) {
        SchedNode& node = nodes_[held.nodes[n]];
        node.alloc_cpus -= held.node_cpus[n];
        node.alloc_mem_mb -= held.mem_per_node_mb;
        if (held.exclusive) node.exclusive_job = false;
      }
      --jobs_[index_.at(runs_[k].job_id)].running;
      ++result_.finished;
      runs_[k] = std::move(runs_.back());
      runs_.pop_back();
    }
  }

  // One scheduling pass at virtual time t: returns how many tasks started.
  size_t pass(int64_t t, double& total_ms) {
    SchedSnapshot snap;
    snap.now = t;
    snap.nodes = nodes_;
    snap.partitions = partitions_;
    snap.backfill_depth = cfg_.backfill_depth;
    for (const Run& r : runs_) snap.running.push_back(r.held);
    for (size_t idx : pending_) {
      const Job& j = jobs_[idx];
      uint32_t room = j.tasks_left;
      if (j.throttle) room = j.running >= j.throttle ? 0 : std::min(room, j.throttle - j.running);
      if (room == 0) continue;  // JobArrayTaskLimit
      SchedJob sj = request(j, room);
      sj.throttled = room < j.tasks_left;
      PriorityInputs in;
      in.now = t;
      in.eligible_time = j.submit;
      in.partition_factor = partitions_[j.partition].tier;
      in.max_partition_factor = max_tier_;
      in.nice = j.nice;
      in.admin_priority = j.admin_priority;
      sj.priority = job_priority(in);
      snap.pending.push_back(std::move(sj));
    }
    std::vector<SchedJob> considered = snap.pending;
    auto began = std::chrono::steady_clock::now();
    double cpu_began = thread_cpu_ms();
    SchedPlan plan = schedule(std::move(snap));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
    total_cpu_ms_ += thread_cpu_ms() - cpu_began;
    total_ms += ms;
    result_.pass_ms_max = std::max(result_.pass_ms_max, ms);
    ++result_.passes;
    check_and_apply(t, considered, plan);
    return plan.starts.size();
  }

  void check_and_apply(int64_t t, std::vector<SchedJob>& considered, const SchedPlan& plan) {
    SchedSnapshot order_of = shape_probe();
    std::sort(considered.begin(), considered.end(),
              [&](const SchedJob& a, const SchedJob& b) { return sched_order(order_of, a, b); });
    std::unordered_map<uint32_t, size_t> rank;
    std::unordered_map<uint32_t, uint32_t> startable;
    for (size_t r = 0; r < considered.size(); ++r) {
      rank[considered[r].job_id] = r;
      startable[considered[r].job_id] = considered[r].startable;
    }
    // FIFO: the first job of each partition that waits for resources or
    // priority; only backfill may start a job behind it.
    std::vector<size_t> first_waiting(partitions_.size(), SIZE_MAX);
    for (const SchedWait& w : plan.waits)
      if (w.reason == "Resources" || w.reason == "Priority") {
        size_t p = jobs_[index_.at(w.job_id)].partition;
        first_waiting[p] = std::min(first_waiting[p], rank.at(w.job_id));
      }
    std::vector<bool> reserved(partitions_.size(), false);
    for (const SchedReservation& r : plan.reservations) reserved[jobs_[index_.at(r.job_id)].partition] = true;

    for (const SchedStart& s : plan.starts) {
      Job& j = jobs_[index_.at(s.job_id)];
      size_t r = rank.at(s.job_id);
      if (!s.backfilled && r > first_waiting[j.partition])
        violation(t, "job " + std::to_string(j.id) + " started ahead of a waiting job without backfill");
      if (s.backfilled && !reserved[j.partition])
        violation(t, "job " + std::to_string(j.id) + " backfilled without a reservation");
      if (startable.at(s.job_id)-- == 0) violation(t, "job " + std::to_string(j.id) + " started too often");
      check_promise_on_start(t, j, r, s.backfilled, rank);
      apply_start(t, j, s);
    }
    for (const SchedReservation& r : plan.reservations) {
      size_t p = jobs_[index_.at(r.job_id)].partition;
      auto it = promises_.find(p);
      if (it != promises_.end() && it->second.job_id == r.job_id) {
        if (r.start_time > it->second.start_time)
          violation(t, "reservation of job " + std::to_string(r.job_id) + " moved from " +
                           std::to_string(it->second.start_time) + " to " + std::to_string(r.start_time));
        it->second.start_time = std::min(it->second.start_time, r.start_time);
      } else {
        promises_[p] = Promise{r.job_id, r.start_time};
      }
    }
    // A promise without a reservation this pass is gone (its job started,
    // or a job ahead of it now waits instead).
    for (auto it = promises_.begin(); it != promises_.end();)
      it = reserved[it->first] ? std::next(it) : promises_.erase(it);
    pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [&](size_t idx) { return jobs_[idx].tasks_left == 0; }),
                   pending_.end());
  }

  void check_promise_on_start(int64_t t, const Job& j, size_t rank, bool backfilled,
                              const std::unordered_map<uint32_t, size_t>& ranks) {
    auto it = promises_.find(j.partition);
    if (it == promises_.end()) return;
    Promise& p = it->second;
    if (p.job_id == j.id) {
      if (t > p.start_time)
        violation(t, "job " + std::to_string(j.id) + " started after its reservation " + std::to_string(p.start_time));
      else
        ++result_.reservations_kept;
      promises_.erase(it);
    } else if (auto holder = ranks.find(p.job_id); !backfilled && (holder == ranks.end() || rank < holder->second)) {
      promises_.erase(it);  // a job ahead of the holder took resources: the promise no longer binds
    }
  }

  void apply_start(int64_t t, Job& j, const SchedStart& s) {
    if (s.nodes.size() != j.nodes) violation(t, "job " + std::to_string(j.id) + " got the wrong node count");
    Run run;
    run.job_id = j.id;
    run.end = t + j.run_s;
    run.held.end = j.limit_s == kSchedNever ? kSchedNever : t + j.limit_s;
    run.held.mem_per_node_mb = j.mem_mb;
    run.held.exclusive = j.exclusive;
    const std::vector<size_t>& part = partitions_[j.partition].nodes;
    for (size_t n : s.nodes) {
      SchedNode& node = nodes_[n];
      if (!std::binary_search(part.begin(), part.end(), n))
        violation(t, "job " + std::to_string(j.id) + " placed outside its partition");
      if (node.exclusive_job || (j.exclusive && node.alloc_cpus > 0))
        violation(t, "node " + std::to_string(n) + " shared with an exclusive job");
      uint32_t cpus = s.cpus_per_node == 0 ? node.cpus : s.cpus_per_node;
      node.alloc_cpus += cpus;
      node.alloc_mem_mb += j.mem_mb;
      node.exclusive_job = node.exclusive_job || j.exclusive;
      if (node.alloc_cpus > node.cpus || node.alloc_mem_mb > node.memory_mb)
        violation(t, "node " + std::to_string(n) + " over-allocated by job " + std::to_string(j.id));
      run.held.nodes.push_back(n);
      run.held.node_cpus.push_back(cpus);
    }
    --j.tasks_left;
    ++j.running;
    if (j.throttle && j.running > j.throttle)
      violation(t, "array " + std::to_string(j.id) + " runs more tasks than its throttle");
    ++result_.started;
    if (s.backfilled) ++result_.backfilled;
    runs_.push_back(std::move(run));
  }

  SimConfig cfg_;
  std::mt19937 rng_;
  std::vector<SchedNode> nodes_;
  std::vector<SchedPartition> partitions_;
  uint32_t max_tier_ = 1;
  std::vector<Job> jobs_;
  std::unordered_map<uint32_t, size_t> index_;  // job id -> jobs_
  std::vector<size_t> pending_;                 // jobs_ indices with tasks left, in submit order
  std::vector<Run> runs_;
  std::map<size_t, Promise> promises_;          // partition -> its reservation
  SimResult result_;
  double total_cpu_ms_ = 0;
};

}  // namespace

SimResult run_simulation(const SimConfig& config) {
  Simulation sim(config);
  SimResult result = sim.run();
  result.jobs = config.jobs;
  return result;
}

}  // namespace drover::sim
