#include "scheduler.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace drover {
namespace {

bool fits(const SchedNode& node, const SchedJob& job) {
  if (!node.usable || node.exclusive_job) return false;
  if (job.exclusive && node.alloc_cpus > 0) return false;
  // Allocations can exceed a node's size after its config shrank: no room then.
  if (node.alloc_cpus >= node.cpus || node.alloc_mem_mb > node.memory_mb) return false;
  // An exclusive job takes the whole node, but still needs the CPUs it asked for.
  if (job.cpus_per_node > node.cpus - node.alloc_cpus) return false;
  return job.mem_per_node_mb <= node.memory_mb - node.alloc_mem_mb;
}

bool allowed(const SchedJob& job, size_t index) {
  return job.allowed.empty() || (index < job.allowed.size() && job.allowed[index]);
}

bool is_required(const SchedJob& job, size_t index) {
  return std::find(job.required.begin(), job.required.end(), index) != job.required.end();
}

// Node choice among feasible nodes, in one place: lowest weight (Slurm's
// Weight), then with `prefer: fastest` the highest measured speed (weight
// still wins, as an admin's explicit choice), then the tightest fit (fewest
// CPUs left over), then config order. A strict total order, so partial
// sorting stays deterministic.
bool node_preferred(const std::vector<SchedNode>& nodes, size_t a, size_t b, bool fastest) {
  const SchedNode& x = nodes[a];
  const SchedNode& y = nodes[b];
  if (x.weight != y.weight) return x.weight < y.weight;
  if (fastest && x.speed != y.speed) return x.speed > y.speed;
  uint32_t left_x = x.cpus - x.alloc_cpus;
  uint32_t left_y = y.cpus - y.alloc_cpus;
  if (left_x != left_y) return left_x < left_y;
  return a < b;
}

// Picks `job.nodes` nodes of the partition in the cluster state `nodes`:
// the required ones, then the preferred. `also_ok(i)` filters further
// (nodes promised to a reservation). Empty if the job does not fit.
template <class Filter>
std::vector<size_t> choose_nodes(const std::vector<SchedNode>& nodes, const SchedPartition& part,
                                 const SchedJob& job, Filter also_ok) {
  for (size_t index : job.required)
    if (!fits(nodes[index], job) || !also_ok(index)) return {};
  std::vector<size_t> candidates;
  for (size_t index : part.nodes)
    if (allowed(job, index) && fits(nodes[index], job) && also_ok(index) && !is_required(job, index))
      candidates.push_back(index);
  size_t want = job.nodes - std::min<size_t>(job.nodes, job.required.size());
  if (candidates.size() < want) return {};
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(want), candidates.end(),
                    [&](size_t a, size_t b) { return node_preferred(nodes, a, b, part.prefer_fastest); });
  candidates.resize(want);
  candidates.insert(candidates.end(), job.required.begin(), job.required.end());
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

// Takes a starting job's share of each chosen node.
void take(std::vector<SchedNode>& nodes, const std::vector<size_t>& chosen, const std::vector<uint32_t>& cpus,
          uint64_t mem_mb, bool exclusive) {
  for (size_t k = 0; k < chosen.size(); ++k) {
    SchedNode& node = nodes[chosen[k]];
    node.alloc_cpus += cpus[k];
    node.alloc_mem_mb += mem_mb;
    node.exclusive_job = node.exclusive_job || exclusive;
  }
}

// Gives back what a running job holds, as when it ends.
void give_back(std::vector<SchedNode>& nodes, const SchedRunning& run) {
  for (size_t k = 0; k < run.nodes.size(); ++k) {
    SchedNode& node = nodes[run.nodes[k]];
    node.alloc_cpus -= std::min(node.alloc_cpus, run.node_cpus[k]);
    node.alloc_mem_mb -= std::min(node.alloc_mem_mb, run.mem_per_node_mb);
    if (run.exclusive) node.exclusive_job = false;
  }
}

int64_t end_of(int64_t now, int64_t limit_s) {
  if (limit_s == kSchedNever || limit_s > kSchedNever - now) return kSchedNever;
  return now + limit_s;
}

const char* closed_reason(const SchedPartition& part) {
  return part.state == PartitionState::kInactive ? "PartitionInactive" : "PartitionDown";
}

// One scheduling pass over a snapshot it owns and changes as jobs start.
class Pass {
 public:
  explicit Pass(SchedSnapshot& snap)
      : snap_(snap), parts_(snap.partitions.size()), reserved_from_(snap.nodes.size(), kSchedNever) {}

