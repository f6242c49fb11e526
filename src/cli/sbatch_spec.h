// Turns sbatch's merged options into the JobSpec sent to the controller:
// every value checked with Slurm's words (exit 255 for a bad option value,
// 1 for range and context errors, as sbatch does).
#pragma once
#include <string>

#include "drover.pb.h"
#include "drover/config.h"
#include "sbatch_options.h"

namespace drover::sbatch {

// Fills `spec` from `options`; prints the error and exits on bad input.
// `cwd` resolves relative -w/-F files.
void fill_spec(const Options& options, const std::string& cwd, pb::JobSpec& spec);

// -M: Drover runs one cluster; naming it is accepted, naming another is
// the error sbatch gives for a cluster it cannot reach.
void fill_cluster(const Options& options, const Config& config, pb::JobSpec& spec);

}  // namespace drover::sbatch
