// Values of sbatch options that have a syntax of their own: --signal,
// -N min[-max], --mail-type, --open-mode, --nice, --deadline. Pure
// functions; the error texts are the ones sbatch prints after "sbatch: error: ".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "drover/result.h"

namespace drover {

// --signal=[{R|B|RB|BR}:]<sig>[@<secs>]: a number or a name with or
// without "SIG" (case-insensitive), secs 0-65535, default 60.
struct SignalSpec {
  int number = 0;
  uint32_t secs = 60;
  bool batch_only = false;  // B: only the batch shell
};
// Error: "Invalid --signal specification".
Result<SignalSpec> parse_signal_spec(std::string_view text);

// A signal by name ("USR1", "SIGUSR1", "usr1") or number ("10"); 0 if unknown.
int signal_number(std::string_view name);

// -N <min>[-<max>], each with an optional k (x1024) or m (x1048576) suffix.
// max is 0 when not given. Error: "Invalid node count specification".
struct NodeRange {
  uint32_t min = 0;
  uint32_t max = 0;
};
Result<NodeRange> parse_node_range(std::string_view text);

// --mail-type: comma list of NONE, BEGIN, END, FAIL, REQUEUE, ALL,
// INVALID_DEPEND, STAGE_OUT, TIME_LIMIT, TIME_LIMIT_90/80/50, ARRAY_TASKS
// (case-insensitive). Returns the list upper-cased; error "--mail-type=<v> invalid".
Result<std::string> parse_mail_type(std::string_view text);

// --open-mode: anything starting with a/A is append, t/T truncate.
// Returns true for append. Error: "Invalid --open-mode argument: <v>. Ignored".
Result<bool> parse_open_mode(std::string_view text);

// --nice[=adj]: empty means 100; |adj| <= 2147483645. Error "Invalid --nice value: <v>".
Result<int32_t> parse_nice(std::string_view text);

// --deadline in the ISO form YYYY-MM-DD[THH:MM[:SS]] (local time), or
// now+N[seconds|minutes|hours|days|weeks] relative to `now`.
// Error: "Invalid --deadline specification".
Result<int64_t> parse_deadline(std::string_view text, int64_t now);

}  // namespace drover
