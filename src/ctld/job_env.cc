#include "job_env.h"

#include "drover/hostlist.h"
#include "drover/output_pattern.h"

namespace drover {

std::vector<std::string> slurm_job_env(const pb::JobRecord& job, const std::string& cluster,
                                       const std::string& node, uint32_t cpus_on_node) {
  const pb::JobSpec& spec = job.spec();
  std::vector<std::string> env;
  auto set = [&env](const std::string& key, const std::string& value) { env.push_back(key + "=" + value); };
  std::string id = std::to_string(job.job_id());
  std::string nodelist = hostlist::compress_sorted({job.nodes().begin(), job.nodes().end()});
  std::string nnodes = std::to_string(job.nodes_size());
  set("SLURM_JOB_ID", id);
  set("SLURM_JOBID", id);
  set("SLURM_JOB_NAME", spec.name());
  set("SLURM_JOB_NODELIST", nodelist);
  set("SLURM_NODELIST", nodelist);
  set("SLURM_JOB_NUM_NODES", nnodes);
  set("SLURM_NNODES", nnodes);
  // --ntasks-per-node alone implies ntasks = nodes x per-node, as Slurm sets it.
  uint64_t ntasks = spec.ntasks() > 0 ? spec.ntasks() : uint64_t{spec.ntasks_per_node()} * job.nodes_size();
  if (ntasks > 0) {
    set("SLURM_NTASKS", std::to_string(ntasks));
    set("SLURM_NPROCS", std::to_string(ntasks));
  }
  if (spec.ntasks_per_node() > 0) set("SLURM_NTASKS_PER_NODE", std::to_string(spec.ntasks_per_node()));
  if (spec.cpus_per_task() > 0) set("SLURM_CPUS_PER_TASK", std::to_string(spec.cpus_per_task()));
  set("SLURM_CPUS_ON_NODE", std::to_string(cpus_on_node));
  if (spec.mem_given()) set("SLURM_MEM_PER_NODE", std::to_string(spec.mem_mb()));
  if (spec.mem_per_cpu_mb() > 0) set("SLURM_MEM_PER_CPU", std::to_string(spec.mem_per_cpu_mb()));
  if (!spec.account().empty()) set("SLURM_JOB_ACCOUNT", spec.account());
  if (!spec.qos().empty()) set("SLURM_JOB_QOS", spec.qos());
  if (spec.open_mode_append()) set("SLURM_OPEN_MODE", "a");
  set("SLURM_SUBMIT_DIR", spec.submit_dir());
  set("SLURM_SUBMIT_HOST", spec.submit_host());
  set("SLURM_JOB_PARTITION", job.partition());
  set("SLURM_CLUSTER_NAME", cluster);
  set("SLURMD_NODENAME", node);
  set("SLURM_JOB_USER", spec.user_name());
  set("SLURM_JOB_UID", std::to_string(job.uid()));
  set("SLURM_JOB_GID", std::to_string(job.gid()));
  set("SLURM_NODEID", "0");
  set("SLURM_PROCID", "0");
  set("SLURM_LOCALID", "0");
  set("SLURM_GTIDS", "0");
  set("SLURM_PRIO_PROCESS", "0");
  set("ENVIRONMENT", "BATCH");
  if (job.restarts() > 0) set("SLURM_RESTART_COUNT", std::to_string(job.restarts()));
  if (!spec.export_spec().empty()) set("SLURM_EXPORT_ENV", spec.export_spec());
  if (!spec.dependency().empty()) set("SLURM_JOB_DEPENDENCY", spec.dependency());
  if (job.array_job_id() != 0) {
    set("SLURM_ARRAY_JOB_ID", std::to_string(job.array_job_id()));
    set("SLURM_ARRAY_TASK_ID", std::to_string(job.array_task_id()));
    set("SLURM_ARRAY_TASK_COUNT", std::to_string(job.array_task_count()));
    set("SLURM_ARRAY_TASK_MIN", std::to_string(job.array_task_min()));
    set("SLURM_ARRAY_TASK_MAX", std::to_string(job.array_task_max()));
    set("SLURM_ARRAY_TASK_STEP", std::to_string(job.array_task_step()));
  }
  return env;
}

std::string resolve_output_path(const pb::JobRecord& job, const std::string& pattern, const std::string& node) {
  PatternContext ctx;
  ctx.job_id = job.job_id();
  if (job.array_job_id() != 0) {
    ctx.array_job_id = job.array_job_id();
    ctx.array_task_id = job.array_task_id();
  }
  ctx.job_name = job.spec().name();
  ctx.user = job.spec().user_name();
  ctx.node = node;
  std::string path = expand_output_pattern(pattern, ctx);
  if (path == "none" || path == "NONE" || path == "None") return "/dev/null";
  if (!path.empty() && path[0] == '/') return path;
  return job.spec().work_dir() + "/" + path;
}

std::string stdout_path(const pb::JobRecord& job, const std::string& node) {
  std::string pattern = job.spec().stdout_pattern();
  if (pattern.empty()) pattern = job.array_job_id() != 0 ? "slurm-%A_%a.out" : "slurm-%j.out";
  return resolve_output_path(job, pattern, node);
}

std::string stderr_path(const pb::JobRecord& job, const std::string& node) {
  if (job.spec().stderr_pattern().empty()) return stdout_path(job, node);
  return resolve_output_path(job, job.spec().stderr_pattern(), node);
}

}  // namespace drover
