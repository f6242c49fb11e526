#include "job_request.h"

#include <algorithm>

#include "drover/hostlist.h"

namespace drover {

Result<std::vector<std::vector<std::string>>> parse_constraint(const std::string& expression) {
  using R = Result<std::vector<std::vector<std::string>>>;
  std::vector<std::vector<std::string>> alternatives(1);
  std::string name;
  bool skipping_count = false;
  auto finish = [&]() {
    if (name.empty()) return false;
    alternatives.back().push_back(name);
    name.clear();
    skipping_count = false;
    return true;
  };
  for (char c : expression) {
    if (c == '[' || c == ']') continue;
    if (c == '&' || c == ',' || c == '|') {
      if (!finish()) return R::fail("Invalid feature specification");
      if (c == '|') alternatives.emplace_back();
    } else if (c == '*') {
      skipping_count = true;
    } else if (skipping_count) {
      if (c < '0' || c > '9') return R::fail("Invalid feature specification");
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':') {
      name += c;
    } else {
      return R::fail("Invalid feature specification");
    }
  }
  if (!finish()) return R::fail("Invalid feature specification");
  return R::ok(std::move(alternatives));
}

bool features_match(const std::vector<std::vector<std::string>>& constraint, const std::vector<std::string>& features) {
  if (constraint.empty()) return true;
  return std::any_of(constraint.begin(), constraint.end(), [&](const std::vector<std::string>& all) {
    return std::all_of(all.begin(), all.end(), [&](const std::string& f) {
      return std::find(features.begin(), features.end(), f) != features.end();
    });
  });
}

uint64_t mem_per_node_mb(const pb::JobSpec& spec, uint32_t cpus_per_node) {
  if (spec.mem_per_cpu_mb() > 0) return spec.mem_per_cpu_mb() * cpus_per_node;
  return spec.mem_mb();
}

Result<SchedJob> job_request(const pb::JobSpec& spec, const Config& config, const PartitionConfig& part) {
  using R = Result<SchedJob>;
  SchedJob job;
  auto index_of = [&](const std::string& name) -> size_t {
    for (size_t i = 0; i < config.nodes.size(); ++i)
      if (config.nodes[i].name == name) return i;
    return SIZE_MAX;
  };
  auto in_partition = [&](const std::string& name) {
    return std::find(part.nodes.begin(), part.nodes.end(), name) != part.nodes.end();
  };
  if (!spec.nodelist().empty()) {
    Result<std::vector<std::string>> names = hostlist::expand(spec.nodelist());
    if (!names) return R::fail("Invalid node name specified");
    for (const std::string& name : *names) {
      size_t i = index_of(name);
      if (i == SIZE_MAX) return R::fail("Invalid node name specified");
      if (!in_partition(name)) return R::fail("Requested nodes not in this partition");
      if (std::find(job.required.begin(), job.required.end(), i) == job.required.end()) job.required.push_back(i);
    }
  }
  std::vector<std::vector<std::string>> constraint;
  if (!spec.constraint().empty()) {
    Result<std::vector<std::vector<std::string>>> parsed = parse_constraint(spec.constraint());
    if (!parsed) return R::fail(parsed.error());
    constraint = std::move(*parsed);
    // A feature no node has is a typo, refused as Slurm does.
    for (const auto& all : constraint)
      for (const std::string& f : all)
        if (std::none_of(config.nodes.begin(), config.nodes.end(), [&](const NodeConfig& n) {
              return std::find(n.features.begin(), n.features.end(), f) != n.features.end();
            }))
          return R::fail("Invalid feature specification");
  }
  std::vector<std::string> excluded;
  if (!spec.exclude().empty()) {
    Result<std::vector<std::string>> names = hostlist::expand(spec.exclude());
    if (!names) return R::fail("Invalid node name specified");
    excluded = std::move(*names);
    for (const std::string& name : excluded)
      if (index_of(name) == SIZE_MAX) return R::fail("Invalid node name specified");
  }
  if (!constraint.empty() || !excluded.empty()) {
    job.allowed.assign(config.nodes.size(), false);
    for (size_t i = 0; i < config.nodes.size(); ++i)
      job.allowed[i] = features_match(constraint, config.nodes[i].features) &&
                       std::find(excluded.begin(), excluded.end(), config.nodes[i].name) == excluded.end();
    for (size_t i : job.required)
      if (!job.allowed[i]) return R::fail("Requested node configuration is not available");
  }
  uint32_t nodes = std::max<uint32_t>(1, spec.min_nodes());
  uint64_t ntasks = spec.ntasks();
  uint64_t per_node = spec.ntasks_per_node();
  if (per_node > 0 && ntasks > 0) nodes = std::max<uint32_t>(nodes, static_cast<uint32_t>((ntasks + per_node - 1) / per_node));
  nodes = std::max<uint32_t>(nodes, static_cast<uint32_t>(job.required.size()));
  job.nodes = nodes;
  uint64_t tasks_per_node = per_node > 0 ? per_node : (std::max<uint64_t>(1, ntasks) + nodes - 1) / nodes;
  uint64_t cpus = tasks_per_node * std::max<uint64_t>(1, spec.cpus_per_task());
  job.cpus_per_node = static_cast<uint32_t>(std::min<uint64_t>(cpus, UINT32_MAX));
  job.mem_per_node_mb = mem_per_node_mb(spec, job.cpus_per_node);
  job.exclusive = spec.exclusive();
  return R::ok(std::move(job));
}

}  // namespace drover
