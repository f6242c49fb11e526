// Slurm's absolute and relative time syntax for sbatch --begin (and
// --deadline): pure, given "now", in the local time zone.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "drover/result.h"

namespace drover {

// Accepted (keywords case-insensitive):
//   HH:MM[:SS][AM|PM]          today, or tomorrow if that time has passed
//   midnight noon fika teatime 00:00 (next), 12:00, 15:00, 16:00 (next occurrence)
//   today tomorrow             midnight of that day
//   now[{+|-}N[seconds|minutes|hours|days|weeks]]   (singular too; default seconds)
//   MMDD[YY] MM/DD[/YY] MM.DD[.YY]   midnight; without a year, next year if already past
//   MM/DD[/YY]-HH:MM[:SS]
//   YYYY-MM-DD[THH:MM[:SS]]
// and a time and a date separated by blanks ("16:00 12/31").
// The error is Slurm's line: "Invalid time specification (pos=N): <text>".
Result<int64_t> parse_begin_time(std::string_view text, int64_t now);

}  // namespace drover
