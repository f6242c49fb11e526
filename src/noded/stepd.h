// drover-stepd: the per-job supervisor (the role of Slurm's slurmstepd).
// Started by the agent with the job's directory; detaches into its own
// session so an agent restart does not touch it; runs the batch script as
// the job's user; forwards signals (SIGTERM means cancel: TERM, then KILL
// after the kill wait); records the exit status in the job directory.
#pragma once
#include <string>

namespace drover {

// Runs the supervisor for the job in `dir`; returns the process exit code.
int run_stepd(const std::string& dir);

}  // namespace drover