  SchedPlan run() {
    std::sort(snap_.pending.begin(), snap_.pending.end(),
              [this](const SchedJob& a, const SchedJob& b) { return sched_order(snap_, a, b); });
    for (const SchedJob& job : snap_.pending) consider(job);
    return std::move(plan_);
  }

 private:
  struct PartitionPass {
    bool blocked = false;   // a job waits and no reservation could be made: strict FIFO
    bool reserved = false;  // a job holds a reservation: the rest are backfill candidates
    size_t tried = 0;       // backfill candidates tried
  };
  // Jobs of the same shape behave alike: once one has failed to start,
  // another with an end no earlier fails too (resources only shrink and
  // reservations only grow during a pass). Only for jobs without -w/-x/-C.
  using Shape = std::tuple<size_t, uint32_t, uint32_t, uint64_t, bool>;
  struct Failure {
    int64_t end;
    const char* reason;
  };

  void wait(const SchedJob& job, const char* reason) { plan_.waits.push_back({job.job_id, reason}); }

  void consider(const SchedJob& job) {
    const SchedPartition& part = snap_.partitions[job.partition];
    PartitionPass& pp = parts_[job.partition];
    if (!part.up || part.state != PartitionState::kUp) return wait(job, closed_reason(part));
    for (size_t index : job.required)
      if (!snap_.nodes[index].usable) return wait(job, "ReqNodeNotAvail");
    if (pp.blocked) return wait(job, "Priority");
    const int64_t end = end_of(snap_.now, job.time_limit_s);
    const bool plain = job.allowed.empty() && job.required.empty();
    const Shape shape{job.partition, job.nodes, job.cpus_per_node, job.mem_per_node_mb, job.exclusive};
    if (pp.reserved) {
      if (plain)
        if (auto it = failed_.find(shape); it != failed_.end() && end >= it->second.end)
          return wait(job, it->second.reason);
      if (pp.tried >= snap_.backfill_depth) return wait(job, "Priority");
      ++pp.tried;
    }
    auto unpromised_until_end = [&](size_t i) { return reserved_from_[i] >= end; };
    uint32_t started = 0;
    while (started < job.startable) {
      std::vector<size_t> chosen = choose_nodes(snap_.nodes, part, job, unpromised_until_end);
      if (chosen.empty()) break;
      start(job, std::move(chosen), end, pp.reserved);
      ++started;
    }
    if (started == job.startable) {
      if (job.throttled) wait(job, "JobArrayTaskLimit");
      return;
    }
    if (!pp.reserved) {
      // The partition's top blocked job: it waits for resources, with a
      // reservation if the running jobs' limits say when they free up.
      wait(job, "Resources");
      if (reserve(job)) pp.reserved = true;
      else pp.blocked = true;
      return;
    }
    // A backfill candidate that did not fit: Priority if only the
    // reservation kept it out, Resources if it does not fit at all now.
    bool fits_now = !choose_nodes(snap_.nodes, part, job, [](size_t) { return true; }).empty();
    const char* reason = fits_now ? "Priority" : "Resources";
    if (plain) {
      Failure& f = failed_.try_emplace(shape, Failure{end, reason}).first->second;
      if (end < f.end) f = Failure{end, reason};
    }
    wait(job, reason);
  }

