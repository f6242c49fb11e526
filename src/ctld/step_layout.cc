#include "step_layout.h"

#include <algorithm>

#include "drover/hostlist.h"

namespace drover {

std::vector<uint32_t> StepLayout::task_ids(size_t node) const {
  uint32_t first = 0;
  for (size_t i = 0; i < node; ++i) first += tasks_per_node[i];
  std::vector<uint32_t> ids(tasks_per_node[node]);
  for (uint32_t k = 0; k < ids.size(); ++k) ids[k] = first + k;
  return ids;
}

Result<StepLayout> layout_step(const pb::JobRecord& job, const pb::StepCreateRequest& request) {
  auto unavailable = [] { return Result<StepLayout>::fail("Requested node configuration is not available"); };
  std::vector<std::string> candidates(job.nodes().begin(), job.nodes().end());
  if (!request.nodelist().empty()) {
    Result<std::vector<std::string>> wanted = hostlist::expand(request.nodelist());
    if (!wanted) return Result<StepLayout>::fail("Invalid node name specified");
    std::vector<std::string> chosen;
    for (const std::string& name : candidates)
      if (std::find(wanted->begin(), wanted->end(), name) != wanted->end()) chosen.push_back(name);
    if (chosen.size() != wanted->size()) return unavailable();
    candidates = std::move(chosen);
  }
  uint32_t available = static_cast<uint32_t>(candidates.size());
  uint32_t ntasks = request.ntasks();
  uint32_t per_node = request.ntasks_per_node();
  uint32_t nodes = request.nodes();
  if (nodes == 0) {
    if (!request.nodelist().empty()) nodes = available;
    else if (ntasks > 0 && per_node > 0) nodes = (ntasks + per_node - 1) / per_node;
    else if (ntasks > 0) nodes = std::min(ntasks, available);
    else nodes = available;
  }
  if (nodes == 0 || nodes > available) return unavailable();
  if (ntasks == 0) ntasks = per_node > 0 ? per_node * nodes : nodes;
  if (ntasks < nodes) nodes = ntasks;  // Slurm shrinks the step rather than start idle nodes
  if (per_node > 0 && uint64_t{per_node} * nodes < ntasks) return unavailable();

  StepLayout layout;
  layout.ntasks = ntasks;
  layout.nodes.assign(candidates.begin(), candidates.begin() + nodes);
  if (per_node > 0) {
    uint32_t left = ntasks;
    for (uint32_t i = 0; i < nodes; ++i) {
      uint32_t here = std::min(per_node, left);
      layout.tasks_per_node.push_back(here);
      left -= here;
    }
  } else {
    for (uint32_t i = 0; i < nodes; ++i) layout.tasks_per_node.push_back(ntasks / nodes + (i < ntasks % nodes ? 1 : 0));
  }
  return Result<StepLayout>::ok(std::move(layout));
}

std::string compress_counts(const std::vector<uint32_t>& counts) {
  std::string out;
  for (size_t i = 0; i < counts.size();) {
    size_t j = i;
    while (j < counts.size() && counts[j] == counts[i]) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(counts[i]);
    if (j - i > 1) out += "(x" + std::to_string(j - i) + ")";
    i = j;
  }
  return out;
}

std::vector<std::string> slurm_step_env(const pb::JobRecord& job, uint32_t step_id, const StepLayout& layout,
                                        size_t node, const std::string& cluster, const std::string& srun_host) {
  const pb::JobSpec& spec = job.spec();
  std::vector<std::string> env;
  auto set = [&env](const std::string& key, const std::string& value) { env.push_back(key + "=" + value); };
  std::string id = std::to_string(job.job_id());
  std::string job_nodes = hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()});
  std::string step_nodes = hostlist::compress_sorted(layout.nodes);
  std::string step = std::to_string(step_id);
  std::string nnodes = std::to_string(layout.nodes.size());
  std::string ntasks = std::to_string(layout.ntasks);
  std::string tasks_per_node = compress_counts(layout.tasks_per_node);
  set("SLURM_JOB_ID", id);
  set("SLURM_JOBID", id);
  set("SLURM_STEP_ID", step);
  set("SLURM_STEPID", step);
  set("SLURM_JOB_NAME", spec.name());
  set("SLURM_JOB_NODELIST", job_nodes);
  set("SLURM_JOB_NUM_NODES", std::to_string(job.nodes_size()));
  set("SLURM_NODELIST", step_nodes);
  set("SLURM_STEP_NODELIST", step_nodes);
  set("SLURM_NNODES", nnodes);
  set("SLURM_STEP_NUM_NODES", nnodes);
  set("SLURM_NTASKS", ntasks);
  set("SLURM_NPROCS", ntasks);
  set("SLURM_STEP_NUM_TASKS", ntasks);
  set("SLURM_TASKS_PER_NODE", tasks_per_node);
  set("SLURM_STEP_TASKS_PER_NODE", tasks_per_node);
  set("SLURM_JOB_PARTITION", job.partition());
  set("SLURM_CLUSTER_NAME", cluster);
  set("SLURM_JOB_USER", spec.user_name());
  set("SLURM_JOB_UID", std::to_string(job.uid()));
  set("SLURM_JOB_GID", std::to_string(job.gid()));
  set("SLURM_SUBMIT_DIR", spec.submit_dir());
  set("SLURM_SUBMIT_HOST", spec.submit_host());
  set("SLURM_SRUN_COMM_HOST", srun_host);
  set("SLURM_LAUNCH_NODE_IPADDR", srun_host);
  if (spec.mem_given()) set("SLURM_MEM_PER_NODE", std::to_string(spec.mem_mb()));
  if (spec.cpus_per_task() > 0) set("SLURM_CPUS_PER_TASK", std::to_string(spec.cpus_per_task()));
  std::vector<uint32_t> cpus(job.node_cpus().begin(), job.node_cpus().end());
  set("SLURM_JOB_CPUS_PER_NODE", compress_counts(cpus));
  if (job.array_job_id() != 0) {
    set("SLURM_ARRAY_JOB_ID", std::to_string(job.array_job_id()));
    set("SLURM_ARRAY_TASK_ID", std::to_string(job.array_task_id()));
  }
  // This node's own values.
  const std::string& name = layout.nodes[node];
  auto in_job = std::find(job.nodes().begin(), job.nodes().end(), name) - job.nodes().begin();
  set("SLURMD_NODENAME", name);
  set("SLURM_NODEID", std::to_string(node));
  set("SLURM_CPUS_ON_NODE", std::to_string(in_job < job.node_cpus_size() ? job.node_cpus(static_cast<int>(in_job)) : 1));
  std::string gtids;
  for (uint32_t t : layout.task_ids(node)) gtids += (gtids.empty() ? "" : ",") + std::to_string(t);
  set("SLURM_GTIDS", gtids);
  return env;
}

}  // namespace drover
