#include "scheduler.h"

#include <algorithm>

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

// Picks `job.nodes` nodes: the required ones, then by lowest weight, then
// (prefer: fastest) the highest measured speed, then the tightest fit
// (fewest CPUs left over), then config order.
std::vector<size_t> choose_nodes(const SchedSnapshot& snap, const SchedJob& job) {
  std::vector<size_t> candidates;
  for (size_t index : job.required)
    if (!fits(snap.nodes[index], job)) return {};
  for (size_t index : snap.partitions[job.partition].nodes)
    if (allowed(job, index) && fits(snap.nodes[index], job) &&
        std::find(job.required.begin(), job.required.end(), index) == job.required.end())
      candidates.push_back(index);
  if (candidates.size() + job.required.size() < job.nodes) return {};
  auto leftover = [&](size_t i) { return snap.nodes[i].cpus - snap.nodes[i].alloc_cpus; };
  bool fastest = snap.partitions[job.partition].prefer_fastest;
  std::stable_sort(candidates.begin(), candidates.end(), [&](size_t a, size_t b) {
    if (snap.nodes[a].weight != snap.nodes[b].weight) return snap.nodes[a].weight < snap.nodes[b].weight;
    // prefer: fastest. Weight still wins, as an admin's explicit choice.
    if (fastest && snap.nodes[a].speed != snap.nodes[b].speed) return snap.nodes[a].speed > snap.nodes[b].speed;
    if (leftover(a) != leftover(b)) return leftover(a) < leftover(b);
    return a < b;
  });
  candidates.resize(job.nodes - std::min<size_t>(job.nodes, job.required.size()));
  candidates.insert(candidates.end(), job.required.begin(), job.required.end());
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

void allocate(SchedSnapshot& snap, const SchedJob& job, const std::vector<size_t>& nodes) {
  for (size_t i : nodes) {
    SchedNode& node = snap.nodes[i];
    node.alloc_cpus += job.exclusive ? node.cpus : job.cpus_per_node;
    node.alloc_mem_mb += job.mem_per_node_mb;
    node.exclusive_job = node.exclusive_job || job.exclusive;
  }
}

}  // namespace

SchedPlan schedule(SchedSnapshot snap) {
  std::sort(snap.pending.begin(), snap.pending.end(), [](const SchedJob& a, const SchedJob& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.job_id < b.job_id;
  });
  SchedPlan plan;
  std::vector<bool> blocked(snap.partitions.size(), false);
  for (const SchedJob& job : snap.pending) {
    if (!snap.partitions[job.partition].up) {
      plan.waits.push_back({job.job_id, "PartitionDown"});
      continue;
    }
    if (blocked[job.partition]) {
      plan.waits.push_back({job.job_id, "Priority"});
      continue;
    }
    uint32_t started = 0;
    while (started < job.startable) {
      std::vector<size_t> nodes = choose_nodes(snap, job);
      if (nodes.empty()) break;
      allocate(snap, job, nodes);
      uint32_t cpus = job.exclusive ? 0 : job.cpus_per_node;  // 0: whole node, resolved by the caller
      plan.starts.push_back({job.job_id, std::move(nodes), cpus, job.mem_per_node_mb});
      ++started;
    }
    if (started < job.startable) {
      plan.waits.push_back({job.job_id, "Resources"});
      blocked[job.partition] = true;
    } else if (job.throttled) {
      plan.waits.push_back({job.job_id, "JobArrayTaskLimit"});
    }
  }
  return plan;
}

bool could_ever_run(const SchedSnapshot& snap, const SchedJob& job) {
  uint32_t able = 0;
  for (size_t index : snap.partitions[job.partition].nodes) {
    SchedNode node = snap.nodes[index];
    node.alloc_cpus = 0;
    node.alloc_mem_mb = 0;
    node.exclusive_job = false;
    node.usable = true;
    bool is_required = std::find(job.required.begin(), job.required.end(), index) != job.required.end();
    if (is_required && !fits(node, job)) return false;
    if (allowed(job, index) && fits(node, job)) ++able;
  }
  return able >= job.nodes;
}

}  // namespace drover
