// sbatch -W/--wait: after the "Submitted" line, block until the job (every
// task of an array) has ended and return its exit code the way Slurm's
// sbatch does: the exit code, 1 if a signal ended it, the highest over
// the tasks of an array.
#pragma once
#include <cstdint>
#include <vector>

#include "drover.pb.h"
#include "drover/client.h"

namespace drover::sbatch {

// The exit code sbatch --wait returns for these finished records.
int wait_exit_code(const std::vector<pb::JobRecord>& records);

// Polls the controller (0.25 s, growing to 5 s) until job `id` has ended.
int wait_for_job(ControllerClient& client, uint32_t id);

}  // namespace drover::sbatch
