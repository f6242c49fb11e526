// drover-stepd --step DIR: the supervisor of one node's share of an srun
// step (the role slurmstepd has for a step). Reads the order the agent left
// in DIR/step.pb, connects to srun, starts the node's tasks as the job's
// user, each in its own process group, streams their output to srun (or
// writes it to the files --output/--error name), passes on srun's stdin
// and signals, and reports each task's exit status. When srun goes away
// the tasks are killed; SIGTERM from the agent cancels them (TERM, then
// KILL after the kill wait).
#pragma once
#include <string>

namespace drover {

// Runs the supervisor; returns the process exit code.
int run_step_supervisor(const std::string& dir);

}  // namespace drover
