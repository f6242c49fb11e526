// Slurm hostlist expressions: "pi-clust-node[01-03,07],head" <-> names.
// Pure functions; the exact behaviour matches Slurm 22.05 (see spec §8).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "drover/result.h"

namespace drover::hostlist {

// Expands an expression into names, in the order written, duplicates kept.
// Errors name the problem as Slurm does ("Invalid range: `3-1'", "Invalid hostlist: ...").
Result<std::vector<std::string>> expand(std::string_view expression);

// Compresses names in the order given (Slurm's hostlist_ranged_string):
// {"n3","n2","n1"} -> "n[3,2,1]", {"a1","a2","b1","a3"} -> "a[1-2],b1,a3".
std::string compress(const std::vector<std::string>& names);

// Sorts as Slurm does (prefix in natural order, then hosts without a number,
// then numeric width, then value) and compresses: the form sinfo, squeue and
// SLURM_JOB_NODELIST use. {"n3","n1","n2"} -> "n[1-3]".
std::string compress_sorted(std::vector<std::string> names);

}  // namespace drover::hostlist
