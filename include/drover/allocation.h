// What srun and salloc share: the options that shape an allocation, and
// getting one from the controller (submit, wait until it runs, keep it
// alive, give it back).
#pragma once
#include <csignal>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "drover.pb.h"
#include "drover/client.h"

namespace drover::alloc {

struct Options {
  std::optional<std::string> job_name, partition, nodes, time, mem, mem_per_cpu, nodelist, exclude, constraint,
      account, qos, comment, chdir, reservation, gres;
  std::optional<uint32_t> ntasks, cpus_per_task, ntasks_per_node;
  bool exclusive = false, quiet = false, no_requeue = false;
};

// Registers the allocation options on `app`.
void add_options(CLI::App& app, Options& options);

// The job an allocation asks for. Exits with Slurm's message ("<cmd>:
// error: Invalid --time specification") on a bad value.
pb::JobSpec job_spec(const std::string& command, const Options& options, const std::string& default_name);

// Submits the allocation and waits until it runs. While it waits, a signal
// in `stop` (blocked by the caller; checked without blocking) cancels it.
// Prints what Slurm's commands print on the way; exits on failure.
pb::JobRecord allocate(ControllerClient& client, pb::JobSpec spec, const std::string& command, int stop_fd);

// Tells the controller the holder is alive; false if the allocation has
// ended (cancelled, timed out) or cannot be reached.
bool keep_alive(ControllerClient& client, uint32_t job_id);

// Gives the allocation back with the exit status of what ran in it.
void release(ControllerClient& client, uint32_t job_id, int exit_status, int term_signal);

}  // namespace drover::alloc
