#include "sbatch_options.h"

#include <cstdlib>

namespace drover::sbatch {

void add_options(CLI::App& app, Options& o) {
  app.add_option("-J,--job-name", o.job_name, "name of the job");
  app.add_option("-p,--partition", o.partition, "partition to run in");
  app.add_option("-N,--nodes", o.nodes, "number of nodes (min[-max])");
  app.add_option("-n,--ntasks", o.ntasks, "number of tasks");
  app.add_option("-c,--cpus-per-task", o.cpus_per_task, "CPUs per task");
  app.add_option("--ntasks-per-node", o.ntasks_per_node, "tasks per node");
  app.add_option("--mincpus", o.mincpus, "minimum CPUs per node");
  app.add_option("--mem", o.mem, "memory per node (MB, or with K/M/G/T)");
  app.add_option("--mem-per-cpu", o.mem_per_cpu, "memory per allocated CPU");
  app.add_option("--tmp", o.tmp, "minimum temporary disk per node (accepted, not checked)");
  app.add_option("-t,--time", o.time, "time limit");
  app.add_option("--time-min", o.time_min, "minimum time limit (stored)");
  app.add_option("-o,--output", o.output, "stdout file pattern");
  app.add_option("-e,--error", o.error, "stderr file pattern");
  app.add_option("-i,--input", o.input, "stdin file pattern");
  app.add_option("--open-mode", o.open_mode, "append or truncate the output files");
  app.add_option("-D,--chdir", o.chdir, "working directory of the job");
  app.add_option("-a,--array", o.array, "job array index values");
  app.add_option("--export", o.export_env, "environment to export: ALL, NONE, or [ALL,]VAR[=val],...");
  app.add_option("--export-file", o.export_file, "file of NUL- or newline-separated VAR=value to export");
  app.add_option("--wrap", o.wrap, "wrap a command in a sh script");
  // Flags that may carry a value: --exclusive[=user|mcs], --nice[=adj].
  app.add_flag("--exclusive{node}", o.exclusive, "allocate whole nodes");
  app.add_flag("--nice{}", o.nice, "scheduling priority adjustment (default 100)");
  app.add_flag("-s,--oversubscribe", o.oversubscribe, "share nodes (they are shared by CPU already)");
  app.add_option("-w,--nodelist", o.nodelist, "required nodes (hostlist, or a file if it contains /)");
  app.add_option("-x,--exclude", o.exclude, "nodes not to use");
  app.add_option("-F,--nodefile", o.nodefile, "file holding the required nodes");
  app.add_option("-C,--constraint", o.constraint, "required node features");
  app.add_option("--prefer", o.prefer, "preferred node features");
  app.add_flag("-H,--hold", o.hold, "submit held");
  app.add_option("-d,--dependency", o.dependency, "defer the job until these jobs reach a state (afterok:id,...)");
  app.add_option("-b,--begin", o.begin, "defer the job until this time (now+1hour, 16:00, 2030-01-31T12:00)");
  app.add_flag("-W,--wait", o.wait, "wait for the job to end; exit with its exit code");
  app.add_option("--kill-on-invalid-dep", o.kill_on_invalid_dep, "yes: cancel the job if its dependency fails");
  app.add_flag("--parsable", o.parsable, "print only the job id");
  app.add_flag("-Q,--quiet", o.quiet, "print nothing on success");
  app.add_option("--signal", o.signal, "[B:]sig[@secs]: signal before the time limit");
  app.add_flag("--requeue", o.requeue, "the job may be requeued");
  app.add_flag("--no-requeue", o.no_requeue, "the job may not be requeued");
  app.add_flag("-k,--no-kill", o.no_kill, "do not kill the job if a node fails");
  app.add_option("--deadline", o.deadline, "latest end time (stored)");
  app.add_option("-A,--account", o.account, "account to charge (stored)");
  app.add_option("-q,--qos", o.qos, "quality of service (stored)");
  app.add_option("--reservation", o.reservation, "reservation to run in");
  app.add_option("--comment", o.comment, "arbitrary comment (stored)");
  app.add_option("--wckey", o.wckey, "workload characterization key (stored)");
  app.add_option("--mail-type", o.mail_type, "mail events (stored, no mail is sent)");
  app.add_option("--mail-user", o.mail_user, "mail address (stored, no mail is sent)");
  app.add_option("--priority", o.priority, "job priority (operators only)");
  app.add_option("--gres", o.gres, "generic resources per node");
  app.add_option("-G,--gpus", o.gpus, "GPUs for the job");
  app.add_option("--gpus-per-node", o.gpus_per_node, "GPUs per node");
  app.add_option("--gpus-per-task", o.gpus_per_task, "GPUs per task");
  app.add_option("--cpus-per-gpu", o.cpus_per_gpu, "CPUs per GPU");
  app.add_option("--mem-per-gpu", o.mem_per_gpu, "memory per GPU");
  app.add_flag("--contiguous", o.contiguous, "contiguous nodes (accepted)");
  app.add_flag("--spread-job", o.spread_job, "spread over nodes (accepted)");
  app.add_flag("--use-min-nodes", o.use_min_nodes, "prefer the smaller node count (accepted)");
  app.add_flag("-O,--overcommit", o.overcommit, "overcommit CPUs (accepted)");
  app.add_option("-M,--clusters", o.clusters, "cluster to submit to (only the local one)");
  app.add_flag("-v,--verbose", o.verbose, "more messages");
  app.add_flag("--usage", o.usage, "print a short usage line");
}

std::vector<std::string> options_from_environment() {
  struct Mapping {
    const char* variable;
    const char* option;
    bool flag;
  };
  static const Mapping kMappings[] = {
      {"SBATCH_JOB_NAME", "--job-name", false},     {"SBATCH_PARTITION", "--partition", false},
      {"SBATCH_TIMELIMIT", "--time", false},        {"SBATCH_ARRAY_INX", "--array", false},
      {"SBATCH_OUTPUT", "--output", false},         {"SBATCH_ERROR", "--error", false},
      {"SBATCH_INPUT", "--input", false},           {"SBATCH_EXPORT", "--export", false},
      {"SBATCH_MEM_PER_NODE", "--mem", false},      {"SBATCH_MEM_PER_CPU", "--mem-per-cpu", false},
      {"SBATCH_ACCOUNT", "--account", false},       {"SBATCH_QOS", "--qos", false},
      {"SBATCH_CONSTRAINT", "--constraint", false}, {"SBATCH_SIGNAL", "--signal", false},
      {"SBATCH_GRES", "--gres", false},             {"SBATCH_GPUS", "--gpus", false},
      {"SBATCH_GPUS_PER_NODE", "--gpus-per-node", false}, {"SBATCH_GPUS_PER_TASK", "--gpus-per-task", false},
      {"SBATCH_CPUS_PER_GPU", "--cpus-per-gpu", false}, {"SBATCH_MEM_PER_GPU", "--mem-per-gpu", false},
      {"SBATCH_OPEN_MODE", "--open-mode", false},   {"SBATCH_RESERVATION", "--reservation", false},
      {"SBATCH_WCKEY", "--wckey", false},           {"SBATCH_CLUSTERS", "--clusters", false},
      {"SBATCH_EXCLUSIVE", "--exclusive", true},    {"SBATCH_REQUEUE", "--requeue", true},
      {"SBATCH_NO_REQUEUE", "--no-requeue", true},  {"SBATCH_NO_KILL", "--no-kill", true},
      {"SBATCH_OVERCOMMIT", "--overcommit", true},  {"SBATCH_SPREAD_JOB", "--spread-job", true},
      {"SBATCH_USE_MIN_NODES", "--use-min-nodes", true},
      {"SBATCH_WAIT", "--wait", true},
  };
  std::vector<std::string> words;
  for (const Mapping& m : kMappings) {
    const char* value = std::getenv(m.variable);
    if (!value) continue;
    if (m.flag) {
      std::string v = value;
      bool nonzero_number = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos &&
                            v.find_first_not_of('0') != std::string::npos;
      if (v.empty() || v == "yes" || nonzero_number)
        words.push_back(m.option);
    } else {
      words.push_back(std::string(m.option) + "=" + value);
    }
  }
  // SBATCH_DEBUG=<n>: as many -v.
  if (const char* debug = std::getenv("SBATCH_DEBUG")) {
    int n = std::atoi(debug);
    for (int i = 0; i < n && i < 10; ++i) words.push_back("-v");
  }
  return words;
}

}  // namespace drover::sbatch