  void start(const SchedJob& job, std::vector<size_t> chosen, int64_t end, bool backfilled) {
    SchedRunning run;
    run.end = end;
    run.mem_per_node_mb = job.mem_per_node_mb;
    run.exclusive = job.exclusive;
    for (size_t i : chosen) run.node_cpus.push_back(job.exclusive ? snap_.nodes[i].cpus : job.cpus_per_node);
    take(snap_.nodes, chosen, run.node_cpus, job.mem_per_node_mb, job.exclusive);
    run.nodes = chosen;
    snap_.running.push_back(std::move(run));
    uint32_t cpus = job.exclusive ? 0 : job.cpus_per_node;  // 0: whole node, resolved by the caller
    plan_.starts.push_back({job.job_id, std::move(chosen), cpus, job.mem_per_node_mb, backfilled});
  }

  // Walks the running jobs' ends in time order over a copy of the nodes,
  // giving back what each frees, until the job fits on nodes no other
  // reservation holds. Counts the nodes that fit incrementally, so a
  // reservation costs O(nodes + running jobs' nodes), not their product.
  bool reserve(const SchedJob& job) {
    const SchedPartition& part = snap_.partitions[job.partition];
    std::vector<SchedNode> future = snap_.nodes;
    std::vector<char> in_part(future.size(), 0);
    for (size_t i : part.nodes) in_part[i] = 1;
    auto free_of_promises = [&](size_t i) { return reserved_from_[i] == kSchedNever; };
    auto counts = [&](size_t i) {
      return in_part[i] && allowed(job, i) && free_of_promises(i) && fits(future[i], job);
    };
    size_t able = 0;
    for (size_t i : part.nodes) able += counts(i) ? 1 : 0;
    std::vector<size_t> order;
    for (size_t r = 0; r < snap_.running.size(); ++r)
      if (snap_.running[r].end != kSchedNever) order.push_back(r);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return snap_.running[a].end < snap_.running[b].end; });
    for (size_t k = 0; k < order.size();) {
      int64_t t = snap_.running[order[k]].end;
      for (; k < order.size() && snap_.running[order[k]].end == t; ++k) {
        const SchedRunning& run = snap_.running[order[k]];
        for (size_t i : run.nodes) able -= counts(i) ? 1 : 0;
        give_back(future, run);
        for (size_t i : run.nodes) able += counts(i) ? 1 : 0;
      }
      if (able < job.nodes) continue;
      std::vector<size_t> chosen = choose_nodes(future, part, job, free_of_promises);
      if (chosen.empty()) continue;  // the required nodes are not free yet
      int64_t when = std::max(t, snap_.now);
      for (size_t i : chosen) reserved_from_[i] = std::min(reserved_from_[i], when);
      plan_.reservations.push_back({job.job_id, when, std::move(chosen)});
      return true;
    }
    return false;
  }

  SchedSnapshot& snap_;
  SchedPlan plan_;
  std::vector<PartitionPass> parts_;
  // Per node: when a reservation starts on it; jobs ending later keep off.
  std::vector<int64_t> reserved_from_;
  std::map<Shape, Failure> failed_;
};

}  // namespace

bool sched_order(const SchedSnapshot& snap, const SchedJob& a, const SchedJob& b) {
  uint32_t tier_a = snap.partitions[a.partition].tier;
  uint32_t tier_b = snap.partitions[b.partition].tier;
  if (tier_a != tier_b) return tier_a > tier_b;
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.job_id < b.job_id;
}

SchedPlan schedule(SchedSnapshot snap) { return Pass(snap).run(); }

bool could_ever_run(const SchedSnapshot& snap, const SchedJob& job) {
  uint32_t able = 0;
  for (size_t index : snap.partitions[job.partition].nodes) {
    SchedNode node = snap.nodes[index];
    node.alloc_cpus = 0;
    node.alloc_mem_mb = 0;
    node.exclusive_job = false;
    node.usable = true;
    if (is_required(job, index) && !fits(node, job)) return false;
    if (allowed(job, index) && fits(node, job)) ++able;
  }
  return able >= job.nodes;
}

}  // namespace drover
