// sbatch's options: one table used for the command line, SBATCH_*
// variables and #SBATCH directives, applied in Slurm's precedence
// (directives, then environment, then command line). Values are kept as
// typed here and checked once all three sources are merged (sbatch.cc).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "drover/option_filter.h"

namespace drover::sbatch {

struct Options {
  std::optional<std::string> job_name, partition, nodes, time, time_min, mem, mem_per_cpu, output, error, input,
      chdir, array, export_env, export_file, wrap, account, qos, comment, wckey, mail_type, mail_user, open_mode,
      nice, priority, constraint, prefer, nodelist, exclude, nodefile, signal, deadline, reservation, gres, gpus,
      gpus_per_node, gpus_per_task, cpus_per_gpu, mem_per_gpu, clusters, exclusive, tmp;
  std::optional<uint32_t> ntasks, cpus_per_task, ntasks_per_node, mincpus;
  bool hold = false, parsable = false, quiet = false, requeue = false, no_requeue = false, no_kill = false,
       oversubscribe = false, contiguous = false, spread_job = false, use_min_nodes = false, overcommit = false,
       usage = false;
  int verbose = 0;
  // Dependencies, begin time and waiting (-d, -b, -W, --kill-on-invalid-dep).
  std::optional<std::string> dependency, begin, kill_on_invalid_dep;
  bool wait = false;
};

// Registers the options `filter` selects (all by default) on `app`,
// writing into `options`.
void add_options(CLI::App& app, Options& options,
                 const cli::OptionFilter& filter = cli::OptionFilter::everything());

// Option words from SBATCH_* input variables ("--partition=x", ...).
std::vector<std::string> options_from_environment();

}  // namespace drover::sbatch
