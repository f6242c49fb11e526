#include "sbatch_options.h"

#include <cstdlib>

namespace drover::sbatch {
namespace {

// Adds to `app` only what `filter` selects (option_filter.h).
struct Table {
  CLI::App& app;
  const cli::OptionFilter& filter;
  template <class T>
  void option(const char* names, T& into, const char* help) {
    if (filter.wants(names)) app.add_option(names, into, help);
  }
  template <class T>
  void flag(const char* names, T& into, const char* help) {
    if (filter.wants(names)) app.add_flag(names, into, help);
  }
};

}  // namespace

void add_options(CLI::App& app, Options& o, const cli::OptionFilter& filter) {
  Table t{app, filter};
  t.option("-J,--job-name", o.job_name, "name of the job");
  t.option("-p,--partition", o.partition, "partition to run in");
  t.option("-N,--nodes", o.nodes, "number of nodes (min[-max])");
  t.option("-n,--ntasks", o.ntasks, "number of tasks");
  t.option("-c,--cpus-per-task", o.cpus_per_task, "CPUs per task");
  t.option("--ntasks-per-node", o.ntasks_per_node, "tasks per node");
  t.option("--mincpus", o.mincpus, "minimum CPUs per node");
  t.option("--mem", o.mem, "memory per node (MB, or with K/M/G/T)");
  t.option("--mem-per-cpu", o.mem_per_cpu, "memory per allocated CPU");
  t.option("--tmp", o.tmp, "minimum temporary disk per node (accepted, not checked)");
  t.option("-t,--time", o.time, "time limit");
  t.option("--time-min", o.time_min, "minimum time limit (stored)");
  t.option("-o,--output", o.output, "stdout file pattern");
  t.option("-e,--error", o.error, "stderr file pattern");
  t.option("-i,--input", o.input, "stdin file pattern");
  t.option("--open-mode", o.open_mode, "append or truncate the output files");
  t.option("-D,--chdir", o.chdir, "working directory of the job");
  t.option("-a,--array", o.array, "job array index values");
  t.option("--export", o.export_env, "environment to export: ALL, NONE, or [ALL,]VAR[=val],...");
  t.option("--export-file", o.export_file, "file of NUL- or newline-separated VAR=value to export");
  t.option("--wrap", o.wrap, "wrap a command in a sh script");
  // Flags that may carry a value: --exclusive[=user|mcs], --nice[=adj].
  t.flag("--exclusive{node}", o.exclusive, "allocate whole nodes");
  t.flag("--nice{}", o.nice, "scheduling priority adjustment (default 100)");
  t.flag("-s,--oversubscribe", o.oversubscribe, "share nodes (they are shared by CPU already)");
  t.option("-w,--nodelist", o.nodelist, "required nodes (hostlist, or a file if it contains /)");
  t.option("-x,--exclude", o.exclude, "nodes not to use");
  t.option("-F,--nodefile", o.nodefile, "file holding the required nodes");
  t.option("-C,--constraint", o.constraint, "required node features");
  t.option("--prefer", o.prefer, "preferred node features");
  t.flag("-H,--hold", o.hold, "submit held");
  t.option("-d,--dependency", o.dependency, "defer the job until these jobs reach a state (afterok:id,...)");
  t.option("-b,--begin", o.begin, "defer the job until this time (now+1hour, 16:00, 2030-01-31T12:00)");
  t.flag("-W,--wait", o.wait, "wait for the job to end; exit with its exit code");
  t.option("--kill-on-invalid-dep", o.kill_on_invalid_dep, "yes: cancel the job if its dependency fails");
  t.flag("--parsable", o.parsable, "print only the job id");
  t.flag("-Q,--quiet", o.quiet, "print nothing on success");
  t.option("--signal", o.signal, "[B:]sig[@secs]: signal before the time limit");
  t.flag("--requeue", o.requeue, "the job may be requeued");
  t.flag("--no-requeue", o.no_requeue, "the job may not be requeued");
  t.flag("-k,--no-kill", o.no_kill, "do not kill the job if a node fails");
  t.option("--deadline", o.deadline, "latest end time (stored)");
  t.option("-A,--account", o.account, "account to charge (stored)");
  t.option("-q,--qos", o.qos, "quality of service (stored)");
  t.option("--reservation", o.reservation, "reservation to run in");
  t.option("--comment", o.comment, "arbitrary comment (stored)");
  t.option("--wckey", o.wckey, "workload characterization key (stored)");
  t.option("--mail-type", o.mail_type, "mail events (stored, no mail is sent)");
  t.option("--mail-user", o.mail_user, "mail address (stored, no mail is sent)");
  t.option("--priority", o.priority, "job priority (operators only)");
  t.option("--gres", o.gres, "generic resources per node");
  t.option("-G,--gpus", o.gpus, "GPUs for the job");
  t.option("--gpus-per-node", o.gpus_per_node, "GPUs per node");
  t.option("--gpus-per-task", o.gpus_per_task, "GPUs per task");
  t.option("--cpus-per-gpu", o.cpus_per_gpu, "CPUs per GPU");
  t.option("--mem-per-gpu", o.mem_per_gpu, "memory per GPU");
  t.flag("--contiguous", o.contiguous, "contiguous nodes (accepted)");
  t.flag("--spread-job", o.spread_job, "spread over nodes (accepted)");
  t.flag("--use-min-nodes", o.use_min_nodes, "prefer the smaller node count (accepted)");
  t.flag("-O,--overcommit", o.overcommit, "overcommit CPUs (accepted)");
  t.option("-M,--clusters", o.clusters, "cluster to submit to (only the local one)");
  t.flag("-v,--verbose", o.verbose, "more messages");
  t.flag("--usage", o.usage, "print a short usage line");
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
