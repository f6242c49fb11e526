// What sbatch reads from a batch script before submitting it: the sanity
// checks Slurm applies and the #SBATCH directives. Pure.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "drover/result.h"

namespace drover {

// Slurm's client-side script checks. On failure the error holds the lines
// sbatch prints (each to be prefixed "sbatch: error: "), joined by '\n'.
Status check_batch_script(std::string_view script);

// The option words of the script's #SBATCH lines, split shell-like, in order.
// Scanning stops at the first line whose first non-blank character is not '#'.
// An unmatched quote fails with "line N: Unmatched `\"` in [<line>]" (or `'`).
Result<std::vector<std::string>> extract_directives(std::string_view script);

}  // namespace drover
