// scontrol show config: the running configuration under Slurm's parameter
// names, in Slurm's "Key = value" layout. Workflow tools read it: Snakemake
// takes MinJobAge and MaxArraySize, Toil SchedulerTimeSlice and
// AcctGatherNodeFreq (spec clients.md §5.3). Pure.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "drover/config.h"

namespace drover {

using ConfigEntries = std::vector<std::pair<std::string, std::string>>;

// Slurm's names and units ("MinJobAge" -> "300 sec"), sorted by name as
// Slurm lists them.
ConfigEntries slurm_config_entries(const Config& config);

// "Configuration data as of <ISO time>", then one "%-23s = %s" line each.
std::string format_config_report(const ConfigEntries& entries, int64_t now);

}  // namespace drover
