// squeue --json and sinfo --json: the shape of Slurm 22.05's --json output
// (slurmrestd's v0.0.38 job, node and partition objects) with the keys
// Drover can fill. docs/json-output.md lists them. Pure.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "drover.pb.h"

namespace drover {

// {"meta": ..., "errors": [], "warnings": [], "jobs": [...]}
std::string squeue_json(const std::vector<const pb::JobRecord*>& jobs, int64_t now);

// {"meta": ..., "errors": [], "warnings": [], "nodes": [...], "partitions": [...]}
std::string sinfo_json(const pb::ListNodesReply& cluster);

}  // namespace drover
