// What a job asks of the nodes, worked out from its JobSpec once so that
// the submit check, the scheduler snapshot and the release of resources
// agree: node count, CPUs and memory per node, and which nodes -w/-x/-C
// allow. Pure.
#pragma once
#include <string>
#include <vector>

#include "drover.pb.h"
#include "drover/config.h"
#include "drover/result.h"
#include "scheduler.h"

namespace drover {

// A -C expression as alternatives of required features: "a&b|c" is
// {{a,b},{c}}. Brackets are dropped and "*N" counts are not honoured (each
// node of the job must match one alternative). Error: "Invalid feature specification".
Result<std::vector<std::vector<std::string>>> parse_constraint(const std::string& expression);

// True if a node with `features` satisfies the parsed constraint (or there is none).
bool features_match(const std::vector<std::vector<std::string>>& constraint, const std::vector<std::string>& features);

// Memory taken on each node: --mem, or --mem-per-cpu times the CPUs per node.
uint64_t mem_per_node_mb(const pb::JobSpec& spec, uint32_t cpus_per_node);

// The request of `spec` in partition `part` as a SchedJob (ids, priority and
// partition index left for the caller). Errors are the controller's words:
// "Invalid node name specified", "Requested nodes not in this partition",
// "Invalid feature specification", "Node count specification invalid".
Result<SchedJob> job_request(const pb::JobSpec& spec, const Config& config, const PartitionConfig& part);

}  // namespace drover
