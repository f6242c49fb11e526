// sbatch's options: one table used for the command line, SBATCH_*
// variables and #SBATCH directives, applied in Slurm's precedence
// (directives, then environment, then command line).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace drover::sbatch {

struct Options {
  std::optional<std::string> job_name, partition, nodes, time, mem, output, error, input, chdir, array, export_env,
      wrap, account, qos, comment, mail_type, mail_user, open_mode, config;
  std::optional<uint32_t> ntasks, cpus_per_task;
  bool exclusive = false, hold = false, parsable = false, quiet = false, requeue = false, no_requeue = false;
  int verbose = 0;
  // Dependencies, begin time and waiting (-d, -b, -W, --kill-on-invalid-dep).
  std::optional<std::string> dependency, begin, kill_on_invalid_dep;
  bool wait = false;
};

// Registers every option on `app`, writing into `options`.
void add_options(CLI::App& app, Options& options);

// Option words from SBATCH_* input variables ("--partition=x", ...).
std::vector<std::string> options_from_environment();

}  // namespace drover::sbatch
